/**
 * Endpoint overrides and the HTTP agents every SDK request goes through.
 *
 * With an override (`--api-endpoint` / `--cos-endpoint`, or LIVE_INFRA_API_ENDPOINT / LIVE_INFRA_COS_ENDPOINT) the
 * SDKs still address the real host names (`live.tencentcloudapi.com`, `<bucket>.cos.<region>.myqcloud.com`), so
 * signatures and `Host` headers are what Tencent Cloud would see; only the TCP connection goes to the override:
 * the agent's `lookup` answers every name with the override's address, and the port comes from the override.
 * The agents are always explicit, so `http_proxy` / `HTTPS_PROXY` are never consulted.
 */
import * as dns from "dns";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import { parseEndpointInput } from "../../common/url-input";

export const API_ENDPOINT_ENV = "LIVE_INFRA_API_ENDPOINT";
export const COS_ENDPOINT_ENV = "LIVE_INFRA_COS_ENDPOINT";

/** Endpoint overrides; an absent one means the real Tencent Cloud endpoints over HTTPS. */
export interface Endpoints {
  /** Where API 3.0 requests (`<service>.tencentcloudapi.com`) connect. */
  api?: URL;
  /** Where COS XML requests (`*.cos.<region>.myqcloud.com`, `service.cos.myqcloud.com`) connect. */
  cos?: URL;
}

export interface EndpointOptions {
  /** Value of `--api-endpoint`; wins over LIVE_INFRA_API_ENDPOINT. */
  apiEndpoint?: string;
  /** Value of `--cos-endpoint`; wins over LIVE_INFRA_COS_ENDPOINT. */
  cosEndpoint?: string;
}

/**
 * An http(s) URL without credentials, path, query or fragment (or a bare HOST:PORT, read as http). A malformed one
 * is an InputError naming `source` and never quoting a user name or password.
 */
function parseEndpoint(value: string, source: string): URL {
  return parseEndpointInput(value, source);
}

/**
 * Resolves the endpoint overrides: explicit options first, then the environment variables. Empty values count as
 * unset. A malformed value throws an InputError naming the flag or variable (never quoting credentials).
 */
export function resolveEndpoints(opts: EndpointOptions = {}, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const out: Endpoints = {};
  const api = opts.apiEndpoint?.trim() ? ["--api-endpoint", opts.apiEndpoint] : env[API_ENDPOINT_ENV]?.trim() ? [API_ENDPOINT_ENV, env[API_ENDPOINT_ENV]!] : undefined;
  const cos = opts.cosEndpoint?.trim() ? ["--cos-endpoint", opts.cosEndpoint] : env[COS_ENDPOINT_ENV]?.trim() ? [COS_ENDPOINT_ENV, env[COS_ENDPOINT_ENV]!] : undefined;
  if (api) out.api = parseEndpoint(api[1], api[0]);
  if (cos) out.cos = parseEndpoint(cos[1], cos[0]);
  return out;
}

/** The override's port, or the scheme's default. */
export function endpointPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** The override's host without IPv6 brackets. */
export function endpointHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that answers every host name with `target` (an IP, or a name resolved normally).
 * Supports both callback shapes: (address, family) and, when `all: true`, [{ address, family }].
 */
export function fixedLookup(target: string): net.LookupFunction {
  const family = net.isIP(target);
  return ((_hostname: string, options: dns.LookupOptions | LookupCallback, callback?: LookupCallback) => {
    const cb = (typeof options === "function" ? options : callback) as LookupCallback;
    const opts = (typeof options === "function" ? {} : options) ?? {};
    if (!family) {
      dns.lookup(target, opts as dns.LookupAllOptions, cb as never);
      return;
    }
    if (opts.all) process.nextTick(() => cb(null, [{ address: target, family }]));
    else process.nextTick(() => cb(null, target, family));
  }) as net.LookupFunction;
}

/**
 * An agent for requests to `override` (its scheme decides http/https), or for the real cloud (HTTPS) when
 * `override` is undefined. Only the real cloud gets keep-alive (it saves TLS handshakes); an override (the sandbox,
 * usually on loopback) gets a fresh connection per request, so a server closing an idle connection can never race
 * a request into a spurious reset. `agent.destroy()` ends every socket, in use or idle.
 */
export function createAgent(override: URL | undefined): http.Agent {
  if (!override) return new https.Agent({ keepAlive: true, maxSockets: 32 });
  const opts = { keepAlive: false, lookup: fixedLookup(endpointHost(override)) };
  return override.protocol === "https:" ? new https.Agent(opts) : new http.Agent(opts);
}
