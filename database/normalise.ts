/**
 * Normalisation of information_schema rows: the ONE place where MariaDB and MySQL 8 differences are smoothed out
 * (`current_timestamp()` vs `CURRENT_TIMESTAMP`, quoted vs unquoted defaults, the string 'NULL' vs SQL NULL,
 * `int(11)` vs `int`, "DEFAULT_GENERATED on update ..." vs "on update current_timestamp()", `utf8` vs `utf8mb3`
 * charset and collation names). Pure; compare.ts compares what comes out of here, introspect.ts feeds it.
 */
import { DefaultValue } from "./schema";

/** A column as read from a live server, normalised (same vocabulary as the schema's ColumnDef). */
export interface ActualColumn {
  name: string;
  /** Lower case, integer display widths removed ("int", "int unsigned", "varchar(50)", "timestamp"). */
  type: string;
  nullable: boolean;
  /** undefined = no default. */
  default?: DefaultValue;
  onUpdateCurrentTimestamp: boolean;
  /** Normalised character set and collation of a text column; null for other types; undefined = not read. */
  charset?: string | null;
  collation?: string | null;
}

/** A raw row of information_schema.COLUMNS (column aliases as selected by introspect.ts). */
export interface RawColumnRow {
  column_name: string;
  column_type: string;
  is_nullable: string;
  column_default: string | null;
  extra: string | null;
  /** CHARACTER_SET_NAME / COLLATION_NAME (NULL for non-text columns); optional for callers that do not read them. */
  character_set_name?: string | null;
  collation_name?: string | null;
}

/** Canonical type text: lower case, single spaces, integer display widths dropped, "integer" → "int". */
export function normaliseType(type: string): string {
  let t = type.trim().toLowerCase().replace(/\s+/g, " ");
  t = t.replace(/^integer\b/, "int");
  t = t.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1");
  return t;
}

const CURRENT_TIMESTAMP_RE = /^(current_timestamp|now|localtimestamp|localtime)(\(\s*\d*\s*\))?$/i;

/**
 * Normalises information_schema.COLUMNS.COLUMN_DEFAULT:
 *  MariaDB ≥ 10.2.7: SQL NULL = no default, 'NULL' = DEFAULT NULL, quoted strings, current_timestamp();
 *  MySQL 8: SQL NULL for both "no default" and DEFAULT NULL (told apart by nullability), unquoted literals,
 *  CURRENT_TIMESTAMP.
 */
export function normaliseDefault(raw: string | null, nullable: boolean, extra: string): DefaultValue | undefined {
  if (raw === null || raw === undefined) return nullable ? { kind: "null" } : undefined;
  const v = String(raw).trim();
  if (v === "NULL") return { kind: "null" };
  if (CURRENT_TIMESTAMP_RE.test(v)) return { kind: "expr", expr: "CURRENT_TIMESTAMP" };
  const quoted = /^'(.*)'$/s.exec(v);
  if (quoted) return { kind: "literal", value: quoted[1].replace(/''/g, "'").replace(/\\\\/g, "\\") };
  // MySQL 8 marks expression defaults with DEFAULT_GENERATED; the only expression we expect is CURRENT_TIMESTAMP.
  if (/DEFAULT_GENERATED/i.test(extra) && /^current_timestamp/i.test(v)) return { kind: "expr", expr: "CURRENT_TIMESTAMP" };
  return { kind: "literal", value: v };
}

/**
 * Canonical character set name: lower case; `utf8` → `utf8mb3` (MySQL < 8.0.30 and MariaDB < 10.6 report the
 * 3-byte set as `utf8`, newer ones as `utf8mb3`).
 */
export function normaliseCharset(charset: string | null | undefined): string | null {
  if (charset === null || charset === undefined) return null;
  const c = String(charset).trim().toLowerCase();
  return c === "utf8" ? "utf8mb3" : c;
}

/** Canonical collation name: lower case; `utf8_…` → `utf8mb3_…` (as {@link normaliseCharset}). */
export function normaliseCollation(collation: string | null | undefined): string | null {
  if (collation === null || collation === undefined) return null;
  return String(collation).trim().toLowerCase().replace(/^utf8_/, "utf8mb3_");
}

/** The character set a (normalised) collation belongs to: its name up to the first "_" ("binary" for binary). */
export function charsetOfCollation(collation: string | null | undefined): string | null {
  const c = normaliseCollation(collation);
  if (!c) return null;
  return c.split("_")[0];
}

/** Normalises one information_schema.COLUMNS row (MariaDB or MySQL 8) into an {@link ActualColumn}. */
export function normaliseColumn(row: RawColumnRow): ActualColumn {
  const nullable = String(row.is_nullable).toUpperCase() === "YES";
  const extra = String(row.extra ?? "");
  return {
    name: String(row.column_name),
    type: normaliseType(String(row.column_type)),
    nullable,
    default: normaliseDefault(row.column_default === null ? null : String(row.column_default), nullable, extra),
    onUpdateCurrentTimestamp: /on update (current_timestamp|now)/i.test(extra),
    charset: row.character_set_name === undefined ? undefined : normaliseCharset(row.character_set_name),
    collation: row.collation_name === undefined ? undefined : normaliseCollation(row.collation_name),
  };
}
