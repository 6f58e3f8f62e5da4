/**
 * One drift run: resolve the declaration, read every declared resource with its reader (concurrently, bounded,
 * within one total time budget), learn ids from what is read (an instance tells its VPC's id), diff, report.
 * Reads retry like validate's checks (validators/clients/retry.ts). A resource that cannot be read is an error,
 * never "in sync".
 */
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../common/lazy";
import { InputError } from "../common/errors";
import type { StackOutputs } from "../common/outputs";
import { parseMysqlUrl } from "../database/url";
import {
  CloudError,
  CosClient,
  EndpointOptions,
  RetryPolicy,
  TencentApiClient,
  resolveEndpoints,
  retrying,
  withRetry,
} from "../validators/clients";
import type { RateLimiter } from "../validators/clients/rate-limit";
import { withRegion, withSignal } from "../validators/clients/tencent-api";
import type { Declaration } from "./declared";
import { ResourceCoverage, diffResource } from "./differ";
import { NOT_READ, READERS } from "./readers";
import { DriftReport, scrub, summarise } from "./report";
import type { DeclaredResource, Finding, MysqlAccess, ReadContext, ReadError, ReadResult, Reader } from "./types";
import { mapLimit } from "../common/map-limit";

const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);

export const DEFAULT_DRIFT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 8;

export interface DriftOptions {
  stack: string;
  outputs: StackOutputs;
  declaration: Declaration;
  credentials: { secretId: string; secretKey: string };
  /** `--api-endpoint` / `--cos-endpoint`; the LIVE_INFRA_* variables of `env` otherwise. */
  endpoints?: EndpointOptions;
  /** LIVE_INFRA_MYSQL_URL / LIVE_INFRA_MYSQL_PASSWORD: another account for the schema than the outputs' backend one. */
  mysql?: { url?: string; password?: string };
  /** Do not connect to MySQL: no schema, no password check (both listed as skipped). */
  skipSchema?: boolean;
  /** Bound on the whole run, ms (default 30 000); what is unread by then is an error. */
  timeoutMs?: number;
  /** Reads in flight at once (default 8). */
  concurrency?: number;
  retry?: RetryPolicy;
  env?: NodeJS.ProcessEnv;
  readers?: readonly Reader[];
  /**
   * Clients shared with other runs (a fleet: drift/fleet.ts); left open. The API client's default region becomes
   * this stack's. Their endpoints replace `endpoints`. Default: the run's own clients.
   */
  clients?: { api: TencentApiClient; cos: CosClient };
  /** Paces the run's own clients per action (validators/clients/rate-limit.ts); the shared clients bring their own. */
  rateLimiter?: RateLimiter;
}

interface MysqlLogin {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  fromOutputs: boolean;
}

const ACCESS_REFUSED = new Set(["ER_ACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR", "ER_ACCESS_DENIED_NO_PASSWORD_ERROR"]);

/** Which MySQL account the run uses: LIVE_INFRA_MYSQL_URL when given, else the backend account from the outputs. */
function mysqlLogin(o: DriftOptions): MysqlLogin {
  if (o.mysql?.url) {
    const u = parseMysqlUrl(o.mysql.url, "LIVE_INFRA_MYSQL_URL");
    return {
      host: u.host,
      port: u.port,
      user: u.user,
      password: u.password ?? o.mysql.password ?? "",
      database: u.database ?? o.outputs.db_name,
      fromOutputs: false,
    };
  }
  const out = o.outputs;
  const password = out.db_password ?? o.mysql?.password;
  if (!password) {
    throw new InputError(
      "the outputs file has no db_password (deploy with --outputs-file-include-sensitive-outputs), and LIVE_INFRA_MYSQL_PASSWORD is not set: " +
        "the schema cannot be read. Set LIVE_INFRA_MYSQL_URL + LIVE_INFRA_MYSQL_PASSWORD, or pass --skip-schema.",
    );
  }
  const pub = !!out.db_public_host && !!out.db_public_port;
  return {
    host: pub ? out.db_public_host! : out.db_host,
    port: pub ? out.db_public_port! : out.db_port,
    user: out.db_user,
    password,
    database: out.db_name,
    fromOutputs: true,
  };
}


/** Rejects when `signal` aborts, whatever `p` still waits for. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  // What is still running after the abort ends unobserved: no unhandled rejection.
  p.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

class RunTimeout extends Error {
  constructor(readonly ms: number) {
    super(`not read within the run's ${ms} ms (--timeout)`);
  }
}

export async function runDrift(o: DriftOptions): Promise<DriftReport> {
  const started = Date.now();
  const env = o.env ?? process.env;
  const endpoints = resolveEndpoints(o.endpoints ?? {}, env);
  const login = o.skipSchema ? undefined : mysqlLogin(o);
  const timeoutMs = o.timeoutMs ?? DEFAULT_DRIFT_TIMEOUT_MS;
  const readers = o.readers ?? READERS;
  const requestTimeout = Math.max(1, Math.min(timeoutMs, 10_000));

  const own = { endpoints, timeoutMs: requestTimeout, rateLimiter: o.rateLimiter };
  const api = o.clients ? withRegion(o.clients.api, o.outputs.region) : new TencentApiClient({ ...o.credentials, region: o.outputs.region, ...own });
  const cos = o.clients ? o.clients.cos : new CosClient({ ...o.credentials, ...own });
  const run = new AbortController();
  const timer = setTimeout(() => run.abort(new RunTimeout(timeoutMs)), timeoutMs);
  const scope = { signal: run.signal, policy: o.retry };

  let conn: Promise<MysqlAccess> | undefined;
  let opened: Mysql.Connection | undefined;
  const shared = new Map<string, Promise<unknown>>();
  const ctx: ReadContext = {
    stack: o.stack,
    outputs: o.outputs,
    api: retrying(withSignal(api, run.signal), scope),
    cos: retrying(cos.withSignal(run.signal), scope),
    signal: run.signal,
    shared<T>(key: string, load: () => Promise<T>): Promise<T> {
      let p = shared.get(key) as Promise<T> | undefined;
      if (!p) {
        p = load();
        p.catch(() => undefined);
        shared.set(key, p);
      }
      return p;
    },
    mysql(): Promise<MysqlAccess | undefined> {
      if (!login) return Promise.resolve(undefined);
      conn ??= (async (): Promise<MysqlAccess> => {
        const account = { user: login.user, fromOutputs: login.fromOutputs };
        try {
          opened = await withRetry(
            () =>
              mysql().createConnection({
                host: login.host,
                port: login.port,
                user: login.user,
                password: login.password,
                connectTimeout: requestTimeout,
                dateStrings: true,
              }),
            scope,
          );
          return { ok: true, conn: opened, database: login.database, account };
        } catch (err) {
          const code = String((err as { code?: unknown }).code ?? "");
          if (ACCESS_REFUSED.has(code)) return { ok: false, refused: true, database: login.database, account, code };
          throw err;
        }
      })();
      conn.catch(() => undefined);
      return conn;
    },
  };

  const declaration = o.declaration;
  const addresses = declaration.addresses();
  const learned = new Map<string, unknown>();
  const done = new Map<string, { d: DeclaredResource; reader: Reader; result?: ReadResult; error?: ReadError }>();
  const notRead = new Map<string, string>();
  const pending = new Map<string, Reader>();
  for (const address of addresses) {
    const type = address.split(".")[0];
    const reader = readers.find((r) => r.type === type);
    if (!reader) {
      notRead.set(address, NOT_READ.find((n) => n.type === type)?.reason ?? "no reader for this resource type (not compared)");
      continue;
    }
    if (type === "terraform_data") {
      if (!reader.identity(declaration.resource(address))) {
        notRead.set(address, "Terraform-only resource without a cloud object");
        continue;
      }
      if (o.skipSchema) {
        notRead.set(address, "--skip-schema: the live_demo schema it migrates was not read");
        continue;
      }
    }
    pending.set(address, reader);
  }

  const errorOf = (d: DeclaredResource, reader: Reader, err: unknown): ReadError => {
    if (err instanceof RunTimeout) {
      return { address: d.address, type: d.type, name: d.name, service: reader.service, operation: null, code: "Timeout", kind: "timeout", message: new RunTimeout(timeoutMs).message };
    }
    if (err instanceof CloudError) {
      return { address: d.address, type: d.type, name: d.name, service: err.service, operation: err.operation, code: err.code, kind: err.kind, message: err.message };
    }
    const e = err as { code?: unknown; message?: unknown };
    return {
      address: d.address,
      type: d.type,
      name: d.name,
      service: reader.service,
      operation: null,
      code: typeof e?.code === "string" && e.code ? e.code : "Error",
      kind: reader.service === "mysql" ? "network" : "client",
      message: String(e?.message ?? err),
    };
  };

  const learnFrom = (address: string, result: ReadResult) => {
    if (!result.exists) return;
    if (result.id !== undefined && !learned.has(`${address}.id`)) learned.set(`${address}.id`, result.id);
    for (const ref of declaration.referencesIn(address)) {
      const v = result.attrs[ref.attribute];
      const value = ref.index === null ? v : Array.isArray(v) && v.length > ref.index ? v[ref.index] : undefined;
      if (value !== undefined && value !== null && value !== "" && !learned.has(ref.expression)) learned.set(ref.expression, value);
    }
  };

  const readOne = async (address: string, reader: Reader, viaLookup: boolean) => {
    let d = declaration.resource(address, learned);
    try {
      let id = reader.identity(d);
      if (!id && viaLookup && reader.lookup) {
        const found = await untilAborted(reader.lookup(ctx, d), run.signal);
        if (found) {
          learned.set(`${address}.id`, found);
          d = declaration.resource(address, learned);
          id = reader.identity(d) ?? found;
        }
      }
      if (!id) {
        done.set(address, { d, reader, result: { exists: false, note: { zh: "按声明的名称找不到", en: "not found by its declared name" } } });
        return;
      }
      let result: ReadResult;
      try {
        result = await untilAborted(reader.read(ctx, d, id), run.signal);
      } catch (err) {
        if (!(err instanceof CloudError) || err.kind !== "not-found") throw err;
        result = { exists: false, note: { zh: `${err.operation}: ${err.code}`, en: `${err.operation}: ${err.code}` } };
      }
      learnFrom(address, result);
      done.set(address, { d, reader, result });
    } catch (err) {
      done.set(address, { d, reader, error: errorOf(d, reader, err) });
    }
  };

  try {
    // Rounds: read what can be identified; look up by name what nothing readable can teach; repeat.
    while (pending.size && !run.signal.aborted) {
      const ready: string[] = [];
      for (const [address, reader] of pending) if (reader.identity(declaration.resource(address, learned))) ready.push(address);
      const teachers = (address: string) =>
        addresses.filter((a) => a !== address && declaration.referencesIn(a).some((r) => r.expression.startsWith(`${address}.`)));
      const lookups = [...pending]
        .filter(([address, reader]) => !ready.includes(address) && reader.lookup && !teachers(address).some((t) => ready.includes(t)))
        .map(([address]) => address);
      const batch = [...ready.map((a) => [a, false] as const), ...lookups.map((a) => [a, true] as const)];
      if (!batch.length) break;
      for (const [a] of batch) pending.delete(a);
      await mapLimit([...batch], o.concurrency ?? DEFAULT_CONCURRENCY, ([a, viaLookup]) => readOne(a, readers.find((r) => r.type === a.split(".")[0])!, viaLookup));
    }
  } finally {
    clearTimeout(timer);
  }

  // The report, in declaration order.
  const findings: Finding[] = [];
  const errors: ReadError[] = [];
  const coverage: ResourceCoverage[] = [];
  for (const address of addresses) {
    const [type] = address.split(".");
    const why = notRead.get(address);
    if (why !== undefined) {
      coverage.push({ address, type, status: "not-read", compared: [], computed: [], notComparable: [], unknown: [], skipped: [], reason: why, line: declaration.lineOf(address) });
      continue;
    }
    let r = done.get(address);
    const reader = r?.reader ?? pending.get(address)!;
    const d = r?.d ?? declaration.resource(address, learned);
    if (!r && !run.signal.aborted) {
      // Identified through a resource that is itself missing: missing too.
      const gone = Object.values(d.attrs)
        .filter((a): a is { known: false; expression: string } => !a.known)
        .map((a) => a.expression.split(".").slice(0, 2).join("."))
        .find((dep) => done.get(dep)?.result?.exists === false);
      if (gone) r = { d, reader, result: { exists: false, note: { zh: `它依赖的 ${gone} 不存在`, en: `it depends on ${gone}, which is missing` } } };
    }
    const error =
      r?.error ??
      (r
        ? undefined
        : run.signal.aborted
          ? errorOf(d, reader, new RunTimeout(timeoutMs))
          : {
              address,
              type,
              name: d.name,
              service: reader.service,
              operation: null,
              code: "NotLocated",
              kind: "client",
              message: `its id is computed (${Object.entries(d.attrs)
                .filter(([, a]) => !a.known)
                .map(([k, a]) => `${k} = \${${(a as { expression: string }).expression}}`)
                .join(", ")}) and no live read or lookup by name found it`,
            });
    if (error) {
      errors.push(error);
      coverage.push({ address, type, status: "error", compared: [], computed: [], notComparable: [], unknown: [], skipped: [], reason: `${error.code}: ${error.message}`, line: declaration.lineOf(address) });
      continue;
    }
    const diff = diffResource(o.stack, d, reader, r!.result!);
    findings.push(...diff.findings);
    coverage.push({ ...diff.coverage, line: declaration.lineOf(address) });
  }

  if (!o.clients) {
    api.close();
    cos.close();
  }
  opened?.destroy();
  // A connection still being opened when the time ran out is closed once it arrives (it would keep the process up).
  conn?.then((a) => a.ok && (a.conn as Mysql.Connection).destroy()).catch(() => undefined);

  const report: DriftReport = {
    version: 1,
    stack: o.stack,
    time: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    inSync: findings.length === 0 && errors.length === 0,
    declaredFile: declaration.file,
    findings,
    errors,
    coverage: { summary: summarise(coverage), resources: coverage },
  };
  const out = o.outputs;
  return scrub(report, {
    secrets: [o.credentials.secretKey, out.db_password, out.db_root_password, out.callback_key, out.signer_secret_key, login?.password, o.mysql?.password],
    secretIds: [o.credentials.secretId, out.signer_secret_id],
  });
}
