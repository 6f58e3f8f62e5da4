/**
 * Reads the actual schema of a database from information_schema (works on MariaDB 10.x and MySQL 8; the dialect
 * differences are normalised in normalise.ts). Needs only a connection's `query`; no runtime import of mysql2.
 */
import type { ActualSchema, ActualTable } from "./compare";
import { RawColumnRow, charsetOfCollation, normaliseCharset, normaliseCollation, normaliseColumn } from "./normalise";

/**
 * The part of a mysql2/promise Connection or Pool used here (both satisfy it). Rows come back as objects.
 */
export interface SqlQueryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
}

async function rows(conn: SqlQueryable, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  const [r] = await conn.query(sql, values);
  return r as Record<string, unknown>[];
}

/**
 * Inspects `database` (default: live_demo) through `conn` (any account that can see the tables). Lower-case column
 * aliases keep MySQL 8 (upper-case information_schema names) and MariaDB results the same shape.
 */
export async function inspectSchema(conn: SqlQueryable, database = "live_demo"): Promise<ActualSchema> {
  const db = await rows(
    conn,
    "SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS coll FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
    [database],
  );
  // 0: table names are case-sensitive (Linux default); compareSchema then matches them exactly.
  const [lc] = await rows(conn, "SELECT @@lower_case_table_names AS lc", []);
  const lowerCaseTableNames = Number(lc?.lc ?? 0);
  if (db.length === 0) return { database, exists: false, charset: null, collation: null, tables: [], lowerCaseTableNames };
  // The table's default charset comes from its collation (information_schema.TABLES has only TABLE_COLLATION).
  const tables = await rows(
    conn,
    "SELECT t.TABLE_NAME AS name, t.ENGINE AS engine, t.TABLE_COLLATION AS coll, c.CHARACTER_SET_NAME AS cs " +
      "FROM information_schema.TABLES t LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION " +
      "WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY t.TABLE_NAME",
    [database],
  );
  const columns = await rows(
    conn,
    "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, " +
      "COLUMN_DEFAULT AS column_default, EXTRA AS extra, CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll " +
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
    [database],
  );
  const pk = await rows(
    conn,
    "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.STATISTICS " +
      "WHERE TABLE_SCHEMA = ? AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX",
    [database],
  );
  const out: ActualTable[] = tables.map((t) => ({
    name: str(t.name)!,
    engine: str(t.engine),
    collation: normaliseCollation(str(t.coll)),
    charset: normaliseCharset(str(t.cs)) ?? charsetOfCollation(str(t.coll)),
    columns: [],
    primaryKey: [],
  }));
  const byName = new Map(out.map((t) => [t.name, t]));
  for (const c of columns) {
    const t = byName.get(str(c.table_name)!);
    if (!t) continue;
    t.columns.push(
      normaliseColumn({
        column_name: str(c.column_name)!,
        column_type: str(c.column_type)!,
        is_nullable: str(c.is_nullable)!,
        column_default: str(c.column_default),
        extra: str(c.extra),
        character_set_name: str(c.cs),
        collation_name: str(c.coll),
      } satisfies RawColumnRow),
    );
  }
  for (const k of pk) byName.get(str(k.table_name)!)?.primaryKey.push(str(k.column_name)!);
  return {
    database,
    exists: true,
    charset: normaliseCharset(str(db[0].cs)),
    collation: normaliseCollation(str(db[0].coll)),
    tables: out,
    lowerCaseTableNames,
  };
}
