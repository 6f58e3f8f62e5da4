/**
 * The one error type of the client layer, for both SDKs (API 3.0 and COS). Callers branch on `kind`; `code` keeps
 * the cloud's own error code for messages and evidence.
 */

/**
 * - `auth`: the credentials were refused (unknown SecretId, bad signature, expired signature, CAM denial).
 * - `not-found`: the addressed resource does not exist (NoSuchBucket, NoSuchKey, ResourceNotFound.*, ...).
 * - `throttled`: rate limited (API `RequestLimitExceeded*`, COS 503 `SlowDown` / 429).
 * - `server`: the service failed (HTTP 5xx, `InternalError`, an unreadable response).
 * - `network`: no answer (connection refused/reset/dropped, DNS failure).
 * - `timeout`: no complete answer within the client's timeout.
 * - `client`: anything else the caller sent wrong (bad parameter, unknown action, ...). Not retryable.
 */
export type CloudErrorKind = "auth" | "not-found" | "throttled" | "server" | "network" | "timeout" | "client";

export interface CloudErrorInit {
  code: string;
  message: string;
  kind: CloudErrorKind;
  requestId?: string;
  httpStatus?: number;
  /** `live`, `cdb`, `cam`, `tag`, `sts` or `cos`. */
  service: string;
  /** API action (`DescribeLiveDomains`) or COS operation (`HeadBucket`). */
  operation: string;
}

export class CloudError extends Error {
  /**
   * The cloud's error code: `AuthFailure.SignatureFailure`, `NoSuchKey`, ... For a body-less COS error (HEAD) it is
   * the HTTP status as text (`"404"`, `"403"`), as the COS SDK reports it. Transport failures use the errno
   * (`ECONNRESET`, `ECONNREFUSED`, ...) or `NetworkError`; timeouts use `Timeout`.
   */
  readonly code: string;
  readonly kind: CloudErrorKind;
  /** `RequestId` of an API 3.0 answer, or the `x-cos-request-id` of a COS answer. */
  readonly requestId?: string;
  /** HTTP status when an HTTP answer arrived (API 3.0 errors arrive with 200). */
  readonly httpStatus?: number;
  readonly service: string;
  readonly operation: string;

  constructor(init: CloudErrorInit) {
    super(init.message);
    this.name = "CloudError";
    this.code = init.code;
    this.kind = init.kind;
    this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.service = init.service;
    this.operation = init.operation;
  }
}

/**
 * True for failures that may succeed when repeated: throttling, server errors, network failures and timeouts.
 * The SDK clients never retry by themselves; `withRetry` / `retrying` (./retry.ts) do, with exponential backoff.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof CloudError)) return false;
  return err.kind === "throttled" || err.kind === "server" || err.kind === "network" || err.kind === "timeout";
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "HPE_INVALID_CONSTANT",
]);

/** The errno-like code of a transport failure, from `err.code` or from a message such as "reason: socket hang up". */
export function transportCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === "string" && /^(E[A-Z_]+|HPE_[A-Z_]+)$/.test(e.code)) return e.code;
  const msg = typeof e?.message === "string" ? e.message : "";
  const m = /\b(E[A-Z]{3,}[A-Z_]*)\b/.exec(msg);
  if (m && (NETWORK_CODES.has(m[1]) || m[1] === "ETIMEDOUT" || m[1] === "ESOCKETTIMEDOUT")) return m[1];
  if (/socket hang up|network socket disconnected|other side closed/i.test(msg)) return "ECONNRESET";
  return undefined;
}

/** Kind of a transport failure code (timeouts vs. everything else). */
export function transportKind(code: string): CloudErrorKind {
  return code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT" ? "timeout" : "network";
}

/** Kind of an API 3.0 error code (`Response.Error.Code`). */
export function apiErrorKind(code: string): CloudErrorKind {
  if (/^(AuthFailure|UnauthorizedOperation|OperationDenied)(\.|$)/.test(code)) return "auth";
  if (/^RequestLimitExceeded(\.|$)/.test(code)) return "throttled";
  // Live reports unknown templates as InternalError.ConfNotFound / InternalError.NotFound, CAM as
  // InvalidParameter.UserNotExist: the "not found" wording decides before the prefix.
  if (/^ResourceNotFound(\.|$)/.test(code) || /(NotFound|NotExist|NotExists)$/.test(code)) return "not-found";
  if (code === "InternalError" || /^InternalError\.(SystemError|SystemBusy|ServerError|Unknown\w*|DBError|NetworkError|.*Timeout)$/.test(code))
    return "server";
  if (/^ServiceUnavailable(\.|$)/.test(code)) return "server";
  return "client";
}

/** Kind of a COS error (XML `Code`, or the status text for body-less answers) by HTTP status and code. */
export function cosErrorKind(status: number, code: string): CloudErrorKind {
  // COS throttles with 503 SlowDown; a body-less 503 (HEAD) is read the same way.
  if (status === 429 || code === "SlowDown" || code === "TooManyRequests" || (status === 503 && code === "503")) return "throttled";
  if (status >= 500) return "server";
  if (status === 404) return "not-found";
  if (status === 401 || status === 403) return "auth";
  if (code === "ExpiredToken" || code === "InvalidToken" || code === "RequestTimeTooSkewed") return "auth";
  return "client";
}
