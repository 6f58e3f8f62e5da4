/**
 * The janitor has no cdk.tf.json: it knows a stack by its tags. These are the names such a stack gives its resources,
 * derived the way the stacks derive them, so that a tagged resource also needs the right name to be swept:
 *
 * - an ephemeral copy (`ephemeral-from` tag): name prefix `live-demo-<env>`; bucket `<base>-<hash of env>-<appid>`;
 *   live domains `<env>.<template domain>` (stacks/ephemeral.ts);
 * - any other environment: its environments/<env>.json (`name_prefix`, `bucket.base_name`, `live.*_domain`).
 *
 * Construct suffixes (`-uploader`, `-upload-objects`, `-callbacks`, `-recording`, `-vpc`, `-db`, `-mysql`) are the
 * constructs' (stacks/*.ts); test/lifecycle pins both against a synthesized copy.
 */
import { shortHash } from "../common/hash";
import { NameRule, StackIdentity, exactRule, ownerTags, stackOf } from "./identity";
import type { ResourceType } from "./types";

/** Suffixes the constructs append to the name prefix. */
export const NAME_SUFFIXES: ReadonlyArray<[ResourceType, string]> = [
  ["tencentcloud_cam_user", "-uploader"],
  ["tencentcloud_cam_policy", "-upload-objects"],
  ["tencentcloud_css_callback_template", "-callbacks"],
  ["tencentcloud_css_record_template", "-recording"],
  ["tencentcloud_mysql_instance", "-mysql"],
  ["tencentcloud_vpc", "-vpc"],
  ["tencentcloud_subnet", "-db"],
  ["tencentcloud_security_group", "-mysql"],
];

/** Length of the name hash in an ephemeral copy's bucket base (stacks/ephemeral.ts BUCKET_HASH_LENGTH). */
const BUCKET_HASH_LENGTH = 8;

/** The hash an ephemeral copy named `env` ends its bucket base with. */
export function copyBucketHash(env: string): string {
  return shortHash(`bucket\0${env}`, BUCKET_HASH_LENGTH);
}

function prefixRules(prefix: string, source: string, region: string): NameRule[] {
  return NAME_SUFFIXES.map(([type, suffix]) => exactRule(type, `${prefix}${suffix}`, source, undefined, region));
}

/**
 * The identity of an ephemeral copy named `env`: the naming rule, and the template's domains when its environment
 * file (`template`, from the `ephemeral-from` tag) is readable — else any `<env>.<domain>`.
 */
export function copyIdentity(env: string, appId: string, region: string, template?: { file: string; names: EnvNames }): StackIdentity {
  const source = "ephemeral copy naming rule";
  const hash = copyBucketHash(env);
  const names: NameRule[] = [
    ...prefixRules(stackOf(env), source, region),
    {
      type: "tencentcloud_cos_bucket",
      source: `${source} (…-${hash}-${appId})`,
      matches: (n) => n === `${hash}-${appId}` || n.endsWith(`-${hash}-${appId}`),
    },
  ];
  const domains = [template?.names.pushDomain, template?.names.playDomain].filter((d): d is string => !!d);
  if (template && domains.length) for (const d of domains) names.push(exactRule("tencentcloud_css_domain", `${env}.${d}`, `${source} and ${template.file}`));
  else names.push({ type: "tencentcloud_css_domain", source: `${source} (${env}.<domain>)`, matches: (n) => n.startsWith(`${env}.`) && n.length > env.length + 1 });
  return { stack: stackOf(env), env, region, appName: template?.names.appName ?? "live", tags: ownerTags(env), names, ids: [] };
}

/** What the janitor needs of an environment file (read leniently: any missing field leaves that name unknown). */
export interface EnvNames {
  region?: string;
  namePrefix?: string;
  bucketBase?: string;
  pushDomain?: string;
  playDomain?: string;
  appName?: string;
  protection?: string;
}

export function envNamesOf(doc: unknown): EnvNames {
  const at = (...keys: string[]): string | undefined => {
    let v: unknown = doc;
    for (const k of keys) v = v && typeof v === "object" && Object.prototype.hasOwnProperty.call(v, k) ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === "string" && v ? v : undefined;
  };
  return {
    region: at("region"),
    namePrefix: at("name_prefix"),
    bucketBase: at("bucket", "base_name"),
    pushDomain: at("live", "push_domain"),
    playDomain: at("live", "play_domain"),
    appName: at("live", "app_name"),
    protection: at("protection", "mode"),
  };
}

/** The identity of environment `env` from its file's names. */
export function fileIdentity(env: string, names: EnvNames, file: string, appId: string, region: string): StackIdentity {
  const rules: NameRule[] = [];
  const r = names.region ?? region;
  if (names.namePrefix) rules.push(...prefixRules(names.namePrefix, file, r));
  if (names.bucketBase) rules.push(exactRule("tencentcloud_cos_bucket", `${names.bucketBase}-${appId}`, file, undefined, r));
  for (const d of [names.pushDomain, names.playDomain]) if (d) rules.push(exactRule("tencentcloud_css_domain", d, file));
  return { stack: stackOf(env), env, region: r, appName: names.appName ?? "live", tags: ownerTags(env), names: rules, ids: [] };
}
