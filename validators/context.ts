/**
 * Builds what controls use: the three cloud clients (control plane API + COS, backend COS keys; a run's own, or a
 * fleet's shared {@link ClientPool}), one MySQL connection with the backend's credentials, shared probes — and the
 * per-check {@link CheckContext} views whose calls retry (counted on the check's counter) and stop with the check.
 */
import { randomBytes } from "crypto";
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../common/lazy";
import type { Connection } from "mysql2/promise";
import type { BackendConfig } from "../common/backend-config";
import type { StackOutputs } from "../common/outputs";
import { createHash } from "crypto";
import { CosClient, Endpoints, RetryCounter, RetryPolicy, TencentApiClient, retrying, withRetry } from "./clients";
import type { RateLimiter } from "./clients/rate-limit";
import { DEFAULT_RESOLVE_TIMEOUT_MS, ResolveOverrides, Resolver } from "./clients/resolve";
import { withRegion, withSignal } from "./clients/tencent-api";
import type { CheckContext, SharedClients } from "./types";

const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);

export interface ResourceOptions {
  stack: string;
  outputs: StackOutputs;
  backend: BackendConfig;
  declared?: Record<string, unknown>;
  credentials: { secretId: string; secretKey: string };
  endpoints: Endpoints;
  /** Per-check timeout; one request is bounded by it too (at most 10 s). */
  timeoutMs: number;
  probeCallback: boolean;
  retry?: RetryPolicy;
  /** Declared name → addresses (`--resolve`, LIVE_INFRA_RESOLVE); other names go to the system resolver. */
  resolveOverrides?: ResolveOverrides;
  /** Clients shared with other runs (a fleet); they stay open after this run. Default: the run's own. */
  pool?: ClientPool;
  /** Paces the run's own clients (without a pool); see clients/rate-limit.ts. */
  rateLimiter?: RateLimiter;
}

export interface ClientPoolOptions {
  endpoints: Endpoints;
  /** Bound of one request, ms. */
  requestTimeoutMs: number;
  rateLimiter?: RateLimiter;
  /** Whose request limits every client counts against (the control-plane SecretId of the fleet). */
  rateLimitAccount?: string;
}

type Keys = { secretId: string; secretKey: string };

/**
 * The clients of a process validating several stacks: one TencentApiClient and one CosClient per credential pair
 * (one endpoint set per pool), all paced by one rate limiter. Regions are per request (see `withRegion`), so
 * stacks in different regions share a client.
 */
export class ClientPool {
  private readonly apis = new Map<string, TencentApiClient>();
  private readonly coses = new Map<string, CosClient>();

  constructor(readonly opts: ClientPoolOptions) {}

  private key(k: Keys): string {
    return createHash("sha256").update(`${k.secretId}\0${k.secretKey}`).digest("hex");
  }

  private common(k: Keys) {
    return {
      secretId: k.secretId,
      secretKey: k.secretKey,
      endpoints: this.opts.endpoints,
      timeoutMs: this.opts.requestTimeoutMs,
      rateLimiter: this.opts.rateLimiter,
      rateLimitAccount: this.opts.rateLimitAccount,
    };
  }

  api(k: Keys): TencentApiClient {
    const key = this.key(k);
    let c = this.apis.get(key);
    if (!c) this.apis.set(key, (c = new TencentApiClient(this.common(k))));
    return c;
  }

  cos(k: Keys): CosClient {
    const key = this.key(k);
    let c = this.coses.get(key);
    if (!c) this.coses.set(key, (c = new CosClient(this.common(k))));
    return c;
  }

  /** How many clients were made (API, COS). */
  get size(): { api: number; cos: number } {
    return { api: this.apis.size, cos: this.coses.size };
  }

  close(): void {
    for (const c of this.apis.values()) c.close();
    for (const c of this.coses.values()) c.close();
    this.apis.clear();
    this.coses.clear();
  }
}

export class RunResources {
  readonly api: TencentApiClient;
  readonly cosControl: CosClient;
  readonly cosBackend: CosClient;
  readonly resolver: Resolver;
  readonly runId = randomBytes(6).toString("hex");
  private readonly sharedProbes = new Map<string, Promise<unknown>>();
  private conn?: Promise<Connection>;
  private readonly runAbort = new AbortController();

  constructor(readonly opts: ResourceOptions) {
    const requestTimeout = Math.max(1, Math.min(opts.timeoutMs, 10_000));
    // The SDK refuses to sign with an empty key; a placeholder lets COS itself answer (an empty COSKEY_SECRECTKEY
    // then shows as SignatureDoesNotMatch, and the SecretId can still be tested). An empty SecretId is reported by
    // cos.secret-id without a request.
    const backendKeys = {
      secretId: opts.backend.cos.secretId || "AKID-live-infra-empty-secret-id",
      secretKey: opts.backend.cos.secretKey || "live-infra-empty-secret-key",
    };
    const pool = opts.pool;
    if (pool) {
      this.api = withRegion(pool.api(opts.credentials), opts.outputs.region);
      this.cosControl = pool.cos(opts.credentials);
      this.cosBackend = pool.cos(backendKeys);
    } else {
      const own = { endpoints: opts.endpoints, timeoutMs: requestTimeout, rateLimiter: opts.rateLimiter, rateLimitAccount: opts.credentials.secretId };
      this.api = new TencentApiClient({ ...opts.credentials, region: opts.outputs.region, ...own });
      this.cosControl = new CosClient({ ...opts.credentials, ...own });
      this.cosBackend = new CosClient({ ...backendKeys, ...own });
    }
    // A lookup answers well inside the check's own timeout, so a silent resolver is named as such.
    this.resolver = new Resolver({
      overrides: opts.resolveOverrides,
      timeoutMs: Math.max(50, Math.min(DEFAULT_RESOLVE_TIMEOUT_MS, Math.floor(opts.timeoutMs * 0.75))),
    });
  }

  /** The backend's MySQL connection, opened once (transient failures retried). */
  db(): Promise<Connection> {
    if (!this.conn) {
      const d = this.opts.backend.db;
      this.conn = withRetry(
        () =>
          mysql().createConnection({
            host: d.host,
            port: d.port,
            user: d.user,
            password: d.password,
            database: d.name,
            connectTimeout: Math.max(1000, Math.min(this.opts.timeoutMs, 10_000)),
            dateStrings: true,
            supportBigNumbers: true,
            bigNumberStrings: true,
          }),
        { signal: this.runAbort.signal, policy: this.opts.retry },
      );
      // Avoid an unhandled rejection when no check awaits it (e.g. all db checks aborted).
      this.conn.catch(() => undefined);
    }
    return this.conn;
  }

  shared<T>(key: string, probe: () => Promise<T>): Promise<T> {
    let p = this.sharedProbes.get(key) as Promise<T> | undefined;
    if (!p) {
      p = probe();
      p.catch(() => undefined);
      this.sharedProbes.set(key, p);
    }
    return p;
  }

  /** The context one control's run function receives; `retries` is the check's counter (from the runner). */
  contextFor(checkId: string, signal: AbortSignal, retries: RetryCounter): CheckContext {
    const policy = this.opts.retry;
    const checkScope = { signal, policy, counter: retries };
    // Shared probes outlive whichever check started them: they stop with the run and count for no check.
    const runScope = { signal: this.runAbort.signal, policy };
    const sharedApi = retrying(withSignal(this.api, runScope.signal), runScope);
    const sharedCosControl = retrying(this.cosControl.withSignal(runScope.signal), runScope);
    const sharedCosBackend = retrying(this.cosBackend.withSignal(runScope.signal), runScope);
    const ctx: CheckContext = {
      checkId,
      stack: this.opts.stack,
      outputs: this.opts.outputs,
      backend: this.opts.backend,
      declared: this.opts.declared,
      // The check's signal also reaches requests still waiting for a rate-limit slot: a stopped check sends nothing more.
      api: retrying(withSignal(this.api, signal), checkScope),
      cosControl: retrying(this.cosControl.withSignal(signal), checkScope),
      cosBackend: retrying(this.cosBackend.withSignal(signal), checkScope),
      db: () => this.db(),
      shared: <T>(key: string, probe: (c: SharedClients) => Promise<T>) =>
        this.shared(key, () => probe({ api: sharedApi, cosControl: sharedCosControl, cosBackend: sharedCosBackend })),
      signal,
      runId: this.runId,
      probeCallback: this.opts.probeCallback,
      timeoutMs: this.opts.timeoutMs,
      resolve: (host: string) => this.resolver.resolve(host, { signal }),
      lookup: this.resolver.lookupFunction(),
    };
    return ctx;
  }

  /** Ends everything: aborts shared retries, destroys HTTP agents and the MySQL connection. */
  async close(): Promise<void> {
    this.runAbort.abort(new Error("run finished"));
    if (!this.opts.pool) {
      this.api.close();
      this.cosControl.close();
      this.cosBackend.close();
    }
    if (this.conn) {
      try {
        const c = await this.conn;
        c.destroy();
      } catch {
        // never connected
      }
    }
  }
}
