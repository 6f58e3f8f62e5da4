/**
 * tencentcloud_mysql_account: DescribeAccounts (name, host, description, connection limit). The password is
 * compared by signing in: the run's MySQL connection uses this account from the outputs, so a refused login is a
 * password that differs (never printed).
 */
import type { Reader } from "../types";
import { asList, key, knownText } from "./support";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_mysql_account",
  service: "cdb",
  attributes: {
    mysql_id: { compare: "exact", from: "DescribeAccounts(InstanceId)" },
    name: { compare: "exact", from: "DescribeAccounts: Items[].User" },
    host: { compare: "exact", from: "DescribeAccounts: Items[].Host", expected: "%" },
    description: { compare: "exact", from: "DescribeAccounts: Items[].Notes", expected: "" },
    max_user_connections: { compare: "number", from: "DescribeAccounts: Items[].MaxUserConnections" },
    password: { compare: "secret", from: "MySQL sign-in with the outputs' db_user / db_password (compared, never printed)" },
  },
  notComparable: {},

  identity: (d) => key(knownText(d, "mysql_id"), knownText(d, "name"), knownText(d, "host") ?? "%"),

  async read(ctx, d, id) {
    const [instance, name, host] = id.split("#");
    const r = await ctx.api.request<{ Items?: Obj[] }>(
      "cdb",
      "DescribeAccounts",
      { InstanceId: instance, AccountRegexp: `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, Limit: 100 },
      { region: d.region },
    );
    const a = asList<Obj>(r.Items).find((x) => x.User === name && x.Host === host);
    if (!a) return { exists: false };
    const attrs: Record<string, unknown> = {
      mysql_id: instance,
      name,
      host,
      description: String(a.Notes ?? ""),
      max_user_connections: Number(a.MaxUserConnections ?? 0),
    };
    const skipped: Record<string, { zh: string; en: string }> = {};
    const declared = d.attrs.password;
    if (declared?.known) {
      const access = await ctx.mysql().catch((err: Error) => err);
      if (access instanceof Error) {
        skipped.password = { zh: `无法连接数据库：${access.message}`, en: `the database could not be reached: ${access.message}` };
      } else if (!access) {
        skipped.password = { zh: "未连接数据库（--skip-schema）", en: "no database connection (--skip-schema)" };
      } else if (!access.account.fromOutputs || access.account.user !== name) {
        skipped.password = { zh: "数据库连接使用的是 LIVE_INFRA_MYSQL_URL 指定的其他账号", en: "the database connection uses another account (LIVE_INFRA_MYSQL_URL)" };
      } else {
        // Signed in with the declared password: it is the live one. Refused: it differs (the value is never kept).
        attrs.password = access.ok ? declared.value : access.code;
      }
    }
    return { exists: true, id, attrs, ...(Object.keys(skipped).length ? { skipped } : {}) };
  },
};
