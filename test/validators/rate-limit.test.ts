/**
 * The per-action rate limiter (validators/clients/rate-limit.ts): documented limits and overrides, each action paced
 * on its own, no window holding more than the limit (counting until a second after each answer), and every attempt
 * of a retried call taking its own slot while throttling answers are still retried. The held-slot case runs in the
 * default one-second window; the others in a short window (the limiter's `windowMs`, W below), the same rules
 * scaled, so the file does not wait out real seconds.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { InputError } from "../../common/errors";
import { CloudError, RetryCounter, TencentApiClient, resolveEndpoints, retrying } from "../../validators/clients";
import { CosClient } from "../../validators/clients/cos";
import { DEFAULT_ACTION_LIMIT, DOCUMENTED_LIMITS, RateLimiter, parseRateLimit } from "../../validators/clients/rate-limit";
import { withRegion, withSignal } from "../../validators/clients/tencent-api";

describe("limits", () => {
  it("documented table, 20/s default, COS unpaced unless overridden, per-action overrides", () => {
    const l = new RateLimiter();
    expect(l.limitOf("live", "DescribeLiveDomain")).toBe(500);
    expect(l.limitOf("cdb", "DescribeDBInstances")).toBe(100);
    expect(l.limitOf("cam", "GetUser")).toBe(DEFAULT_ACTION_LIMIT);
    expect(DEFAULT_ACTION_LIMIT).toBe(20);
    expect(l.limitOf("cos", "PutObject")).toBeNull();
    expect(Object.values(DOCUMENTED_LIMITS).every((n) => n > 0)).toBe(true);
    const o = new RateLimiter({ override: 7 });
    expect([o.limitOf("live", "DescribeLiveDomain"), o.limitOf("cam", "GetUser"), o.limitOf("cos", "GetObject")]).toEqual([7, 7, 7]);
    expect(new RateLimiter({ limits: { "cam.GetUser": 3 } }).limitOf("cam", "GetUser")).toBe(3);
    expect(() => new RateLimiter({ override: 0 })).toThrow(/positive/);
    expect(() => new RateLimiter({ windowMs: 0 })).toThrow(/windowMs must be a positive number/);
    expect(parseRateLimit("20")).toBe(20);
    expect(parseRateLimit("1")).toBe(1);
    expect(parseRateLimit("100000")).toBe(100000);
    for (const bad of ["0", "1.5", "1e-10", "0.0000000001", "1e9", "100001", "abc", "fast", "-1", ""]) {
      expect(() => parseRateLimit(bad)).toThrow(InputError);
      expect(() => parseRateLimit(bad)).toThrow(/^--rate-limit must be a whole number of requests per second from 1 to 100000/);
    }
  });
});

/** The short window the scaled cases count in, ms. */
const W = 250;

describe("pacing", () => {
  /** Acquires a slot and answers at once; resolves with when it was granted (ms since t0). */
  const at = (l: RateLimiter, t0: number, svc = "live", action = "DescribeLiveDomain", account = "AKIDa") =>
    l.acquire(svc, action, account).then((release) => {
      release();
      return Date.now() - t0;
    });

  it("no window holds more than the limit", async () => {
    const l = new RateLimiter({ override: 40, windowMs: W });
    const t0 = Date.now();
    const times = (await Promise.all(Array.from({ length: 90 }, () => at(l, t0)))).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      expect(times.filter((t) => t >= times[i] && t < times[i] + W).length).toBeLessThanOrEqual(40);
    }
    // 40 at once, 40 a window later, 10 after two windows.
    expect(times[89]).toBeGreaterThanOrEqual(2 * W - 10);
    // Not a third window's wait; the margin is for a loaded machine's late timers, not a looser limit.
    expect(times[89]).toBeLessThan(3 * W + 150);
    expect(l.stats()).toEqual([{ action: "live.DescribeLiveDomain", limit: 40, requests: 90, waitedMs: expect.any(Number) }]);
    expect(l.boundMs()).toBeCloseTo((90 / 40) * 1000, 5); // the bound is in documented (one-second) terms
  });

  it("a slot is held until a second after the answer came back (a late answer delays the next request)", async () => {
    const l = new RateLimiter({ override: 1 });
    const t0 = Date.now();
    const first = await l.acquire("cam", "GetUser", "AKIDa");
    const second = at(l, t0, "cam", "GetUser");
    await new Promise((r) => setTimeout(r, 300));
    first(); // the answer arrives 0.3 s after the request left
    expect(await second).toBeGreaterThanOrEqual(1290);
  });

  it("each action (and each account) has its own window", async () => {
    const l = new RateLimiter({ override: 10, windowMs: W });
    const t0 = Date.now();
    const run = (svc: string, action: string, account: string) =>
      Promise.all(Array.from({ length: 15 }, () => at(l, t0, svc, action, account))).then((ts) => Math.max(...ts));
    const [a, b, c] = await Promise.all([run("live", "DescribeLiveDomain", "AKIDa"), run("cam", "GetUser", "AKIDa"), run("live", "DescribeLiveDomain", "AKIDb")]);
    // 15 requests at 10 a window take one window per key; one shared window for all 45 would take four.
    for (const ms of [a, b, c]) {
      expect(ms).toBeGreaterThanOrEqual(W - 10);
      expect(ms).toBeLessThan(1.9 * W);
    }
    expect(l.stats().map((s) => [s.action, s.requests])).toEqual([
      ["live.DescribeLiveDomain", 30],
      ["cam.GetUser", 15],
    ]);
  });

  it("a waiter whose signal aborts leaves the queue at once, takes no slot, and those behind it keep their turn", async () => {
    const l = new RateLimiter({ override: 1, windowMs: W });
    const t0 = Date.now();
    const first = await l.acquire("cam", "GetUser", "AKIDa");
    const ac = new AbortController();
    const reason = new Error("check timed out");
    const aborted = l.acquire("cam", "GetUser", "AKIDa", ac.signal);
    const next = at(l, t0, "cam", "GetUser");
    setTimeout(() => ac.abort(reason), 20);
    await expect(aborted).rejects.toBe(reason);
    expect(Date.now() - t0).toBeLessThan(W / 2);
    first();
    // The one behind the aborted waiter gets the slot a window after the first answer, not two.
    const granted = await next;
    expect(granted).toBeGreaterThanOrEqual(W - 10);
    expect(granted).toBeLessThan(1.6 * W);
    // Already aborted: rejects without waiting (an AbortError when the reason is not an Error).
    const gone = new AbortController();
    gone.abort();
    await expect(l.acquire("cam", "GetUser", "AKIDa", gone.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("COS is not paced without an override (but counted)", async () => {
    const l = new RateLimiter();
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 100 }, () => l.acquire("cos", "PutObject", "AKIDa")));
    expect(Date.now() - t0).toBeLessThan(200);
    expect(l.stats()).toEqual([{ action: "cos.PutObject", limit: null, requests: 100, waitedMs: expect.any(Number) }]);
  });
});

describe("in the API client", () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ action: string; region: string | undefined; at: number }> = [];
  let throttleNext = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push({ action: String(req.headers["x-tc-action"]), region: req.headers["x-tc-region"] as string | undefined, at: Date.now() });
        res.setHeader("content-type", "application/json");
        if (throttleNext > 0) {
          throttleNext--;
          res.end(JSON.stringify({ Response: { Error: { Code: "RequestLimitExceeded", Message: "slow down" }, RequestId: "r-throttled" } }));
        } else {
          res.end(JSON.stringify({ Response: { RequestId: "r-ok", Ok: true } }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  beforeEach(() => {
    seen.length = 0;
    throttleNext = 0;
  });

  const client = (limiter: RateLimiter, region = "ap-guangzhou") =>
    new TencentApiClient({
      secretId: "AKIDrateLimitTest000000000000000001",
      secretKey: "rateLimitTestSecretKey0000000001",
      region,
      endpoints: resolveEndpoints({ apiEndpoint: `http://127.0.0.1:${port}` }, {}),
      rateLimiter: limiter,
    });

  it("a throttled call is retried by the retry policy, and every attempt takes a slot of its action", async () => {
    const limiter = new RateLimiter({ override: 1, windowMs: W });
    const api = client(limiter);
    const counter = new RetryCounter();
    try {
      await api.request("live", "DescribeLiveRecordRules", {}); // loads the SDK: the timed attempts below are not slowed by it
      seen.length = 0;
      throttleNext = 2;
      const r = await retrying(api, { counter, policy: { startingDelay: 1, maxDelay: 2 } }).request("live", "DescribeLiveDomain", { DomainName: "x" });
      expect(r).toMatchObject({ Ok: true });
    } finally {
      api.close();
    }
    expect(counter.count).toBe(2);
    expect(counter.lastReason).toBe("RequestLimitExceeded");
    expect(seen.map((s) => s.action)).toEqual(["DescribeLiveDomain", "DescribeLiveDomain", "DescribeLiveDomain"]);
    // Three attempts, each waiting for its slot: a window apart at 1 a window although the retry delays are 1-2 ms.
    expect(seen[2].at - seen[0].at).toBeGreaterThanOrEqual(2 * W - 50);
    expect(limiter.stats()).toEqual([
      { action: "live.DescribeLiveDomain", limit: 1, requests: 3, waitedMs: expect.any(Number) },
      { action: "live.DescribeLiveRecordRules", limit: 1, requests: 1, waitedMs: expect.any(Number) },
    ]);
  });

  it("a request aborted while waiting for its slot is never sent, fails like a timeout, and frees nothing it did not hold", async () => {
    const limiter = new RateLimiter({ override: 1, windowMs: W });
    const api = client(limiter);
    try {
      await api.request("cam", "GetUser", {}); // loads the SDK and takes the window's one slot
      const t0 = Date.now();
      const ac = new AbortController();
      const queued = withSignal(api, ac.signal).request("cam", "GetUser", {});
      setTimeout(() => ac.abort(new Error("timeout")), 20);
      const err = await queued.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudError);
      expect(err).toMatchObject({ code: "Aborted", kind: "timeout", service: "cam", operation: "GetUser" });
      expect(Date.now() - t0).toBeLessThan(W / 2);
      // The next request leaves when the first one's window ends, not a window after the aborted one.
      await api.request("cam", "GetUser", {});
      expect(Date.now() - t0).toBeLessThan(1.6 * W);
      await new Promise((r) => setTimeout(r, W + 50));
    } finally {
      api.close();
    }
    expect(seen.map((s) => s.action)).toEqual(["GetUser", "GetUser"]);
  });

  it("one shared client serves stacks in different regions (withRegion), a request's own region still wins", async () => {
    const api = client(new RateLimiter(), "");
    try {
      await withRegion(api, "ap-shanghai").request("cdb", "DescribeDBInstances", {});
      await withRegion(api, "ap-beijing").request("cdb", "DescribeDBInstances", {});
      await withRegion(api, "ap-beijing").request("cdb", "DescribeDBInstances", {}, { region: "ap-chengdu" });
    } finally {
      api.close();
    }
    expect(seen.map((s) => s.region)).toEqual(["ap-shanghai", "ap-beijing", "ap-chengdu"]);
  });
});

describe("in the COS client", () => {
  it("a call that fails before its request exists (the SDK cannot be built) frees its slot at once", async () => {
    const cos = new CosClient({
      secretId: "AKIDrateLimitTest000000000000000002",
      secretKey: "rateLimitTestSecretKey0000000002",
      endpoints: resolveEndpoints({ cosEndpoint: "http://127.0.0.1:9" }, {}),
      rateLimiter: new RateLimiter({ override: 1, windowMs: W }),
    });
    const boom = new Error("cannot build the SDK");
    (cos as unknown as { newSdk: () => never }).newSdk = () => {
      throw boom;
    };
    try {
      const t0 = Date.now();
      await expect(cos.headBucket({ bucket: "b-1250000000", region: "ap-guangzhou" })).rejects.toBe(boom);
      // A leaked slot would keep the second call waiting for ever (limit 1); a freed one lets it go a window later.
      await expect(cos.headBucket({ bucket: "b-1250000000", region: "ap-guangzhou" })).rejects.toBe(boom);
      expect(Date.now() - t0).toBeLessThan(1.6 * W);
      // A view with an aborted signal is refused before anything is built, with the timeout kind.
      const ac = new AbortController();
      ac.abort(new Error("timeout"));
      await expect(cos.withSignal(ac.signal).headBucket({ bucket: "b-1250000000", region: "ap-guangzhou" })).rejects.toMatchObject({ code: "Aborted", kind: "timeout" });
    } finally {
      cos.close();
    }
  });
});
