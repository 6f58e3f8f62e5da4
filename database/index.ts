/**
 * database/: the live_demo schema as code. This entry point is light (no runtime mysql2): the stacks import it
 * at synth time for {@link schemaHash} and the constants; the validators use {@link inspectSchema} +
 * {@link compareSchema} for `db.schema`. The migration runner (mysql2) lives in ./migrate and is imported directly.
 */
export {
  DB_NAME,
  DB_CHARSET,
  DB_COLLATION,
  BACKEND_PRIVILEGES,
  HISTORY_TABLE,
  SCHEMA,
  schemaHash,
  createTableSql,
  columnSql,
  ident,
  quoteString,
} from "./schema";
export type { SchemaDef, TableDef, ColumnDef, DefaultValue } from "./schema";
export {
  compareSchema,
  compareTypes,
  normaliseColumn,
  normaliseDefault,
  normaliseType,
  normaliseCharset,
  normaliseCollation,
  charsetOfCollation,
  convertibleTable,
  findActualTable,
  CONVERTIBLE_CHARSETS,
  isZeroDateDefault,
  describeDefault,
  undeclaredTables,
} from "./compare";
export type { ActualSchema, ActualTable, ActualColumn, SchemaDifference, DifferenceKind, RawColumnRow } from "./compare";
export { inspectSchema } from "./introspect";
export type { SqlQueryable } from "./introspect";
