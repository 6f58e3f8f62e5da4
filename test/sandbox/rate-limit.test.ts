// Per-action rate limits (sandbox/rate-limit.ts): the sliding window on a fake clock, then over real HTTP with the
// official SDK (N+k requests in one window → exactly k refused with RequestLimitExceeded, another action unaffected,
// requests admitted again once the window has passed), the counters at GET /_sandbox/rate-limits, and the
// `--rate-limit` flags of the real CLI.
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { RateLimiter, rateLimitFromFlags, validateRateLimitConfig } from "../../sandbox/rate-limit";
import { isEmulatedAction } from "../../sandbox/api";
import { requireBuiltCli } from "../helpers/cli";
import { OWNER, TestSandbox, loopbackAgent, sdkError, startSandboxProcess, startTestSandbox } from "../helpers/sandbox";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("RateLimiter (fake clock)", () => {
  test("admits at most N per sliding window per account and action; refusals do not use up the limit", () => {
    let t = 0;
    const rl = new RateLimiter({ perAction: 3, actions: { DescribeLiveDomains: 1, "cdb:DescribeLiveDomains": 2 } }, () => t);
    const run = (n: number, account = "A", service = "live", action = "DescribeLiveCallbackRules") =>
      Array.from({ length: n }, () => rl.admit(account, service, action));
    expect(run(5)).toEqual([undefined, undefined, undefined, 3, 3]);
    expect(run(1, "B")).toEqual([undefined]); // another account has its own window
    expect(run(1, "A", "live", "DescribeLiveCallbackTemplates")).toEqual([undefined]); // another action too
    expect(run(2, "A", "live", "DescribeLiveDomains")).toEqual([undefined, 1]); // bare Action override
    expect(run(3, "A", "cdb", "DescribeLiveDomains")).toEqual([undefined, undefined, 2]); // service:Action wins
    t = 999;
    expect(run(1)).toEqual([3]); // still inside the window of the requests at t=0
    t = 1000;
    expect(run(4)).toEqual([undefined, undefined, undefined, 3]); // those have left it
    t = 1500;
    expect(run(1)).toEqual([3]);
    expect(rl.counters()["live:DescribeLiveCallbackRules"]).toEqual({ requests: 12, limited: 5 }); // per action, all accounts
    rl.reset();
    expect(rl.counters()).toEqual({});
  });

  test("without limits every request is admitted and still counted", () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 100; i++) expect(rl.admit("A", "live", "DescribeLiveDomains")).toBeUndefined();
    expect(rl.counters()).toEqual({ "live:DescribeLiveDomains": { requests: 100, limited: 0 } });
  });

  test("configuration and flags are validated, naming the field", () => {
    expect(rateLimitFromFlags([])).toBeUndefined();
    expect(rateLimitFromFlags(["20", "DescribeLiveDomains=10", "cdb:DescribeDBInstances=5"], "--rate-limit", isEmulatedAction)).toEqual({
      perAction: 20,
      actions: { DescribeLiveDomains: 10, "cdb:DescribeDBInstances": 5 },
    });
    expect(() => rateLimitFromFlags(["fast"])).toThrow('--rate-limit: "fast" is not a whole number of requests per second');
    expect(() => rateLimitFromFlags(["0"])).toThrow("--rate-limit: perAction: must be an integer from 1 to 1000000");
    expect(() => rateLimitFromFlags(["DescribeLiveDomainz=5"], "--rate-limit", isEmulatedAction)).toThrow(
      '--rate-limit: actions: "DescribeLiveDomainz" is not an action the sandbox emulates',
    );
    expect(() => rateLimitFromFlags(["cdb:DescribeLiveDomains=5"], "--rate-limit", isEmulatedAction)).toThrow(/not an action the sandbox emulates/);
    expect(() => rateLimitFromFlags(["live describe=5"])).toThrow(/"live describe" is not <Action> or <service>:<Action>/);
    expect(() => validateRateLimitConfig({ perAction: 2, window: 5 }, "PUT")).toThrow("PUT: window: is not a known field");
    expect(() => validateRateLimitConfig({ windowMs: 0 }, "PUT")).toThrow("PUT: windowMs: must be an integer from 1 to 3600000");
  });
});

describe("over HTTP with the official SDK", () => {
  const WINDOW = 800;
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox({ rateLimits: { perAction: 3, actions: { "live:DescribeLiveCallbackTemplates": 5 }, windowMs: WINDOW } });
  });
  afterAll(() => t.close());

  const control = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${t.sb.control}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  test("N+k requests in one window: exactly k refused with RequestLimitExceeded; other actions unaffected; admitted again after the window", async () => {
    await control("POST", "/rate-limits/reset");
    const live = t.client("live");
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => live.request("DescribeLiveDomains", {})));
    expect(Date.now() - started).toBeLessThan(WINDOW); // all inside one window, or the test proves nothing
    const other = await Promise.allSettled(Array.from({ length: 5 }, () => live.request("DescribeLiveCallbackTemplates", {})));
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const e of refused) {
      expect(e.code).toBe("RequestLimitExceeded");
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.message).toContain(`3 requests per ${WINDOW} ms for live:DescribeLiveDomains`);
    }
    // Its own limit (5): all five pass although DescribeLiveDomains is exhausted.
    expect(other.every((r) => r.status === "fulfilled")).toBe(true);

    const counters = (await control("GET", "/rate-limits")).body;
    expect(counters).toMatchObject({ perAction: 3, actions: { "live:DescribeLiveCallbackTemplates": 5 }, windowMs: WINDOW });
    expect(counters.counters).toEqual({
      "live:DescribeLiveCallbackTemplates": { requests: 5, limited: 0 },
      "live:DescribeLiveDomains": { requests: 5, limited: 2 },
    });

    await sleep(WINDOW + 50);
    expect((await live.request("DescribeLiveDomains", {})).AllCount).toBe(0);
    expect((await control("GET", "/rate-limits")).body.counters["live:DescribeLiveDomains"]).toEqual({ requests: 6, limited: 2 });
  });

  test("the error is the API 3.0 envelope on HTTP 200; unauthenticated requests are not counted", async () => {
    await control("PUT", "/rate-limits", { perAction: 1, windowMs: 60_000 });
    await control("POST", "/rate-limits/reset");
    const cdb = t.client("cdb");
    await cdb.request("DescribeDBInstances", {});
    const e = await sdkError(cdb.request("DescribeDBInstances", {}));
    expect(e).toMatchObject({ code: "RequestLimitExceeded" });
    // A wrong key fails authentication before the limit: it is not a request of the account.
    const bad = t.client("cdb", { cred: { secretId: OWNER.secretId, secretKey: "wrong".padEnd(32, "0") } });
    expect((await sdkError(bad.request("DescribeDBInstances", {}))).code).toBe("AuthFailure.SignatureFailure");
    expect((await control("GET", "/rate-limits")).body.counters).toEqual({ "cdb:DescribeDBInstances": { requests: 2, limited: 1 } });
    // The raw answer: HTTP 200, Response.Error + RequestId.
    const r = await rawPost(t.sb.port, "cdb", "DescribeDBInstances");
    expect(r.status).toBe(200);
    expect(r.body.Response.Error.Code).toBe("RequestLimitExceeded");
    expect(typeof r.body.Response.RequestId).toBe("string");
  });

  test("PUT /_sandbox/rate-limits validates; {} switches limits off", async () => {
    expect(await control("PUT", "/rate-limits", { actions: { DescribeLiveDomainz: 1 } })).toEqual({
      status: 400,
      body: { error: 'PUT /_sandbox/rate-limits: actions: "DescribeLiveDomainz" is not an action the sandbox emulates' },
    });
    expect((await control("PUT", "/rate-limits", {})).status).toBe(200);
    const cdb = t.client("cdb");
    for (let i = 0; i < 5; i++) await cdb.request("DescribeDBInstances", {});
    expect((await control("GET", "/rate-limits")).body).toMatchObject({ actions: {}, windowMs: 1000 });
    expect((await control("GET", "")).body.routes).toEqual(expect.arrayContaining(["GET /_sandbox/rate-limits", "PUT /_sandbox/rate-limits", "POST /_sandbox/rate-limits/reset"]));
  });
});

/** A TC3-signed POST made by the SDK's own signer would hide the envelope; this one reads it raw. */
async function rawPost(port: number, service: string, action: string): Promise<{ status: number; body: any }> {
  const http = await import("http");
  const { createHash, createHmac } = await import("crypto");
  const host = `${service}.tencentcloudapi.com`;
  const body = "{}";
  const ts = Math.floor(Date.now() / 1000);
  const date = new Date(ts * 1000).toISOString().slice(0, 10);
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  const hmac = (k: Buffer | string, s: string) => createHmac("sha256", k).update(s).digest();
  const canonical = ["POST", "/", "", `content-type:application/json\nhost:${host}\n`, "content-type;host", sha(body)].join("\n");
  const scope = `${date}/${service}/tc3_request`;
  const toSign = ["TC3-HMAC-SHA256", String(ts), scope, sha(canonical)].join("\n");
  const key = hmac(hmac(hmac(`TC3${OWNER.secretKey}`, date), service), "tc3_request");
  const sig = createHmac("sha256", key).update(toSign).digest("hex");
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1", port, method: "POST", path: "/",
        headers: {
          Host: host, "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2017-03-20", "X-TC-Timestamp": String(ts),
          "X-TC-Region": "ap-guangzhou",
          Authorization: `TC3-HMAC-SHA256 Credential=${OWNER.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${sig}`,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("prototype names in --rate-limit are refused as unknown actions, never dropped silently", () => {
  for (const name of ["__proto__", "constructor", "toString", "live:__proto__", "hasOwnProperty"]) {
    expect(() => rateLimitFromFlags([`${name}=5`], "--rate-limit", isEmulatedAction)).toThrow(/--rate-limit: actions: /);
  }
  expect(() => validateRateLimitConfig(JSON.parse('{"actions":{"__proto__":3}}'), "PUT rate-limits")).toThrow(/PUT rate-limits: actions: "__proto__"/);
  // A real action parsed from flags lands in a map without a prototype.
  const cfg = rateLimitFromFlags(["DescribeLiveDomains=4"], "--rate-limit", isEmulatedAction)!;
  expect(Object.getPrototypeOf(cfg.actions)).toBeNull();
  expect(cfg.actions).toEqual(Object.assign(Object.create(null), { DescribeLiveDomains: 4 }));
});

describe("live-infra sandbox --rate-limit (the real CLI)", () => {
  beforeAll(requireBuiltCli);

  const start = startSandboxProcess;

  test("--help documents the flag; a bad value exits 2 naming it", async () => {
    const help = start(["--help"]);
    const bad = start(["--rate-limit", "DescribeLiveDomainz=3"]);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain("--rate-limit <n|action=n>");
    expect(help.stdout()).toContain("RequestLimitExceeded");
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('--rate-limit: actions: "DescribeLiveDomainz" is not an action the sandbox emulates');
    expect(bad.stdout()).toBe("");
  });

  test("limits per action with an override, counters at <control>/rate-limits", async () => {
    const id = "AKIDrateLimitCli00000000000000000000";
    const key = "rateLimitCliKey00000000000000000";
    const s = start(["--rate-limit", "5", "--rate-limit", "live:DescribeLiveDomains=1"], { TENCENTCLOUD_SECRET_ID: id, TENCENTCLOUD_SECRET_KEY: key });
    const agent = loopbackAgent();
    try {
      const urls = JSON.parse(await s.line);
      const port = new URL(urls.api).port;
      const live = new CommonClient("live.tencentcloudapi.com", "2018-08-01", {
        credential: { secretId: id, secretKey: key },
        region: "",
        profile: { httpProfile: { endpoint: `live.tencentcloudapi.com:${port}`, protocol: "http://", agent, reqTimeout: 10 } },
      });
      const r = await Promise.allSettled([live.request("DescribeLiveDomains", {}), live.request("DescribeLiveDomains", {})]);
      expect(r.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect((r.find((x) => x.status === "rejected") as PromiseRejectedResult).reason.code).toBe("RequestLimitExceeded");
      await Promise.all(Array.from({ length: 3 }, () => live.request("DescribeLiveCallbackRules", {})));
      const doc = (await (await fetch(`${urls.control}/rate-limits`)).json()) as any;
      expect(doc).toMatchObject({ perAction: 5, actions: { "live:DescribeLiveDomains": 1 }, windowMs: 1000 });
      expect(doc.counters).toEqual({
        "live:DescribeLiveCallbackRules": { requests: 3, limited: 0 },
        "live:DescribeLiveDomains": { requests: 2, limited: 1 },
      });
      expect(s.stderr()).toContain("rate limits on (5/s per action, live:DescribeLiveDomains 1/s)");
    } finally {
      agent.destroy();
      s.child.kill("SIGTERM");
    }
    expect(await s.exit).toBe(0);
  });
});

test("service names that are Object.prototype members are refused cleanly (flags and PUT), never a TypeError", async () => {
  const { InputError } = await import("../../common/errors");
  for (const flag of ["constructor:Foo=5", "toString:X=1", "__proto__:Y=1"]) {
    let caught: unknown;
    try {
      rateLimitFromFlags([flag], "--rate-limit", isEmulatedAction);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(new RegExp(`^--rate-limit: actions: "${flag.split("=")[0]}" is not `));
  }
  expect(() => rateLimitFromFlags(["constructor:Foo=5"], "--rate-limit", isEmulatedAction)).toThrow('--rate-limit: actions: "constructor:Foo" is not an action the sandbox emulates');
  const t = await startTestSandbox();
  try {
    const r = await fetch(`${t.sb.control}/rate-limits`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ actions: { "constructor:Foo": 5 } }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'PUT /_sandbox/rate-limits: actions: "constructor:Foo" is not an action the sandbox emulates' });
  } finally {
    await t.close();
  }
});
