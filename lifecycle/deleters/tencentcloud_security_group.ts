/**
 * VPC security groups (their rule set goes with them): found by the stack's tags, by its group name and as the
 * groups the stack's instance is bound to. Deleted after the instance (a bound group is refused: ResourceInUse).
 */
import type { Deleter } from "../types";
import { NetworkKind, findNetwork, networkGone } from "./vpc-support";

const KIND: NetworkKind = {
  type: "tencentcloud_security_group",
  tagService: "cvm",
  tagPrefix: "sg",
  action: "DescribeSecurityGroups",
  idFilter: "security-group-id",
  nameFilter: "security-group-name",
  set: "SecurityGroupSet",
  idField: "SecurityGroupId",
  nameField: "SecurityGroupName",
  async fromInstance(ctx, inst) {
    const r = await ctx.api.request<{ Groups?: Array<{ SecurityGroupId: string }> }>("cdb", "DescribeDBSecurityGroups", { InstanceId: inst.id }, { region: inst.region });
    return (r.Groups ?? []).map((g) => g.SecurityGroupId);
  },
};

export const securityGroup: Deleter = {
  type: KIND.type,
  find: (ctx) => findNetwork(ctx, KIND),
  async delete(ctx, item) {
    await ctx.api.request("vpc", "DeleteSecurityGroup", { SecurityGroupId: item.id }, { region: item.region });
  },
  gone: (ctx, item) => networkGone(ctx, KIND, item),
};
