/**
 * The vocabulary shared by `live-infra validate` and `live-infra migrate` for what is wrong with a database and how
 * to fix it: every finding carries one severity, one fix and one FAQ tag, and has zh/en text. Pure data and text.
 */

/** How bad a finding is for the backend: `fail` = a statement of the backend fails or rows go wrong; `warn` = it
 *  works but deviates. */
export type Severity = "fail" | "warn";

/** A text in both report languages. */
export interface Text {
  zh: string;
  en: string;
}

/** Data to put right before a manual fix can run. Each check is a query returning one row with `n`; the fix can run
 *  once every check returns n = 0. */
export interface DataFirst extends Text {
  checks: string[];
}

/**
 * The one true fix of a finding.
 * - `migrate`: `live-infra migrate` repairs it (and reports it repaired) without changing a row.
 * - `manual`: migrate never does it (it could lose or change data); `sql` is exactly what to run by hand, in order,
 *   after `dataFirst` (when present) holds.
 */
export type Fix = { kind: "migrate" } | { kind: "manual"; sql: string[]; dataFirst?: DataFirst };

/** A FAQ tag: which troubleshooting item a finding belongs to, in the reports' words. */
export interface FaqTag extends Text {
  id: string;
}

export const FAQ_TAGS = {
  /** Only when tb_vod itself is missing (the FAQ's "检查数据库表是否正常创建"). */
  tbVodMissing: { id: "tb_vod_missing", zh: "tb_vod 未创建", en: "tb_vod not created" },
  tableMissing: { id: "table_missing", zh: "表未创建", en: "table not created" },
  databaseMissing: { id: "database_missing", zh: "数据库未创建", en: "database not created" },
  schemaDiffers: { id: "schema_differs", zh: "表结构不一致", en: "schema differs" },
  zeroDate: { id: "zero_date_default", zh: "零日期默认值", en: "zero-date default" },
  charset: { id: "charset", zh: "字符集不是 utf8mb4", en: "character set is not utf8mb4" },
  tableNameCase: { id: "table_name_case", zh: "表名大小写不符", en: "table name case differs" },
  privilegeMissing: { id: "privilege_missing", zh: "数据库账号权限不足", en: "database account lacks a privilege" },
} as const satisfies Record<string, FaqTag>;

/** The fix in words, e.g. for a report line after the finding's description. */
export function describeFix(fix: Fix): Text {
  if (fix.kind === "migrate") {
    return { zh: "修复：运行 `live-infra migrate`（自动修复，不改动任何行）。", en: "Fix: run `live-infra migrate` (repairs it without changing a row)." };
  }
  const sql = fix.sql.map((s) => `${s};`).join(" ");
  const first = fix.dataFirst;
  if (!first) return { zh: `需手工修复（migrate 不会做），执行：${sql}`, en: `Fix by hand (migrate does not do this): run ${sql}` };
  const checks = first.checks.map((c) => `${c};`).join(" ");
  return {
    zh: `需手工修复（migrate 不会做）：先${first.zh}${checks ? `（以下查询都应返回 n = 0：${checks}）` : ""}，再执行：${sql}`,
    en: `Fix by hand (migrate does not do this): first ${first.en}${checks ? ` (these must all return n = 0: ${checks})` : ""}; then run ${sql}`,
  };
}

/** Short names of the kinds of schema difference, for lists. */
export const KIND_NAMES: Readonly<Record<string, Text>> = {
  missing_database: { zh: "数据库不存在", en: "missing database" },
  missing_table: { zh: "缺表", en: "missing table" },
  missing_column: { zh: "缺列", en: "missing column" },
  type_too_narrow: { zh: "类型过窄", en: "narrow type" },
  type_incompatible: { zh: "类型不兼容", en: "incompatible type" },
  nullability: { zh: "可空性", en: "nullability" },
  zero_date_default: { zh: "零日期默认值", en: "zero-date default" },
  default: { zh: "默认值", en: "default" },
  on_update: { zh: "ON UPDATE", en: "ON UPDATE" },
  primary_key: { zh: "主键", en: "primary key" },
  extra_column: { zh: "无默认值的多余列", en: "extra column without default" },
  charset: { zh: "数据库字符集", en: "database character set" },
  table_charset: { zh: "表字符集", en: "table character set" },
  column_charset: { zh: "列字符集", en: "column character set" },
  table_name_case: { zh: "表名大小写", en: "table name case" },
};
