/**
 * MySQL helpers for tests (database, validators, demo suites).
 *
 * The server: the shared MariaDB started by test/global-setup.ts, or the one LIVE_INFRA_TEST_MYSQL_URL names. If
 * neither is there (e.g. a jest run without the global setup), the first call launches a private MariaDB for this
 * worker, stopped when the worker exits. The account is an admin (root on the throwaway server).
 *
 * Isolation: every test file works in its own database(s) from {@link createTestDatabase} (unique names), so files
 * can run in parallel on one server. Typical use:
 *
 *   const db = await createTestDatabase("adopt");          // CREATE DATABASE `adopt_<unique>`
 *   await migrate({ account: adminAccount(await testServer()), database: db.name });
 *   const conn = await db.connect();                        // root connection with db.name as default database
 *   ...
 *   await db.drop();                                        // in afterAll (optional on the throwaway server)
 */
import * as mysql from "mysql2/promise";
import { launchMariaDb, parseServerUrl } from "../../sandbox/mariadb";

/** Connection fields of the test server's admin account. */
export interface TestServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** mysql://USER[:PASSWORD]@HOST:PORT/ (no database). */
  url: string;
}

let launched: Promise<TestServer> | null = null;

/** The admin account of the test server (see the file comment for where it comes from). */
export async function testServer(): Promise<TestServer> {
  const url = process.env.LIVE_INFRA_TEST_MYSQL_URL;
  if (url) {
    const p = parseServerUrl(url);
    return { host: p.host, port: p.port, user: p.user, password: p.password, url: serverUrl(p) };
  }
  if (process.env.LIVE_INFRA_TEST_MYSQL_ERROR) {
    throw new Error(`no MySQL for tests: ${process.env.LIVE_INFRA_TEST_MYSQL_ERROR}`);
  }
  launched ??= launchMariaDb().then((s) => ({ host: s.host, port: s.port, user: s.user, password: s.password, url: s.url }));
  return launched;
}

function serverUrl(p: { host: string; port: number; user: string; password: string }): string {
  const auth = p.password ? `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}` : encodeURIComponent(p.user);
  return `mysql://${auth}@${p.host}:${p.port}/`;
}

/**
 * URL for an account on the test server: `mysql://USER[:PASSWORD]@HOST:PORT/DATABASE`. Defaults to the admin
 * account; `password: null` leaves the password out of the URL.
 */
export async function testUrl(database = "", account?: { user: string; password?: string | null }): Promise<string> {
  const s = await testServer();
  const user = account?.user ?? s.user;
  const password = account ? account.password : s.password;
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  return `mysql://${auth}@${s.host}:${s.port}/${database}`;
}

/** Admin connection (optionally with a default database). Close it with `await conn.end()`. */
export async function rootConnection(database?: string): Promise<mysql.Connection> {
  const s = await testServer();
  return mysql.createConnection({
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    database,
    charset: "utf8mb4_general_ci",
    // Rows read back as plain strings: comparisons do not depend on the client's time zone.
    dateStrings: true,
  });
}

/** Runs `fn` with an admin connection and closes it afterwards. */
export async function withRootConnection<T>(fn: (conn: mysql.Connection) => Promise<T>, database?: string): Promise<T> {
  const conn = await rootConnection(database);
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

let counter = 0;
/** A name unique across workers and runs: `<prefix>_<pid>_<n>_<random>` (≤ 64 characters, [a-z0-9_]). */
export function uniqueName(prefix: string): string {
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 7);
  return `${prefix.replace(/[^A-Za-z0-9_]/g, "_")}_${process.pid}_${counter}_${rand}`.slice(0, 64).toLowerCase();
}

/** A test database (see {@link createTestDatabase}). */
export interface TestDatabase {
  name: string;
  /** Admin connection with this database as default. */
  connect(): Promise<mysql.Connection>;
  /** URL of this database for the admin account (or another account). */
  url(account?: { user: string; password?: string | null }): Promise<string>;
  /** DROP DATABASE IF EXISTS (test cleanup only; product code never drops). */
  drop(): Promise<void>;
}

/**
 * A uniquely named database on the test server. `create: false` only reserves the name (for tests of code that
 * creates the database itself). Charset/collation: server default unless given (createDB.sh uses utf8mb4 /
 * utf8mb4_general_ci).
 */
export async function createTestDatabase(
  prefix = "t",
  options: { create?: boolean; charset?: string; collation?: string } = {},
): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  if (options.create !== false) {
    const cs = (options.charset ? ` CHARACTER SET ${options.charset}` : "") + (options.collation ? ` COLLATE ${options.collation}` : "");
    await withRootConnection((c) => c.query(`CREATE DATABASE \`${name}\`${cs}`));
  }
  return {
    name,
    connect: () => rootConnection(name),
    url: (account) => testUrl(name, account),
    drop: async () => {
      await withRootConnection((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/** Creates a uniquely named account on the test server (for grant tests); returns its name and password. */
export async function createTestUser(prefix = "u", password = "pw-" + Math.random().toString(36).slice(2)): Promise<{ user: string; password: string }> {
  const user = uniqueName(prefix).slice(0, 32);
  await withRootConnection((c) => c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]));
  return { user, password };
}

/** All rows of a table as plain objects ordered by the given columns (for before/after comparisons). */
export async function dumpTable(conn: mysql.Connection, table: string, orderBy: string[]): Promise<Record<string, unknown>[]> {
  const [rows] = await conn.query(`SELECT * FROM \`${table}\` ORDER BY ${orderBy.map((c) => `\`${c}\``).join(", ")}`);
  return (rows as Record<string, unknown>[]).map((r) => ({ ...r }));
}
