// Table-name case on the real server: with lower_case_table_names=0 (Linux) a `TB_VOD` is not the `tb_vod` the
// backend queries; it is its own difference naming both names, and migrate stops before changing anything.
import * as mysql from "mysql2/promise";
import { migrate } from "../../database/migrate";
import { SCHEMA, ActualSchema, compareSchema, inspectSchema, undeclaredTables } from "../../database";
import { createTestDatabase, testServer, withRootConnection, TestDatabase } from "../helpers/mysql";

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => undefined);
});

async function runMigrate(database: string) {
  const s = await testServer();
  return migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database });
}

async function tableNames(conn: mysql.Connection): Promise<string[]> {
  const [rows] = await conn.query("SHOW TABLES");
  return (rows as Record<string, string>[]).map((r) => Object.values(r)[0]).sort();
}

test("TB_VOD on a case-sensitive server: table_name_case naming both names; migrate refuses and changes nothing", async () => {
  const [{ lc }] = await withRootConnection(async (c) => (await c.query("SELECT @@lower_case_table_names AS lc"))[0] as { lc: number }[]);
  if (Number(lc) !== 0) return; // only a case-sensitive server can hold both spellings (the throwaway MariaDB on Linux is)
  const db = await createTestDatabase("case_tbvod", { charset: "utf8mb4", collation: "utf8mb4_general_ci" });
  dbs.push(db);
  await runMigrate(db.name);
  const conn = await db.connect();
  try {
    // tb_vod exists only as TB_VOD (e.g. made by a script written on a case-insensitive server), with a row.
    await conn.query("DROP TABLE tb_vod");
    await conn.query(
      "CREATE TABLE TB_VOD (userid varchar(50) NOT NULL, file_id varchar(150) NOT NULL, PRIMARY KEY (userid, file_id)) DEFAULT CHARSET=utf8mb4",
    );
    await conn.query("INSERT INTO TB_VOD VALUES ('anchor1', 'vid-1')");
    const actual = await inspectSchema(conn, db.name);
    expect(actual.lowerCaseTableNames).toBe(0);
    const diffs = compareSchema({ ...SCHEMA, database: db.name }, actual);
    expect(diffs).toEqual([
      expect.objectContaining({ kind: "table_name_case", severity: "fail", table: "tb_vod", expected: "tb_vod", actual: "TB_VOD", repairable: false }),
    ]);
    expect(diffs[0].message).toMatch(/table TB_VOD exists but the backend queries tb_vod.*lower_case_table_names=0/);
    expect(undeclaredTables(SCHEMA, actual)).toEqual(["TB_VOD"]);
    // What the backend would see.
    await expect(conn.query("SELECT * FROM tb_vod")).rejects.toThrow(/doesn't exist/);

    const before = await tableNames(conn);
    await expect(runMigrate(db.name)).rejects.toThrow(/cannot be repaired[\s\S]*table TB_VOD exists but the backend queries tb_vod/);
    expect(await tableNames(conn)).toEqual(before);
    const [rows] = await conn.query("SELECT * FROM TB_VOD");
    expect(rows).toEqual([{ userid: "anchor1", file_id: "vid-1" }]);
  } finally {
    await conn.end();
  }
});

test("case-insensitive servers (lower_case_table_names 1/2) and unknown: names match ignoring case", () => {
  const base = compareSchema(SCHEMA, { database: "x", exists: true, charset: "utf8mb4", collation: "utf8mb4_general_ci", tables: [] });
  expect(base.filter((d) => d.kind === "missing_table")).toHaveLength(3);
  const upper: ActualSchema = {
    database: "x",
    exists: true,
    charset: "utf8mb4",
    collation: "utf8mb4_general_ci",
    tables: SCHEMA.tables.map((t) => ({
      name: t.name.toUpperCase(),
      engine: "InnoDB",
      collation: "utf8mb4_general_ci",
      primaryKey: [...t.primaryKey],
      columns: t.columns.map((c) => ({ ...c, onUpdateCurrentTimestamp: !!c.onUpdateCurrentTimestamp })),
    })),
  };
  for (const lc of [1, 2, undefined]) {
    expect(compareSchema(SCHEMA, { ...upper, lowerCaseTableNames: lc })).toEqual([]);
    expect(undeclaredTables(SCHEMA, { ...upper, lowerCaseTableNames: lc })).toEqual([]);
  }
  const sensitive = compareSchema(SCHEMA, { ...upper, lowerCaseTableNames: 0 });
  expect(sensitive.map((d) => [d.kind, d.table, d.actual])).toEqual([
    ["table_name_case", "tb_account", "TB_ACCOUNT"],
    ["table_name_case", "tb_room", "TB_ROOM"],
    ["table_name_case", "tb_vod", "TB_VOD"],
  ]);
});
