// The by-hand sequence of docs/sandbox.md ("The seeded world by hand"), each step a real process in a temporary
// working folder: synth → sandbox seeded from the stack with --mysql-url → migrate --stack → render the backend's
// configuration with the documented node one-liner → validate against the sandbox. Everything the seeder writes must
// work for the next step without extra flags, and no step may print a password or key.
//
// The MySQL is a private MariaDB: `migrate --stack` connects as root with db_root_password, which the seeder takes
// from the root password in --mysql-url, so this server's root gets a password (the shared test server's root must
// keep its empty one, every other suite logs in with it).
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as mysql from "mysql2/promise";
import { loadBackendDir } from "../../common/backend-config";
import { readStackOutputs } from "../../common/outputs";
import { LaunchedMariaDb, launchMariaDb } from "../../sandbox/mariadb";
import { CLI, REPO_ROOT, requireBuiltCli, runCli, CliRun } from "../helpers/cli";

const STACK = "live-demo-dev";
const ROOT_PASSWORD = "Root-pw-" + Math.random().toString(36).slice(2, 10);
const OWNER = { id: "AKIDmanualFlowOwner00000000000000000", key: "manualFlowOwnerSecretKey00000000" };

let tmp: string;
let db: LaunchedMariaDb;
let sandbox: ChildProcess | undefined;
let sandboxOut = "";
let sandboxErr = "";
const runs: CliRun[] = [];

/** The environment of every step: the owner key, and nothing of the caller's that would redirect a command. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.id, TENCENTCLOUD_SECRET_KEY: OWNER.key };
  for (const k of Object.keys(e)) if (/^LIVE_INFRA_(MYSQL|ADMIN|API|COS)_/.test(k) || /^https?_proxy$/i.test(k)) delete e[k];
  return e;
}

async function step(args: string[]): Promise<CliRun> {
  const r = await runCli(args, env(), tmp);
  runs.push(r);
  return r;
}

/** The JavaScript of the documented `node -e '…'` one-liner that renders the backend's configuration. */
function documentedRenderScript(): string {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "sandbox.md"), "utf8");
  const section = doc.slice(doc.indexOf("## The seeded world by hand"));
  const m = /^\s*node -e '([^']+)'$/m.exec(section);
  if (!m) throw new Error("docs/sandbox.md: no `node -e '…'` line in \"The seeded world by hand\"");
  return m[1];
}

beforeAll(async () => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "manual-flow-"));
  // The documented one-liner runs from the package root (require("./dist/…")); here the folder links to it.
  fs.symlinkSync(path.join(REPO_ROOT, "dist"), path.join(tmp, "dist"), "dir");
  db = await launchMariaDb();
  const c = await mysql.createConnection({ host: db.host, port: db.port, user: "root", password: "" });
  await c.query("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ?", [ROOT_PASSWORD]);
  await c.end();
}, 120_000);

afterAll(async () => {
  if (sandbox && sandbox.exitCode === null) {
    const gone = new Promise((r) => sandbox!.once("close", r));
    sandbox.kill("SIGTERM");
    await gone;
  }
  await db?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("synth → sandbox --seed-from-stack --mysql-url → migrate --stack → render backend config → validate: all pass", async () => {
  // 1. synth
  const synth = await step(["synth", "--env", "dev", "--outdir", "cdktf.out"]);
  expect(synth.code).toBe(0);
  const stackDir = path.join("cdktf.out", "stacks", STACK);
  expect(fs.existsSync(path.join(tmp, stackDir, "cdk.tf.json"))).toBe(true);

  // 2. sandbox, seeded from the stack; its DB instance stands for the MariaDB, root named with its password
  const url = `mysql://root:${encodeURIComponent(ROOT_PASSWORD)}@127.0.0.1:${db.port}/`;
  sandbox = spawn(process.execPath, [CLI, "sandbox", "--seed-from-stack", stackDir, "--mysql-url", url], { cwd: tmp, env: { ...env(), NO_COLOR: "1" } });
  sandbox.stdout!.on("data", (c) => (sandboxOut += c));
  sandbox.stderr!.on("data", (c) => (sandboxErr += c));
  const urls = await new Promise<{ api: string; cos: string; control: string }>((resolve, reject) => {
    const timer = setInterval(() => {
      if (sandboxOut.includes("\n")) {
        clearInterval(timer);
        resolve(JSON.parse(sandboxOut));
      }
    }, 50);
    sandbox!.once("close", (code) => {
      clearInterval(timer);
      reject(new Error(`the sandbox exited (${code}): ${sandboxErr}`));
    });
  });
  expect(sandboxErr).toMatch(/sandbox: seed: 127\.0\.0\.1:\d+: account live_user@% created/);
  expect(sandboxErr).toContain("granted SELECT, INSERT, UPDATE on `live_demo`.* to live_user@%");
  const outputsFile = path.join(tmp, stackDir, "outputs.json");
  const outputs = readStackOutputs(outputsFile, STACK);
  expect(outputs).toMatchObject({ db_host: "127.0.0.1", db_port: db.port, db_user: "live_user", db_root_password: ROOT_PASSWORD });
  expect(fs.statSync(outputsFile).mode & 0o777).toBe(0o600);

  // 3. migrate --stack: root with db_root_password from the outputs file, nothing else given
  const migrate = await step(["migrate", "--stack", STACK]);
  expect([migrate.code, migrate.stderr]).toEqual([0, expect.stringContaining(`live_demo on 127.0.0.1:${db.port} as root`)]);
  expect(migrate.stdout).toMatch(/^live_demo: created, \d+ migration\(s\) applied, .*schema up to date\n$/);

  // 4. the backend's configuration, rendered from the outputs by the documented one-liner
  const render = await new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", documentedRenderScript()], { cwd: tmp, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: out, stderr: err }));
  });
  runs.push(render);
  expect(render).toEqual({ code: 0, stdout: "", stderr: "" });
  const backend = loadBackendDir(path.join(tmp, "backend"));
  expect(backend.db).toEqual({ host: "127.0.0.1", port: db.port, name: "live_demo", user: "live_user", password: outputs.db_password });

  // 5. validate against the sandbox: every check passes (db.connect logs in as live_user with the seeded password)
  const validate = await step(["validate", "--stack", STACK, "--backend-dir", "backend", "--api-endpoint", urls.api, "--cos-endpoint", urls.cos, "--resolve", "backend.dev.live-demo.example.com:81.70.1.10", "--format", "json", "--lang", "en"]);
  const report = JSON.parse(validate.stdout);
  const statuses = Object.fromEntries(report.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
  expect(Object.entries(statuses).filter(([, s]) => s !== "pass")).toEqual([]);
  expect(statuses).toMatchObject({ "cos.bucket": "pass", "cos.secret-key": "pass", "live.callback-key": "pass", "db.connect": "pass", "db.schema": "pass", "db.timezone": "pass" });
  expect(validate.code).toBe(0);

  // Migrate again: the same outputs still work (idempotent, nothing to do).
  const again = await step(["migrate", "--stack", STACK]);
  expect(again.code).toBe(0);

  // The sandbox stops cleanly on SIGTERM.
  const closed = new Promise<number | null>((r) => sandbox!.once("close", r));
  sandbox.kill("SIGTERM");
  expect(await closed).toBe(0);
  expect(sandboxOut.trim().split("\n")).toHaveLength(1);

  // No step printed a password or a secret key.
  const printed = [sandboxOut, sandboxErr, ...runs.flatMap((r) => [r.stdout, r.stderr])].join("\n");
  for (const secret of [ROOT_PASSWORD, encodeURIComponent(ROOT_PASSWORD), outputs.db_password!, outputs.callback_key!, outputs.signer_secret_key!, OWNER.key]) {
    expect(printed).not.toContain(secret);
  }
}, 180_000);
