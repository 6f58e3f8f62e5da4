/**
 * Environment files (`environments/<env>.json`) → typed, validated config.
 *
 * Every bad value becomes one line `environments/<env>.json: field "<path>": must be … (got …)`; all lines of a file
 * are thrown together as a ConfigError (an InputError: the CLI exits 2 and prints no stack). Unknown keys are errors
 * (typos must not be ignored). Field reference with defaults: README ("Environments").
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { InputError, parseJsonFile } from "../common/errors";
import { redactUrl } from "../common/mask";
import { REGIONS, type Region } from "./regions";

export class ConfigError extends InputError {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Naming rules (numbers from the references; the README lists where each comes from)

/** Env names become stack names `live-demo-<env>` and tag values. */
export const ENV_NAME_RE = /^[a-z][a-z0-9-]{0,19}$/;

/** The provider's ValidateCosBucketName pattern for the full name `<base>-<appid>`. */
export const PROVIDER_BUCKET_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[0-9]{10}$/;
const BUCKET_BASE_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const APPID_SUFFIX_LEN = "-1250000000".length; // "-" + 10-digit APPID
/** Provider: the full bucket name is 1–60 characters. */
const PROVIDER_BUCKET_MAX = 60;
/** COS: the virtual host `<base>-<appid>.cos.<region>.myqcloud.com` is at most 60 characters. */
const COS_HOST_MAX = 60;

/** Longest bucket base name allowed in a region: the stricter of the provider's and COS's rules. */
export function maxBucketBaseLength(region: string): number {
  const provider = PROVIDER_BUCKET_MAX - APPID_SUFFIX_LEN;
  const cos = COS_HOST_MAX - APPID_SUFFIX_LEN - ".cos.".length - region.length - ".myqcloud.com".length;
  return Math.min(provider, cos);
}

const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
/** Lower-case fully qualified domain name: ≥ 2 labels, alphabetic TLD, no trailing dot, ≤ 253 characters. */
const FQDN_RE = new RegExp(`^(${LABEL}\\.)+[a-z]{2,63}$`);
export function isFqdn(value: string): boolean {
  return value.length <= 253 && FQDN_RE.test(value);
}

/** CIDR helpers (IPv4). */
export function parseCidr(value: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((ip & mask) >>> 0 !== ip) return undefined; // host bits set: not a network address
  return { base: ip, prefix };
}
function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a.prefix < b.prefix) return false;
  const mask = b.prefix === 0 ? 0 : (0xffffffff << (32 - b.prefix)) >>> 0;
  return (a.base & mask) >>> 0 === b.base;
}
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** MySQL sizes. Memory (MB) and volume (GB) bounds follow the documented DescribeCdbZoneConfig sell configuration
 *  (memory 1000–32000 MB in the examples; VolumeMin 25, VolumeMax 3000, VolumeStep 5 GB). */
export const MYSQL_LIMITS = {
  memoryMin: 1000,
  memoryMax: 32000,
  memoryStep: 1000,
  volumeMin: 25,
  volumeMax: 3000,
  volumeStep: 5,
} as const;
/** Engine versions the provider accepts (MYSQL_SUPPORTS_ENGINE at v1.83.25). */
export const MYSQL_ENGINE_VERSIONS = ["5.5", "5.6", "5.7", "8.0", "8.4"] as const;
export const RECORD_FORMATS = ["hls", "mp4", "flv", "aac", "mp3"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** Tag keys every taggable resource carries (set by the stack, not by environment files). */
export const STANDARD_TAG_KEYS = ["app", "environment", "managed-by", "protection"] as const;
/** Tags an ephemeral copy (`synth --env-from`) adds for the janitor: template, creation and expiry times (ISO 8601). */
export const EPHEMERAL_COPY_TAG_KEYS = ["ephemeral-from", "created-at", "expires-at"] as const;
/** Every tag key the stack sets itself; environment files cannot set these. */
export const STACK_TAG_KEYS: readonly string[] = [...STANDARD_TAG_KEYS, "ttl-hours", ...EPHEMERAL_COPY_TAG_KEYS, "ci-run"];
/**
 * Keys no environment file may use anywhere: the names of Object.prototype's members (`__proto__`, `constructor`,
 * `toString`, …) and `prototype`. They are never meaningful here, and as object keys they are how prototype
 * pollution and confusing lookups start.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);
/** Environment files are at most a few levels deep; anything deeper is refused before validation walks it. */
const MAX_DEPTH = 16;
/** Tencent Cloud reserves tag keys starting with these prefixes. */
const RESERVED_TAG_PREFIXES = ["qcloud", "tencent", "project"];

// ---------------------------------------------------------------------------------------------------------------
// Schema

const httpUrl = (what: string) =>
  z.string({ error: `must be an http:// or https:// URL (${what})` }).refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password && !u.hash && !u.search;
      } catch {
        return false;
      }
    },
    { error: `must be an http:// or https:// URL without credentials, ?query or #fragment (${what})` },
  );

const fqdn = (what: string) => {
  const error = `must be a lower-case fully qualified domain name such as ${what} (no scheme, port, path or trailing dot)`;
  return z.string({ error }).max(253, { error }).regex(FQDN_RE, { error });
};

const cidr = (what: string) =>
  z.string({ error: `must be an IPv4 CIDR such as ${what}` }).refine((v) => parseCidr(v) !== undefined, {
    error: `must be an IPv4 network in CIDR form such as ${what} (host bits zero)`,
  });

const int = (min: number, max: number, unit: string, step = 1) => {
  const error = `must be a whole number of ${unit} from ${min} to ${max}` + (step > 1 ? `, a multiple of ${step}` : "");
  const n = z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
  return step > 1 ? n.multipleOf(step, { error }) : n;
};

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });

const region = oneOf(REGIONS as unknown as readonly [Region, ...Region[]]);

const corsOrigin = z
  .string({ error: 'must be "*" or an origin such as https://app.example.com' })
  .regex(/^(\*|https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?)$/, {
    error: 'must be "*" or an origin scheme://host[:port] such as https://app.example.com (no path, lower case)',
  });

const tagKey = z
  .string()
  .refine((k) => /^[A-Za-z0-9 +\-=._:/@]{1,127}$/.test(k), {
    error: "tag keys must be 1–127 characters of letters, digits, space and + - = . _ : / @",
  })
  .refine((k) => !RESERVED_TAG_PREFIXES.some((p) => k.toLowerCase().startsWith(p)), {
    error: `tag keys must not start with ${RESERVED_TAG_PREFIXES.join(", ")} (reserved by Tencent Cloud)`,
  })
  .refine((k) => !STACK_TAG_KEYS.includes(k), {
    error: `tag keys ${STACK_TAG_KEYS.join(", ")} are set by the stack`,
  });

const protection = z.discriminatedUnion(
  "mode",
  [
    z.strictObject({ mode: z.literal("protected") }),
    z.strictObject({
      mode: z.literal("ephemeral"),
      ttl_hours: int(1, 720, "hours"),
    }),
  ],
  { error: 'must be {"mode": "protected"} or {"mode": "ephemeral", "ttl_hours": 1–720}' },
);

const state = z.discriminatedUnion(
  "backend",
  [
    z.strictObject({ backend: z.literal("local") }),
    z.strictObject({
      backend: z.literal("cos"),
      bucket: z
        .string({ error: "must be an existing COS bucket name <name>-<appid>" })
        .max(PROVIDER_BUCKET_MAX, { error: `must be at most ${PROVIDER_BUCKET_MAX} characters` })
        .regex(PROVIDER_BUCKET_RE, {
          error: "must be an existing COS bucket's full name <name>-<10-digit appid>, e.g. tfstate-1250000000",
        }),
      prefix: z
        .string({ error: "must be an object key prefix" })
        .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
          error: "must be an object key prefix of letters, digits, . _ - separated by / (no leading or trailing /)",
        })
        .default("live-demo"),
      region,
    }),
  ],
  { error: 'must be {"backend": "local"} or {"backend": "cos", "bucket": …, "region": …}' },
);

export const EnvFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    region,
    name_prefix: z
      .string({ error: "must be a name prefix such as live-demo-dev" })
      .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, {
        error: "must be 3–32 characters: lower-case letters, digits and '-', starting with a letter",
      }),
    bucket: z.strictObject({
      base_name: z
        .string({ error: "must be a bucket base name such as livedemo-dev-up" })
        .max(PROVIDER_BUCKET_MAX - APPID_SUFFIX_LEN, {
          error: `must be at most ${PROVIDER_BUCKET_MAX - APPID_SUFFIX_LEN} characters (shorter in most regions, see README)`,
        }),
      cors_origins: z.array(corsOrigin, { error: "must be a list of origins" }).min(1, { error: "must list at least one origin" }),
    }),
    live: z.strictObject({
      push_domain: fqdn("push.live.example.com"),
      play_domain: fqdn("play.live.example.com"),
      app_name: z
        .string({ error: "must be 1–64 letters, digits, _ or -" })
        .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be 1–64 letters, digits, _ or -" })
        .default("live"),
      play_type: z
        .union([z.literal(1), z.literal(2), z.literal(3)], {
          error: "must be 1 (mainland China), 2 (global) or 3 (outside mainland China)",
        })
        .default(1),
    }),
    backend: z.strictObject({
      base_url: httpUrl("the backend's public base URL, e.g. http://203.0.113.10"),
      db_cidrs: z
        .array(cidr("203.0.113.10/32"), { error: "must be a list of CIDRs" })
        .min(1, { error: "must list at least one CIDR (the backend's addresses)" }),
      db_user: z
        .string()
        .refine((v) => /^[a-z][a-z0-9_]{0,31}$/.test(v) && !["root", "mysql", "tencentroot"].includes(v), {
          error: "must be 1–32 lower-case letters, digits or _, starting with a letter, not root/mysql/tencentroot",
        })
        .default("live_user"),
    }),
    callbacks: z
      .strictObject({
        stream_begin_url: httpUrl("stream begin callback").optional(),
        stream_end_url: httpUrl("stream end callback").optional(),
        key_variable: z
          .string({ error: "must be a Terraform variable name" })
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
            error: "must be a Terraform variable name (letters, digits, _), supplied at deploy time as TF_VAR_<name>",
          })
          .optional(),
      })
      .default({}),
    recording: z.strictObject({
      formats: z
        .array(oneOf(RECORD_FORMATS), { error: `must be a list of ${RECORD_FORMATS.join(", ")}` })
        .min(1, { error: "must name at least one format (no recording means no record callback and no replay list)" })
        .refine((a) => new Set(a).size === a.length, { error: "must not repeat a format" }),
      storage_days: int(0, 1080, "days").default(0),
    }),
    mysql: z.strictObject({
      engine_version: oneOf(MYSQL_ENGINE_VERSIONS).default("8.0"),
      memory_mb: int(MYSQL_LIMITS.memoryMin, MYSQL_LIMITS.memoryMax, "MB", MYSQL_LIMITS.memoryStep),
      volume_gb: int(MYSQL_LIMITS.volumeMin, MYSQL_LIMITS.volumeMax, "GB", MYSQL_LIMITS.volumeStep),
      availability_zone: z
        .string({ error: "must be an availability zone such as ap-guangzhou-3" })
        .regex(/^[a-z]+-[a-z-]+-\d+$/, { error: "must be an availability zone such as ap-guangzhou-3" }),
      vpc_cidr: cidr("10.20.0.0/16"),
      subnet_cidr: cidr("10.20.1.0/24"),
      public_access: z.boolean({ error: "must be true or false" }).default(false),
      port: int(1024, 65535, "port").default(3306),
    }),
    protection,
    tags: z
      .record(tagKey, z.string({ error: "tag values must be strings" }).max(255, { error: "tag values must be at most 255 characters" }), {
        error: 'must be an object of tag key → value, e.g. {"owner": "team"}',
      })
      .default({}),
    dnspod: z
      .strictObject({
        zone: fqdn("example.com"),
        cname_target: fqdn("play.live.example.com.livecdn.com"),
        record_line: z.string({ error: "must be a DNSPod line name such as 默认" }).min(1, { error: "must be a DNSPod line name such as 默认" }).default("默认"),
        ttl: int(1, 604800, "seconds").default(600),
      })
      .optional(),
    state: state.default({ backend: "local" }),
  })
  .superRefine(
    (c, ctx) => {
      // Runs even when other fields are wrong (so one run lists every problem); each rule only looks at fields that
      // passed their own checks, so no field is reported twice.
      const add = (p: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: p, message });
      const bad = new Set(ctx.issues.map((i) => (i.path ?? []).map(String).join(".")));
      const ok = (...paths: string[]) =>
        paths.every((p) => {
          for (const b of bad) if (b === p || b.startsWith(`${p}.`) || p.startsWith(`${b}.`) || b === "") return false;
          return valueAt(c, p.split(".")) !== undefined;
        });
      // A document that is not an object at all has already failed; there is nothing to cross-check.
      if (!c || typeof c !== "object" || Array.isArray(c)) return;
      const region = c.region;
      if (ok("region", "bucket.base_name")) {
        const max = maxBucketBaseLength(region);
        if (!BUCKET_BASE_RE.test(c.bucket.base_name) || c.bucket.base_name.length > max) {
          add(
            ["bucket", "base_name"],
            `must be 1–${max} characters of lower-case letters, digits and '-' (not first or last) in ${region}: ` +
              `<base>-<appid> must match the provider's ${PROVIDER_BUCKET_RE.source} and ` +
              `<base>-<appid>.cos.${region}.myqcloud.com may be at most ${COS_HOST_MAX} characters`,
          );
        }
      }
      if (ok("live.push_domain", "live.play_domain") && c.live.push_domain === c.live.play_domain) {
        add(["live", "play_domain"], "must differ from live.push_domain (a domain is either a push or a play domain)");
      }
      if (ok("region", "mysql.availability_zone") && !c.mysql.availability_zone.startsWith(`${region}-`)) {
        add(["mysql", "availability_zone"], `must be a zone of ${region}, such as ${region}-3`);
      }
      if (ok("mysql.vpc_cidr")) {
        const vpc = parseCidr(c.mysql.vpc_cidr);
        if (vpc && (vpc.prefix < 12 || vpc.prefix > 28 || !PRIVATE_RANGES.some((r) => cidrWithin(c.mysql.vpc_cidr, r)))) {
          add(["mysql", "vpc_cidr"], `must be a /12–/28 network inside ${PRIVATE_RANGES.join(", ")}`);
        } else if (ok("mysql.subnet_cidr") && !cidrWithin(c.mysql.subnet_cidr, c.mysql.vpc_cidr)) {
          add(["mysql", "subnet_cidr"], `must lie inside mysql.vpc_cidr ${c.mysql.vpc_cidr}`);
        } else if (ok("mysql.subnet_cidr") && (parseCidr(c.mysql.subnet_cidr)?.prefix ?? 0) > 28) {
          add(["mysql", "subnet_cidr"], "must be a /28 or larger network");
        }
      }
      if (ok("mysql.engine_version", "backend.db_user") && ["5.5", "5.6"].includes(c.mysql.engine_version) && c.backend.db_user.length > 16) {
        add(["backend", "db_user"], `must be at most 16 characters with mysql.engine_version ${c.mysql.engine_version} (32 from MySQL 5.7)`);
      }
      if (ok("dnspod.zone", "live.play_domain") && !c.live.play_domain.endsWith(`.${c.dnspod!.zone}`)) {
        add(["dnspod", "zone"], `must be a parent zone of live.play_domain ${c.live.play_domain} (the record is a CNAME below the zone apex)`);
      }
      if (ok("dnspod.cname_target", "live.play_domain") && c.dnspod!.cname_target === c.live.play_domain) {
        add(["dnspod", "cname_target"], "must differ from live.play_domain (the CNAME would point at itself)");
      }
    },
    { when: () => true },
  );

export type EnvFile = z.output<typeof EnvFileSchema>;

/** The typed config of one environment. */
export interface EnvConfig extends EnvFile {
  /** Environment name, from the file name (`environments/<env>.json`). */
  readonly env: string;
  /** The file it came from, as given (used in messages). */
  readonly file: string;
  /** Stack name `live-demo-<env>`. */
  readonly stackName: string;
  /** `<backend.base_url>/callback/tape_callback.php`. */
  readonly callbackUrl: string;
  /** Tags every taggable resource carries: standard keys plus the file's `tags`. */
  readonly standardTags: Record<string, string>;
  /** Tag keys the tags policy rule requires on every taggable resource of this stack. */
  readonly requiredTagKeys: readonly string[];
  /** Set when the config is an ephemeral copy made by `synth --env-from`. */
  readonly ephemeralCopy?: EphemeralCopyInfo;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

type AnySchema = z.ZodType;

/** Follows a path through the schema (and the input, for discriminated unions) to the object at that path. */
function objectKeysAt(schema: AnySchema, input: unknown, p: PropertyKey[]): string[] | undefined {
  let s: AnySchema | undefined = schema;
  let v: unknown = input;
  const unwrap = (x: AnySchema): AnySchema => {
    let cur: any = x;
    for (let i = 0; i < 10 && cur; i++) {
      const def = cur._zod?.def;
      if (!def) break;
      if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") cur = def.innerType;
      else if (def.type === "pipe") cur = def.in;
      else if (def.type === "union" && def.discriminator && v && typeof v === "object") {
        const tag = ownValue(v, def.discriminator);
        cur = def.options.find((o: any) => o._zod.def.shape?.[def.discriminator]?._zod.def.values?.includes(tag)) ?? def.options[0];
      } else break;
    }
    return cur;
  };
  for (const key of [...p, null]) {
    if (!s) return undefined;
    s = unwrap(s);
    const def: any = (s as any)._zod.def;
    if (key === null) return def.type === "object" ? Object.keys(def.shape) : undefined;
    if (def.type === "object") s = ownValue(def.shape, key) as AnySchema | undefined;
    else if (def.type === "array") s = def.element;
    else if (def.type === "record") s = def.valueType;
    else return undefined;
    v = ownValue(v, key);
  }
  return undefined;
}

/** `obj[key]` for own properties only: an inherited member (`constructor`, `toString`) is never a value of the file. */
function ownValue(obj: unknown, key: PropertyKey): unknown {
  return obj && typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key)
    ? (obj as Record<PropertyKey, unknown>)[key]
    : undefined;
}

function valueAt(input: unknown, p: PropertyKey[]): unknown {
  let v = input;
  for (const k of p) v = ownValue(v, k);
  return v;
}

function showValue(v: unknown): string {
  // A URL-shaped value may carry credentials or a signed query: show it without them.
  if (typeof v === "string" && v.includes("://")) v = redactUrl(v).replace(/[?#].*$/, "");
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = Array.isArray(v) ? "[…]" : "{…}"; // too deep to print
  }
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function fieldName(p: PropertyKey[]): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("");
}

/** Turns zod issues into `file: field "path": message (got value)` lines. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const p = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      const allowed = objectKeysAt(EnvFileSchema, input, p)?.filter((k) => k !== "$schema");
      for (const key of issue.keys) {
        lines.push(
          `${file}: field "${fieldName([...p, key])}": unknown field` +
            (allowed ? ` (allowed here: ${allowed.join(", ")})` : ""),
        );
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record key (tags) failed its own rules: say which, and show the key rather than its value.
      const reasons = [...new Set(issue.issues.map((i) => i.message))].join("; ");
      lines.push(`${file}: field "${fieldName(p)}": bad key: ${reasons} (got ${showValue(p[p.length - 1])})`);
      continue;
    }
    const got = valueAt(input, p);
    const name = p.length ? fieldName(p) : "(top level)";
    let message = issue.message;
    // Sections (objects) get the list of their fields instead of zod's "expected object" text.
    const keys = message.startsWith("Invalid input: expected object") ? objectKeysAt(EnvFileSchema, input, p) : undefined;
    if (keys) message = `must be an object with the fields ${keys.join(", ")} (see README, Environments)`;
    else if (message.startsWith("Invalid input")) message = `has the wrong type or value (${message})`;
    if (got === undefined) {
      lines.push(`${file}: field "${name}": is required and ${message}`);
    } else {
      lines.push(`${file}: field "${name}": ${message} (got ${showValue(got)})`);
    }
  }
  return [...new Set(lines)];
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

/**
 * Keys that must never appear in an environment document (FORBIDDEN_KEYS) and nesting deeper than MAX_DEPTH, as
 * problem lines naming the field. Walks iteratively: the document may be arbitrarily deep.
 */
function structuralProblems(doc: unknown, file: string): string[] {
  const problems: string[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: doc, path: [] }];
  while (stack.length && problems.length < 20) {
    const { value, path: p } = stack.pop()!;
    if (!value || typeof value !== "object") continue;
    if (p.length >= MAX_DEPTH) {
      problems.push(`${file}: field "${fieldName(p)}": is nested too deeply (more than ${MAX_DEPTH} levels; see README, Environments)`);
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...p, i] });
      continue;
    }
    const keys = Object.keys(value);
    for (const k of keys) {
      if (FORBIDDEN_KEYS.has(k)) {
        problems.push(`${file}: field "${fieldName([...p, k])}": "${k}" is not allowed as a key (a JavaScript built-in name; see README, Environments)`);
      }
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      if (!FORBIDDEN_KEYS.has(keys[i])) stack.push({ value: (value as Record<string, unknown>)[keys[i]], path: [...p, keys[i]] });
    }
  }
  return problems;
}

/** What an ephemeral copy (`synth --env-from`) records about itself; see stacks/ephemeral.ts. */
export interface EphemeralCopyInfo {
  /** The template environment it was copied from. */
  readonly from: string;
  /** Synth time and synth time + ttl_hours, ISO 8601 UTC without milliseconds. */
  readonly createdAt: string;
  readonly expiresAt: string;
  /** `<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>` when synthesized in GitHub Actions. */
  readonly ciRun?: string;
}

export interface ParseOptions {
  /** Marks the config as an ephemeral copy: adds its tags and makes the tags policy rule require them. */
  readonly ephemeralCopy?: EphemeralCopyInfo;
}

/** Parses and validates one environment document; `file` names it in messages and gives the env name. */
export function parseEnvironment(doc: unknown, file: string, env = path.basename(file, ".json"), options: ParseOptions = {}): EnvConfig {
  if (!ENV_NAME_RE.test(env)) {
    throw new ConfigError([
      `${file}: the environment name "${env}" (from the file name) must be 1–20 lower-case letters, digits or '-', starting with a letter`,
    ]);
  }
  const structural = structuralProblems(doc, file);
  if (structural.length) throw new ConfigError(structural);
  const result = EnvFileSchema.safeParse(doc);
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues, doc));
  const c = result.data;
  const standardTags: Record<string, string> = {
    ...c.tags,
    app: "live-demo",
    environment: env,
    "managed-by": "cdktf",
    protection: c.protection.mode,
  };
  const requiredTagKeys: string[] = [...STANDARD_TAG_KEYS];
  if (c.protection.mode === "ephemeral") {
    standardTags["ttl-hours"] = String(c.protection.ttl_hours);
    requiredTagKeys.push("ttl-hours");
  }
  const copy = options.ephemeralCopy;
  if (copy) {
    if (c.protection.mode !== "ephemeral") throw new ConfigError([`${file}: an ephemeral copy must have protection.mode "ephemeral"`]);
    standardTags["ephemeral-from"] = copy.from;
    standardTags["created-at"] = copy.createdAt;
    standardTags["expires-at"] = copy.expiresAt;
    if (copy.ciRun) standardTags["ci-run"] = copy.ciRun;
    requiredTagKeys.push(...EPHEMERAL_COPY_TAG_KEYS);
  }
  return {
    ...c,
    env,
    file,
    stackName: `live-demo-${env}`,
    callbackUrl: `${c.backend.base_url.replace(/\/+$/, "")}/callback/tape_callback.php`,
    standardTags,
    requiredTagKeys,
    ...(copy ? { ephemeralCopy: copy } : {}),
  };
}

/** Reads and validates `file` (an environment JSON file). */
export function loadEnvironment(file: string, displayName = file): EnvConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([`${displayName}: cannot read the environment file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  // A UTF-8 byte order mark (some Windows editors write one) is not part of the JSON text.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseEnvironment(parseJsonFile(text, displayName), displayName);
}

/** Environment names found in `dir` (every `<env>.json` except `schema.json`), sorted. */
export function listEnvironments(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new InputError(`${dir}: no environments folder (expected environments/<env>.json files)`);
  }
  return names
    .filter((n) => n.endsWith(".json") && n !== "schema.json")
    .map((n) => n.slice(0, -".json".length))
    .sort();
}

/**
 * Loads the named environments (all of them when `names` is empty) from `dir`. Problems of every file are collected
 * and thrown together as one ConfigError. `displayDir` is how the folder is named in messages.
 */
export function loadEnvironments(dir: string, names: readonly string[] = [], displayDir = "environments"): EnvConfig[] {
  const available = listEnvironments(dir);
  const wanted = names.length ? [...new Set(names)] : available; // `--env dev --env dev` is one stack
  if (!wanted.length) throw new InputError(`${displayDir}: no environment files (<env>.json) found`);
  const problems: string[] = [];
  const configs: EnvConfig[] = [];
  for (const name of wanted) {
    if (!available.includes(name)) {
      problems.push(`${displayDir}/${name}.json: no such environment (available: ${available.join(", ") || "none"})`);
      continue;
    }
    try {
      configs.push(loadEnvironment(path.join(dir, `${name}.json`), `${displayDir}/${name}.json`));
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else if (err instanceof InputError) problems.push(err.message);
      else throw err;
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return configs;
}
