/**
 * VPC networking: the VPCs, subnets and security groups the stack declares, and the rules of its security group rule
 * sets (in declared order, as the provider writes them). Security groups come before rule sets, which look theirs up.
 */
import { InputError } from "../../common/errors";
import { SecurityGroupRule, vpcOf } from "../state";
import type { BuilderTable } from "./types";
import { Obj, asArray, hex, tagsOf } from "./values";

const text = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/** A `ingress` / `egress` block of tencentcloud_security_group_rule_set as SecurityGroupPolicy stores it. */
function rule(b: Obj, where: string): SecurityGroupRule {
  const action = text(b.action).toUpperCase();
  if (action !== "ACCEPT" && action !== "DROP") throw new InputError(`${where}.action: must be ACCEPT or DROP (got "${text(b.action)}")`);
  const r: SecurityGroupRule = { protocol: (text(b.protocol) || "ALL").toUpperCase(), port: (text(b.port) || "ALL").toUpperCase(), action };
  if (text(b.cidr_block)) r.cidrBlock = text(b.cidr_block);
  if (text(b.ipv6_cidr_block)) r.ipv6CidrBlock = text(b.ipv6_cidr_block);
  if (text(b.source_security_id)) r.securityGroupId = text(b.source_security_id);
  if (text(b.description)) r.policyDescription = text(b.description);
  return r;
}

export const VPC: BuilderTable = {
  tencentcloud_vpc: {
    computed: (_a, _b, ctx) => ({ id: `vpc-${hex(8)}`, create_time: ctx.created, is_default: false }),
    build: (a, b, ctx) => {
      const tags = tagsOf(a.tags);
      vpcOf(ctx.state).vpcs.push({
        vpcId: String(a.id), vpcName: text(a.name), cidrBlock: text(a.cidr_block), region: ctx.regionOf(b), createTime: ctx.created,
        ...(tags ? { tags } : {}),
      });
    },
  },
  tencentcloud_subnet: {
    computed: (_a, _b, ctx) => ({ id: `subnet-${hex(8)}`, create_time: ctx.created, is_default: false }),
    build: (a, b, ctx) => {
      const tags = tagsOf(a.tags);
      const region = ctx.regionOf(b);
      vpcOf(ctx.state).subnets.push({
        subnetId: String(a.id), vpcId: text(a.vpc_id), subnetName: text(a.name), cidrBlock: text(a.cidr_block),
        zone: text(a.availability_zone) || `${region}-1`, region, createTime: ctx.created, ...(tags ? { tags } : {}),
      });
    },
  },
  tencentcloud_security_group: {
    computed: (a) => ({ id: `sg-${hex(8)}`, project_id: a.project_id ?? 0 }),
    build: (a, b, ctx) => {
      const tags = tagsOf(a.tags);
      vpcOf(ctx.state).securityGroups.push({
        securityGroupId: String(a.id), securityGroupName: text(a.name), securityGroupDesc: text(a.description), region: ctx.regionOf(b),
        createTime: ctx.created, updateTime: ctx.created, projectId: String(a.project_id ?? 0), ...(tags ? { tags } : {}),
      });
    },
  },
  tencentcloud_security_group_rule_set: {
    computed: (a) => ({ id: String(a.security_group_id) }),
    build: (a, b, ctx) => {
      const g = vpcOf(ctx.state).securityGroups.find((x) => x.securityGroupId === a.security_group_id);
      if (!g) return;
      const where = `${ctx.file}: ${b.addr}`;
      g.ingress = asArray(a.ingress as Obj[]).map((r, i) => rule(r, `${where}.ingress[${i}]`));
      g.egress = asArray(a.egress as Obj[]).map((r, i) => rule(r, `${where}.egress[${i}]`));
      g.policyVersion = 1;
    },
  },
};
