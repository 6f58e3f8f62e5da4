/**
 * tencentcloud_security_group_rule_set: DescribeSecurityGroupPolicies. The set owns every rule of the group, in
 * order (rules are evaluated top-down), so a rule added or removed by hand is a changed `ingress` / `egress`.
 */
import type { Reader } from "../types";
import { asList, knownText } from "./support";

type Obj = Record<string, unknown>;

/** One rule in comparable form (provider names; protocol and action upper-cased; unset fields empty). */
export function ruleElement(b: Obj): Obj {
  const s = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  return {
    action: s(b.action).toUpperCase(),
    protocol: (s(b.protocol) || "ALL").toUpperCase(),
    port: (s(b.port) || "ALL").toUpperCase(),
    cidr_block: s(b.cidr_block),
    ipv6_cidr_block: s(b.ipv6_cidr_block),
    source_security_id: s(b.source_security_id),
    address_template_id: s(b.address_template_id),
    address_template_group: s(b.address_template_group),
    service_template_id: s(b.service_template_id),
    service_template_group: s(b.service_template_group),
    description: s(b.description),
  };
}

const fromApi = (p: Obj): Obj => {
  const at = (p.AddressTemplate ?? {}) as Obj;
  const st = (p.ServiceTemplate ?? {}) as Obj;
  return {
    action: p.Action, protocol: p.Protocol, port: p.Port, cidr_block: p.CidrBlock, ipv6_cidr_block: p.Ipv6CidrBlock,
    source_security_id: p.SecurityGroupId, address_template_id: at.AddressId, address_template_group: at.AddressGroupId,
    service_template_id: st.ServiceId, service_template_group: st.ServiceGroupId, description: p.PolicyDescription,
  };
};

export const reader: Reader = {
  type: "tencentcloud_security_group_rule_set",
  service: "vpc",
  attributes: {
    security_group_id: { compare: "exact", from: "DescribeSecurityGroupPolicies(SecurityGroupId)" },
    ingress: { compare: "object-list", from: "DescribeSecurityGroupPolicies: SecurityGroupPolicySet.Ingress (in order)", element: ruleElement, expected: [] },
    egress: { compare: "object-list", from: "DescribeSecurityGroupPolicies: SecurityGroupPolicySet.Egress (in order)", element: ruleElement, expected: [] },
  },
  notComparable: {},

  identity: (d) => knownText(d, "security_group_id"),

  async read(ctx, d, id) {
    const r = await ctx.api.request<{ SecurityGroupPolicySet?: Obj }>("vpc", "DescribeSecurityGroupPolicies", { SecurityGroupId: id }, { region: d.region });
    const set = r.SecurityGroupPolicySet ?? {};
    return {
      exists: true,
      id,
      attrs: {
        security_group_id: id,
        ingress: asList<Obj>(set.Ingress).map(fromApi),
        egress: asList<Obj>(set.Egress).map(fromApi),
        version: set.Version,
      },
    };
  },
};
