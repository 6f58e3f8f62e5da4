/**
 * The handoff commands end to end through the built CLI against an in-process sandbox and MariaDB:
 * `backend-config --out` → `--check` exit 0 → `validate` passes; `support-bundle` holds the logs and none of the
 * planted secret canaries (logs, config, outputs, environment) in any of its files.
 *
 * Most runs go through the CLI's `main` in this process (`cli`). Real processes (`cliProcess`): the full
 * support-bundle (nothing at all on stderr, no canary on stdout) and one input error (the exit-2 smoke).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tar from "tar";
import { StackOutputs, writeStackOutputs } from "../../common/outputs";
import { migrate } from "../../database/migrate";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { synthesize } from "../../stacks/synth";
import { requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { createTestDatabase, testServer, TestDatabase, uniqueName, withRootConnection } from "../helpers/mysql";

const OWNER = { secretId: "AKIDhandoffOwnerCanary00000000000001", secretKey: "Canary-Env-OwnerSecretKey-5e1f0c" };
const ENV_ADMIN_PW = "Canary-Env-AdminPw-a81c3d";
const LOG_PATTERN_PW = "Canary-Log-PatternPw-77b2e0";
const CONF_IM_KEY = "Canary-Conf-ImSecret-0c4d9a";
const CONF_REDIS_PW = "Canary-Conf-RedisPw-3f6e21";

let tmp: string;
let sb: Sandbox;
let db: TestDatabase;
let stack: string;
let outputs: StackOutputs;
let outputsFile: string;
let backendDir: string;

/** The environment of a run: the owner's keys and no proxy or endpoint variables from the developer's shell. */
function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_MYSQL_URL"]) delete base[v];
  return { ...base, ...env };
}

/** The CLI in this process; TERM=dumb keeps validate's progress plain when jest's stderr is a terminal, as in a pipe. */
function cli(args: string[], env: Record<string, string | undefined> = {}) {
  return runCliInProcess(args, cliEnv({ TERM: "dumb", ...env }));
}

/** The CLI as a real process. */
function cliProcess(args: string[], env: Record<string, string | undefined> = {}) {
  return runCli(args, cliEnv(env));
}

beforeAll(async () => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "handoff-e2e-"));
  const synth = synthesize({ envNames: ["dev"], outdir: tmp });
  stack = synth.stacks[0].stackName;
  const server = await testServer();
  db = await createTestDatabase("hoff", { create: false });
  const seed = await seedFromStack({
    stackDir: path.dirname(synth.stacks[0].file),
    mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${db.name}`,
    owner: OWNER,
  });
  // A database and backend account of this file's own, in the outputs and in the sandbox's instance alike.
  const user = uniqueName("ho").slice(0, 32);
  outputs = { ...seed.outputs, db_host: server.host, db_port: server.port, db_name: db.name, db_user: user };
  for (const inst of seed.state.cdb.instances) {
    for (const d of inst.databases) if (d.name === seed.outputs.db_name) d.name = db.name;
    for (const a of inst.accounts) if (a.user === seed.outputs.db_user) a.user = user;
  }
  outputsFile = seed.outputsFile;
  writeStackOutputs(outputsFile, stack, outputs);
  sb = await startSandbox({ state: seed.state });
  await migrate({
    account: { host: server.host, port: server.port, user: server.user, password: server.password },
    database: db.name,
    createUser: { user, password: outputs.db_password!, host: "%" },
  });
  backendDir = path.join(tmp, "live_demo_service");
}, 120_000);

afterAll(async () => {
  await sb?.close();
  await db?.drop().catch(() => undefined);
  if (outputs) await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [outputs.db_user])).catch(() => undefined);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const endpoints = () => ["--api-endpoint", sb.api, "--cos-endpoint", sb.cos];

it("render → --check exit 0 → validate passes", async () => {
  const r = await cli(["backend-config", "--stack", stack, "--outputs", outputsFile, "--out", backendDir]);
  expect(r.code).toBe(0);
  for (const s of [outputs.db_password!, outputs.callback_key!, outputs.signer_secret_key!]) expect(r.stdout + r.stderr).not.toContain(s);
  const c = await cli(["backend-config", "--stack", stack, "--outputs", outputsFile, "--check", backendDir]);
  expect(c.code).toBe(0);
  fs.mkdirSync(path.join(backendDir, "log"), { recursive: true });
  const v = await cli(["validate", "--stack", stack, "--outputs", outputsFile, "--backend-dir", backendDir, ...endpoints(), "--format", "json", "--lang", "en"]);
  const report = JSON.parse(v.stdout);
  const bad = report.checks.filter((x: { status: string }) => x.status === "fail" || x.status === "error").map((x: { id: string }) => x.id);
  expect(bad).toEqual([]);
  expect(v.code).toBe(0);
}, 120_000);

it("support-bundle: logs present, no canary in any file, manifest, versions, archive 0600", async () => {
  // Canaries: the outputs' and the backend config's secrets, the environment's, and secret-looking values.
  const logDir = path.join(backendDir, "log");
  fs.mkdirSync(path.join(logDir, "old"), { recursive: true });
  fs.writeFileSync(
    path.join(logDir, "live_demo.log"),
    [
      "2026-12-05 10:00:00 INFO handoff-log-marker request ok",
      `2026-12-05 10:00:01 ERROR db connect password=${LOG_PATTERN_PW} user=${outputs.db_user}`,
      `2026-12-05 10:00:02 DEBUG callback sign check key ${outputs.callback_key} t=1733392800`,
      `2026-12-05 10:00:03 DEBUG cos signer ${outputs.signer_secret_id} ${outputs.signer_secret_key}`,
      `2026-12-05 10:00:04 DEBUG dsn mysql://${outputs.db_user}:${encodeURIComponent(outputs.db_password!)}@${outputs.db_host}/x`,
      `2026-12-05 10:00:05 DEBUG env ${OWNER.secretKey} admin ${ENV_ADMIN_PW}`,
      `2026-12-05 10:00:06 DEBUG json {"SecretKey":"${LOG_PATTERN_PW}x","root":"${outputs.db_root_password ?? ""}"}`,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(logDir, "old", "rotated.log"), `old-log-marker ${outputs.db_password}\n`);
  const od = path.join(backendDir, "conf", "OutDefine.php");
  fs.writeFileSync(od, fs.readFileSync(od, "utf8").replace(/define\('IM_SECRETKEY', ''\);/, `define('IM_SECRETKEY', '${CONF_IM_KEY}');`));
  const ini = path.join(backendDir, "conf", "cdn.route.ini");
  fs.writeFileSync(ini, fs.readFileSync(ini, "utf8").replace(/\[REDIS\]\nHOST=127\.0\.0\.1\nPASSWD=/, `[REDIS]\nHOST=127.0.0.1\nPASSWD=${CONF_REDIS_PW}`));
  expect(fs.readFileSync(od, "utf8")).toContain(CONF_IM_KEY);
  expect(fs.readFileSync(ini, "utf8")).toContain(CONF_REDIS_PW);

  const archive = path.join(tmp, "ticket.tar.gz");
  const r = await cliProcess(
    ["support-bundle", "--out", archive, "--backend-dir", backendDir, "--stack", stack, "--outputs", outputsFile, ...endpoints()],
    { LIVE_INFRA_ADMIN_PASSWORD: ENV_ADMIN_PW },
  );
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(fs.statSync(archive).mode & 0o777).toBe(0o600);

  const canaries = [
    OWNER.secretKey,
    OWNER.secretId,
    ENV_ADMIN_PW,
    LOG_PATTERN_PW,
    CONF_IM_KEY,
    CONF_REDIS_PW,
    outputs.db_password!,
    outputs.callback_key!,
    outputs.signer_secret_key!,
    outputs.signer_secret_id!,
    ...(outputs.db_root_password ? [outputs.db_root_password] : []),
  ];
  for (const c of canaries) expect(r.stdout).not.toContain(c);

  const out = path.join(tmp, "extracted");
  fs.mkdirSync(out);
  await tar.x({ file: archive, cwd: out });
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name)));
  };
  walk(out);
  const rel = files.map((f) => path.relative(path.join(out, "bundle"), f)).sort();
  expect(rel).toEqual(
    expect.arrayContaining(["manifest.json", "versions.json", "validate.json", "drift.json", path.join("config", "OutDefine.php"), path.join("config", "cdn.route.ini"), path.join("logs", "live_demo.log"), path.join("logs", "old", "rotated.log")]),
  );
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    for (const c of canaries) {
      if (bytes.includes(Buffer.from(c))) throw new Error(`${path.relative(out, f)} contains the canary ${c.slice(0, 6)}…`);
      expect(bytes.includes(Buffer.from(encodeURIComponent(c)))).toBe(false);
    }
  }
  const log = fs.readFileSync(path.join(out, "bundle", "logs", "live_demo.log"), "utf8");
  expect(log).toContain("handoff-log-marker request ok");
  expect(log).toContain("password=***");
  expect(fs.readFileSync(path.join(out, "bundle", "logs", "old", "rotated.log"), "utf8")).toContain("old-log-marker ***");
  const conf = fs.readFileSync(path.join(out, "bundle", "config", "OutDefine.php"), "utf8");
  expect(conf).toContain("define('COSKEY_BUCKET_REGION'");
  expect(conf).toContain("define('IM_SECRETKEY', '***')");

  const manifest = JSON.parse(fs.readFileSync(path.join(out, "bundle", "manifest.json"), "utf8"));
  expect(manifest.version).toBe(1);
  const listed = manifest.files.map((f: { path: string }) => f.path);
  expect(listed).toEqual(expect.arrayContaining(["versions.json", "validate.json", "drift.json", path.join("logs", "live_demo.log")]));
  const logEntry = manifest.files.find((f: { path: string }) => f.path === path.join("logs", "live_demo.log"));
  expect(logEntry.bytes).toBe(Buffer.byteLength(log));
  expect(logEntry.redactions).toBeGreaterThan(0);
  expect(JSON.parse(fs.readFileSync(path.join(out, "bundle", "validate.json"), "utf8")).version).toBe(1);
  const page = fs.readFileSync(path.join(out, "bundle", "report.html"), "utf8");
  expect(page).toMatch(/<svg[^>]*role="img"/);
  expect(page).not.toMatch(/<script|<link|(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  expect(JSON.parse(fs.readFileSync(path.join(out, "bundle", "drift.json"), "utf8"))).toBeTruthy();
  const versions = JSON.parse(fs.readFileSync(path.join(out, "bundle", "versions.json"), "utf8"));
  expect(versions.node).toBe(process.version);
  expect(versions.package).toMatch(/@\d+\.\d+/);
  expect(versions.mysql).toMatch(/\d+\.\d+/);
}, 180_000);

it("support-bundle: the size cap keeps the newest log's tail and names what was cut", async () => {
  const logDir = path.join(backendDir, "log");
  const big = Array.from({ length: 4000 }, (_, i) => `line ${i} filler ${"x".repeat(40)}`).join("\n") + "\nbig-log-last-line\n";
  fs.writeFileSync(path.join(logDir, "big.log"), big);
  const archive = path.join(tmp, "small.tar.gz");
  const r = await cli(["support-bundle", "--out", archive, "--backend-dir", backendDir, "--max-size", String(160 * 1024)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/cut: logs\/big\.log — only the last \d+ of \d+ bytes/);
  const out = path.join(tmp, "small");
  fs.mkdirSync(out);
  await tar.x({ file: archive, cwd: out });
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "bundle", "manifest.json"), "utf8"));
  const total = manifest.files.reduce((n: number, f: { bytes: number }) => n + f.bytes, 0);
  expect(total).toBeLessThanOrEqual(160 * 1024);
  expect(manifest.cut.length).toBeGreaterThan(0);
  expect(fs.readFileSync(path.join(out, "bundle", "logs", "big.log"), "utf8")).toContain("big-log-last-line");
  // Without outputs there is no validate or drift report, and the manifest says why.
  expect(manifest.notes.join("\n")).toMatch(/validate: not run/);
});

it("support-bundle without cloud credentials: database checks only, no drift, both noted", async () => {
  const archive = path.join(tmp, "nocreds.tar.gz");
  const r = await cli(["support-bundle", "--out", archive, "--backend-dir", backendDir, "--stack", stack, "--outputs", outputsFile], {
    TENCENTCLOUD_SECRET_ID: "",
    TENCENTCLOUD_SECRET_KEY: "",
  });
  expect(r.code).toBe(0);
  const out = path.join(tmp, "nocreds");
  fs.mkdirSync(out);
  await tar.x({ file: archive, cwd: out });
  expect(fs.existsSync(path.join(out, "bundle", "drift.json"))).toBe(false);
  const report = JSON.parse(fs.readFileSync(path.join(out, "bundle", "validate.json"), "utf8"));
  const ids: string[] = report.checks.map((c: { id: string }) => c.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.every((id) => id.startsWith("db."))).toBe(true);
  const notes = JSON.parse(fs.readFileSync(path.join(out, "bundle", "manifest.json"), "utf8")).notes.join("\n");
  expect(notes).toMatch(/drift: not run \(TENCENTCLOUD_SECRET_ID/);
  expect(notes).toMatch(/validate: TENCENTCLOUD_SECRET_ID \/ TENCENTCLOUD_SECRET_KEY not set; only db\./);
}, 120_000);

it("support-bundle input errors exit 2 naming the flag", async () => {
  const h = await cli(["support-bundle", "--help"]);
  expect(h.code).toBe(0);
  for (const s of ["--out", "--backend-dir", "--stack", "--outputs", "--max-size", "manifest.json", "Exit codes"]) expect(h.stdout).toContain(s);
  let r = await cliProcess(["support-bundle", "--out", path.join(tmp, "x.zip"), "--backend-dir", backendDir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--out");
  r = await cli(["support-bundle", "--out", path.join(tmp, "y.tar.gz"), "--backend-dir", path.join(tmp, "nope")]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--backend-dir");
  r = await cli(["support-bundle", "--out", path.join(tmp, "z.tar.gz")]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--backend-dir");
  r = await cli(["support-bundle", "--out", path.join(tmp, "w.tar.gz"), "--backend-dir", backendDir, "--max-size", "10"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--max-size");
});
