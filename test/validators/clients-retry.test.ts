/**
 * validators/clients/retry.ts on its own: what is retried, when retrying stops, and how a check's counter learns of
 * each retry (no module state: two counters never see each other's retries).
 */
import { CloudError } from "../../validators/clients";
import { RetryCounter, isTransient, retrying, withRetry } from "../../validators/clients/retry";

const throttled = () =>
  new CloudError({ code: "RequestLimitExceeded", message: "slow down", kind: "throttled", service: "live", operation: "DescribeLiveCallbackRules" });

describe("withRetry", () => {
  it("does not retry auth failures or other client errors", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new CloudError({ code: "AuthFailure.SignatureFailure", message: "no", kind: "auth", service: "live", operation: "X" });
      }, { policy: { startingDelay: 1 } }),
    ).rejects.toBeInstanceOf(CloudError);
    expect(calls).toBe(1);
  });

  it("stops retrying once the check is aborted", async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = withRetry(async () => {
      calls++;
      if (calls === 2) ac.abort();
      throw throttled();
    }, { signal: ac.signal, policy: { startingDelay: 1, numOfAttempts: 10 } });
    await expect(p).rejects.toBeInstanceOf(CloudError);
    expect(calls).toBe(2);
  });

  it("tells the counter it is handed of every retry, with the attempt and the error code", async () => {
    const seen: Array<[number, string]> = [];
    const counter = new RetryCounter((attempt, reason) => seen.push([attempt, reason]));
    const other = new RetryCounter();
    let calls = 0;
    const v = await withRetry(async () => {
      if (++calls < 3) throw calls === 1 ? throttled() : Object.assign(new Error("lost"), { code: "PROTOCOL_CONNECTION_LOST" });
      return "ok";
    }, { counter, policy: { startingDelay: 1 } });
    expect(v).toBe("ok");
    expect(seen).toEqual([[1, "RequestLimitExceeded"], [2, "PROTOCOL_CONNECTION_LOST"]]);
    expect(counter.count).toBe(2);
    expect(counter.lastReason).toBe("PROTOCOL_CONNECTION_LOST");
    expect(other.count).toBe(0);
  });
});

describe("retrying", () => {
  it("retries each method call on its own and leaves other properties alone", async () => {
    const counter = new RetryCounter();
    const calls: string[] = [];
    const target = {
      name: "svc",
      async put(key: string) {
        calls.push(`put ${key}`);
        if (calls.length === 1) throw throttled();
        return `put:${key}`;
      },
      async head(key: string) {
        calls.push(`head ${key}`);
        return `head:${key}`;
      },
    };
    const r = retrying(target, { counter, policy: { startingDelay: 1 } });
    expect(r.name).toBe("svc");
    expect(await r.put("a")).toBe("put:a");
    expect(await r.head("a")).toBe("head:a");
    expect(calls).toEqual(["put a", "put a", "head a"]);
    expect(counter.count).toBe(1);
  });
});

describe("isTransient", () => {
  it("covers the client layer's retryable kinds and transient MySQL codes, nothing else", () => {
    expect(isTransient(throttled())).toBe(true);
    expect(isTransient(new CloudError({ code: "ECONNRESET", message: "", kind: "network", service: "cos", operation: "HeadBucket" }))).toBe(true);
    expect(isTransient({ code: "ER_LOCK_DEADLOCK" })).toBe(true);
    expect(isTransient({ code: "ER_ACCESS_DENIED_ERROR" })).toBe(false);
    expect(isTransient(new CloudError({ code: "NoSuchKey", message: "", kind: "not-found", service: "cos", operation: "GetObject" }))).toBe(false);
    expect(isTransient(new Error("boom"))).toBe(false);
  });
});
