import { Command } from "commander";
import { InputError } from "../common/errors";
import { redact } from "../common/mask";
import { defaultOutputsFile, readStackOutputs } from "../common/outputs";
import { manualFixList } from "../database/assess";
import { migrate, ServerAccount } from "../database/migrate";
import { parseMysqlUrl, urlSecrets } from "../database/url";
import { action, intOption, EXIT_FAIL, EXIT_OK, stackNameOption } from "./run";

interface MigrateFlags {
  mysqlUrl?: string;
  stack?: string;
  outputs?: string;
  adminUrl?: string;
  createUser?: boolean;
  dryRun?: boolean;
  lockTimeout?: number;
}

const HELP = `
Connection:
  --mysql-url names the backend account and the database to migrate (the database may not exist yet).
  Without --admin-url that account also runs the DDL. With --admin-url the admin account runs everything and
  --create-user creates the --mysql-url account (user and password) and grants it only what the backend's statements
  need and it lacks (SELECT, INSERT, UPDATE on DATABASE.*); it never revokes and never changes a password.
  --stack NAME reads the outputs file of a deploy instead: db_host, db_port, db_name; the DDL runs as root with
  db_root_password (when present), and --create-user creates db_user with db_password.
  A URL without a password and no password in the environment means an empty password.

Environment:
  LIVE_INFRA_MYSQL_URL       replaces --mysql-url when neither --mysql-url nor --stack is given
  LIVE_INFRA_MYSQL_PASSWORD  password of the --mysql-url account when the URL has none
  LIVE_INFRA_ADMIN_URL       replaces --admin-url
  LIVE_INFRA_ADMIN_PASSWORD  password of the admin account when the URL has none

What it does (idempotent, safe to re-run, never drops anything):
  waits for the named lock of other migrate runs on the same database; CREATE DATABASE IF NOT EXISTS
  (utf8mb4 / utf8mb4_general_ci); applies pending versioned migrations recorded with checksums in
  live_infra_schema_history (refuses if an applied migration was edited); compares the live tables with the
  declared schema and repairs what is safe (missing tables/columns, zero-date defaults, ON UPDATE create_time,
  narrow types, latin1/utf8mb3 character sets) without touching a row — this adopts databases made by the
  backend's createDB.sh. A difference that could change rows (another primary key, an incompatible type, a column
  to make NOT NULL, …) is never repaired: the run fails and names the SQL to run by hand (what \`live-infra
  validate\` reports for it too). A failing one stops the run before any change.

Exit codes: 0 done (schema up to date), 1 migration failed (connection, lock, checksum, a difference that needs a
manual fix; with --dry-run: the real run would fail), 2 usage or input error.
A URL's password may hold any character once percent-encoded (/ as %2F, @ as %40, : as %3A, # as %23, ? as %3F).
Passwords never appear in output. Progress goes to stderr; stdout has the summary (or, with --dry-run, the SQL).

Examples:
  live-infra migrate --mysql-url mysql://root@127.0.0.1:3306/live_demo
  LIVE_INFRA_ADMIN_PASSWORD=... live-infra migrate --mysql-url mysql://live_user@db:3306/live_demo \\
      --admin-url mysql://root@db:3306/ --create-user
  live-infra migrate --stack live-demo-dev --dry-run
`;

function account(u: { user: string; password?: string; host: string; port: number }, envPassword: string | undefined): ServerAccount {
  return { user: u.user, password: u.password ?? envPassword ?? "", host: u.host, port: u.port };
}

export function register(program: Command): void {
  program
    .command("migrate")
    .description("Create or bring the live_demo database to the declared schema (idempotent, locked, never destructive)")
    .option("--mysql-url <url>", "mysql://USER[:PASSWORD]@HOST:PORT/DATABASE — backend account and database")
    .option("--stack <name>", "take the database from this stack's outputs file (e.g. live-demo-dev)", stackNameOption())
    .option("--outputs <file>", "outputs file for --stack (default cdktf.out/stacks/<stack>/outputs.json)")
    .option("--admin-url <url>", "mysql://USER[:PASSWORD]@HOST:PORT/ — admin account that runs the DDL")
    .option("--create-user", "create the backend account and grant it what the backend needs (needs an admin account)")
    .option("--dry-run", "print the SQL that would run (on stdout) and change nothing; exit 1 if the real run would fail")
    .option("--lock-timeout <seconds>", "how long to wait for another migrate's lock (default 120)", intOption("--lock-timeout", 0, 86400))
    .addHelpText("after", HELP)
    .action(action(async (flags: MigrateFlags) => runMigrate(flags)));
}

async function runMigrate(flags: MigrateFlags): Promise<number> {
  const env = process.env;
  const secrets: string[] = [env.LIVE_INFRA_MYSQL_PASSWORD ?? "", env.LIVE_INFRA_ADMIN_PASSWORD ?? ""];
  // Whatever any URL holds as a password, before it is parsed (a URL that fails to parse is never quoted either).
  for (const raw of [flags.mysqlUrl, flags.adminUrl, env.LIVE_INFRA_MYSQL_URL, env.LIVE_INFRA_ADMIN_URL]) if (raw) secrets.push(...urlSecrets(raw));
  try {
    if (flags.mysqlUrl && flags.stack) throw new InputError("give either --mysql-url or --stack, not both");
    if (flags.outputs && !flags.stack) throw new InputError("--outputs needs --stack NAME");
    const adminRaw = flags.adminUrl ?? env.LIVE_INFRA_ADMIN_URL;
    const adminUrl = adminRaw ? parseMysqlUrl(adminRaw, flags.adminUrl ? "--admin-url" : "LIVE_INFRA_ADMIN_URL") : undefined;
    let admin = adminUrl ? account(adminUrl, env.LIVE_INFRA_ADMIN_PASSWORD) : undefined;
    let app: ServerAccount;
    let database: string | undefined;

    if (flags.stack) {
      const file = flags.outputs ?? defaultOutputsFile(flags.stack);
      const out = readStackOutputs(file, flags.stack);
      app = { user: out.db_user, password: out.db_password ?? env.LIVE_INFRA_MYSQL_PASSWORD ?? "", host: out.db_host, port: out.db_port };
      database = out.db_name;
      if (!admin && out.db_root_password) admin = { user: "root", password: out.db_root_password, host: out.db_host, port: out.db_port };
    } else {
      const raw = flags.mysqlUrl ?? env.LIVE_INFRA_MYSQL_URL;
      if (!raw) throw new InputError("give --mysql-url URL or --stack NAME (or set LIVE_INFRA_MYSQL_URL); see --help");
      const u = parseMysqlUrl(raw, flags.mysqlUrl ? "--mysql-url" : "LIVE_INFRA_MYSQL_URL");
      app = account(u, env.LIVE_INFRA_MYSQL_PASSWORD);
      database = u.database ?? adminUrl?.database;
    }
    secrets.push(app.password, admin?.password ?? "");
    if (!database) {
      throw new InputError("no database to migrate: put it in the URL path (mysql://USER@HOST:PORT/live_demo)");
    }
    if (flags.createUser) {
      if (!admin) {
        throw new InputError(
          "--create-user needs an admin account: --admin-url (or LIVE_INFRA_ADMIN_URL), or db_root_password in the outputs file",
        );
      }
      if (!app.password) {
        throw new InputError(`--create-user: refusing to create ${app.user} with an empty password; put it in LIVE_INFRA_MYSQL_PASSWORD`);
      }
    }
    const ddl = admin ?? app;
    const log = (line: string) => process.stderr.write(`live-infra migrate: ${redact(line, secrets)}\n`);
    log(`${flags.dryRun ? "dry run: " : ""}${database} on ${ddl.host}:${ddl.port} as ${ddl.user}`);
    const result = await migrate({
      account: ddl,
      database,
      createUser: flags.createUser ? { user: app.user, password: app.password } : undefined,
      dryRun: flags.dryRun,
      lockTimeoutSec: flags.lockTimeout,
      log,
    });
    if (flags.dryRun) {
      const sql = result.statements.length ? result.statements.map((s) => `${s};`).join("\n") : "-- nothing to do";
      process.stdout.write(redact(`-- live-infra migrate --dry-run: ${database}\n${sql}\n`, secrets));
      for (const d of result.repaired) log(`would repair: ${d.message}`);
      if (result.differences.length) {
        log(
          `dry run: the real run would fail: ${database} would still differ from the declared schema in ways migrate does not ` +
            `change (they could change rows); run by hand:\n${manualFixList(result.differences)}`,
        );
        return EXIT_FAIL;
      }
    } else {
      const repaired = result.repaired.length ? ` (${result.repaired.length} difference(s) repaired)` : "";
      process.stdout.write(
        `${database}: ${result.createdDatabase ? "created, " : ""}` +
          `${result.applied.length} migration(s) applied, ${result.repairs.length} repair(s)${repaired}` +
          `${result.user ? `, account ${result.user.name} ${result.user.created ? "created" : "kept"}` : ""}; schema up to date\n`,
      );
    }
    return EXIT_OK;
  } catch (err) {
    // Last line of defence: no password in any message, whatever the server echoed.
    const e = err as Error;
    if (e && typeof e.message === "string") e.message = redact(e.message, secrets);
    throw e;
  }
}
