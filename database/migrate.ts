/**
 * The migration runner (mysql2). One call = one deploy's worth of database work:
 *
 *  1. take a named lock (GET_LOCK, per server + database) so concurrent runs never interleave;
 *  2. CREATE DATABASE IF NOT EXISTS with the stack's charset/collation (only when missing);
 *  3. refuse when an applied migration's checksum changed, the history names a migration this code does not know
 *     (a newer tool migrated it), or the live tables differ in a way no repair fixes — all before any change; then
 *     the history table in the database itself;
 *  4. apply pending migrations, recording each (version, name, checksum);
 *  5. compare the live tables with SCHEMA (never trusting the history alone) and repair every difference whose fix
 *     is `migrate` (compare.ts decides, assess.ts sorts; validate reads the same verdict) without touching a row:
 *     create missing tables, add missing columns, widen narrow types, replace zero-date defaults, remove ON UPDATE,
 *     make declared-nullable columns nullable, convert latin1/utf8mb3/ascii tables to utf8mb4 (lossless: a
 *     superset), set utf8mb4 as the database/table default;
 *  6. optionally create the backend account (CREATE USER IF NOT EXISTS + GRANT of only what privileges.ts's map
 *     names and the account lacks);
 *  7. a difference whose fix is manual is never "up to date": a failing one stops the run in step 3, before any
 *     change; a warning one is named after the repairs. Either way the run fails with the statements to run by hand.
 *
 * Never drops a table, column or database: every statement passes {@link assertNonDestructive}.
 */
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../common/lazy";
import { OperationError } from "../common/errors";
import { redact } from "../common/mask";
import {
  ColumnDef,
  DB_CHARSET,
  DB_COLLATION,
  HISTORY_TABLE,
  SCHEMA,
  SchemaDef,
  columnSql,
  createTableSql,
  ident,
  quoteString,
} from "./schema";
import { ActualSchema, SchemaDifference, compareSchema, compareTypes, convertibleTable, findActualTable } from "./compare";
import { assessDifferences, manualFixList } from "./assess";
import { inspectSchema } from "./introspect";
import { BACKEND_TABLE_PRIVILEGES, MissingPrivilege, TablePrivilege, grantStatements, missingPrivileges, privilegesOf } from "./privileges";
import { MIGRATIONS, Migration, migrationChecksum } from "./migrations";

const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);

/**
 * Session sql_mode for migrations: strict (no silent truncation), but without NO_ZERO_DATE / NO_ZERO_IN_DATE so
 * that ALTERs on tables adopted from a permissive server, whose rows may hold '0000-00-00 00:00:00', keep those
 * rows unchanged instead of failing. Our own DDL never declares a zero date.
 */
export const MIGRATION_SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

export interface ServerAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface MigrateOptions {
  /** The account that runs the DDL (the admin account when there is one). */
  account: ServerAccount;
  /** Database to migrate (created when missing). */
  database: string;
  /** Create the backend account and grant it what BACKEND_TABLE_PRIVILEGES names on `database` and it lacks. */
  createUser?: { user: string; password: string; host?: string };
  /** Only compute and return the SQL; change nothing (no lock taken). */
  dryRun?: boolean;
  /** Seconds to wait for another run's lock. Default 120. */
  lockTimeoutSec?: number;
  /** Progress lines (the CLI sends them to stderr). Never receives a password. */
  log?: (line: string) => void;
  /** For tests: the migration list and schema to use. */
  migrations?: readonly Migration[];
  schema?: SchemaDef;
}

export interface MigrateResult {
  database: string;
  createdDatabase: boolean;
  /** Migrations applied by this run, as "version name". */
  applied: string[];
  /** Repair statements applied (or, on a dry run, that would be applied). */
  repairs: string[];
  /** The differences those statements repaired (dry run: would repair). */
  repaired: SchemaDifference[];
  /** Every statement run (dry run: that would run), passwords replaced by '***'. */
  statements: string[];
  /** Differences left after the run: none when it succeeds. Dry run: those the real run would leave (each needs a
   *  manual fix; any of them makes the real run fail). */
  differences: SchemaDifference[];
  /** What happened to the backend account, when asked to create it. */
  user?: { name: string; created: boolean; granted: string[] };
}

/** A migration that cannot or must not proceed (exit 1 in the CLI). */
export class MigrationError extends OperationError {
  /** Differences that need the manual fix they carry (empty for other failures). */
  readonly manual: SchemaDifference[];
  /** Differences this run repaired before it stopped. */
  readonly repaired: SchemaDifference[];
  constructor(message: string, details: { manual?: SchemaDifference[]; repaired?: SchemaDifference[] } = {}) {
    super(message);
    this.name = "MigrationError";
    this.manual = details.manual ?? [];
    this.repaired = details.repaired ?? [];
  }
}

/** Throws if a statement would drop a table, column, database or key. */
export function assertNonDestructive(sql: string): void {
  const s = sql.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
  if (/^\s*(DROP|TRUNCATE|RENAME|DELETE)\b/i.test(s) || /\bDROP\s+(COLUMN|TABLE|DATABASE|SCHEMA|INDEX|KEY|PRIMARY|FOREIGN)\b/i.test(s) || /\bALTER\s+TABLE\b[\s\S]*\bDROP\s+`/i.test(s)) {
    throw new MigrationError(`refusing a destructive statement: ${s.split("\n")[0]}`);
  }
}

function lockName(database: string): string {
  // GET_LOCK names are limited to 64 characters on MySQL 5.7+.
  return `live_infra_migrate.${database}`.slice(0, 64);
}

/**
 * Repair statements for the differences whose fix is `migrate` (pure; used by both real and dry runs). Differences
 * with a manual fix are left alone, also on a column that is modified for another reason.
 */
export function repairStatements(schema: SchemaDef, actual: ActualSchema, diffs: SchemaDifference[]): string[] {
  const out: string[] = [];
  const ours = diffs.filter((d) => d.fix.kind === "migrate");
  // The database default only decides the set of tables created later; no table or row changes.
  if (ours.some((d) => d.kind === "charset")) {
    out.push(`ALTER DATABASE ${ident(actual.database)} CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`);
  }
  for (const t of schema.tables) {
    const mine = ours.filter((d) => d.table === t.name);
    if (mine.length === 0) continue;
    if (mine.some((d) => d.kind === "missing_table")) {
      out.push(createTableSql(t, schema));
      continue;
    }
    const at = findActualTable(actual, t.name)!;
    const manualTypes = new Set(
      diffs.filter((d) => d.table === t.name && d.fix.kind === "manual" && (d.kind === "type_too_narrow" || d.kind === "type_incompatible")).map((d) => d.column),
    );
    // Character set first and on its own, so columns added or modified below get the new table default.
    // CONVERT TO only goes up (latin1/utf8mb3/ascii → utf8mb4, see CONVERTIBLE_CHARSETS): no character is lost; a
    // conflict it would cause (e.g. keys equal under the new collation) fails the ALTER, which changes nothing. A
    // table holding another set only gets the new default (its columns keep theirs).
    const charsetFix = mine.some((d) => d.kind === "table_charset" || d.kind === "column_charset");
    const convert = charsetFix && convertibleTable(schema, at);
    if (convert) out.push(`ALTER TABLE ${ident(t.name)} CONVERT TO CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`);
    else if (charsetFix) out.push(`ALTER TABLE ${ident(t.name)} DEFAULT CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`);
    const tableCharset = charsetFix ? schema.charset : at.charset;
    const clauses: string[] = [];
    for (const c of t.columns) {
      // A column's charset is fixed by the CONVERT above (which may also widen TEXT types to keep their byte size).
      const cd = mine.filter((d) => d.column === c.name && d.kind !== "column_charset" && d.kind !== "table_charset");
      if (cd.length === 0) continue;
      if (cd.some((d) => d.kind === "missing_column")) {
        clauses.push(`ADD COLUMN ${columnSql(c)}`);
        continue;
      }
      const a = at.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase())!;
      // Keep an actual type that is already at least as wide (or whose change needs a manual fix); never make a
      // nullable column NOT NULL.
      let type = compareTypes(c.type, a.type) === "ok" || manualTypes.has(c.name) ? a.type : c.type;
      // MODIFY without a charset gives the column the table default: keep a text column's own charset when they differ.
      if (!convert && a.charset && a.collation && tableCharset && a.charset !== tableCharset) {
        type += ` CHARACTER SET ${a.charset} COLLATE ${a.collation}`;
      }
      const merged: ColumnDef = {
        name: a.name,
        type,
        nullable: c.nullable || a.nullable,
        default: c.default,
        onUpdateCurrentTimestamp: c.onUpdateCurrentTimestamp,
      };
      clauses.push(`MODIFY COLUMN ${columnSql(merged)}`);
    }
    if (clauses.length) out.push(`ALTER TABLE ${ident(t.name)} ${clauses.join(", ")}`);
  }
  return out;
}

const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS ${ident(HISTORY_TABLE)} (
  \`version\` int NOT NULL,
  \`name\` varchar(200) NOT NULL,
  \`checksum\` char(64) NOT NULL,
  \`applied_at\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  \`execution_ms\` int NOT NULL DEFAULT 0,
  PRIMARY KEY (\`version\`)
) ENGINE=InnoDB DEFAULT CHARSET=${DB_CHARSET} COLLATE=${DB_COLLATION}`;

interface HistoryRow {
  version: number;
  name: string;
  checksum: string;
}

/** Checks recorded checksums against the code; returns the pending migrations in order. */
export function pendingMigrations(migrations: readonly Migration[], history: HistoryRow[]): Migration[] {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const h of history) {
    const m = known.get(Number(h.version));
    if (!m) {
      throw new MigrationError(
        `the database records migration ${h.version} ("${h.name}"), which this version of live-infra does not know: ` +
          `it was migrated by a newer release. Upgrade live-infra; nothing was changed.`,
      );
    }
    const sum = migrationChecksum(m);
    if (sum !== h.checksum) {
      throw new MigrationError(
        `migration ${m.version} ("${m.name}") was applied with checksum ${String(h.checksum).slice(0, 12)}… but the code ` +
          `now has ${sum.slice(0, 12)}…: an applied migration was edited. Restore it and add a new migration instead ` +
          `(table ${HISTORY_TABLE}); nothing was changed.`,
      );
    }
  }
  const applied = new Set(history.map((h) => Number(h.version)));
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
}

function describeError(err: unknown, secrets: string[]): string {
  const e = err as { code?: string; message?: string };
  const msg = e && typeof e.message === "string" && e.message ? e.message : String(err);
  return redact(e.code && !msg.includes(e.code) ? `${e.code}: ${msg}` : msg, secrets);
}

/** Opens a connection without a default database (it may not exist yet). */
export async function connectAccount(account: ServerAccount): Promise<Mysql.Connection> {
  try {
    return await mysql().createConnection({
      host: account.host,
      port: account.port,
      user: account.user,
      password: account.password,
      charset: "utf8mb4_general_ci",
      connectTimeout: 10_000,
      multipleStatements: false,
    });
  } catch (err) {
    throw new MigrationError(
      `cannot connect to MySQL as ${account.user}@${account.host}:${account.port}: ${describeError(err, [account.password])}`,
    );
  }
}

async function rowsOf<T>(conn: Mysql.Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [rows] = await conn.query(sql, values);
  return rows as T[];
}

/** Runs the whole migration. See the file comment for the steps. Throws MigrationError on failure. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const schema = options.schema ?? SCHEMA;
  const migrations = options.migrations ?? MIGRATIONS;
  const log = options.log ?? (() => undefined);
  const db = options.database;
  const secrets = [options.account.password, options.createUser?.password ?? ""];
  const result: MigrateResult = { database: db, createdDatabase: false, applied: [], repairs: [], repaired: [], statements: [], differences: [] };
  const dry = !!options.dryRun;

  const conn = await connectAccount(options.account);
  let locked = false;
  const exec = async (sql: string, shown = sql) => {
    assertNonDestructive(sql);
    result.statements.push(shown);
    if (!dry) await conn.query(sql);
  };
  try {
    await conn.query(`SET SESSION sql_mode = ?`, [MIGRATION_SQL_MODE]);
    if (!dry) {
      const name = lockName(db);
      const timeout = options.lockTimeoutSec ?? 120;
      let [row] = await rowsOf<{ got: number | null }>(conn, "SELECT GET_LOCK(?, 0) AS got", [name]);
      if (Number(row.got) !== 1) {
        log(`another migrate of ${db} is running; waiting up to ${timeout} s for lock ${name}`);
        [row] = await rowsOf<{ got: number | null }>(conn, "SELECT GET_LOCK(?, ?) AS got", [name, timeout]);
        if (Number(row.got) !== 1) {
          throw new MigrationError(`timed out after ${timeout} s waiting for lock ${name} (another migrate still running)`);
        }
      }
      locked = true;
    }

    const exists = (await rowsOf(conn, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [db])).length > 0;
    if (!exists) {
      log(`creating database ${db} (${DB_CHARSET} / ${DB_COLLATION})`);
      await exec(`CREATE DATABASE IF NOT EXISTS ${ident(db)} CHARACTER SET ${DB_CHARSET} COLLATE ${DB_COLLATION}`);
      result.createdDatabase = true;
    }
    if (!dry || exists) await conn.query(`USE ${ident(db)}`);

    // History (read before creating it, so a dry run on a fresh database works).
    let history: HistoryRow[] = [];
    const hasHistory =
      exists &&
      (await rowsOf(conn, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", [db, HISTORY_TABLE]))
        .length > 0;
    if (hasHistory) {
      history = await rowsOf<HistoryRow>(conn, `SELECT version, name, checksum FROM ${ident(HISTORY_TABLE)} ORDER BY version`);
    }
    const pending = pendingMigrations(migrations, history);
    const before = exists ? await inspectSchema(conn, db) : null;
    // A failing difference only a manual fix corrects (another primary key, an incompatible type) stops the run
    // before anything is changed — unless a pending migration alters existing tables (it may be the fix). Dry runs
    // report it instead.
    const pendingAlters = pending.some((m) => m.statements.some((st) => !/^\s*CREATE TABLE IF NOT EXISTS\b/i.test(st)));
    if (before && !dry && !pendingAlters) {
      const initial = assessDifferences(db, compareSchema(schema, before));
      if (initial.blocking.length) {
        throw new MigrationError(
          `${db} differs from the declared schema in ways that cannot be repaired without risking data; nothing was changed:\n` +
            manualFixList(initial.manual) +
            (initial.repairable.length ? `\nAfter the manual fix, migrate repairs the rest (${initial.repairable.length} difference(s)).` : ""),
          { manual: initial.manual },
        );
      }
    }
    if (!hasHistory) await exec(HISTORY_DDL);
    if (before && history.length === 0 && before.tables.some((t) => schema.tables.some((d) => d.name === t.name))) {
      const names = before.tables.map((t) => t.name).filter((n) => n !== HISTORY_TABLE);
      log(`adopting existing tables in ${db} (${names.join(", ")}); no row is touched`);
    }

    for (const m of pending) {
      log(`applying migration ${m.version}: ${m.name}`);
      const started = Date.now();
      for (const s of m.statements) await exec(s);
      const record = `INSERT INTO ${ident(HISTORY_TABLE)} (version, name, checksum, execution_ms) VALUES (${m.version}, ${quoteString(m.name)}, ${quoteString(migrationChecksum(m))}, ${Date.now() - started})`;
      await exec(record);
      result.applied.push(`${m.version} ${m.name}`);
    }

    // Compare with the declared schema whatever the history says; repair what migrate repairs.
    let actual: ActualSchema;
    let leftManual: SchemaDifference[] = [];
    if (dry) {
      // Tables the pending migrations create will exist in their declared form.
      const created = new Set(pending.flatMap((m) => m.statements).map((s) => /CREATE TABLE IF NOT EXISTS `([^`]+)`/i.exec(s)?.[1]).filter(Boolean));
      const base = before ?? { database: db, exists: true, charset: DB_CHARSET, collation: DB_COLLATION, tables: [] };
      actual = { ...base, exists: true, tables: base.tables };
      const plan = assessDifferences(db, compareSchema(schema, actual).filter((d) => !(d.kind === "missing_table" && created.has(d.table!))));
      result.repairs = repairStatements(schema, actual, plan.repairable);
      result.repaired = plan.repairable;
      for (const s of result.repairs) await exec(s);
      // What the real run would leave: the differences that need a manual fix (any of them makes it fail).
      result.differences = plan.manual;
    } else {
      actual = await inspectSchema(conn, db);
      const plan = assessDifferences(db, compareSchema(schema, actual));
      const repairs = repairStatements(schema, actual, plan.repairable);
      if (repairs.length) {
        const counts = await countRows(conn, schema, actual);
        for (const s of repairs) {
          log(`repairing: ${s.split("\n")[0]}`);
          await exec(s);
        }
        result.repairs = repairs;
        const after = await countRows(conn, schema, actual);
        for (const [t, n] of counts) {
          if (after.get(t) !== n) throw new MigrationError(`row count of ${t} changed during repair (${n} → ${after.get(t)})`);
        }
        actual = await inspectSchema(conn, db);
      }
      const left = compareSchema(schema, actual);
      const unrepaired = left.filter((d) => d.fix.kind === "migrate");
      if (unrepaired.length) {
        throw new MigrationError(
          `${db}: the repairs did not fix ${unrepaired.length} difference(s) they should have; nothing more was changed:\n` +
            unrepaired.map((d) => `  - ${d.message}`).join("\n"),
          { repaired: plan.repairable.filter((r) => !unrepaired.some((u) => u.kind === r.kind && u.table === r.table && u.column === r.column)) },
        );
      }
      result.repaired = plan.repairable;
      for (const d of plan.repairable) log(`repaired: ${d.message}`);
      leftManual = left.filter((d) => d.fix.kind === "manual");
      result.differences = leftManual;
    }

    if (options.createUser) result.user = await ensureUser(conn, db, options.createUser, exec, dry, log);
    // A warning only a manual fix corrects: never "up to date" while it is there.
    if (leftManual.length) {
      throw new MigrationError(
        `${db}: ${result.repaired.length} difference(s) repaired, but it still differs from the declared schema in ways ` +
          `migrate does not change (they could change rows); run by hand, then re-run migrate:\n` +
          manualFixList(leftManual),
        { manual: leftManual, repaired: result.repaired },
      );
    }
    // Make the statement list a runnable script: the table statements are unqualified.
    const firstInDb = result.statements.findIndex((s) => !/^(CREATE|ALTER) DATABASE /.test(s));
    if (firstInDb >= 0) result.statements.splice(firstInDb, 0, `USE ${ident(db)}`);
    return result;
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError(`migrating ${db} failed: ${describeError(err, secrets)}`);
  } finally {
    if (locked) await conn.query("SELECT RELEASE_LOCK(?)", [lockName(db)]).catch(() => undefined);
    await conn.end().catch(() => undefined);
  }
}

async function countRows(conn: Mysql.Connection, schema: SchemaDef, actual: ActualSchema): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of actual.tables) {
    if (!schema.tables.some((d) => d.name === t.name)) continue;
    const [r] = await rowsOf<{ n: number }>(conn, `SELECT COUNT(*) AS n FROM ${ident(t.name)}`);
    out.set(t.name, Number(r.n));
  }
  return out;
}

/**
 * CREATE USER IF NOT EXISTS (an existing account keeps its password) and GRANT of only what the privileges map
 * names and the account lacks on `db` (its own grants and its default roles count): one `db.*` grant when the map
 * needs the same privileges on every table, else one per table. Never more, never WITH GRANT OPTION, never a revoke.
 */
async function ensureUser(
  conn: Mysql.Connection,
  db: string,
  u: { user: string; password: string; host?: string },
  exec: (sql: string, shown?: string) => Promise<void>,
  dry: boolean,
  log: (line: string) => void,
): Promise<{ name: string; created: boolean; granted: string[] }> {
  const host = u.host ?? "%";
  const account = `${quoteString(u.user)}@${quoteString(host)}`;
  const existing = await rowsOf(conn, "SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?", [u.user, host]).catch(() => null);
  const created = existing !== null && existing.length === 0;
  if (existing === null || existing.length === 0) {
    await exec(
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quoteString(u.password)}`,
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '***'`,
    );
  } else {
    log(`account ${u.user}@${host} exists; its password is left unchanged`);
  }
  // What the account lacks; unknown (grants unreadable) or a new account: everything the map names.
  let missing: MissingPrivilege[] | undefined;
  if (!created) missing = await missingPrivileges(conn, u.user, host, db).catch(() => undefined);
  const grants = grantStatements(db, { user: u.user, host }, missing);
  const named = Object.keys(BACKEND_TABLE_PRIVILEGES).flatMap((t) => privilegesOf(t));
  const order: TablePrivilege[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
  const granted = order.filter((p) => named.includes(p) && (!missing || missing.some((m) => m.privilege === p)));
  for (const g of grants) await exec(g);
  if (grants.length === 0) log(`account ${u.user}@${host} already holds what the backend needs on ${db}`);
  if (!dry) log(`backend account ${u.user}@${host}: ${created ? "created" : "kept"}${granted.length ? `, granted ${granted.join(", ")}` : ""}`);
  return { name: `${u.user}@${host}`, created, granted };
}
