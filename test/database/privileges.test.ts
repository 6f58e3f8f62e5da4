// The backend account's privileges: the map derived from the backend's statements, SHOW GRANTS parsing, and on the
// real server the exact list of what an account lacks (global, database, table, column grants, roles), checked
// against what the server really refuses; `migrate --create-user` grants exactly the map.
import * as mysql from "mysql2/promise";
import { migrate } from "../../database/migrate";
import {
  BACKEND_PRIVILEGES,
  BACKEND_TABLE_PRIVILEGES,
  SCHEMA,
  assessSchema,
  grantStatements,
  missingPrivileges,
  parseGrantLine,
  privilegeVerdict,
  privilegesOf,
  uniformPrivileges,
} from "../../database";
import type { MissingPrivilege, PrivilegeNeed } from "../../database";
import { createTestDatabase, testServer, uniqueName, withRootConnection, TestDatabase } from "../helpers/mysql";

describe("the privileges map", () => {
  test("names every declared table and only declared columns; SELECT, INSERT, UPDATE on each, never DELETE", () => {
    expect(Object.keys(BACKEND_TABLE_PRIVILEGES).sort()).toEqual(SCHEMA.tables.map((t) => t.name).sort());
    for (const t of SCHEMA.tables) {
      const names = t.columns.map((c) => c.name);
      for (const need of BACKEND_TABLE_PRIVILEGES[t.name]) {
        if (need.columns !== "*") for (const c of need.columns) expect(names).toContain(c);
        expect(need.statements.length).toBeGreaterThan(0);
      }
      expect(privilegesOf(t.name)).toEqual(["SELECT", "INSERT", "UPDATE"]);
    }
    // The same on every table: one database-level grant is exact (the stack's tencentcloud_mysql_privilege).
    expect(uniformPrivileges()).toEqual(["SELECT", "INSERT", "UPDATE"]);
    expect(BACKEND_PRIVILEGES).toEqual(["SELECT", "INSERT", "UPDATE"]);
    expect(privilegesOf("__proto__")).toEqual([]);
  });

  test("grant statements: database level when uniform, per table otherwise; only what is missing", () => {
    const acct = { user: "live_user", host: "%" };
    expect(grantStatements("live_demo", acct)).toEqual(["GRANT SELECT, INSERT, UPDATE ON `live_demo`.* TO 'live_user'@'%'"]);
    const lacking = [{ table: "tb_vod", privilege: "INSERT" }] as MissingPrivilege[];
    expect(grantStatements("live_demo", acct, lacking)).toEqual(["GRANT INSERT ON `live_demo`.* TO 'live_user'@'%'"]);
    expect(grantStatements("live_demo", acct, [])).toEqual([]);
    const uneven: Record<string, PrivilegeNeed[]> = {
      tb_account: [{ privilege: "SELECT", columns: "*", statements: ["s"] }],
      tb_vod: [
        { privilege: "SELECT", columns: "*", statements: ["s"] },
        { privilege: "INSERT", columns: ["userid"], statements: ["i"] },
      ],
    };
    expect(uniformPrivileges(uneven)).toBeNull();
    expect(grantStatements("live_demo", acct, undefined, uneven)).toEqual([
      "GRANT SELECT ON `live_demo`.`tb_account` TO 'live_user'@'%'",
      "GRANT SELECT, INSERT ON `live_demo`.`tb_vod` TO 'live_user'@'%'",
    ]);
    expect(grantStatements("live_demo", acct, lacking, uneven)).toEqual(["GRANT INSERT ON `live_demo`.`tb_vod` TO 'live_user'@'%'"]);
  });
});

describe("SHOW GRANTS lines", () => {
  test("MariaDB and MySQL 8 forms: levels, escaped patterns, column lists, roles, default roles", () => {
    expect(parseGrantLine("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*2B60229'")).toEqual({
      kind: "privileges",
      grantee: { name: "u", host: "%" },
      level: "global",
      database: undefined,
      table: undefined,
      privileges: [{ name: "USAGE", columns: null }],
    });
    expect(parseGrantLine("GRANT SELECT, INSERT ON `live\\_demo`.* TO `u`@`%`")).toMatchObject({
      level: "database",
      database: "live\\_demo",
      privileges: [
        { name: "SELECT", columns: null },
        { name: "INSERT", columns: null },
      ],
    });
    expect(parseGrantLine("GRANT SELECT (`userid`, `ti``tle`), UPDATE (`title`), DELETE ON `db`.`tb_room` TO 'u'@'10.0.%' WITH GRANT OPTION")).toMatchObject({
      level: "table",
      database: "db",
      table: "tb_room",
      grantee: { name: "u", host: "10.0.%" },
      privileges: [
        { name: "SELECT", columns: ["userid", "ti`tle"] },
        { name: "UPDATE", columns: ["title"] },
        { name: "DELETE", columns: null },
      ],
    });
    expect(parseGrantLine("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION")).toMatchObject({ level: "global", privileges: [{ name: "ALL PRIVILEGES" }] });
    expect(parseGrantLine("GRANT CREATE TEMPORARY TABLES, SHOW VIEW ON `db`.* TO `u`@`%`")).toMatchObject({
      privileges: [{ name: "CREATE TEMPORARY TABLES" }, { name: "SHOW VIEW" }],
    });
    expect(parseGrantLine("GRANT `backend_rw` TO `u`@`%`")).toEqual({ kind: "role", grantee: { name: "u", host: "%" }, roles: [{ name: "backend_rw", host: null }] });
    expect(parseGrantLine("GRANT `r1`@`%`,`r2`@`%` TO `u`@`%`")).toMatchObject({ kind: "role", roles: [{ name: "r1", host: "%" }, { name: "r2", host: "%" }] });
    expect(parseGrantLine("SET DEFAULT ROLE `backend_rw` FOR `u`@`%`")).toMatchObject({ kind: "default_role", roles: [{ name: "backend_rw", host: null }] });
    expect(parseGrantLine("GRANT USAGE ON *.* TO `r1`")).toMatchObject({ grantee: { name: "r1", host: null } });
    expect(parseGrantLine("GRANT EXECUTE ON PROCEDURE `db`.`p` TO `u`@`%`")).toMatchObject({ level: "other" });
    expect(parseGrantLine("GRANT PROXY ON ''@'%' TO 'u'@'%'")).toMatchObject({ level: "other" });
    expect(parseGrantLine("REVOKE nonsense")).toBeNull();
  });

  test("prototype-looking names are plain names", () => {
    expect(parseGrantLine("GRANT SELECT (`__proto__`) ON `constructor`.`__proto__` TO `hasOwnProperty`@`%`")).toMatchObject({
      level: "table",
      database: "constructor",
      table: "__proto__",
      privileges: [{ name: "SELECT", columns: ["__proto__"] }],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("missing privileges on the real server", () => {
  let db: TestDatabase;
  const users: string[] = [];
  const roles: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("priv", { create: false });
    const s = await testServer();
    await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: db.name });
    // Tables whose names look like Object.prototype members, granted on too: they must change nothing.
    await withRootConnection(async (c) => {
      await c.query("CREATE TABLE `__proto__` (id int)");
      await c.query("CREATE TABLE `constructor` (id int)");
    }, db.name);
  });
  afterAll(async () => {
    await withRootConnection(async (c) => {
      for (const u of users) await c.query("DROP USER IF EXISTS ?@'%'", [u]);
      for (const r of roles) await c.query(`DROP ROLE IF EXISTS \`${r}\``);
    });
    await db?.drop();
  });

  /** A new account with these grants (`DB` stands for the test database); returns it and a connection as it. */
  async function account(grants: string[]): Promise<{ user: string; conn: mysql.Connection }> {
    const user = uniqueName("pv").slice(0, 32);
    users.push(user);
    await withRootConnection(async (c) => {
      await c.query("CREATE USER ?@'%' IDENTIFIED BY 'Pv-pass-1'", [user]);
      for (const g of grants) await c.query(g.replace(/DB/g, `\`${db.name}\``).replace(/TO_U/g, `TO '${user}'@'%'`));
    });
    const s = await testServer();
    const conn = await mysql.createConnection({ host: s.host, port: s.port, user, password: "Pv-pass-1" });
    await conn.query(`USE \`${db.name}\``).catch(() => undefined); // refused to an account without any privilege there
    return { user, conn };
  }

  const short = (m: MissingPrivilege[]) => m.map((x) => [x.table, x.privilege, x.columns]);

  /** The same answer from the account itself (CURRENT_USER()) and from an admin naming it. */
  async function bothWays(user: string, conn: mysql.Connection): Promise<MissingPrivilege[]> {
    const own = await missingPrivileges(conn, null, null, db.name);
    const admin = await withRootConnection((c) => missingPrivileges(c, user, "%", db.name));
    expect(short(admin)).toEqual(short(own));
    return own;
  }

  const VOD_INSERT = "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url, title, frontcover, location) VALUES ('a1', 'f1', NOW(), NOW(), 'u', 't', 'c', 'l')";

  test("an account that lacks INSERT on tb_vod: exactly that, and the named GRANT fixes it", async () => {
    const { user, conn } = await account([
      "GRANT SELECT, UPDATE ON DB.* TO_U",
      "GRANT INSERT ON DB.tb_account TO_U",
      "GRANT INSERT ON DB.tb_room TO_U",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON DB.`__proto__` TO_U",
    ]);
    try {
      const missing = await bothWays(user, conn);
      expect(short(missing)).toEqual([["tb_vod", "INSERT", null]]);
      expect(missing[0]).toMatchObject({
        severity: "fail",
        faq: { zh: "数据库账号权限不足" },
        fix: { kind: "manual", sql: [`GRANT INSERT ON \`${db.name}\`.\`tb_vod\` TO '${user}'@'%'`] },
      });
      expect(missing[0].description.en).toContain("recording callback, new recording: INSERT INTO tb_vod");
      expect(missing[0].description.zh).toContain(`缺少 ${db.name}.tb_vod 的 INSERT 权限`);
      // The verdict the validators report: one fail, the combined GRANT migrate --create-user would run.
      const verdict = privilegeVerdict(db.name, missing);
      expect(verdict).toMatchObject({ severity: "fail", fixSql: [`GRANT INSERT ON \`${db.name}\`.* TO '${user}'@'%'`] });
      expect(verdict.message.en).toContain(`lacks privileges on ${db.name}; the backend statements in brackets fail: tb_vod INSERT [recording callback, new recording]`);
      expect(verdict.message.zh).toContain("tb_vod INSERT【recording callback, new recording】");
      // What the server says.
      await expect(conn.query(VOD_INSERT)).rejects.toThrow(/INSERT command denied/);
      await withRootConnection((c) => c.query((missing[0].fix as { sql: string[] }).sql[0]));
      expect(await missingPrivileges(conn, null, null, db.name)).toEqual([]);
    } finally {
      await conn.end();
    }
  });

  test("table-level grants on some tables only: every other table's privileges are missing", async () => {
    const { user, conn } = await account(["GRANT SELECT, INSERT, UPDATE ON DB.tb_account TO_U", "GRANT SELECT ON DB.tb_vod TO_U", "GRANT SELECT ON DB.`constructor` TO_U"]);
    try {
      expect(short(await bothWays(user, conn))).toEqual([
        ["tb_room", "SELECT", null],
        ["tb_room", "INSERT", null],
        ["tb_room", "UPDATE", null],
        ["tb_vod", "INSERT", null],
        ["tb_vod", "UPDATE", null],
      ]);
      await expect(conn.query("SELECT * FROM tb_room")).rejects.toThrow(/SELECT command denied/);
      await conn.query("SELECT * FROM tb_vod");
    } finally {
      await conn.end();
    }
  });

  test("global grants count; with global SELECT and database-level INSERT only UPDATE is missing", async () => {
    const all = await account(["GRANT SELECT, INSERT, UPDATE ON *.* TO_U"]);
    try {
      expect(await bothWays(all.user, all.conn)).toEqual([]);
    } finally {
      await all.conn.end();
    }
    const mixed = await account(["GRANT SELECT ON *.* TO_U", "GRANT INSERT ON DB.* TO_U"]);
    try {
      expect(short(await bothWays(mixed.user, mixed.conn))).toEqual([
        ["tb_account", "UPDATE", null],
        ["tb_room", "UPDATE", null],
        ["tb_vod", "UPDATE", null],
      ]);
    } finally {
      await mixed.conn.end();
    }
  });

  test("column-level grants: missing exactly the columns the backend's statements name", async () => {
    const { user, conn } = await account([
      "GRANT SELECT, UPDATE ON DB.tb_vod TO_U",
      "GRANT SELECT, INSERT, UPDATE ON DB.tb_account TO_U",
      "GRANT INSERT (userid, file_id, start_time, create_time, play_url) ON DB.tb_vod TO_U",
      "GRANT SELECT (userid, title), INSERT, UPDATE ON DB.tb_room TO_U",
      "GRANT UPDATE (userid, title, frontcover, location, create_time) ON DB.tb_room TO_U",
    ]);
    try {
      expect(short(await bothWays(user, conn))).toEqual([
        ["tb_room", "SELECT", ["frontcover", "location", "create_time"]],
        ["tb_vod", "INSERT", ["hls_play_url", "title", "frontcover", "location"]],
      ]);
      // What the server says: the recording callback's INSERT (it writes title, frontcover, location) and SELECT *.
      await expect(conn.query(VOD_INSERT)).rejects.toThrow(/INSERT command denied|command denied .* column/);
      await conn.query("INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url) VALUES ('c1', 'f1', NOW(), NOW(), 'u')");
      await expect(conn.query("SELECT * FROM tb_room")).rejects.toThrow(/denied/);
      await conn.query("SELECT userid, title FROM tb_room");
    } finally {
      await conn.end();
    }
    // Column grants that cover every column the statements need are enough.
    const full = await account([
      "GRANT SELECT, UPDATE ON DB.* TO_U",
      "GRANT INSERT ON DB.tb_account TO_U",
      "GRANT INSERT ON DB.tb_room TO_U",
      "GRANT INSERT (userid, file_id, start_time, create_time, play_url, hls_play_url, title, frontcover, location) ON DB.tb_vod TO_U",
    ]);
    try {
      expect(await bothWays(full.user, full.conn)).toEqual([]);
      await full.conn.query(VOD_INSERT.replace("'a1'", "'full1'"));
    } finally {
      await full.conn.end();
    }
  });

  test("database patterns: a wildcard grant counts, but only the first matching row applies (as the server does)", async () => {
    const pattern = `${db.name.slice(0, -4)}%`;
    const wild = await account([`GRANT SELECT, INSERT, UPDATE ON \`${pattern}\`.* TO_U`]);
    try {
      expect(await bothWays(wild.user, wild.conn)).toEqual([]);
    } finally {
      await wild.conn.end();
    }
    const shadowed = await account(["GRANT SELECT ON DB.* TO_U", `GRANT INSERT, UPDATE ON \`${pattern}\`.* TO_U`]);
    try {
      expect(short(await bothWays(shadowed.user, shadowed.conn))).toEqual([
        ["tb_account", "INSERT", null],
        ["tb_account", "UPDATE", null],
        ["tb_room", "INSERT", null],
        ["tb_room", "UPDATE", null],
        ["tb_vod", "INSERT", null],
        ["tb_vod", "UPDATE", null],
      ]);
      await expect(shadowed.conn.query(VOD_INSERT)).rejects.toThrow(/INSERT command denied/);
    } finally {
      await shadowed.conn.end();
    }
  });

  test("roles: the default role's grants count (also a role granted to it); a granted role that is not the default does not", async () => {
    const outer = uniqueName("rl").slice(0, 32);
    const inner = uniqueName("rl").slice(0, 32);
    roles.push(outer, inner);
    await withRootConnection(async (c) => {
      await c.query(`CREATE ROLE \`${inner}\``);
      await c.query(`CREATE ROLE \`${outer}\``);
      await c.query(`GRANT UPDATE ON \`${db.name}\`.* TO \`${inner}\``);
      await c.query(`GRANT SELECT, INSERT ON \`${db.name}\`.* TO \`${outer}\``);
      await c.query(`GRANT \`${inner}\` TO \`${outer}\``);
    });
    const a = await account([`GRANT \`${outer}\` TO_U`]);
    await withRootConnection((c) => c.query(`SET DEFAULT ROLE \`${outer}\` FOR ?@'%'`, [a.user]));
    await a.conn.end();
    const s = await testServer();
    const relogged = await mysql.createConnection({ host: s.host, port: s.port, user: a.user, password: "Pv-pass-1", database: db.name });
    try {
      expect(await bothWays(a.user, relogged)).toEqual([]);
      await relogged.query(VOD_INSERT.replace("'a1'", "'role1'"));
    } finally {
      await relogged.end();
    }
    const notDefault = await account([`GRANT \`${outer}\` TO_U`]);
    try {
      expect(short(await bothWays(notDefault.user, notDefault.conn))).toHaveLength(9);
      await expect(notDefault.conn.query(`SELECT * FROM \`${db.name}\`.tb_vod`)).rejects.toThrow(/denied/);
    } finally {
      await notDefault.conn.end();
    }
  });

  test("migrate --create-user grants exactly the map (database level), over table-level grants it finds", async () => {
    const { user, conn } = await account(["GRANT INSERT ON DB.tb_vod TO_U"]);
    await conn.end();
    const s = await testServer();
    const r = await migrate({
      account: { host: s.host, port: s.port, user: s.user, password: s.password },
      database: db.name,
      createUser: { user, password: "ignored-existing-account" },
    });
    expect(r.user).toEqual({ name: `${user}@%`, created: false, granted: ["SELECT", "INSERT", "UPDATE"] });
    expect(r.statements).toContain(`GRANT SELECT, INSERT, UPDATE ON \`${db.name}\`.* TO '${user}'@'%'`);
    expect(await withRootConnection((c) => missingPrivileges(c, user, "%", db.name))).toEqual([]);
    const [grants] = await withRootConnection((c) => c.query(`SHOW GRANTS FOR '${user}'@'%'`));
    const text = (grants as Record<string, string>[]).map((g) => Object.values(g)[0]);
    expect(text.filter((g) => !/^GRANT USAGE ON \*\.\*/.test(g)).sort()).toEqual(
      [`GRANT INSERT ON \`${db.name}\`.\`tb_vod\` TO \`${user}\`@\`%\``, `GRANT SELECT, INSERT, UPDATE ON \`${db.name}\`.* TO \`${user}\`@\`%\``].sort(),
    );
    // Password unchanged; a second run grants nothing.
    const again = await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: db.name, createUser: { user, password: "x-x-x-x" } });
    expect(again.user?.granted).toEqual([]);
    // The validators' view, through the backend account itself: nothing missing, the schema as declared.
    const still = await mysql.createConnection({ host: s.host, port: s.port, user, password: "Pv-pass-1", database: db.name });
    try {
      expect(await missingPrivileges(still, null, null, db.name)).toEqual([]);
      expect(privilegeVerdict(db.name, [])).toMatchObject({ severity: "pass", fixSql: [], faq: null });
      expect(await assessSchema(still, db.name)).toMatchObject({ severity: "pass", differences: [] });
    } finally {
      await still.end();
    }
  });
});
