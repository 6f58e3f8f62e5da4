/**
 * CAM 2019-01-16 reads (who is a key, which policies does it carry) and STS 2018-08-13 GetCallerIdentity: what a
 * validator needs to check the upload signer. UIN JSON types follow each action's typing (number in GetUser and
 * ListAttachedUserPolicies, string in GetUserAppId and GetCallerIdentity). Secrets are never returned.
 */
import { ActionContext, ApiError, ServiceDef } from "./api-types";
import { CamUser, State } from "./state";

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
        const pol = state.cam.policies.find((x) => x.policyId === p.PolicyId);
        if (!pol) throw new ApiError("ResourceNotFound.PolicyIdNotFound", `The policy ${p.PolicyId} does not exist.`);
        return {
          PolicyName: pol.policyName, Description: pol.description ?? "", Type: pol.type ?? 1, AddTime: pol.addTime,
          UpdateTime: pol.updateTime, PolicyDocument: JSON.stringify({ version: "2.0", ...pol.document }),
          PresetAlias: "", IsServiceLinkedRolePolicy: 0, Tags: [],
        };
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
