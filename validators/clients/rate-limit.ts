/**
 * Per-action request pacing for the cloud clients, so many stacks validated (or drift-read) in one process stay
 * within Tencent Cloud's request limits instead of being throttled.
 *
 * Tencent Cloud API 3.0 documents a limit per action ("默认接口请求频率限制：N次/秒", "A maximum of N requests can be
 * initiated per second for this API"), counted per account (root account and its sub-users together). Most actions
 * document 20/s; {@link DOCUMENTED_LIMITS} holds the higher ones of the actions this package calls, as documented
 * on each action's API page; every other action gets {@link DEFAULT_ACTION_LIMIT}.
 *
 * COS XML documents no per-operation limit of that kind (its guidance is per bucket, in thousands of requests per
 * second), so COS operations are not paced unless an override is given: `--rate-limit N` paces every API 3.0
 * action and every COS operation at N/s.
 *
 * The window is one second and counts a request from the moment it leaves until one second after its answer came
 * back: at most N requests of one (account, action) are in flight or answered less than a second ago. The server
 * receives each request somewhere between those two moments, so however late a request reaches it (network or
 * event-loop delays), no one-second window there ever holds more than N. Pacing by departure times alone (a token
 * bucket such as the `limiter` package, or `bottleneck`'s reservoir) cannot promise that: a request that reaches
 * the server 30 ms late shares its second with the next N, and the sandbox's limit refused one in a test run.
 * Waiting requests leave in arrival order; one whose caller's signal aborts (a check that timed out) leaves the queue
 * unsent, holding no slot. Every attempt takes a slot, retries included (the clients call
 * {@link RateLimiter.acquire} per HTTP request and release the slot when the answer or the failure arrives).
 * Throttling answers are still possible (other processes share the account) and are retried by the retry policy
 * (clients/retry.ts).
 */
import { createHash } from "crypto";
import { performance } from "perf_hooks";
import { InputError } from "../../common/errors";

/** Length of the window the documented limits count in, ms. */
export const RATE_WINDOW_MS = 1000;

/** At most `limit` slots held at once; a slot is held from acquire until `windowMs` after its release. */
class SlidingWindow {
  private held = 0;
  /** Release times (ms, monotonic) still inside the window, oldest first. */
  private released: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Resolves with the slot's release function; an abort of `signal` while waiting rejects and leaves the queue. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i < 0) return; // already granted
        this.waiting.splice(i, 1);
        reject(abortReason(signal!));
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.releaser());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(grant);
      this.pump();
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held--;
      this.released.push(performance.now());
      this.pump();
    };
  }

  private pump(): void {
    const now = performance.now();
    let drop = 0;
    while (drop < this.released.length && this.released[drop] <= now - this.windowMs) drop++;
    if (drop) this.released.splice(0, drop);
    while (this.waiting.length && this.held + this.released.length < this.limit) {
      this.held++;
      this.waiting.shift()!();
    }
    if (this.waiting.length && this.released.length && !this.timer) {
      // The oldest answered request leaves the window then; one in flight frees its slot via its release.
      const wait = Math.max(1, Math.ceil(this.released[0] + this.windowMs - now));
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }
}

/** The signal's reason when it is an Error, else an AbortError. */
function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : Object.assign(new Error(r === undefined ? "aborted" : String(r)), { name: "AbortError", code: "ABORT_ERR" });
}

/** Requests per second per action when the action's page documents nothing higher. */
export const DEFAULT_ACTION_LIMIT = 20;

/**
 * Documented per-second limits (per account) of the API 3.0 actions validate, drift and teardown call, where they
 * differ from {@link DEFAULT_ACTION_LIMIT}. Key `<service>.<Action>`. Actions not listed (CAM GetUser, GetPolicy,
 * ListAccessKeys, ListAttachedUserPolicies, ListPolicies, CDB DescribeInstanceParams, DescribeAccountPrivileges,
 * DescribeDBSecurityGroups, DescribeAccounts, VPC DescribeVpcs / DescribeSubnets / DescribeSecurityGroups, tag
 * GetResources, …) are paced at the default 20/s.
 */
export const DOCUMENTED_LIMITS: Readonly<Record<string, number>> = {
  // Cloud Streaming Services (live.tencentcloudapi.com, 2018-08-01)
  "live.DescribeLiveDomain": 500,
  "live.DescribeLiveDomains": 200,
  "live.DescribeLiveCallbackRules": 500,
  "live.DescribeLiveCallbackTemplate": 500,
  "live.DescribeLiveCallbackTemplates": 500,
  "live.DescribeLiveRecordRules": 500,
  "live.DescribeLiveRecordTemplate": 500,
  "live.DescribeLiveRecordTemplates": 500,
  "live.CreateLiveCallbackRule": 200,
  "live.CreateLiveCallbackTemplate": 200,
  "live.CreateLiveRecordTemplate": 200,
  // TencentDB for MySQL (cdb.tencentcloudapi.com, 2017-03-20)
  "cdb.DescribeDBInstances": 100,
  "cdb.DescribeDatabases": 100,
  // VPC (vpc.tencentcloudapi.com, 2017-03-12)
  "vpc.DescribeSecurityGroupPolicies": 100,
  "vpc.CreateSecurityGroupPolicies": 100,
};

/** One paced key: requests made (every attempt) and time spent waiting for a token. */
export interface RateLimitStat {
  /** `<service>.<Action>` or `cos.<Operation>`. */
  action: string;
  /** Requests per second this key is paced at; null when it is not paced. */
  limit: number | null;
  requests: number;
  waitedMs: number;
}

export interface RateLimiterOptions {
  /**
   * One limit for every API 3.0 action and every COS operation (`--rate-limit N`); replaces the documented table.
   * Undefined: the documented table, COS not paced.
   */
  override?: number;
  /** Extra or replaced per-action limits, key `<service>.<Action>` (e.g. `{"cam.GetUser": 10}`). */
  limits?: Readonly<Record<string, number>>;
  /**
   * Length of the window the limits count in, ms (default {@link RATE_WINDOW_MS}, the documented one second): a
   * limit N then means N requests per `windowMs`. For tests, which pace in short windows instead of real seconds.
   */
  windowMs?: number;
}

/**
 * Paces requests per account and action. One instance is shared by every client of a process (a fleet run);
 * `acquire` resolves when the request may leave, with the function that frees its slot when the answer is in.
 */
export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly counts = new Map<string, RateLimitStat>();

  constructor(readonly opts: RateLimiterOptions = {}) {
    const check = (n: unknown, what: string) => {
      if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) throw new RangeError(`${what} must be a positive number of requests per second (got ${String(n)})`);
    };
    if (opts.override !== undefined) check(opts.override, "rate limit");
    if (opts.windowMs !== undefined && !(Number.isFinite(opts.windowMs) && opts.windowMs > 0)) {
      throw new RangeError(`windowMs must be a positive number of ms (got ${String(opts.windowMs)})`);
    }
    for (const [k, v] of Object.entries(opts.limits ?? {})) check(v, `rate limit of ${k}`);
  }

  /** Requests per second for `service`.`action`; null when not paced (COS without an override). */
  limitOf(service: string, action: string): number | null {
    if (this.opts.override !== undefined) return this.opts.override;
    const key = `${service}.${action}`;
    const own = this.opts.limits?.[key];
    if (own !== undefined) return own;
    if (service === "cos") return null;
    return DOCUMENTED_LIMITS[key] ?? DEFAULT_ACTION_LIMIT;
  }

  /**
   * Waits for a slot of (`account`, `service`, `action`), counts the request and resolves with the function to call
   * once its answer (or failure) has arrived. `account` identifies whose limit it is (the SecretId; only a hash of
   * it is kept). When `signal` aborts while the request waits, rejects with the signal's reason (an Error) and the
   * request leaves the queue without taking a slot.
   */
  async acquire(service: string, action: string, account = "", signal?: AbortSignal): Promise<() => void> {
    const name = `${service}.${action}`;
    const limit = this.limitOf(service, action);
    let stat = this.counts.get(name);
    if (!stat) {
      stat = { action: name, limit, requests: 0, waitedMs: 0 };
      this.counts.set(name, stat);
    }
    stat.requests++;
    if (limit === null) return () => undefined;
    const key = `${accountKey(account)}|${name}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new SlidingWindow(Math.max(1, Math.floor(limit)), ((this.opts.windowMs ?? RATE_WINDOW_MS) * Math.max(1, Math.floor(limit))) / limit)));
    const t0 = Date.now();
    try {
      return await w.acquire(signal);
    } finally {
      stat.waitedMs += Date.now() - t0;
    }
  }

  /** Requests made per action so far (every attempt), busiest first. */
  stats(): RateLimitStat[] {
    return [...this.counts.values()].map((s) => ({ ...s })).sort((a, b) => b.requests - a.requests || a.action.localeCompare(b.action));
  }

  /**
   * The least time the requests made so far could take under the limits: max over paced actions of
   * requests ÷ limit, in ms (accounts are not told apart: one account is the usual fleet; per-second limits, whatever
   * `windowMs` is).
   */
  boundMs(): number {
    let worst = 0;
    for (const s of this.counts.values()) if (s.limit) worst = Math.max(worst, (s.requests / s.limit) * 1000);
    return worst;
  }
}

function accountKey(account: string): string {
  return account ? createHash("sha256").update(account).digest("hex").slice(0, 16) : "";
}

/** Highest `--rate-limit`, requests per second. */
export const MAX_RATE_LIMIT = 100_000;

/**
 * Parses `--rate-limit N`: a whole number of requests per second from 1 to {@link MAX_RATE_LIMIT}; throws an
 * InputError naming the flag.
 */
export function parseRateLimit(value: string, flag = "--rate-limit"): number {
  const n = /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RATE_LIMIT) {
    throw new InputError(`${flag} must be a whole number of requests per second from 1 to ${MAX_RATE_LIMIT} (got "${value}")`);
  }
  return n;
}
