/**
 * The sandbox server: one node:http server on 127.0.0.1 serving three things, told apart by the Host header
 * (its port ignored) and the path:
 *   - `/_sandbox/...` from a loopback peer, with Host 127.0.0.1 / localhost / [::1] or an emulated non-bucket host
 *     → control API (control.ts)
 *   - `<service>[.<region>].tencentcloudapi.com` → API 3.0 (api.ts)
 *   - `<bucket>.cos.<region>.myqcloud.com`, `cos.<region>.myqcloud.com`, `service.cos.myqcloud.com`
 *     (and the `tencentcos.cn` twins) → COS XML (cos/handler.ts)
 * Clients keep the real host names on the wire and connect to 127.0.0.1 (docs/sandbox.md).
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { State, StateStore, emptyState } from "./state";
import { FaultConfig, Faults } from "./faults";
import { RateLimitConfig, RateLimiter } from "./rate-limit";
import { SandboxContext } from "./context";
import { handleApi } from "./api";
import { handleControl } from "./control";
import { handleCos } from "./cos/handler";
import { OperationError } from "../common/errors";
import { maskSecretId } from "../common/mask";

export interface SandboxOptions {
  /** Listening port; 0 or absent = any free port. */
  port?: number;
  state?: State;
  faults?: FaultConfig;
  /**
   * API 3.0 per-action rate limits (requests per window per account and action; exceeding → RequestLimitExceeded).
   * Default none. Counters run either way (`Sandbox.rateLimits.counters()`, `GET /_sandbox/rate-limits`).
   */
  rateLimits?: RateLimitConfig;
  /** PRNG seed for fault decisions (default 1). */
  seed?: number;
  log?: (line: string) => void;
  /** Server clock in ms (default Date.now); tests shift it to provoke SignatureExpire / expired COS signatures. */
  now?: () => number;
}

export interface Sandbox {
  /** Base URL for API 3.0 (connect here, send Host `<service>.tencentcloudapi.com`). */
  api: string;
  /** Base URL for COS (same server; Host `<bucket>.cos.<region>.myqcloud.com`). */
  cos: string;
  /** Control API base, `<api>/_sandbox`. */
  control: string;
  port: number;
  store: StateStore;
  faults: Faults;
  /** Per-action rate limits and request counters (change them with set(), read counters()). */
  rateLimits: RateLimiter;
  close(): Promise<void>;
}

export type Route = { kind: "api"; service: string } | { kind: "cos" } | { kind: "control" } | { kind: "unknown"; host: string };

/** Classifies a request by Host (port stripped) and path. */
export function route(hostHeader: string | undefined, url: string, loopbackPeer: boolean): Route {
  const host = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase().replace(/\.$/, "");
  const isCos = /(^|\.)cos\.[a-z0-9-]+\.(myqcloud\.com|tencentcos\.cn)$/.test(host) || /^service\.cos\.(myqcloud\.com|tencentcos\.cn)$/.test(host);
  const isBucketHost = isCos && /^[^.]+\.cos\.[a-z0-9-]+\./.test(host) && !host.startsWith("service.");
  const m = /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)?tencentcloudapi\.com$/.exec(host);
  // Control only under a loopback name or a name the sandbox emulates: a page whose own domain was rebound to
  // 127.0.0.1 (DNS rebinding) sends its domain as Host and must not read the keys in the state.
  const controlHost = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(host) || !!m || (isCos && !isBucketHost);
  if (loopbackPeer && controlHost && (url === "/_sandbox" || url.startsWith("/_sandbox/") || url.startsWith("/_sandbox?"))) {
    return { kind: "control" };
  }
  if (isCos) return { kind: "cos" };
  if (m) return { kind: "api", service: m[1] };
  return { kind: "unknown", host };
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127."));
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const store = new StateStore(opts.state ?? emptyState());
  const faults = new Faults(opts.faults ?? { rules: {} }, opts.seed ?? 1);
  const rateLimits = new RateLimiter(opts.rateLimits ?? {});
  const log = opts.log ?? (() => undefined);
  const ctx: SandboxContext = { store, faults, rateLimits, log, now: opts.now ?? Date.now };

  const server = http.createServer((req, res) => {
    const r = route(req.headers.host, req.url ?? "/", isLoopback(req.socket.remoteAddress));
    const fail = (err: unknown) => {
      // A GET query can carry an AccessKeyId (e.g. DeleteAccessKey): SecretIds are masked in the log line.
      const line = `sandbox: internal error on ${req.method} ${req.headers.host}${req.url}: ${(err as Error)?.message ?? err}`;
      log(line.replace(/AKID[0-9A-Za-z]+/g, (id) => maskSecretId(id)));
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("sandbox internal error\n");
    };
    try {
      let p: void | Promise<void> = undefined;
      switch (r.kind) {
        case "control":
          p = handleControl(req, res, ctx);
          break;
        case "api":
          p = handleApi(req, res, ctx, r.service);
          break;
        case "cos":
          p = handleCos(req, res, ctx);
          break;
        default:
          res.writeHead(404, { "Content-Type": "text/plain" });
          res.end(
            `live-infra sandbox: unknown host "${r.host}". Send Host <service>.tencentcloudapi.com (API 3.0), ` +
              `<bucket>.cos.<region>.myqcloud.com (COS) or use /_sandbox/ (control).\n`,
          );
      }
      if (p) p.catch(fail);
    } catch (err) {
      fail(err);
    }
  });
  // Clients that keep connections alive must not hold close() up.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(new OperationError(`sandbox: cannot listen on 127.0.0.1:${opts.port ?? 0} (${err.code ?? err.message}); pick another --port or 0`)),
    );
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.removeAllListeners("error");
      server.on("error", (err) => log(`sandbox: server error: ${err.message}`));
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  log(`sandbox: listening on ${base}`);
  return {
    api: base,
    cos: base,
    control: `${base}/_sandbox`,
    port,
    store,
    faults,
    rateLimits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
