/**
 * database/: the live_demo schema as code. This entry point is light (no runtime mysql2): the stacks import it
 * at synth time for {@link schemaHash}, the constants and {@link BACKEND_PRIVILEGES}; the validators use
 * {@link assessSchema} for `db.schema` and {@link missingPrivileges} for the backend account's grants. The
 * migration runner (mysql2) lives in ./migrate and is imported directly.
 */
export {
  DB_NAME,
  DB_CHARSET,
  DB_COLLATION,
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
  normaliseColumn,
  normaliseDefault,
  normaliseType,
  normaliseCharset,
  normaliseCollation,
  charsetOfCollation,
} from "./normalise";
export type { RawColumnRow } from "./normalise";
export {
  compareSchema,
  compareTypes,
  convertibleTable,
  findActualTable,
  CONVERTIBLE_CHARSETS,
  isZeroDateDefault,
  describeDefault,
  undeclaredTables,
} from "./compare";
export type { ActualSchema, ActualTable, ActualColumn, SchemaDifference, DifferenceKind } from "./compare";
export { FAQ_TAGS, KIND_NAMES, describeFix } from "./vocabulary";
export type { Severity, Text, Fix, DataFirst, FaqTag } from "./vocabulary";
export { assessSchema, assessActual, assessDifferences, manualFixList } from "./assess";
export type { SchemaAssessment, MigrateOutcome } from "./assess";
export {
  BACKEND_PRIVILEGES,
  BACKEND_TABLE_PRIVILEGES,
  privilegesOf,
  uniformPrivileges,
  grantStatements,
  missingPrivileges,
  readAccountGrants,
  parseGrantLine,
  privilegeVerdict,
} from "./privileges";
export type { TablePrivilege, PrivilegeNeed, MissingPrivilege, PrivilegeVerdict, AccountGrants, ParsedGrant, GranteeRef, Account } from "./privileges";
export { inspectSchema } from "./introspect";
export type { SqlQueryable } from "./introspect";
