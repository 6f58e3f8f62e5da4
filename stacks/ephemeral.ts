/**
 * Ephemeral copies of an environment (`live-infra synth --env-from <env> [--name <name>]`, or the
 * LIVE_INFRA_EPHEMERAL_* variables in CI): the template's settings under a new name, stack `live-demo-<name>`,
 * protection `ephemeral` with a TTL, and tags a janitor can act on (`ephemeral-from`, `created-at`, `expires-at`,
 * `ci-run`, `owner`).
 *
 * Every name that must be unique is derived from the ephemeral name, so two concurrent runs never collide, and the
 * derived document is validated by the same schema as a shipped file, so every name meets the same limits:
 *
 * - environment `<name>` (1–20, no `--`, no trailing `-`); stack `live-demo-<name>`;
 * - `name_prefix` `live-demo-<name>` (≤ 30): CAM user `<prefix>-uploader`, CAM policy `<prefix>-upload-objects`,
 *   CSS templates `<prefix>-callbacks` / `<prefix>-recording`, VPC, subnet, security group, MySQL instance;
 * - bucket base: the template's base cut short, `-`, and an 8-character hash of the name, so that
 *   `<base>-<appid>.cos.<region>.myqcloud.com` stays within 60 characters in every region;
 * - live domains `<name>.<template domain>` (the name is one DNS label) and, when the template's DNSPod CNAME target
 *   follows the `<play domain>.<suffix>` pattern, `<new play domain>.<suffix>`.
 *
 * The MySQL account (`backend.db_user`) and database (`live_demo`) belong to the new instance and keep their names.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../common/errors";
import { shortHash } from "../common/hash";
import { ENV_NAME_RE, listEnvironments, loadEnvironment, maxBucketBaseLength, parseEnvironment, type EnvConfig } from "./config";

/** Default lifetime of an ephemeral copy when neither --ttl-hours nor LIVE_INFRA_EPHEMERAL_TTL_HOURS is given. */
export const DEFAULT_TTL_HOURS = 24;
export const MAX_TTL_HOURS = 720;
/** Ephemeral names: 1–20 of a-z, 0-9 and single '-', starting with a letter, not ending with '-' (one DNS label). */
export const EPHEMERAL_NAME_RE = /^(?=.{1,20}$)[a-z](?:-?[a-z0-9])*$/;
/** Length of the name hash in bucket base names. */
export const BUCKET_HASH_LENGTH = 8;
/** Owner tag values: Tencent Cloud tag values are at most 255 characters. */
const OWNER_RE = /^[^\u0000-\u001f\u007f]{1,255}$/;

export const EPHEMERAL_ENV = {
  from: "LIVE_INFRA_EPHEMERAL_FROM",
  name: "LIVE_INFRA_EPHEMERAL_NAME",
  ttlHours: "LIVE_INFRA_EPHEMERAL_TTL_HOURS",
  owner: "LIVE_INFRA_EPHEMERAL_OWNER",
} as const;

/** A GitHub Actions run: GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and GITHUB_JOB. */
export interface CiRun {
  readonly runId: string;
  readonly attempt: string;
  readonly job?: string;
}

const quote = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);

/** The GitHub Actions run from the environment, or undefined outside Actions. */
export function ciRunFromEnv(env: Readonly<Record<string, string | undefined>>): CiRun | undefined {
  const runId = env.GITHUB_RUN_ID?.trim();
  if (!runId) return undefined;
  if (!/^[1-9]\d{0,19}$/.test(runId)) throw new InputError(`GITHUB_RUN_ID must be the numeric id of the workflow run (got ${quote(runId)})`);
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim() || "1";
  if (!/^[1-9]\d{0,5}$/.test(attempt)) throw new InputError(`GITHUB_RUN_ATTEMPT must be a whole number ≥ 1 (got ${quote(attempt)})`);
  const job = env.GITHUB_JOB?.trim() || undefined;
  return { runId, attempt, ...(job ? { job } : {}) };
}

/**
 * The ephemeral name of a CI run: `ci-<run id>-<attempt>-<hash of job and template>` with the numbers in base 36
 * (`ci-7k3q0xw5-1-a3f9`). Distinct runs or attempts always give distinct names; jobs and templates of one attempt
 * differ by the 4-character hash. Run ids too large for 20 characters (≥ 36^9) use a 16-character hash instead.
 */
export function nameFromCiRun(run: CiRun, template: string): string {
  const name = `ci-${BigInt(run.runId).toString(36)}-${BigInt(run.attempt).toString(36)}-${shortHash(`${run.job ?? ""}\0${template}`, 4)}`;
  if (name.length <= 20) return name;
  return `ci-${shortHash(`${run.runId}\0${run.attempt}\0${run.job ?? ""}\0${template}`, 16)}`;
}

/** A random name for runs outside CI: `tmp-` and 8 base-36 characters. */
export function randomEphemeralName(bytes: (n: number) => Buffer = randomBytes): string {
  return `tmp-${BigInt(`0x${bytes(8).toString("hex")}`).toString(36).padStart(8, "0").slice(-8)}`;
}

/** Bucket base of an ephemeral copy: the template's base cut short, `-`, and a hash of the name, within the region's limit. */
export function ephemeralBucketBase(templateBase: string, region: string, name: string): string {
  const hash = shortHash(`bucket\0${name}`, BUCKET_HASH_LENGTH);
  const room = maxBucketBaseLength(region) - 1 - BUCKET_HASH_LENGTH;
  const head = templateBase.slice(0, Math.max(0, room)).replace(/-+$/, "");
  return head ? `${head}-${hash}` : hash;
}

/** ISO 8601 UTC without milliseconds (tag values stay short and sortable). */
function isoSeconds(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

export interface EphemeralSpec {
  /** A valid ephemeral name (EPHEMERAL_NAME_RE). */
  readonly name: string;
  readonly ttlHours: number;
  /** The `owner` tag; default: the template's. */
  readonly owner?: string;
  readonly ciRun?: CiRun;
  /** Synth time. Default: now. */
  readonly now?: Date;
}

export interface DerivedEphemeral {
  readonly config: EnvConfig;
  /** Things the caller should print (e.g. a DNSPod record left out). */
  readonly notes: string[];
}

/**
 * Derives the ephemeral copy of a validated template. The result is validated like any environment file: a value
 * that cannot be derived within the limits (a template domain so long that another label does not fit) is a
 * ConfigError naming the template file and the field.
 */
export function deriveEphemeral(template: EnvConfig, spec: EphemeralSpec): DerivedEphemeral {
  const { name } = spec;
  if (!EPHEMERAL_NAME_RE.test(name)) throw new InputError(`ephemeral name ${quote(name)} is not valid (see EPHEMERAL_NAME_RE)`);
  const notes: string[] = [];
  const created = spec.now?.getTime() ?? Date.now();
  const push = `${name}.${template.live.push_domain}`;
  const play = `${name}.${template.live.play_domain}`;
  let dnspod: Record<string, unknown> | undefined;
  if (template.dnspod) {
    const suffix = template.dnspod.cname_target.startsWith(`${template.live.play_domain}.`)
      ? template.dnspod.cname_target.slice(template.live.play_domain.length)
      : undefined;
    if (suffix) dnspod = { ...template.dnspod, cname_target: `${play}${suffix}` };
    else {
      notes.push(
        `${template.file}: dnspod.cname_target does not have the form <play domain>.<suffix>, so the copy's CNAME target ` +
          "cannot be derived; the copy has no DNSPod record",
      );
    }
  }
  const doc: Record<string, unknown> = {
    description: `Ephemeral copy of ${template.env} (${template.file})`,
    region: template.region,
    name_prefix: `live-demo-${name}`,
    bucket: { ...template.bucket, base_name: ephemeralBucketBase(template.bucket.base_name, template.region, name) },
    live: { ...template.live, push_domain: push, play_domain: play },
    backend: template.backend,
    callbacks: template.callbacks,
    recording: template.recording,
    mysql: template.mysql,
    protection: { mode: "ephemeral", ttl_hours: spec.ttlHours },
    tags: { ...template.tags, ...(spec.owner !== undefined ? { owner: spec.owner } : {}) },
    ...(dnspod ? { dnspod } : {}),
    state: template.state,
  };
  const config = parseEnvironment(JSON.parse(JSON.stringify(doc)), `${template.file} (ephemeral copy "${name}")`, name, {
    ephemeralCopy: {
      from: template.env,
      createdAt: isoSeconds(created),
      expiresAt: isoSeconds(created + spec.ttlHours * 3_600_000),
      ...(spec.ciRun ? { ciRun: `${spec.ciRun.runId}-${spec.ciRun.attempt}` } : {}),
    },
  });
  return { config, notes };
}

/** What the user asked for, with where each value came from (a flag or an environment variable) for messages. */
export interface EphemeralRequest {
  readonly from: string;
  readonly fromSource: string;
  readonly name?: string;
  readonly nameSource?: string;
  readonly ttlHours?: number;
  readonly owner?: string;
  readonly ownerSource?: string;
  readonly ciRun?: CiRun;
  readonly now?: Date;
}

export interface EphemeralFlags {
  readonly envFrom?: string;
  readonly name?: string;
  readonly ttlHours?: number;
  readonly owner?: string;
}

/**
 * The ephemeral request from the CLI flags and the environment (flags win), or undefined when neither --env-from
 * nor LIVE_INFRA_EPHEMERAL_FROM asks for one. Throws InputError naming the flag or variable on a bad value.
 */
export function ephemeralRequestFrom(flags: EphemeralFlags, env: Readonly<Record<string, string | undefined>>): EphemeralRequest | undefined {
  const fromEnv = (k: string) => {
    const v = env[k]?.trim();
    return v ? v : undefined;
  };
  const from = flags.envFrom ?? fromEnv(EPHEMERAL_ENV.from);
  if (from === undefined) {
    const stray = (["name", "ttlHours", "owner"] as const).filter((k) => flags[k] !== undefined);
    if (stray.length) {
      const names = stray.map((k) => ({ name: "--name", ttlHours: "--ttl-hours", owner: "--owner" })[k]);
      throw new InputError(`${names.join(", ")}: only for an ephemeral copy; add --env-from <env> (or set ${EPHEMERAL_ENV.from})`);
    }
    return undefined;
  }
  const fromSource = flags.envFrom !== undefined ? "--env-from" : EPHEMERAL_ENV.from;
  let ttlHours = flags.ttlHours;
  const ttlText = fromEnv(EPHEMERAL_ENV.ttlHours);
  if (ttlHours === undefined && ttlText !== undefined) {
    const n = Number(ttlText);
    if (!/^\d+$/.test(ttlText) || n < 1 || n > MAX_TTL_HOURS) {
      throw new InputError(`${EPHEMERAL_ENV.ttlHours} must be a whole number of hours from 1 to ${MAX_TTL_HOURS} (got ${quote(ttlText)})`);
    }
    ttlHours = n;
  }
  const name = flags.name ?? fromEnv(EPHEMERAL_ENV.name);
  const owner = flags.owner ?? fromEnv(EPHEMERAL_ENV.owner);
  const ciRun = ciRunFromEnv(env);
  return {
    from,
    fromSource,
    ...(name !== undefined ? { name, nameSource: flags.name !== undefined ? "--name" : EPHEMERAL_ENV.name } : {}),
    ...(ttlHours !== undefined ? { ttlHours } : {}),
    ...(owner !== undefined ? { owner, ownerSource: flags.owner !== undefined ? "--owner" : EPHEMERAL_ENV.owner } : {}),
    ...(ciRun ? { ciRun } : {}),
  };
}

/** Names that must be unique per account (prefix, bucket base, live domains) as "what value" strings. */
function identities(doc: unknown): Map<string, string> {
  const at = (...keys: string[]): string | undefined => {
    let v: unknown = doc;
    for (const k of keys) v = v && typeof v === "object" && Object.prototype.hasOwnProperty.call(v, k) ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === "string" ? v : undefined;
  };
  const out = new Map<string, string>();
  for (const [what, keys] of [
    ["name prefix", ["name_prefix"]],
    ["bucket base name", ["bucket", "base_name"]],
    ["live domain", ["live", "push_domain"]],
    ["live domain", ["live", "play_domain"]],
  ] as const) {
    const v = at(...keys);
    if (v !== undefined) out.set(`${what} ${v}`, `${what} "${v}"`);
  }
  return out;
}

/** The unique names of an environment file, read leniently (a broken file elsewhere must not block a copy). */
function identitiesOf(file: string): Map<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return new Map();
  }
  return identities(doc);
}

/**
 * Makes the ephemeral copy a request asks for, from the environment files in `dir` (named `displayDir` in messages).
 * Refuses (InputError, exit 2) a missing or invalid template, an invalid name, a name of a shipped environment, and
 * a copy whose names would equal a shipped environment's.
 */
export function makeEphemeralEnvironment(request: EphemeralRequest, dir: string, displayDir = "environments"): DerivedEphemeral {
  const { from, fromSource } = request;
  const available = listEnvironments(dir);
  if (!ENV_NAME_RE.test(from) || !available.includes(from)) {
    throw new InputError(
      `${fromSource} ${quote(from)}: no such template environment ${displayDir}/${from}.json (available: ${available.join(", ") || "none"})`,
    );
  }
  const template = loadEnvironment(path.join(dir, `${from}.json`), `${displayDir}/${from}.json`);

  let name = request.name;
  let nameSource = request.nameSource ?? "--name";
  if (name === undefined) {
    name = request.ciRun ? nameFromCiRun(request.ciRun, from) : randomEphemeralName();
    nameSource = request.ciRun ? "the name derived from GITHUB_RUN_ID" : "the random name";
  }
  if (!EPHEMERAL_NAME_RE.test(name)) {
    throw new InputError(
      `${nameSource} ${quote(name)} is not a valid ephemeral name: 1–20 lower-case letters, digits and single '-', ` +
        "starting with a letter and not ending with '-'",
    );
  }
  if (available.includes(name)) {
    throw new InputError(`${nameSource} ${quote(name)} is the name of the shipped environment ${displayDir}/${name}.json; choose another name`);
  }
  const ttlHours = request.ttlHours ?? DEFAULT_TTL_HOURS;
  if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > MAX_TTL_HOURS) {
    throw new InputError(`--ttl-hours must be a whole number of hours from 1 to ${MAX_TTL_HOURS} (got ${ttlHours})`);
  }
  if (request.owner !== undefined && !OWNER_RE.test(request.owner)) {
    throw new InputError(`${request.ownerSource ?? "--owner"} must be 1–255 characters without control characters (it becomes the owner tag)`);
  }

  const derived = deriveEphemeral(template, { name, ttlHours, owner: request.owner, ciRun: request.ciRun, now: request.now });
  const mine = identities(derived.config);
  for (const env of available) {
    const theirs = identitiesOf(path.join(dir, `${env}.json`));
    for (const [key, label] of mine) {
      if (theirs.has(key)) {
        throw new InputError(`${nameSource} ${quote(name)}: the copy's ${label} is used by ${displayDir}/${env}.json; choose another name`);
      }
    }
  }
  return derived;
}
