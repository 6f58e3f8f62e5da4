/**
 * Comparing a live database with the declared schema. Two halves:
 *  - {@link normaliseColumn}: the ONE place where MariaDB and MySQL 8 information_schema differences are smoothed
 *    out (`current_timestamp()` vs `CURRENT_TIMESTAMP`, quoted vs unquoted defaults, the string 'NULL' vs SQL NULL,
 *    `int(11)` vs `int`, "DEFAULT_GENERATED on update ..." vs "on update current_timestamp()", `utf8` vs `utf8mb3`
 *    charset and collation names; {@link normaliseCharset} / {@link normaliseCollation} are part of it).
 *  - {@link compareSchema}: pure, declared vs actual → a list of structured differences.
 * No imports beyond the schema module; {@link inspectSchema} (introspect.ts) reads the actual side with mysql2.
 */
import { ColumnDef, DefaultValue, SCHEMA, SchemaDef, TableDef, HISTORY_TABLE } from "./schema";

/** A column as read from a live server, normalised (same vocabulary as {@link ColumnDef}). */
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

export interface ActualTable {
  name: string;
  engine: string | null;
  collation: string | null;
  /** Normalised default character set of the table (from its collation); undefined = not read. */
  charset?: string | null;
  columns: ActualColumn[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
}

/** What {@link inspectSchema} returns. `exists: false` means the database itself is missing (tables is empty). */
export interface ActualSchema {
  database: string;
  exists: boolean;
  charset: string | null;
  collation: string | null;
  tables: ActualTable[];
  /**
   * The server's @@lower_case_table_names: 0 = table names are case-sensitive (Linux default), 1/2 = compared
   * case-insensitively. undefined = not read (treated as case-insensitive).
   */
  lowerCaseTableNames?: number;
}

export type DifferenceKind =
  | "missing_database"
  | "missing_table"
  | "missing_column"
  | "type_too_narrow"
  | "type_incompatible"
  | "nullability"
  | "zero_date_default"
  | "default"
  | "on_update"
  | "primary_key"
  | "extra_column"
  | "charset"
  | "table_charset"
  | "column_charset"
  | "table_name_case";

/**
 * One difference between the declared and the actual schema.
 * - severity "error": a backend query or insert can fail, or rows can be rejected/misplaced (db.schema fails);
 *   "warning": works but deviates (e.g. ON UPDATE moving create_time, a different default, a wider charset change).
 * - `repairable`: the migration runner can fix it without losing a row (add table/column, widen a type, change a
 *   default or ON UPDATE, make a column nullable, convert a latin1/utf8mb3/ascii table up to utf8mb4). Not
 *   repairable: a different primary key, an incompatible type, another character set, a wrongly-cased table name.
 * - `expected` / `actual`: short SQL-ish texts for reports (e.g. "varchar(150)", "DEFAULT '0000-00-00 00:00:00'").
 */
export interface SchemaDifference {
  kind: DifferenceKind;
  severity: "error" | "warning";
  table?: string;
  column?: string;
  expected?: string;
  actual?: string;
  repairable: boolean;
  /** One line for humans, e.g. "tb_vod.start_time: zero-date default '0000-00-00 00:00:00' (expected DEFAULT CURRENT_TIMESTAMP)". */
  message: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation (MariaDB 10.x vs MySQL 8): the only place that knows about the two dialects.

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

const INT_TYPES = ["tinyint", "smallint", "mediumint", "int", "bigint"];

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

// ---------------------------------------------------------------------------------------------------------------
// Type widths

interface ParsedType {
  family: "int" | "string" | "time" | "other";
  rank: number;
  unsigned: boolean;
  base: string;
}

const TEXT_RANK: Record<string, number> = { tinytext: 255, text: 65535, mediumtext: 16777215, longtext: 4294967295 };

function parseType(type: string): ParsedType {
  const t = normaliseType(type);
  const base = t.replace(/\(.*$/, "").split(" ")[0];
  const unsigned = /\bunsigned\b/.test(t);
  const intRank = INT_TYPES.indexOf(base);
  if (intRank >= 0) return { family: "int", rank: intRank, unsigned, base };
  const len = /\((\d+)\)/.exec(t);
  if (base === "varchar" || base === "char") return { family: "string", rank: len ? Number(len[1]) : 1, unsigned, base };
  if (base in TEXT_RANK) return { family: "string", rank: TEXT_RANK[base], unsigned, base };
  if (base === "timestamp" || base === "datetime") return { family: "time", rank: 0, unsigned, base };
  return { family: "other", rank: 0, unsigned, base: t };
}

/**
 * "narrow" when the actual type holds less than the declared one (shorter varchar, smaller int, unsigned where a
 * signed value is declared), "incompatible" across families; TIMESTAMP and DATETIME are interchangeable (both work
 * with UNIX_TIMESTAMP()).
 */
export function compareTypes(declared: string, actual: string): "ok" | "narrow" | "incompatible" {
  const d = parseType(declared);
  const a = parseType(actual);
  if (d.family === "other" || a.family === "other") return normaliseType(declared) === normaliseType(actual) ? "ok" : "incompatible";
  if (d.family !== a.family) return "incompatible";
  if (d.family === "time") return "ok";
  if (d.family === "int") {
    if (a.unsigned && !d.unsigned) return "narrow";
    // An unsigned actual of the next size up still holds every value of a signed declared type? Keep it simple:
    return a.rank >= d.rank ? "ok" : "narrow";
  }
  return a.rank >= d.rank ? "ok" : "narrow";
}

// ---------------------------------------------------------------------------------------------------------------

/** True for a default like '0000-00-00 00:00:00' or '0000-00-00'. */
export function isZeroDateDefault(d: DefaultValue | undefined): boolean {
  return !!d && d.kind === "literal" && /^0000-00-00/.test(d.value);
}

/** SQL-ish text of a default for messages. */
export function describeDefault(d: DefaultValue | undefined): string {
  if (!d) return "no default";
  if (d.kind === "null") return "DEFAULT NULL";
  if (d.kind === "expr") return `DEFAULT ${d.expr}`;
  return `DEFAULT '${d.value}'`;
}

function sameDefault(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind) return false;
  if (a.kind === "literal" && b.kind === "literal") {
    const na = Number(a.value);
    const nb = Number(b.value);
    return a.value === b.value || (a.value.trim() !== "" && !Number.isNaN(na) && na === nb);
  }
  return true;
}

/**
 * Character sets a table is converted from with `ALTER TABLE … CONVERT TO CHARACTER SET utf8mb4` without losing or
 * changing a character: every character of these sets exists in Unicode, which utf8mb4 encodes completely (MySQL's
 * latin1 is cp1252 with its five unassigned bytes mapped to U+0081…, so it round-trips too). Other sets (gbk, big5,
 * binary, …) are reported but never converted automatically.
 */
export const CONVERTIBLE_CHARSETS: readonly string[] = ["ascii", "latin1", "utf8mb3"];

/** The actual table's default character set (normalised), null when unknown. */
function tableCharset(at: ActualTable): string | null {
  return at.charset !== undefined ? normaliseCharset(at.charset) : charsetOfCollation(at.collation);
}

/**
 * True when `ALTER TABLE … CONVERT TO CHARACTER SET <declared>` loses nothing: every text column of the table
 * (declared or not — CONVERT changes them all) is already in the declared set or in {@link CONVERTIBLE_CHARSETS}.
 */
export function convertibleTable(declared: SchemaDef, at: ActualTable): boolean {
  return at.columns.every((c) => !c.charset || c.charset === declared.charset || CONVERTIBLE_CHARSETS.includes(c.charset));
}

/** The actual table a declared name refers to: exact name first; other case only when names are case-insensitive. */
export function findActualTable(actual: ActualSchema, name: string): ActualTable | undefined {
  const exact = actual.tables.find((t) => t.name === name);
  if (exact || actual.lowerCaseTableNames === 0) return exact;
  return actual.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

function describeCharset(charset: string | null | undefined, collation: string | null | undefined): string {
  return collation ? `${charset} (${collation})` : String(charset);
}

function compareColumn(t: TableDef, d: ColumnDef, a: ActualColumn, out: SchemaDifference[], cs: { declared: SchemaDef; convertible: boolean }): void {
  const where = `${t.name}.${d.name}`;
  if (parseType(d.type).family === "string" && a.charset && a.charset !== cs.declared.charset) {
    out.push({
      kind: "column_charset",
      severity: "error",
      table: t.name,
      column: d.name,
      expected: describeCharset(cs.declared.charset, cs.declared.collation),
      actual: describeCharset(a.charset, a.collation),
      repairable: cs.convertible,
      message:
        `${where}: character set ${a.charset} (expected ${cs.declared.charset}); inserts of emoji or Chinese text fail` +
        (cs.convertible ? "" : ` (${t.name} has text in a character set migrate does not convert; convert it by hand)`),
    });
  }
  const types = compareTypes(d.type, a.type);
  if (types !== "ok") {
    out.push({
      kind: types === "narrow" ? "type_too_narrow" : "type_incompatible",
      severity: "error",
      table: t.name,
      column: d.name,
      expected: d.type,
      actual: a.type,
      repairable: types === "narrow" && !(parseType(a.type).unsigned && !parseType(d.type).unsigned),
      message: `${where}: type ${a.type} ${types === "narrow" ? "is narrower than" : "is not compatible with"} ${d.type}`,
    });
  }
  if (isZeroDateDefault(a.default)) {
    out.push({
      kind: "zero_date_default",
      severity: "error",
      table: t.name,
      column: d.name,
      expected: describeDefault(d.default),
      actual: describeDefault(a.default),
      repairable: true,
      message: `${where}: zero-date ${describeDefault(a.default)} (rejected by strict sql_mode; expected ${describeDefault(d.default)})`,
    });
  } else if (!sameDefault(d.default, a.default)) {
    // A NOT NULL column without default breaks inserts that omit it; otherwise a different default is cosmetic.
    const breaksInserts = !a.nullable && !a.default && !!d.default;
    out.push({
      kind: "default",
      severity: breaksInserts ? "error" : "warning",
      table: t.name,
      column: d.name,
      expected: describeDefault(d.default),
      actual: describeDefault(a.default),
      repairable: true,
      message: `${where}: ${describeDefault(a.default)} (expected ${describeDefault(d.default)})`,
    });
  }
  if (d.nullable !== a.nullable) {
    // Declared nullable but NOT NULL: inserts that omit the column fail unless it has a default.
    const breaksInserts = d.nullable && !a.nullable && !a.default;
    out.push({
      kind: "nullability",
      severity: breaksInserts ? "error" : "warning",
      table: t.name,
      column: d.name,
      expected: d.nullable ? "NULL" : "NOT NULL",
      actual: a.nullable ? "NULL" : "NOT NULL",
      // Making a column nullable never changes a row; making it NOT NULL could (NULLs present), so it is left alone.
      repairable: d.nullable,
      message: `${where}: ${a.nullable ? "nullable" : "NOT NULL"} (expected ${d.nullable ? "nullable" : "NOT NULL"})`,
    });
  }
  if (!!d.onUpdateCurrentTimestamp !== a.onUpdateCurrentTimestamp) {
    out.push({
      kind: "on_update",
      severity: "warning",
      table: t.name,
      column: d.name,
      expected: d.onUpdateCurrentTimestamp ? "ON UPDATE CURRENT_TIMESTAMP" : "no ON UPDATE",
      actual: a.onUpdateCurrentTimestamp ? "ON UPDATE CURRENT_TIMESTAMP" : "no ON UPDATE",
      repairable: true,
      message: a.onUpdateCurrentTimestamp
        ? `${where}: ON UPDATE CURRENT_TIMESTAMP moves the row's time on every UPDATE (replay order and 7-day window shift)`
        : `${where}: missing ON UPDATE CURRENT_TIMESTAMP`,
    });
  }
}

/**
 * Compares the declared schema with an actual one (from {@link inspectSchema}). Pure; the result is empty when the
 * live database satisfies the declaration. Tables the schema does not declare (and the migration history table) are
 * ignored; extra columns are reported only when they would break the backend's inserts (NOT NULL without default).
 * Character sets: a declared text column outside the declared set (utf8mb4) is an error, a table default outside it a
 * warning; any collation of the declared set (utf8mb4_bin, utf8mb4_0900_ai_ci, …) is accepted. Table names match
 * exactly when the server's names are case-sensitive (`lowerCaseTableNames === 0`), else ignoring case.
 */
export function compareSchema(declared: SchemaDef = SCHEMA, actual: ActualSchema): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  if (!actual.exists) {
    out.push({
      kind: "missing_database",
      severity: "error",
      expected: declared.database,
      repairable: true,
      message: `database ${declared.database} does not exist`,
    });
    for (const t of declared.tables) out.push(missingTable(t));
    return out;
  }
  if (actual.charset && normaliseCharset(actual.charset) !== declared.charset) {
    out.push({
      kind: "charset",
      severity: "warning",
      expected: `${declared.charset} / ${declared.collation}`,
      actual: `${actual.charset} / ${actual.collation}`,
      repairable: false,
      message: `database ${actual.database}: default charset ${actual.charset} (expected ${declared.charset}); nicknames with emoji need utf8mb4`,
    });
  }
  for (const t of declared.tables) {
    const at = findActualTable(actual, t.name);
    if (!at) {
      // Case-sensitive server: a `TB_VOD` is not the `tb_vod` the backend queries.
      const other = actual.tables.find((x) => x.name.toLowerCase() === t.name.toLowerCase());
      if (other) {
        out.push({
          kind: "table_name_case",
          severity: "error",
          table: t.name,
          expected: t.name,
          actual: other.name,
          repairable: false,
          message:
            `table ${other.name} exists but the backend queries ${t.name}: table names are case-sensitive on this server ` +
            `(lower_case_table_names=0). Rename it by hand (RENAME TABLE \`${other.name}\` TO \`${t.name}\`); migrate never renames`,
        });
      } else {
        out.push(missingTable(t));
      }
      continue;
    }
    const convertible = convertibleTable(declared, at);
    const tcs = tableCharset(at);
    if (tcs && tcs !== declared.charset) {
      // Columns added later (by a repair or a migration) inherit the table default.
      out.push({
        kind: "table_charset",
        severity: "warning",
        table: t.name,
        expected: describeCharset(declared.charset, declared.collation),
        actual: describeCharset(tcs, normaliseCollation(at.collation)),
        repairable: convertible,
        message: `${t.name}: default character set ${tcs} (expected ${declared.charset}); columns added to it get ${tcs}`,
      });
    }
    const cols = new Map(at.columns.map((c) => [c.name.toLowerCase(), c]));
    for (const d of t.columns) {
      const a = cols.get(d.name.toLowerCase());
      if (!a) {
        out.push({
          kind: "missing_column",
          severity: "error",
          table: t.name,
          column: d.name,
          expected: d.type,
          repairable: true,
          message: `${t.name}.${d.name}: column missing`,
        });
      } else {
        compareColumn(t, d, a, out, { declared, convertible });
      }
    }
    const declaredCols = new Set(t.columns.map((c) => c.name.toLowerCase()));
    for (const a of at.columns) {
      if (declaredCols.has(a.name.toLowerCase())) continue;
      if (!a.nullable && !a.default) {
        out.push({
          kind: "extra_column",
          severity: "error",
          table: t.name,
          column: a.name,
          actual: `${a.type} NOT NULL, no default`,
          repairable: false,
          message: `${t.name}.${a.name}: undeclared NOT NULL column without default (the backend's INSERTs omit it and fail)`,
        });
      }
    }
    const pkA = at.primaryKey.map((c) => c.toLowerCase()).join(",");
    const pkD = t.primaryKey.map((c) => c.toLowerCase()).join(",");
    if (pkA !== pkD) {
      out.push({
        kind: "primary_key",
        severity: "error",
        table: t.name,
        expected: `(${t.primaryKey.join(", ")})`,
        actual: at.primaryKey.length ? `(${at.primaryKey.join(", ")})` : "none",
        repairable: false,
        message: `${t.name}: primary key ${at.primaryKey.length ? `(${at.primaryKey.join(", ")})` : "missing"} (expected (${t.primaryKey.join(", ")}))`,
      });
    }
  }
  return out;
}

function missingTable(t: TableDef): SchemaDifference {
  return {
    kind: "missing_table",
    severity: "error",
    table: t.name,
    repairable: true,
    message: `table ${t.name} is missing` + (t.name === "tb_vod" ? " (the replay list cannot be stored)" : ""),
  };
}

/** Tables in the database that are neither declared nor the migration history (for reports; never dropped). */
export function undeclaredTables(declared: SchemaDef, actual: ActualSchema): string[] {
  const fold = (n: string) => (actual.lowerCaseTableNames === 0 ? n : n.toLowerCase());
  const known = new Set([...declared.tables.map((t) => t.name), HISTORY_TABLE].map(fold));
  return actual.tables.map((t) => t.name).filter((n) => !known.has(fold(n)));
}
