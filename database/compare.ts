/**
 * Comparing a live database with the declared schema: pure, declared vs actual (normalised by normalise.ts, read by
 * introspect.ts) → a list of differences. Each difference is classified here, once, in the vocabulary both
 * validate and migrate use (vocabulary.ts): one severity, one fix (`migrate` exactly when migrate's
 * repairStatements repairs it, else the manual SQL), one FAQ tag, and zh/en descriptions.
 */
import { ColumnDef, DefaultValue, SCHEMA, SchemaDef, TableDef, HISTORY_TABLE, columnSql, ident } from "./schema";
import { ActualColumn, charsetOfCollation, normaliseCharset, normaliseCollation, normaliseType } from "./normalise";
import { DataFirst, FAQ_TAGS, FaqTag, Fix, Severity, Text } from "./vocabulary";

export type { ActualColumn } from "./normalise";

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
 * One difference between the declared and the actual schema, with its verdict.
 * - `severity`: "fail" when a backend statement fails or rows can be rejected/misplaced; "warn" when it works but
 *   deviates (ON UPDATE moving create_time, another default, a nullable column declared NOT NULL, …).
 * - `fix`: `{ kind: "migrate" }` exactly when migrate repairs it without changing a row; otherwise the manual SQL
 *   (qualified with the database name) and the data to put right first. `repairable` is `fix.kind === "migrate"`.
 * - `faq`: `tb_vod 未创建` only when tb_vod is missing; otherwise the tag describing the difference.
 * - `expected` / `actual`: short SQL-ish texts (e.g. "varchar(150)", "DEFAULT '0000-00-00 00:00:00'").
 * - `message`: one English line for logs and errors; `description`: the finding for reports, in zh and en.
 */
export interface SchemaDifference {
  kind: DifferenceKind;
  severity: Severity;
  table?: string;
  column?: string;
  expected?: string;
  actual?: string;
  fix: Fix;
  repairable: boolean;
  faq: FaqTag;
  message: string;
  description: Text;
}

// ---------------------------------------------------------------------------------------------------------------
// Type widths

const INT_TYPES = ["tinyint", "smallint", "mediumint", "int", "bigint"];
/** Largest value of each signed integer type (for the data check before an unsigned column becomes signed). */
const INT_SIGNED_MAX = ["127", "32767", "8388607", "2147483647", "9223372036854775807"];

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
  if (Object.prototype.hasOwnProperty.call(TEXT_RANK, base)) return { family: "string", rank: TEXT_RANK[base], unsigned, base };
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
    return a.rank >= d.rank ? "ok" : "narrow";
  }
  return a.rank >= d.rank ? "ok" : "narrow";
}

/**
 * True when MODIFY to the declared type keeps every value: a longer string or a larger integer. An unsigned actual
 * is widened only into a larger signed type (which holds all its values); into a signed type of the same or a
 * smaller size values above its maximum would change.
 */
function losslessWidening(declared: string, actual: string): boolean {
  const d = parseType(declared);
  const a = parseType(actual);
  if (d.family !== a.family || d.family === "other") return false;
  if (d.family === "int" && a.unsigned && !d.unsigned) return a.rank < d.rank;
  return true;
}

function isTextType(type: string): boolean {
  return parseType(type).family === "string";
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

// ---------------------------------------------------------------------------------------------------------------
// Manual fixes: the exact statements, qualified with the database name so they run from any session.

function qualified(db: string, table: string): string {
  return `${ident(db)}.${ident(table)}`;
}

/**
 * The column brought to its declared state, keeping what is accepted as it is: an actual type at least as wide, a
 * utf8mb4 collation other than the declared one. Used for every manual fix of a column (so two findings on one
 * column name the same single statement).
 */
function declaredColumnSql(schema: SchemaDef, d: ColumnDef, a: ActualColumn): string {
  let type = compareTypes(d.type, a.type) === "ok" ? a.type : d.type;
  if (isTextType(type)) {
    const collation = a.charset === schema.charset && a.collation ? a.collation : schema.collation;
    type += ` CHARACTER SET ${schema.charset} COLLATE ${collation}`;
  }
  return columnSql({ name: a.name, type, nullable: d.nullable, default: d.default, onUpdateCurrentTimestamp: d.onUpdateCurrentTimestamp });
}

interface ColumnCtx {
  schema: SchemaDef;
  db: string;
  t: TableDef;
  d: ColumnDef;
  a: ActualColumn;
  convertible: boolean;
}

/** Which manual findings a column has (they share one statement and one combined data check). */
function columnManualFix(c: ColumnCtx): Fix {
  const { schema, db, t, d, a } = c;
  const where = qualified(db, t.name);
  const col = ident(a.name);
  const checks: string[] = [];
  const zh: string[] = [];
  const en: string[] = [];
  const types = compareTypes(d.type, a.type);
  if (types !== "ok" && !losslessWidening(d.type, a.type)) {
    const pd = parseType(d.type);
    const pa = parseType(a.type);
    if (pd.family === "int" && pa.family === "int" && pa.unsigned && !pd.unsigned) {
      const max = INT_SIGNED_MAX[Math.min(pd.rank, INT_SIGNED_MAX.length - 1)];
      checks.push(`SELECT COUNT(*) AS n FROM ${where} WHERE ${col} > ${max}`);
      zh.push(`把 ${t.name}.${a.name} 大于 ${max} 的值改小或删除这些行（它们放不进 ${d.type}）`);
      en.push(`change or remove the values of ${t.name}.${a.name} above ${max} (they do not fit ${d.type})`);
    } else {
      zh.push(`确认 ${t.name}.${a.name} 的每个值都能转换为 ${d.type}（否则严格模式拒绝该 ALTER，表保持不变），并备份该表`);
      en.push(`make sure every value of ${t.name}.${a.name} converts to ${d.type} (strict mode refuses the ALTER otherwise and the table stays as it was), and back the table up`);
    }
  }
  if (!d.nullable && a.nullable) {
    checks.push(`SELECT COUNT(*) AS n FROM ${where} WHERE ${col} IS NULL`);
    zh.push(`给 ${t.name}.${a.name} 为 NULL 的行填上值（UPDATE ${where} SET ${col} = … WHERE ${col} IS NULL）`);
    en.push(`give the rows where ${t.name}.${a.name} is NULL a value (UPDATE ${where} SET ${col} = … WHERE ${col} IS NULL)`);
  }
  if (isTextType(d.type) && a.charset && a.charset !== schema.charset && !CONVERTIBLE_CHARSETS.includes(a.charset)) {
    zh.push(`确认 ${t.name}.${a.name} 中的文本是有效的 ${a.charset}（转换到 utf8mb4 会保留 ${a.charset} 能表示的每个字符），并备份该表`);
    en.push(`make sure the text in ${t.name}.${a.name} is valid ${a.charset} (converting to utf8mb4 keeps every character ${a.charset} can hold), and back the table up`);
  }
  const dataFirst: DataFirst | undefined = zh.length ? { checks, zh: zh.join("；"), en: en.join("; ") } : undefined;
  return { kind: "manual", sql: [`ALTER TABLE ${where} MODIFY COLUMN ${declaredColumnSql(schema, d, a)}`], ...(dataFirst ? { dataFirst } : {}) };
}

function primaryKeyFix(db: string, t: TableDef, at: ActualTable): Fix {
  const where = qualified(db, t.name);
  const cols = t.primaryKey.map(ident);
  const present = t.primaryKey.every((k) => at.columns.some((c) => c.name.toLowerCase() === k.toLowerCase()));
  const checks = present
    ? [
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${where} GROUP BY ${cols.join(", ")} HAVING COUNT(*) > 1) AS duplicates`,
        `SELECT COUNT(*) AS n FROM ${where} WHERE ${cols.map((c) => `${c} IS NULL`).join(" OR ")}`,
      ]
    : [];
  return {
    kind: "manual",
    sql: [`ALTER TABLE ${where} ${at.primaryKey.length ? "DROP PRIMARY KEY, " : ""}ADD PRIMARY KEY (${cols.join(", ")})`],
    dataFirst: {
      checks,
      zh: `合并或删除 (${t.primaryKey.join(", ")}) 重复的行，并给其中的 NULL 填上值`,
      en: `merge or remove the rows that repeat (${t.primaryKey.join(", ")}), and give NULLs in it a value`,
    },
  };
}

/** A default for an undeclared NOT NULL column, so the backend's INSERTs (which omit it) work; no row changes. */
function extraColumnFix(db: string, t: TableDef, a: ActualColumn): Fix {
  const where = qualified(db, t.name);
  const p = parseType(a.type);
  const numeric = p.family === "int" || /^(decimal|numeric|float|double|real|bit)\b/.test(p.base);
  const shortText = p.base === "varchar" || p.base === "char" || /^(var)?binary\b/.test(p.base);
  if (numeric || shortText) {
    return { kind: "manual", sql: [`ALTER TABLE ${where} ALTER COLUMN ${ident(a.name)} SET DEFAULT ${numeric ? "0" : "''"}`] };
  }
  let type = a.type;
  if (a.charset && a.collation) type += ` CHARACTER SET ${a.charset} COLLATE ${a.collation}`;
  return { kind: "manual", sql: [`ALTER TABLE ${where} MODIFY COLUMN ${columnSql({ name: a.name, type, nullable: true, default: { kind: "null" } })}`] };
}

const MIGRATE: Fix = { kind: "migrate" };

function diff(x: Omit<SchemaDifference, "repairable">): SchemaDifference {
  return { ...x, repairable: x.fix.kind === "migrate" };
}

// ---------------------------------------------------------------------------------------------------------------

function compareColumn(c: ColumnCtx, out: SchemaDifference[]): void {
  const { schema, t, d, a, convertible } = c;
  const where = `${t.name}.${d.name}`;
  const found: SchemaDifference[] = [];
  if (isTextType(d.type) && a.charset && a.charset !== schema.charset) {
    const actualCs = describeCharset(a.charset, a.collation);
    found.push(
      diff({
        kind: "column_charset",
        severity: "fail",
        table: t.name,
        column: d.name,
        expected: describeCharset(schema.charset, schema.collation),
        actual: actualCs,
        fix: convertible ? MIGRATE : columnManualFix(c),
        faq: FAQ_TAGS.charset,
        message:
          `${where}: character set ${a.charset} (expected ${schema.charset}); inserts of emoji or Chinese text fail` +
          (convertible ? "" : ` (${t.name} has text in a character set migrate does not convert; convert it by hand)`),
        description: {
          zh: `${where}：字符集为 ${a.charset}（应为 ${schema.charset}）：含 emoji 或中文的昵称、标题写入失败（Incorrect string value）`,
          en: `${where}: character set ${a.charset} (expected ${schema.charset}): nicknames and titles with emoji or Chinese text fail to insert ("Incorrect string value")`,
        },
      }),
    );
  }
  const types = compareTypes(d.type, a.type);
  if (types !== "ok") {
    const narrow = types === "narrow";
    const lossless = narrow && losslessWidening(d.type, a.type);
    found.push(
      diff({
        kind: narrow ? "type_too_narrow" : "type_incompatible",
        severity: "fail",
        table: t.name,
        column: d.name,
        expected: d.type,
        actual: a.type,
        fix: lossless ? MIGRATE : columnManualFix(c),
        faq: FAQ_TAGS.schemaDiffers,
        message: `${where}: type ${a.type} ${narrow ? "is narrower than" : "is not compatible with"} ${d.type}`,
        description: narrow
          ? {
              zh: `${where}：类型 ${a.type} 比声明的 ${d.type} 窄：后台写入的较长或较大的值被拒绝`,
              en: `${where}: type ${a.type} is narrower than the declared ${d.type}: longer or larger values the backend writes are rejected`,
            }
          : {
              zh: `${where}：类型 ${a.type} 与声明的 ${d.type} 不兼容：后台的语句会失败或读到错误的值`,
              en: `${where}: type ${a.type} is not compatible with the declared ${d.type}: the backend's statements fail or read wrong values`,
            },
      }),
    );
  }
  if (isZeroDateDefault(a.default)) {
    found.push(
      diff({
        kind: "zero_date_default",
        severity: "fail",
        table: t.name,
        column: d.name,
        expected: describeDefault(d.default),
        actual: describeDefault(a.default),
        fix: MIGRATE,
        faq: FAQ_TAGS.zeroDate,
        message: `${where}: zero-date ${describeDefault(a.default)} (rejected by strict sql_mode; expected ${describeDefault(d.default)})`,
        description: {
          zh:
            `${where} 的默认值是零日期 '${a.default && a.default.kind === "literal" ? a.default.value : ""}'：该表是原版 createDB.sh 在宽松 sql_mode 下创建的；` +
            `严格模式（NO_ZERO_DATE，MySQL ≥ 5.7.8 默认）拒绝零日期，省略该列的 INSERT 会失败，对表的任何 ALTER 都报 ERROR 1067，备份也无法在严格模式的实例上恢复（应为 ${describeDefault(d.default)}）`,
          en:
            `${where} has the zero-date default '${a.default && a.default.kind === "literal" ? a.default.value : ""}': the table was made by the original createDB.sh under a permissive sql_mode. ` +
            `Strict mode (NO_ZERO_DATE, the default since MySQL 5.7.8) rejects zero dates, so INSERTs that omit the column fail, any ALTER of the table fails with ERROR 1067, and a dump cannot be restored on a strict server (expected ${describeDefault(d.default)})`,
        },
      }),
    );
  } else if (!sameDefault(d.default, a.default)) {
    // A NOT NULL column without default breaks inserts that omit it; otherwise a different default is cosmetic.
    const breaksInserts = !a.nullable && !a.default && !!d.default;
    found.push(
      diff({
        kind: "default",
        severity: breaksInserts ? "fail" : "warn",
        table: t.name,
        column: d.name,
        expected: describeDefault(d.default),
        actual: describeDefault(a.default),
        fix: MIGRATE,
        faq: FAQ_TAGS.schemaDiffers,
        message: `${where}: ${describeDefault(a.default)} (expected ${describeDefault(d.default)})`,
        description: {
          zh: `${where}：${describeDefault(a.default)}（应为 ${describeDefault(d.default)}）` + (breaksInserts ? "：该列 NOT NULL 且没有默认值，省略它的 INSERT 会失败" : ""),
          en: `${where}: ${describeDefault(a.default)} (expected ${describeDefault(d.default)})` + (breaksInserts ? ": the column is NOT NULL without a default, so INSERTs that omit it fail" : ""),
        },
      }),
    );
  }
  if (d.nullable !== a.nullable) {
    // Declared nullable but NOT NULL: inserts that omit the column fail unless it has a default. Making a column
    // nullable never changes a row (migrate does it); making it NOT NULL could (NULLs present), so that is manual.
    const breaksInserts = d.nullable && !a.nullable && !a.default;
    found.push(
      diff({
        kind: "nullability",
        severity: breaksInserts ? "fail" : "warn",
        table: t.name,
        column: d.name,
        expected: d.nullable ? "NULL" : "NOT NULL",
        actual: a.nullable ? "NULL" : "NOT NULL",
        fix: d.nullable ? MIGRATE : columnManualFix(c),
        faq: FAQ_TAGS.schemaDiffers,
        message: `${where}: ${a.nullable ? "nullable" : "NOT NULL"} (expected ${d.nullable ? "nullable" : "NOT NULL"})`,
        description: a.nullable
          ? {
              zh: `${where}：允许 NULL（应为 NOT NULL）：后台总会写入该列，目前可用，但 NULL 值会让依赖它的查询漏掉这些行`,
              en: `${where}: nullable (expected NOT NULL): the backend always writes it, so it works today, but NULL values make the queries that use it miss those rows`,
            }
          : {
              zh: `${where}：NOT NULL（应允许 NULL）` + (breaksInserts ? "，且没有默认值：后台省略该列的 INSERT 会失败" : ""),
              en: `${where}: NOT NULL (expected nullable)` + (breaksInserts ? " without a default: the backend's INSERTs that omit it fail" : ""),
            },
      }),
    );
  }
  if (!!d.onUpdateCurrentTimestamp !== a.onUpdateCurrentTimestamp) {
    found.push(
      diff({
        kind: "on_update",
        severity: "warn",
        table: t.name,
        column: d.name,
        expected: d.onUpdateCurrentTimestamp ? "ON UPDATE CURRENT_TIMESTAMP" : "no ON UPDATE",
        actual: a.onUpdateCurrentTimestamp ? "ON UPDATE CURRENT_TIMESTAMP" : "no ON UPDATE",
        fix: MIGRATE,
        faq: FAQ_TAGS.schemaDiffers,
        message: a.onUpdateCurrentTimestamp
          ? `${where}: ON UPDATE CURRENT_TIMESTAMP moves the row's time on every UPDATE (replay order and 7-day window shift)`
          : `${where}: missing ON UPDATE CURRENT_TIMESTAMP`,
        description: a.onUpdateCurrentTimestamp
          ? {
              zh: `${where}：ON UPDATE CURRENT_TIMESTAMP 会在每次 UPDATE 时改写该时间（第二种录制格式的回调会让回看记录在列表中跳动，7 天窗口重新计时）`,
              en: `${where}: ON UPDATE CURRENT_TIMESTAMP rewrites the time on every UPDATE (the second recording format's callback moves the replay in the list and restarts its 7-day window)`,
            }
          : { zh: `${where}：缺少 ON UPDATE CURRENT_TIMESTAMP`, en: `${where}: missing ON UPDATE CURRENT_TIMESTAMP` },
      }),
    );
  }
  out.push(...found);
}

/**
 * Compares the declared schema with an actual one (from {@link inspectSchema}). Pure; the result is empty when the
 * live database satisfies the declaration. Tables the schema does not declare (and the migration history table) are
 * ignored; extra columns are reported only when they would break the backend's inserts (NOT NULL without default).
 * Character sets: a declared text column outside the declared set (utf8mb4) fails, a table or database default
 * outside it warns; any collation of the declared set (utf8mb4_bin, utf8mb4_0900_ai_ci, …) is accepted. Table
 * names match exactly when the server's names are case-sensitive (`lowerCaseTableNames === 0`), else ignoring case.
 */
export function compareSchema(declared: SchemaDef = SCHEMA, actual: ActualSchema): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const db = actual.database;
  if (!actual.exists) {
    out.push(
      diff({
        kind: "missing_database",
        severity: "fail",
        expected: db,
        fix: MIGRATE,
        faq: FAQ_TAGS.databaseMissing,
        message: `database ${db} does not exist`,
        description: { zh: `数据库 ${db} 不存在`, en: `database ${db} does not exist` },
      }),
    );
    for (const t of declared.tables) out.push(missingTable(t, false));
    return out;
  }
  if (actual.charset && normaliseCharset(actual.charset) !== declared.charset) {
    out.push(
      diff({
        kind: "charset",
        severity: "warn",
        expected: `${declared.charset} / ${declared.collation}`,
        actual: `${actual.charset} / ${actual.collation}`,
        fix: MIGRATE,
        faq: FAQ_TAGS.charset,
        message: `database ${db}: default charset ${actual.charset} (expected ${declared.charset}); nicknames with emoji need utf8mb4`,
        description: {
          zh: `数据库 ${db} 的默认字符集为 ${actual.charset}（应为 ${declared.charset}）：以后新建的表会沿用它，含 emoji 的昵称需要 utf8mb4`,
          en: `database ${db}: default character set ${actual.charset} (expected ${declared.charset}): tables created later inherit it, and nicknames with emoji need utf8mb4`,
        },
      }),
    );
  }
  const present = (name: string) => !!findActualTable(actual, name);
  for (const t of declared.tables) {
    const at = findActualTable(actual, t.name);
    if (!at) {
      // Case-sensitive server: a `TB_VOD` is not the `tb_vod` the backend queries.
      const other = actual.tables.find((x) => x.name.toLowerCase() === t.name.toLowerCase());
      if (other) {
        out.push(
          diff({
            kind: "table_name_case",
            severity: "fail",
            table: t.name,
            expected: t.name,
            actual: other.name,
            fix: { kind: "manual", sql: [`RENAME TABLE ${qualified(db, other.name)} TO ${qualified(db, t.name)}`] },
            faq: FAQ_TAGS.tableNameCase,
            message:
              `table ${other.name} exists but the backend queries ${t.name}: table names are case-sensitive on this server ` +
              `(lower_case_table_names=0). Rename it by hand (RENAME TABLE \`${other.name}\` TO \`${t.name}\`); migrate never renames`,
            description: {
              zh: `表 ${other.name} 存在，但后台查询的是 ${t.name}：此服务器的表名区分大小写（lower_case_table_names=0），后台看不到该表；migrate 从不改表名`,
              en: `table ${other.name} exists but the backend queries ${t.name}: table names are case-sensitive on this server (lower_case_table_names=0), so the backend cannot see it; migrate never renames`,
            },
          }),
        );
      } else {
        // tb_vod missing while the tables createDB.sh creates before it exist: its zero-date default was refused.
        const createDbSignature = t.name === "tb_vod" && present("tb_account") && present("tb_room");
        out.push(missingTable(t, createDbSignature));
      }
      continue;
    }
    const convertible = convertibleTable(declared, at);
    const tcs = tableCharset(at);
    if (tcs && tcs !== declared.charset) {
      out.push(
        diff({
          kind: "table_charset",
          severity: "warn",
          table: t.name,
          expected: describeCharset(declared.charset, declared.collation),
          actual: describeCharset(tcs, normaliseCollation(at.collation)),
          // Converted with its columns when that is lossless, else only the table default changes (no row touched).
          fix: MIGRATE,
          faq: FAQ_TAGS.charset,
          message: `${t.name}: default character set ${tcs} (expected ${declared.charset}); columns added to it get ${tcs}`,
          description: {
            zh: `${t.name}：表的默认字符集为 ${tcs}（应为 ${declared.charset}）：以后加到该表的列会用 ${tcs}`,
            en: `${t.name}: default character set ${tcs} (expected ${declared.charset}): columns added to it later get ${tcs}`,
          },
        }),
      );
    }
    const cols = new Map(at.columns.map((c) => [c.name.toLowerCase(), c]));
    for (const d of t.columns) {
      const a = cols.get(d.name.toLowerCase());
      if (!a) {
        out.push(
          diff({
            kind: "missing_column",
            severity: "fail",
            table: t.name,
            column: d.name,
            expected: d.type,
            fix: MIGRATE,
            faq: FAQ_TAGS.schemaDiffers,
            message: `${t.name}.${d.name}: column missing`,
            description: {
              zh: `${t.name}.${d.name}：缺少该列，后台用到它的语句会失败`,
              en: `${t.name}.${d.name}: the column is missing, so the backend's statements that use it fail`,
            },
          }),
        );
      } else {
        compareColumn({ schema: declared, db, t, d, a, convertible }, out);
      }
    }
    const declaredCols = new Set(t.columns.map((c) => c.name.toLowerCase()));
    for (const a of at.columns) {
      if (declaredCols.has(a.name.toLowerCase())) continue;
      if (!a.nullable && !a.default) {
        out.push(
          diff({
            kind: "extra_column",
            severity: "fail",
            table: t.name,
            column: a.name,
            actual: `${a.type} NOT NULL, no default`,
            fix: extraColumnFix(db, t, a),
            faq: FAQ_TAGS.schemaDiffers,
            message: `${t.name}.${a.name}: undeclared NOT NULL column without default (the backend's INSERTs omit it and fail)`,
            description: {
              zh: `${t.name}.${a.name}：未声明的 NOT NULL 列且没有默认值：后台的 INSERT 不写该列，会失败（若没有程序使用它，也可以删除该列）`,
              en: `${t.name}.${a.name}: an undeclared NOT NULL column without a default: the backend's INSERTs omit it and fail (if nothing uses it, dropping it works too)`,
            },
          }),
        );
      }
    }
    const pkA = at.primaryKey.map((c) => c.toLowerCase()).join(",");
    const pkD = t.primaryKey.map((c) => c.toLowerCase()).join(",");
    if (pkA !== pkD) {
      const expected = `(${t.primaryKey.join(", ")})`;
      out.push(
        diff({
          kind: "primary_key",
          severity: "fail",
          table: t.name,
          expected,
          actual: at.primaryKey.length ? `(${at.primaryKey.join(", ")})` : "none",
          fix: primaryKeyFix(db, t, at),
          faq: FAQ_TAGS.schemaDiffers,
          message: `${t.name}: primary key ${at.primaryKey.length ? `(${at.primaryKey.join(", ")})` : "missing"} (expected ${expected})`,
          description: {
            zh: `${t.name}：${at.primaryKey.length ? `主键为 (${at.primaryKey.join(", ")})` : "没有主键"}（应为 ${expected}）：后台按 ${expected} 查找、更新和去重，会出现重复行或更新到多行`,
            en: `${t.name}: ${at.primaryKey.length ? `primary key (${at.primaryKey.join(", ")})` : "no primary key"} (expected ${expected}): the backend looks rows up, updates and deduplicates by ${expected}, so duplicates appear or one UPDATE hits several rows`,
          },
        }),
      );
    }
  }
  return out;
}

function missingTable(t: TableDef, createDbSignature: boolean): SchemaDifference {
  const vod = t.name === "tb_vod";
  return diff({
    kind: "missing_table",
    severity: "fail",
    table: t.name,
    fix: MIGRATE,
    faq: vod ? FAQ_TAGS.tbVodMissing : FAQ_TAGS.tableMissing,
    message: `table ${t.name} is missing` + (vod ? " (the replay list cannot be stored)" : ""),
    description: vod
      ? {
          zh:
            "表 tb_vod 不存在：录制回调无法写入回看记录，回看列表为空" +
            (createDbSignature
              ? "。tb_account 和 tb_room 却存在：这是原版 createDB.sh 在严格 sql_mode（NO_ZERO_DATE，MySQL ≥ 5.7.8 默认）下的典型结果——tb_vod.start_time 的默认值 '0000-00-00 00:00:00' 被拒绝（ERROR 1067），而 tb_vod 是最后创建的表"
              : ""),
          en:
            "table tb_vod is missing: recording callbacks cannot store replay rows and the replay list stays empty" +
            (createDbSignature
              ? ". tb_account and tb_room exist: the classic outcome of the original createDB.sh under strict sql_mode (NO_ZERO_DATE, the default since MySQL 5.7.8) — tb_vod.start_time's default '0000-00-00 00:00:00' is rejected (ERROR 1067), and tb_vod is created last"
              : ""),
        }
      : { zh: `表 ${t.name} 不存在：后台用到它的语句都会失败`, en: `table ${t.name} is missing: every backend statement that uses it fails` },
  });
}

/** Tables in the database that are neither declared nor the migration history (for reports; never dropped). */
export function undeclaredTables(declared: SchemaDef, actual: ActualSchema): string[] {
  const fold = (n: string) => (actual.lowerCaseTableNames === 0 ? n : n.toLowerCase());
  const known = new Set([...declared.tables.map((t) => t.name), HISTORY_TABLE].map(fold));
  return actual.tables.map((t) => t.name).filter((n) => !known.has(fold(n)));
}
