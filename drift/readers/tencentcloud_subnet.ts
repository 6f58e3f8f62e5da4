/**
 * tencentcloud_subnet: DescribeSubnets. The id is learned from the instance that sits in it, else looked up by the
 * declared name.
 */
import type { Reader } from "../types";
import { asList, knownText, tagMap } from "./support";
import { byName } from "./tencentcloud_vpc";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_subnet",
  service: "vpc",
  attributes: {
    name: { compare: "exact", from: "DescribeSubnets: SubnetSet[].SubnetName" },
    vpc_id: { compare: "exact", from: "DescribeSubnets: SubnetSet[].VpcId" },
    cidr_block: { compare: "exact", from: "DescribeSubnets: SubnetSet[].CidrBlock" },
    availability_zone: { compare: "exact", from: "DescribeSubnets: SubnetSet[].Zone" },
    route_table_id: { compare: "exact", from: "DescribeSubnets: SubnetSet[].RouteTableId" },
    tags: { compare: "map", from: "DescribeSubnets: SubnetSet[].TagSet", expected: {} },
  },
  notComparable: {
    cdc_id: "CDC (dedicated cluster) placement; not used by the stacks",
  },

  identity: (d) => knownText(d, "id"),

  async lookup(ctx, d) {
    const name = knownText(d, "name");
    if (!name) return undefined;
    return byName(
      () => ctx.api.request("vpc", "DescribeSubnets", { Filters: [{ Name: "subnet-name", Values: [name] }], Limit: "100" }, { region: d.region }),
      "SubnetSet", "SubnetName", "SubnetId", name,
    );
  },

  async read(ctx, d, id) {
    const r = await ctx.api.request<{ SubnetSet?: Obj[] }>("vpc", "DescribeSubnets", { SubnetIds: [id] }, { region: d.region });
    const s = asList<Obj>(r.SubnetSet).find((x) => x.SubnetId === id);
    if (!s) return { exists: false };
    return {
      exists: true,
      id,
      attrs: {
        name: String(s.SubnetName ?? ""),
        vpc_id: String(s.VpcId ?? ""),
        cidr_block: String(s.CidrBlock ?? ""),
        availability_zone: String(s.Zone ?? ""),
        route_table_id: String(s.RouteTableId ?? ""),
        tags: tagMap(s.TagSet),
      },
    };
  },
};
