import { InputError } from "../../common/errors";
import { CloudError } from "../../validators/clients";
import { withRetry } from "../../validators/clients/retry";
import { ProgressEvent, RunnerCheck, runChecks, selectChecks } from "../../validators/runner";
import type { Verdict } from "../../validators/types";

const pass = (): Verdict => ({ status: "pass", message: { zh: "好", en: "ok" } });
const fail = (): Verdict => ({ status: "fail", message: { zh: "坏", en: "bad" } });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const check = (id: string, prerequisites: string[], run: RunnerCheck["run"], optIn = false): RunnerCheck => ({ id, prerequisites, run, optIn });

const throttled = () =>
  new CloudError({ code: "RequestLimitExceeded", message: "slow down", kind: "throttled", service: "live", operation: "DescribeLiveCallbackRules" });

describe("runner: prerequisite graph", () => {
  it("skips dependents of a failed check, naming the direct prerequisite and the root cause", async () => {
    const out = await runChecks(
      [
        check("a.one", [], async () => fail()),
        check("a.two", ["a.one"], async () => pass()),
        check("a.three", ["a.two"], async () => pass()),
        check("b.one", [], async () => pass()),
      ],
      { timeoutMs: 5000 },
    );
    expect(out.map((o) => [o.id, o.status, o.skippedBecause])).toEqual([
      ["a.one", "fail", null],
      ["a.two", "skip", "a.one"],
      ["a.three", "skip", "a.two"],
      ["b.one", "pass", null],
    ]);
    expect(out[2].message?.en).toContain("root cause: a.one");
    expect(out[1].verdict).toBeUndefined();
  });

  it("starts bodies before their prerequisites finish, but the verdict waits for them", async () => {
    const gate = deferred<void>();
    const order: string[] = [];
    const p = runChecks(
      [
        check("x.first", [], async () => {
          order.push("first:start");
          await gate.promise;
          order.push("first:end");
          return pass();
        }),
        check("x.second", ["x.first"], async () => {
          order.push("second:start");
          return pass();
        }),
      ],
      { timeoutMs: 5000 },
    );
    await new Promise((r) => setImmediate(r));
    // Both bodies run while the prerequisite is still pending (the end of the longer chain even starts first).
    expect(order).toEqual(["second:start", "first:start"]);
    gate.resolve();
    const out = await p;
    expect(out.map((o) => o.status)).toEqual(["pass", "pass"]);
  });

  it("aborts the body of a check that will be skipped", async () => {
    let aborted = false;
    const out = await runChecks(
      [
        check("y.base", [], async () => fail()),
        check("y.dep", ["y.base"], (signal) => new Promise<Verdict>((resolve) => signal.addEventListener("abort", () => {
          aborted = true;
          resolve(pass());
        }))),
      ],
      { timeoutMs: 60_000 },
    );
    expect(out[1].status).toBe("skip");
    expect(aborted).toBe(true);
  });

  it("treats warn as satisfying a prerequisite", async () => {
    const out = await runChecks(
      [check("w.a", [], async () => ({ status: "warn", message: { zh: "", en: "meh" } })), check("w.b", ["w.a"], async () => pass())],
      { timeoutMs: 5000 },
    );
    expect(out.map((o) => o.status)).toEqual(["warn", "pass"]);
  });
});

describe("runner: timeouts and errors never pass", () => {
  it("a hung check is error (timeout), and its dependents skip", async () => {
    const out = await runChecks(
      [check("h.hung", [], () => new Promise<Verdict>(() => undefined)), check("h.dep", ["h.hung"], async () => pass())],
      { timeoutMs: 150 },
    );
    expect(out[0].status).toBe("error");
    expect(out[0].message?.en).toMatch(/within 150 ms \(timeout\)/);
    expect(out[1].status).toBe("skip");
  });

  it("a thrown error is error with its message; an invalid verdict is error", async () => {
    const out = await runChecks(
      [
        check("e.throw", [], async () => {
          throw new Error("boom");
        }),
        check("e.bad", [], async () => ({ status: "skip" }) as unknown as Verdict),
      ],
      { timeoutMs: 5000 },
    );
    expect(out.map((o) => o.status)).toEqual(["error", "error"]);
    expect(out[0].message?.en).toContain("boom");
  });
});

describe("runner: retries", () => {
  it("a timeout reached while retrying names what kept failing", async () => {
    const refused = () => new CloudError({ code: "ECONNREFUSED", message: "refused", kind: "network", service: "live", operation: "DescribeLiveDomain" });
    const out = await runChecks(
      [
        check("t.retrying", [], (signal, retries) =>
          withRetry(async () => Promise.reject(refused()), { signal, counter: retries, policy: { startingDelay: 5, maxDelay: 20, numOfAttempts: 1000 } }),
        ),
      ],
      { timeoutMs: 200 },
    );
    expect(out[0].status).toBe("error");
    expect(out[0].message?.en).toMatch(/within 200 ms \(timeout; kept retrying after ECONNREFUSED\)/);
    expect(out[0].message?.zh).toContain("ECONNREFUSED");
  });

  it("retries throttling, 5xx and resets with backoff, then passes; counts retries", async () => {
    let calls = 0;
    const errors = [
      throttled(),
      new CloudError({ code: "InternalError", message: "x", kind: "server", service: "cos", operation: "HeadBucket" }),
      new CloudError({ code: "ECONNRESET", message: "reset", kind: "network", service: "cos", operation: "HeadBucket" }),
    ];
    const events: ProgressEvent[] = [];
    const out = await runChecks(
      [
        check("r.flaky", [], async (signal, retries) => {
          await withRetry(async () => {
            calls++;
            if (errors.length) throw errors.shift();
          }, { signal, counter: retries, policy: { startingDelay: 5 } });
          return pass();
        }),
      ],
      { timeoutMs: 10_000, onProgress: (e) => events.push(e) },
    );
    expect(out[0].status).toBe("pass");
    expect(calls).toBe(4);
    expect(out[0].retries).toBe(3);
    expect(events.filter((e) => e.type === "retry").length).toBe(3);
  });

  it("gives up after the attempts: error, not pass", async () => {
    let calls = 0;
    const out = await runChecks(
      [
        check("r.always", [], async (signal, retries) => {
          await withRetry(async () => {
            calls++;
            throw throttled();
          }, { signal, counter: retries, policy: { startingDelay: 1, numOfAttempts: 3 } });
          return pass();
        }),
      ],
      { timeoutMs: 10_000 },
    );
    expect(calls).toBe(3);
    expect(out[0].status).toBe("error");
    expect(out[0].message?.en).toMatch(/throttled past retries/);
  });
});

describe("runner: selection", () => {
  const noop = async () => pass();
  const checks = [
    check("s.a", [], noop),
    check("s.b", ["s.a"], noop),
    check("s.c", ["s.b"], noop),
    check("s.d", [], noop),
    check("s.opt", ["s.a"], noop, true),
  ];

  it("runs everything but opt-ins by default", () => {
    expect(selectChecks(checks)).toEqual(["s.a", "s.b", "s.c", "s.d"]);
    expect(selectChecks(checks, undefined, ["s.opt"])).toEqual(["s.a", "s.b", "s.c", "s.d", "s.opt"]);
  });

  it("--only adds prerequisites transitively and omits the rest", async () => {
    expect(selectChecks(checks, ["s.c"])).toEqual(["s.a", "s.b", "s.c"]);
    expect(selectChecks(checks, ["s.opt"])).toEqual(["s.a", "s.opt"]);
    const out = await runChecks(checks, { only: ["s.c"], timeoutMs: 1000 });
    expect(out.map((o) => o.id)).toEqual(["s.a", "s.b", "s.c"]);
  });

  it("unknown ids are input errors listing the known ones", () => {
    expect(() => selectChecks(checks, ["s.nope"])).toThrow(InputError);
    expect(() => selectChecks(checks, ["s.nope"])).toThrow(/known: s\.a, s\.b/);
  });

  it("names where the ids came from: one selection function serves the API and the --only flag", () => {
    expect(() => selectChecks(checks, ["s.nope", "s.zip"], [], "--only")).toThrow(
      new InputError("--only: unknown check id(s) s.nope, s.zip; known: s.a, s.b, s.c, s.d, s.opt"),
    );
  });

  it("emits plan, start and done events", async () => {
    const events: ProgressEvent[] = [];
    await runChecks(checks, { only: ["s.b"], timeoutMs: 1000, onProgress: (e) => events.push(e) });
    expect(events[0]).toEqual({ type: "plan", ids: ["s.a", "s.b"] });
    expect(events.filter((e) => e.type === "start").map((e) => (e as { id: string }).id)).toEqual(["s.b", "s.a"]);
    expect(events.filter((e) => e.type === "done").map((e) => (e as { id: string }).id).sort()).toEqual(["s.a", "s.b"]);
  });
});
