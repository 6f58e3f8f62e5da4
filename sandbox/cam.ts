/**
 * CAM 2019-01-16 and STS 2018-08-13 GetCallerIdentity: the reads a validator needs to check the upload signer (and
 * ListPolicies, which drift uses to find a policy by name), and
 * the writes drift checks and teardown use (UpdatePolicy — what the Terraform provider changes a policy with, no
 * policy versions —, AttachUserPolicy/DetachUserPolicy, DeletePolicy, UpdateAccessKey, DeleteAccessKey, DeleteUser).
 * UIN JSON types follow each action's typing (number in GetUser and ListAttachedUserPolicies, string in GetUserAppId
 * and GetCallerIdentity). Secrets are never returned. Error codes follow the per-action lists of the Go SDK
 * (cam/v20190116 client.go); "silent" marks a code chosen where the docs name none for the case.
 */
import { maskSecretId } from "../common/mask";
import { ActionContext, ApiError, ServiceDef } from "./api-types";
import { CamPolicy, CamUser, Credential, PolicyDocument, PolicyStatement, State, beijingTime } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function subAccountInfo(u: CamUser) {
  return {
    Uin: Number(u.uin), Name: u.name, Uid: u.uid, Remark: u.remark ?? "", ConsoleLogin: u.consoleLogin ?? 0,
    PhoneNum: "", CountryCode: "", Email: "", CreateTime: u.createTime, NickName: "",
  };
}

function userByUin(state: State, uin: string): CamUser | undefined {
  return state.cam.users.find((u) => u.uin === uin);
}

function requirePolicy(state: State, id: number): CamPolicy {
  const pol = state.cam.policies.find((x) => x.policyId === id);
  if (!pol) throw new ApiError("ResourceNotFound.PolicyIdNotFound", `The policy ${id} does not exist.`);
  return pol;
}

function requireUserByUin(state: State, uin: number): CamUser {
  const u = userByUin(state, String(uin));
  if (!u) throw new ApiError("ResourceNotFound.UserNotExist", `No sub-user with UIN ${uin}.`);
  return u;
}

/**
 * The key an access-key action addresses: the caller's own keys unless TargetUin names another user. A sub-user
 * may act only on its own keys (OperationDenied.SubUin for the root account's, .UinNotMatch for another user's).
 */
function targetKey(state: State, cred: Credential, accessKeyId: string, targetUin: number | undefined): Credential {
  const target = targetUin !== undefined ? String(targetUin) : cred.uin;
  if (cred.kind === "sub-user" && target !== cred.uin) {
    throw new ApiError(target === state.ownerUin ? "OperationDenied.SubUin" : "OperationDenied.UinNotMatch", "A sub-user may manage only its own keys.");
  }
  if (target !== state.ownerUin && !userByUin(state, target)) throw new ApiError("InvalidParameter.UserNotExist", `No user with UIN ${target}.`);
  const key = state.credentials.find((c) => c.secretId === accessKeyId);
  if (!key) throw new ApiError("ResourceNotFound.SecretNotExist", `The access key ${maskSecretId(accessKeyId)} does not exist.`);
  if (key.uin !== target) throw new ApiError("OperationDenied.UinNotMatch", `The access key ${maskSecretId(accessKeyId)} does not belong to UIN ${target}.`);
  return key;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/**
 * Parses a PolicyDocument as CAM accepts it (lower-case keys; `action`/`resource` a string or a list; version "2.0")
 * into the state's form. Each defect gets the sub-code CAM documents for it.
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ApiError("InvalidParameter.PolicyDocumentError", "PolicyDocument is not valid JSON.");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ApiError("InvalidParameter.PolicyDocumentError", "PolicyDocument must be a JSON object.");
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== "version" && k !== "statement") throw new ApiError("InvalidParameter.PolicyDocumentError", `PolicyDocument has an unknown field "${k}".`);
  }
  if (d.version !== "2.0") throw new ApiError("InvalidParameter.VersionError", 'PolicyDocument.version must be "2.0".');
  if (d.statement === undefined || (Array.isArray(d.statement) && d.statement.length === 0)) {
    throw new ApiError("InvalidParameter.StatementError", "PolicyDocument.statement must hold at least one statement.");
  }
  const statement = asList(d.statement).map((raw, i): PolicyStatement => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ApiError("InvalidParameter.StatementError", `statement ${i} must be an object.`);
    const st = raw as Record<string, unknown>;
    for (const k of Object.keys(st)) {
      if (!["effect", "action", "resource", "condition"].includes(k)) throw new ApiError("InvalidParameter.StatementError", `statement ${i} has an unknown field "${k}".`);
    }
    const effect = typeof st.effect === "string" ? st.effect.toLowerCase() : "";
    if (effect !== "allow" && effect !== "deny") throw new ApiError("InvalidParameter.EffectError", `statement ${i}: effect must be "allow" or "deny".`);
    const action = st.action === undefined ? [] : asList(st.action);
    if (!action.length || action.some((a) => typeof a !== "string" || !/^(\*|(name\/)?[a-z0-9_-]+:[A-Za-z0-9*]+)$/.test(a))) {
      throw new ApiError("InvalidParameter.ActionError", `statement ${i}: action must be one or more "name/<service>:<Action>" strings.`);
    }
    const resource = st.resource === undefined ? [] : asList(st.resource);
    if (!resource.length || resource.some((r) => typeof r !== "string" || !(r === "*" || r.startsWith("qcs:")))) {
      throw new ApiError("InvalidParameter.ResourceError", `statement ${i}: resource must be "*" or six-segment qcs:: names.`);
    }
    if (st.condition !== undefined && (!st.condition || typeof st.condition !== "object" || Array.isArray(st.condition))) {
      throw new ApiError("InvalidParameter.ConditionError", `statement ${i}: condition must be an object.`);
    }
    return {
      effect, action: action as string[], resource: resource as string[],
      ...(st.condition !== undefined ? { condition: st.condition as Record<string, unknown> } : {}),
    };
  });
  return { version: "2.0", statement };
}

export const CAM: ServiceDef = {
  version: "2019-01-16",
  actions: {
    GetUser: {
      params: { "Name!": "string" },
      run(p: P, { state }: ActionContext) {
        const u = state.cam.users.find((x) => x.name === p.Name);
        if (!u) throw new ApiError("ResourceNotFound.UserNotExist", `The sub-user ${p.Name} does not exist.`);
        return {
          Uin: Number(u.uin), Name: u.name, Uid: u.uid, Remark: u.remark ?? "", ConsoleLogin: u.consoleLogin ?? 0,
          PhoneNum: "", CountryCode: "", Email: "", RecentlyLoginIP: "", RecentlyLoginTime: "",
        };
      },
    },
    ListUsers: {
      run: (_p: P, { state }) => ({ Data: state.cam.users.map(subAccountInfo) }),
    },
    DescribeSubAccounts: {
      params: { "FilterSubAccountUin!": ["int"] },
      run(p: P, { state }) {
        if (p.FilterSubAccountUin.length > 50) throw new ApiError("InvalidParameter.ParamError", "At most 50 UINs per call.");
        const uins = new Set((p.FilterSubAccountUin as number[]).map(String));
        return {
          SubAccounts: state.cam.users
            .filter((u) => uins.has(u.uin))
            .map((u) => ({
              Uin: Number(u.uin), Name: u.name, Uid: u.uid, Remark: u.remark ?? "", CreateTime: u.createTime, UserType: 2,
              LastLoginIp: "", LastLoginTime: "",
            })),
        };
      },
    },
    ListAccessKeys: {
      params: { TargetUin: "int" },
      run(p: P, { state, cred }) {
        const target = p.TargetUin !== undefined ? String(p.TargetUin) : cred.uin;
        if (cred.kind === "sub-user" && target !== cred.uin) {
          throw new ApiError(target === state.ownerUin ? "OperationDenied.SubUin" : "OperationDenied.UinNotMatch", "A sub-user may list only its own keys.");
        }
        if (target !== state.ownerUin && !userByUin(state, target)) throw new ApiError("InvalidParameter.UserNotExist", `No user with UIN ${target}.`);
        return {
          AccessKeys: state.credentials
            .filter((c) => c.uin === target)
            .map((c) => ({ AccessKeyId: c.secretId, Status: c.status ?? "Active", CreateTime: c.createTime ?? "", Description: "" })),
        };
      },
    },
    ListAttachedUserPolicies: {
      params: { "TargetUin!": "int", Page: "int", Rp: "int" },
      run(p: P, { state }) {
        const page = p.Page ?? 1;
        const rp = p.Rp ?? 20;
        if (page < 1 || rp < 1 || rp > 200) throw new ApiError("InvalidParameter.ParamError", "Page must be ≥ 1 and Rp between 1 and 200.");
        const u = userByUin(state, String(p.TargetUin));
        const list = (u?.policyIds ?? [])
          .map((id) => state.cam.policies.find((x) => x.policyId === id))
          .filter((x): x is NonNullable<typeof x> => !!x)
          .map((pol) => ({
            PolicyId: pol.policyId, PolicyName: pol.policyName, AddTime: pol.addTime, Remark: pol.description ?? "",
            CreateMode: 2, PolicyType: pol.type === 2 ? "QCS" : "User", OperateOwnerUin: state.ownerUin,
            OperateUin: state.ownerUin, OperateUinType: 0, Deactived: 0, DeactivedDetail: [],
          }));
        return { TotalNum: list.length, List: list.slice((page - 1) * rp, page * rp) };
      },
    },
    GetPolicy: {
      params: { "PolicyId!": "int" },
      run(p: P, { state }) {
        const pol = requirePolicy(state, p.PolicyId);
        return {
          PolicyName: pol.policyName, Description: pol.description ?? "", Type: pol.type ?? 1, AddTime: pol.addTime,
          UpdateTime: pol.updateTime, PolicyDocument: JSON.stringify({ version: "2.0", ...pol.document }),
          PresetAlias: "", IsServiceLinkedRolePolicy: 0, Tags: Object.entries(pol.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
        };
      },
    },
    ListPolicies: {
      params: { Rp: "int", Page: "int", Scope: "string", Keyword: "string" },
      run(p: P, { state }) {
        const page = p.Page ?? 1;
        const rp = p.Rp ?? 20;
        if (page < 1 || rp < 1 || rp > 200) throw new ApiError("InvalidParameter.ParamError", "Page must be ≥ 1 and Rp between 1 and 200.");
        const scope = p.Scope ?? "All";
        if (!["All", "QCS", "Local"].includes(scope)) throw new ApiError("InvalidParameter.ScopeError", 'Scope must be "All", "QCS" or "Local".');
        const keyword = String(p.Keyword ?? "").toLowerCase();
        const list = state.cam.policies
          .filter((pol) => scope === "All" || (scope === "QCS" ? pol.type === 2 : pol.type !== 2))
          .filter((pol) => !keyword || pol.policyName.toLowerCase().includes(keyword))
          .map((pol) => {
            const attached = state.cam.users.filter((u) => u.policyIds.includes(pol.policyId)).length;
            return {
              PolicyId: pol.policyId, PolicyName: pol.policyName, AddTime: pol.addTime, UpdateTime: pol.updateTime,
              Type: pol.type ?? 1, Description: pol.description ?? "", CreateMode: pol.type === 2 ? 2 : 1, Attachments: attached,
              ServiceType: "", IsAttached: attached ? 1 : 0, Deactived: 0, DeactivedDetail: [], IsServiceLinkedPolicy: 0,
              AttachEntityCount: attached, AttachEntityBoundaryCount: 0,
            };
          });
        return { TotalNum: list.length, List: list.slice((page - 1) * rp, page * rp), ServiceTypeList: [] };
      },
    },
    UpdatePolicy: {
      params: { PolicyId: "int", PolicyName: "string", Description: "string", PolicyDocument: "string", Alias: "string" },
      run(p: P, { state }) {
        if (p.PolicyId === undefined && p.PolicyName === undefined) throw new ApiError("InvalidParameter.ParamError", "Either PolicyId or PolicyName is required.");
        const pol = p.PolicyId !== undefined ? requirePolicy(state, p.PolicyId) : state.cam.policies.find((x) => x.policyName === p.PolicyName);
        if (!pol) throw new ApiError("ResourceNotFound.PolicyIdNotFound", `No policy named ${p.PolicyName}.`);
        if (p.Description !== undefined && Buffer.byteLength(p.Description) > 300) {
          throw new ApiError("InvalidParameter.DescriptionLengthOverlimit", "Description must be at most 300 bytes.");
        }
        const rename = p.PolicyId !== undefined && p.PolicyName !== undefined && p.PolicyName !== pol.policyName;
        if (rename) {
          if (!/^[\w+=,.@-]{1,128}$/.test(p.PolicyName)) throw new ApiError("InvalidParameter.PolicyNameError", "PolicyName must be 1-128 of letters, digits and +=,.@-_.");
          if (state.cam.policies.some((x) => x.policyName === p.PolicyName)) throw new ApiError("FailedOperation.PolicyNameInUse", `A policy named ${p.PolicyName} already exists.`);
        }
        const document = p.PolicyDocument !== undefined ? parsePolicyDocument(p.PolicyDocument) : undefined;
        // Every check passed: apply the change as a whole.
        if (rename) pol.policyName = p.PolicyName;
        if (document) pol.document = document;
        if (p.Description !== undefined) pol.description = p.Description;
        pol.updateTime = beijingTime();
        // PolicyId is returned only when the policy was named by PolicyName (documented).
        return p.PolicyId === undefined ? { PolicyId: pol.policyId } : {};
      },
    },
    DeletePolicy: {
      params: { "PolicyId!": ["int"] },
      run(p: P, { state }) {
        const ids = p.PolicyId as number[];
        if (!ids.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `PolicyId`.");
        for (const id of ids) {
          requirePolicy(state, id);
          const holder = state.cam.users.find((u) => u.policyIds.includes(id));
          // Silent: the docs name no "still attached" error; the common code ResourceInUse is used so that teardown
          // must detach first.
          if (holder) throw new ApiError("ResourceInUse", `The policy ${id} is still attached to the user ${holder.name}; detach it first.`);
        }
        state.cam.policies = state.cam.policies.filter((x) => !ids.includes(x.policyId));
        return {};
      },
    },
    AttachUserPolicy: {
      params: { "PolicyId!": "int", "AttachUin!": "int" },
      run(p: P, { state }) {
        requirePolicy(state, p.PolicyId);
        const u = requireUserByUin(state, p.AttachUin);
        if (!u.policyIds.includes(p.PolicyId)) u.policyIds.push(p.PolicyId);
        return {};
      },
    },
    DetachUserPolicy: {
      params: { "PolicyId!": "int", "DetachUin!": "int" },
      run(p: P, { state }) {
        requirePolicy(state, p.PolicyId);
        const u = requireUserByUin(state, p.DetachUin);
        // Silent on a policy that is not attached: treated as done.
        u.policyIds = u.policyIds.filter((id) => id !== p.PolicyId);
        return {};
      },
    },
    UpdateAccessKey: {
      params: { "AccessKeyId!": "string", "Status!": "string", TargetUin: "int" },
      run(p: P, { state, cred }) {
        if (p.Status !== "Active" && p.Status !== "Inactive") throw new ApiError("InvalidParameter.ParamError", 'Status must be "Active" or "Inactive".');
        targetKey(state, cred, p.AccessKeyId, p.TargetUin).status = p.Status;
        return {};
      },
    },
    DeleteAccessKey: {
      params: { "AccessKeyId!": "string", TargetUin: "int" },
      run(p: P, { state, cred }) {
        const key = targetKey(state, cred, p.AccessKeyId, p.TargetUin);
        state.credentials = state.credentials.filter((c) => c !== key);
        return {};
      },
    },
    DeleteUser: {
      params: { "Name!": "string", Force: "int" },
      run(p: P, { state }) {
        const u = state.cam.users.find((x) => x.name === p.Name);
        if (!u) throw new ApiError("ResourceNotFound.UserNotExist", `The sub-user ${p.Name} does not exist.`);
        const keys = state.credentials.filter((c) => c.uin === u.uin && c.kind === "sub-user");
        // Documented: Force 0 (default) refuses while the user has API keys (active or not); Force 1 deletes them first.
        if (keys.length && p.Force !== 1) throw new ApiError("OperationDenied.HaveKeys", `The sub-user ${p.Name} still has ${keys.length} API key(s); delete them or pass Force=1.`);
        // Silent: the docs name no error for attached policies; ResourceInUse (common code) makes teardown detach first.
        if (u.policyIds.length) throw new ApiError("ResourceInUse", `The sub-user ${p.Name} still has ${u.policyIds.length} attached policy(ies); detach them first.`);
        state.credentials = state.credentials.filter((c) => !keys.includes(c));
        state.cam.users = state.cam.users.filter((x) => x !== u);
        return {};
      },
    },
    GetUserAppId: {
      noAuthz: true,
      run: (_p: P, { state, cred }) => ({ Uin: cred.uin, OwnerUin: state.ownerUin, AppId: Number(state.appId) }),
    },
  },
};

export const STS: ServiceDef = {
  version: "2018-08-13",
  actions: {
    GetCallerIdentity: {
      noAuthz: true,
      run(_p: P, { state, cred }) {
        const owner = cred.kind === "owner";
        return {
          Arn: owner ? `qcs::cam::uin/${state.ownerUin}:root` : `qcs::cam:${state.ownerUin}:uin/${cred.uin}`,
          AccountId: state.ownerUin,
          UserId: cred.uin,
          PrincipalId: cred.uin,
          Type: owner ? "RootAccount" : "CAMUser",
        };
      },
    },
  },
};
