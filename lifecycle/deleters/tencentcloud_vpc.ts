/** VPCs: found by the stack's tags, by its VPC name and as the VPC of the stack's instance; deleted last. */
import type { Deleter } from "../types";
import { NetworkKind, findNetwork, networkGone } from "./vpc-support";

const KIND: NetworkKind = {
  type: "tencentcloud_vpc",
  tagService: "vpc",
  tagPrefix: "vpc",
  action: "DescribeVpcs",
  idFilter: "vpc-id",
  nameFilter: "vpc-name",
  set: "VpcSet",
  idField: "VpcId",
  nameField: "VpcName",
  fromInstance: async (_ctx, inst) => (inst.data.vpcId ? [String(inst.data.vpcId)] : []),
};

export const vpc: Deleter = {
  type: KIND.type,
  find: (ctx) => findNetwork(ctx, KIND),
  async delete(ctx, item) {
    await ctx.api.request("vpc", "DeleteVpc", { VpcId: item.id }, { region: item.region });
  },
  gone: (ctx, item) => networkGone(ctx, KIND, item),
};
