/**
 * CAM custom policies: found by the stack's tags (Tag API) and through the stack's user's attachments (CAM cannot
 * look a policy up by name here); the name and tags come from GetPolicy. Deleted once detached.
 */
import { nameMark, tagMark } from "../identity";
import type { Deleter, Found, Mark } from "../types";
import { tagsFromList } from "../tags";
import { beijingToIso, found, unique, unlessGone } from "./support";

const TYPE = "tencentcloud_cam_policy";

interface Policy {
  PolicyName?: string;
  Type?: number;
  AddTime?: string;
  Tags?: Array<{ Key: string; Value: string }>;
}

export const camPolicy: Deleter = {
  type: TYPE,
  async find(ctx) {
    const ids = unique([
      ...(await ctx.tagIndex()).filter((r) => r.service === "cam" && r.prefix === "policy").map((r) => r.id),
      ...ctx.found("tencentcloud_cam_user_policy_attachment").map((a) => String(a.data.policyId)),
    ]);
    const out: Found[] = [];
    for (const id of ids) {
      const p = await unlessGone(ctx.api.request<Policy>("cam", "GetPolicy", { PolicyId: Number(id) }));
      if (!p || p.Type === 2) continue; // preset policies are Tencent's
      const tags = tagsFromList(p.Tags);
      const n = nameMark(ctx.identity, TYPE, p.PolicyName);
      const marks = [tagMark(ctx.identity, tags), n?.mark].filter((m): m is Mark => !!m);
      if (marks.length) out.push(found(TYPE, id, { name: p.PolicyName, address: n?.address, marks, tags, createdAt: beijingToIso(p.AddTime) }));
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cam", "DeletePolicy", { PolicyId: [Number(item.id)] });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.api.request("cam", "GetPolicy", { PolicyId: Number(item.id) }))) === undefined;
  },
};
