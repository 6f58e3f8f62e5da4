/**
 * TencentDB for MySQL: instances (pointing at the seed's MySQL, in the declared VPC, subnet and security groups),
 * databases, accounts and the privileges DescribeAccountPrivileges returns. Accounts and
 * privileges are also collected in `ctx.db`, which the seeder applies to that MySQL when asked to (mysql-accounts.ts).
 */
import type { DbInstance } from "../state";
import type { BuilderTable } from "./types";
import { Obj, asArray, hex, num, tagsOf } from "./values";

/** Instances first: databases and accounts look theirs up. */
export const CDB: BuilderTable = {
  tencentcloud_mysql_instance: {
    computed: (a, _b, ctx) => {
      const wan = Number(a.internet_service ?? 0) === 1;
      return {
        id: `cdb-${hex(8)}`, intranet_ip: ctx.mysql.host, intranet_port: ctx.mysql.port, internet_host: wan ? ctx.mysql.host : "",
        internet_port: wan ? ctx.mysql.port : 0, status: 1, task_status: 0, locked: 0, gtid: 0, engine_type: a.engine_type ?? "InnoDB",
      };
    },
    build: (a, b, ctx) => {
      const params = Object.fromEntries(Object.entries((a.parameters ?? {}) as Obj).map(([k, v]) => [k, String(v)]));
      const region = ctx.regionOf(b);
      const inst: DbInstance = {
        instanceId: String(a.id), instanceName: String(a.instance_name ?? a.id), region,
        zone: String(a.availability_zone ?? `${region}-1`), status: 1, taskStatus: 0,
        vip: String(a.intranet_ip), vport: Number(a.intranet_port), wanStatus: Number(a.internet_service ?? 0) === 1 ? 1 : 0,
        wanDomain: String(a.internet_host ?? ""), wanPort: Number(a.internet_port ?? 0), engineVersion: String(a.engine_version ?? "8.0"),
        engineType: String(a.engine_type ?? "InnoDB"), memory: num(a.mem_size, 1000), volume: num(a.volume_size, 50),
        charset: params.character_set_server ?? "utf8mb4", createTime: ctx.created, params, databases: [], accounts: [],
        ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
        ...(a.vpc_id ? { vpcId: String(a.vpc_id) } : {}),
        ...(a.subnet_id ? { subnetId: String(a.subnet_id) } : {}),
        ...(asArray(a.security_groups as string[]).length ? { securityGroupIds: asArray(a.security_groups as string[]).map(String) } : {}),
      };
      ctx.state.cdb.instances.push(inst);
    },
  },
  tencentcloud_mysql_database: {
    computed: (a) => ({ id: `${a.instance_id}#${a.db_name}` }),
    build: (a, _b, ctx) => {
      const inst = ctx.state.cdb.instances.find((i) => i.instanceId === a.instance_id);
      inst?.databases.push({ name: String(a.db_name), characterSet: String(a.character_set_name ?? "utf8mb4") });
    },
  },
  tencentcloud_mysql_account: {
    computed: (a) => ({ id: `${a.mysql_id}#${a.name}#${a.host ?? "%"}` }),
    build: (a, b, ctx) => {
      const inst = ctx.state.cdb.instances.find((i) => i.instanceId === a.mysql_id);
      inst?.accounts.push({
        user: String(a.name), host: String(a.host ?? "%"), ...(a.description ? { description: String(a.description) } : {}),
        createTime: ctx.created, modifyTime: ctx.created,
      });
      ctx.db.accounts.push({ user: String(a.name), host: String(a.host ?? "%"), password: String(a.password ?? ""), source: `${ctx.file}: ${b.addr}` });
    },
  },
  tencentcloud_mysql_privilege: {
    computed: (a) => ({ id: `${a.mysql_id}#${a.account_name}#${a.account_host ?? "%"}` }),
    build: (a, b, ctx) => {
      const who = { user: String(a.account_name), host: String(a.account_host ?? "%"), source: `${ctx.file}: ${b.addr}` };
      const privs = (v: unknown) => asArray(v as string[]).map(String);
      const global = privs(a.global);
      if (global.length) ctx.db.grants.push({ ...who, privileges: global });
      for (const d of asArray(a.database as Obj[])) ctx.db.grants.push({ ...who, database: String(d.database_name), privileges: privs(d.privileges) });
      for (const t of asArray(a.table as Obj[])) {
        ctx.db.grants.push({ ...who, database: String(t.database_name), table: String(t.table_name), privileges: privs(t.privileges) });
      }
      if (asArray(a.column as Obj[]).length) ctx.db.skipped.push(`${b.addr}: column privileges`);
      // What DescribeAccountPrivileges answers (upper-case names).
      const account = ctx.state.cdb.instances.find((i) => i.instanceId === a.mysql_id)?.accounts.find((x) => x.user === who.user && x.host === who.host);
      if (!account) return;
      const upper = (v: unknown) => privs(v).map((x) => x.toUpperCase());
      account.privileges = {
        global: upper(a.global),
        databases: asArray(a.database as Obj[]).map((d) => ({ database: String(d.database_name), privileges: upper(d.privileges) })),
        tables: asArray(a.table as Obj[]).map((t) => ({ database: String(t.database_name), table: String(t.table_name), privileges: upper(t.privileges) })),
        columns: asArray(a.column as Obj[]).map((c) => ({
          database: String(c.database_name), table: String(c.table_name), column: String(c.column_name), privileges: upper(c.privileges),
        })),
      };
      account.modifyTime = ctx.created;
    },
  },
};
