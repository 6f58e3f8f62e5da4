/**
 * tencentcloud_cam_user_policy_attachment: GetUser (the user's UIN) and ListAttachedUserPolicies. Other policies
 * attached to the same user are reported as unmanaged: the signer must hold only the declared rights.
 */
import type { Reader, Unmanaged } from "../types";
import { asList, key, knownText, manual } from "./support";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_cam_user_policy_attachment",
  service: "cam",
  attributes: {
    user_name: { compare: "exact", from: "GetUser: Name" },
    policy_id: { compare: "exact", from: "ListAttachedUserPolicies(TargetUin): PolicyId" },
  },
  notComparable: {
    user_id: "deprecated alias of user_name",
  },
  unmanaged: ["other policies attached to the same user"],

  identity: (d) => key(knownText(d, "user_name"), knownText(d, "policy_id")),

  async read(ctx, _d, id) {
    const [userName, policyId] = id.split("#");
    const u = await ctx.api.request<Obj>("cam", "GetUser", { Name: userName });
    const attached: Obj[] = [];
    for (let page = 1; page <= 50; page++) {
      const r = await ctx.api.request<{ List?: Obj[] }>("cam", "ListAttachedUserPolicies", { TargetUin: Number(u.Uin), Page: page, Rp: 200 });
      const list = asList<Obj>(r.List);
      attached.push(...list);
      if (list.length < 200) break;
    }
    const mine = attached.find((p) => String(p.PolicyId) === policyId);
    const unmanaged: Unmanaged[] = attached
      .filter((p) => p !== mine)
      .map((p) => ({
        attribute: "policy_id",
        live: { policy_id: String(p.PolicyId), policy_name: String(p.PolicyName ?? "") },
        message: {
          zh: `用户 ${userName} 还关联了未声明的策略 ${String(p.PolicyName ?? p.PolicyId)}（${String(p.PolicyId)}）：上传签名密钥的权限超出了声明。`,
          en: `user ${userName} also has the undeclared policy ${String(p.PolicyName ?? p.PolicyId)} (${String(p.PolicyId)}) attached: the upload signer holds more rights than declared.`,
        },
        fix: manual(
          `确认后解除关联：CAM 控制台 › 用户 › ${userName} › 权限，或 DetachUserPolicy PolicyId=${String(p.PolicyId)} DetachUin=${String(u.Uin)}（Terraform 不管理这条关联，cdktf deploy 不会解除它）。`,
          `If it is not wanted, detach it: CAM console › Users › ${userName} › Permissions, or DetachUserPolicy PolicyId=${String(p.PolicyId)} DetachUin=${String(u.Uin)} (Terraform does not manage this attachment; cdktf deploy leaves it).`,
        ),
      }));
    if (!mine) return { exists: false, note: { zh: `策略 ${policyId} 未关联到用户 ${userName}`, en: `policy ${policyId} is not attached to user ${userName}` }, unmanaged };
    return {
      exists: true,
      id,
      attrs: { user_name: userName, policy_id: String(mine.PolicyId), policy_name: mine.PolicyName, create_mode: mine.CreateMode, policy_type: mine.PolicyType },
      unmanaged,
    };
  },
};
