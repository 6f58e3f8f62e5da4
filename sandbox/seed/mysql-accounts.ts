/**
 * Makes the real MySQL the seeded CDB instances point at hold the database accounts a deploy of the stack would
 * leave: each `tencentcloud_mysql_account` with its (seeded) password and each `tencentcloud_mysql_privilege` grant,
 * so the outputs file works for `migrate --stack` and the backend configuration rendered from it.
 *
 * Runs as the --mysql-url account (it needs CREATE USER and the privileges it grants). It never touches that
 * account or `root`, never revokes, and never creates the database (migrate does, with the schema's character set).
 * An existing account of the stack gets the seeded password: it is the stack's own, and the outputs name that
 * password.
 */
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../../common/lazy";
import { InputError, OperationError } from "../../common/errors";
import { redact } from "../../common/mask";
import type { DbServerPlan } from "./types";

export interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Loaded when a server is really set up (not for a sandbox without --mysql-url). */
const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);

/** Upper-case privilege names, e.g. SELECT, CREATE TEMPORARY TABLES (nothing a statement could be smuggled in). */
const PRIVILEGE_RE = /^[A-Z]+( [A-Z]+)*$/;

/** Refuses plans that would change the login's own account or root, before anything runs. */
export function checkPlan(plan: DbServerPlan, login: ServerLogin): void {
  for (const who of [...plan.accounts, ...plan.grants]) {
    if (who.user === login.user || who.user === "root") {
      throw new InputError(
        `${who.source}: the stack's account "${who.user}" is the --mysql-url account or root; the seeder never changes those. ` +
          "Give --mysql-url another admin account (e.g. root) or pass --no-mysql-accounts",
      );
    }
    if (!who.user || !who.host) throw new InputError(`${who.source}: the account needs a name and a host`);
  }
  for (const a of plan.accounts) if (!a.password) throw new InputError(`${a.source}: the account has no password; the seeder creates none without one`);
  for (const g of plan.grants) {
    for (const p of g.privileges) {
      if (!PRIVILEGE_RE.test(p.trim().toUpperCase())) throw new InputError(`${g.source}: "${p}" is not a MySQL privilege name`);
    }
  }
}

/**
 * Applies the plan; returns one line per change (no passwords). Connection and statement failures are
 * OperationErrors naming --mysql-url; their text never holds a password.
 */
export async function applyDbAccounts(plan: DbServerPlan, login: ServerLogin): Promise<string[]> {
  checkPlan(plan, login);
  const secrets = [login.password, ...plan.accounts.map((a) => a.password)];
  const where = `${login.host}:${login.port} as ${login.user}`;
  const fail = (what: string, err: unknown): never => {
    const e = err as { code?: string; message?: string };
    throw new OperationError(redact(`--mysql-url: ${what} on ${where} failed (${e.code ?? "error"}): ${e.message ?? String(err)}`, secrets));
  };
  let conn: Mysql.Connection;
  try {
    conn = await mysql().createConnection({ host: login.host, port: login.port, user: login.user, password: login.password, connectTimeout: 10_000 });
  } catch (err) {
    return fail("connecting (start the server, fix the URL, or pass --no-mysql-accounts to only point the instance there)", err);
  }
  const done: string[] = [];
  try {
    for (const a of plan.accounts) {
      // Only for the message: an admin without SELECT on mysql.user still gets the account.
      const existed = await conn
        .query("SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?", [a.user, a.host])
        .then(([rows]) => Number((rows as Array<{ n: number }>)[0].n) > 0)
        .catch(() => undefined);
      await conn.query("CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?", [a.user, a.host, a.password]).catch((e) => fail(`creating ${a.user}@${a.host}`, e));
      await conn.query("ALTER USER ?@? IDENTIFIED BY ?", [a.user, a.host, a.password]).catch((e) => fail(`setting the password of ${a.user}@${a.host}`, e));
      const what = existed === undefined ? "created or updated" : existed ? "existed; it now has the seeded password" : "created";
      done.push(`account ${a.user}@${a.host} ${what}`);
    }
    for (const g of plan.grants) {
      if (!g.privileges.length) continue;
      const privs = g.privileges.map((p) => p.trim().toUpperCase()).join(", ");
      const on = g.database === undefined ? "*.*" : g.table === undefined ? `${conn.escapeId(g.database)}.*` : `${conn.escapeId(g.database)}.${conn.escapeId(g.table)}`;
      await conn.query(`GRANT ${privs} ON ${on} TO ?@?`, [g.user, g.host]).catch((e) => fail(`granting ${privs} on ${on} to ${g.user}@${g.host}`, e));
      done.push(`granted ${privs} on ${on} to ${g.user}@${g.host}`);
    }
    for (const s of plan.skipped) done.push(`not applied: ${s}`);
  } finally {
    await conn.end().catch(() => undefined);
  }
  return done;
}
