// CDB write actions and VPC 2017-03-12 through the official SDK over real HTTP: each action's success, its documented
// refusals, and the describe that reflects the change; then a teardown of the Database construct's resources in
// dependency order, every wrong step refused.
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { DbInstance, State, vpcOf } from "../../sandbox/state";
import { OWNER, baseState, sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

const REGION = "ap-guangzhou";
const VPC_ID = "vpc-abcd1234";
const SUBNET_ID = "subnet-abcd1234";
const SG_ID = "sg-abcd1234";
const OTHER_SG = "sg-efgh5678";
const INSTANCE_ID = "cdb-abcd1234";
const TAGS = { "live-demo:env": "dev", "live-demo:stack": "live-demo-dev" };

/** What a deploy of the Database construct leaves: VPC, subnet, security group + rules, instance, database, account. */
function stackState(): State {
  const s = baseState();
  const v = vpcOf(s);
  v.vpcs.push({ vpcId: VPC_ID, vpcName: "live-demo-dev-vpc", cidrBlock: "10.20.0.0/16", region: REGION, createTime: "2026-11-24 10:00:00", tags: { ...TAGS } });
  v.subnets.push({
    subnetId: SUBNET_ID, vpcId: VPC_ID, subnetName: "live-demo-dev-db", cidrBlock: "10.20.1.0/24", zone: "ap-guangzhou-3", region: REGION,
    createTime: "2026-11-24 10:00:01", tags: { ...TAGS },
  });
  v.securityGroups.push(
    {
      securityGroupId: SG_ID, securityGroupName: "live-demo-dev-mysql", securityGroupDesc: "MySQL 3306 from the backend only", region: REGION,
      createTime: "2026-11-24 10:00:02", tags: { ...TAGS }, policyVersion: 1,
      ingress: [{ protocol: "TCP", port: "3306", cidrBlock: "10.0.0.0/8", action: "ACCEPT", policyDescription: "MySQL from the backend" }],
    },
    { securityGroupId: OTHER_SG, securityGroupName: "foreign", securityGroupDesc: "", region: REGION, createTime: "2026-11-20 08:00:00" },
  );
  const inst: DbInstance = {
    instanceId: INSTANCE_ID, instanceName: "live-demo-dev-mysql", region: REGION, zone: "ap-guangzhou-3", status: 1, taskStatus: 0,
    vip: "127.0.0.1", vport: 3307, wanStatus: 0, wanDomain: "", wanPort: 0, engineVersion: "8.0", engineType: "InnoDB", memory: 1000,
    volume: 25, charset: "utf8mb4", createTime: "2026-11-24 10:00:03", params: { time_zone: "+08:00" },
    databases: [{ name: "live_demo", characterSet: "utf8mb4" }], tags: { ...TAGS }, vpcId: VPC_ID, subnetId: SUBNET_ID, securityGroupIds: [SG_ID],
    accounts: [
      {
        user: "live_user", host: "%", description: "live-demo backend", createTime: "2026-11-24 10:00:04",
        privileges: { databases: [{ database: "live_demo", privileges: ["SELECT", "INSERT", "UPDATE"] }] },
      },
    ],
  };
  s.cdb.instances.push(inst);
  return s;
}

function vpcClient(t: TestSandbox, region = REGION): CommonClient {
  return new CommonClient("vpc.tencentcloudapi.com", "2017-03-12", {
    credential: OWNER, region,
    profile: { httpProfile: { endpoint: `vpc.tencentcloudapi.com:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
  });
}

const code = async (p: Promise<unknown>) => (await sdkError(p)).code;

describe("cdb", () => {
  let t: TestSandbox;
  let cdb: CommonClient;
  beforeAll(async () => {
    t = await startTestSandbox({ state: stackState() });
    cdb = t.client("cdb");
  });
  afterAll(() => t.close());

  test("DescribeDBInstances shows the VPC placement and filters by security group; DescribeDBSecurityGroups gives the rules", async () => {
    const r = await cdb.request("DescribeDBInstances", { InstanceIds: [INSTANCE_ID] });
    expect(r.Items[0]).toMatchObject({ UniqVpcId: VPC_ID, UniqSubnetId: SUBNET_ID, CreateTime: "2026-11-24 10:00:03" });
    expect((await cdb.request("DescribeDBInstances", { WithSecurityGroup: 1, SecurityGroupId: OTHER_SG })).TotalCount).toBe(0);
    expect((await cdb.request("DescribeDBInstances", { WithSecurityGroup: 1, SecurityGroupId: SG_ID })).TotalCount).toBe(1);
    const sg = await cdb.request("DescribeDBSecurityGroups", { InstanceId: INSTANCE_ID });
    expect(sg.Groups).toEqual([
      expect.objectContaining({
        SecurityGroupId: SG_ID, SecurityGroupName: "live-demo-dev-mysql", SecurityGroupRemark: "MySQL 3306 from the backend only", ProjectId: 0,
        Inbound: [expect.objectContaining({ Action: "ACCEPT", CidrIp: "10.0.0.0/8", PortRange: "3306", IpProtocol: "TCP", Dir: "INPUT", Desc: "MySQL from the backend" })],
        Outbound: [],
      }),
    ]);
    expect(await code(cdb.request("DescribeDBSecurityGroups", { InstanceId: "cdb-nope" }))).toBe("InvalidParameter.InstanceNotFound");
  });

  test("DescribeAccounts / DescribeAccountPrivileges", async () => {
    const a = await cdb.request("DescribeAccounts", { InstanceId: INSTANCE_ID });
    expect(a).toMatchObject({ TotalCount: 1, Items: [{ User: "live_user", Host: "%", Notes: "live-demo backend", CreateTime: "2026-11-24 10:00:04" }] });
    expect((await cdb.request("DescribeAccounts", { InstanceId: INSTANCE_ID, AccountRegexp: "^root$" })).TotalCount).toBe(0);
    expect(await code(cdb.request("DescribeAccounts", { InstanceId: INSTANCE_ID, Limit: 101 }))).toBe("InvalidParameterValue.InvalidParameterValueError");
    const p = await cdb.request("DescribeAccountPrivileges", { InstanceId: INSTANCE_ID, User: "live_user", Host: "%" });
    expect(p).toMatchObject({ GlobalPrivileges: [], DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "INSERT", "UPDATE"] }], TablePrivileges: [], ColumnPrivileges: [] });
    expect(await code(cdb.request("DescribeAccountPrivileges", { InstanceId: INSTANCE_ID, User: "live_user", Host: "10.%" }))).toBe("InvalidParameterValue.UserNotExistError");
  });

  test("ModifyAccountPrivileges: the full set replaces, grant adds, revoke removes; bad names and accounts refused", async () => {
    const acct = [{ User: "live_user", Host: "%" }];
    const privs = () => cdb.request("DescribeAccountPrivileges", { InstanceId: INSTANCE_ID, User: "live_user", Host: "%" });
    const r = await cdb.request("ModifyAccountPrivileges", {
      InstanceId: INSTANCE_ID, Accounts: acct, GlobalPrivileges: ["PROCESS"], DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "DELETE", "DROP"] }],
    });
    expect(typeof r.AsyncRequestId).toBe("string");
    expect(await privs()).toMatchObject({ GlobalPrivileges: ["PROCESS"], DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "DELETE", "DROP"] }] });
    await cdb.request("ModifyAccountPrivileges", { InstanceId: INSTANCE_ID, Accounts: acct, ModifyAction: "revoke", DatabasePrivileges: [{ Database: "live_demo", Privileges: ["DELETE", "DROP"] }] });
    await cdb.request("ModifyAccountPrivileges", {
      InstanceId: INSTANCE_ID, Accounts: acct, ModifyAction: "grant", DatabasePrivileges: [{ Database: "live_demo", Privileges: ["INSERT", "UPDATE"] }],
      TablePrivileges: [{ Database: "live_demo", Table: "tb_vod", Privileges: ["SELECT"] }],
    });
    expect(await privs()).toMatchObject({
      GlobalPrivileges: ["PROCESS"], DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "INSERT", "UPDATE"] }],
      TablePrivileges: [{ Database: "live_demo", Table: "tb_vod", Privileges: ["SELECT"] }],
    });
    // Without ModifyAction an omitted level is cleared (documented).
    await cdb.request("ModifyAccountPrivileges", { InstanceId: INSTANCE_ID, Accounts: acct, DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "INSERT", "UPDATE"] }] });
    expect(await privs()).toMatchObject({ GlobalPrivileges: [], TablePrivileges: [], DatabasePrivileges: [{ Database: "live_demo", Privileges: ["SELECT", "INSERT", "UPDATE"] }] });
    expect(await code(cdb.request("ModifyAccountPrivileges", { InstanceId: INSTANCE_ID, Accounts: acct, GlobalPrivileges: ["SUPER"] }))).toBe(
      "UnsupportedOperation.PrivilegesUnsupportedError",
    );
    expect(await code(cdb.request("ModifyAccountPrivileges", { InstanceId: INSTANCE_ID, Accounts: [{ User: "nobody", Host: "%" }], GlobalPrivileges: [] }))).toBe(
      "InvalidParameterValue.UserNotExistError",
    );
    expect(await code(cdb.request("ModifyAccountPrivileges", { InstanceId: "cdb-nope", Accounts: acct }))).toBe("InvalidParameter.InstanceNotFound");
  });

  test("ModifyInstanceParam (time_zone) is reflected by DescribeInstanceParams; bad values refused", async () => {
    const r = await cdb.request("ModifyInstanceParam", { InstanceIds: [INSTANCE_ID], ParamList: [{ Name: "time_zone", CurrentValue: "+00:00" }] });
    expect(typeof r.AsyncRequestId).toBe("string");
    const p = await cdb.request("DescribeInstanceParams", { InstanceId: INSTANCE_ID });
    expect(p.Items).toEqual([expect.objectContaining({ Name: "time_zone", CurrentValue: "+00:00" })]);
    for (const bad of ["+14:30", "Asia/Nowhere x", "8"]) {
      expect([bad, await code(cdb.request("ModifyInstanceParam", { InstanceIds: [INSTANCE_ID], ParamList: [{ Name: "time_zone", CurrentValue: bad }] }))]).toEqual([
        bad, "InvalidParameterValue.InvalidParameterValueError",
      ]);
    }
    expect(await code(cdb.request("ModifyInstanceParam", { InstanceIds: [INSTANCE_ID], ParamList: [{ Name: "lower_case_table_names", CurrentValue: "1" }] }))).toBe("OperationDenied");
    expect(await code(cdb.request("ModifyInstanceParam", { InstanceIds: ["cdb-nope"], ParamList: [{ Name: "time_zone", CurrentValue: "SYSTEM" }] }))).toBe(
      "InvalidParameter.InstanceNotFound",
    );
    expect(await code(cdb.request("ModifyInstanceParam", { InstanceIds: [INSTANCE_ID] }))).toBe("MissingParameter");
    await cdb.request("ModifyInstanceParam", { InstanceIds: [INSTANCE_ID], ParamList: [{ Name: "time_zone", CurrentValue: "+08:00" }] });
    expect((await cdb.request("DescribeInstanceParams", { InstanceId: INSTANCE_ID })).Items[0].CurrentValue).toBe("+08:00");
  });

  test("OpenWanService / CloseWanService turn WanStatus 1 / 2; a repeated call is refused", async () => {
    await cdb.request("OpenWanService", { InstanceId: INSTANCE_ID });
    expect((await cdb.request("DescribeDBInstances", { InstanceIds: [INSTANCE_ID] })).Items[0]).toMatchObject({ WanStatus: 1, WanDomain: "127.0.0.1", WanPort: 3307 });
    expect(await code(cdb.request("OpenWanService", { InstanceId: INSTANCE_ID }))).toBe("OperationDenied.WrongStatus");
    await cdb.request("CloseWanService", { InstanceId: INSTANCE_ID });
    expect((await cdb.request("DescribeDBInstances", { InstanceIds: [INSTANCE_ID] })).Items[0]).toMatchObject({ WanStatus: 2, WanPort: 0 });
    expect(await code(cdb.request("CloseWanService", { InstanceId: INSTANCE_ID }))).toBe("OperationDenied.WrongStatus");
    expect(await code(cdb.request("OpenWanService", { InstanceId: "cdb-nope" }))).toBe("InvalidParameter.InstanceNotFound");
  });

  test("CreateDatabase / DeleteDatabase are reflected by DescribeDatabases", async () => {
    await cdb.request("CreateDatabase", { InstanceId: INSTANCE_ID, DBName: "foreign_db", CharacterSetName: "utf8" });
    const before = await cdb.request("DescribeDatabases", { InstanceId: INSTANCE_ID });
    expect(before.DatabaseList).toEqual([{ DatabaseName: "live_demo", CharacterSet: "utf8mb4" }, { DatabaseName: "foreign_db", CharacterSet: "utf8" }]);
    expect(await code(cdb.request("CreateDatabase", { InstanceId: INSTANCE_ID, DBName: "foreign_db", CharacterSetName: "utf8" }))).toBe(
      "InvalidParameterValue.InvalidParameterValueError",
    );
    await cdb.request("DeleteDatabase", { InstanceId: INSTANCE_ID, DBName: "foreign_db" });
    expect((await cdb.request("DescribeDatabases", { InstanceId: INSTANCE_ID })).DatabaseList).toEqual([{ DatabaseName: "live_demo", CharacterSet: "utf8mb4" }]);
    expect(await code(cdb.request("DeleteDatabase", { InstanceId: INSTANCE_ID, DBName: "foreign_db" }))).toBe("InvalidParameterValue.InvalidParameterValueError");
  });

  test("DeleteAccounts: root and unknown accounts refused; the account leaves DescribeAccounts", async () => {
    expect(await code(cdb.request("DeleteAccounts", { InstanceId: INSTANCE_ID, Accounts: [{ User: "root", Host: "%" }] }))).toBe("OperationDenied.DeleteRootAccountError");
    expect(await code(cdb.request("DeleteAccounts", { InstanceId: INSTANCE_ID, Accounts: [{ User: "live_user", Host: "localhost" }] }))).toBe(
      "InvalidParameterValue.UserNotExistError",
    );
    await cdb.request("DeleteAccounts", { InstanceId: INSTANCE_ID, Accounts: [{ User: "live_user", Host: "%" }] });
    expect((await cdb.request("DescribeAccounts", { InstanceId: INSTANCE_ID })).TotalCount).toBe(0);
  });

  test("IsolateDBInstance → Status 5; only an isolated instance can be offlined, which removes it", async () => {
    expect(await code(cdb.request("OfflineIsolatedInstances", { InstanceIds: [INSTANCE_ID] }))).toBe("InvalidParameter");
    const r = await cdb.request("IsolateDBInstance", { InstanceId: INSTANCE_ID });
    expect(typeof r.AsyncRequestId).toBe("string");
    expect((await cdb.request("DescribeDBInstances", { InstanceIds: [INSTANCE_ID] })).Items[0]).toMatchObject({ Status: 5 });
    expect((await cdb.request("DescribeDBInstances", { Status: [1] })).TotalCount).toBe(0);
    expect((await cdb.request("DescribeDBInstances", { Status: [5] })).TotalCount).toBe(1);
    expect(await code(cdb.request("IsolateDBInstance", { InstanceId: INSTANCE_ID }))).toBe("OperationDenied.InstanceStatusError");
    expect(await code(cdb.request("DeleteDatabase", { InstanceId: INSTANCE_ID, DBName: "live_demo" }))).toBe("OperationDenied.InstanceStatusError");
    expect(await code(cdb.request("OpenWanService", { InstanceId: INSTANCE_ID }))).toBe("OperationDenied.WrongStatus");
    await cdb.request("OfflineIsolatedInstances", { InstanceIds: [INSTANCE_ID] });
    expect(await cdb.request("DescribeDBInstances", { InstanceIds: [INSTANCE_ID] })).toMatchObject({ TotalCount: 0, Items: [] });
    expect(await code(cdb.request("DescribeDatabases", { InstanceId: INSTANCE_ID }))).toBe("InvalidParameter.InstanceNotFound");
    expect(await code(cdb.request("OfflineIsolatedInstances", { InstanceIds: [INSTANCE_ID] }))).toBe("InvalidParameter.InstanceNotFound");
  });
});

describe("vpc: describe", () => {
  let t: TestSandbox;
  let vpc: CommonClient;
  beforeAll(async () => {
    t = await startTestSandbox({ state: stackState() });
    vpc = vpcClient(t);
  });
  afterAll(() => t.close());

  test("DescribeVpcs / DescribeSubnets: fields, tags, filters; unknown ids give an empty set", async () => {
    const v = await vpc.request("DescribeVpcs", {});
    expect(v).toMatchObject({ TotalCount: 1, VpcSet: [{ VpcId: VPC_ID, VpcName: "live-demo-dev-vpc", CidrBlock: "10.20.0.0/16", IsDefault: false, CreatedTime: "2026-11-24 10:00:00" }] });
    expect(v.VpcSet[0].TagSet).toEqual([{ Key: "live-demo:env", Value: "dev" }, { Key: "live-demo:stack", Value: "live-demo-dev" }]);
    expect((await vpc.request("DescribeVpcs", { VpcIds: ["vpc-00000000"] })).VpcSet).toEqual([]);
    expect((await vpc.request("DescribeVpcs", { Filters: [{ Name: "tag:live-demo:env", Values: ["prod"] }] })).TotalCount).toBe(0);
    expect((await vpc.request("DescribeVpcs", { Filters: [{ Name: "vpc-name", Values: ["live-demo-dev-vpc"] }] })).TotalCount).toBe(1);
    const s = await vpc.request("DescribeSubnets", { Filters: [{ Name: "vpc-id", Values: [VPC_ID] }] });
    expect(s.SubnetSet).toEqual([
      expect.objectContaining({ SubnetId: SUBNET_ID, VpcId: VPC_ID, CidrBlock: "10.20.1.0/24", Zone: "ap-guangzhou-3", TotalIpAddressCount: 256, AvailableIpAddressCount: 252 }),
    ]);
    expect((await vpc.request("DescribeSubnets", { SubnetIds: ["subnet-00000000"] })).TotalCount).toBe(0);
    expect((await vpcClient(t, "ap-shanghai").request("DescribeVpcs", {})).TotalCount).toBe(0);
  });

  test("DescribeSecurityGroups / DescribeSecurityGroupPolicies; unknown group → ResourceNotFound", async () => {
    const g = await vpc.request("DescribeSecurityGroups", { SecurityGroupIds: [SG_ID] });
    expect(g.SecurityGroupSet).toEqual([expect.objectContaining({ SecurityGroupId: SG_ID, SecurityGroupName: "live-demo-dev-mysql", ProjectId: "0", CreatedTime: "2026-11-24 10:00:02" })]);
    const all = await vpc.request("DescribeSecurityGroups", { OrderField: "CreatedTime", OrderDirection: "ASC" });
    expect(all.SecurityGroupSet.map((x: { SecurityGroupId: string }) => x.SecurityGroupId)).toEqual([OTHER_SG, SG_ID]);
    const p = await vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: SG_ID });
    expect(p.SecurityGroupPolicySet).toMatchObject({
      Version: "1", Egress: [], PolicyStatistics: { IngressIPv4TotalCount: 1, EgressIPv4TotalCount: 0 },
      Ingress: [{ PolicyIndex: 0, Protocol: "TCP", Port: "3306", CidrBlock: "10.0.0.0/8", Action: "ACCEPT", PolicyDescription: "MySQL from the backend" }],
    });
    expect(await code(vpc.request("DescribeSecurityGroups", { SecurityGroupIds: ["sg-00000000"] }))).toBe("ResourceNotFound");
    expect(await code(vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: "sg-00000000" }))).toBe("ResourceNotFound");
  });

  test("parameter errors: Coexist, FilterInvalidKey, Malformed, Limit range, missing region", async () => {
    expect(await code(vpc.request("DescribeVpcs", { VpcIds: [VPC_ID], Filters: [{ Name: "vpc-id", Values: [VPC_ID] }] }))).toBe("InvalidParameter.Coexist");
    expect(await code(vpc.request("DescribeVpcs", { Filters: [{ Name: "colour", Values: ["red"] }] }))).toBe("InvalidParameter.FilterInvalidKey");
    expect(await code(vpc.request("DescribeVpcs", { VpcIds: ["not-a-vpc"] }))).toBe("InvalidParameterValue.Malformed");
    expect(await code(vpc.request("DescribeSubnets", { Limit: "101" }))).toBe("InvalidParameterValue.Range");
    expect(await code(vpcClient(t, "").request("DescribeVpcs", {}))).toBe("MissingParameter");
  });
});

describe("vpc: security group rules", () => {
  let t: TestSandbox;
  let vpc: CommonClient;
  const policies = async () => (await vpc.request("DescribeSecurityGroupPolicies", { SecurityGroupId: SG_ID })).SecurityGroupPolicySet;
  const brief = (set: { Ingress: Array<{ Port: string; CidrBlock: string }> }) => set.Ingress.map((r) => `${r.CidrBlock}:${r.Port}`);
  beforeAll(async () => {
    t = await startTestSandbox({ state: stackState() });
    vpc = vpcClient(t);
  });
  afterAll(() => t.close());

  test("ModifySecurityGroupPolicies replaces the rule set (as tencentcloud_security_group_rule_set does) and bumps Version", async () => {
    await vpc.request("ModifySecurityGroupPolicies", {
      SecurityGroupId: SG_ID,
      SecurityGroupPolicySet: {
        Ingress: [
          { Protocol: "TCP", Port: "3306", CidrBlock: "10.0.0.0/8", Action: "ACCEPT", PolicyDescription: "MySQL from the backend" },
          { Protocol: "tcp", Port: "3306", CidrBlock: "0.0.0.0/0", Action: "accept", PolicyDescription: "opened behind Terraform's back" },
        ],
      },
    });
    const set = await policies();
    expect(set.Version).toBe("2");
    expect(brief(set)).toEqual(["10.0.0.0/8:3306", "0.0.0.0/0:3306"]);
    expect(set.Ingress[1]).toMatchObject({ Protocol: "TCP", Action: "ACCEPT" });
    expect((await vpc.request("DescribeSecurityGroups", { SecurityGroupIds: [SG_ID] })).SecurityGroupSet[0].UpdateTime).not.toBe("2026-11-24 10:00:02");
  });

  test("rule validation: exclusive sources, protocol/port/action values, duplicates", async () => {
    const modify = (rule: Record<string, unknown>) => vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [rule] } });
    expect(await code(modify({ Protocol: "TCP", Port: "1", CidrBlock: "1.1.1.1", SecurityGroupId: OTHER_SG, Action: "ACCEPT" }))).toBe("InvalidParameter.Coexist");
    expect(await code(modify({ Protocol: "TCP", Port: "1", Action: "ACCEPT" }))).toBe("InvalidParameterValue.Empty");
    expect(await code(modify({ Protocol: "SCTP", Port: "1", CidrBlock: "1.1.1.1", Action: "ACCEPT" }))).toBe("InvalidParameterValue.Range");
    expect(await code(modify({ Protocol: "TCP", Port: "1", CidrBlock: "1.1.1.1", Action: "ALLOW" }))).toBe("InvalidParameterValue.Range");
    expect(await code(modify({ Protocol: "ICMP", Port: "22", CidrBlock: "1.1.1.1", Action: "ACCEPT" }))).toBe("InvalidParameterValue.Range");
    expect(await code(modify({ Protocol: "TCP", Port: "99999", CidrBlock: "1.1.1.1", Action: "ACCEPT" }))).toBe("InvalidParameterValue.Malformed");
    expect(await code(modify({ Protocol: "TCP", Port: "22", CidrBlock: "nowhere", Action: "ACCEPT" }))).toBe("InvalidParameterValue.Malformed");
    expect(await code(modify({ Protocol: "TCP", Port: "22", SecurityGroupId: "sg-00000000", Action: "ACCEPT" }))).toBe("ResourceNotFound");
    const dup = { Protocol: "TCP", Port: "22", CidrBlock: "1.1.1.1", Action: "ACCEPT" };
    expect(
      await code(vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [dup, dup] } })),
    ).toBe("UnsupportedOperation.DuplicatePolicy");
    expect((await policies()).Version).toBe("2"); // refused requests change nothing
  });

  test("CreateSecurityGroupPolicies inserts at PolicyIndex; one direction per request; Version must be current", async () => {
    const rule = { Protocol: "TCP", Port: "3306", CidrBlock: "192.168.0.0/16", Action: "DROP" };
    await vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Version: "2", Ingress: [{ ...rule, PolicyIndex: 0 }] } });
    const set = await policies();
    expect(set.Version).toBe("3");
    expect(brief(set)).toEqual(["192.168.0.0/16:3306", "10.0.0.0/8:3306", "0.0.0.0/0:3306"]);
    expect(await code(vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Version: "2", Ingress: [rule] } }))).toBe(
      "UnsupportedOperation.VersionMismatch",
    );
    expect(await code(vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [rule] } }))).toBe(
      "UnsupportedOperation.DuplicatePolicy",
    );
    expect(
      await code(vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [rule], Egress: [{ ...rule, CidrBlock: "1.1.1.1" }] } })),
    ).toBe("InvalidParameter.Coexist");
    await vpc.request("CreateSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Egress: [{ Protocol: "ALL", Port: "ALL", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" }] } });
    expect((await policies()).Egress).toEqual([expect.objectContaining({ Protocol: "ALL", Port: "ALL", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" })]);
  });

  test("DeleteSecurityGroupPolicies by index and by content; no match → ResourceNotFound; Version 0 empties the group", async () => {
    await vpc.request("DeleteSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [{ PolicyIndex: 0 }] } });
    expect(brief(await policies())).toEqual(["10.0.0.0/8:3306", "0.0.0.0/0:3306"]);
    await vpc.request("DeleteSecurityGroupPolicies", {
      SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [{ Protocol: "TCP", Port: "3306", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" }] },
    });
    expect(brief(await policies())).toEqual(["10.0.0.0/8:3306"]);
    expect(await code(vpc.request("DeleteSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [{ PolicyIndex: 7 }] } }))).toBe(
      "ResourceNotFound",
    );
    expect(
      await code(vpc.request("DeleteSecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Ingress: [{ Protocol: "UDP", Port: "53", CidrBlock: "1.1.1.1", Action: "ACCEPT" }] } })),
    ).toBe("ResourceNotFound");
    await vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: SG_ID, SecurityGroupPolicySet: { Version: "0", Ingress: [], Egress: [] } });
    const set = await policies();
    expect([set.Ingress, set.Egress]).toEqual([[], []]);
  });
});

describe("teardown of the Database construct in dependency order", () => {
  let t: TestSandbox;
  let vpc: CommonClient;
  let cdb: CommonClient;
  beforeAll(async () => {
    const s = stackState();
    // A foreign group whose rule names the stack's group: the stack's group stays referenced until that rule goes.
    vpcOf(s).securityGroups[1].ingress = [{ protocol: "TCP", port: "3306", securityGroupId: SG_ID, action: "ACCEPT" }];
    t = await startTestSandbox({ state: s });
    vpc = vpcClient(t);
    cdb = t.client("cdb");
  });
  afterAll(() => t.close());

  test("network resources are refused while the instance holds them, and go once it is offlined", async () => {
    expect(await code(vpc.request("DeleteSecurityGroup", { SecurityGroupId: SG_ID }))).toBe("ResourceInUse");
    expect(await code(vpc.request("DeleteSubnet", { SubnetId: SUBNET_ID }))).toBe("ResourceInUse");
    expect(await code(vpc.request("DeleteVpc", { VpcId: VPC_ID }))).toBe("ResourceInUse");

    await cdb.request("IsolateDBInstance", { InstanceId: INSTANCE_ID });
    // Isolated (recycle bin) instances still hold their network.
    expect(await code(vpc.request("DeleteSubnet", { SubnetId: SUBNET_ID }))).toBe("ResourceInUse");
    await cdb.request("OfflineIsolatedInstances", { InstanceIds: [INSTANCE_ID] });

    // The group is still named by the foreign group's rule.
    expect(await code(vpc.request("DeleteSecurityGroup", { SecurityGroupId: SG_ID }))).toBe("ResourceInUse");
    await vpc.request("ModifySecurityGroupPolicies", { SecurityGroupId: OTHER_SG, SecurityGroupPolicySet: { Version: "0" } });
    await vpc.request("DeleteSecurityGroup", { SecurityGroupId: SG_ID });
    expect(await code(vpc.request("DescribeSecurityGroups", { SecurityGroupIds: [SG_ID] }))).toBe("ResourceNotFound");

    // A VPC with a subnet left is refused; subnet first, then the VPC.
    expect(await code(vpc.request("DeleteVpc", { VpcId: VPC_ID }))).toBe("ResourceInUse");
    await vpc.request("DeleteSubnet", { SubnetId: SUBNET_ID });
    expect((await vpc.request("DescribeSubnets", { SubnetIds: [SUBNET_ID] })).TotalCount).toBe(0);
    await vpc.request("DeleteVpc", { VpcId: VPC_ID });
    expect((await vpc.request("DescribeVpcs", { VpcIds: [VPC_ID] })).TotalCount).toBe(0);
  });

  test("deleting what is gone or malformed gets the documented not-found codes", async () => {
    expect(await code(vpc.request("DeleteSecurityGroup", { SecurityGroupId: SG_ID }))).toBe("InvalidSecurityGroupID.NotFound");
    expect(await code(vpc.request("DeleteSecurityGroup", { SecurityGroupId: "default" }))).toBe("InvalidSecurityGroupID.Malformed");
    expect(await code(vpc.request("DeleteSubnet", { SubnetId: SUBNET_ID }))).toBe("ResourceNotFound");
    expect(await code(vpc.request("DeleteVpc", { VpcId: VPC_ID }))).toBe("ResourceNotFound");
    expect(await code(vpc.request("DeleteVpc", { VpcId: "vpc" }))).toBe("InvalidParameterValue.Malformed");
  });
});
