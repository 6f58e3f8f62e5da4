/** Policies attached to a CAM user (contents of the user): detached before the user and the policy are deleted. */
import type { Deleter, Found } from "../types";
import { containers, found, key } from "./support";

const TYPE = "tencentcloud_cam_user_policy_attachment";

async function attached(ctx: Parameters<Deleter["find"]>[0], uin: unknown): Promise<Array<{ PolicyId: number; PolicyName?: string }>> {
  const r = await ctx.api.request<{ List?: Array<{ PolicyId: number; PolicyName?: string }> }>("cam", "ListAttachedUserPolicies", { TargetUin: Number(uin), Rp: 200 });
  return r.List ?? [];
}

export const camUserPolicyAttachment: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const user of containers(ctx, "tencentcloud_cam_user")) {
      for (const p of await attached(ctx, user.data.uin)) {
        out.push(
          found(TYPE, `${user.id}/${p.PolicyId}`, {
            name: `${user.id} ← ${p.PolicyName ?? p.PolicyId}`,
            container: key(user),
            data: { uin: user.data.uin, policyId: p.PolicyId, refersTo: key({ type: "tencentcloud_cam_policy", id: String(p.PolicyId) }) },
          }),
        );
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cam", "DetachUserPolicy", { PolicyId: Number(item.data.policyId), DetachUin: Number(item.data.uin) });
  },
  async gone(ctx, item) {
    return !(await attached(ctx, item.data.uin)).some((p) => p.PolicyId === Number(item.data.policyId));
  },
};
