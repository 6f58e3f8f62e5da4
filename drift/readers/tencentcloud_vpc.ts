/**
 * tencentcloud_vpc: DescribeVpcs. The VPC id is not an output: it is learned from the instance (and subnet) that
 * reference it, else looked up by the declared name.
 */
import type { Reader } from "../types";
import { asList, knownText, tagMap } from "./support";

type Obj = Record<string, unknown>;

/** The one resource of a Describe* answer whose name filter matched exactly, else undefined (none or ambiguous). */
export async function byName(
  call: () => Promise<Obj>,
  setField: string,
  nameField: string,
  idField: string,
  name: string,
): Promise<string | undefined> {
  const hits = asList<Obj>((await call())[setField]).filter((x) => x[nameField] === name);
  return hits.length === 1 ? String(hits[0][idField]) : undefined;
}

export const reader: Reader = {
  type: "tencentcloud_vpc",
  service: "vpc",
  attributes: {
    name: { compare: "exact", from: "DescribeVpcs: VpcSet[].VpcName" },
    cidr_block: { compare: "exact", from: "DescribeVpcs: VpcSet[].CidrBlock" },
    is_multicast: { compare: "bool", from: "DescribeVpcs: VpcSet[].EnableMulticast" },
    dns_servers: { compare: "set", from: "DescribeVpcs: VpcSet[].DnsServerSet" },
    tags: { compare: "map", from: "DescribeVpcs: VpcSet[].TagSet", expected: {} },
  },
  notComparable: {},

  identity: (d) => knownText(d, "id"),

  async lookup(ctx, d) {
    const name = knownText(d, "name");
    if (!name) return undefined;
    return byName(
      () => ctx.api.request("vpc", "DescribeVpcs", { Filters: [{ Name: "vpc-name", Values: [name] }], Limit: "100" }, { region: d.region }),
      "VpcSet", "VpcName", "VpcId", name,
    );
  },

  async read(ctx, d, id) {
    const r = await ctx.api.request<{ VpcSet?: Obj[] }>("vpc", "DescribeVpcs", { VpcIds: [id] }, { region: d.region });
    const v = asList<Obj>(r.VpcSet).find((x) => x.VpcId === id);
    if (!v) return { exists: false };
    return {
      exists: true,
      id,
      attrs: {
        name: String(v.VpcName ?? ""),
        cidr_block: String(v.CidrBlock ?? ""),
        is_multicast: v.EnableMulticast === true,
        dns_servers: asList(v.DnsServerSet).map(String),
        tags: tagMap(v.TagSet),
      },
    };
  },
};
