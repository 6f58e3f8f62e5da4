/** CAM and the account: user info, policies and sub-users (with their tags), the users' API keys, policy attachments. */
import { InputError } from "../../common/errors";
import type { CamPolicy, CamUser, PolicyDocument } from "../state";
import type { BuilderTable } from "./types";
import { Json, Obj, asArray, newSecretPair, tagsOf } from "./values";

function normalisePolicy(text: Json, where: string): PolicyDocument {
  let doc: Obj;
  try {
    doc = (typeof text === "string" ? JSON.parse(text) : text) as Obj;
  } catch {
    throw new InputError(`${where}: the policy document is not JSON`);
  }
  return {
    version: String(doc.version ?? "2.0"),
    statement: asArray(doc.statement as Obj[]).map((s) => ({
      effect: String(s.effect ?? "allow").toLowerCase() === "deny" ? "deny" : "allow",
      action: asArray(s.action as string[]).map(String),
      resource: asArray(s.resource as string[]).map(String),
      ...(s.condition ? { condition: s.condition as Record<string, unknown> } : {}),
    })),
  };
}

/** Policies, then users, then attachments (which look the user up). */
export const CAM: BuilderTable = {
  "data.tencentcloud_user_info": {
    computed: (_a, _b, ctx) => ({ app_id: Number(ctx.appId), owner_uin: ctx.ownerUin, uin: ctx.ownerUin, name: "", id: `user-info-${ctx.appId}` }),
  },
  tencentcloud_cam_policy: {
    computed: (_a, _b, ctx) => ({ id: String(ctx.nextId("cam-policy", 200000000)), type: 1, create_time: ctx.created, update_time: ctx.created }),
    build: (a, b, ctx) => {
      const pol: CamPolicy = {
        policyId: Number(a.id), policyName: String(a.name), description: String(a.description ?? ""), type: 1,
        document: normalisePolicy(a.document, `${ctx.file}: ${b.addr}.document`), addTime: ctx.created, updateTime: ctx.created,
        ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
      };
      ctx.state.cam.policies.push(pol);
    },
  },
  tencentcloud_cam_user: {
    computed: (a, _b, ctx) => {
      const uin = String(ctx.nextId("cam-uin", Number(ctx.ownerUin) + 1000));
      const keys = a.use_api === true ? newSecretPair() : { secretId: "", secretKey: "" };
      return { id: a.name, uin, uid: Number(uin.slice(-6)) + 1000000, secret_id: keys.secretId, secret_key: keys.secretKey };
    },
    build: (a, _b, ctx) => {
      const user: CamUser = {
        name: String(a.name), uin: String(a.uin), uid: Number(a.uid), remark: String(a.remark ?? ""),
        consoleLogin: a.console_login === true ? 1 : 0, createTime: ctx.created, policyIds: [],
        ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
      };
      ctx.state.cam.users.push(user);
      if (a.secret_id) {
        ctx.state.credentials.push({ secretId: String(a.secret_id), secretKey: String(a.secret_key), kind: "sub-user", uin: user.uin, createTime: ctx.created });
      }
    },
  },
  tencentcloud_cam_user_policy_attachment: {
    computed: (a, _b, ctx) => ({ id: `${a.user_name}#${a.policy_id}`, create_mode: 2, policy_type: "User", create_time: ctx.created }),
    build: (a, _b, ctx) => {
      const user = ctx.state.cam.users.find((u) => u.name === a.user_name);
      if (user) user.policyIds.push(Number(a.policy_id));
    },
  },
};
