/**
 * Dependency order. DEPENDS says, per type, what must be gone before it may be deleted — each entry is a refusal the
 * cloud (and the sandbox) would otherwise give:
 *
 * - rules before templates (a bound template: FailedOperation.ConfInUsed) and before their domain;
 * - API keys and policy attachments before the user (OperationDenied.HaveKeys, ResourceInUse), attachments before
 *   the policy (ResourceInUse);
 * - objects before the bucket (BucketNotEmpty);
 * - accounts and databases before the instance is isolated (they cannot be deleted afterwards), the instance before
 *   its security group, subnet and VPC (ResourceInUse); subnets (and groups) before the VPC.
 *
 * DELETE_ORDER is DEPENDS sorted topologically, ties in RESOURCE_TYPES order. FIND_ORDER is the order the finders
 * run in: a container before its contents, and whatever a finder reads through `ctx.found` before it (FIND_NEEDS).
 */
import { RESOURCE_TYPES, ResourceType } from "./types";

export const DEPENDS: Record<ResourceType, readonly ResourceType[]> = {
  tencentcloud_css_callback_rule_attachment: [],
  tencentcloud_css_record_rule_attachment: [],
  tencentcloud_css_callback_template: ["tencentcloud_css_callback_rule_attachment"],
  tencentcloud_css_record_template: ["tencentcloud_css_record_rule_attachment"],
  tencentcloud_css_domain: ["tencentcloud_css_callback_rule_attachment", "tencentcloud_css_record_rule_attachment"],
  cam_access_key: [],
  tencentcloud_cam_user_policy_attachment: [],
  tencentcloud_cam_user: ["cam_access_key", "tencentcloud_cam_user_policy_attachment"],
  tencentcloud_cam_policy: ["tencentcloud_cam_user_policy_attachment"],
  cos_object: [],
  tencentcloud_cos_bucket: ["cos_object"],
  tencentcloud_mysql_account: [],
  tencentcloud_mysql_database: [],
  tencentcloud_mysql_instance: ["tencentcloud_mysql_account", "tencentcloud_mysql_database"],
  tencentcloud_security_group: ["tencentcloud_mysql_instance"],
  tencentcloud_subnet: ["tencentcloud_mysql_instance"],
  tencentcloud_vpc: ["tencentcloud_mysql_instance", "tencentcloud_subnet", "tencentcloud_security_group"],
};

/** What each finder reads through `ctx.found`. */
export const FIND_NEEDS: Record<ResourceType, readonly ResourceType[]> = {
  tencentcloud_css_domain: [],
  tencentcloud_css_callback_template: [],
  tencentcloud_css_record_template: [],
  tencentcloud_css_callback_rule_attachment: ["tencentcloud_css_domain", "tencentcloud_css_callback_template"],
  tencentcloud_css_record_rule_attachment: ["tencentcloud_css_domain", "tencentcloud_css_record_template"],
  tencentcloud_cam_user: [],
  cam_access_key: ["tencentcloud_cam_user"],
  tencentcloud_cam_user_policy_attachment: ["tencentcloud_cam_user"],
  tencentcloud_cam_policy: ["tencentcloud_cam_user_policy_attachment"],
  tencentcloud_cos_bucket: [],
  cos_object: ["tencentcloud_cos_bucket"],
  tencentcloud_mysql_instance: [],
  tencentcloud_mysql_account: ["tencentcloud_mysql_instance"],
  tencentcloud_mysql_database: ["tencentcloud_mysql_instance"],
  tencentcloud_security_group: ["tencentcloud_mysql_instance"],
  tencentcloud_subnet: ["tencentcloud_mysql_instance"],
  tencentcloud_vpc: ["tencentcloud_mysql_instance"],
};

/** Topological order of `graph` (type → what must come first), ties broken by `types` order. */
export function topological(types: readonly ResourceType[], graph: Record<ResourceType, readonly ResourceType[]>): ResourceType[] {
  const out: ResourceType[] = [];
  const placed = new Set<ResourceType>();
  while (out.length < types.length) {
    const next = types.find((t) => !placed.has(t) && graph[t].every((d) => placed.has(d)));
    if (!next) throw new Error(`dependency cycle among ${types.filter((t) => !placed.has(t)).join(", ")}`);
    out.push(next);
    placed.add(next);
  }
  return out;
}

export const DELETE_ORDER: readonly ResourceType[] = topological(RESOURCE_TYPES, DEPENDS);
export const FIND_ORDER: readonly ResourceType[] = topological(RESOURCE_TYPES, FIND_NEEDS);
