/**
 * Shared vocabulary of the validators: controls (one object per check), statuses, verdicts, and the context a
 * control's run function receives. Controls live in checks/<area>.ts; their run functions never print.
 */
import type { BackendConfig } from "../common/backend-config";
import type { StackOutputs } from "../common/outputs";
import type { Connection } from "mysql2/promise";
import type { LookupFunction } from "net";
import type { ApiService, CosClient } from "./clients";
import type { Resolution } from "./clients/resolve";

export type Lang = "zh" | "en";

/** A text in both report languages. */
export interface Msg {
  zh: string;
  en: string;
}

export const msg = (zh: string, en: string): Msg => ({ zh, en });

/** Final status of a check in a report. */
export type CheckStatus = "pass" | "fail" | "warn" | "error" | "skip";

/** What a control's run function returns. `error` and `skip` are decided by the runner, never by a control. */
export interface Verdict {
  status: "pass" | "fail" | "warn";
  message: Msg;
  /** Facts gathered (never a secret; SecretIds masked). */
  evidence?: Record<string, unknown>;
  /** Overrides the control's FAQ keyword for this outcome (e.g. cos.bucket with a wrong APPID). */
  faqKeyword?: string;
  /**
   * The one fix for this outcome, when it differs from the control's (e.g. naming the file the user gave). A message
   * states what was found; when it also states the fix (db.schema), the remediation is that same text, and the
   * renderers print it once.
   */
  remediation?: Msg;
}

/** The part of TencentApiClient a check uses (calls are retried by the context). */
export interface ApiCaller {
  request<T = any>(service: ApiService, action: string, params?: object, options?: { region?: string }): Promise<T>;
}

/** The part of CosClient a check uses (calls are retried by the context). */
export type CosCaller = Pick<
  CosClient,
  "headBucket" | "getBucketCors" | "getBucketAcl" | "getService" | "getObject" | "putObject" | "headObject" | "deleteObject"
>;

/**
 * Everything a control's run function may use. One context per check: its clients retry retryable failures
 * (throttling, 5xx, resets) with exponential backoff and jitter, count the retries on the check's counter, and stop
 * retrying once the check is aborted (timeout, or a prerequisite did not pass).
 */
export interface CheckContext {
  /** Id of the running check. */
  checkId: string;
  stack: string;
  outputs: StackOutputs;
  backend: BackendConfig;
  /** The synthesized cdk.tf.json when given (declared values, e.g. CORS origins). */
  declared?: Record<string, unknown>;
  /** API 3.0 with the control-plane credentials (TENCENTCLOUD_SECRET_ID/KEY). */
  api: ApiCaller;
  /** COS with the control-plane credentials. */
  cosControl: CosCaller;
  /** COS with the backend's COSKEY_SECRECTID / COSKEY_SECRECTKEY. */
  cosBackend: CosCaller;
  /** A connection with the backend's [DB] credentials (shared by the db.* checks; opened once). */
  db(): Promise<Connection>;
  /**
   * A probe shared between checks, started by whichever check asks first and awaited by all (e.g. the one signed
   * COS GET behind cos.secret-id and cos.secret-key). Its calls are retried but not tied to one check's abort.
   */
  shared<T>(key: string, probe: (clients: SharedClients) => Promise<T>): Promise<T>;
  /** Aborted when the check times out or a prerequisite did not pass. */
  signal: AbortSignal;
  /** Random token of this run, for probe object keys. */
  runId: string;
  /** Whether opt-in network probes of the backend itself were requested (--probe-callback). */
  probeCallback: boolean;
  /** Per-check timeout, ms (for bounding a check's own I/O, e.g. the callback POST). */
  timeoutMs: number;
  /**
   * Every address of a host name: a declared override (`--resolve`, LIVE_INFRA_RESOLVE) or the system resolver,
   * bounded by a timeout and the check's signal. Rejects with a ResolveError (clients/resolve.ts).
   */
  resolve(host: string): Promise<Resolution>;
  /** A `lookup` for connections a check opens itself (the callback probe): honours the same overrides. */
  lookup: LookupFunction;
}

/** Clients handed to a shared probe: they retry under the run's lifetime, not one check's. */
export interface SharedClients {
  api: ApiCaller;
  cosControl: CosCaller;
  cosBackend: CosCaller;
}

export type CheckBody = (ctx: CheckContext) => Promise<Verdict>;

export type Severity = "critical" | "high" | "medium" | "low";

/**
 * One check, everything about it in one place (as an InSpec control): what it asserts, the FAQ item it stands for,
 * how to fix a failure, what must pass first, and the run function that gathers evidence and returns a verdict.
 * Ids are a public contract (reports, `--only`, scenario tests); never rename or remove one.
 */
export interface Control {
  readonly id: string;
  /** critical: uploads or the replay list cannot work; high: they break for some cases; low: advisory. */
  readonly severity: Severity;
  readonly title: Msg;
  /** What the check asserts and how it finds out. */
  readonly description: Msg;
  /** The FAQ item this check stands for (troubleshooting FAQ of the 小直播 demo), null when beyond the FAQ. */
  readonly faqItem: Msg | null;
  /** The keyword the FAQ tells users to grep for, or the FAQ item's own wording; null when there is none. */
  readonly faqKeyword: string | null;
  readonly remediation: Msg;
  readonly docUrl: string | null;
  /** Checks that must pass (or warn) before this one's verdict counts; otherwise it is `skip`. */
  readonly prerequisites: readonly string[];
  /** Runs only when asked for (a flag, or named in --only). */
  readonly optIn?: { readonly flag: string };
  /** Gathers evidence and returns the verdict; throws when it cannot tell (the runner reports `error`). */
  run: CheckBody;
}
