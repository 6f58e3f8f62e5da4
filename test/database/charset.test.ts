// Character sets on the real server: a latin1 table or column inside the utf8mb4 database is a difference; migrate
// converts latin1/utf8mb3 tables up to utf8mb4 (lossless) and refuses other sets; normalisation of charset names.
import * as mysql from "mysql2/promise";
import { migrate } from "../../database/migrate";
import { SCHEMA, compareSchema, inspectSchema, normaliseColumn } from "../../database";
import { createTestDatabase, dumpTable, testServer, TestDatabase } from "../helpers/mysql";

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => undefined);
});

async function newDb(prefix: string): Promise<{ db: TestDatabase; conn: mysql.Connection }> {
  const db = await createTestDatabase(prefix, { charset: "utf8mb4", collation: "utf8mb4_general_ci" });
  dbs.push(db);
  return { db, conn: await db.connect() };
}

async function runMigrate(database: string, dryRun = false) {
  const s = await testServer();
  return migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database, dryRun });
}

const ACCOUNT_COLS = `userid varchar(50) NOT NULL, password varchar(255) DEFAULT NULL, nickname varchar(100) DEFAULT NULL,
  sex int(11) DEFAULT -1, avatar varchar(254) DEFAULT NULL, frontcover varchar(255) DEFAULT NULL,
  create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (userid)`;

const EMOJI_INSERT = "INSERT INTO tb_account (userid, password, nickname) VALUES ('emoji1', 'pw', '主播😀')";

async function accountRows(conn: mysql.Connection) {
  return dumpTable(conn, "tb_account", ["userid"]);
}

describe("charset names: MariaDB vs MySQL 8", () => {
  test("utf8 / utf8_general_ci are utf8mb3; non-text columns have none", () => {
    const base = { column_name: "c", column_type: "varchar(10)", is_nullable: "YES", column_default: null, extra: "" };
    expect(normaliseColumn({ ...base, character_set_name: "utf8", collation_name: "utf8_general_ci" })).toMatchObject({
      charset: "utf8mb3",
      collation: "utf8mb3_general_ci",
    });
    expect(normaliseColumn({ ...base, character_set_name: "UTF8MB3", collation_name: "utf8mb3_general_ci" })).toMatchObject({
      charset: "utf8mb3",
      collation: "utf8mb3_general_ci",
    });
    expect(normaliseColumn({ ...base, column_type: "int(11)", character_set_name: null, collation_name: null })).toMatchObject({
      charset: null,
      collation: null,
    });
  });
});

describe("charset differences on the real server", () => {
  test("a latin1 table in the utf8mb4 database: reported, emoji insert fails, migrate converts it without changing a row", async () => {
    const { db, conn } = await newDb("cs_latin1_table");
    try {
      await runMigrate(db.name);
      await conn.query("DROP TABLE tb_account");
      await conn.query(`CREATE TABLE tb_account (${ACCOUNT_COLS}) ENGINE=InnoDB DEFAULT CHARSET=latin1`);
      await conn.query("INSERT INTO tb_account (userid, nickname) VALUES ('a1', 'Zoë Ünal'), ('a2', 'café 50€'), ('a3', NULL)");
      const before = await accountRows(conn);

      const diffs = compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name));
      expect(diffs.find((d) => d.kind === "table_charset")).toMatchObject({ table: "tb_account", severity: "warn", repairable: true });
      const cols = diffs.filter((d) => d.kind === "column_charset");
      expect(cols.map((d) => d.column).sort()).toEqual(["avatar", "frontcover", "nickname", "password", "userid"]);
      expect(cols[0]).toMatchObject({ severity: "fail", repairable: true, expected: "utf8mb4 (utf8mb4_general_ci)" });
      expect(cols[0].actual).toMatch(/^latin1 \(latin1_/);
      await expect(conn.query(EMOJI_INSERT)).rejects.toThrow(/Incorrect string value/);

      const r = await runMigrate(db.name);
      expect(r.repairs).toEqual(["ALTER TABLE `tb_account` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"]);
      expect(await accountRows(conn)).toEqual(before);
      expect(compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name))).toEqual([]);
      await conn.query(EMOJI_INSERT);
      const again = await runMigrate(db.name);
      expect(again.repairs).toEqual([]);
    } finally {
      await conn.end();
    }
  });

  test("a latin1 column in a utf8mb4 table, and a utf8mb3 table: both converted", async () => {
    const { db, conn } = await newDb("cs_latin1_col");
    try {
      await runMigrate(db.name);
      await conn.query("ALTER TABLE tb_account MODIFY COLUMN nickname varchar(100) CHARACTER SET latin1 NULL DEFAULT NULL");
      await conn.query("ALTER TABLE tb_room CONVERT TO CHARACTER SET utf8 COLLATE utf8_general_ci");
      await conn.query("INSERT INTO tb_account (userid, nickname) VALUES ('a1', 'Zoë')");
      await conn.query("INSERT INTO tb_room (userid, title, location) VALUES ('a1', 'Live 直播', '深圳')");
      const before = { a: await accountRows(conn), r: await dumpTable(conn, "tb_room", ["userid"]) };
      const diffs = compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name));
      expect(diffs.filter((d) => d.table === "tb_account").map((d) => [d.kind, d.column ?? null])).toEqual([["column_charset", "nickname"]]);
      expect(diffs.find((d) => d.table === "tb_room" && d.kind === "table_charset")?.actual).toBe("utf8mb3 (utf8mb3_general_ci)");
      await expect(conn.query("INSERT INTO tb_room (userid, title) VALUES ('a2', '😀')")).rejects.toThrow(/Incorrect string value/);

      const dry = await runMigrate(db.name, true);
      expect(dry.repairs).toEqual([
        "ALTER TABLE `tb_account` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        "ALTER TABLE `tb_room` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
      ]);
      const r = await runMigrate(db.name);
      expect(r.repairs).toEqual(dry.repairs);
      expect({ a: await accountRows(conn), r: await dumpTable(conn, "tb_room", ["userid"]) }).toEqual(before);
      expect(compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name))).toEqual([]);
      await conn.query("INSERT INTO tb_room (userid, title) VALUES ('a2', '😀')");
    } finally {
      await conn.end();
    }
  });

  test("a latin1 table default with utf8mb4 columns: a warning; converted before a missing column is added", async () => {
    const { db, conn } = await newDb("cs_default");
    try {
      await runMigrate(db.name);
      await conn.query("ALTER TABLE tb_account DROP COLUMN frontcover, DEFAULT CHARACTER SET latin1");
      const diffs = compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name));
      expect(diffs.map((d) => [d.kind, d.severity])).toEqual([
        ["table_charset", "warn"],
        ["missing_column", "fail"],
      ]);
      const r = await runMigrate(db.name);
      expect(r.repairs).toEqual([
        "ALTER TABLE `tb_account` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        "ALTER TABLE `tb_account` ADD COLUMN `frontcover` varchar(255) NULL DEFAULT NULL",
      ]);
      const cols = (await inspectSchema(conn, db.name)).tables.find((t) => t.name === "tb_account")!.columns;
      expect(cols.find((c) => c.name === "frontcover")!.charset).toBe("utf8mb4");
    } finally {
      await conn.end();
    }
  });

  test("another utf8mb4 collation is accepted; a gbk column is not repairable and migrate changes nothing", async () => {
    const { db, conn } = await newDb("cs_gbk");
    try {
      await runMigrate(db.name);
      await conn.query("ALTER TABLE tb_vod MODIFY COLUMN title varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL");
      expect(compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name))).toEqual([]);
      await conn.query("ALTER TABLE tb_account MODIFY COLUMN nickname varchar(100) CHARACTER SET gbk NULL DEFAULT NULL");
      await conn.query("ALTER TABLE tb_account MODIFY COLUMN avatar varchar(254) CHARACTER SET latin1 NULL DEFAULT NULL");
      const diffs = compareSchema({ ...SCHEMA, database: db.name }, await inspectSchema(conn, db.name));
      expect(diffs.map((d) => [d.kind, d.column, d.repairable])).toEqual([
        ["column_charset", "nickname", false],
        ["column_charset", "avatar", false],
      ]);
      expect(diffs[0].message).toMatch(/tb_account\.nickname: character set gbk .*convert it by hand/);
      const before = await inspectSchema(conn, db.name);
      await expect(runMigrate(db.name)).rejects.toThrow(/cannot be repaired[\s\S]*tb_account\.nickname: character set gbk/);
      expect(await inspectSchema(conn, db.name)).toEqual(before);
    } finally {
      await conn.end();
    }
  });
});
