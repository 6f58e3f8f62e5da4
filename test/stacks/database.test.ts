import * as path from "path";
import { Password } from "@cdktf/provider-random/lib/password";
import { MysqlAccount } from "../../.gen/providers/tencentcloud/mysql-account";
import { MysqlDatabase } from "../../.gen/providers/tencentcloud/mysql-database";
import { MysqlInstance } from "../../.gen/providers/tencentcloud/mysql-instance";
import { MysqlPrivilege } from "../../.gen/providers/tencentcloud/mysql-privilege";
import { SecurityGroupRuleSet } from "../../.gen/providers/tencentcloud/security-group-rule-set";
import { Subnet } from "../../.gen/providers/tencentcloud/subnet";
import { Vpc } from "../../.gen/providers/tencentcloud/vpc";
import { BACKEND_PRIVILEGES, DB_CHARSET, DB_NAME, schemaHash } from "../../database";
import { Database, MYSQL_PASSWORD_SPECIALS, type DatabaseProps } from "../../stacks/database-construct";
import { buildStack, envConfig, onlyResource, REPO_ROOT, synthStack, synthScope } from "../helpers/stacks-fixtures";

const BASE: DatabaseProps = {
  namePrefix: "live-demo-dev",
  availabilityZone: "ap-guangzhou-3",
  vpcCidr: "10.20.0.0/16",
  subnetCidr: "10.20.1.0/24",
  allowedCidrs: ["10.20.0.0/16", "203.0.113.10/32"],
  memoryMb: 1000,
  volumeGb: 25,
  schemaHash: "f".repeat(64),
  cliEntry: "/pkg/dist/cli/index.js",
};
const synth = (props: Partial<DatabaseProps> = {}) => synthScope((s) => void new Database(s, "db", { ...BASE, ...props }));

describe("Database", () => {
  test("instance: engine version explicit (default 8.0), sizes, time_zone +08:00, in the VPC with the security group", () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(MysqlInstance, {
      instance_name: "live-demo-dev-mysql",
      engine_version: "8.0",
      mem_size: 1000,
      volume_size: 25,
      availability_zone: "ap-guangzhou-3",
      intranet_port: 3306,
      internet_service: 0,
      parameters: { time_zone: "+08:00" },
      vpc_id: "${tencentcloud_vpc.db.id}",
      subnet_id: "${tencentcloud_subnet.db.id}",
      security_groups: ["${tencentcloud_security_group.db.id}"],
      root_password: "${random_password.db_root_password.result}",
      force_delete: false,
      charge_type: "POSTPAID",
    });
    expect(synth({ engineVersion: "5.7" })).toHaveResourceWithProperties(MysqlInstance, { engine_version: "5.7" });
    expect(out).toHaveResourceWithProperties(Vpc, { cidr_block: "10.20.0.0/16" });
    expect(out).toHaveResourceWithProperties(Subnet, { cidr_block: "10.20.1.0/24", availability_zone: "ap-guangzhou-3" });
  });

  test("security group admits only the MySQL port from the backend CIDRs", () => {
    const rules = onlyResource(JSON.parse(synth({ port: 3307 })), "tencentcloud_security_group_rule_set");
    expect(rules.ingress).toEqual([
      expect.objectContaining({ action: "ACCEPT", cidr_block: "10.20.0.0/16", protocol: "TCP", port: "3307" }),
      expect.objectContaining({ action: "ACCEPT", cidr_block: "203.0.113.10/32", protocol: "TCP", port: "3307" }),
    ]);
    expect(rules.egress).toBeUndefined();
    expect(synth()).toHaveResourceWithProperties(SecurityGroupRuleSet, { security_group_id: "${tencentcloud_security_group.db.id}" });
  });

  test("database live_demo in utf8mb4; backend account with only the backend's privileges on live_demo.*", () => {
    const out = synth({ dbUser: "live_user" });
    expect(DB_NAME).toBe("live_demo");
    expect(DB_CHARSET).toBe("utf8mb4");
    expect(out).toHaveResourceWithProperties(MysqlDatabase, { db_name: "live_demo", character_set_name: "utf8mb4" });
    expect(out).toHaveResourceWithProperties(MysqlAccount, { name: "live_user", host: "%", password: "${random_password.db_password.result}" });
    const priv = onlyResource(JSON.parse(out), "tencentcloud_mysql_privilege");
    expect(priv.global).toEqual([]);
    expect(priv.database).toEqual([{ database_name: "${tencentcloud_mysql_database.live_demo.db_name}", privileges: [...BACKEND_PRIVILEGES] }]);
    for (const p of priv.database[0].privileges) expect(["SELECT", "INSERT", "UPDATE", "DELETE"]).toContain(p);
    expect(out).toHaveResourceWithProperties(MysqlPrivilege, { account_name: "${tencentcloud_mysql_account.backend.name}" });
  });

  test("root password from random_password restricted to TencentDB's specials", () => {
    expect(synth()).toHaveResourceWithProperties(Password, { override_special: MYSQL_PASSWORD_SPECIALS, special: true, length: 24 });
  });

  test("schema migration: terraform_data keyed on the schema hash, local-exec as root with secrets only in the environment", () => {
    const json = JSON.parse(synth());
    const data = json.resource.terraform_data.db_schema;
    // A replaced instance/database (new, empty live_demo) must re-run the migration too, not only a schema change.
    expect(data.triggers_replace).toEqual({ schema_hash: "f".repeat(64), database_id: "${tencentcloud_mysql_database.live_demo.id}" });
    expect(data.depends_on).toEqual(expect.arrayContaining(["tencentcloud_mysql_database.live_demo"]));
    const exec = data.provisioner[0]["local-exec"];
    expect(exec.command).toBe('node "/pkg/dist/cli/index.js" migrate');
    expect(exec.command).not.toMatch(/password|mysql:\/\//i);
    expect(exec.environment).toEqual({
      LIVE_INFRA_MYSQL_URL: "mysql://root@${tencentcloud_mysql_instance.db.intranet_ip}:${tencentcloud_mysql_instance.db.intranet_port}/live_demo",
      LIVE_INFRA_MYSQL_PASSWORD: "${random_password.db_root_password.result}",
      LIVE_INFRA_ADMIN_URL: "",
      LIVE_INFRA_ADMIN_PASSWORD: "",
    });
  });

  test("with public access the migration connects to the public host and port", () => {
    const json = JSON.parse(synth({ publicAccess: true }));
    expect(onlyResource(json, "tencentcloud_mysql_instance").internet_service).toBe(1);
    expect(json.resource.terraform_data.db_schema.provisioner[0]["local-exec"].environment.LIVE_INFRA_MYSQL_URL).toBe(
      "mysql://root@${tencentcloud_mysql_instance.db.internet_host}:${tencentcloud_mysql_instance.db.internet_port}/live_demo",
    );
  });

  test("defaults: the declared schema's hash and this package's compiled CLI", () => {
    const json = JSON.parse(synthScope((s) => void new Database(s, "db", { ...BASE, schemaHash: undefined, cliEntry: undefined })));
    const data = json.resource.terraform_data.db_schema;
    expect(data.triggers_replace.schema_hash).toBe(schemaHash());
    expect(data.triggers_replace.schema_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(data.provisioner[0]["local-exec"].command).toBe(`node ${JSON.stringify(path.join(REPO_ROOT, "dist", "cli", "index.js"))} migrate`);
  });

  test("protection: force_delete and destroy_protect follow the environment", () => {
    const dev = onlyResource(synthStack(buildStack(envConfig("dev"))).json, "tencentcloud_mysql_instance");
    expect(dev).toMatchObject({ force_delete: true, destroy_protect: "off" });
    const prod = onlyResource(synthStack(buildStack(envConfig("prod"))).json, "tencentcloud_mysql_instance");
    expect(prod).toMatchObject({ force_delete: false, destroy_protect: "on", internet_service: 0 });
  });

  test("props are validated with the field named", () => {
    expect(() => synth({ memoryMb: 512 })).toThrow(/props\.memoryMb/);
    expect(() => synth({ port: 80 })).toThrow(/props\.port/);
    expect(() => synth({ allowedCidrs: [] })).toThrow(/props\.allowedCidrs/);
    expect(() => synth({ dbUser: "root" })).toThrow(/props\.dbUser/);
  });
});
