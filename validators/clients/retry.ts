/**
 * Retries with exponential backoff and full jitter (the `exponential-backoff` package) for every cloud and MySQL
 * call: throttling, 5xx, resets and timeouts are retried; auth errors, not-found and bad parameters never are (they
 * are findings). Who wants to know about retries (a check's counter) is handed in explicitly.
 */
import { backOff } from "exponential-backoff";
import { CloudError, isRetryable } from "./errors";

/** Retry policy. Defaults: 10 attempts, 100 ms doubling up to 2 s, full jitter. */
export interface RetryPolicy {
  numOfAttempts?: number;
  startingDelay?: number;
  maxDelay?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { numOfAttempts: 10, startingDelay: 100, maxDelay: 2000 };

/** The retries made on behalf of one unit of work (one check): how many, the last reason, and a hook per retry. */
export class RetryCounter {
  count = 0;
  /** Error code of the last failure that was retried (e.g. ECONNREFUSED), for a timeout message. */
  lastReason: string | undefined;

  constructor(private readonly onRetry?: (attempt: number, reason: string) => void) {}

  record(attempt: number, reason: string): void {
    this.count++;
    this.lastReason = reason;
    this.onRetry?.(attempt, reason);
  }
}

export interface RetryOptions {
  /** Stops retrying once aborted: the last error is thrown at once. */
  signal?: AbortSignal;
  policy?: RetryPolicy;
  /** Told of every retry. */
  counter?: RetryCounter;
}

const MYSQL_TRANSIENT = new Set(["ECONNRESET", "PROTOCOL_CONNECTION_LOST", "EPIPE", "ER_CON_COUNT_ERROR", "ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);

/** Retryable: the client layer's isRetryable (throttling, 5xx, network, timeout) or a transient MySQL failure. */
export function isTransient(err: unknown): boolean {
  if (isRetryable(err)) return true;
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && MYSQL_TRANSIENT.has(code);
}

/**
 * Calls `fn`, retrying transient failures until it succeeds, the attempts run out (the last error is thrown) or
 * `signal` aborts (the last error is thrown at once).
 */
export function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const p = { ...DEFAULT_RETRY, ...opts.policy };
  return backOff(fn, {
    numOfAttempts: p.numOfAttempts,
    startingDelay: p.startingDelay,
    maxDelay: p.maxDelay,
    timeMultiple: 2,
    jitter: "full",
    retry: (e: unknown, attempt: number) => {
      if (opts.signal?.aborted || !isTransient(e)) return false;
      opts.counter?.record(attempt, e instanceof CloudError ? e.code : String((e as { code?: unknown })?.code ?? e));
      return true;
    },
  });
}

/**
 * A view of `target` whose methods retry like {@link withRetry}: one retry loop per call, so PUT → HEAD → DELETE
 * each retry on their own.
 */
export function retrying<T extends object>(target: T, opts: RetryOptions = {}): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => withRetry(() => (v as (...a: unknown[]) => Promise<unknown>).apply(t, args), opts);
    },
  });
}
