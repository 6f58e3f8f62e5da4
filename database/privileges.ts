/**
 * The privileges the backend account needs, per table, as data derived from the backend's own statements; and what
 * an account actually holds (SHOW GRANTS: global, database, table and column grants, and its default roles), so the
 * validators can name each missing privilege and `migrate --create-user` grants exactly this map. Needs only a
 * connection's `query` (no runtime import of mysql2).
 */
import type { SqlQueryable } from "./introspect";
import { SCHEMA, SchemaDef, ident, quoteString } from "./schema";
import { FAQ_TAGS, FaqTag, Fix, Text } from "./vocabulary";

export type TablePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE";

/** One privilege a table needs: the columns its statements name ("*" = every column: `SELECT *`) and which
 *  statements need it. */
export interface PrivilegeNeed {
  privilege: TablePrivilege;
  columns: "*" | readonly string[];
  statements: readonly string[];
}

/**
 * What the backend's statements need, table by table. Source: xiaozhibo_server_php HEAD 6cc8c55 (see the backend
 * reference, section 4 "Queries the backend runs" and its replay of register/login/upload_* against MariaDB):
 * every statement is in dao/dao_live/dao_live.class.php, built by dao/dao_base/simple_mysql_session.class.php —
 * GetObject = `SELECT * FROM t WHERE <key>`, AddObject = `INSERT INTO t (<given columns>)`, UpdateObject =
 * `UPDATE t SET <given columns> WHERE <key>` (its WHERE needs SELECT, which `SELECT *` already needs on every
 * column). No statement deletes or replaces a row of these tables (ReplaceObject writes only tb_ugc, which
 * createDB.sh no longer creates and nothing calls), so no table needs DELETE.
 */
export const BACKEND_TABLE_PRIVILEGES: Readonly<Record<string, readonly PrivilegeNeed[]>> = {
  tb_account: [
    {
      privilege: "SELECT",
      columns: "*",
      statements: [
        "register, login, get_user_info, upload_user_info, upload_room: SELECT * FROM tb_account WHERE userid = …",
        "get_vod_list, author of each replay (Q5): SELECT * FROM tb_account WHERE userid = …",
      ],
    },
    {
      privilege: "INSERT",
      columns: ["userid", "password", "create_time"],
      statements: ["register: INSERT INTO tb_account (userid, password, create_time)"],
    },
    {
      privilege: "UPDATE",
      columns: ["nickname", "avatar", "sex", "frontcover"],
      statements: ["upload_user_info: UPDATE tb_account SET nickname, avatar, sex, frontcover WHERE userid = …"],
    },
  ],
  tb_room: [
    {
      privilege: "SELECT",
      columns: "*",
      statements: [
        "recording callback, room of the stream (Q4): SELECT * FROM tb_room WHERE userid = …",
        "upload_room, upload_user_info: SELECT * FROM tb_room WHERE userid = …",
      ],
    },
    {
      privilege: "INSERT",
      columns: ["userid", "title", "frontcover", "location", "create_time"],
      statements: ["upload_room, upload_user_info (new room): INSERT INTO tb_room (userid, title, frontcover, location, create_time)"],
    },
    {
      privilege: "UPDATE",
      columns: ["userid", "title", "frontcover", "location", "create_time"],
      statements: ["upload_room, upload_user_info (existing room): UPDATE tb_room SET userid, title, frontcover, location, create_time WHERE userid = …"],
    },
  ],
  tb_vod: [
    {
      privilege: "SELECT",
      columns: "*",
      statements: [
        "get_vod_list, count and page (Q1, Q2): SELECT COUNT(*) / SELECT * FROM tb_vod WHERE … ORDER BY create_time DESC",
        "recording callback, same-broadcast lookup (Q3): SELECT * FROM tb_vod WHERE userid = … AND …",
      ],
    },
    {
      privilege: "INSERT",
      columns: ["userid", "file_id", "start_time", "create_time", "play_url", "hls_play_url", "title", "frontcover", "location"],
      statements: [
        "recording callback, new recording: INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url | hls_play_url, title, frontcover, location)",
      ],
    },
    {
      privilege: "UPDATE",
      columns: ["play_url", "hls_play_url"],
      statements: ["recording callback, second format of a recording: UPDATE tb_vod SET play_url | hls_play_url WHERE userid = … AND file_id = …"],
    },
  ],
};

const PRIVILEGE_ORDER: readonly TablePrivilege[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

/** The privileges a table needs, in SELECT, INSERT, UPDATE, DELETE order. */
export function privilegesOf(table: string, needs = BACKEND_TABLE_PRIVILEGES): TablePrivilege[] {
  const list = Object.prototype.hasOwnProperty.call(needs, table) ? needs[table] : [];
  return PRIVILEGE_ORDER.filter((p) => list.some((n) => n.privilege === p));
}

/** The privileges every table needs when they are the same on every table (then one `db.*` grant is exact); else null. */
export function uniformPrivileges(needs = BACKEND_TABLE_PRIVILEGES): TablePrivilege[] | null {
  const sets = Object.keys(needs).map((t) => privilegesOf(t, needs).join(","));
  if (sets.length === 0 || sets.some((s) => s !== sets[0])) return null;
  return privilegesOf(Object.keys(needs)[0], needs);
}

/**
 * The backend account's database-level privileges (`GRANT … ON live_demo.*`, the stack's
 * tencentcloud_mysql_privilege): the map's privileges, which are the same on every table (a test holds it so).
 */
export const BACKEND_PRIVILEGES: readonly string[] = uniformPrivileges() ?? [];

export interface Account {
  user: string;
  host: string;
}

function accountSql(a: Account): string {
  return `${quoteString(a.user)}@${quoteString(a.host)}`;
}

/**
 * The GRANT statements that give `account` exactly what the map names on `db`: one `GRANT … ON db.*` when every table
 * needs the same privileges (only those missing somewhere, when `missing` is given), else one GRANT per table.
 */
export function grantStatements(db: string, account: Account, missing?: readonly MissingPrivilege[], needs = BACKEND_TABLE_PRIVILEGES): string[] {
  const uniform = uniformPrivileges(needs);
  const lacking = (table: string | null, p: TablePrivilege) => !missing || missing.some((m) => m.privilege === p && (table === null || m.table === table));
  if (uniform) {
    const privs = uniform.filter((p) => lacking(null, p));
    return privs.length ? [`GRANT ${privs.join(", ")} ON ${ident(db)}.* TO ${accountSql(account)}`] : [];
  }
  const out: string[] = [];
  for (const table of Object.keys(needs)) {
    const privs = privilegesOf(table, needs).filter((p) => lacking(table, p));
    if (privs.length) out.push(`GRANT ${privs.join(", ")} ON ${ident(db)}.${ident(table)} TO ${accountSql(account)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// SHOW GRANTS parsing. Lines look like (MariaDB 10.x / MySQL 8):
//   GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*…'
//   GRANT SELECT, INSERT ON `live\_demo`.* TO `u`@`%`
//   GRANT SELECT (`userid`, `title`), UPDATE (`title`) ON `live_demo`.`tb_room` TO `u`@`%`
//   GRANT `role` TO `u`@`%`            (MySQL: GRANT `role`@`%` TO …)
//   SET DEFAULT ROLE `role` FOR `u`@`%`
// A line is never shown to anyone: it can carry a password hash.

type Token = { k: "name"; v: string } | { k: "word"; v: string } | { k: "sym"; v: string };

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "`" || ch === "'" || ch === '"') {
      let v = "";
      i++;
      while (i < line.length) {
        if (line[i] === ch && line[i + 1] === ch) {
          v += ch;
          i += 2;
        } else if (line[i] === ch) {
          i++;
          break;
        } else if (line[i] === "\\" && ch !== "`" && i + 1 < line.length) {
          v += line[i + 1];
          i += 2;
        } else {
          v += line[i++];
        }
      }
      out.push({ k: "name", v });
    } else if ("(),.*@=;".includes(ch)) {
      out.push({ k: "sym", v: ch });
      i++;
    } else {
      let v = "";
      while (i < line.length && !/\s/.test(line[i]) && !"(),.*@=;`'\"".includes(line[i])) v += line[i++];
      out.push({ k: "word", v });
    }
  }
  return out;
}

const isWord = (t: Token | undefined, w: string) => !!t && t.k === "word" && t.v.toUpperCase() === w;
const isSym = (t: Token | undefined, s: string) => !!t && t.k === "sym" && t.v === s;

/** A role or account name as written in a grant: `name` or `name`@`host`. */
export interface GranteeRef {
  name: string;
  host: string | null;
}

export type ParsedGrant =
  | {
      kind: "privileges";
      grantee: GranteeRef | null;
      level: "global" | "database" | "table" | "other";
      /** Database name (a LIKE pattern at the database level, as the server stores it). */
      database?: string;
      table?: string;
      /** Upper-case privilege names; `columns` null = the whole object. */
      privileges: { name: string; columns: string[] | null }[];
    }
  | { kind: "role"; grantee: GranteeRef | null; roles: GranteeRef[] }
  | { kind: "default_role"; grantee: GranteeRef | null; roles: GranteeRef[] };

function readRef(toks: Token[], i: number): { ref: GranteeRef; next: number } | null {
  const t = toks[i];
  if (!t || (t.k !== "name" && t.k !== "word")) return null;
  if (isSym(toks[i + 1], "@") && toks[i + 2] && toks[i + 2].k !== "sym") {
    return { ref: { name: t.v, host: toks[i + 2].v }, next: i + 3 };
  }
  return { ref: { name: t.v, host: null }, next: i + 1 };
}

function readRefList(toks: Token[], from: number, to: number): GranteeRef[] {
  const out: GranteeRef[] = [];
  let i = from;
  while (i < to) {
    const r = readRef(toks, i);
    if (!r) break;
    out.push(r.ref);
    i = r.next;
    if (!isSym(toks[i], ",")) break;
    i++;
  }
  return out;
}

/** Parses one line of SHOW GRANTS; null for lines that grant nothing this module reads (PROXY, routines, …). */
export function parseGrantLine(line: string): ParsedGrant | null {
  const toks = tokenize(line);
  if (isWord(toks[0], "SET") && isWord(toks[1], "DEFAULT") && isWord(toks[2], "ROLE")) {
    const forAt = toks.findIndex((t, i) => i > 2 && isWord(t, "FOR"));
    if (forAt < 0) return null;
    const roles = isWord(toks[3], "NONE") ? [] : readRefList(toks, 3, forAt);
    return { kind: "default_role", grantee: readRef(toks, forAt + 1)?.ref ?? null, roles };
  }
  if (!isWord(toks[0], "GRANT")) return null;
  let depth = 0;
  let onAt = -1;
  let toAt = -1;
  for (let i = 1; i < toks.length; i++) {
    if (isSym(toks[i], "(")) depth++;
    else if (isSym(toks[i], ")")) depth--;
    else if (depth === 0 && onAt < 0 && isWord(toks[i], "ON")) onAt = i;
    else if (depth === 0 && isWord(toks[i], "TO")) {
      toAt = i;
      break;
    }
  }
  if (toAt < 0) return null;
  const grantee = readRef(toks, toAt + 1)?.ref ?? null;
  if (onAt < 0) return { kind: "role", grantee, roles: readRefList(toks, 1, toAt) };

  const privileges: { name: string; columns: string[] | null }[] = [];
  let words: string[] = [];
  let columns: string[] | null = null;
  for (let i = 1; i <= onAt; i++) {
    const t = toks[i];
    if (i === onAt || isSym(t, ",")) {
      if (words.length) privileges.push({ name: words.join(" ").toUpperCase(), columns });
      words = [];
      columns = null;
    } else if (isSym(t, "(")) {
      columns = [];
      for (i++; i < onAt && !isSym(toks[i], ")"); i++) if (toks[i].k !== "sym") columns.push(toks[i].v);
    } else if (t.k === "word") {
      words.push(t.v);
    }
  }

  let obj = toks.slice(onAt + 1, toAt);
  if (isWord(obj[0], "TABLE")) obj = obj.slice(1);
  const part = (t: Token | undefined) => (t && (t.k === "name" || t.k === "word") ? t.v : null);
  let level: "global" | "database" | "table" | "other" = "other";
  let database: string | undefined;
  let table: string | undefined;
  if (obj.length === 3 && isSym(obj[1], ".")) {
    if (isSym(obj[0], "*") && isSym(obj[2], "*")) level = "global";
    else if (part(obj[0]) !== null && isSym(obj[2], "*")) {
      level = "database";
      database = part(obj[0])!;
    } else if (part(obj[0]) !== null && part(obj[2]) !== null) {
      level = "table";
      database = part(obj[0])!;
      table = part(obj[2])!;
    }
  }
  return { kind: "privileges", grantee, level, database, table, privileges };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading an account's grants.

/** The grants that apply to an account's new sessions: its own and those of its default (or login) roles. */
export interface AccountGrants {
  account: Account;
  grants: ParsedGrant[];
  /** Roles whose grants are included. */
  roles: string[];
}

async function queryRows(conn: SqlQueryable, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const [rows] = await conn.query(sql, values);
  return rows as Record<string, unknown>[];
}

function firstValue(row: Record<string, unknown>): string {
  const v = Object.values(row)[0];
  return Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
}

async function showGrants(conn: SqlQueryable, target: string): Promise<ParsedGrant[]> {
  const rows = await queryRows(conn, `SHOW GRANTS FOR ${target}`);
  return rows.map(firstValue).map(parseGrantLine).filter((g): g is ParsedGrant => g !== null);
}

function splitAccount(text: string): Account {
  const at = text.lastIndexOf("@");
  return at < 0 ? { user: text, host: "%" } : { user: text.slice(0, at), host: text.slice(at + 1) };
}

function roleSql(r: GranteeRef): string {
  return r.host === null ? ident(r.name) : `${quoteString(r.name)}@${quoteString(r.host)}`;
}

/** Parses MySQL 8's CURRENT_ROLE(): "NONE" or "`r1`@`%`,`r2`@`%`". */
function parseRoleList(text: string | null): GranteeRef[] {
  if (!text || text === "NONE") return [];
  const toks = tokenize(text);
  return readRefList(toks, 0, toks.length);
}

/**
 * The grants of `user`@`host` (an admin connection reading another account), or of the connected account when
 * `user` is null (CURRENT_USER(): the account the server actually matched, whatever host pattern that is).
 * Roles: MariaDB activates the default role at login (its grants include those of roles granted to it); MySQL 8
 * the default roles, or every granted role with activate_all_roles_on_login. An account that does not exist has no
 * grants. Throws when the server refuses to show them (e.g. another account without SELECT on `mysql`).
 */
export async function readAccountGrants(conn: SqlQueryable, user: string | null, host: string | null = "%"): Promise<AccountGrants> {
  const [cu] = user === null ? await queryRows(conn, "SELECT CURRENT_USER() AS u") : [];
  const account = user === null ? splitAccount(firstValue(cu)) : { user, host: host ?? "%" };
  const target = user === null ? "CURRENT_USER()" : accountSql(account);
  let grants: ParsedGrant[];
  try {
    grants = await showGrants(conn, target);
  } catch (err) {
    if ((err as { errno?: number }).errno === 1141) return { account, grants: [], roles: [] }; // ER_NONEXISTING_GRANT
    throw err;
  }
  const granted = grants.filter((g) => g.kind === "role").flatMap((g) => g.roles);
  if (granted.length === 0) return { account, grants, roles: [] };

  const [v] = await queryRows(conn, "SELECT VERSION() AS v");
  if (/mariadb/i.test(firstValue(v))) {
    const defaults = grants.filter((g) => g.kind === "default_role").flatMap((g) => g.roles);
    for (const r of defaults) grants = grants.concat(await showGrants(conn, roleSql(r)));
    return { account, grants, roles: defaults.map((r) => r.name) };
  }
  // MySQL 8: SHOW GRANTS … USING merges the given roles' privileges into the account's.
  let active: GranteeRef[];
  const [all] = await queryRows(conn, "SELECT @@activate_all_roles_on_login AS a").catch(() => [{ a: 0 }]);
  if (Number(all?.a) === 1) active = granted;
  else if (user === null) active = parseRoleList(firstValue((await queryRows(conn, "SELECT CURRENT_ROLE() AS r"))[0]));
  else {
    const rows = await queryRows(conn, "SELECT DEFAULT_ROLE_USER AS u, DEFAULT_ROLE_HOST AS h FROM mysql.default_roles WHERE USER = ? AND HOST = ?", [
      account.user,
      account.host,
    ]);
    active = rows.map((r) => ({ name: String(r.u), host: String(r.h) }));
  }
  if (active.length) grants = await showGrants(conn, `${target} USING ${active.map(roleSql).join(", ")}`);
  return { account, grants, roles: active.map((r) => r.name) };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluating grants against the map.

/** One privilege the account lacks (a `fail` for the validators). */
export interface MissingPrivilege {
  /** The account as the server matched it (e.g. live_user@%). */
  account: Account;
  table: string;
  privilege: TablePrivilege;
  /** null: not held on the table at all; else it is held on some columns only and these are the ones missing. */
  columns: string[] | null;
  /** The backend statements that fail without it. */
  statements: readonly string[];
  severity: "fail";
  /** The table-level GRANT that adds it ({@link grantStatements} gives the combined form migrate uses). */
  fix: Fix;
  faq: FaqTag;
  message: string;
  description: Text;
}

const covers = (held: Set<string>, p: string) => held.has(p) || held.has("ALL") || held.has("ALL PRIVILEGES");

/** A database-level pattern (`_`, `%` wildcards, `\` escapes) as an anchored RegExp, and whether it has wildcards. */
function dbPattern(pattern: string, caseInsensitive: boolean): { re: RegExp; exact: boolean; prefix: number } {
  let src = "";
  let exact = true;
  let prefix = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\" && i + 1 < pattern.length) {
      src += pattern[++i].replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      if (exact) prefix++;
    } else if (ch === "_" || ch === "%") {
      src += ch === "_" ? "." : ".*";
      exact = false;
    } else {
      src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      if (exact) prefix++;
    }
  }
  return { re: new RegExp(`^${src}$`, caseInsensitive ? "is" : "s"), exact, prefix };
}

interface GranteeGrants {
  global: Set<string>;
  /** Database-level rows in the server's match order: the first matching row is the one that applies. */
  databases: { re: RegExp; exact: boolean; prefix: number; privileges: Set<string> }[];
  tables: Map<string, Set<string>>;
  columns: Map<string, Set<string>>;
}

const key = (...parts: string[]) => parts.join("\u0000");

function groupByGrantee(grants: ParsedGrant[], fold: (s: string) => string, caseInsensitive: boolean): GranteeGrants[] {
  const by = new Map<string, GranteeGrants>();
  for (const g of grants) {
    if (g.kind !== "privileges" || g.level === "other") continue;
    const who = g.grantee ? key(g.grantee.name, g.grantee.host ?? "") : "";
    let e = by.get(who);
    if (!e) {
      e = { global: new Set(), databases: [], tables: new Map(), columns: new Map() };
      by.set(who, e);
    }
    const whole = g.privileges.filter((p) => p.columns === null).map((p) => p.name);
    if (g.level === "global") whole.forEach((p) => e!.global.add(p));
    else if (g.level === "database") e.databases.push({ ...dbPattern(g.database!, caseInsensitive), privileges: new Set(whole) });
    else {
      const tk = key(fold(g.database!), fold(g.table!));
      const set = e.tables.get(tk) ?? new Set<string>();
      whole.forEach((p) => set.add(p));
      e.tables.set(tk, set);
      for (const p of g.privileges) {
        if (p.columns === null) continue;
        const ck = key(tk, p.name);
        const cols = e.columns.get(ck) ?? new Set<string>();
        p.columns.forEach((c) => cols.add(c.toLowerCase()));
        e.columns.set(ck, cols);
      }
    }
  }
  // The server sorts database rows most specific first (names without wildcards, then longer literal prefixes).
  for (const e of by.values()) {
    e.databases = e.databases
      .map((d, i) => ({ d, i }))
      .sort((x, y) => Number(x.d.exact === false) - Number(y.d.exact === false) || y.d.prefix - x.d.prefix || x.i - y.i)
      .map((x) => x.d);
  }
  return [...by.values()];
}

/**
 * What `user`@`host` (or, with `user` null, the connected account) lacks on `db` of what the map names, table by
 * table, in map order: global, database-level (first matching row, as the server applies it), table-level and
 * column-level grants of the account and of its active roles count. A privilege held on some columns only is
 * missing when a statement needs others: `SELECT *` needs every column of the table (declared ones and those
 * visible in information_schema).
 */
export async function missingPrivileges(
  conn: SqlQueryable,
  user: string | null,
  host: string | null,
  db: string,
  options: { needs?: Readonly<Record<string, readonly PrivilegeNeed[]>>; schema?: SchemaDef } = {},
): Promise<MissingPrivilege[]> {
  const needs = options.needs ?? BACKEND_TABLE_PRIVILEGES;
  const schema = options.schema ?? SCHEMA;
  const { account, grants } = await readAccountGrants(conn, user, host);
  const [lc] = await queryRows(conn, "SELECT @@lower_case_table_names AS lc");
  const caseInsensitive = Number(lc?.lc ?? 0) !== 0;
  const fold = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const grantees = groupByGrantee(grants, fold, caseInsensitive);
  let liveColumns: Map<string, string[]> | null = null;
  const columnsOf = async (table: string): Promise<string[]> => {
    if (!liveColumns) {
      liveColumns = new Map();
      const rows = await queryRows(conn, "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?", [db]);
      for (const r of rows) {
        const t = fold(String(r.t));
        liveColumns.set(t, [...(liveColumns.get(t) ?? []), String(r.c)]);
      }
    }
    const declared = schema.tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
    const all = new Map<string, string>();
    for (const c of [...declared, ...(liveColumns.get(fold(table)) ?? [])]) if (!all.has(c.toLowerCase())) all.set(c.toLowerCase(), c);
    return [...all.values()];
  };

  const out: MissingPrivilege[] = [];
  for (const table of Object.keys(needs)) {
    const tk = key(fold(db), fold(table));
    for (const need of needs[table]) {
      const p = need.privilege;
      const whole = grantees.some(
        (g) =>
          covers(g.global, p) ||
          covers(g.databases.find((d) => d.re.test(db))?.privileges ?? new Set(), p) ||
          covers(g.tables.get(tk) ?? new Set(), p),
      );
      if (whole) continue;
      const held = new Set<string>();
      for (const g of grantees) for (const c of g.columns.get(key(tk, p)) ?? []) held.add(c);
      let lacking: string[] | null = null;
      if (held.size > 0) {
        const required = need.columns === "*" ? await columnsOf(table) : [...need.columns];
        lacking = required.filter((c) => !held.has(c.toLowerCase()));
        if (lacking.length === 0) continue;
      }
      out.push(missing(db, account, table, need, lacking));
    }
  }
  return out;
}

function missing(db: string, account: Account, table: string, need: PrivilegeNeed, columns: string[] | null): MissingPrivilege {
  const who = `${account.user}@${account.host}`;
  const what = need.statements.map((s) => s.split(": ")[0]).join("; ");
  const cols = columns ? columns.join(", ") : "";
  return {
    account,
    table,
    privilege: need.privilege,
    columns,
    statements: need.statements,
    severity: "fail",
    fix: { kind: "manual", sql: [`GRANT ${need.privilege} ON ${ident(db)}.${ident(table)} TO ${accountSql(account)}`] },
    faq: FAQ_TAGS.privilegeMissing,
    message: `${who} lacks ${need.privilege} on ${db}.${table}${columns ? ` (held on some columns only; missing ${cols})` : ""}: ${what} fail(s)`,
    description: {
      zh:
        `后台账号 ${who} 缺少 ${db}.${table} 的 ${need.privilege} 权限` +
        (columns ? `（只授予了部分列，缺少 ${cols}）` : "") +
        `：${need.statements.join("；")} 会失败`,
      en:
        `the backend account ${who} lacks ${need.privilege} on ${db}.${table}` +
        (columns ? ` (granted on some columns only; missing ${cols})` : "") +
        `: ${need.statements.join("; ")} fail(s)`,
    },
  };
}

/** The verdict on an account's privileges for a report: fail with every missing privilege and the combined GRANT. */
export interface PrivilegeVerdict {
  severity: "pass" | "fail";
  missing: MissingPrivilege[];
  /** The GRANT statements that add exactly what is missing ({@link grantStatements}); empty on pass. */
  fixSql: string[];
  faq: FaqTag | null;
  message: Text;
}

/** Sorts {@link missingPrivileges}' answer into a verdict (pure). */
export function privilegeVerdict(db: string, missing: MissingPrivilege[], needs = BACKEND_TABLE_PRIVILEGES): PrivilegeVerdict {
  if (missing.length === 0) {
    const all = uniformPrivileges(needs)?.join(", ") ?? "its privileges";
    return {
      severity: "pass",
      missing,
      fixSql: [],
      faq: null,
      message: { zh: `后台账号拥有 ${db} 各表所需的权限（${all}）。`, en: `The backend account holds what its statements need on every table of ${db} (${all}).` },
    };
  }
  const who = `${missing[0].account.user}@${missing[0].account.host}`;
  const fixSql = grantStatements(db, missing[0].account, missing, needs);
  const uses = (m: MissingPrivilege) => [...new Set(m.statements.map((st) => st.split(": ")[0]))].join("; ");
  const item = (m: MissingPrivilege, lang: "zh" | "en") =>
    `${m.table} ${m.privilege}` +
    (m.columns ? (lang === "zh" ? `（缺少列 ${m.columns.join(", ")}）` : ` (missing columns ${m.columns.join(", ")})`) : "") +
    (lang === "zh" ? `【${uses(m)}】` : ` [${uses(m)}]`);
  const sql = fixSql.map((g) => `${g};`).join(" ");
  return {
    severity: "fail",
    missing,
    fixSql,
    faq: FAQ_TAGS.privilegeMissing,
    message: {
      zh:
        `后台账号 ${who} 缺少 ${db} 上的权限，方括号中的后台语句会失败：${missing.map((m) => item(m, "zh")).join("；")}。` +
        `修复：以管理员执行 ${sql}（云上由栈的 tencentcloud_mysql_privilege 授予：重新 apply 该栈）。`,
      en:
        `The backend account ${who} lacks privileges on ${db}; the backend statements in brackets fail: ${missing.map((m) => item(m, "en")).join("; ")}. ` +
        `Fix: as an admin, run ${sql} (in the cloud the stack's tencentcloud_mysql_privilege grants them: re-apply the stack).`,
    },
  };
}
