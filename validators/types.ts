/**
 * Shared vocabulary of the validators: statuses, verdicts, the context a check body receives.
 * Check bodies (cos.ts, live.ts, db.ts) are plain async functions `(ctx) => Promise<Verdict>`; they never print.
 */
import type { BackendConfig } from "../common/backend-config";
import type { StackOutputs } from "../common/outputs";
import type { Connection } from "mysql2/promise";
import type { ApiService, CosClient } from "./clients";

export type Lang = "zh" | "en";

/** A text in both report languages. */
export interface Msg {
  zh: string;
  en: string;
}

export const msg = (zh: string, en: string): Msg => ({ zh, en });

/** Final status of a check in a report. */
export type CheckStatus = "pass" | "fail" | "warn" | "error" | "skip";

/** What a check body returns. `error` and `skip` are decided by the runner, never by a body. */
export interface Verdict {
  status: "pass" | "fail" | "warn";
  message: Msg;
  /** Facts gathered (never a secret; SecretIds masked). */
  evidence?: Record<string, unknown>;
  /** Overrides the catalogue's FAQ keyword for this outcome (e.g. cos.bucket with a wrong APPID). */
  faqKeyword?: string;
  /** Overrides the catalogue's remediation for this outcome. */
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
 * Everything a check body may use. One context per check: its clients retry retryable failures (throttling, 5xx,
 * resets) with exponential backoff and jitter, and stop retrying once the check is aborted (timeout, or a
 * prerequisite did not pass).
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
}

/** Clients handed to a shared probe: they retry under the run's lifetime, not one check's. */
export interface SharedClients {
  api: ApiCaller;
  cosControl: CosCaller;
  cosBackend: CosCaller;
}

export type CheckBody = (ctx: CheckContext) => Promise<Verdict>;
