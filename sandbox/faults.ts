/**
 * Fault injection: per service/action latency, throttling, server errors and dropped connections, decided by a
 * seeded PRNG so a run is reproducible (same seed + same request order = same decisions).
 *
 * Rules are keyed by a pattern `<service>:<Action>` where either side may use `*` (e.g. `live:Describe*`,
 * `cos:PutObject`, `*:*`); a bare `<Action>` means `*:<Action>` and `*` alone means every request. Every
 * matching rule applies; fields of more specific rules override less specific ones, where an exact action outweighs
 * an exact service: `*` < `cos:*` < `PutObject` < `cos:PutObject`.
 */
import { InputError } from "../common/errors";
import { nameMap } from "../common/records";

export interface FaultSpec {
  /** Added delay before the answer, ms. */
  latencyMs?: number;
  /** 0–1: share of requests answered with RequestLimitExceeded (API 3.0) / 503 SlowDown (COS). */
  throttleRate?: number;
  /** 0–1: share of requests answered with a 5xx (API 3.0: HTTP 500 + InternalError; COS: 500 InternalError). */
  errorRate?: number;
  /** 0–1: share of requests whose connection is destroyed without an answer. */
  dropRate?: number;
  /** 0–1: share of requests delayed by a latency spike of {@link spikeMs} on top of `latencyMs`. */
  spikeRate?: number;
  /** Length of a latency spike, ms (default 1000). */
  spikeMs?: number;
}

export interface FaultConfig {
  /** Pattern → spec; see the module comment. */
  rules: Record<string, FaultSpec>;
}

export interface FaultDecision {
  delayMs: number;
  throttle: boolean;
  serverError: boolean;
  drop: boolean;
}

const SPEC_KEYS: ReadonlyArray<keyof FaultSpec> = ["latencyMs", "throttleRate", "errorRate", "dropRate", "spikeRate", "spikeMs"];
/** Fields that are durations (ms); the others are rates between 0 and 1. */
const MS_KEYS: ReadonlyArray<keyof FaultSpec> = ["latencyMs", "spikeMs"];
export const DEFAULT_SPIKE_MS = 1000;

/** mulberry32: small, fast, good enough for fault dice (and the soak bench's choices). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function splitPattern(p: string): [string, string] {
  if (p === "*") return ["*", "*"];
  const i = p.indexOf(":");
  return i < 0 ? ["*", p] : [p.slice(0, i), p.slice(i + 1)];
}

function glob(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const re = new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$", "i");
  return re.test(value);
}

/** Throws an InputError naming the rule and field when a config is malformed. */
export function validateFaultConfig(cfg: unknown, source = "faults"): FaultConfig {
  if (!cfg || typeof cfg !== "object" || Array.isArray(cfg)) throw new InputError(`${source}: must be an object {"rules": {...}}`);
  const rules = (cfg as { rules?: unknown }).rules ?? {};
  if (!rules || typeof rules !== "object" || Array.isArray(rules)) throw new InputError(`${source}.rules: must be an object of pattern → spec`);
  const extra = Object.keys(cfg).filter((k) => k !== "rules");
  if (extra.length) throw new InputError(`${source}.${extra[0]}: is not a known field (only "rules")`);
  const out: FaultConfig = { rules: nameMap<FaultSpec>() };
  for (const [pattern, spec] of Object.entries(rules as Record<string, unknown>)) {
    const at = `${source}.rules["${pattern}"]`;
    if (!spec || typeof spec !== "object" || Array.isArray(spec)) throw new InputError(`${at}: must be an object`);
    const s: FaultSpec = {};
    for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
      if (!SPEC_KEYS.includes(k as keyof FaultSpec)) throw new InputError(`${at}.${k}: is not a known field (${SPEC_KEYS.join(", ")})`);
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new InputError(`${at}.${k}: must be a number ≥ 0`);
      if (!MS_KEYS.includes(k as keyof FaultSpec) && v > 1) throw new InputError(`${at}.${k}: is a rate and must be between 0 and 1`);
      s[k as keyof FaultSpec] = v;
    }
    out.rules[pattern] = s;
  }
  return out;
}

/**
 * Parses the CLI form `latency=200,throttle=0.5,error=0.1,drop=0.05,spike=0.02,spikeMs=800` (long names
 * `latencyMs`, `throttleRate`, `errorRate`, `dropRate`, `spikeRate` work too).
 */
export function parseFaultSpec(text: string, source = "--fault"): FaultSpec {
  const alias: Record<string, keyof FaultSpec> = {
    latency: "latencyMs", latencyms: "latencyMs", throttle: "throttleRate", throttlerate: "throttleRate",
    error: "errorRate", errorrate: "errorRate", drop: "dropRate", droprate: "dropRate",
    spike: "spikeRate", spikerate: "spikeRate", spikems: "spikeMs",
  };
  const spec: Record<string, number> = {};
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new InputError(`${source}: the spec is empty; give KEY=VALUE pairs, e.g. latency=200,throttle=0.5`);
  for (const part of parts) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(part);
    const key = m && alias[m[1].toLowerCase()];
    if (!m || !key) throw new InputError(`${source}: "${part}" is not KEY=VALUE with KEY one of latency, throttle, error, drop, spike, spikeMs`);
    const v = Number(m[2]);
    if (m[2].trim() === "" || !Number.isFinite(v) || v < 0) throw new InputError(`${source}: "${part}": the value must be a number ≥ 0`);
    if (!MS_KEYS.includes(key) && v > 1) throw new InputError(`${source}: "${part}": a rate must be between 0 and 1`);
    spec[key] = v;
  }
  return spec;
}

export class Faults {
  private config: FaultConfig = { rules: {} };
  private random: () => number;
  private seedValue: number;

  constructor(config: FaultConfig = { rules: {} }, seed = 1) {
    this.seedValue = seed;
    this.random = prng(seed);
    this.set(config);
  }

  get(): FaultConfig {
    return structuredClone(this.config);
  }

  /** Replaces all rules (validated). The PRNG keeps its position; call reseed() to restart the sequence. */
  set(config: unknown, source = "faults"): void {
    this.config = validateFaultConfig(config, source);
  }

  reseed(seed = this.seedValue): void {
    this.seedValue = seed;
    this.random = prng(seed);
  }

  get seed(): number {
    return this.seedValue;
  }

  /** The merged spec for one request. */
  specFor(service: string, action: string): FaultSpec {
    const matching = Object.entries(this.config.rules)
      .map(([p, spec]) => ({ p: splitPattern(p), spec }))
      .filter(({ p }) => glob(p[0], service) && glob(p[1], action))
      .sort((a, b) => specificity(a.p) - specificity(b.p));
    return Object.assign({}, ...matching.map((m) => m.spec)) as FaultSpec;
  }

  /**
   * Decides the faults for one request. Always draws three numbers (a fourth when a spike rate is set), so
   * decisions stay aligned with the request sequence whatever the rates. Callers apply them in the order: delay,
   * drop, throttle, server error.
   */
  decide(service: string, action: string): FaultDecision {
    const s = this.specFor(service, action);
    const r1 = this.random(), r2 = this.random(), r3 = this.random();
    const spike = s.spikeRate ? this.random() < s.spikeRate : false;
    return {
      delayMs: (s.latencyMs ?? 0) + (spike ? (s.spikeMs ?? DEFAULT_SPIKE_MS) : 0),
      drop: r1 < (s.dropRate ?? 0),
      throttle: r2 < (s.throttleRate ?? 0),
      serverError: r3 < (s.errorRate ?? 0),
    };
  }
}

function specificity([svc, act]: [string, string]): number {
  return (svc.includes("*") ? 0 : 1) + (act.includes("*") ? 0 : 2);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
