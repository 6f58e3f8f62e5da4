/**
 * tencentcloud_cam_policy: GetPolicy (name, description, document, tags). The policy id is not an output: it is
 * taken from a live read that references it, else looked up by the declared name (ListPolicies, Scope Local).
 * Documents are compared by meaning (compare.ts `policy-json`).
 */
import type { Reader } from "../types";
import { asList, knownText, tagMap } from "./support";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_cam_policy",
  service: "cam",
  attributes: {
    name: { compare: "exact", from: "GetPolicy: PolicyName" },
    description: { compare: "exact", from: "GetPolicy: Description", expected: "" },
    document: { compare: "policy-json", from: "GetPolicy: PolicyDocument (parsed; statements, actions and resources order-insensitive)" },
    tags: { compare: "map", from: "GetPolicy: Tags", expected: {} },
  },
  notComparable: {},

  identity: (d) => knownText(d, "id"),

  async lookup(ctx, d) {
    const name = knownText(d, "name");
    if (!name) return undefined;
    for (let page = 1; page <= 50; page++) {
      const r = await ctx.api.request<{ List?: Obj[]; TotalNum?: number }>("cam", "ListPolicies", { Rp: 200, Page: page, Scope: "Local", Keyword: name });
      const list = asList<Obj>(r.List);
      const hit = list.find((p) => p.PolicyName === name);
      if (hit) return String(hit.PolicyId);
      if (list.length < 200) return undefined;
    }
    return undefined;
  },

  async read(ctx, _d, id) {
    const p = await ctx.api.request<Obj>("cam", "GetPolicy", { PolicyId: Number(id) });
    return {
      exists: true,
      id,
      attrs: {
        name: String(p.PolicyName ?? ""),
        description: String(p.Description ?? ""),
        document: String(p.PolicyDocument ?? ""),
        tags: tagMap(p.Tags),
        type: p.Type,
      },
    };
  },
};
