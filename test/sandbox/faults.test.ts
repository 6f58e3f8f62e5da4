// Fault injection: deterministic decisions under a seed, wildcard rules, and the effects seen by the official SDK
// (RequestLimitExceeded, HTTP 5xx, dropped connections, added latency — lower bounds only).
import * as http from "http";
import { Faults, parseFaultSpec, validateFaultConfig } from "../../sandbox/faults";
import { faultConfigFromFlags } from "../../cli/sandbox";
import { sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

describe("Faults (unit)", () => {
  test("same seed and request order → same decisions; another seed differs", () => {
    const cfg = { rules: { "*": { throttleRate: 0.5, errorRate: 0.3, dropRate: 0.2 } } };
    const run = (seed: number) => {
      const f = new Faults(cfg, seed);
      return Array.from({ length: 50 }, () => f.decide("live", "DescribeLiveDomains"));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const decisions = run(7);
    expect(decisions.some((d) => d.throttle)).toBe(true);
    expect(decisions.some((d) => !d.throttle)).toBe(true);
  });

  test("latency spikes: the share given by spikeRate gets spikeMs on top of latencyMs; no spike rate draws nothing more", () => {
    const f = new Faults({ rules: { "*": { latencyMs: 5, spikeRate: 0.25, spikeMs: 700 } } }, 11);
    const delays = Array.from({ length: 400 }, () => f.decide("cos", "PutObject").delayMs);
    expect(new Set(delays)).toEqual(new Set([5, 705]));
    const spiked = delays.filter((d) => d === 705).length;
    expect(spiked).toBeGreaterThan(60);
    expect(spiked).toBeLessThan(140);
    expect(new Faults({ rules: { "*": { spikeRate: 1 } } }).decide("live", "X").delayMs).toBe(1000);
    // Without a spike rate the sequence is what it always was: three draws a request.
    const plain = new Faults({ rules: { "*": { throttleRate: 0.5 } } }, 4);
    const withZero = new Faults({ rules: { "*": { throttleRate: 0.5, spikeRate: 0 } } }, 4);
    const seq = (x: Faults) => Array.from({ length: 30 }, () => x.decide("live", "X").throttle);
    expect(seq(withZero)).toEqual(seq(plain));
    expect(parseFaultSpec("spike=0.1,spikeMs=300")).toEqual({ spikeRate: 0.1, spikeMs: 300 });
    expect(() => parseFaultSpec("spike=2")).toThrow(/rate must be between 0 and 1/);
    expect(() => validateFaultConfig({ rules: { "*": { spikeMs: -1 } } })).toThrow(/spikeMs: must be a number ≥ 0/);
  });

  test("prototype names are ordinary patterns: kept as rules of their own, nothing inherited or polluted", () => {
    const cfg = faultConfigFromFlags({ fault: ["__proto__=latency=5", "constructor=error=1", "toString=drop=1"] });
    expect(Object.keys(cfg.rules).sort()).toEqual(["__proto__", "constructor", "toString"]);
    expect(Object.getPrototypeOf(cfg.rules)).toBeNull();
    expect(({} as Record<string, unknown>).latencyMs).toBeUndefined();
    const f = new Faults(cfg);
    expect(f.decide("live", "DescribeLiveDomains")).toEqual({ delayMs: 0, drop: false, throttle: false, serverError: false });
    expect(f.specFor("live", "__proto__")).toEqual({ latencyMs: 5 });
    const fromJson = validateFaultConfig(JSON.parse('{"rules":{"__proto__":{"latencyMs":7}}}'));
    expect(Object.keys(fromJson.rules)).toEqual(["__proto__"]);
  });

  test("reseed restarts the sequence", () => {
    const f = new Faults({ rules: { "*": { throttleRate: 0.5 } } }, 3);
    const a = Array.from({ length: 10 }, () => f.decide("cos", "PutObject").throttle);
    f.reseed(3);
    expect(Array.from({ length: 10 }, () => f.decide("cos", "PutObject").throttle)).toEqual(a);
  });

  test("rates 0 and 1 are never and always", () => {
    const f = new Faults({ rules: { "live:*": { throttleRate: 1 }, "cos:*": { throttleRate: 0 } } });
    for (let i = 0; i < 20; i++) {
      expect(f.decide("live", "X").throttle).toBe(true);
      expect(f.decide("cos", "X").throttle).toBe(false);
    }
  });

  test("patterns: service:Action, bare Action, wildcards; more specific rules override fields", () => {
    const f = new Faults({
      rules: {
        "*": { latencyMs: 10, errorRate: 0.1 },
        "cos:*": { latencyMs: 20 },
        GetObject: { latencyMs: 30 },
        "cos:PutObject": { latencyMs: 40, throttleRate: 1 },
        "live:Describe*": { dropRate: 0.5 },
      },
    });
    expect(f.specFor("live", "AddLiveDomain")).toEqual({ latencyMs: 10, errorRate: 0.1 });
    expect(f.specFor("cos", "HeadBucket")).toEqual({ latencyMs: 20, errorRate: 0.1 });
    expect(f.specFor("cos", "GetObject")).toEqual({ latencyMs: 30, errorRate: 0.1 });
    expect(f.specFor("cos", "PutObject")).toEqual({ latencyMs: 40, errorRate: 0.1, throttleRate: 1 });
    expect(f.specFor("live", "DescribeLiveDomains")).toEqual({ latencyMs: 10, errorRate: 0.1, dropRate: 0.5 });
    expect(f.decide("cos", "PutObject")).toMatchObject({ delayMs: 40, throttle: true });
  });

  test("invalid configs name the rule and field", () => {
    expect(() => validateFaultConfig({ rules: { "*": { throttleRate: 2 } } })).toThrow(/rules\["\*"\]\.throttleRate: is a rate/);
    expect(() => validateFaultConfig({ rules: { "*": { latency: 5 } } })).toThrow(/rules\["\*"\]\.latency: is not a known field/);
    expect(() => validateFaultConfig({ rules: [] })).toThrow(/faults\.rules/);
  });

  test("CLI spec parsing", () => {
    expect(parseFaultSpec("latency=200,throttle=0.5,error=0.1,drop=0")).toEqual({ latencyMs: 200, throttleRate: 0.5, errorRate: 0.1, dropRate: 0 });
    expect(() => parseFaultSpec("speed=3")).toThrow(/KEY=VALUE/);
    expect(() => faultConfigFromFlags({ fault: ["live:X="] })).toThrow('--fault live:X: the spec is empty');
    expect(() => parseFaultSpec("latency=abc", "--fault live:X")).toThrow('--fault live:X: "latency=abc": the value must be a number ≥ 0');
    expect(() => parseFaultSpec("throttle=2", "--fault live:X")).toThrow('--fault live:X: "throttle=2": a rate must be between 0 and 1');
    expect(
      faultConfigFromFlags({ latency: 5, throttleRate: 0.1, fault: ["cos:PutObject=latency=100", "live:*=throttle=1"] }),
    ).toEqual({ rules: { "*": { latencyMs: 5, throttleRate: 0.1 }, "cos:PutObject": { latencyMs: 100 }, "live:*": { throttleRate: 1 } } });
    expect(() => faultConfigFromFlags({ fault: ["nopattern"] })).toThrow(/PATTERN=SPEC/);
  });
});

describe("faults seen through the SDK", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());
  afterEach(() => t.sb.faults.set({ rules: {} }));

  test("throttling → RequestLimitExceeded (the SDK does not retry)", async () => {
    t.sb.faults.set({ rules: { "live:DescribeLiveDomains": { throttleRate: 1 } } });
    const e = await sdkError(t.client("live").request("DescribeLiveDomains", {}));
    expect(e.code).toBe("RequestLimitExceeded");
    expect(e.requestId).toBeTruthy();
    // Other actions are untouched.
    expect((await t.client("live").request("DescribeLiveCallbackRules", {})).Rules).toEqual([]);
  });

  test("injected latency delays the answer by at least that long", async () => {
    t.sb.faults.set({ rules: { "cdb:*": { latencyMs: 150 } } });
    const started = Date.now();
    await t.client("cdb").request("DescribeDBInstances", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test("server errors → HTTP 500 (SDK http error with httpCode)", async () => {
    t.sb.faults.set({ rules: { "*": { errorRate: 1 } } });
    const e = await sdkError(t.client("live").request("DescribeLiveDomains", {}));
    expect(e.httpCode).toBe(500);
  });

  test("dropped connections → a network error in the SDK", async () => {
    t.sb.faults.set({ rules: { "*": { dropRate: 1 } } });
    const e = await sdkError(t.client("live").request("DescribeLiveDomains", {}));
    expect(e.code).not.toBe("RequestLimitExceeded");
    expect(e.message).toMatch(/socket hang up|ECONNRESET|reset|closed/i);
  });

  test("faults are set through the control API too", async () => {
    const put = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${t.sb.control}/faults`, { method: "PUT", agent: false, headers: { "Content-Type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject);
        req.end(JSON.stringify(body));
      });
    expect(await put({ rules: { "live:*": { throttleRate: 1 } }, seed: 5 })).toBe(200);
    expect(t.sb.faults.seed).toBe(5);
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", {}))).code).toBe("RequestLimitExceeded");
    expect(await put({ rules: { "live:*": { throttleRate: 7 } } })).toBe(400);
    // A bad seed is refused before anything changes: the throttling rule stays.
    expect(await put({ rules: {}, seed: "x" })).toBe(400);
    expect(Object.keys(t.sb.faults.get().rules)).toEqual(["live:*"]);
    expect(await put({ rules: {} })).toBe(200);
    expect((await t.client("live").request("DescribeLiveDomains", {})).AllCount).toBe(0);
  });

  test("a partial throttle rate under a fixed seed gives a reproducible pass/fail pattern", async () => {
    const pattern = async () => {
      t.sb.faults.set({ rules: { "live:*": { throttleRate: 0.5 } } });
      t.sb.faults.reseed(11);
      const out: string[] = [];
      for (let i = 0; i < 12; i++) {
        out.push(await t.client("live").request("DescribeLiveDomains", {}).then(() => "ok", (e) => e.code));
      }
      return out;
    };
    const a = await pattern();
    expect(await pattern()).toEqual(a);
    expect(a).toContain("ok");
    expect(a).toContain("RequestLimitExceeded");
  });
});
