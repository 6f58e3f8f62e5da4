/**
 * Fleet validation: many stacks checked in one process, concurrently (bounded), sharing the cloud clients and one
 * per-action rate limiter, reported as one document with a section per stack (JSON `kind: "fleet"`, schema
 * validators/fleet-report.schema.json).
 *
 * ```ts
 * const fleet = await runFleetValidation({
 *   stacks: [{ stack: "live-demo-a", outputs, backend, declaredTfJson }, …],
 *   credentials, endpoints: { apiEndpoint }, rateLimit: 20, concurrency: 8, lang: "en",
 *   onProgress: (p) => console.error(`${p.stack}: ${p.done}/${p.total} done`),
 * });
 * process.exitCode = fleetExitCode(fleet);
 * ```
 */
import * as fs from "fs";
import * as path from "path";
import type { BackendConfig } from "../common/backend-config";
import { InputError } from "../common/errors";
import type { StackOutputs } from "../common/outputs";
import { lazyModule } from "../common/lazy";
import type { RateLimiterOptions, RateLimitStat } from "./clients/rate-limit";
import { RateLimiter } from "./clients/rate-limit";
import type { Report, Summary } from "./report";
import type { ProgressEvent } from "./runner";
import type { Lang } from "./types";
import { checkFleetOptions } from "../common/fleet-options";
import { mapLimit } from "../common/map-limit";

// Loaded on first run, so importing this module (e.g. for discoverStacks) stays cheap.
const core = lazyModule(() => ({
  ...(require("./index") as typeof import("./index")),
  ...(require("./context") as typeof import("./context")),
  ...(require("./catalogue") as typeof import("./catalogue")),
  selectChecks: (require("./runner") as typeof import("./runner")).selectChecks,
}));

/** 0 when nothing is fail or error, else 1 (as report.exitCodeOf). */
const exitCodeOf = (r: Pick<Report, "summary">): 0 | 1 => (r.summary.fail > 0 || r.summary.error > 0 ? 1 : 0);

export const FLEET_REPORT_KIND = "fleet";
/** Stacks validated at once unless told otherwise. */
export const DEFAULT_FLEET_CONCURRENCY = 8;
/** Where `--all` looks for stack folders (each holding an outputs.json). */
export const DEFAULT_OUTPUTS_ROOT = path.join("cdktf.out", "stacks");

/** One stack of a fleet: its inputs, or why they could not be read. */
export interface FleetStackInput {
  stack: string;
  outputs?: StackOutputs;
  backend?: BackendConfig;
  declaredTfJson?: Record<string, unknown>;
  /** Set when the stack's inputs could not be read (missing outputs or backend config): it is not validated. */
  error?: string;
}

export interface FleetProgress {
  stack: string;
  /** Checks of this stack finished so far. */
  done: number;
  /** Checks of this stack selected. */
  total: number;
  /** The runner's event behind this notice. */
  event: ProgressEvent;
}

export interface FleetOptions {
  stacks: FleetStackInput[];
  /** Control-plane credentials of the account the stacks are deployed in (one account per fleet). */
  credentials: { secretId: string; secretKey: string };
  endpoints?: { apiEndpoint?: string; cosEndpoint?: string };
  /**
   * Request pacing: a number paces every API 3.0 action and COS operation at that many requests per second;
   * options pick limits (clients/rate-limit.ts). Default: Tencent Cloud's documented per-action limits (20/s unless
   * documented higher), COS not paced.
   */
  rateLimit?: number | RateLimiterOptions;
  /** A limiter to share with other work of the process (wins over `rateLimit`). */
  rateLimiter?: RateLimiter;
  /** Stacks validated at once (default {@link DEFAULT_FLEET_CONCURRENCY}). */
  concurrency?: number;
  lang: Lang;
  onProgress?(p: FleetProgress): void;
  only?: string[];
  probeCallback?: boolean;
  /** Per-check timeout, ms (default 20 000). Time spent waiting for the rate limiter counts. */
  timeoutMs?: number;
  resolve?: readonly string[];
  retry?: import("./clients/retry").RetryPolicy;
  env?: NodeJS.ProcessEnv;
}

/** A stack that was not validated, and why. */
export interface FleetSkipped {
  stack: string;
  reason: string;
}

export interface FleetSummary {
  /** Stacks asked for. */
  stacks: number;
  validated: number;
  /** Validated with no fail and no error. */
  ok: number;
  /** Validated with a fail or an error. */
  problems: number;
  /** Not validated (inputs unreadable). */
  notValidated: number;
  /** Checks of every validated stack, by status. */
  checks: Summary;
}

export interface FleetReport {
  version: 1;
  kind: "fleet";
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  summary: FleetSummary;
  /** One single-stack report (validators/report.schema.json) per validated stack, in the order asked. */
  stacks: Report[];
  /** Stacks that were not validated. */
  notValidated: FleetSkipped[];
  /** Requests per action (every attempt, retries included) and the rate each was paced at. */
  requests: RateLimitStat[];
}

export type FleetEntry = Report | FleetSkipped;

/** 2 when a stack could not be validated (input error), else 1 when any stack has a fail or error, else 0. */
export function fleetExitCode(r: Pick<FleetReport, "stacks" | "notValidated">): 0 | 1 | 2 {
  if (r.notValidated.length) return 2;
  return r.stacks.some((s) => exitCodeOf(s) === 1) ? 1 : 0;
}

/**
 * Every folder under `root` that holds an outputs.json, sorted by name. Throws an InputError when `root` cannot be
 * read or holds none (`--all` then has nothing to do).
 */
export function discoverStacks(root: string = DEFAULT_OUTPUTS_ROOT, flag = "--all"): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`${flag}: cannot read the outputs folder ${root} (${(err as NodeJS.ErrnoException).code ?? "error"}); run synth and deploy first, or give --outputs-dir DIR`);
  }
  const stacks = entries
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, "outputs.json")))
    .map((e) => e.name)
    .sort();
  if (!stacks.length) throw new InputError(`${flag}: no stack folder under ${root} holds an outputs.json (deploy with --outputs-file, or seed the sandbox)`);
  return stacks;
}

/**
 * Validates every stack of `opts.stacks` (those with an `error` are reported as not validated) and resolves with
 * the fleet report. Clients are shared (one per credential pair), requests are paced per action, at most
 * `concurrency` stacks run at once. Rejects only for bad options (unknown check id, malformed endpoint, duplicate
 * stack name), before any request.
 */
export async function runFleetValidation(opts: FleetOptions): Promise<FleetReport> {
  const concurrency = opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
  checkFleetOptions(opts.stacks, concurrency);
  const { resolveEndpoints, selectChecks, CATALOGUE, optInIds, DEFAULT_CHECK_TIMEOUT_MS, ClientPool, runValidation } = core();
  const env = opts.env ?? process.env;
  const endpoints = resolveEndpoints(opts.endpoints ?? {}, env);
  const planned = selectChecks(CATALOGUE, opts.only, opts.probeCallback ? optInIds("--probe-callback") : [], "--only").length;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const limiter =
    opts.rateLimiter ?? new RateLimiter(typeof opts.rateLimit === "number" ? { override: opts.rateLimit } : (opts.rateLimit ?? {}));
  const clients = new ClientPool({
    endpoints,
    requestTimeoutMs: Math.max(1, Math.min(timeoutMs, 10_000)),
    rateLimiter: limiter,
    rateLimitAccount: opts.credentials.secretId,
  });
  const startedAt = new Date();
  const t0 = Date.now();
  try {
    const results = await mapLimit(opts.stacks, concurrency, async (s): Promise<FleetEntry> => {
      if (s.error !== undefined || !s.outputs || !s.backend) {
        return { stack: s.stack, reason: s.error ?? (!s.outputs ? "no stack outputs" : "no backend config") };
      }
      let done = 0;
      let total = planned;
      return runValidation({
        stack: s.stack,
        outputs: s.outputs,
        backend: s.backend,
        declaredTfJson: s.declaredTfJson,
        credentials: opts.credentials,
        endpoints: opts.endpoints,
        only: opts.only,
        probeCallback: opts.probeCallback,
        timeoutMs,
        lang: opts.lang,
        retry: opts.retry,
        resolve: opts.resolve,
        env,
        pool: clients,
        onProgress: (ev) => {
          if (ev.type === "plan") total = ev.ids.length;
          if (ev.type === "done") done++;
          opts.onProgress?.({ stack: s.stack, done, total, event: ev });
        },
      });
    });
    const stacks = results.filter((r): r is Report => "checks" in r);
    const notValidated = results.filter((r): r is FleetSkipped => !("checks" in r));
    const checks: Summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of stacks) for (const k of Object.keys(checks) as (keyof Summary)[]) checks[k] += r.summary[k];
    const problems = stacks.filter((r) => exitCodeOf(r) === 1).length;
    return {
      version: 1,
      kind: FLEET_REPORT_KIND,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - t0,
      summary: {
        stacks: opts.stacks.length,
        validated: stacks.length,
        ok: stacks.length - problems,
        problems,
        notValidated: notValidated.length,
        checks,
      },
      stacks,
      notValidated,
      requests: limiter.stats(),
    };
  } finally {
    clients.close();
  }
}
