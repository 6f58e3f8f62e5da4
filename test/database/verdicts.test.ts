// One vocabulary for validate and migrate: for each kind of drift on the real server, the assessment the validators
// report (assessSchema) and what migrate does agree — migrate repairs → the assessment afterwards is clean; migrate
// refuses → it names the same manual SQL, and running that SQL by hand (after the data it asks for) makes both clean.
import * as mysql from "mysql2/promise";
import { migrate, MigrateResult, MigrationError } from "../../database/migrate";
import { FAQ_TAGS, SCHEMA, SchemaAssessment, SchemaDifference, assessDifferences, assessSchema, compareSchema, describeFix, inspectSchema } from "../../database";
import { createTestDatabase, testServer, TestDatabase } from "../helpers/mysql";

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => undefined);
});

interface Fixture {
  db: TestDatabase;
  conn: mysql.Connection;
}

async function migrated(prefix: string): Promise<Fixture> {
  const db = await createTestDatabase(prefix, { charset: "utf8mb4", collation: "utf8mb4_general_ci" });
  dbs.push(db);
  await runMigrate(db.name);
  return { db, conn: await db.connect() };
}

async function runMigrate(database: string): Promise<MigrateResult> {
  const s = await testServer();
  return migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database });
}

/** kind/table/column of each difference: what both sides must name. */
const ids = (ds: SchemaDifference[]) => ds.map((d) => [d.kind, d.table ?? null, d.column ?? null]);
const sqlOf = (ds: SchemaDifference[]) => [...new Set(ds.flatMap((d) => (d.fix.kind === "manual" ? d.fix.sql : [])))];

async function counts(conn: mysql.Connection, checks: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const c of checks) {
    const [rows] = await conn.query(c);
    out.push(Number((rows as { n: number }[])[0].n));
  }
  return out;
}

/**
 * Runs migrate on a drifted database and asserts it does exactly what the assessment said: repairs every `migrate`
 * difference and reports them repaired; names every `manual` one with the same SQL (and never "up to date").
 */
async function migrateAgrees(f: Fixture, a: SchemaAssessment): Promise<{ result?: MigrateResult; error?: MigrationError }> {
  const before = await inspectSchema(f.conn, f.db.name);
  const outcome: { result?: MigrateResult; error?: MigrationError } = await runMigrate(f.db.name).then(
    (result) => ({ result }),
    (error: MigrationError) => ({ error }),
  );
  if (a.migrate === "nothing" || a.migrate === "repairs") {
    expect(outcome.error).toBeUndefined();
    expect(ids(outcome.result!.repaired)).toEqual(ids(a.repairable));
    expect(outcome.result!.differences).toEqual([]);
    const after = await assessSchema(f.conn, f.db.name);
    expect(after.differences).toEqual([]);
    expect(after.severity).toBe("pass");
  } else {
    expect(outcome.error).toBeInstanceOf(MigrationError);
    const e = outcome.error!;
    expect(ids(e.manual)).toEqual(ids(a.manual));
    expect(sqlOf(e.manual)).toEqual(a.manualSql);
    for (const s of a.manualSql) expect(e.message).toContain(`fix by hand: ${s};`);
    expect(e.message).not.toMatch(/up to date/);
    const after = await assessSchema(f.conn, f.db.name);
    if (a.migrate === "refuses") {
      // Stopped before any change.
      expect(await inspectSchema(f.conn, f.db.name)).toEqual(before);
      expect(e.message).toMatch(/nothing was changed/);
    } else {
      expect(ids(e.repaired)).toEqual(ids(a.repairable));
      // What is left is exactly the manual part, with the same fix.
      expect(ids(after.differences)).toEqual(ids(a.manual));
      expect(after.manualSql).toEqual(a.manualSql);
    }
  }
  return outcome;
}

/** Runs the manual SQL of an assessment by hand; then migrate has nothing left and the assessment is clean. */
async function fixByHand(f: Fixture, a: SchemaAssessment): Promise<void> {
  for (const s of a.manualSql) await f.conn.query(s);
  const r = await runMigrate(f.db.name);
  expect(r.differences).toEqual([]);
  expect((await assessSchema(f.conn, f.db.name)).differences).toEqual([]);
}

describe("each difference carries one severity, one fix and one FAQ tag", () => {
  test("the fix is the only advice: a manual difference is never also 'run migrate'", () => {
    const actual = {
      database: "live_demo",
      exists: true,
      charset: "utf8mb4",
      collation: "utf8mb4_general_ci",
      lowerCaseTableNames: 0,
      tables: SCHEMA.tables.map((t) => ({
        name: t.name,
        engine: "InnoDB",
        collation: "utf8mb4_general_ci",
        charset: "utf8mb4",
        primaryKey: [...t.primaryKey],
        columns: t.columns.map((c) => ({ ...c, onUpdateCurrentTimestamp: false, charset: /char/.test(c.type) ? "utf8mb4" : null, collation: /char/.test(c.type) ? "utf8mb4_general_ci" : null })),
      })),
    };
    const vod = actual.tables.find((t) => t.name === "tb_vod")!;
    vod.columns.find((c) => c.name === "play_url")!.type = "int";
    const a = assessDifferences("live_demo", compareSchema(SCHEMA, actual));
    expect(a.differences).toHaveLength(1);
    const [d] = a.differences;
    expect(d).toMatchObject({ kind: "type_incompatible", severity: "fail", repairable: false, faq: FAQ_TAGS.schemaDiffers });
    expect(d.fix).toEqual({
      kind: "manual",
      sql: ["ALTER TABLE `live_demo`.`tb_vod` MODIFY COLUMN `play_url` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL"],
      dataFirst: expect.objectContaining({ checks: [] }),
    });
    expect(a.migrate).toBe("refuses");
    for (const lang of ["zh", "en"] as const) {
      expect(a.message[lang]).toContain(a.manualSql[0]);
      expect(a.message[lang]).not.toContain(describeFix({ kind: "migrate" })[lang]);
    }
    // A repairable one says only "run migrate".
    vod.columns.find((c) => c.name === "play_url")!.type = "varchar(100)";
    const b = assessDifferences("live_demo", compareSchema(SCHEMA, actual));
    expect(b.differences.map((x) => [x.kind, x.fix.kind])).toEqual([["type_too_narrow", "migrate"]]);
    expect(b.message.en).toContain(describeFix({ kind: "migrate" }).en);
    expect(b.message.en).not.toMatch(/by hand/);
    expect(b.message.zh).not.toMatch(/手工/);
  });
});

describe("validate's assessment and migrate agree, drift by drift (real server)", () => {
  test("nullability: a declared-nullable column made NOT NULL without default fails; migrate repairs it", async () => {
    const f = await migrated("v_null_loose");
    try {
      await f.conn.query("ALTER TABLE tb_vod MODIFY COLUMN title varchar(128) NOT NULL");
      const insert = "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url) VALUES ('a1', 'f1', NOW(), NOW(), 'u')";
      await expect(f.conn.query(insert)).rejects.toThrow(/title/);
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([
        ["default", "title", "fail", "migrate"],
        ["nullability", "title", "fail", "migrate"],
      ]);
      expect(a).toMatchObject({ severity: "fail", migrate: "repairs", faq: FAQ_TAGS.schemaDiffers, manualSql: [] });
      await migrateAgrees(f, a);
      await f.conn.query(insert);
    } finally {
      await f.conn.end();
    }
  });

  test("nullability: start_time became DATETIME NULL — a warning both sides call a manual fix (no loop)", async () => {
    const f = await migrated("v_null_tight");
    try {
      await f.conn.query("ALTER TABLE tb_vod MODIFY COLUMN start_time datetime NULL");
      await f.conn.query("INSERT INTO tb_vod (userid, file_id, start_time, create_time) VALUES ('a1', 'f1', NULL, '2026-11-20 10:30:00')");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([
        ["default", "start_time", "warn", "migrate"],
        ["nullability", "start_time", "warn", "manual"],
      ]);
      const sql = `ALTER TABLE \`${f.db.name}\`.\`tb_vod\` MODIFY COLUMN \`start_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP`;
      expect(a).toMatchObject({ severity: "warn", migrate: "repairs-then-refuses", manualSql: [sql] });
      const nullability = a.manual[0];
      expect(nullability.fix.kind === "manual" && nullability.fix.dataFirst?.checks).toEqual([
        `SELECT COUNT(*) AS n FROM \`${f.db.name}\`.\`tb_vod\` WHERE \`start_time\` IS NULL`,
      ]);
      expect(a.message.en).toContain(sql);
      expect(a.message.zh).toContain(sql);

      await migrateAgrees(f, a);
      // The data the fix asks for, then the fix.
      const checks = nullability.fix.kind === "manual" ? nullability.fix.dataFirst!.checks : [];
      expect(await counts(f.conn, checks)).toEqual([1]);
      await expect(f.conn.query(sql)).rejects.toThrow();
      await f.conn.query("UPDATE tb_vod SET start_time = create_time WHERE start_time IS NULL");
      expect(await counts(f.conn, checks)).toEqual([0]);
      await fixByHand(f, await assessSchema(f.conn, f.db.name));
    } finally {
      await f.conn.end();
    }
  });

  test("default: another default is a warning migrate repairs", async () => {
    const f = await migrated("v_default");
    try {
      await f.conn.query("ALTER TABLE tb_vod ALTER COLUMN like_count SET DEFAULT 5");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind, d.actual])).toEqual([["default", "like_count", "warn", "migrate", "DEFAULT '5'"]]);
      expect(a).toMatchObject({ severity: "warn", migrate: "repairs" });
      await migrateAgrees(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("type widening is accepted as it is: no difference, migrate changes nothing", async () => {
    const f = await migrated("v_widen");
    try {
      await f.conn.query(
        "ALTER TABLE tb_vod MODIFY COLUMN like_count bigint NOT NULL DEFAULT 0, MODIFY COLUMN file_id varchar(190) NOT NULL, " +
          "MODIFY COLUMN create_time datetime NOT NULL DEFAULT CURRENT_TIMESTAMP, MODIFY COLUMN title text NULL",
      );
      const a = await assessSchema(f.conn, f.db.name);
      expect(a).toMatchObject({ differences: [], severity: "pass", migrate: "nothing", faq: null });
      const { result } = await migrateAgrees(f, a);
      expect(result!.repairs).toEqual([]);
    } finally {
      await f.conn.end();
    }
  });

  test("type narrowing: a shorter varchar and a smaller int fail; migrate widens them", async () => {
    const f = await migrated("v_narrow");
    try {
      await f.conn.query("ALTER TABLE tb_vod MODIFY COLUMN file_id varchar(100) NOT NULL, MODIFY COLUMN viewer_count smallint NOT NULL DEFAULT 0");
      await f.conn.query("INSERT INTO tb_vod (userid, file_id) VALUES ('a1', 'f1')");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([
        ["type_too_narrow", "file_id", "fail", "migrate"],
        ["type_too_narrow", "viewer_count", "fail", "migrate"],
      ]);
      await migrateAgrees(f, a);
      const [rows] = await f.conn.query("SELECT userid, file_id FROM tb_vod");
      expect(rows).toEqual([{ userid: "a1", file_id: "f1" }]);
    } finally {
      await f.conn.end();
    }
  });

  test("type narrowing migrate cannot do safely: int unsigned for int is a manual fix with a data check", async () => {
    const f = await migrated("v_unsigned");
    try {
      await f.conn.query("ALTER TABLE tb_vod MODIFY COLUMN like_count int unsigned NOT NULL DEFAULT 0");
      await f.conn.query("INSERT INTO tb_vod (userid, file_id, like_count) VALUES ('a1', 'f1', 3000000000), ('a1', 'f2', 7)");
      const a = await assessSchema(f.conn, f.db.name);
      const sql = `ALTER TABLE \`${f.db.name}\`.\`tb_vod\` MODIFY COLUMN \`like_count\` int NOT NULL DEFAULT 0`;
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([["type_too_narrow", "like_count", "fail", "manual"]]);
      expect(a).toMatchObject({ severity: "fail", migrate: "refuses", manualSql: [sql] });
      await migrateAgrees(f, a);
      const fix = a.manual[0].fix;
      const checks = fix.kind === "manual" ? fix.dataFirst!.checks : [];
      expect(await counts(f.conn, checks)).toEqual([1]);
      await f.conn.query("UPDATE tb_vod SET like_count = 2147483647 WHERE like_count > 2147483647");
      expect(await counts(f.conn, checks)).toEqual([0]);
      await fixByHand(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("incompatible type: a manual fix; migrate stops before repairing anything else", async () => {
    const f = await migrated("v_incompat");
    try {
      await f.conn.query("ALTER TABLE tb_room MODIFY COLUMN location int NULL");
      await f.conn.query("ALTER TABLE tb_vod DROP COLUMN hls_play_url");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.table, d.column, d.fix.kind])).toEqual([
        ["type_incompatible", "tb_room", "location", "manual"],
        ["missing_column", "tb_vod", "hls_play_url", "migrate"],
      ]);
      expect(a.migrate).toBe("refuses");
      expect(a.message.en).toMatch(/repairs the rest \(tb_vod\.hls_play_url \(missing column\)\), but changes nothing until the manual fix above is done/);
      await migrateAgrees(f, a);
      await fixByHand(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("charset: a latin1 column fails and migrate converts it; a gbk column is a manual fix", async () => {
    const f = await migrated("v_charset");
    try {
      await f.conn.query("ALTER TABLE tb_room MODIFY COLUMN title varchar(255) CHARACTER SET latin1 NOT NULL");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind, d.faq.id])).toEqual([["column_charset", "title", "fail", "migrate", "charset"]]);
      await migrateAgrees(f, a);

      await f.conn.query("ALTER TABLE tb_account MODIFY COLUMN nickname varchar(100) CHARACTER SET gbk NULL DEFAULT NULL");
      await f.conn.query("INSERT INTO tb_account (userid, nickname) VALUES ('a1', '主播')");
      const b = await assessSchema(f.conn, f.db.name);
      const sql = `ALTER TABLE \`${f.db.name}\`.\`tb_account\` MODIFY COLUMN \`nickname\` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL`;
      expect(b.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([["column_charset", "nickname", "fail", "manual"]]);
      expect(b.manualSql).toEqual([sql]);
      await migrateAgrees(f, b);
      await fixByHand(f, b);
      const [rows] = await f.conn.query("SELECT nickname FROM tb_account WHERE userid = 'a1'");
      expect(rows).toEqual([{ nickname: "主播" }]);
    } finally {
      await f.conn.end();
    }
  });

  test("a database whose default charset is latin1: a warning migrate repairs (ALTER DATABASE, no table touched)", async () => {
    const db = await createTestDatabase("v_dbcharset", { charset: "latin1", collation: "latin1_swedish_ci" });
    dbs.push(db);
    const f = { db, conn: await db.connect() };
    try {
      const first = await runMigrate(db.name);
      expect(first.repairs).toEqual([`ALTER DATABASE \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`]);
      expect(ids(first.repaired)).toEqual([["charset", null, null]]);
      await f.conn.query(`ALTER DATABASE \`${db.name}\` CHARACTER SET latin1`);
      const a = await assessSchema(f.conn, db.name);
      expect(a.differences.map((d) => [d.kind, d.severity, d.fix.kind])).toEqual([["charset", "warn", "migrate"]]);
      await migrateAgrees(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("missing column: fails; migrate adds it", async () => {
    const f = await migrated("v_missing_col");
    try {
      await f.conn.query("ALTER TABLE tb_vod DROP COLUMN hls_play_url");
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind, d.faq.id])).toEqual([["missing_column", "hls_play_url", "fail", "migrate", "schema_differs"]]);
      await migrateAgrees(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("missing primary key: a manual fix that first asks for duplicates to be removed", async () => {
    const f = await migrated("v_pk");
    try {
      await f.conn.query("ALTER TABLE tb_room DROP PRIMARY KEY");
      await f.conn.query("INSERT INTO tb_room (userid, title) VALUES ('a1', 't1'), ('a1', 't2'), ('b1', 't')");
      const a = await assessSchema(f.conn, f.db.name);
      const sql = `ALTER TABLE \`${f.db.name}\`.\`tb_room\` ADD PRIMARY KEY (\`userid\`)`;
      expect(a.differences.map((d) => [d.kind, d.table, d.severity, d.fix.kind, d.actual])).toEqual([["primary_key", "tb_room", "fail", "manual", "none"]]);
      expect(a.manualSql).toEqual([sql]);
      await migrateAgrees(f, a);
      const fix = a.manual[0].fix;
      const checks = fix.kind === "manual" ? fix.dataFirst!.checks : [];
      expect(await counts(f.conn, checks)).toEqual([1, 0]);
      await f.conn.query("DELETE FROM tb_room WHERE userid = 'a1' AND title = 't2'");
      expect(await counts(f.conn, checks)).toEqual([0, 0]);
      await fixByHand(f, a);
    } finally {
      await f.conn.end();
    }
  });

  test("an undeclared NOT NULL column without default: a manual fix that gives it a default (no row changes)", async () => {
    const f = await migrated("v_extra");
    try {
      await f.conn.query("ALTER TABLE tb_vod ADD COLUMN views_total int NOT NULL, ADD COLUMN note text NOT NULL");
      const insert = "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url) VALUES ('a1', 'f1', NOW(), NOW(), 'u')";
      await expect(f.conn.query(insert)).rejects.toThrow(/views_total|note/);
      const a = await assessSchema(f.conn, f.db.name);
      expect(a.differences.map((d) => [d.kind, d.column, d.severity, d.fix.kind])).toEqual([
        ["extra_column", "views_total", "fail", "manual"],
        ["extra_column", "note", "fail", "manual"],
      ]);
      expect(a.manualSql).toEqual([
        `ALTER TABLE \`${f.db.name}\`.\`tb_vod\` ALTER COLUMN \`views_total\` SET DEFAULT 0`,
        `ALTER TABLE \`${f.db.name}\`.\`tb_vod\` MODIFY COLUMN \`note\` text CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL`,
      ]);
      await migrateAgrees(f, a);
      await fixByHand(f, a);
      await f.conn.query(insert);
    } finally {
      await f.conn.end();
    }
  });

  test("FAQ tags: `tb_vod 未创建` only when tb_vod is missing; a tb_vod that exists but differs is tagged by its difference", async () => {
    const f = await migrated("v_faq");
    try {
      await f.conn.query("DROP TABLE tb_vod");
      const missing = await assessSchema(f.conn, f.db.name);
      expect(missing.faq).toEqual(FAQ_TAGS.tbVodMissing);
      expect(missing.differences.map((d) => [d.kind, d.faq.zh])).toEqual([["missing_table", "tb_vod 未创建"]]);
      expect(missing.differences[0].description.zh).toMatch(/createDB\.sh.*ERROR 1067/);
      expect(missing.message.en).toMatch(/tb_account and tb_room exist: the classic outcome of the original createDB\.sh/);
      await migrateAgrees(f, missing);

      await f.conn.query("ALTER TABLE tb_vod DROP COLUMN title, MODIFY COLUMN start_time timestamp NOT NULL DEFAULT '2000-01-01 00:00:00'");
      const differs = await assessSchema(f.conn, f.db.name);
      expect(differs.faq).toEqual(FAQ_TAGS.schemaDiffers);
      expect(differs.faq!.zh).toBe("表结构不一致");
      expect(differs.differences.every((d) => d.faq.id !== FAQ_TAGS.tbVodMissing.id)).toBe(true);
      await migrateAgrees(f, differs);
    } finally {
      await f.conn.end();
    }
  });
});
