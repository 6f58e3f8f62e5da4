/**
 * Who a stack is, as the sweep needs it: its standard tags, the names it gives its resources and the ids its deploy
 * reported. Teardown reads them from the synthesized cdk.tf.json and the outputs file; the janitor derives them from
 * the naming rule of ephemeral copies (names.ts) or the environment file. Ownership marks (ownership.ts) are judged
 * against an identity, never against anything a resource says about itself alone.
 */
import type { Mark, ResourceType } from "./types";

/** Tag keys that make the `tags` mark: every taggable resource of a stack carries them with the stack's values. */
export const OWNER_TAG_KEYS = ["app", "environment", "managed-by"] as const;

export const STACK_PREFIX = "live-demo-";

/** A name the stack gives a resource of `type`: exact, or a rule (`matches`). */
export interface NameRule {
  type: ResourceType;
  /** Terraform address, when the name comes from a declared resource. */
  address?: string;
  /** The exact name, when known: used to look the resource up by name. */
  exact?: string;
  /** Region of a regional resource named `exact`. */
  region?: string;
  /** Where the name comes from, for the mark's detail. */
  source: string;
  matches(name: string): boolean;
}

/** An id the deploy reported for a resource of `type`. */
export interface IdRule {
  type: ResourceType;
  address?: string;
  id: string;
  /** e.g. `outputs.json db_instance_id`. */
  source: string;
}

export interface StackIdentity {
  /** `live-demo-<env>`. */
  stack: string;
  env: string;
  /** Region of the stack's regional resources (CDB, VPC) and its bucket. */
  region: string;
  /** Live AppName the stack's rules use. */
  appName: string;
  /** The values of OWNER_TAG_KEYS a resource must carry for the `tags` mark. */
  tags: Record<(typeof OWNER_TAG_KEYS)[number], string>;
  names: NameRule[];
  ids: IdRule[];
}

/** The stack name for an environment name, and back. */
export function stackOf(env: string): string {
  return `${STACK_PREFIX}${env}`;
}

export function envOf(stack: string): string | undefined {
  return stack.startsWith(STACK_PREFIX) && stack.length > STACK_PREFIX.length ? stack.slice(STACK_PREFIX.length) : undefined;
}

export function ownerTags(env: string): StackIdentity["tags"] {
  return { app: "live-demo", environment: env, "managed-by": "cdktf" };
}

/** The `tags` mark, when `tags` carry the stack's owner tags. */
export function tagMark(identity: StackIdentity, tags: Record<string, string> | undefined): Mark | undefined {
  if (!tags) return undefined;
  const ok = OWNER_TAG_KEYS.every((k) => tags[k] === identity.tags[k]);
  return ok ? { kind: "tags", detail: OWNER_TAG_KEYS.map((k) => `${k}=${tags[k]}`).join(" ") } : undefined;
}

/** The `name` mark (with the declared address) when the stack gives a resource of `type` this name. */
export function nameMark(identity: StackIdentity, type: ResourceType, name: string | undefined): { mark: Mark; address?: string } | undefined {
  if (name === undefined || name === "") return undefined;
  const rule = identity.names.find((r) => r.type === type && r.matches(name));
  return rule ? { mark: { kind: "name", detail: `${name} (${rule.source})` }, address: rule.address } : undefined;
}

/** The `id` mark when the deploy reported this id for a resource of `type`. */
export function idMark(identity: StackIdentity, type: ResourceType, id: string | undefined): { mark: Mark; address?: string } | undefined {
  if (id === undefined || id === "") return undefined;
  const rule = identity.ids.find((r) => r.type === type && r.id === id);
  return rule ? { mark: { kind: "id", detail: `${id} (${rule.source})` }, address: rule.address } : undefined;
}

/** Exact names of `type` to look up, with their addresses and regions. */
export function exactNames(identity: StackIdentity, type: ResourceType): Array<{ name: string; address?: string; region: string }> {
  return identity.names
    .filter((r) => r.type === type && r.exact !== undefined)
    .map((r) => ({ name: r.exact!, address: r.address, region: r.region ?? identity.region }));
}

/** Reported ids of `type`. */
export function declaredIds(identity: StackIdentity, type: ResourceType): IdRule[] {
  return identity.ids.filter((r) => r.type === type);
}

/** The marks a name and an id earn, and the address either points at. */
export function nameAndIdMarks(
  identity: StackIdentity,
  type: ResourceType,
  name: string | undefined,
  id: string | undefined,
): { marks: Mark[]; address?: string } {
  const n = nameMark(identity, type, name);
  const i = idMark(identity, type, id);
  return { marks: [n?.mark, i?.mark].filter((m): m is Mark => !!m), address: n?.address ?? i?.address };
}

export function exactRule(type: ResourceType, name: string, source: string, address?: string, region?: string): NameRule {
  return { type, address, exact: name, region, source, matches: (n) => n === name };
}
