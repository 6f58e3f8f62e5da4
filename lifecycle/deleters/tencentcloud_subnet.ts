/** VPC subnets: found by the stack's tags, by its subnet name and as the subnet of the stack's instance. */
import type { Deleter } from "../types";
import { NetworkKind, findNetwork, networkGone } from "./vpc-support";

const KIND: NetworkKind = {
  type: "tencentcloud_subnet",
  tagService: "vpc",
  tagPrefix: "subnet",
  action: "DescribeSubnets",
  idFilter: "subnet-id",
  nameFilter: "subnet-name",
  set: "SubnetSet",
  idField: "SubnetId",
  nameField: "SubnetName",
  fromInstance: async (_ctx, inst) => (inst.data.subnetId ? [String(inst.data.subnetId)] : []),
};

export const subnet: Deleter = {
  type: KIND.type,
  find: (ctx) => findNetwork(ctx, KIND),
  async delete(ctx, item) {
    await ctx.api.request("vpc", "DeleteSubnet", { SubnetId: item.id }, { region: item.region });
  },
  gone: (ctx, item) => networkGone(ctx, KIND, item),
};
