// Pure tests of the schema module: hash, DDL text, MariaDB/MySQL 8 normalisation, compareSchema, URL parsing.
import {
  SCHEMA,
  schemaHash,
  DB_NAME,
  DB_CHARSET,
  DB_COLLATION,
  compareSchema,
  normaliseColumn,
  ActualSchema,
  createTableSql,
} from "../../database";
import { assertNonDestructive, pendingMigrations, repairStatements } from "../../database/migrate";
import { MIGRATIONS, migrationChecksum } from "../../database/migrations";
import { parseMysqlUrl } from "../../database/url";
import { InputError } from "../../common/errors";

/** The declared schema as a live server would report it. */
function actualFromDeclared(): ActualSchema {
  return {
    database: DB_NAME,
    exists: true,
    charset: DB_CHARSET,
    collation: DB_COLLATION,
    tables: SCHEMA.tables.map((t) => ({
      name: t.name,
      engine: "InnoDB",
      collation: DB_COLLATION,
      primaryKey: [...t.primaryKey],
      columns: t.columns.map((c) => ({ ...c, onUpdateCurrentTimestamp: !!c.onUpdateCurrentTimestamp })),
    })),
  };
}

describe("schema definition", () => {
  test("constants and hash", () => {
    expect(DB_NAME).toBe("live_demo");
    expect(DB_CHARSET).toBe("utf8mb4");
    expect(DB_COLLATION).toBe("utf8mb4_general_ci");
    expect(schemaHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(schemaHash()).toBe(schemaHash(JSON.parse(JSON.stringify(SCHEMA))));
    const changed = JSON.parse(JSON.stringify(SCHEMA));
    changed.tables[2].columns[1].type = "varchar(151)";
    expect(schemaHash(changed)).not.toBe(schemaHash());
  });

  test("keys and the columns the backend's queries use", () => {
    const t = Object.fromEntries(SCHEMA.tables.map((x) => [x.name, x]));
    expect(t.tb_account.primaryKey).toEqual(["userid"]);
    expect(t.tb_room.primaryKey).toEqual(["userid"]);
    expect(t.tb_vod.primaryKey).toEqual(["userid", "file_id"]);
    const vodCols = t.tb_vod.columns.map((c) => c.name);
    for (const c of ["userid", "file_id", "play_url", "hls_play_url", "create_time", "start_time", "title", "frontcover", "location", "like_count", "viewer_count"]) {
      expect(vodCols).toContain(c);
    }
    for (const c of ["userid", "title", "frontcover", "location"]) expect(t.tb_room.columns.map((x) => x.name)).toContain(c);
    for (const c of ["userid", "nickname", "avatar"]) expect(t.tb_account.columns.map((x) => x.name)).toContain(c);
  });

  test("no zero-date default and no ON UPDATE anywhere", () => {
    for (const t of SCHEMA.tables) {
      for (const c of t.columns) {
        expect(c.onUpdateCurrentTimestamp).toBeFalsy();
        if (c.default?.kind === "literal") expect(c.default.value).not.toMatch(/^0000/);
      }
    }
    expect(createTableSql(SCHEMA.tables[2])).toContain("`start_time` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP");
    expect(createTableSql(SCHEMA.tables[2])).toContain("DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
  });

  test("columns the backend INSERT omits are nullable or have a default", () => {
    const vod = SCHEMA.tables.find((t) => t.name === "tb_vod")!;
    for (const name of ["like_count", "viewer_count", "frontcover", "location", "title", "play_url", "hls_play_url"]) {
      const c = vod.columns.find((x) => x.name === name)!;
      expect(c.nullable || c.default !== undefined).toBe(true);
    }
  });
});

describe("normaliseColumn: MariaDB vs MySQL 8 information_schema", () => {
  test("CURRENT_TIMESTAMP with and without parentheses, ON UPDATE", () => {
    const maria = normaliseColumn({ column_name: "create_time", column_type: "timestamp", is_nullable: "NO", column_default: "current_timestamp()", extra: "on update current_timestamp()" });
    const my8 = normaliseColumn({ column_name: "create_time", column_type: "timestamp", is_nullable: "NO", column_default: "CURRENT_TIMESTAMP", extra: "DEFAULT_GENERATED on update CURRENT_TIMESTAMP" });
    expect(maria).toEqual(my8);
    expect(maria.default).toEqual({ kind: "expr", expr: "CURRENT_TIMESTAMP" });
    expect(maria.onUpdateCurrentTimestamp).toBe(true);
  });

  test("int(11) vs int, quoted vs unquoted literals, NULL default", () => {
    const maria = normaliseColumn({ column_name: "sex", column_type: "int(11)", is_nullable: "YES", column_default: "-1", extra: "" });
    const my8 = normaliseColumn({ column_name: "sex", column_type: "int", is_nullable: "YES", column_default: "-1", extra: "" });
    expect(maria).toEqual(my8);
    expect(maria.type).toBe("int");
    const zMaria = normaliseColumn({ column_name: "start_time", column_type: "timestamp", is_nullable: "NO", column_default: "'0000-00-00 00:00:00'", extra: "" });
    const zMy8 = normaliseColumn({ column_name: "start_time", column_type: "timestamp", is_nullable: "NO", column_default: "0000-00-00 00:00:00", extra: "" });
    expect(zMaria).toEqual(zMy8);
    const nullMaria = normaliseColumn({ column_name: "title", column_type: "varchar(128)", is_nullable: "YES", column_default: "NULL", extra: "" });
    const nullMy8 = normaliseColumn({ column_name: "title", column_type: "varchar(128)", is_nullable: "YES", column_default: null, extra: "" });
    expect(nullMaria).toEqual(nullMy8);
    expect(nullMaria.default).toEqual({ kind: "null" });
    const none = normaliseColumn({ column_name: "userid", column_type: "varchar(50)", is_nullable: "NO", column_default: null, extra: "" });
    expect(none.default).toBeUndefined();
  });
});

describe("compareSchema", () => {
  test("the declaration matches itself", () => {
    expect(compareSchema(SCHEMA, actualFromDeclared())).toEqual([]);
  });

  test("missing database, table and column", () => {
    const none = compareSchema(SCHEMA, { database: "x", exists: false, charset: null, collation: null, tables: [] });
    expect(none.map((d) => d.kind)).toEqual(["missing_database", "missing_table", "missing_table", "missing_table"]);
    const a = actualFromDeclared();
    a.tables = a.tables.filter((t) => t.name !== "tb_vod");
    a.tables[0].columns = a.tables[0].columns.filter((c) => c.name !== "avatar");
    const d = compareSchema(SCHEMA, a);
    expect(d).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "missing_table", table: "tb_vod", severity: "fail", repairable: true }),
        expect.objectContaining({ kind: "missing_column", table: "tb_account", column: "avatar", severity: "fail" }),
      ]),
    );
  });

  test("types at least as wide pass; narrower, unsigned and incompatible fail", () => {
    const a = actualFromDeclared();
    const vod = a.tables.find((t) => t.name === "tb_vod")!;
    const col = (n: string) => vod.columns.find((c) => c.name === n)!;
    col("file_id").type = "varchar(255)";
    col("like_count").type = "bigint";
    col("create_time").type = "datetime";
    col("title").type = "text";
    expect(compareSchema(SCHEMA, a)).toEqual([]);
    col("file_id").type = "varchar(100)";
    col("like_count").type = "int unsigned";
    col("play_url").type = "int";
    const kinds = compareSchema(SCHEMA, a).map((d) => [d.column, d.kind, d.repairable]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ["file_id", "type_too_narrow", true],
        ["like_count", "type_too_narrow", false],
        ["play_url", "type_incompatible", false],
      ]),
    );
  });

  test("createDB.sh's tb_vod: zero-date default and ON UPDATE", () => {
    const a = actualFromDeclared();
    const vod = a.tables.find((t) => t.name === "tb_vod")!;
    vod.columns.find((c) => c.name === "start_time")!.default = { kind: "literal", value: "0000-00-00 00:00:00" };
    vod.columns.find((c) => c.name === "create_time")!.onUpdateCurrentTimestamp = true;
    const d = compareSchema(SCHEMA, a);
    expect(d).toEqual([
      expect.objectContaining({ kind: "on_update", column: "create_time", severity: "warn", repairable: true }),
      expect.objectContaining({ kind: "zero_date_default", column: "start_time", severity: "fail", repairable: true }),
    ]);
    expect(repairStatements(SCHEMA, a, d)).toEqual([
      "ALTER TABLE `tb_vod` MODIFY COLUMN `create_time` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
        "MODIFY COLUMN `start_time` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP",
    ]);
  });

  test("primary key, NOT NULL without default, extra NOT NULL column", () => {
    const a = actualFromDeclared();
    const vod = a.tables.find((t) => t.name === "tb_vod")!;
    vod.primaryKey = ["file_id"];
    vod.columns.find((c) => c.name === "title")!.nullable = false;
    vod.columns.find((c) => c.name === "title")!.default = undefined;
    vod.columns.push({ name: "extra", type: "int", nullable: false, default: undefined, onUpdateCurrentTimestamp: false });
    const d = compareSchema(SCHEMA, a);
    expect(d.filter((x) => x.severity === "fail").map((x) => x.kind).sort()).toEqual(["default", "extra_column", "nullability", "primary_key"]);
    expect(d.find((x) => x.kind === "primary_key")!.repairable).toBe(false);
    // The repair makes title nullable with DEFAULT NULL; the primary key and extra column are left alone.
    expect(repairStatements(SCHEMA, a, d)).toEqual(["ALTER TABLE `tb_vod` MODIFY COLUMN `title` varchar(128) NULL DEFAULT NULL"]);
  });
});

describe("migrations", () => {
  test("checksums are stable and detect edits", () => {
    const m = MIGRATIONS[0];
    expect(migrationChecksum(m)).toBe(migrationChecksum({ ...m, statements: [...m.statements] }));
    expect(migrationChecksum({ ...m, statements: [m.statements[0] + " "] })).not.toBe(migrationChecksum(m));
    expect(() => pendingMigrations(MIGRATIONS, [{ version: 1, name: m.name, checksum: "0".repeat(64) }])).toThrow(/checksum/);
    expect(() => pendingMigrations(MIGRATIONS, [{ version: 99, name: "future", checksum: "x" }])).toThrow(/newer release/);
    expect(pendingMigrations(MIGRATIONS, [])).toHaveLength(MIGRATIONS.length);
  });

  test("every migration statement passes the non-destructive guard; DROPs are refused", () => {
    for (const m of MIGRATIONS) for (const s of m.statements) expect(() => assertNonDestructive(s)).not.toThrow();
    for (const bad of ["DROP TABLE tb_vod", "drop database live_demo", "ALTER TABLE tb_vod DROP COLUMN title", "ALTER TABLE t DROP `x`", "TRUNCATE tb_vod", "ALTER TABLE t DROP PRIMARY KEY"]) {
      expect(() => assertNonDestructive(bad)).toThrow(/destructive/);
    }
    expect(() => assertNonDestructive("ALTER TABLE t MODIFY COLUMN c varchar(9) DEFAULT 'drop table x'")).not.toThrow();
  });
});

describe("parseMysqlUrl", () => {
  test.each([
    ["mysql://root@[::1]/%zz", "database name"],
    ["mysql://u%zz:pw@h:3306/d", "user"],
    ["mysql://u:Secr%Et9@h:3306/d", "password"],
  ])("a malformed percent escape in %s is an input error naming the field, never URIError or the password", (url, field) => {
    let err: unknown;
    try {
      parseMysqlUrl(url, "--mysql-url");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`--mysql-url: the ${field} has a malformed percent escape`);
    expect((err as Error).message).not.toContain("Secr");
  });

  test("full and partial forms", () => {
    expect(parseMysqlUrl("mysql://u:p%40ss@db.example:3307/live_demo", "--mysql-url")).toEqual({ user: "u", password: "p@ss", host: "db.example", port: 3307, database: "live_demo" });
    expect(parseMysqlUrl("mysql://root@127.0.0.1/", "x")).toEqual({ user: "root", password: undefined, host: "127.0.0.1", port: 3306, database: undefined });
    expect(parseMysqlUrl("mysql://root:@h:1/d", "x").password).toBe("");
  });

  test("errors are InputErrors that never show the password", () => {
    for (const bad of ["http://u:Secr3tPw@h/db", "mysql://:Secr3tPw@h/db", "mysql://u:Secr3tPw@h/bad-name", "not a url", "mysql://u:Secr3tPw@h:0/db", "mysql://u:Secr3tPw@h:65536/db"]) {
      let err: unknown;
      try {
        parseMysqlUrl(bad, "--mysql-url");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).not.toContain("Secr3tPw");
      expect((err as Error).message).toContain("--mysql-url");
    }
  });
});
