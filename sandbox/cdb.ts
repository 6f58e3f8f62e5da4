/**
 * CDB (TencentDB for MySQL) 2017-03-20: instances, databases, accounts and privileges, parameters, public access,
 * security groups, isolation and offlining. Instances are regional: only those in X-TC-Region are visible (the
 * region is required). The instance's vip/vport (and wan host/port) point at a real MySQL that the caller runs; the
 * write actions change what the API reports, never that MySQL.
 *
 * Lifecycle (documented): IsolateDBInstance turns a running instance (Status 1) into an isolated one (Status 5, still
 * listed by DescribeDBInstances); OfflineIsolatedInstances accepts isolated instances only and releases them (they
 * vanish from every answer). The sandbox applies both at once (the real service passes through Status 4 and 6/7).
 * Asynchronous actions answer an AsyncRequestId and are already done.
 *
 * Error codes follow the per-action lists of the Go SDK (cdb/v20170320 client.go); "silent" marks a code chosen
 * where the docs name none for the case.
 */
import { randomUUID } from "crypto";
import { ApiError, ServiceDef, Spec } from "./api-types";
import { DbAccount, DbInstance, DbPrivileges, State, beijingTime, vpcOf } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Schemas every MySQL server has; DescribeDatabases lists them in Items (as the official example does). */
const SYSTEM_DATABASES = ["information_schema", "mysql", "performance_schema", "sys"];

function instanceInfo(i: DbInstance) {
  return {
    InstanceId: i.instanceId, InstanceName: i.instanceName, Status: i.status, TaskStatus: i.taskStatus,
    Vip: i.vip, Vport: i.vport, WanStatus: i.wanStatus, WanDomain: i.wanDomain, WanPort: i.wanPort,
    EngineVersion: i.engineVersion, EngineType: i.engineType, Region: i.region, Zone: i.zone,
    Memory: i.memory, Volume: i.volume, Cpu: 1, Qps: 0, DeviceType: "UNIVERSAL", InstanceType: 1, ProjectId: 0,
    PayType: 1, AutoRenew: 0, CreateTime: i.createTime, DeadlineTime: "0000-00-00 00:00:00", ProtectMode: 0,
    DeployMode: 0, CdbError: 0, InitFlag: 1, VpcId: 0, SubnetId: 0, UniqVpcId: i.vpcId ?? "", UniqSubnetId: i.subnetId ?? "",
    TagList: Object.entries(i.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
  };
}

function requireInstance(state: State, region: string, id: string): DbInstance {
  const i = state.cdb.instances.find((x) => x.instanceId === id && x.region === region);
  if (!i) throw new ApiError("InvalidParameter.InstanceNotFound", `The instance ${id} does not exist in ${region}.`);
  return i;
}

const STATUS_RUNNING = 1;
const STATUS_ISOLATED = 5;

/** A running instance, or `code` (the action's documented status error). */
function requireRunning(inst: DbInstance, code: string): DbInstance {
  if (inst.status !== STATUS_RUNNING) throw new ApiError(code, `The instance ${inst.instanceId} is not running (Status ${inst.status}).`);
  return inst;
}

const asyncId = () => ({ AsyncRequestId: randomUUID() });

function requireAccount(inst: DbInstance, user: string, host: string): DbAccount {
  const a = inst.accounts.find((x) => x.user === user && x.host === host);
  if (!a) throw new ApiError("InvalidParameterValue.UserNotExistError", `The account ${user}@${host} does not exist on ${inst.instanceId}.`);
  return a;
}

/** Privilege names ModifyAccountPrivileges documents for each level. */
const GLOBAL_PRIVS = [
  "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "PROCESS", "DROP", "REFERENCES", "INDEX", "ALTER", "SHOW DATABASES",
  "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT",
];
const DATABASE_PRIVS = [
  "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER", "CREATE TEMPORARY TABLES",
  "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER",
];
const TABLE_PRIVS = ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER", "CREATE VIEW", "SHOW VIEW", "TRIGGER"];
const COLUMN_PRIVS = ["SELECT", "INSERT", "UPDATE", "REFERENCES"];

function checkPrivileges(list: string[], allowed: string[], where: string): string[] {
  const bad = list.filter((x) => !allowed.includes(x));
  if (bad.length) throw new ApiError("UnsupportedOperation.PrivilegesUnsupportedError", `${where}: ${bad.join(", ")} cannot be granted here (allowed: ${allowed.join(", ")}).`);
  return [...new Set(list)];
}

type PrivLevel = "databases" | "tables" | "columns";
type PrivEntry = { database: string; table?: string; column?: string; privileges: string[] };
const entryKey = (e: PrivEntry) => `${e.database}\u0000${e.table ?? ""}\u0000${e.column ?? ""}`;

/** Applies one level of a grant/revoke (ModifyAction) to the account's privileges. */
function mergeLevel(current: PrivEntry[] | undefined, change: PrivEntry[], action: "grant" | "revoke"): PrivEntry[] {
  const out = (current ?? []).map((e) => ({ ...e, privileges: [...e.privileges] }));
  for (const c of change) {
    const hit = out.find((e) => entryKey(e) === entryKey(c));
    if (action === "grant") {
      if (hit) hit.privileges = [...new Set([...hit.privileges, ...c.privileges])];
      else out.push({ ...c, privileges: [...c.privileges] });
    } else if (hit) hit.privileges = hit.privileges.filter((x) => !c.privileges.includes(x));
  }
  return out.filter((e) => e.privileges.length > 0);
}

/** MySQL's time_zone values: SYSTEM or an offset from -13:59 to +14:00 (reference §9.4). */
function validTimeZone(v: string): boolean {
  if (v.toUpperCase() === "SYSTEM") return true;
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(v);
  if (!m) return false;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[3]) > 59) return false;
  return m[1] === "+" ? minutes <= 14 * 60 : minutes <= 13 * 60 + 59;
}

const ACCOUNT_LIST: Spec = [{ "User!": "string", "Host!": "string" }];

export const CDB: ServiceDef = {
  version: "2017-03-20",
  needsRegion: true,
  actions: {
    DescribeDBInstances: {
      params: {
        ProjectId: "int", InstanceTypes: ["int"], Vips: ["string"], Status: ["int"], Offset: "int", Limit: "int",
        SecurityGroupId: "string", PayTypes: ["int"], InstanceNames: ["string"], TaskStatus: ["int"], EngineVersions: ["string"],
        VpcIds: ["int"], ZoneIds: ["int"], SubnetIds: ["int"], CdbErrors: ["int"], OrderBy: "string", OrderDirection: "string",
        WithSecurityGroup: "int", WithExCluster: "int", ExClusterId: "string", InstanceIds: ["string"], InitFlag: "int",
        WithDr: "int", WithRo: "int", WithMaster: "int", DeployGroupIds: ["string"], TagKeysForSearch: ["string"],
        CageIds: ["string"], TagValues: ["string"], UniqueVpcIds: ["string"], UniqSubnetIds: ["string"], Tags: "any",
        ProxyVips: ["string"], ProxyIds: ["string"], EngineTypes: ["string"], QueryClusterInfo: "bool",
      },
      run(p: P, { state, region }) {
        const offset = p.Offset ?? 0;
        const limit = p.Limit ?? 20;
        if (offset < 0) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Offset must be ≥ 0.");
        if (limit < 1 || limit > 2000) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Limit must be between 1 and 2000.");
        const inList = <T>(list: T[] | undefined, v: T) => !list || list.length === 0 || list.includes(v);
        let items = state.cdb.instances.filter(
          (i) =>
            i.region === region &&
            inList(p.InstanceIds, i.instanceId) &&
            inList(p.Status, i.status) &&
            inList(p.Vips, i.vip) &&
            inList(p.EngineVersions, i.engineVersion) &&
            inList(p.TaskStatus, i.taskStatus) &&
            inList(p.UniqueVpcIds, i.vpcId ?? "") &&
            inList(p.UniqSubnetIds, i.subnetId ?? "") &&
            (p.WithSecurityGroup !== 1 || !p.SecurityGroupId || (i.securityGroupIds ?? []).includes(p.SecurityGroupId)) &&
            (!p.InstanceNames?.length || p.InstanceNames.some((n: string) => i.instanceName.includes(n))) &&
            (!p.TagKeysForSearch?.length || Object.keys(i.tags ?? {}).some((k) => p.TagKeysForSearch.includes(k))),
        );
        if (p.OrderBy) {
          const key = ({ instanceId: "instanceId", instanceName: "instanceName", createTime: "createTime" } as const)[p.OrderBy as "instanceId"];
          if (key) items = [...items].sort((a, b) => a[key].localeCompare(b[key]) * (p.OrderDirection === "DESC" ? -1 : 1));
        }
        return { TotalCount: items.length, Items: items.slice(offset, offset + limit).map(instanceInfo) };
      },
    },
    DescribeDatabases: {
      params: { "InstanceId!": "string", Offset: "int", Limit: "int", DatabaseRegexp: "string" },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        const offset = p.Offset ?? 0;
        const limit = p.Limit ?? 20;
        if (limit < 1 || limit > 5000) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Limit must be between 1 and 5000.");
        let re: RegExp | undefined;
        try {
          re = p.DatabaseRegexp ? new RegExp(p.DatabaseRegexp) : undefined;
        } catch {
          throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "DatabaseRegexp is not a valid regular expression.");
        }
        const user = inst.databases.filter((d) => !re || re.test(d.name));
        const names = [...SYSTEM_DATABASES.filter((n) => !re || re.test(n)), ...user.map((d) => d.name)];
        return {
          TotalCount: names.length,
          Items: names.slice(offset, offset + limit),
          DatabaseList: user.map((d) => ({ DatabaseName: d.name, CharacterSet: d.characterSet })),
        };
      },
    },
    DescribeDBInstanceCharset: {
      params: { "InstanceId!": "string" },
      run: (p: P, { state, region }) => ({ Charset: requireInstance(state, region, p.InstanceId).charset }),
    },
    DescribeInstanceParams: {
      params: { "InstanceId!": "string" },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        const items = Object.entries(inst.params).map(([Name, CurrentValue]) => ({
          Name, ParamType: "string", Default: "", CurrentValue, Description: "", NeedReboot: 0, Max: 0, Min: 0, EnumValue: [],
          MaxFunc: "", MinFunc: "", IsNotSupportEdit: false,
        }));
        return { TotalCount: items.length, Items: items };
      },
    },

    ModifyInstanceParam: {
      params: {
        "InstanceIds!": ["string"], ParamList: [{ "Name!": "string", "CurrentValue!": "string" }], TemplateId: "int", WaitSwitch: "int",
        NotSyncRo: "bool", NotSyncDr: "bool",
      },
      run(p: P, { state, region }) {
        const ids = p.InstanceIds as string[];
        if (!ids.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `InstanceIds`.");
        if (!p.ParamList?.length && p.TemplateId === undefined) throw new ApiError("MissingParameter", "Either ParamList or TemplateId is required.");
        // Parameter templates are not emulated: no TemplateId exists.
        if (p.TemplateId !== undefined) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `The parameter template ${p.TemplateId} does not exist.`);
        if (p.WaitSwitch !== undefined && p.WaitSwitch !== 0 && p.WaitSwitch !== 1) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "WaitSwitch must be 0 or 1.");
        if (p.WaitSwitch === 1 && ids.length > 1) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "WaitSwitch 1 takes exactly one instance.");
        // Silent: no status code is documented for this action; OperationDenied is in its list.
        const instances = ids.map((id) => requireRunning(requireInstance(state, region, id), "OperationDenied"));
        const changes = p.ParamList as Array<{ Name: string; CurrentValue: string }>;
        for (const c of changes) {
          if (!/^[a-z][a-z0-9_]*$/.test(c.Name)) throw new ApiError("InvalidParameter.ExceptionParam", `"${c.Name}" is not a parameter name.`);
          if (c.Name === "time_zone" && !validTimeZone(c.CurrentValue)) {
            throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `time_zone must be SYSTEM or an offset from -13:59 to +14:00 such as +08:00 (got "${c.CurrentValue}").`);
          }
          // MySQL 8.0 sets lower_case_table_names only at creation (reference §9.4).
          if (c.Name === "lower_case_table_names" && instances.some((i) => i.engineVersion === "8.0")) {
            throw new ApiError("OperationDenied", "lower_case_table_names can only be set when a MySQL 8.0 instance is created.");
          }
        }
        for (const inst of instances) for (const c of changes) inst.params[c.Name] = c.CurrentValue;
        return asyncId();
      },
    },
    OpenWanService: {
      params: { "InstanceId!": "string", OpResourceId: "string" },
      run(p: P, { state, region }) {
        const inst = requireRunning(requireInstance(state, region, p.InstanceId), "OperationDenied.WrongStatus");
        // Silent on an instance whose public access is already on: refused with the action's status code.
        if (inst.wanStatus === 1) throw new ApiError("OperationDenied.WrongStatus", `Public access of ${inst.instanceId} is already enabled.`);
        // The public address leads to the same MySQL as the private one (the sandbox has one server per instance).
        Object.assign(inst, { wanStatus: 1, wanDomain: inst.wanDomain || inst.vip, wanPort: inst.vport });
        return asyncId();
      },
    },
    CloseWanService: {
      params: { "InstanceId!": "string", OpResourceId: "string" },
      run(p: P, { state, region }) {
        const inst = requireRunning(requireInstance(state, region, p.InstanceId), "OperationDenied.WrongStatus");
        if (inst.wanStatus !== 1) throw new ApiError("OperationDenied.WrongStatus", `Public access of ${inst.instanceId} is not enabled.`);
        // WanStatus 2 = closed; the domain stays, the port goes (as in the official example of a closed instance).
        Object.assign(inst, { wanStatus: 2, wanPort: 0 });
        return asyncId();
      },
    },
    DescribeDBSecurityGroups: {
      params: { "InstanceId!": "string", ForReadonlyInstance: "bool", OpResourceId: "string" },
      run(p: P, { state, region }) {
        // Silent: the action's error list has no unknown-instance code; the CDB-wide InvalidParameter.InstanceNotFound is used.
        const inst = requireInstance(state, region, p.InstanceId);
        const groups = (inst.securityGroupIds ?? [])
          .map((id) => vpcOf(state).securityGroups.find((g) => g.securityGroupId === id))
          .filter((g): g is NonNullable<typeof g> => !!g);
        const rule = (dir: "INPUT" | "OUTPUT") => (r: NonNullable<(typeof groups)[number]["ingress"]>[number]) => ({
          Action: r.action, CidrIp: r.cidrBlock ?? r.ipv6CidrBlock ?? r.securityGroupId ?? "", PortRange: r.port, IpProtocol: r.protocol,
          Dir: dir, AddressModule: "", ...(dir === "INPUT" ? { Id: "" } : {}), Desc: r.policyDescription ?? "",
        });
        return {
          Groups: groups.map((g) => ({
            ProjectId: Number(g.projectId ?? "0"), CreateTime: g.createTime, Inbound: (g.ingress ?? []).map(rule("INPUT")),
            Outbound: (g.egress ?? []).map(rule("OUTPUT")), SecurityGroupId: g.securityGroupId, SecurityGroupName: g.securityGroupName,
            SecurityGroupRemark: g.securityGroupDesc,
          })),
        };
      },
    },
    CreateDatabase: {
      params: { "InstanceId!": "string", "DBName!": "string", "CharacterSetName!": "string" },
      run(p: P, { state, region }) {
        const inst = requireRunning(requireInstance(state, region, p.InstanceId), "OperationDenied.InstanceStatusError");
        if (p.DBName.length > 64 || SYSTEM_DATABASES.includes(p.DBName)) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `"${p.DBName}" cannot be a database name.`);
        if (!["utf8", "gbk", "latin1", "utf8mb4"].includes(p.CharacterSetName)) {
          throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "CharacterSetName must be utf8, gbk, latin1 or utf8mb4.");
        }
        // Silent on an existing name: refused with the action's value code.
        if (inst.databases.some((d) => d.name === p.DBName)) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `The database ${p.DBName} already exists.`);
        inst.databases.push({ name: p.DBName, characterSet: p.CharacterSetName });
        return {};
      },
    },
    DeleteDatabase: {
      params: { "InstanceId!": "string", "DBName!": "string" },
      run(p: P, { state, region }) {
        const inst = requireRunning(requireInstance(state, region, p.InstanceId), "OperationDenied.InstanceStatusError");
        // Silent on an unknown database: refused with the action's value code.
        if (!inst.databases.some((d) => d.name === p.DBName)) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `The database ${p.DBName} does not exist on ${inst.instanceId}.`);
        inst.databases = inst.databases.filter((d) => d.name !== p.DBName);
        return {};
      },
    },
    DescribeAccounts: {
      params: {
        "InstanceId!": "string", Offset: "int", Limit: "int", AccountRegexp: "string", SortBy: "string", OrderBy: "string", HostRegexp: "string",
      },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        const offset = p.Offset ?? 0;
        const limit = p.Limit ?? 20;
        if (offset < 0 || limit < 1 || limit > 100) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Offset must be ≥ 0 and Limit between 1 and 100.");
        const regexp = (v: string | undefined, field: string) => {
          try {
            return v ? new RegExp(v) : undefined;
          } catch {
            throw new ApiError("InvalidParameterValue.InvalidParameterValueError", `${field} is not a valid regular expression.`);
          }
        };
        const userRe = regexp(p.AccountRegexp, "AccountRegexp");
        const hostRe = regexp(p.HostRegexp, "HostRegexp");
        let items = inst.accounts.filter((a) => (!userRe || userRe.test(a.user)) && (!hostRe || hostRe.test(a.host)));
        if (p.OrderBy && p.SortBy) {
          const key = ({ CreateTime: "createTime", ModifyTime: "modifyTime", ModifyPasswordTime: "modifyTime" } as const)[p.OrderBy as "CreateTime"];
          const dir = String(p.SortBy).toUpperCase() === "DESC" ? -1 : 1;
          if (key) items = [...items].sort((a, b) => (a[key] ?? "").localeCompare(b[key] ?? "") * dir);
        }
        return {
          TotalCount: items.length,
          Items: items.slice(offset, offset + limit).map((a) => ({
            Notes: a.description ?? "", Host: a.host, User: a.user, ModifyTime: a.modifyTime ?? "", ModifyPasswordTime: a.modifyTime ?? "",
            CreateTime: a.createTime ?? "", MaxUserConnections: 10240, OpenCam: false,
          })),
          MaxUserConnections: 10240,
        };
      },
    },
    DescribeAccountPrivileges: {
      params: { "InstanceId!": "string", "User!": "string", "Host!": "string" },
      run(p: P, { state, region }) {
        const a = requireAccount(requireInstance(state, region, p.InstanceId), p.User, p.Host);
        const pr: DbPrivileges = a.privileges ?? {};
        return {
          GlobalPrivileges: pr.global ?? [],
          DatabasePrivileges: (pr.databases ?? []).map((d) => ({ Database: d.database, Privileges: d.privileges })),
          TablePrivileges: (pr.tables ?? []).map((d) => ({ Database: d.database, Table: d.table, Privileges: d.privileges })),
          ColumnPrivileges: (pr.columns ?? []).map((d) => ({ Database: d.database, Table: d.table, Column: d.column, Privileges: d.privileges })),
        };
      },
    },
    ModifyAccountPrivileges: {
      params: {
        "InstanceId!": "string", "Accounts!": ACCOUNT_LIST, GlobalPrivileges: ["string"],
        DatabasePrivileges: [{ "Database!": "string", "Privileges!": ["string"] }],
        TablePrivileges: [{ "Database!": "string", "Table!": "string", "Privileges!": ["string"] }],
        ColumnPrivileges: [{ "Database!": "string", "Table!": "string", "Column!": "string", "Privileges!": ["string"] }],
        ModifyAction: "string",
      },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        if (!p.Accounts.length) throw new ApiError("MissingParameter.AccountMissingParameterError", "Accounts must name at least one account.");
        const action = p.ModifyAction as string | undefined;
        if (action !== undefined && action !== "" && action !== "grant" && action !== "revoke") {
          throw new ApiError("InvalidParameterValue.InvalidParameterValueError", 'ModifyAction must be "grant", "revoke" or empty.');
        }
        const accounts = (p.Accounts as Array<{ User: string; Host: string }>).map((a) => requireAccount(inst, a.User, a.Host));
        const change: Required<DbPrivileges> = {
          global: checkPrivileges(p.GlobalPrivileges ?? [], GLOBAL_PRIVS, "GlobalPrivileges"),
          databases: (p.DatabasePrivileges ?? []).map((d: { Database: string; Privileges: string[] }) => ({
            database: d.Database, privileges: checkPrivileges(d.Privileges, DATABASE_PRIVS, `DatabasePrivileges ${d.Database}`),
          })),
          tables: (p.TablePrivileges ?? []).map((d: { Database: string; Table: string; Privileges: string[] }) => ({
            database: d.Database, table: d.Table, privileges: checkPrivileges(d.Privileges, TABLE_PRIVS, `TablePrivileges ${d.Database}.${d.Table}`),
          })),
          columns: (p.ColumnPrivileges ?? []).map((d: { Database: string; Table: string; Column: string; Privileges: string[] }) => ({
            database: d.Database, table: d.Table, column: d.Column,
            privileges: checkPrivileges(d.Privileges, COLUMN_PRIVS, `ColumnPrivileges ${d.Database}.${d.Table}.${d.Column}`),
          })),
        };
        const now = beijingTime();
        for (const a of accounts) {
          if (!action) {
            // Documented: without ModifyAction the request carries the account's full privilege set (an omitted level clears it).
            a.privileges = structuredClone(change);
          } else {
            const cur = a.privileges ?? {};
            const global =
              action === "grant" ? [...new Set([...(cur.global ?? []), ...change.global])] : (cur.global ?? []).filter((x) => !change.global.includes(x));
            const level = <K extends PrivLevel>(k: K) => mergeLevel(cur[k] as PrivEntry[] | undefined, change[k] as PrivEntry[], action) as Required<DbPrivileges>[K];
            a.privileges = { global, databases: level("databases"), tables: level("tables"), columns: level("columns") };
          }
          a.modifyTime = now;
        }
        return asyncId();
      },
    },
    DeleteAccounts: {
      params: { "InstanceId!": "string", "Accounts!": ACCOUNT_LIST },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        if (!p.Accounts.length) throw new ApiError("MissingParameter.AccountMissingParameterError", "Accounts must name at least one account.");
        const doomed = (p.Accounts as Array<{ User: string; Host: string }>).map((a) => {
          if (a.User === "root") throw new ApiError("OperationDenied.DeleteRootAccountError", "The root account cannot be deleted.");
          return requireAccount(inst, a.User, a.Host);
        });
        inst.accounts = inst.accounts.filter((a) => !doomed.includes(a));
        return asyncId();
      },
    },
    IsolateDBInstance: {
      params: { "InstanceId!": "string" },
      run(p: P, { state, region }) {
        const inst = requireRunning(requireInstance(state, region, p.InstanceId), "OperationDenied.InstanceStatusError");
        Object.assign(inst, { status: STATUS_ISOLATED, taskStatus: 0 });
        return asyncId();
      },
    },
    OfflineIsolatedInstances: {
      params: { "InstanceIds!": ["string"] },
      run(p: P, { state, region }) {
        const ids = p.InstanceIds as string[];
        if (!ids.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `InstanceIds`.");
        for (const id of ids) {
          const inst = requireInstance(state, region, id);
          // Documented: only isolated instances (Status 5) may be offlined. Silent on the code: InvalidParameter is the
          // closest in the action's list.
          if (inst.status !== STATUS_ISOLATED) {
            throw new ApiError("InvalidParameter", `The instance ${id} is not isolated (Status ${inst.status}); isolate it with IsolateDBInstance first.`);
          }
        }
        state.cdb.instances = state.cdb.instances.filter((i) => !(i.region === region && ids.includes(i.instanceId)));
        return {};
      },
    },
  },
};
