// The migration runner on a real server (the shared MariaDB): fresh, re-runs with rows, concurrency, checksums,
// dry run, the backend account.
import * as mysql from "mysql2/promise";
import { migrate, MigrationError, MigrateOptions } from "../../database/migrate";
import { MIGRATIONS } from "../../database/migrations";
import { SCHEMA, HISTORY_TABLE, compareSchema, inspectSchema } from "../../database";
import { createTestDatabase, createTestUser, dumpTable, testServer, withRootConnection, TestDatabase } from "../helpers/mysql";

async function options(database: string, extra: Partial<MigrateOptions> = {}): Promise<MigrateOptions> {
  const s = await testServer();
  return { account: { host: s.host, port: s.port, user: s.user, password: s.password }, database, ...extra };
}

const created: TestDatabase[] = [];
async function freshName(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix, { create: false });
  created.push(db);
  return db;
}
afterAll(async () => {
  for (const db of created) await db.drop().catch(() => undefined);
});

async function seedRows(conn: mysql.Connection): Promise<void> {
  await conn.query("INSERT INTO tb_account (userid, password, nickname, sex, avatar) VALUES ('alice', 'h1', '爱丽丝😀', 1, 'http://a/1.png'), ('bob', 'h2', NULL, -1, NULL)");
  await conn.query("INSERT INTO tb_room (userid, title, frontcover, location, create_time) VALUES ('alice', 'room', 'http://a/c.png', 'Shenzhen', '2026-11-20 10:00:00')");
  await conn.query(
    "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url, title) VALUES " +
      "('alice', 'v1', '2026-11-20 10:00:00', '2026-11-20 10:30:00', 'http://p/v1.mp4', 'room'), " +
      "('alice', 'v2', '2026-11-21 10:00:00', '2026-11-21 10:30:00', NULL, 'room')",
  );
}

async function snapshot(conn: mysql.Connection): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const t of SCHEMA.tables) {
    out[t.name] = await dumpTable(conn, t.name, t.primaryKey);
    const [[ddl]] = (await conn.query(`SHOW CREATE TABLE \`${t.name}\``)) as unknown as [[Record<string, string>]];
    out[`${t.name}:ddl`] = ddl["Create Table"];
  }
  return out;
}

describe("migrate on a real server", () => {
  test("fresh: creates the database with the charset, the tables exactly as declared, and the history", async () => {
    const db = await freshName("fresh");
    const r = await migrate(await options(db.name));
    expect(r.createdDatabase).toBe(true);
    expect(r.applied).toEqual(MIGRATIONS.map((m) => `${m.version} ${m.name}`));
    expect(r.repairs).toEqual([]);
    expect(r.differences).toEqual([]);
    await withRootConnection(async (c) => {
      const actual = await inspectSchema(c, db.name);
      expect(actual.charset).toBe("utf8mb4");
      expect(actual.collation).toBe("utf8mb4_general_ci");
      expect(compareSchema(SCHEMA, actual)).toEqual([]);
      expect(actual.tables.map((t) => t.name).sort()).toEqual([HISTORY_TABLE, "tb_account", "tb_room", "tb_vod"]);
      const [hist] = await c.query(`SELECT version, name, checksum FROM \`${db.name}\`.${HISTORY_TABLE}`);
      expect(hist).toEqual([expect.objectContaining({ version: 1, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    });
  });

  test("re-run ×3 with rows present: nothing applied, no row or table definition changed", async () => {
    const db = await freshName("rerun");
    await migrate(await options(db.name));
    const conn = await db.connect();
    try {
      await seedRows(conn);
      const before = await snapshot(conn);
      for (let i = 0; i < 3; i++) {
        const r = await migrate(await options(db.name));
        expect(r.applied).toEqual([]);
        expect(r.repairs).toEqual([]);
        expect(r.createdDatabase).toBe(false);
      }
      expect(await snapshot(conn)).toEqual(before);
    } finally {
      await conn.end();
    }
  });

  test("two concurrent migrates: one waits for the lock, both succeed, migrations applied once", async () => {
    const db = await freshName("concurrent");
    // Hold the lock first so both runs are certain to wait, then release it.
    const holder = await mysql.createConnection({ ...(await options(db.name)).account });
    const [[got]] = (await holder.query("SELECT GET_LOCK(?, 0) AS g", [`live_infra_migrate.${db.name}`])) as unknown as [[{ g: number }]];
    expect(Number(got.g)).toBe(1);
    const logs: string[][] = [[], []];
    const runs = [0, 1].map(async (i) => migrate(await options(db.name, { log: (l) => logs[i].push(l) })));
    // Both report that they wait before the lock is released.
    for (let i = 0; i < 200 && !(logs[0].some((l) => /waiting/.test(l)) && logs[1].some((l) => /waiting/.test(l))); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(logs.map((l) => l.some((x) => /waiting up to/.test(x)))).toEqual([true, true]);
    await holder.query("SELECT RELEASE_LOCK(?)", [`live_infra_migrate.${db.name}`]);
    await holder.end();
    const results = await Promise.all(runs);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, MIGRATIONS.length]);
    await withRootConnection(async (c) => {
      const [rows] = await c.query(`SELECT COUNT(*) AS n FROM \`${db.name}\`.${HISTORY_TABLE}`);
      expect(Number((rows as { n: number }[])[0].n)).toBe(MIGRATIONS.length);
    });
  });

  test("two concurrent migrates without a held lock both succeed", async () => {
    const db = await freshName("race");
    const results = await Promise.all([migrate(await options(db.name)), migrate(await options(db.name))]);
    expect(results.every((r) => r.differences.length === 0)).toBe(true);
  });

  test("lock timeout is an error that names the lock", async () => {
    const db = await freshName("locktimeout");
    const holder = await mysql.createConnection({ ...(await options(db.name)).account });
    await holder.query("SELECT GET_LOCK(?, 0)", [`live_infra_migrate.${db.name}`]);
    try {
      await expect(migrate(await options(db.name, { lockTimeoutSec: 1 }))).rejects.toThrow(/timed out after 1 s waiting for lock/);
    } finally {
      await holder.end();
    }
  });

  test("a tampered history checksum is refused and nothing changes", async () => {
    const db = await freshName("tamper");
    await migrate(await options(db.name));
    const conn = await db.connect();
    try {
      await seedRows(conn);
      await conn.query(`UPDATE ${HISTORY_TABLE} SET checksum = REPEAT('a', 64) WHERE version = 1`);
      const before = await snapshot(conn);
      const err = await migrate(await options(db.name)).catch((e) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect(err.message).toMatch(/migration 1 .* checksum aaaaaaaaaaaa… .*edited/);
      expect(await snapshot(conn)).toEqual(before);
      // A migration unknown to this code (applied by a newer release) is refused too.
      await conn.query(`UPDATE ${HISTORY_TABLE} SET version = 99 WHERE version = 1`);
      await expect(migrate(await options(db.name))).rejects.toThrow(/migration 99 .*newer release/);
    } finally {
      await conn.end();
    }
  });

  test("a tampered migration in the code is refused against an existing history", async () => {
    const db = await freshName("tampercode");
    await migrate(await options(db.name));
    const edited = [{ ...MIGRATIONS[0], statements: [...MIGRATIONS[0].statements, "SELECT 1"] }];
    await expect(migrate(await options(db.name, { migrations: edited }))).rejects.toThrow(/was edited/);
  });

  test("--dry-run prints the SQL and changes nothing", async () => {
    const db = await freshName("dry");
    const r = await migrate(await options(db.name, { dryRun: true }));
    const sql = r.statements.join("\n");
    expect(sql).toContain(`CREATE DATABASE IF NOT EXISTS \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    expect(sql).toContain("CREATE TABLE IF NOT EXISTS `tb_vod`");
    expect(sql).toContain(`INSERT INTO \`${HISTORY_TABLE}\``);
    await withRootConnection(async (c) => {
      const [rows] = await c.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [db.name]);
      expect(rows).toEqual([]);
    });
    expect(r.differences).toEqual([]);
    // After a real run, a dry run has nothing to do.
    await migrate(await options(db.name));
    const again = await migrate(await options(db.name, { dryRun: true }));
    expect(again.statements).toEqual([]);
    expect(again.differences).toEqual([]);
  });

  test("--create-user: creates the account with only SELECT, INSERT, UPDATE on the database; re-runs keep it", async () => {
    const db = await freshName("user");
    const user = `bk_${db.name.slice(-8)}`;
    const r1 = await migrate(await options(db.name, { createUser: { user, password: "Backend-Pw-1" } }));
    expect(r1.user).toEqual({ name: `${user}@%`, created: true, granted: ["SELECT", "INSERT", "UPDATE"] });
    expect(r1.statements.join("\n")).not.toContain("Backend-Pw-1");
    const r2 = await migrate(await options(db.name, { createUser: { user, password: "other-password" } }));
    expect(r2.user).toEqual({ name: `${user}@%`, created: false, granted: [] });
    const s = await testServer();
    // The original password still works (an existing account's password is not changed).
    const asUser = await mysql.createConnection({ host: s.host, port: s.port, user, password: "Backend-Pw-1", database: db.name });
    try {
      await asUser.query("INSERT INTO tb_room (userid, title) VALUES ('u1', 't')");
      await asUser.query("UPDATE tb_room SET title = 't2' WHERE userid = 'u1'");
      await expect(asUser.query("DELETE FROM tb_room")).rejects.toThrow(/DELETE command denied/);
      await expect(asUser.query("DROP TABLE tb_room")).rejects.toThrow(/denied/);
      const [grants] = await asUser.query("SHOW GRANTS");
      const text = JSON.stringify(grants);
      expect(text).toContain(`GRANT SELECT, INSERT, UPDATE ON \`${db.name}\`.*`);
      expect(text).not.toMatch(/ALL PRIVILEGES|WITH GRANT OPTION/);
    } finally {
      await asUser.end();
    }
  });

  test("--create-user never widens nor narrows an existing account's grants", async () => {
    const db = await freshName("grants");
    const { user, password } = await createTestUser("pre");
    await withRootConnection(async (c) => {
      await c.query(`CREATE DATABASE \`${db.name}\``);
      await c.query(`GRANT SELECT, DELETE ON \`${db.name}\`.* TO ?@'%'`, [user]);
    });
    const r = await migrate(await options(db.name, { createUser: { user, password } }));
    expect(r.user?.granted).toEqual(["INSERT", "UPDATE"]);
    await withRootConnection(async (c) => {
      const [rows] = await c.query("SELECT PRIVILEGE_TYPE AS p FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ? ORDER BY p", [`'${user}'@'%'`, db.name]);
      expect((rows as { p: string }[]).map((x) => x.p)).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
      await c.query(`DROP USER ?@'%'`, [user]);
    });
  });

  test("an account without DDL rights can re-run an up-to-date database (read-only checks)", async () => {
    const db = await freshName("ro");
    const user = `ro_${db.name.slice(-8)}`;
    await migrate(await options(db.name, { createUser: { user, password: "Ro-Pw-123" } }));
    const s = await testServer();
    const r = await migrate({ account: { host: s.host, port: s.port, user, password: "Ro-Pw-123" }, database: db.name });
    expect(r.applied).toEqual([]);
    expect(r.differences).toEqual([]);
  });

  test("a missing column is added back and a dropped table recreated, rows kept", async () => {
    const db = await freshName("drift");
    await migrate(await options(db.name));
    const conn = await db.connect();
    try {
      await seedRows(conn);
      await conn.query("ALTER TABLE tb_vod DROP COLUMN hls_play_url, MODIFY file_id varchar(100) NOT NULL");
      await conn.query("DROP TABLE tb_room");
      const vodBefore = await dumpTable(conn, "tb_vod", ["userid", "file_id"]);
      const r = await migrate(await options(db.name));
      expect(r.applied).toEqual([]);
      expect(r.repairs.join("\n")).toMatch(/CREATE TABLE IF NOT EXISTS `tb_room`/);
      expect(r.repairs.join("\n")).toMatch(/ADD COLUMN `hls_play_url`.*MODIFY COLUMN `file_id` varchar\(150\)|MODIFY COLUMN `file_id` varchar\(150\).*ADD COLUMN `hls_play_url`/);
      expect(r.differences).toEqual([]);
      const vodAfter = await dumpTable(conn, "tb_vod", ["userid", "file_id"]);
      expect(vodAfter).toEqual(vodBefore.map((row) => ({ ...row, hls_play_url: null })));
    } finally {
      await conn.end();
    }
  });

  test("an unrepairable difference (wrong primary key) fails with the list of problems before changing anything", async () => {
    const db = await freshName("badpk");
    await migrate(await options(db.name));
    const conn = await db.connect();
    try {
      await conn.query("ALTER TABLE tb_room DROP PRIMARY KEY, ADD PRIMARY KEY (userid, title)");
      await conn.query("DROP TABLE tb_vod"); // repairable, but the run must not start repairing
      await expect(migrate(await options(db.name))).rejects.toThrow(
        /nothing was changed:\n {2}- tb_room: primary key \(userid, title\) \(expected \(userid\)\)/,
      );
      const [rows] = await conn.query("SHOW TABLES LIKE 'tb_vod'");
      expect(rows).toEqual([]);
    } finally {
      await conn.end();
    }
  });

  test("an unrepairable adopted database (no history yet) is left exactly as it was: no history table, no tables", async () => {
    const db = await createTestDatabase("badadopt");
    created.push(db);
    const conn = await db.connect();
    try {
      await conn.query("CREATE TABLE tb_vod (userid int NOT NULL, file_id varchar(150) NOT NULL, PRIMARY KEY (userid, file_id))");
      await conn.query("INSERT INTO tb_vod VALUES (1, 'a')");
      await expect(migrate(await options(db.name))).rejects.toThrow(/nothing was changed:\n {2}- tb_vod\.userid: type int is not compatible with varchar\(50\)/);
      const [tables] = await conn.query("SHOW TABLES");
      expect(tables).toEqual([{ [`Tables_in_${db.name}`]: "tb_vod" }]);
      expect(await dumpTable(conn, "tb_vod", ["userid"])).toEqual([{ userid: 1, file_id: "a" }]);
    } finally {
      await conn.end();
    }
  });
});
