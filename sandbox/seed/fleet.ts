/**
 * Copies of one synthesized stack that can live side by side in one account, for fleet benches and tests: N
 * environments without synthesizing N times.
 *
 * A copy renames only what one account (or the world) holds once, by adding `-<suffix>`:
 *   - `tencentcloud_cos_bucket.bucket`: the suffix goes before the `-<appid>` part (`base-${…app_id}` → `base-f01-${…}`);
 *   - `tencentcloud_css_domain.domain_name`: after the first label (`push.dev.example.com` → `push-f01.dev.example.com`);
 *     a `tencentcloud_dnspod_record` whose `sub_domain`.`domain` is such a domain follows it (and its `value`, when
 *     it starts with the old domain name, e.g. the CNAME target `<domain>.livecdn.com`);
 *   - `tencentcloud_cam_user.name` and `tencentcloud_cam_policy.name`.
 * Any other string exactly equal to a renamed value (a literal reference, e.g. an attachment naming the domain
 * outright) is renamed too. Everything else stays: template, VPC, subnet, security group and instance names (not
 * unique in an account), CIDRs, tags, the callback URL, and the database names and accounts (each CDB instance is
 * its own server in the cloud; in the sandbox every instance stands for the one --mysql-url server, so seed a fleet
 * of copies without mysqlAccounts, or the seeder refuses the shared account name).
 */
import { InputError } from "../../common/errors";
import type { Obj } from "./values";

/** Lower-case letters, digits and inner hyphens, 1–20 characters: valid in a bucket name and a domain label. */
export const FLEET_SUFFIX_RE = /^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$/;

const blocksOf = (doc: Obj, type: string): Obj[] => Object.values(((doc.resource as Obj | undefined)?.[type] ?? {}) as Record<string, Obj>);

function bucketName(name: string, suffix: string): string {
  const m = /^(.*?)(-\$\{[^}]*app_id\}|-\d{10})$/.exec(name);
  return m ? `${m[1]}-${suffix}${m[2]}` : `${name}-${suffix}`;
}

function domainName(name: string, suffix: string): string {
  const i = name.indexOf(".");
  const label = `${i < 0 ? name : name.slice(0, i)}-${suffix}`;
  if (label.length > 63) throw new InputError(`cloneStackForFleet: the domain label "${label}" is longer than 63 characters; use a shorter suffix`);
  return i < 0 ? label : label + name.slice(i);
}

/** Replaces every string exactly equal to a key of `renames`, anywhere in `v`. */
function renameStrings(v: unknown, renames: Map<string, string>): unknown {
  if (typeof v === "string") return renames.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => renameStrings(x, renames));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, renameStrings(x, renames)]));
  return v;
}

/**
 * A copy of a synthesized stack document (`cdk.tf.json` parsed) whose account-unique names carry `-<suffix>` (see
 * the module comment for exactly what changes). The input is not modified. Throws an InputError for a suffix that
 * is not 1–20 lower-case letters, digits or inner hyphens.
 */
export function cloneStackForFleet<T extends object>(tfJson: T, suffix: string): T {
  if (!FLEET_SUFFIX_RE.test(suffix)) {
    throw new InputError(`cloneStackForFleet: suffix "${suffix}" must be 1-20 lower-case letters, digits or inner hyphens (it goes into bucket and domain names)`);
  }
  const doc = tfJson as Obj;
  const renames = new Map<string, string>();
  const add = (from: unknown, to: (s: string) => string) => {
    if (typeof from === "string" && from && !renames.has(from)) renames.set(from, to(from));
  };
  for (const b of blocksOf(doc, "tencentcloud_cos_bucket")) add(b.bucket, (s) => bucketName(s, suffix));
  const domains = new Map<string, string>();
  for (const d of blocksOf(doc, "tencentcloud_css_domain")) {
    if (typeof d.domain_name !== "string") continue;
    add(d.domain_name, (s) => domainName(s, suffix));
    domains.set(d.domain_name, renames.get(d.domain_name)!);
  }
  for (const u of blocksOf(doc, "tencentcloud_cam_user")) add(u.name, (s) => `${s}-${suffix}`);
  for (const p of blocksOf(doc, "tencentcloud_cam_policy")) add(p.name, (s) => `${s}-${suffix}`);

  const copy = renameStrings(doc, renames) as Obj;
  // DNSPod records of a renamed domain follow it.
  for (const r of blocksOf(copy, "tencentcloud_dnspod_record")) {
    if (typeof r.sub_domain !== "string" || typeof r.domain !== "string") continue;
    const old = `${r.sub_domain}.${r.domain}`;
    const now = domains.get(old);
    if (!now || !now.endsWith(`.${r.domain}`)) continue;
    r.sub_domain = now.slice(0, -(r.domain.length + 1));
    if (typeof r.value === "string" && r.value.startsWith(`${old}.`)) r.value = now + r.value.slice(old.length);
  }
  return copy as T;
}

export interface FleetStack {
  /** `<stack>-<suffix>`. */
  stack: string;
  suffix: string;
  tfJson: object;
}

/**
 * `count` copies of one synthesized stack, suffixes `f01`, `f02`, … (zero-padded to the width of `count`), stack
 * names `<stack>-<suffix>`: ready for `seedStacks({ stacks: fleet.map((f) => ({ ...f, outDir })) })`.
 */
export function fleetStacks(tfJson: object, stack: string, count: number): FleetStack[] {
  if (!Number.isInteger(count) || count < 1) throw new InputError(`fleetStacks: count must be a positive integer (got ${count})`);
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => {
    const suffix = `f${String(i + 1).padStart(width, "0")}`;
    return { stack: `${stack}-${suffix}`, suffix, tfJson: cloneStackForFleet(tfJson, suffix) };
  });
}
