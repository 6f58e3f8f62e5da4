/**
 * API 3.0 (TC3-HMAC-SHA256) client over `tencentcloud-sdk-nodejs-common`'s CommonClient. One client per process
 * and credential pair; one CommonClient per service, all sharing one explicit agent.
 */
import * as http from "http";
import type { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { lazyModule } from "../../common/lazy";
import { redact } from "../../common/mask";
import { CloudError, apiErrorKind, transportCode, transportKind } from "./errors";
import { Endpoints, createAgent, endpointPort } from "./endpoints";
import type { RateLimiter } from "./rate-limit";

/** API versions in use. */
export const API_VERSIONS = {
  live: "2018-08-01",
  cdb: "2017-03-20",
  cam: "2019-01-16",
  tag: "2018-08-13",
  sts: "2018-08-13",
  vpc: "2017-03-12",
} as const;

export type ApiService = keyof typeof API_VERSIONS;

export const DEFAULT_TIMEOUT_MS = 10_000;

const sdk = lazyModule(() => require("tencentcloud-sdk-nodejs-common") as typeof import("tencentcloud-sdk-nodejs-common"));

export interface TencentApiClientOptions {
  secretId: string;
  secretKey: string;
  /** Region for regional products (CDB and VPC need one, e.g. `ap-guangzhou`); omitted from requests when empty. */
  region?: string;
  /** From `resolveEndpoints`; `endpoints.api` redirects the connections. Default: the real cloud. */
  endpoints?: Endpoints;
  /** Upper bound for one request, connection to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Paces every request (each attempt) per action; shared by the clients of one process. Default: no pacing. */
  rateLimiter?: RateLimiter;
  /**
   * Whose limits the requests count against (the account; sub-users share their root account's). Default: this
   * client's SecretId. A fleet passes the control-plane SecretId, so the backend's sub-user keys count with it.
   */
  rateLimitAccount?: string;
}

export interface ApiRequestOptions {
  /** Overrides the client's region for this request. */
  region?: string;
  /**
   * The caller's abort signal (a check's or a run's): once aborted, a request still waiting for a rate-limit slot
   * leaves the queue unsent and rejects with a CloudError of kind `timeout` (code `Aborted`).
   */
  signal?: AbortSignal;
}

/**
 * Calls Tencent Cloud API 3.0 actions. Requests are signed by the official SDK, sent with the real host name
 * (`<service>.tencentcloudapi.com[:port]`) to the override endpoint when one is set, bounded by `timeoutMs`, and
 * never retried. Failures are thrown as `CloudError`.
 */
export class TencentApiClient {
  private readonly agent: http.Agent;
  private readonly clients = new Map<string, CommonClient>();
  private readonly timeoutMs: number;
  private closed = false;

  constructor(private readonly opts: TencentApiClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.agent = createAgent(opts.endpoints?.api);
  }

  private client(service: ApiService, region: string): CommonClient {
    const key = `${service}|${region}`;
    let c = this.clients.get(key);
    if (c) return c;
    const override = this.opts.endpoints?.api;
    const host = `${service}.tencentcloudapi.com`;
    const endpoint = override && override.port ? `${host}:${endpointPort(override)}` : host;
    c = new (sdk().CommonClient)(host, API_VERSIONS[service], {
      credential: { secretId: this.opts.secretId, secretKey: this.opts.secretKey },
      region,
      profile: {
        httpProfile: {
          endpoint,
          protocol: override ? `${override.protocol}//` : "https://",
          reqMethod: "POST",
          // Seconds; our own abort signal below is the real bound, this one is a second line.
          reqTimeout: Math.max(this.timeoutMs / 1000, 0.001),
          agent: this.agent,
        },
      },
    });
    this.clients.set(key, c);
    return c;
  }

  /**
   * Calls `action` of `service` with `params` and resolves with the content of `Response` (without the wrapper).
   * @throws CloudError — `Response.Error` (kind by code: AuthFailure.* → auth, RequestLimitExceeded → throttled,
   *   ResourceNotFound.* / *NotFound / *NotExist → not-found, InternalError → server, else client), a non-200
   *   status (5xx → server), a transport failure (network) or the timeout (timeout).
   */
  async request<T = any>(service: ApiService, action: string, params: object = {}, options: ApiRequestOptions = {}): Promise<T> {
    if (this.closed) throw new CloudError({ code: "ClientClosed", message: "the API client was closed", kind: "client", service, operation: action });
    if (!(service in API_VERSIONS)) throw new CloudError({ code: "UnknownService", message: `unknown API service "${service}"`, kind: "client", service, operation: action });
    const client = this.client(service, options.region ?? this.opts.region ?? "");
    // The wait for a slot is not part of the request's own time bound; the slot is freed when the answer is in.
    let release: (() => void) | undefined;
    if (this.opts.rateLimiter) {
      try {
        release = await this.opts.rateLimiter.acquire(service, action, this.opts.rateLimitAccount ?? this.opts.secretId, options.signal);
      } catch (err) {
        throw abortedError(err, service, action);
      }
    }
    if (this.closed) {
      release?.();
      throw new CloudError({ code: "ClientClosed", message: "the API client was closed", kind: "client", service, operation: action });
    }
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.timeoutMs);
    try {
      return (await client.request(action, params, { signal: ac.signal as never })) as T;
    } catch (err) {
      throw this.toCloudError(err, service, action, timedOut);
    } finally {
      clearTimeout(timer);
      release?.();
    }
  }

  private toCloudError(err: unknown, service: string, operation: string, timedOut: boolean): CloudError {
    const e = err as { code?: string; httpCode?: number; requestId?: string; message?: string; type?: string };
    const message = redact(String(e?.message ?? err), [this.opts.secretKey]);
    const base = { service, operation };
    if (typeof e?.code === "string" && e.code && !transportCodeOnly(e.code)) {
      return new CloudError({ ...base, code: e.code, message, kind: apiErrorKind(e.code), requestId: e.requestId || undefined, httpStatus: e.httpCode ?? 200 });
    }
    if (timedOut || e?.type === "request-timeout" || e?.type === "body-timeout" || /network timeout/i.test(message))
      return new CloudError({ ...base, code: "Timeout", message: `no answer within ${this.timeoutMs} ms`, kind: "timeout" });
    if (typeof e?.httpCode === "number") {
      const status = e.httpCode;
      const kind = status >= 500 ? "server" : status === 429 ? "throttled" : status === 401 || status === 403 ? "auth" : status === 404 ? "not-found" : "client";
      return new CloudError({ ...base, code: `HTTP${status}`, message: message || `HTTP ${status}`, kind, httpStatus: status });
    }
    const tcode = transportCode(err);
    if (tcode) return new CloudError({ ...base, code: tcode, message, kind: transportKind(tcode) });
    // An answer that is not the API 3.0 envelope (invalid JSON, no Response): the service misbehaved.
    if (e?.type === "invalid-json" || err instanceof SyntaxError || err instanceof TypeError)
      return new CloudError({ ...base, code: "InvalidResponse", message: `unreadable answer: ${message}`, kind: "server" });
    return new CloudError({ ...base, code: "NetworkError", message, kind: "network" });
  }

  /** Destroys the agent's sockets; further requests fail with code `ClientClosed`. Idempotent. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
    this.clients.clear();
  }
}

/** The CloudError for a request whose caller aborted it before it was sent (while it waited for a slot). */
export function abortedError(reason: unknown, service: string, operation: string): CloudError {
  const why = reason instanceof Error ? reason.message : String(reason);
  return new CloudError({ code: "Aborted", message: `not sent: aborted while waiting for a rate-limit slot (${why})`, kind: "timeout", service, operation });
}

/** A view of `client` whose requests default to `defaults` (a request's own options still win). */
function withDefaults<T extends Pick<TencentApiClient, "request">>(client: T, defaults: ApiRequestOptions): T {
  return new Proxy(client, {
    get(t, prop, receiver) {
      if (prop === "request") {
        return (service: ApiService, action: string, params: object = {}, options: ApiRequestOptions = {}) =>
          t.request(service, action, params, { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) });
      }
      const v = Reflect.get(t, prop, receiver);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/**
 * A view of `client` whose requests carry `signal` (a request's own `signal` still wins): a check's requests still
 * waiting for a rate-limit slot when the check is aborted are never sent.
 */
export function withSignal<T extends Pick<TencentApiClient, "request">>(client: T, signal: AbortSignal): T {
  return withDefaults(client, { signal });
}

/**
 * A view of `client` whose requests default to `region` (a request's own `region` still wins): one client shared by
 * stacks in different regions, each stack seeing its own default.
 */
export function withRegion<T extends Pick<TencentApiClient, "request">>(client: T, region: string): T {
  return withDefaults(client, { region });
}

function transportCodeOnly(code: string): boolean {
  return /^(E[A-Z_]+|HPE_[A-Z_]+)$/.test(code);
}
