/** tencentcloud_mysql_privilege: DescribeAccountPrivileges (global, database, table and column privileges). */
import { CloudError } from "../../validators/clients";
import type { Reader } from "../types";
import { asList, key, knownText, upperSet } from "./support";

type Obj = Record<string, unknown>;

const db = (b: Obj) => ({ database_name: String(b.database_name ?? ""), privileges: upperSet(b.privileges) });
const table = (b: Obj) => ({ ...db(b), table_name: String(b.table_name ?? "") });
const column = (b: Obj) => ({ ...table(b), column_name: String(b.column_name ?? "") });

export const reader: Reader = {
  type: "tencentcloud_mysql_privilege",
  service: "cdb",
  attributes: {
    mysql_id: { compare: "exact", from: "DescribeAccountPrivileges(InstanceId)" },
    account_name: { compare: "exact", from: "DescribeAccountPrivileges(User)" },
    account_host: { compare: "exact", from: "DescribeAccountPrivileges(Host)", expected: "%" },
    global: { compare: "set", from: "DescribeAccountPrivileges: GlobalPrivileges", expected: [] },
    database: { compare: "object-set", from: "DescribeAccountPrivileges: DatabasePrivileges", element: db, expected: [] },
    table: { compare: "object-set", from: "DescribeAccountPrivileges: TablePrivileges", element: table, expected: [] },
    column: { compare: "object-set", from: "DescribeAccountPrivileges: ColumnPrivileges", element: column, expected: [] },
  },
  notComparable: {},

  identity: (d) => key(knownText(d, "mysql_id"), knownText(d, "account_name"), knownText(d, "account_host") ?? "%"),

  async read(ctx, d, id) {
    const [instance, user, host] = id.split("#");
    let r: Obj;
    try {
      r = await ctx.api.request<Obj>("cdb", "DescribeAccountPrivileges", { InstanceId: instance, User: user, Host: host }, { region: d.region });
    } catch (err) {
      // CDB names an unknown account InvalidParameterValue.UserNotExistError (not a *NotExist code).
      if (err instanceof CloudError && /UserNotExist/.test(err.code)) return { exists: false, note: { zh: `账号 ${user}@${host} 不存在`, en: `the account ${user}@${host} does not exist` } };
      throw err;
    }
    return {
      exists: true,
      id,
      attrs: {
        mysql_id: instance,
        account_name: user,
        account_host: host,
        global: upperSet(r.GlobalPrivileges),
        database: asList<Obj>(r.DatabasePrivileges).map((x) => ({ database_name: x.Database, privileges: x.Privileges })),
        table: asList<Obj>(r.TablePrivileges).map((x) => ({ database_name: x.Database, table_name: x.Table, privileges: x.Privileges })),
        column: asList<Obj>(r.ColumnPrivileges).map((x) => ({ database_name: x.Database, table_name: x.Table, column_name: x.Column, privileges: x.Privileges })),
      },
    };
  },
};
