// `live-infra migrate` through the built CLI: exit codes 0/1/2, --dry-run, --stack with an outputs file,
// --create-user, and that no password ever appears in its output.
// Most runs go through the CLI's `main` in this process (`cli`). Real processes (`cliProcess`): --help, the first
// fresh migrate (stdout holding only the summary) and one usage error (the exit-2 smoke).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeStackOutputs } from "../../common/outputs";
import { sampleOutputs } from "../helpers/fixtures";
import { createTestDatabase, testServer, withRootConnection, TestDatabase } from "../helpers/mysql";

import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
const SECRET = "Sup3r-Secret-Pw";


type Run = CliRun;

/** The environment of a run: LIVE_INFRA_* from the developer's shell removed (the shared server's URL kept). */
function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith("LIVE_INFRA_") && k !== "LIVE_INFRA_TEST_MYSQL_URL") delete clean[k];
  return { ...clean, ...env };
}

/** `live-infra migrate ...args` in this process. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCliInProcess(["migrate", ...args], cleanEnv(env));
}

/** `live-infra migrate ...args` as a real process. */
function cliProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCli(["migrate", ...args], cleanEnv(env));
}

function expectNoSecret(r: Run, ...secrets: string[]): void {
  for (const s of [SECRET, ...secrets]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

const dbs: TestDatabase[] = [];
let tmp: string;
beforeAll(() => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-cli-"));
});
afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function reserve(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix, { create: false });
  dbs.push(db);
  return db;
}

describe("live-infra migrate", () => {
  test("--help documents the flags, the environment and the exit codes (exit 0)", async () => {
    const r = await cliProcess(["--help"]);
    expect(r.code).toBe(0);
    for (const s of ["--mysql-url", "--stack", "--outputs", "--admin-url", "--create-user", "--dry-run", "LIVE_INFRA_MYSQL_PASSWORD", "LIVE_INFRA_ADMIN_URL", "Exit codes"]) {
      expect(r.stdout).toContain(s);
    }
  });

  test("fresh migrate and re-run exit 0; the summary goes to stdout, progress to stderr", async () => {
    const db = await reserve("cli_fresh");
    const url = await db.url();
    const first = await cliProcess(["--mysql-url", url]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${db.name}: created, 1 migration\\(s\\) applied, 0 repair\\(s\\); schema up to date\\n$`));
    expect(first.stderr).toMatch(/applying migration 1/);
    const again = await cli([], { LIVE_INFRA_MYSQL_URL: url });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 migration(s) applied, 0 repair(s)");
  });

  test("--dry-run prints SQL on stdout and creates nothing", async () => {
    const db = await reserve("cli_dry");
    const r = await cli(["--mysql-url", await db.url(), "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`CREATE DATABASE IF NOT EXISTS \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;`);
    expect(r.stdout).toContain("CREATE TABLE IF NOT EXISTS `tb_vod`");
    await withRootConnection(async (c) => {
      const [rows] = await c.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [db.name]);
      expect(rows).toEqual([]);
    });
  });

  test("usage and input errors exit 2 without showing a password", async () => {
    const s = await testServer();
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[], {}, /give --mysql-url URL or --stack NAME/],
      [["--mysql-url", `http://u:${SECRET}@h/db`], {}, /must start with mysql:\/\//],
      [["--mysql-url", `mysql://u:${SECRET}@h:1/bad-name`], {}, /database name "bad-name"/],
      [["--mysql-url", `mysql://u:${SECRET}@h:1/`], {}, /no database to migrate/],
      [["--mysql-url", `mysql://u:${SECRET}@h:1/db`, "--stack", "live-demo-dev"], {}, /not both/],
      [["--mysql-url", `mysql://u:${SECRET}@h:1/db`, "--create-user"], {}, /--create-user needs an admin account/],
      [["--mysql-url", `mysql://u@${s.host}:${s.port}/db`, "--admin-url", `mysql://root@${s.host}:${s.port}/`, "--create-user"], { LIVE_INFRA_MYSQL_PASSWORD: "" }, /empty password/],
      [["--stack", "live-demo-nope", "--outputs", path.join(tmp, "missing.json")], {}, /cannot read the outputs file/],
      [["--mysql-url", "mysql://u@h:1/db", "--lock-timeout", "soon"], {}, /--lock-timeout must be a whole number/],
      [["--no-such-flag"], {}, /unknown option/],
    ];
    const runs = await Promise.all(cases.map(([args, env], i) => (i === 1 ? cliProcess : cli)(args, { LIVE_INFRA_MYSQL_PASSWORD: SECRET, ...env })));
    cases.forEach(([args, , message], i) => {
      expect({ args, code: runs[i].code }).toEqual({ args, code: 2 });
      expect(runs[i].stderr).toMatch(message);
      expectNoSecret(runs[i]);
    });
  });

  test("failures exit 1 and never show the password (URL, environment or server echo)", async () => {
    const s = await testServer();
    const db = await reserve("cli_fail");
    const wrongInUrl = await cli(["--mysql-url", `mysql://root:${SECRET}@${s.host}:${s.port}/${db.name}`]);
    expect(wrongInUrl.code).toBe(1);
    expect(wrongInUrl.stderr).toMatch(/cannot connect to MySQL as root@.*Access denied/);
    expectNoSecret(wrongInUrl);
    const wrongInEnv = await cli(["--mysql-url", `mysql://nobody@${s.host}:${s.port}/${db.name}`], { LIVE_INFRA_MYSQL_PASSWORD: SECRET });
    expect(wrongInEnv.code).toBe(1);
    expectNoSecret(wrongInEnv);
    // Nothing listens on port 1.
    const closed = await cli(["--mysql-url", `mysql://root:${SECRET}@127.0.0.1:1/${db.name}`]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/ECONNREFUSED/);
    expectNoSecret(closed);
  });

  test("--dry-run on a database the real run cannot repair: SQL on stdout, the blocking difference on stderr, exit 1, nothing changed", async () => {
    const db = await reserve("cli_dry_block");
    await withRootConnection(async (c) => {
      await c.query(`CREATE DATABASE \`${db.name}\``);
      await c.query(`CREATE TABLE \`${db.name}\`.tb_vod (userid varchar(50) NOT NULL, file_id varchar(150) NOT NULL, PRIMARY KEY (userid))`);
    });
    const r = await cli(["--mysql-url", await db.url(), "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("ALTER TABLE `tb_vod` ADD COLUMN");
    expect(r.stderr).toMatch(/the real run would fail/);
    expect(r.stderr).toContain("tb_vod: primary key (userid) (expected (userid, file_id))");
    await withRootConnection(async (c) => {
      const [tables] = await c.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [db.name]);
      expect(tables).toEqual([{ t: "tb_vod" }]);
    });
  });

  test("a URL whose password holds raw / @ ? # is refused (exit 2) without quoting any part of it", async () => {
    const pieces = ["Pa55/Word", "Pa55", "Word@More", "More", "Zq9x"];
    const urls = [
      "mysql://root:Pa55/Word@More@127.0.0.1:3306/live_demo",
      "mysql://root:1234?Pa55Word@More@127.0.0.1:3306/live_demo",
      "mysql://root:Pa55#Word@More@127.0.0.1:3306/live_demo",
      "mysql://root:12/Zq9x@127.0.0.1:3306/live_demo",
    ];
    const runs = await Promise.all([
      ...urls.map((u) => cli(["--mysql-url", u])),
      cli(["--mysql-url", "mysql://root@127.0.0.1:1/db", "--admin-url", urls[0]]),
      cli([], { LIVE_INFRA_MYSQL_URL: urls[0] }),
    ]);
    runs.forEach((r, i) => {
      expect({ i, code: r.code }).toEqual({ i, code: 2 });
      expect(r.stderr).toMatch(i === 4 ? /--admin-url/ : i === 5 ? /LIVE_INFRA_MYSQL_URL/ : /--mysql-url/);
      expect(r.stderr).toMatch(/percent-encode/);
      for (const p of pieces) expect(r.stderr + r.stdout).not.toContain(p);
    });
  });

  test("a difference only a manual fix corrects: exit 1 naming the SQL, never 'schema up to date'; after the fix, exit 0", async () => {
    const db = await reserve("cli_manual");
    const url = await db.url();
    expect((await cli(["--mysql-url", url])).code).toBe(0);
    await withRootConnection((c) => c.query(`ALTER TABLE \`${db.name}\`.tb_vod MODIFY COLUMN start_time datetime NULL`));
    const sql = `ALTER TABLE \`${db.name}\`.\`tb_vod\` MODIFY COLUMN \`start_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP`;

    const dry = await cli(["--mysql-url", url, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/the real run would fail/);
    expect(dry.stderr).toContain(`fix by hand: ${sql};`);
    expect(dry.stderr).toMatch(/would repair: tb_vod\.start_time: DEFAULT NULL/);

    const run = await cli(["--mysql-url", url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(/up to date/);
    expect(run.stderr).toMatch(/1 difference\(s\) repaired, but it still differs/);
    expect(run.stderr).toContain(`fix by hand: ${sql};`);
    expect(run.stderr).toContain("check (must return n = 0): SELECT COUNT(*) AS n FROM");
    // Re-running changes nothing and says the same.
    const again = await cli(["--mysql-url", url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`fix by hand: ${sql};`);

    await withRootConnection((c) => c.query(sql));
    const fixed = await cli(["--mysql-url", url]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/0 repair\(s\); schema up to date\n$/);
  });

  test("repairs are reported as repaired", async () => {
    const db = await reserve("cli_repaired");
    const url = await db.url();
    expect((await cli(["--mysql-url", url])).code).toBe(0);
    await withRootConnection((c) => c.query(`ALTER TABLE \`${db.name}\`.tb_vod MODIFY COLUMN start_time timestamp NOT NULL DEFAULT '2000-01-01 00:00:00'`));
    const r = await cli(["--mysql-url", url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 repair\(s\) \(1 difference\(s\) repaired\); schema up to date\n$/);
    expect(r.stderr).toMatch(/repaired: tb_vod\.start_time: DEFAULT '2000-01-01 00:00:00'/);
  });

  test("a tampered checksum exits 1", async () => {
    const db = await reserve("cli_tamper");
    const url = await db.url();
    expect((await cli(["--mysql-url", url])).code).toBe(0);
    await withRootConnection((c) => c.query(`UPDATE \`${db.name}\`.live_infra_schema_history SET checksum = REPEAT('0', 64)`));
    const r = await cli(["--mysql-url", url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was edited/);
  });

  test("--stack with an outputs file: DDL as root with db_root_password, --create-user creates db_user", async () => {
    const s = await testServer();
    const db = await reserve("cli_stack");
    const rootPw = "Root-Pw-For-Stack";
    const user = `st_${db.name.slice(-8)}`;
    // The throwaway server's root has no password: give the stack's root account one for this test via a user.
    await withRootConnection(async (c) => {
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [`adm_${db.name.slice(-8)}`, rootPw]);
      await c.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [`adm_${db.name.slice(-8)}`]);
    });
    const outputs = sampleOutputs({
      db_host: s.host, db_port: s.port, db_name: db.name, db_user: user, db_password: SECRET, db_root_password: rootPw,
    });
    const file = path.join(tmp, "outputs.json");
    writeStackOutputs(file, "live-demo-test", outputs);
    // The outputs' root account is "root"; point the admin at the test admin with --admin-url + env password.
    const r = await cli(["--stack", "live-demo-test", "--outputs", file, "--admin-url", `mysql://adm_${db.name.slice(-8)}@${s.host}:${s.port}/`, "--create-user"], {
      LIVE_INFRA_ADMIN_PASSWORD: rootPw,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`account ${user}@% created`);
    expectNoSecret(r, rootPw);
    // The backend account now works with db_password.
    const asUser = await cli(["--mysql-url", `mysql://${user}@${s.host}:${s.port}/${db.name}`], { LIVE_INFRA_MYSQL_PASSWORD: SECRET });
    expect(asUser.code).toBe(0);
    expectNoSecret(asUser);
    // Without --admin-url, --stack uses root + db_root_password: wrong here (root has no password), so exit 1, masked.
    const asRoot = await cli(["--stack", "live-demo-test", "--outputs", file]);
    expect(asRoot.code).toBe(1);
    expect(asRoot.stderr).toMatch(/as root@/);
    expectNoSecret(asRoot, rootPw);
    await withRootConnection(async (c) => {
      await c.query("DROP USER ?@'%'", [`adm_${db.name.slice(-8)}`]);
    });
  });
});
