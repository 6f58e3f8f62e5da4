// CAM write actions (what drift checks change and teardown removes) and Tag writes through the official SDK over
// real HTTP: success, documented refusals, and the describe that reflects each change.
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { Credential, State, vpcOf } from "../../sandbox/state";
import { OWNER, baseState, sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

const APPID = "1250000000";
const USER = "live-demo-dev-uploader";
const UPLOADER: Credential = {
  secretId: "AKIDsandboxUploader00000000000000000", secretKey: "uploaderSecretKey000000000000000", kind: "sub-user", uin: "100000001001",
  createTime: "2026-11-24 10:00:00",
};
const POLICY_ID = 200000001;
const DOC = { version: "2.0", statement: [{ effect: "allow", action: ["name/cos:PutObject"], resource: [`qcs::cos:ap-guangzhou:uid/${APPID}:up-${APPID}/*`] }] };

/** The UploadSigner construct after deploy: a sub-user with one key and one attached policy; a second policy-less user. */
function signerState(): State {
  const s = baseState();
  s.credentials.push(structuredClone(UPLOADER));
  s.cam.users.push(
    { name: USER, uin: UPLOADER.uin, uid: 1001001, createTime: "2026-11-24 10:00:00", policyIds: [POLICY_ID] },
    { name: "someone-else", uin: "100000001002", uid: 1001002, createTime: "2026-11-20 08:00:00", policyIds: [] },
  );
  s.cam.policies.push({
    policyId: POLICY_ID, policyName: "live-demo-dev-upload-objects", description: "upload only", type: 1, addTime: "2026-11-24 10:00:00",
    updateTime: "2026-11-24 10:00:00", document: structuredClone(DOC) as State["cam"]["policies"][number]["document"],
  });
  s.cam.policies.push({ policyId: 200000002, policyName: "foreign", addTime: "2026-11-20 08:00:00", updateTime: "2026-11-20 08:00:00", document: { version: "2.0", statement: [] } });
  return s;
}

const code = async (p: Promise<unknown>) => (await sdkError(p)).code;

describe("cam: policies", () => {
  let t: TestSandbox;
  let cam: CommonClient;
  beforeAll(async () => {
    t = await startTestSandbox({ state: signerState() });
    cam = t.client("cam");
  });
  afterAll(() => t.close());

  test("UpdatePolicy changes the document and description; GetPolicy reflects it", async () => {
    const widened = { version: "2.0", statement: [{ effect: "allow", action: "name/cos:*", resource: "*" }] };
    expect(await cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyDocument: JSON.stringify(widened), Description: "widened" })).not.toHaveProperty("PolicyId");
    const pol = await cam.request("GetPolicy", { PolicyId: POLICY_ID });
    expect(pol).toMatchObject({ PolicyName: "live-demo-dev-upload-objects", Description: "widened", AddTime: "2026-11-24 10:00:00" });
    expect(pol.UpdateTime).not.toBe("2026-11-24 10:00:00");
    expect(JSON.parse(pol.PolicyDocument)).toEqual({ version: "2.0", statement: [{ effect: "allow", action: ["name/cos:*"], resource: ["*"] }] });
    // Named by PolicyName, the answer carries the PolicyId (documented).
    expect((await cam.request("UpdatePolicy", { PolicyName: "live-demo-dev-upload-objects", PolicyDocument: JSON.stringify(DOC) })).PolicyId).toBe(POLICY_ID);
    expect(JSON.parse((await cam.request("GetPolicy", { PolicyId: POLICY_ID })).PolicyDocument)).toEqual(DOC);
  });

  test("UpdatePolicy refusals: unknown policy, no id or name, malformed documents", async () => {
    expect(await code(cam.request("UpdatePolicy", { PolicyId: 1, Description: "x" }))).toBe("ResourceNotFound.PolicyIdNotFound");
    expect(await code(cam.request("UpdatePolicy", { Description: "x" }))).toBe("InvalidParameter.ParamError");
    const bad: Array<[unknown, string]> = [
      ["{not json", "InvalidParameter.PolicyDocumentError"],
      [{ version: "1.0", statement: DOC.statement }, "InvalidParameter.VersionError"],
      [{ version: "2.0", statement: [] }, "InvalidParameter.StatementError"],
      [{ version: "2.0", statement: [{ effect: "maybe", action: ["name/cos:*"], resource: ["*"] }] }, "InvalidParameter.EffectError"],
      [{ version: "2.0", statement: [{ effect: "allow", action: ["cos PutObject"], resource: ["*"] }] }, "InvalidParameter.ActionError"],
      [{ version: "2.0", statement: [{ effect: "allow", action: ["name/cos:*"], resource: ["bucket"] }] }, "InvalidParameter.ResourceError"],
    ];
    for (const [doc, want] of bad) {
      const text = typeof doc === "string" ? doc : JSON.stringify(doc);
      expect([text, await code(cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyDocument: text }))]).toEqual([text, want]);
    }
    expect(await code(cam.request("UpdatePolicy", { PolicyId: POLICY_ID, Description: "x".repeat(301) }))).toBe("InvalidParameter.DescriptionLengthOverlimit");
    expect(await code(cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyName: "foreign" }))).toBe("FailedOperation.PolicyNameInUse");
    expect(await code(cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyName: "bad name!" }))).toBe("InvalidParameter.PolicyNameError");
    // A refused request changes nothing, not even the parts that were valid.
    expect(await code(cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyName: "renamed", Description: "d", PolicyDocument: "{bad" }))).toBe(
      "InvalidParameter.PolicyDocumentError",
    );
    const after = await cam.request("GetPolicy", { PolicyId: POLICY_ID });
    expect([after.PolicyName, after.Description, JSON.parse(after.PolicyDocument)]).toEqual(["live-demo-dev-upload-objects", "widened", DOC]);
    await cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyName: "renamed" });
    expect((await cam.request("GetPolicy", { PolicyId: POLICY_ID })).PolicyName).toBe("renamed");
    await cam.request("UpdatePolicy", { PolicyId: POLICY_ID, PolicyName: "live-demo-dev-upload-objects" });
  });

  test("DeletePolicy is refused while attached; DetachUserPolicy, then DeletePolicy; GetPolicy → not found", async () => {
    expect(await code(cam.request("DeletePolicy", { PolicyId: [POLICY_ID] }))).toBe("ResourceInUse");
    expect(await code(cam.request("DetachUserPolicy", { PolicyId: POLICY_ID, DetachUin: 42 }))).toBe("ResourceNotFound.UserNotExist");
    expect(await code(cam.request("DetachUserPolicy", { PolicyId: 1, DetachUin: Number(UPLOADER.uin) }))).toBe("ResourceNotFound.PolicyIdNotFound");
    await cam.request("DetachUserPolicy", { PolicyId: POLICY_ID, DetachUin: Number(UPLOADER.uin) });
    expect((await cam.request("ListAttachedUserPolicies", { TargetUin: Number(UPLOADER.uin) })).TotalNum).toBe(0);
    await cam.request("AttachUserPolicy", { PolicyId: POLICY_ID, AttachUin: Number(UPLOADER.uin) });
    expect((await cam.request("ListAttachedUserPolicies", { TargetUin: Number(UPLOADER.uin) })).List).toEqual([expect.objectContaining({ PolicyId: POLICY_ID })]);
    await cam.request("DetachUserPolicy", { PolicyId: POLICY_ID, DetachUin: Number(UPLOADER.uin) });
    await cam.request("DeletePolicy", { PolicyId: [POLICY_ID] });
    expect(await code(cam.request("GetPolicy", { PolicyId: POLICY_ID }))).toBe("ResourceNotFound.PolicyIdNotFound");
    expect(await code(cam.request("DeletePolicy", { PolicyId: [POLICY_ID] }))).toBe("ResourceNotFound.PolicyIdNotFound");
  });
});

describe("cam: access keys and users", () => {
  let t: TestSandbox;
  let cam: CommonClient;
  const keys = async (uin = UPLOADER.uin) => (await cam.request("ListAccessKeys", { TargetUin: Number(uin) })).AccessKeys;
  beforeAll(async () => {
    t = await startTestSandbox({ state: signerState() });
    cam = t.client("cam");
  });
  afterAll(() => t.close());

  test("UpdateAccessKey Inactive: ListAccessKeys shows it and the key stops working; Active restores it", async () => {
    const asUploader = t.client("sts", { cred: UPLOADER });
    expect((await asUploader.request("GetCallerIdentity", {})).UserId).toBe(UPLOADER.uin);
    await cam.request("UpdateAccessKey", { AccessKeyId: UPLOADER.secretId, Status: "Inactive", TargetUin: Number(UPLOADER.uin) });
    expect(await keys()).toEqual([expect.objectContaining({ AccessKeyId: UPLOADER.secretId, Status: "Inactive" })]);
    expect(await code(asUploader.request("GetCallerIdentity", {}))).toBe("AuthFailure.SecretIdNotFound");
    await cam.request("UpdateAccessKey", { AccessKeyId: UPLOADER.secretId, Status: "Active", TargetUin: Number(UPLOADER.uin) });
    expect((await asUploader.request("GetCallerIdentity", {})).UserId).toBe(UPLOADER.uin);
  });

  test("access-key refusals: unknown key, key of another user, bad status, sub-users on other keys", async () => {
    expect(await code(cam.request("UpdateAccessKey", { AccessKeyId: "AKIDnobody", Status: "Inactive", TargetUin: Number(UPLOADER.uin) }))).toBe("ResourceNotFound.SecretNotExist");
    expect(await code(cam.request("UpdateAccessKey", { AccessKeyId: UPLOADER.secretId, Status: "Inactive", TargetUin: 100000001002 }))).toBe("OperationDenied.UinNotMatch");
    expect(await code(cam.request("UpdateAccessKey", { AccessKeyId: UPLOADER.secretId, Status: "Off", TargetUin: Number(UPLOADER.uin) }))).toBe("InvalidParameter.ParamError");
    expect(await code(cam.request("DeleteAccessKey", { AccessKeyId: UPLOADER.secretId, TargetUin: 42 }))).toBe("InvalidParameter.UserNotExist");
    // The uploader, even with every CAM permission, may not touch the root account's or another user's keys.
    const s = t.sb.store.get();
    s.credentials.find((c) => c.secretId === UPLOADER.secretId)!.policy = { version: "2.0", statement: [{ effect: "allow", action: ["name/cam:*"], resource: ["*"] }] };
    const asUploader = t.client("cam", { cred: UPLOADER });
    expect(await code(asUploader.request("DeleteAccessKey", { AccessKeyId: OWNER.secretId, TargetUin: Number(OWNER.uin) }))).toBe("OperationDenied.SubUin");
    expect(await code(asUploader.request("DeleteAccessKey", { AccessKeyId: "AKIDx", TargetUin: 100000001002 }))).toBe("OperationDenied.UinNotMatch");
    delete s.credentials.find((c) => c.secretId === UPLOADER.secretId)!.policy;
    // No secret or full SecretId of a missing key is echoed.
    const e = await sdkError(cam.request("UpdateAccessKey", { AccessKeyId: "AKIDsomebodyElse000000000000000000", Status: "Inactive" }));
    expect(e.message).not.toContain("AKIDsomebodyElse000000000000000000");
  });

  test("DeleteUser: refused with keys (OperationDenied.HaveKeys) and with attached policies; the key goes, then the user", async () => {
    expect(await code(cam.request("DeleteUser", { Name: USER }))).toBe("OperationDenied.HaveKeys");
    await cam.request("DeleteAccessKey", { AccessKeyId: UPLOADER.secretId, TargetUin: Number(UPLOADER.uin) });
    expect(await keys()).toEqual([]);
    expect(await code(t.client("sts", { cred: UPLOADER }).request("GetCallerIdentity", {}))).toBe("AuthFailure.SecretIdNotFound");
    expect(await code(cam.request("DeleteUser", { Name: USER }))).toBe("ResourceInUse");
    await cam.request("DetachUserPolicy", { PolicyId: POLICY_ID, DetachUin: Number(UPLOADER.uin) });
    await cam.request("DeleteUser", { Name: USER });
    expect(await code(cam.request("GetUser", { Name: USER }))).toBe("ResourceNotFound.UserNotExist");
    expect(await code(cam.request("DeleteUser", { Name: USER }))).toBe("ResourceNotFound.UserNotExist");
    expect((await cam.request("ListUsers", {})).Data.map((u: { Name: string }) => u.Name)).toEqual(["someone-else"]);
  });

  test("DeleteUser Force=1 deletes the user's keys with it", async () => {
    t.sb.store.mutate((s) => s.credentials.push({ ...UPLOADER, secretId: "AKIDsandboxElse000000000000000000000", uin: "100000001002", status: "Inactive" }));
    expect(await code(cam.request("DeleteUser", { Name: "someone-else" }))).toBe("OperationDenied.HaveKeys");
    await cam.request("DeleteUser", { Name: "someone-else", Force: 1 });
    expect(t.sb.store.get().credentials.some((c) => c.uin === "100000001002")).toBe(false);
    expect((await cam.request("ListUsers", {})).Data).toEqual([]);
  });
});

describe("tag writes", () => {
  let t: TestSandbox;
  let tag: CommonClient;
  const CDB = `qcs::cdb:ap-guangzhou:uin/${OWNER.uin}:instanceId/cdb-abcd1234`;
  const USER_RES = `qcs::cam::uin/${OWNER.uin}:uin/${UPLOADER.uin}`;
  const VPC_RES = `qcs::vpc:ap-guangzhou:uin/${OWNER.uin}:vpc/vpc-abcd1234`;
  beforeAll(async () => {
    const s = signerState();
    s.cdb.instances.push({
      instanceId: "cdb-abcd1234", instanceName: "n", region: "ap-guangzhou", zone: "ap-guangzhou-3", status: 1, taskStatus: 0, vip: "127.0.0.1", vport: 1,
      wanStatus: 0, wanDomain: "", wanPort: 0, engineVersion: "8.0", engineType: "InnoDB", memory: 1000, volume: 25, charset: "utf8mb4",
      createTime: "2026-11-24 10:00:00", params: {}, databases: [], accounts: [],
    });
    vpcOf(s).vpcs.push({ vpcId: "vpc-abcd1234", vpcName: "v", cidrBlock: "10.0.0.0/16", region: "ap-guangzhou", createTime: "2026-11-24 10:00:00" });
    t = await startTestSandbox({ state: s });
    tag = t.client("tag");
  });
  afterAll(() => t.close());

  test("TagResources plants tags on untagged resources; GetResources and each product's describe reflect them", async () => {
    expect((await tag.request("GetResources", {})).ResourceTagMappingList).toEqual([]);
    // The account part may be empty (as the Terraform provider writes it); CAM is global, so any region matches.
    const r = await tag.request("TagResources", {
      ResourceList: [CDB.replace(`uin/${OWNER.uin}`, "uin/"), `qcs::cam:ap-guangzhou:uin/:uin/${UPLOADER.uin}`, VPC_RES, `qcs::cam::uin/${OWNER.uin}:policy/${POLICY_ID}`],
      Tags: [{ TagKey: "owner", TagValue: "someone" }, { TagKey: "expires", TagValue: "2026-11-25" }],
    });
    expect(r.FailedResources).toEqual([]);
    const all = await tag.request("GetResources", { TagFilters: [{ TagKey: "owner", TagValue: ["someone"] }] });
    expect(all.ResourceTagMappingList.map((m: { Resource: string }) => m.Resource).sort()).toEqual(
      [CDB, USER_RES, VPC_RES, `qcs::cam::uin/${OWNER.uin}:policy/${POLICY_ID}`].sort(),
    );
    const inst = (await t.client("cdb").request("DescribeDBInstances", {})).Items[0];
    expect(inst.TagList).toEqual([{ TagKey: "owner", TagValue: "someone" }, { TagKey: "expires", TagValue: "2026-11-25" }]);
    expect((await t.client("cam").request("GetPolicy", { PolicyId: POLICY_ID })).Tags).toEqual([{ Key: "owner", Value: "someone" }, { Key: "expires", Value: "2026-11-25" }]);
    const byTags = await tag.request("DescribeResourcesByTags", { TagFilters: [{ TagKey: "expires" }], ServiceType: "cam", ResourcePrefix: "uin" });
    expect(byTags.Rows).toEqual([expect.objectContaining({ ResourceId: UPLOADER.uin, ServiceType: "cam", ResourcePrefix: "uin" })]);
    // An existing key takes the new value (documented).
    await tag.request("TagResources", { ResourceList: [CDB], Tags: [{ TagKey: "owner", TagValue: "janitor" }] });
    expect((await t.client("cdb").request("DescribeDBInstances", {})).Items[0].TagList).toContainEqual({ TagKey: "owner", TagValue: "janitor" });
  });

  test("UnTagResources and ModifyResourceTags (what the provider uses) remove and replace tags", async () => {
    await tag.request("UnTagResources", { ResourceList: [VPC_RES], TagKeys: ["owner", "expires"] });
    const vpc = new CommonClient("vpc.tencentcloudapi.com", "2017-03-12", {
      credential: OWNER, region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: `vpc.tencentcloudapi.com:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
    });
    expect((await vpc.request("DescribeVpcs", {})).VpcSet[0].TagSet).toEqual([]);
    await tag.request("ModifyResourceTags", { Resource: CDB, ReplaceTags: [{ TagKey: "env", TagValue: "dev" }], DeleteTags: [{ TagKey: "owner" }] });
    expect((await t.client("cdb").request("DescribeDBInstances", {})).Items[0].TagList).toEqual([
      { TagKey: "expires", TagValue: "2026-11-25" },
      { TagKey: "env", TagValue: "dev" },
    ]);
    const got = await tag.request("GetResources", { ResourceList: [CDB] });
    expect(got.ResourceTagMappingList[0].Tags.map((x: { TagKey: string }) => x.TagKey)).toEqual(["expires", "env"]);
  });

  test("refusals: reserved and duplicate keys, empty values, limits, malformed and unknown resources", async () => {
    const tagOne = (tags: unknown, list: string[] = [CDB]) => tag.request("TagResources", { ResourceList: list, Tags: tags });
    expect(await code(tagOne([{ TagKey: "qcloud:x", TagValue: "v" }]))).toBe("InvalidParameter.ReservedTagKey");
    expect(await code(tagOne([{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }]))).toBe("InvalidParameterValue.TagKeyDuplicate");
    expect(await code(tagOne([{ TagKey: "a", TagValue: "" }]))).toBe("InvalidParameterValue.TagValueEmpty");
    expect(await code(tagOne([{ TagKey: "a", TagValue: "x".repeat(128) }]))).toBe("InvalidParameterValue.TagValueLengthExceeded");
    expect(await code(tagOne(Array.from({ length: 11 }, (_x, i) => ({ TagKey: `k${i}`, TagValue: "v" }))))).toBe("LimitExceeded.TagNumPerRequest");
    expect(await code(tagOne([{ TagKey: "a", TagValue: "v" }], Array.from({ length: 11 }, () => CDB)))).toBe("LimitExceeded.ResourceNumPerRequest");
    expect(await code(tagOne([{ TagKey: "a", TagValue: "v" }], ["cdb-abcd1234"]))).toBe("InvalidParameterValue.ResourceDescriptionError");
    const partial = await tagOne([{ TagKey: "a", TagValue: "v" }], [CDB, `qcs::cdb:ap-guangzhou:uin/${OWNER.uin}:instanceId/cdb-gone0000`]);
    expect(partial.FailedResources).toEqual([expect.objectContaining({ Resource: `qcs::cdb:ap-guangzhou:uin/${OWNER.uin}:instanceId/cdb-gone0000`, Code: "ResourceNotFound" })]);
    const modify = (req: Record<string, unknown>) => tag.request("ModifyResourceTags", { Resource: CDB, ...req });
    expect(await code(modify({}))).toBe("InvalidParameter.Tag");
    expect(await code(modify({ ReplaceTags: [] }))).toBe("InvalidParameter.Tag");
    expect(await code(modify({ ReplaceTags: [{ TagKey: "env", TagValue: "x" }], DeleteTags: [{ TagKey: "env" }] }))).toBe("InvalidParameterValue.DeleteTagsParamError");
    expect(await code(tag.request("ModifyResourceTags", { Resource: `qcs::vpc:ap-guangzhou:uin/:vpc/vpc-00000000`, DeleteTags: [{ TagKey: "a" }] }))).toBe(
      "InvalidParameterValue.ResourceDescriptionError",
    );
    expect(await code(tag.request("UnTagResources", { ResourceList: [CDB], TagKeys: [""] }))).toBe("InvalidParameterValue.TagKeyEmpty");
  });
});
