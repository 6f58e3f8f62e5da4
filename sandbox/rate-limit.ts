/**
 * API 3.0 request-rate limits, as Tencent Cloud documents them: each action has its own limit ("默认接口请求频率限制：
 * 20次/秒" on most action pages), counted per account and per action; a request over it is answered with the common
 * error `RequestLimitExceeded`. Off unless configured.
 *
 * The window is sliding: a request is admitted when fewer than `limit` requests of the same account and action were
 * admitted in the last `windowMs` (default 1000 ms). Refused requests do not use up the limit. The account is the
 * state's owner UIN (every key in the state, owner or sub-user, belongs to that account).
 *
 * Counters (always on, also without limits): per `<service>:<Action>`, `requests` = API 3.0 requests naming that
 * action that passed authentication and action lookup (the point where the limit applies), `limited` = those answered
 * RequestLimitExceeded by the limit (not by an injected throttle fault).
 *
 * COS is not limited here: Tencent documents per-bucket limits in the thousands of requests per second, far above what
 * a test or bench sends; injected `SlowDown` answers come from the faults (`--fault cos:*=throttle=R`).
 */
import { InputError } from "../common/errors";
import { nameMap } from "../common/records";

export interface RateLimitConfig {
  /** Requests per window for every action without an override; absent = no limit. */
  perAction?: number;
  /** `<Action>` (any service) or `<service>:<Action>` → requests per window; `service:Action` wins over `Action`. */
  actions?: Record<string, number>;
  /** Window length in ms (default 1000: limits are per second). */
  windowMs?: number;
}

export interface ActionCounter {
  requests: number;
  limited: number;
}

/** Largest accepted limit (a guard against typos; Tencent's published limits are far below it). */
export const MAX_RATE_LIMIT = 1_000_000;

const KEY_RE = /^(?:[a-z][a-z0-9]*:)?[A-Z][A-Za-z0-9]*$/;

function limitValue(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_RATE_LIMIT) {
    throw new InputError(`${where}: must be an integer from 1 to ${MAX_RATE_LIMIT} (requests per window), got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Validates a configuration (e.g. a PUT body). `known(service, action)`, when given, must accept every key's
 * action, so a typo is an error rather than a limit that never applies.
 */
export function validateRateLimitConfig(doc: unknown, source: string, known?: (service: string | undefined, action: string) => boolean): RateLimitConfig {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new InputError(`${source}: must be an object {"perAction"?, "actions"?, "windowMs"?}`);
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["perAction", "actions", "windowMs"].includes(k)) throw new InputError(`${source}: ${k}: is not a known field (perAction, actions, windowMs)`);
  }
  const out: RateLimitConfig = {};
  if (o.perAction !== undefined && o.perAction !== null) out.perAction = limitValue(o.perAction, `${source}: perAction`);
  if (o.windowMs !== undefined && o.windowMs !== null) {
    const w = o.windowMs;
    if (typeof w !== "number" || !Number.isInteger(w) || w < 1 || w > 3_600_000) throw new InputError(`${source}: windowMs: must be an integer from 1 to 3600000 (ms), got ${JSON.stringify(w)}`);
    out.windowMs = w;
  }
  if (o.actions !== undefined && o.actions !== null) {
    if (typeof o.actions !== "object" || Array.isArray(o.actions)) throw new InputError(`${source}: actions: must be an object {"<Action>" or "<service>:<Action>": N}`);
    out.actions = nameMap<number>();
    for (const [key, v] of Object.entries(o.actions as Record<string, unknown>)) {
      if (!KEY_RE.test(key)) throw new InputError(`${source}: actions: "${key}" is not <Action> or <service>:<Action> (e.g. DescribeLiveDomains, live:DescribeLiveDomains)`);
      const [service, action] = key.includes(":") ? key.split(":") : [undefined, key];
      if (known && !known(service, action)) throw new InputError(`${source}: actions: "${key}" is not an action the sandbox emulates`);
      out.actions[key] = limitValue(v, `${source}: actions.${key}`);
    }
  }
  return out;
}

/** `--rate-limit` values: `N` (every action) or `<Action>=N` / `<service>:<Action>=N`; later values win. */
export function rateLimitFromFlags(values: string[], flag = "--rate-limit", known?: (service: string | undefined, action: string) => boolean): RateLimitConfig | undefined {
  if (!values.length) return undefined;
  const cfg: { perAction?: number; actions: Record<string, number> } = { actions: nameMap<number>() };
  const num = (text: string, where: string) => {
    if (!/^\d+$/.test(text.trim())) throw new InputError(`${where}: "${text}" is not a whole number of requests per second`);
    return Number(text.trim());
  };
  for (const v of values) {
    const i = v.indexOf("=");
    if (i < 0) cfg.perAction = num(v, flag);
    else cfg.actions[v.slice(0, i).trim()] = num(v.slice(i + 1), `${flag} ${v.slice(0, i).trim()}`);
  }
  return validateRateLimitConfig(cfg, flag, known);
}

/** One limiter per sandbox: the configuration, the admitted-request windows and the counters. */
export class RateLimiter {
  private config: RateLimitConfig;
  /** `<account> <service>:<Action>` → times (clock ms) of the admitted requests still inside the window, oldest first. */
  private windows = new Map<string, number[]>();
  private counts = new Map<string, ActionCounter>();

  constructor(
    config: RateLimitConfig = {},
    /** Monotonic clock in ms (default performance.now); tests may pass their own. */
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.config = validateRateLimitConfig(config, "rate limits");
  }

  get(): RateLimitConfig {
    return structuredClone(this.config);
  }

  /** Replaces the configuration (validated); windows restart, counters stay. */
  set(config: unknown, source = "rate limits", known?: (service: string | undefined, action: string) => boolean): void {
    this.config = validateRateLimitConfig(config, source, known);
    this.windows.clear();
  }

  get windowMs(): number {
    return this.config.windowMs ?? 1000;
  }

  /** The limit of one action, or undefined when it has none. */
  limitFor(service: string, action: string): number | undefined {
    const a = this.config.actions ?? {};
    return a[`${service}:${action}`] ?? a[action] ?? this.config.perAction;
  }

  /**
   * Counts one request of `account` for `service:action` and decides it: undefined when admitted, else the limit
   * it exceeded.
   */
  admit(account: string, service: string, action: string): number | undefined {
    const name = `${service}:${action}`;
    let c = this.counts.get(name);
    if (!c) this.counts.set(name, (c = { requests: 0, limited: 0 }));
    c.requests++;
    const limit = this.limitFor(service, action);
    if (limit === undefined) return undefined;
    const key = `${account} ${name}`;
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < w.length && w[drop] <= from) drop++;
    if (drop) w.splice(0, drop);
    if (w.length >= limit) {
      c.limited++;
      return limit;
    }
    w.push(now);
    return undefined;
  }

  /** Counters per `<service>:<Action>`, sorted by name. */
  counters(): Record<string, ActionCounter> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]));
  }

  /** Zeroes the counters and restarts the windows. */
  reset(): void {
    this.counts.clear();
    this.windows.clear();
  }
}
