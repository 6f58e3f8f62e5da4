/**
 * tencentcloud_security_group: DescribeSecurityGroups. The id is learned from the instance bound to it (and the
 * rule set), else looked up by the declared name.
 */
import type { Reader } from "../types";
import { asList, knownText, tagMap } from "./support";
import { byName } from "./tencentcloud_vpc";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_security_group",
  service: "vpc",
  attributes: {
    name: { compare: "exact", from: "DescribeSecurityGroups: SecurityGroupSet[].SecurityGroupName" },
    description: { compare: "exact", from: "DescribeSecurityGroups: SecurityGroupSet[].SecurityGroupDesc", expected: "" },
    project_id: { compare: "number", from: "DescribeSecurityGroups: SecurityGroupSet[].ProjectId" },
    tags: { compare: "map", from: "DescribeSecurityGroups: SecurityGroupSet[].TagSet", expected: {} },
  },
  notComparable: {},

  identity: (d) => knownText(d, "id"),

  async lookup(ctx, d) {
    const name = knownText(d, "name");
    if (!name) return undefined;
    return byName(
      () => ctx.api.request("vpc", "DescribeSecurityGroups", { Filters: [{ Name: "security-group-name", Values: [name] }], Limit: "100" }, { region: d.region }),
      "SecurityGroupSet", "SecurityGroupName", "SecurityGroupId", name,
    );
  },

  async read(ctx, d, id) {
    const r = await ctx.api.request<{ SecurityGroupSet?: Obj[] }>("vpc", "DescribeSecurityGroups", { SecurityGroupIds: [id] }, { region: d.region });
    const g = asList<Obj>(r.SecurityGroupSet).find((x) => x.SecurityGroupId === id);
    if (!g) return { exists: false };
    return {
      exists: true,
      id,
      attrs: {
        name: String(g.SecurityGroupName ?? ""),
        description: String(g.SecurityGroupDesc ?? ""),
        project_id: Number(g.ProjectId ?? 0),
        tags: tagMap(g.TagSet),
      },
    };
  },
};
