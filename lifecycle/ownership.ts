/**
 * Ownership: a resource is the stack's only with TWO independent marks (types.ts `MarkKind`). What each type needs:
 *
 * | types | needs |
 * |---|---|
 * | bucket, CAM user, CAM policy, instance, VPC, subnet, security group (taggable) | `tags` and (`name` or `id`) |
 * | callback/record template (no tags) | `name` and (`id` or `binding`) |
 * | live domain (no tags) | `name` and (`id` or `binding` or `sibling`) |
 * | rules, API keys, policy attachments, objects, accounts, databases (contents) | a container the stack owns |
 *
 * A resource with fewer marks is reported ("not deleted: only one ownership mark: …") and never deleted. Contents
 * have no identity outside their container: they go with a container owned by two marks, and are not reported
 * otherwise. A `binding` is a rule tying a template to a domain; it counts for the side whose counterpart carries a
 * `name` mark. A `sibling` is the other domain of the stack's push/play pair when that one is the stack's by `name`
 * and (`id` or `binding`): play domains have no rules, and without an outputs file (the janitor never has one) their
 * push domain is what vouches for them.
 */
import type { Found, Mark, MarkKind, ResourceType } from "./types";
import { key } from "./deleters/support";

export type Requirement = { all: MarkKind[]; any: MarkKind[] } | "container";

const TAGGED: Requirement = { all: ["tags"], any: ["name", "id"] };
const UNTAGGED: Requirement = { all: ["name"], any: ["id", "binding"] };
const DOMAIN: Requirement = { all: ["name"], any: ["id", "binding", "sibling"] };

export const REQUIREMENTS: Record<ResourceType, Requirement> = {
  tencentcloud_css_callback_rule_attachment: "container",
  tencentcloud_css_record_rule_attachment: "container",
  tencentcloud_css_callback_template: UNTAGGED,
  tencentcloud_css_record_template: UNTAGGED,
  tencentcloud_css_domain: DOMAIN,
  cam_access_key: "container",
  tencentcloud_cam_user_policy_attachment: "container",
  tencentcloud_cam_user: TAGGED,
  tencentcloud_cam_policy: TAGGED,
  cos_object: "container",
  tencentcloud_cos_bucket: TAGGED,
  tencentcloud_mysql_account: "container",
  tencentcloud_mysql_database: "container",
  tencentcloud_mysql_instance: TAGGED,
  tencentcloud_security_group: TAGGED,
  tencentcloud_subnet: TAGGED,
  tencentcloud_vpc: TAGGED,
};

const has = (f: Found, kind: MarkKind) => f.marks.some((m) => m.kind === kind);

/** True when the item's own marks meet its type's requirement (false for contents). */
export function meetsRequirement(f: Found): boolean {
  const r = REQUIREMENTS[f.type];
  return r !== "container" && r.all.every((k) => has(f, k)) && r.any.some((k) => has(f, k));
}

/** What is missing, in words: `name and (id or binding)`. */
function missing(f: Found): string {
  const r = REQUIREMENTS[f.type];
  if (r === "container") return "a container the stack owns";
  const parts: string[] = r.all.filter((k) => !has(f, k));
  if (!r.any.some((k) => has(f, k))) parts.push(r.any.length > 1 ? `(${r.any.join(" or ")})` : r.any[0]);
  return parts.join(" and ");
}

const TEMPLATE_OF: Partial<Record<ResourceType, ResourceType>> = {
  tencentcloud_css_callback_rule_attachment: "tencentcloud_css_callback_template",
  tencentcloud_css_record_rule_attachment: "tencentcloud_css_record_template",
};

function add(f: Found, m: Mark): void {
  if (!f.marks.some((x) => x.kind === m.kind && x.detail === m.detail)) f.marks.push(m);
}

/**
 * Adds the relation marks: `binding` (a rule ties a template and a domain; each side gets one when the other carries
 * a `name` mark), then `sibling` (a domain whose pair domain of the other type is the stack's by `name` and (`id` or
 * `binding`)).
 */
export function addRelations(all: Found[]): void {
  const byKey = new Map(all.map((f) => [key(f), f]));
  for (const rule of all) {
    if (!TEMPLATE_OF[rule.type] || !rule.container) continue;
    const domain = byKey.get(rule.container);
    const template = byKey.get(String(rule.data.refersTo));
    if (!domain || !template) continue;
    if (has(template, "name")) add(domain, { kind: "binding", detail: `rule ${rule.id} binds template ${template.name ?? template.id}` });
    if (has(domain, "name")) add(template, { kind: "binding", detail: `rule ${rule.id} binds it to ${domain.id}` });
  }
  const domains = all.filter((f) => f.type === "tencentcloud_css_domain" && has(f, "name"));
  const anchors = domains.filter((d) => has(d, "id") || has(d, "binding"));
  for (const d of domains) {
    const other = anchors.find((a) => a !== d && a.data.domainType !== d.data.domainType);
    if (other) add(d, { kind: "sibling", detail: `pair of ${other.id}` });
  }
}

export type Verdict = { owned: true } | { owned: false; reason: string; report: boolean };

/**
 * Judges every candidate (relation marks added first). Contents are owned with their container and get a `container`
 * mark; contents of a container the stack does not own are not reported.
 */
export function judge(all: Found[]): Map<Found, Verdict> {
  addRelations(all);
  const verdicts = new Map<Found, Verdict>();
  const byKey = new Map(all.map((f) => [key(f), f]));
  for (const f of all) {
    if (REQUIREMENTS[f.type] !== "container") {
      if (meetsRequirement(f)) verdicts.set(f, { owned: true });
      else {
        const marks = f.marks.map((m) => `${m.kind} (${m.detail})`).join(", ");
        const reason = f.marks.length
          ? `not deleted: only one ownership mark: ${marks}; missing: ${missing(f)}`
          : `not deleted: no ownership mark${f.data.linkedTo ? ` (it belongs to ${f.data.linkedTo})` : ""}; missing: ${missing(f)}`;
        verdicts.set(f, { owned: false, reason, report: true });
      }
    }
  }
  for (const f of all) {
    if (REQUIREMENTS[f.type] !== "container") continue;
    const parent = f.container ? byKey.get(f.container) : undefined;
    if (parent && verdicts.get(parent)?.owned) {
      const m: Mark = { kind: "container", detail: `in ${parent.type} ${parent.id}` };
      if (!f.marks.some((x) => x.kind === "container")) f.marks.push(m);
      verdicts.set(f, { owned: true });
    } else {
      verdicts.set(f, { owned: false, reason: `not deleted: its container ${f.container ?? "(none)"} is not the stack's`, report: false });
    }
  }
  return verdicts;
}

/**
 * Why an owned item cannot be deleted without touching what is not the stack's: contents of a foreign container
 * that refer to it (a rule on another domain binding the stack's template). Undefined when nothing holds it.
 */
export function heldByForeign(item: Found, all: Found[], verdicts: Map<Found, Verdict>): string | undefined {
  const k = key(item);
  const holders = all.filter((f) => f.data.refersTo === k && !verdicts.get(f)?.owned);
  if (!holders.length) return undefined;
  return `still bound by ${holders.map((h) => `${h.type} ${h.id}`).join(", ")}, which is not the stack's (delete or rebind it first)`;
}
