/**
 * The live_demo schema as data: the single source the stack hashes, the migrations are checked against and the
 * validators compare a live database with. Pure data and node:crypto only (the stacks import it at synth time).
 *
 * Column-compatible with every query of the 小直播 PHP backend (xiaozhibo_server_php HEAD 6cc8c55): same names,
 * same types, keys (userid) / (userid, file_id). Differences from its createDB.sh, on purpose:
 *  - tb_vod.start_time defaults to CURRENT_TIMESTAMP instead of '0000-00-00 00:00:00' (rejected by strict sql_mode,
 *    the FAQ's "tb_vod was never created").
 *  - No create_time column has ON UPDATE CURRENT_TIMESTAMP. The backend always writes create_time itself (recording
 *    end on INSERT, "now" in /upload_room), and its 7-day replay window and list order are computed from it; with
 *    ON UPDATE, the second recording format's UPDATE would silently move the row and restart its window.
 */
import { createHash } from "crypto";

export const DB_NAME = "live_demo";
export const DB_CHARSET = "utf8mb4";
export const DB_COLLATION = "utf8mb4_general_ci";

/** A column default. `undefined` in {@link ColumnDef.default} means "no DEFAULT clause". */
export type DefaultValue =
  | { kind: "null" }
  | { kind: "literal"; value: string }
  | { kind: "expr"; expr: "CURRENT_TIMESTAMP" };

export interface ColumnDef {
  name: string;
  /** Canonical MySQL 8 type text, lower case, integers without display width: "varchar(50)", "int", "timestamp". */
  type: string;
  nullable: boolean;
  default?: DefaultValue;
  /** true: ON UPDATE CURRENT_TIMESTAMP. Never used by this schema (see the file comment). */
  onUpdateCurrentTimestamp?: boolean;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  engine: "InnoDB";
}

export interface SchemaDef {
  database: string;
  charset: string;
  collation: string;
  tables: TableDef[];
}

const NULL: DefaultValue = { kind: "null" };
const NOW: DefaultValue = { kind: "expr", expr: "CURRENT_TIMESTAMP" };
const lit = (value: string): DefaultValue => ({ kind: "literal", value });

/** The declared schema. Order of tables and columns is the creation order (as in createDB.sh). */
export const SCHEMA: SchemaDef = {
  database: DB_NAME,
  charset: DB_CHARSET,
  collation: DB_COLLATION,
  tables: [
    {
      name: "tb_account",
      engine: "InnoDB",
      primaryKey: ["userid"],
      columns: [
        { name: "userid", type: "varchar(50)", nullable: false },
        { name: "password", type: "varchar(255)", nullable: true, default: NULL },
        { name: "nickname", type: "varchar(100)", nullable: true, default: NULL },
        { name: "sex", type: "int", nullable: true, default: lit("-1") },
        { name: "avatar", type: "varchar(254)", nullable: true, default: NULL },
        { name: "frontcover", type: "varchar(255)", nullable: true, default: NULL },
        { name: "create_time", type: "timestamp", nullable: false, default: NOW },
      ],
    },
    {
      name: "tb_room",
      engine: "InnoDB",
      primaryKey: ["userid"],
      columns: [
        { name: "userid", type: "varchar(50)", nullable: false },
        { name: "title", type: "varchar(255)", nullable: false },
        { name: "frontcover", type: "varchar(255)", nullable: true, default: NULL },
        { name: "location", type: "varchar(128)", nullable: true, default: NULL },
        { name: "create_time", type: "timestamp", nullable: false, default: NOW },
      ],
    },
    {
      name: "tb_vod",
      engine: "InnoDB",
      primaryKey: ["userid", "file_id"],
      columns: [
        { name: "userid", type: "varchar(50)", nullable: false },
        { name: "file_id", type: "varchar(150)", nullable: false },
        { name: "frontcover", type: "varchar(255)", nullable: true, default: NULL },
        { name: "location", type: "varchar(128)", nullable: true, default: NULL },
        { name: "play_url", type: "varchar(255)", nullable: true, default: NULL },
        { name: "like_count", type: "int", nullable: false, default: lit("0") },
        { name: "viewer_count", type: "int", nullable: false, default: lit("0") },
        { name: "create_time", type: "timestamp", nullable: false, default: NOW },
        { name: "hls_play_url", type: "varchar(255)", nullable: true, default: NULL },
        { name: "start_time", type: "timestamp", nullable: false, default: NOW },
        { name: "title", type: "varchar(128)", nullable: true, default: NULL },
      ],
    },
  ],
};

/** Name of the migration history table (lives in live_demo itself, so adoption sees it with the data). */
export const HISTORY_TABLE = "live_infra_schema_history";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/** sha256 (hex) of the canonical JSON of {@link SCHEMA} (sorted keys). Changes exactly when the schema does. */
export function schemaHash(schema: SchemaDef = SCHEMA): string {
  return createHash("sha256").update(JSON.stringify(canonical(schema))).digest("hex");
}

/** Quotes a MySQL identifier. */
export function ident(name: string): string {
  return "`" + name.replace(/`/g, "``") + "`";
}

/** Quotes a MySQL string literal (standard escaping, safe with and without NO_BACKSLASH_ESCAPES). */
export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "''") + "'";
}

/** SQL text of a default, e.g. "DEFAULT CURRENT_TIMESTAMP". */
export function defaultSql(d: DefaultValue): string {
  switch (d.kind) {
    case "null":
      return "DEFAULT NULL";
    case "expr":
      return `DEFAULT ${d.expr}`;
    case "literal":
      return /^-?\d+(\.\d+)?$/.test(d.value) ? `DEFAULT ${d.value}` : `DEFAULT ${quoteString(d.value)}`;
  }
}

/** Column definition as used in CREATE TABLE / ADD COLUMN / MODIFY COLUMN. */
export function columnSql(c: ColumnDef): string {
  const parts = [ident(c.name), c.type, c.nullable ? "NULL" : "NOT NULL"];
  if (c.default) parts.push(defaultSql(c.default));
  if (c.onUpdateCurrentTimestamp) parts.push("ON UPDATE CURRENT_TIMESTAMP");
  return parts.join(" ");
}

/** `CREATE TABLE IF NOT EXISTS` for a declared table, with the database charset/collation. */
export function createTableSql(t: TableDef, schema: SchemaDef = SCHEMA): string {
  const lines = t.columns.map((c) => `  ${columnSql(c)}`);
  lines.push(`  PRIMARY KEY (${t.primaryKey.map(ident).join(", ")})`);
  return (
    `CREATE TABLE IF NOT EXISTS ${ident(t.name)} (\n${lines.join(",\n")}\n) ` +
    `ENGINE=${t.engine} DEFAULT CHARSET=${schema.charset} COLLATE=${schema.collation}`
  );
}
