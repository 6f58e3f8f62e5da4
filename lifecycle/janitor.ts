/**
 * `live-infra janitor`: finds the account's ephemeral stacks by their tags (Tag API: app=live-demo, grouped by
 * `environment`), decides which have expired, and sweeps those with the teardown engine. A stack is left alone when
 * any of its resources or its environment file says protected, when a protection tag is missing, or when nothing
 * tells its age. Expiry: the `expires-at` tag; else `created-at` + `ttl-hours`; else the earliest creation time a
 * describe reports + `ttl-hours`. `--older-than` replaces the TTL: expired when created that long ago.
 */
import * as fs from "fs";
import * as path from "path";
import { parseJsonFile } from "../common/errors";
import { CosClient, EndpointOptions, RetryPolicy, TencentApiClient, resolveEndpoints, retrying } from "../validators/clients";
import { StackIdentity, stackOf } from "./identity";
import { copyIdentity, envNamesOf, fileIdentity } from "./names";
import { envFileProtection } from "./protection";
import { JanitorReport, JanitorStack, clean, scrub, summarise } from "./report";
import { Account, Discovery, SweepSetup, accountOf, discover, execute } from "./sweep";
import { listTagged } from "./tags";
import type { TaggedResource } from "./types";

export interface JanitorOptions {
  credentials: { secretId: string; secretKey: string };
  endpoints?: EndpointOptions;
  environmentsDir: string;
  dryRun: boolean;
  /** Replaces the TTL: stacks created at least this long ago (ms) are expired. */
  olderThanMs?: number;
  olderThanText?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
  retry?: RetryPolicy;
  waitMs?: number;
  pollMs?: number;
  timeoutMs?: number;
}

/** Environment names (stacks/config.ts ENV_NAME_RE): also what makes a tag value safe as a file name. */
const ENV_NAME = /^[a-z][a-z0-9-]{0,19}$/;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

function earliest(values: Array<string | undefined>): number | undefined {
  const ms = values.map((v) => (v ? Date.parse(v) : NaN)).filter((n) => Number.isFinite(n));
  return ms.length ? Math.min(...ms) : undefined;
}

/** The environment file's names, when `<dir>/<env>.json` is readable JSON. */
function envFileNames(dir: string, env: string) {
  const file = path.join(dir, `${env}.json`);
  if (!fs.existsSync(file)) return undefined;
  try {
    return { file, names: envNamesOf(parseJsonFile(fs.readFileSync(file, "utf8"), file)) };
  } catch {
    return undefined;
  }
}

type Decision = { expired: boolean; reason: string; createdAt?: string; expiresAt?: string } | { doubt: string };

/** When the stack expires, from its tags (and, when they do not tell, the creation times the discovery read). */
function decide(group: TaggedResource[], now: number, o: JanitorOptions, discovery?: Discovery): Decision | undefined {
  const tag = (k: string) => group.map((r) => r.tags[k]).filter((v): v is string => !!v);
  const created = earliest(tag("created-at"));
  const discovered = discovery ? earliest(discovery.found.map((f) => f.createdAt)) : undefined;
  const createdMs = created ?? discovered;
  const createdWhy = created !== undefined ? "created-at tag" : "earliest creation time";
  if (o.olderThanMs !== undefined) {
    if (createdMs === undefined) return discovery ? { doubt: "no created-at tag and no creation time: its age is unknown" } : undefined;
    const expired = now - createdMs >= o.olderThanMs;
    return { expired, createdAt: iso(createdMs), reason: `created ${iso(createdMs)} (${createdWhy}); --older-than ${o.olderThanText} ${expired ? "passed" : "not passed"}` };
  }
  const expires = earliest(tag("expires-at"));
  const ttls = tag("ttl-hours").map(Number).filter((n) => Number.isFinite(n) && n > 0);
  let expiresMs: number | undefined;
  let why: string;
  if (expires !== undefined) {
    expiresMs = expires;
    why = "expires-at tag";
  } else if (ttls.length && createdMs !== undefined) {
    expiresMs = createdMs + Math.min(...ttls) * 3_600_000;
    why = `${createdWhy} + ttl-hours ${Math.min(...ttls)}`;
  } else {
    if (!ttls.length) return { doubt: "no expires-at and no ttl-hours tag" };
    return discovery ? { doubt: "no created-at tag and no creation time: its age is unknown" } : undefined;
  }
  const expired = now >= expiresMs;
  return {
    expired,
    ...(createdMs !== undefined ? { createdAt: iso(createdMs) } : {}),
    expiresAt: iso(expiresMs),
    reason: `${expired ? "expired" : "expires"} ${iso(expiresMs)} (${why})`,
  };
}

export async function runJanitor(o: JanitorOptions): Promise<JanitorReport> {
  const started = Date.now();
  const now = (o.now ?? new Date()).getTime();
  const env = o.env ?? process.env;
  const endpoints = resolveEndpoints(o.endpoints ?? {}, env);
  const api = new TencentApiClient({ ...o.credentials, endpoints, timeoutMs: o.timeoutMs });
  const cos = new CosClient({ ...o.credentials, endpoints, timeoutMs: o.timeoutMs });
  const progress = o.onProgress ?? (() => undefined);
  const stacks: JanitorStack[] = [];
  try {
    const retried = retrying(api, { policy: o.retry });
    const account: Account = await accountOf(retried);
    const index = await listTagged(retried, { app: ["live-demo"] });
    const groups = new Map<string, TaggedResource[]>();
    for (const r of index) {
      const e = r.tags.environment;
      if (e && r.tags["managed-by"] === "cdktf") groups.set(e, [...(groups.get(e) ?? []), r]);
    }
    for (const envName of [...groups.keys()].sort()) {
      const group = groups.get(envName)!;
      const stack = stackOf(envName);
      const leave = (reason: string, extra: Partial<JanitorStack> = {}) => {
        stacks.push({ stack, env: envName, expired: false, reason, swept: false, resources: [], ...extra });
        progress(`${stack}: left alone — ${reason}`);
      };
      if (!ENV_NAME.test(envName)) {
        leave(`doubt: the environment tag "${envName.slice(0, 40)}" is not an environment name`);
        continue;
      }
      const protections = [...new Set(group.map((r) => r.tags.protection ?? "(none)"))].sort();
      if (protections.includes("protected")) {
        leave(`protected: ${group.filter((r) => r.tags.protection === "protected").length} resource(s) carry protection=protected`);
        continue;
      }
      if (protections.some((p) => p !== "ephemeral")) {
        leave(`doubt: protection tags ${protections.join(", ")} (every resource must say ephemeral)`);
        continue;
      }
      const envFile = envFileProtection(o.environmentsDir, envName);
      if (envFile && envFile.mode !== "ephemeral") {
        leave(envFile.problem ? `doubt: ${envFile.file} ${envFile.problem}` : `protected: ${envFile.file} sets protection.mode "${envFile.mode}"`);
        continue;
      }
      const region = group.find((r) => r.region)?.region ?? "";
      let identity: StackIdentity;
      const from = group.map((r) => r.tags["ephemeral-from"]).find((v) => !!v);
      if (from) identity = copyIdentity(envName, account.appId, region, ENV_NAME.test(from) ? envFileNames(o.environmentsDir, from) : undefined);
      else {
        const f = envFileNames(o.environmentsDir, envName);
        if (!f) {
          leave(`doubt: not an ephemeral copy (no ephemeral-from tag) and no ${path.join(o.environmentsDir, `${envName}.json`)} to check names against`);
          continue;
        }
        identity = fileIdentity(envName, f.names, f.file, account.appId, region);
      }
      if (!identity.region) {
        leave("doubt: no resource tells the stack's region");
        continue;
      }
      const setup: SweepSetup = { identity, api, cos, account: async () => account, retry: o.retry, waitMs: o.waitMs, pollMs: o.pollMs };
      try {
        let decision = decide(group, now, o);
        let discovery: Discovery | undefined;
        if (!decision || ("expired" in decision && decision.expired)) {
          discovery = await discover(setup);
          decision = decide(group, now, o, discovery);
        }
        if (!decision || "doubt" in decision) {
          leave(`doubt: ${decision && "doubt" in decision ? decision.doubt : "age unknown"}`);
          continue;
        }
        if (!decision.expired || !discovery) {
          leave(decision.reason, { createdAt: decision.createdAt, expiresAt: decision.expiresAt });
          continue;
        }
        if (discovery.protectedBy.length) {
          leave(`protected: ${discovery.protectedBy.map((f) => `${f.type} ${f.id}`).join(", ")} carry protection=protected`);
          continue;
        }
        progress(`${stack}: ${decision.reason}: ${o.dryRun ? "planning" : "sweeping"}`);
        const resources = await execute(setup, discovery, { dryRun: o.dryRun, onProgress: (l) => progress(`${stack}: ${l}`) });
        stacks.push({ stack, env: envName, expired: true, reason: decision.reason, createdAt: decision.createdAt, expiresAt: decision.expiresAt, swept: true, resources });
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        const error = { code: typeof e?.code === "string" && e.code ? e.code : "Error", message: String(e?.message ?? err) };
        stacks.push({ stack, env: envName, expired: false, reason: "could not be read or swept", swept: false, resources: [], error });
        progress(`${stack}: error ${error.code}: ${error.message}`);
      }
    }
  } finally {
    api.close();
    cos.close();
  }
  const summary = summarise(stacks.flatMap((s) => s.resources));
  const report: JanitorReport = {
    version: 1,
    command: "janitor",
    time: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    dryRun: o.dryRun,
    ...(o.olderThanText ? { olderThan: o.olderThanText } : {}),
    stacks,
    summary,
    ok: clean(summary) && stacks.every((s) => !s.error),
  };
  return scrub(report, [o.credentials.secretKey], [o.credentials.secretId]);
}
