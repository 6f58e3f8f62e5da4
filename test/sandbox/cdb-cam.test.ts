// CDB 2017-03-20, CAM 2019-01-16 and STS GetCallerIdentity through the official SDK.
import { baseState, OWNER, SIGNER, sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";
import { DbInstance } from "../../sandbox/state";

let t: TestSandbox;

const INSTANCE: DbInstance = {
  instanceId: "cdb-abcd1234", instanceName: "live-demo-dev-mysql", region: "ap-guangzhou", zone: "ap-guangzhou-3", status: 1, taskStatus: 0,
  vip: "127.0.0.1", vport: 3307, wanStatus: 1, wanDomain: "127.0.0.1", wanPort: 3307, engineVersion: "8.0", engineType: "InnoDB",
  memory: 1000, volume: 25, charset: "utf8mb4", createTime: "2026-11-24 10:00:00", params: { time_zone: "+08:00" },
  databases: [{ name: "live_demo", characterSet: "utf8mb4" }], accounts: [{ user: "live_user", host: "%" }], tags: { app: "live-demo" },
};

beforeAll(async () => {
  const state = baseState();
  state.cdb.instances.push(INSTANCE, { ...INSTANCE, instanceId: "cdb-other001", instanceName: "elsewhere", region: "ap-shanghai", databases: [] });
  state.cam.users.push({ name: "live-demo-dev-uploader", uin: SIGNER.uin, uid: 1001001, remark: "signer", createTime: "2026-11-24 10:00:00", policyIds: [200000001] });
  state.cam.policies.push({
    policyId: 200000001, policyName: "live-demo-dev-upload-objects", description: "upload only", type: 1, addTime: "2026-11-24 10:00:00", updateTime: "2026-11-24 10:00:00",
    document: { version: "2.0", statement: [{ effect: "allow", action: ["name/cos:PutObject"], resource: ["qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/*"] }] },
  });
  t = await startTestSandbox({ state });
});
afterAll(() => t.close());

describe("cdb", () => {
  test("DescribeDBInstances lists the region's instances with vip/vport and wan fields", async () => {
    const r = await t.client("cdb").request("DescribeDBInstances", {});
    expect(r.TotalCount).toBe(1);
    expect(r.Items[0]).toMatchObject({
      InstanceId: "cdb-abcd1234", InstanceName: "live-demo-dev-mysql", Status: 1, Vip: "127.0.0.1", Vport: 3307, WanStatus: 1,
      WanDomain: "127.0.0.1", WanPort: 3307, EngineVersion: "8.0", Region: "ap-guangzhou", Zone: "ap-guangzhou-3", Memory: 1000, Volume: 25,
      TagList: [{ TagKey: "app", TagValue: "live-demo" }],
    });
    const sh = await t.client("cdb", { region: "ap-shanghai" }).request("DescribeDBInstances", { InstanceIds: ["cdb-other001"] });
    expect(sh.Items.map((i: { InstanceId: string }) => i.InstanceId)).toEqual(["cdb-other001"]);
  });

  test("GET requests carry arrays and nested objects flattened (A.0.B=v)", async () => {
    const r = await t.client("cdb", { method: "GET" }).request("DescribeDBInstances", { InstanceIds: ["cdb-abcd1234"], Status: [1] });
    expect(r.Items.map((i: { InstanceId: string }) => i.InstanceId)).toEqual(["cdb-abcd1234"]);
    const tags = await t.client("tag", { method: "GET" }).request("DescribeResourcesByTags", { TagFilters: [{ TagKey: "app", TagValue: ["live-demo"] }], ServiceType: "cdb" });
    expect(tags.TotalCount).toBe(2);
  });

  test("filters: unknown InstanceIds give an empty list, not an error", async () => {
    expect(await t.client("cdb").request("DescribeDBInstances", { InstanceIds: ["cdb-nope"] })).toMatchObject({ TotalCount: 0, Items: [] });
    expect((await t.client("cdb").request("DescribeDBInstances", { Status: [1], Limit: 1, Offset: 0 })).TotalCount).toBe(1);
    expect((await sdkError(t.client("cdb").request("DescribeDBInstances", { Limit: 5000 }))).code).toBe("InvalidParameterValue.InvalidParameterValueError");
  });

  test("DescribeDatabases: system schemas plus the instance's databases; DatabaseList with charsets", async () => {
    const r = await t.client("cdb").request("DescribeDatabases", { InstanceId: "cdb-abcd1234" });
    expect(r.Items).toEqual(expect.arrayContaining(["information_schema", "mysql", "live_demo"]));
    expect(r.TotalCount).toBe(r.Items.length);
    expect(r.DatabaseList).toEqual([{ DatabaseName: "live_demo", CharacterSet: "utf8mb4" }]);
    const only = await t.client("cdb").request("DescribeDatabases", { InstanceId: "cdb-abcd1234", DatabaseRegexp: "^live" });
    expect(only.Items).toEqual(["live_demo"]);
  });

  test("DescribeDBInstanceCharset and DescribeInstanceParams", async () => {
    expect((await t.client("cdb").request("DescribeDBInstanceCharset", { InstanceId: "cdb-abcd1234" })).Charset).toBe("utf8mb4");
    const p = await t.client("cdb").request("DescribeInstanceParams", { InstanceId: "cdb-abcd1234" });
    expect(p.Items).toEqual([expect.objectContaining({ Name: "time_zone", CurrentValue: "+08:00" })]);
  });

  test("unknown instance (or one in another region) → InvalidParameter.InstanceNotFound", async () => {
    for (const [action, id] of [["DescribeDatabases", "cdb-nope"], ["DescribeDatabases", "cdb-other001"], ["DescribeDBInstanceCharset", "cdb-nope"], ["DescribeInstanceParams", "cdb-nope"]]) {
      expect([action, id, (await sdkError(t.client("cdb").request(action, { InstanceId: id }))).code]).toEqual([action, id, "InvalidParameter.InstanceNotFound"]);
    }
  });
});

describe("cam and sts", () => {
  test("GetUser by name; unknown → ResourceNotFound.UserNotExist", async () => {
    const u = await t.client("cam").request("GetUser", { Name: "live-demo-dev-uploader" });
    expect(u).toMatchObject({ Uin: Number(SIGNER.uin), Name: "live-demo-dev-uploader", Uid: 1001001, Remark: "signer", ConsoleLogin: 0 });
    expect((await sdkError(t.client("cam").request("GetUser", { Name: "nobody" }))).code).toBe("ResourceNotFound.UserNotExist");
  });

  test("ListUsers and DescribeSubAccounts", async () => {
    expect((await t.client("cam").request("ListUsers", {})).Data).toEqual([expect.objectContaining({ Name: "live-demo-dev-uploader", Uin: Number(SIGNER.uin) })]);
    const sub = await t.client("cam").request("DescribeSubAccounts", { FilterSubAccountUin: [Number(SIGNER.uin), 1] });
    expect(sub.SubAccounts).toEqual([expect.objectContaining({ Name: "live-demo-dev-uploader", UserType: 2 })]);
  });

  test("ListAccessKeys never returns secrets; sub-users see only their own", async () => {
    const own = await t.client("cam").request("ListAccessKeys", { TargetUin: Number(SIGNER.uin) });
    expect(own.AccessKeys).toEqual([expect.objectContaining({ AccessKeyId: SIGNER.secretId, Status: "Active" })]);
    expect(JSON.stringify(own)).not.toContain(SIGNER.secretKey);
    expect((await sdkError(t.client("cam").request("ListAccessKeys", { TargetUin: 42 }))).code).toBe("InvalidParameter.UserNotExist");
  });

  test("ListAttachedUserPolicies and GetPolicy give the signer's policy document", async () => {
    const att = await t.client("cam").request("ListAttachedUserPolicies", { TargetUin: Number(SIGNER.uin) });
    expect(att).toMatchObject({ TotalNum: 1, List: [{ PolicyId: 200000001, PolicyName: "live-demo-dev-upload-objects", PolicyType: "User" }] });
    const pol = await t.client("cam").request("GetPolicy", { PolicyId: 200000001 });
    expect(JSON.parse(pol.PolicyDocument)).toEqual({
      version: "2.0", statement: [{ effect: "allow", action: ["name/cos:PutObject"], resource: ["qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/*"] }],
    });
    expect((await sdkError(t.client("cam").request("GetPolicy", { PolicyId: 1 }))).code).toBe("ResourceNotFound.PolicyIdNotFound");
    expect((await t.client("cam").request("ListAttachedUserPolicies", { TargetUin: 42 })).TotalNum).toBe(0);
  });

  test("the signer's own CAM reads are refused by its policy (cos only)", async () => {
    expect((await sdkError(t.client("cam", { cred: SIGNER }).request("GetUser", { Name: "live-demo-dev-uploader" }))).code).toBe("AuthFailure.UnauthorizedOperation");
  });

  test("GetCallerIdentity of the owner", async () => {
    const id = await t.client("sts").request("GetCallerIdentity", {});
    expect(id).toMatchObject({ AccountId: OWNER.uin, UserId: OWNER.uin, Type: "RootAccount" });
  });
});

describe("tag", () => {
  test("GetResources by tag filter and by six-segment name", async () => {
    const r = await t.client("tag").request("GetResources", { TagFilters: [{ TagKey: "app", TagValue: ["live-demo"] }] });
    expect(r.ResourceTagMappingList).toEqual([
      { Resource: `qcs::cdb:ap-guangzhou:uin/${OWNER.uin}:instanceId/cdb-abcd1234`, Tags: [{ TagKey: "app", TagValue: "live-demo", Category: "Custom" }] },
      { Resource: `qcs::cdb:ap-shanghai:uin/${OWNER.uin}:instanceId/cdb-other001`, Tags: [{ TagKey: "app", TagValue: "live-demo", Category: "Custom" }] },
    ]);
    expect(r.PaginationToken).toBe("");
    const byName = await t.client("tag").request("GetResources", { ResourceList: ["qcs::cdb:ap-guangzhou:uin/:instanceId/cdb-abcd1234"] });
    expect(byName.ResourceTagMappingList).toHaveLength(1);
    const page = await t.client("tag").request("GetResources", { MaxResults: 1 });
    expect(page.PaginationToken).toBe("1");
    expect((await sdkError(t.client("tag").request("GetResources", { ResourceList: ["cdb-abcd1234"] }))).code).toBe("InvalidParameterValue.ResourceDescriptionError");
  });

  test("DescribeResourcesByTags", async () => {
    const r = await t.client("tag").request("DescribeResourcesByTags", { TagFilters: [{ TagKey: "app" }], ServiceType: "cdb", ResourceRegion: "ap-guangzhou" });
    expect(r).toMatchObject({ TotalCount: 1, Rows: [{ ResourceId: "cdb-abcd1234", ResourcePrefix: "instanceId", ServiceType: "cdb", Tags: [{ TagKey: "app", TagValue: "live-demo" }] }] });
    expect((await sdkError(t.client("tag").request("DescribeResourcesByTags", {}))).code).toBe("MissingParameter");
  });
});
