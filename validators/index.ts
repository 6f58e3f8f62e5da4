/**
 * Public API of the validators, used by `live-infra validate`, `live-infra demo` and bench/validate.
 *
 * ```ts
 * import { runValidation, renderReport, exitCodeOf } from "./validators";
 * const report = await runValidation({ stack, outputs, backend, credentials, lang: "en" });
 * process.stdout.write(renderReport(report, "json", { lang: "en" }));
 * process.exitCode = exitCodeOf(report);
 * ```
 */
import type { BackendConfig } from "../common/backend-config";
import type { StackOutputs } from "../common/outputs";
import { CATALOGUE, optInIds } from "./catalogue";
import { RetryPolicy, resolveEndpoints } from "./clients";
import { resolveOverrides } from "./clients/resolve";
import { ClientPool, RunResources } from "./context";
import type { RateLimiter } from "./clients/rate-limit";
import { buildReport, Report } from "./report";
import { ProgressEvent, RunnerCheck, runChecks } from "./runner";
import type { Lang } from "./types";

export { CATALOGUE, CHECK_IDS, optInIds } from "./catalogue";
export { buildReport, exitCodeOf, verdictLine, scrub, REPORT_VERSION, STATUSES } from "./report";
export type { Report, ReportCheck, Summary, SecretSet } from "./report";
export {
  renderReport,
  renderText,
  renderJson,
  renderJunit,
  renderMarkdown,
  createProgressPrinter,
  useColor,
  REPORT_FORMATS,
} from "./render";
export type { ReportFormat, RenderOptions, ProgressPrinter, ProgressPrinterOptions } from "./render";
export { runChecks, selectChecks } from "./runner";
export type { ProgressEvent, RunnerCheck, RunnerOptions, CheckOutcome, Selectable } from "./runner";
export { withRetry, retrying, isTransient, RetryCounter, DEFAULT_RETRY, resolveEndpoints, API_ENDPOINT_ENV, COS_ENDPOINT_ENV } from "./clients";
export { Resolver, ResolveError, RESOLVE_ENV, parseResolveFlag, parseResolveEnv, resolveOverrides } from "./clients/resolve";
export type { Resolution, ResolvedAddress, ResolveOverrides, ResolverOptions } from "./clients/resolve";
export type { RetryPolicy, RetryOptions } from "./clients";
export type { CheckStatus, Lang, Msg, Verdict, CheckContext, CheckBody, Control, Severity } from "./types";
export { ClientPool } from "./context";
export type { ClientPoolOptions } from "./context";
export { RateLimiter, DEFAULT_ACTION_LIMIT, DOCUMENTED_LIMITS, parseRateLimit } from "./clients/rate-limit";
export type { RateLimiterOptions, RateLimitStat } from "./clients/rate-limit";
export {
  runFleetValidation,
  discoverStacks,
  fleetExitCode,
  DEFAULT_FLEET_CONCURRENCY,
  DEFAULT_OUTPUTS_ROOT,
  FLEET_REPORT_KIND,
} from "./fleet";
export type { FleetOptions, FleetStackInput, FleetReport, FleetEntry, FleetSummary, FleetProgress } from "./fleet";
export { renderFleetReport, FLEET_FORMATS, fleetVerdictLine } from "./fleet-render";
export type { FleetFormat } from "./fleet-render";

/** Default per-check timeout, ms. */
export const DEFAULT_CHECK_TIMEOUT_MS = 20_000;

export interface ValidationOptions {
  /** Stack name (`live-demo-<env>`); only reported. */
  stack: string;
  /** What the deploy produced (common/outputs.ts `readStackOutputs`). */
  outputs: StackOutputs;
  /** The synthesized `cdk.tf.json`, when available: declared values (e.g. the bucket's CORS origins). */
  declaredTfJson?: Record<string, unknown>;
  /** What the backend is configured with (common/backend-config.ts `loadBackendConfig` / `backendConfigFromOutputs`). */
  backend: BackendConfig;
  /** Control-plane credentials (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY); read-only is enough. */
  credentials: { secretId: string; secretKey: string };
  /**
   * Endpoint overrides (`--api-endpoint`, `--cos-endpoint`); unset ones fall back to LIVE_INFRA_API_ENDPOINT /
   * LIVE_INFRA_COS_ENDPOINT in `env`, then to the real cloud. A malformed URL throws an InputError.
   */
  endpoints?: { apiEndpoint?: string; cosEndpoint?: string };
  /** Run only these check ids plus their prerequisites. Unknown ids throw an InputError. */
  only?: string[];
  /** Include the opt-in `live.callback-reachable` (posts two events to the backend's callback URL). */
  probeCallback?: boolean;
  /** Per-check timeout in ms (default {@link DEFAULT_CHECK_TIMEOUT_MS}); a check that exceeds it is `error`. */
  timeoutMs?: number;
  /** Language of titles, messages and remediations in the report. */
  lang: Lang;
  /** Progress events (plan, start, retry, done) for a live checklist; see `createProgressPrinter`. */
  onProgress?(ev: ProgressEvent): void;
  /** Retry policy for throttling / 5xx / resets (default: 10 attempts, 100 ms doubling to 2 s, full jitter). */
  retry?: RetryPolicy;
  /**
   * How host names resolve, as `--resolve HOST:ADDR[,ADDR]` values (live.callback-public classifies the callback
   * host's addresses; the callback probe connects there). Added to LIVE_INFRA_RESOLVE from `env`; a flag wins for
   * its host. Undeclared names go to the system resolver. A malformed value throws an InputError.
   */
  resolve?: readonly string[];
  /** Environment for endpoint and resolver variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Clients shared with other runs (`runFleetValidation`); left open. Its endpoints replace `endpoints`. */
  pool?: ClientPool;
  /** Paces this run's requests per action (clients/rate-limit.ts); ignored with `pool` (the pool's limiter applies). */
  rateLimiter?: RateLimiter;
}

/**
 * Runs the selected checks against a deployed stack and the backend's configuration and resolves with the report
 * (`version: 1`, checks in catalogue order, strings in `lang`, secrets scrubbed: SecretIds masked first 4 + last 4,
 * keys and passwords replaced). Never rejects because a check failed: failures are in the report. Rejects only with
 * an InputError for bad options (unknown check id in `only`, malformed endpoint URL or `resolve` value), before any
 * check runs.
 *
 * Every client, agent and connection it opens is closed before it resolves.
 */
export async function runValidation(opts: ValidationOptions): Promise<Report> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const env = opts.env ?? process.env;
  const endpoints = resolveEndpoints(opts.endpoints ?? {}, env);
  const overrides = resolveOverrides(opts.resolve ?? [], env);
  const startedAt = new Date();
  const t0 = Date.now();
  const res = new RunResources({
    stack: opts.stack,
    outputs: opts.outputs,
    backend: opts.backend,
    declared: opts.declaredTfJson,
    credentials: opts.credentials,
    endpoints,
    timeoutMs,
    probeCallback: !!opts.probeCallback,
    retry: opts.retry,
    resolveOverrides: overrides,
    pool: opts.pool,
    rateLimiter: opts.rateLimiter,
  });
  try {
    // Every control, bound to this run's resources; runChecks selects (and validates `only`) once.
    const checks: RunnerCheck[] = CATALOGUE.map((control) => ({
      id: control.id,
      prerequisites: control.prerequisites,
      optIn: control.optIn,
      run: (signal, retries) => control.run(res.contextFor(control.id, signal, retries)),
    }));
    const outcomes = await runChecks(checks, {
      only: opts.only,
      enableOptIn: opts.probeCallback ? optInIds("--probe-callback") : [],
      timeoutMs,
      onProgress: opts.onProgress,
    });
    return buildReport(outcomes, {
      controls: CATALOGUE,
      stack: opts.stack,
      startedAt,
      durationMs: Date.now() - t0,
      lang: opts.lang,
      secrets: secretsOf(opts),
    });
  } finally {
    await res.close();
  }
}

/** Every secret a run knows of, for scrubbing reports and logs. */
export function secretsOf(opts: Pick<ValidationOptions, "outputs" | "backend" | "credentials">) {
  const o = opts.outputs;
  return {
    secrets: [
      opts.credentials.secretKey,
      opts.backend.cos.secretKey,
      opts.backend.db.password,
      opts.backend.apiKey,
      o.db_password,
      o.db_root_password,
      o.callback_key,
      o.signer_secret_key,
    ],
    secretIds: [opts.credentials.secretId, opts.backend.cos.secretId, o.signer_secret_id],
  };
}
