/**
 * The migration runner (mysql2). One call = one deploy's worth of database work:
 *
 *  1. take a named lock (GET_LOCK, per server + database) so concurrent runs never interleave;
 *  2. CREATE DATABASE IF NOT EXISTS with the stack's charset/collation (only when missing);
 *  3. refuse when an applied migration's checksum changed, the history names a migration this code does not know
 *     (a newer tool migrated it), or the live tables differ in a way no repair fixes — all before any change; then
 *     the history table in the database itself;
 *  4. apply pending migrations, recording each (version, name, checksum);
 *  5. compare the live tables with SCHEMA (never trusting the history alone) and repair what can be repaired
 *     without touching a row: create missing tables, add missing columns, widen narrow types, replace zero-date
 *     defaults, remove ON UPDATE, make declared-nullable columns nullable, convert latin1/utf8mb3/ascii tables to
 *     utf8mb4 (lossless: a superset). Anything left that breaks the backend (a different primary key, an
 *     incompatible type, another character set, a wrongly-cased table name) fails the run;
 *  6. optionally create the backend account (CREATE USER IF NOT EXISTS + GRANT of only the missing privileges).
 *
 * Never drops a table, column or database: every statement passes {@link assertNonDestructive}.
 */
import * as mysql from "mysql2/promise";
import { OperationError } from "../common/errors";
import { redact } from "../common/mask";
import {
  BACKEND_PRIVILEGES,
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
import { ActualSchema, SchemaDifference, compareSchema, compareTypes, findActualTable } from "./compare";
import { inspectSchema } from "./introspect";
import { MIGRATIONS, Migration, migrationChecksum } from "./migrations";

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
  /** Create the backend account and grant it {@link BACKEND_PRIVILEGES} on `database`.*. */
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
  /** Every statement run (dry run: that would run), passwords replaced by '***'. */
  statements: string[];
  /** Differences left after the run (warnings only on success). Dry run: those the real run would leave; an
   *  error among them means the real run would fail. */
  differences: SchemaDifference[];
  /** What happened to the backend account, when asked to create it. */
  user?: { name: string; created: boolean; granted: string[] };
}

/** A migration that cannot or must not proceed (exit 1 in the CLI). */
export class MigrationError extends OperationError {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
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

/** Repair statements for the repairable differences (pure; used by both real and dry runs). */
export function repairStatements(schema: SchemaDef, actual: ActualSchema, diffs: SchemaDifference[]): string[] {
  const out: string[] = [];
  for (const t of schema.tables) {
    const mine = diffs.filter((d) => d.table === t.name && d.repairable);
    if (mine.length === 0) continue;
    if (mine.some((d) => d.kind === "missing_table")) {
      out.push(createTableSql(t, schema));
      continue;
    }
    const at = findActualTable(actual, t.name)!;
    // Character set first and on its own, so columns added or modified below get the new table default.
    // CONVERT TO only goes up (latin1/utf8mb3/ascii → utf8mb4, see CONVERTIBLE_CHARSETS): no character is lost; a
    // conflict it would cause (e.g. keys equal under the new collation) fails the ALTER, which changes nothing.
    const convert = mine.some((d) => d.kind === "table_charset" || d.kind === "column_charset");
    if (convert) out.push(`ALTER TABLE ${ident(t.name)} CONVERT TO CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`);
    const tableCharset = convert ? schema.charset : at.charset;
    const clauses: string[] = [];
    for (const c of t.columns) {
      // A column's charset is fixed by the CONVERT above (which may also widen TEXT types to keep their byte size).
      const cd = mine.filter((d) => d.column === c.name && d.kind !== "column_charset");
      if (cd.length === 0) continue;
      if (cd.some((d) => d.kind === "missing_column")) {
        clauses.push(`ADD COLUMN ${columnSql(c)}`);
        continue;
      }
      const a = at.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase())!;
      // Keep an actual type that is already at least as wide; never make a nullable column NOT NULL.
      let type = compareTypes(c.type, a.type) === "ok" ? a.type : c.type;
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
export async function connectAccount(account: ServerAccount): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
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

async function rowsOf<T>(conn: mysql.Connection, sql: string, values: unknown[] = []): Promise<T[]> {
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
  const result: MigrateResult = { database: db, createdDatabase: false, applied: [], repairs: [], statements: [], differences: [] };
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
    // A difference no repair fixes (another primary key, an incompatible type) stops the run before anything is
    // changed — unless a pending migration alters existing tables (it may be the fix). Dry runs report it instead.
    const pendingAlters = pending.some((m) => m.statements.some((st) => !/^\s*CREATE TABLE IF NOT EXISTS\b/i.test(st)));
    if (before && !dry && !pendingAlters) {
      const blocking = compareSchema(schema, before).filter((d) => d.severity === "error" && !d.repairable);
      if (blocking.length) {
        throw new MigrationError(
          `${db} differs from the declared schema in ways that cannot be repaired without risking data; nothing was changed:\n` +
            blocking.map((d) => `  - ${d.message}`).join("\n"),
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

    // Compare with the declared schema whatever the history says; repair what is safe to repair.
    let actual: ActualSchema;
    if (dry) {
      // Tables the pending migrations create will exist in their declared form.
      const created = new Set(pending.flatMap((m) => m.statements).map((s) => /CREATE TABLE IF NOT EXISTS `([^`]+)`/i.exec(s)?.[1]).filter(Boolean));
      const base = before ?? { database: db, exists: true, charset: DB_CHARSET, collation: DB_COLLATION, tables: [] };
      actual = { ...base, exists: true, tables: base.tables };
      const diffs = compareSchema(schema, actual).filter((d) => !(d.kind === "missing_table" && created.has(d.table!)));
      result.repairs = repairStatements(schema, actual, diffs);
      for (const s of result.repairs) await exec(s);
      // What the real run would leave: the differences no repair fixes (errors among them make it fail).
      result.differences = diffs.filter((d) => !d.repairable);
    } else {
      actual = await inspectSchema(conn, db);
      const diffs = compareSchema(schema, actual);
      const repairs = repairStatements(schema, actual, diffs);
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
      result.differences = compareSchema(schema, actual);
      const errors = result.differences.filter((d) => d.severity === "error");
      if (errors.length) {
        throw new MigrationError(
          `${db} still differs from the declared schema in ways that cannot be repaired without risking data:\n` +
            errors.map((d) => `  - ${d.message}`).join("\n"),
        );
      }
      for (const w of result.differences) log(`warning: ${w.message}`);
    }

    if (options.createUser) result.user = await ensureUser(conn, db, options.createUser, exec, dry, log);
    // Make the statement list a runnable script: the table statements are unqualified.
    const firstInDb = result.statements.findIndex((s) => !/^CREATE DATABASE /.test(s));
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

async function countRows(conn: mysql.Connection, schema: SchemaDef, actual: ActualSchema): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of actual.tables) {
    if (!schema.tables.some((d) => d.name === t.name)) continue;
    const [r] = await rowsOf<{ n: number }>(conn, `SELECT COUNT(*) AS n FROM ${ident(t.name)}`);
    out.set(t.name, Number(r.n));
  }
  return out;
}

/**
 * CREATE USER IF NOT EXISTS (an existing account keeps its password) and GRANT of only the backend privileges it
 * lacks on `db`.*. Never grants more, never WITH GRANT OPTION, never revokes.
 */
async function ensureUser(
  conn: mysql.Connection,
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
  // Privileges the account already holds on this database or globally (GRANTEE is "'user'@'host'").
  const grantee = `'${u.user.replace(/'/g, "''")}'@'${host.replace(/'/g, "''")}'`;
  const held = new Set<string>();
  if (!created) {
    const rows = await rowsOf<{ p: string; s: string | null }>(
      conn,
      "SELECT PRIVILEGE_TYPE AS p, TABLE_SCHEMA AS s FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? " +
        "UNION ALL SELECT PRIVILEGE_TYPE AS p, NULL AS s FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?",
      [grantee, grantee],
    ).catch(() => []);
    for (const r of rows) {
      const s = r.s === null ? null : String(r.s);
      // A schema grant may be a LIKE pattern (live\_demo); compare with wildcards unescaped.
      if (s === null || s.replace(/\\(.)/g, "$1") === db) held.add(String(r.p).toUpperCase());
    }
  }
  const missing = BACKEND_PRIVILEGES.filter((p) => !held.has(p) && !held.has("ALL PRIVILEGES"));
  if (missing.length) {
    await exec(`GRANT ${missing.join(", ")} ON ${ident(db)}.* TO ${account}`);
  } else {
    log(`account ${u.user}@${host} already holds ${BACKEND_PRIVILEGES.join(", ")} on ${db}.*`);
  }
  if (!dry) log(`backend account ${u.user}@${host}: ${created ? "created" : "kept"}${missing.length ? `, granted ${missing.join(", ")}` : ""}`);
  return { name: `${u.user}@${host}`, created, granted: missing };
}
