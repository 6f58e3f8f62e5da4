/**
 * Database: the TencentDB for MySQL instance the backend uses, in its own VPC/subnet, with a security group whose
 * rule set admits the MySQL port only from the backend CIDRs; the `live_demo` database, the backend account with
 * only the privileges the backend needs, and the schema migration (`terraform_data` + local-exec, run as root).
 *
 * Migration host: with public access on, local-exec connects to the instance's public host/port (internet_host /
 * internet_port); otherwise to the intranet VIP (intranet_ip / intranet_port), which only works when the deploy
 * machine is inside the VPC (or peered/VPN'd into it) — that cannot be verified offline (README).
 */
import { Construct } from "constructs";
import { DataResource, Token } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { MysqlAccount } from "../.gen/providers/tencentcloud/mysql-account";
import { MysqlDatabase } from "../.gen/providers/tencentcloud/mysql-database";
import { MysqlInstance } from "../.gen/providers/tencentcloud/mysql-instance";
import { MysqlPrivilege } from "../.gen/providers/tencentcloud/mysql-privilege";
import { SecurityGroup } from "../.gen/providers/tencentcloud/security-group";
import { SecurityGroupRuleSet } from "../.gen/providers/tencentcloud/security-group-rule-set";
import { Subnet } from "../.gen/providers/tencentcloud/subnet";
import { Vpc } from "../.gen/providers/tencentcloud/vpc";
import { BACKEND_PRIVILEGES, DB_CHARSET, DB_NAME, schemaHash } from "../database";
import { cliEntry } from "./paths";

/** Specials TencentDB accepts in passwords (provider ValidateMysqlPassword / CreateAccounts). */
export const MYSQL_PASSWORD_SPECIALS = "_+-&=!@#$%^*()";
/** Specials in the backend user's password: a subset that needs no quoting in cdn.route.ini or URLs. */
export const BACKEND_PASSWORD_SPECIALS = "_-";

export interface DatabaseProps {
  /** Prefix of the VPC, subnet, security group and instance names. */
  readonly namePrefix: string;
  /** Availability zone for the subnet and the instance, e.g. ap-guangzhou-3. */
  readonly availabilityZone: string;
  /** VPC CIDR, e.g. 10.20.0.0/16. */
  readonly vpcCidr: string;
  /** Subnet CIDR inside the VPC, e.g. 10.20.1.0/24. */
  readonly subnetCidr: string;
  /** CIDRs allowed to reach the MySQL port (the backend's addresses; add the deploy machine for public migration). */
  readonly allowedCidrs: readonly string[];
  /** MySQL engine version. Default: "8.0" (always written explicitly; the provider's own default has moved before). */
  readonly engineVersion?: string;
  /** Memory in MB. */
  readonly memoryMb: number;
  /** Disk in GB. */
  readonly volumeGb: number;
  /** Intranet port. Default: 3306. */
  readonly port?: number;
  /** Open public (WAN) access (`internet_service = 1`). Default: false. */
  readonly publicAccess?: boolean;
  /** Backend account name. Default: "live_user". */
  readonly dbUser?: string;
  /** Remove the instance outright on destroy. Default: false (only ephemeral environments set it). */
  readonly forceDelete?: boolean;
  /** Console/API destroy protection (`destroy_protect`). Default: false. */
  readonly destroyProtect?: boolean;
  /** Tags for every taggable resource here. Default: none. */
  readonly tags?: Record<string, string>;
  /** Schema hash in the migration's `triggers_replace`. Default: `schemaHash()` from database/. */
  readonly schemaHash?: string;
  /** Absolute path of the CLI the migration runs (`node <cli> migrate`). Default: this package's dist/cli/index.js. */
  readonly cliEntry?: string;
}

export class Database extends Construct {
  readonly vpc: Vpc;
  readonly subnet: Subnet;
  readonly securityGroup: SecurityGroup;
  readonly rules: SecurityGroupRuleSet;
  readonly rootPassword: Password;
  readonly userPassword: Password;
  readonly instance: MysqlInstance;
  readonly database: MysqlDatabase;
  readonly account: MysqlAccount;
  readonly privilege: MysqlPrivilege;
  readonly schema: DataResource;
  /** Instance id (cdb-…). */
  readonly instanceId: string;
  /** Intranet VIP and port. */
  readonly host: string;
  readonly port: number;
  /** Public host/port (empty / 0 while public access is off). */
  readonly publicHost: string;
  readonly publicPort: number;
  readonly dbName: string;
  readonly userName: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const fail = (field: string, rule: string, got: unknown) => {
      throw new Error(`Database: props.${field} must be ${rule} (got ${JSON.stringify(got)})`);
    };
    if (!Number.isInteger(props.memoryMb) || props.memoryMb < 1000) fail("memoryMb", "a whole number of MB ≥ 1000", props.memoryMb);
    if (!Number.isInteger(props.volumeGb) || props.volumeGb < 25) fail("volumeGb", "a whole number of GB ≥ 25", props.volumeGb);
    const port = props.port ?? 3306;
    if (!Number.isInteger(port) || port < 1024 || port > 65535) fail("port", "1024–65535", port);
    if (!props.allowedCidrs.length) fail("allowedCidrs", "at least one CIDR", props.allowedCidrs);
    const user = props.dbUser ?? "live_user";
    if (["root", "mysql.sys", "tencentroot"].includes(user)) fail("dbUser", "an account other than root", user);
    const tags = props.tags;

    this.vpc = new Vpc(this, "vpc", { name: `${props.namePrefix}-vpc`, cidrBlock: props.vpcCidr, tags });
    this.vpc.overrideLogicalId("db");
    this.subnet = new Subnet(this, "subnet", {
      name: `${props.namePrefix}-db`,
      vpcId: this.vpc.id,
      availabilityZone: props.availabilityZone,
      cidrBlock: props.subnetCidr,
      tags,
    });
    this.subnet.overrideLogicalId("db");
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-mysql`,
      description: `MySQL ${port} from the backend only`,
      tags,
    });
    this.securityGroup.overrideLogicalId("db");
    // The rule set owns every rule of the group; anything not accepted here is denied.
    this.rules = new SecurityGroupRuleSet(this, "rules", {
      securityGroupId: this.securityGroup.id,
      ingress: props.allowedCidrs.map((cidr) => ({
        action: "ACCEPT",
        cidrBlock: cidr,
        protocol: "TCP",
        port: String(port),
        description: "MySQL from the backend",
      })),
    });
    this.rules.overrideLogicalId("db");

    this.rootPassword = new Password(this, "root-password", {
      length: 24,
      special: true,
      overrideSpecial: MYSQL_PASSWORD_SPECIALS,
      minLower: 2,
      minUpper: 2,
      minNumeric: 2,
      minSpecial: 2,
    });
    this.rootPassword.overrideLogicalId("db_root_password");
    this.userPassword = new Password(this, "user-password", {
      length: 24,
      special: true,
      overrideSpecial: BACKEND_PASSWORD_SPECIALS,
      minLower: 2,
      minUpper: 2,
      minNumeric: 2,
      minSpecial: 1,
    });
    this.userPassword.overrideLogicalId("db_password");

    this.instance = new MysqlInstance(this, "instance", {
      instanceName: `${props.namePrefix}-mysql`,
      chargeType: "POSTPAID",
      engineVersion: props.engineVersion ?? "8.0",
      memSize: props.memoryMb,
      volumeSize: props.volumeGb,
      availabilityZone: props.availabilityZone,
      vpcId: this.vpc.id,
      subnetId: this.subnet.id,
      securityGroups: [this.securityGroup.id],
      intranetPort: port,
      internetService: props.publicAccess ? 1 : 0,
      rootPassword: this.rootPassword.result,
      // The backend writes Beijing time and its overlap query compares against it.
      parameters: { time_zone: "+08:00" },
      forceDelete: props.forceDelete ?? false,
      destroyProtect: props.destroyProtect ? "on" : "off",
      tags,
    });
    this.instance.overrideLogicalId("db");

    this.database = new MysqlDatabase(this, "database", {
      instanceId: this.instance.id,
      dbName: DB_NAME,
      characterSetName: DB_CHARSET,
    });
    this.database.overrideLogicalId("live_demo");
    this.account = new MysqlAccount(this, "account", {
      mysqlId: this.instance.id,
      name: user,
      password: this.userPassword.result,
      host: "%",
      description: "live-demo backend",
    });
    this.account.overrideLogicalId("backend");
    this.privilege = new MysqlPrivilege(this, "privilege", {
      mysqlId: this.instance.id,
      accountName: this.account.name,
      accountHost: "%",
      global: [],
      database: [{ databaseName: this.database.dbName, privileges: [...BACKEND_PRIVILEGES] }],
    });
    this.privilege.overrideLogicalId("backend");

    this.instanceId = this.instance.id;
    this.host = this.instance.intranetIp;
    this.port = this.instance.intranetPort;
    this.publicHost = this.instance.internetHost;
    this.publicPort = this.instance.internetPort;
    this.dbName = this.database.dbName;
    this.userName = this.account.name;

    // Schema migration as root (DDL); the backend account never gets DDL rights. Connection details go in the
    // provisioner's environment only, never on the command line. local-exec inherits the deployer's environment,
    // so the admin variables are blanked: a LIVE_INFRA_ADMIN_URL left in the shell (e.g. from a demo) would
    // otherwise make migrate run against that server instead of this instance.
    const migrateHost = props.publicAccess ? this.instance.internetHost : this.instance.intranetIp;
    const migratePort = Token.asString(props.publicAccess ? this.instance.internetPort : this.instance.intranetPort);
    this.schema = new DataResource(this, "schema", {
      // Re-run when the schema changes, and when the instance or database is replaced (a new, empty live_demo).
      triggersReplace: { schema_hash: props.schemaHash ?? schemaHash(), database_id: this.database.id },
      dependsOn: [this.database, this.privilege],
      provisioners: [
        {
          type: "local-exec",
          command: `node ${JSON.stringify(props.cliEntry ?? cliEntry())} migrate`,
          environment: {
            LIVE_INFRA_MYSQL_URL: `mysql://root@${migrateHost}:${migratePort}/${DB_NAME}`,
            LIVE_INFRA_MYSQL_PASSWORD: this.rootPassword.result,
            LIVE_INFRA_ADMIN_URL: "",
            LIVE_INFRA_ADMIN_PASSWORD: "",
          },
        },
      ],
    });
    this.schema.overrideLogicalId("db_schema");
  }
}
