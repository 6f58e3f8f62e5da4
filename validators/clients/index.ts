/**
 * The package's one way to reach Tencent Cloud and the network (official SDKs only). See docs/cos-and-clients.md.
 *
 * - `resolveEndpoints({ apiEndpoint, cosEndpoint }, env)` → `{ api?: URL; cos?: URL }`
 * - `TencentApiClient` — API 3.0 (`live`, `cdb`, `cam`, `tag`, `sts`, `vpc`) through CommonClient
 * - `CosClient` — COS XML through cos-nodejs-sdk-v5
 * - `CloudError` (one error type, `kind` to branch on) and `isRetryable(err)`
 * - `withRetry` / `retrying` — exponential backoff with full jitter on transient failures, counted per caller
 * - `postJson` — a plain JSON POST to the backend itself (callback probes)
 */
export { CloudError, isRetryable, apiErrorKind, cosErrorKind } from "./errors";
export type { CloudErrorKind, CloudErrorInit } from "./errors";
export { resolveEndpoints, API_ENDPOINT_ENV, COS_ENDPOINT_ENV } from "./endpoints";
export type { Endpoints, EndpointOptions } from "./endpoints";
export { TencentApiClient, API_VERSIONS, DEFAULT_TIMEOUT_MS } from "./tencent-api";
export type { TencentApiClientOptions, ApiRequestOptions, ApiService } from "./tencent-api";
export { CosClient } from "./cos";
export type { CosClientOptions, BucketRef, ObjectRef, CosOwner, CosBucketInfo, CosCorsRule, CosGrant, CosObjectInfo } from "./cos";
export { withRetry, retrying, isTransient, RetryCounter, DEFAULT_RETRY } from "./retry";
export type { RetryPolicy, RetryOptions } from "./retry";
export { postJson } from "./http-post";
export type { PostResult } from "./http-post";
