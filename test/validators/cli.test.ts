/**
 * `live-infra validate` through the built CLI (dist/, built by the jest global setup): usage and input errors exit 2
 * naming file and line; a run against an in-process sandbox + real MariaDB prints exactly the report on stdout for
 * --format json/junit/markdown, the verdict on stderr, and exits 0/1.
 * Real processes (runCli): "malformed outputs file" (an exit 2) and every run against the sandbox — one per output
 * format, where a process's stdout must hold only the report and text must be plain without a terminal. The other
 * usage errors run in-process (runCliInProcess: the same main, no process start).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { XMLValidator } from "fast-xml-parser";
import { backendConfigFromOutputs, writeBackendDir } from "../../common/backend-config";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { migrate } from "../../database/migrate";
import { synthesize } from "../../stacks/synth";
import { createTestDatabase, testServer, TestDatabase, uniqueName, withRootConnection } from "../helpers/mysql";

import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { sampleOutputs } from "../helpers/fixtures";
const OWNER = { secretId: "AKIDvalidateCliOwner0000000000000001", secretKey: "validateCliOwnerSecretKey0000001" };


beforeAll(() => requireBuiltCli());

type Run = CliRun;

function validateEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT"]) delete base[v];
  return { ...base, ...env };
}

/** `live-infra validate ...args` as a real process, with the owner's keys and no proxy or endpoint variables from the developer's shell. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCli(["validate", ...args], validateEnv(env));
}

/** The same, in-process. */
function cliInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCliInProcess(["validate", ...args], validateEnv(env));
}

describe("usage and input errors (exit 2)", () => {
  let dir: string;
  let outputsFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-cli-"));
    outputsFile = path.join(dir, "outputs.json");
    fs.writeFileSync(outputsFile, "{\n  \"live-demo-x\": {\n    \"appid\": \"1250000000\",\n  }\n}\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("--help documents the flags, the checks and the exit codes", async () => {
    const r = await cliInProcess(["--help"]);
    expect(r.code).toBe(0);
    for (const s of ["--stack", "--outputs", "--backend-dir", "--backend-config", "--only", "--format", "--lang", "--timeout", "--probe-callback", "--api-endpoint", "--cos-endpoint", "cos.secret-key", "db.replay-window", "Exit codes"]) {
      expect(r.stdout).toContain(s);
    }
  });

  it("missing credentials", async () => {
    const r = await cliInProcess(["--stack", "live-demo-x"], { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set/);
    // Says what to do, not only what is wrong.
    expect(r.stderr).toContain("export TENCENTCLOUD_SECRET_ID=");
    expect(r.stdout).toBe("");
  });

  it("malformed outputs file names file and line", async () => {
    const r = await cli(["--stack", "live-demo-x", "--outputs", outputsFile, "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${outputsFile}:`);
    expect(r.stdout).toBe("");
  });

  it("malformed OutDefine.php / cdn.route.ini name file and line", async () => {
    const good = path.join(dir, "good.json");
    fs.writeFileSync(good, JSON.stringify({ "live-demo-x": sampleOutputs() }));
    const backendDir = path.join(dir, "backend");
    writeBackendDir(backendDir, backendConfigFromOutputs(sampleOutputs()));
    const od = path.join(backendDir, "conf", "OutDefine.php");
    const text = fs.readFileSync(od, "utf8");
    fs.writeFileSync(od, text.replace("define('COSKEY_BUCKET', '", "define('COSKEY_BUCKET' '"));
    let r = await cliInProcess(["--stack", "live-demo-x", "--outputs", good, "--backend-dir", backendDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${od.replace(/[.]/g, "\\.")}:6: `));
    fs.writeFileSync(od, text);
    const ini = path.join(backendDir, "conf", "cdn.route.ini");
    fs.writeFileSync(ini, "[DB]\nHOST=127.0.0.1\nPORT=not-a-port\n");
    r = await cliInProcess(["--stack", "live-demo-x", "--outputs", good, "--backend-dir", backendDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${ini}`);
    fs.writeFileSync(ini, "[DB]\nHOST 127.0.0.1\n");
    r = await cliInProcess(["--stack", "live-demo-x", "--outputs", good, "--backend-dir", backendDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${ini}:2: `);
  });

  it("unknown --only id and bad --format are usage errors", async () => {
    let r = await cliInProcess(["--stack", "live-demo-x", "--only", "cos.nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cos.nope");
    expect(r.stderr).toContain("--only: unknown check id(s) cos.nope; known: cos.bucket, cos.secret-id, ");
    // An empty list is not "everything".
    r = await cliInProcess(["--stack", "live-demo-x", "--only", " , "]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--only needs at least one check id");
    r = await cliInProcess(["--stack", "live-demo-x", "--format", "yaml"]);
    expect(r.code).toBe(2);
  });
});

describe("against the sandbox and MariaDB", () => {
  let tmp: string;
  let sb: Sandbox;
  let db: TestDatabase;
  let stack: string;
  let outputsFile: string;
  let backendDir: string;
  let user: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-cli-e2e-"));
    const synth = synthesize({ envNames: ["dev"], outdir: tmp });
    stack = synth.stacks[0].stackName;
    const server = await testServer();
    db = await createTestDatabase("vcli", { create: false });
    const seed = await seedFromStack({
      stackDir: path.dirname(synth.stacks[0].file),
      mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${db.name}`,
      owner: OWNER,
    });
    outputsFile = seed.outputsFile;
    sb = await startSandbox({ state: seed.state });
    user = uniqueName("vc").slice(0, 32);
    const password = "Vc-" + Math.random().toString(36).slice(2) + "x9";
    await migrate({
      account: { host: server.host, port: server.port, user: server.user, password: server.password },
      database: db.name,
      createUser: { user, password, host: "%" },
    });
    const cfg = backendConfigFromOutputs(seed.outputs);
    cfg.db = { host: server.host, port: server.port, name: db.name, user, password };
    backendDir = path.join(tmp, "backend");
    writeBackendDir(backendDir, cfg);
  }, 120_000);

  afterAll(async () => {
    await sb?.close();
    await db?.drop().catch(() => undefined);
    await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [user ?? "none"])).catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const common = () => ["--stack", stack, "--outputs", outputsFile, "--backend-dir", backendDir, "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--lang", "en"];

  it("--format json: stdout is exactly the report; the verdict goes to stderr; exit follows the report", async () => {
    const r = await cli([...common(), "--format", "json", "--only", "db.replay-window,db.timezone"]);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(["db.connect", "db.schema", "db.timezone", "db.replay-window"]);
    expect(r.code).toBe(report.summary.fail + report.summary.error > 0 ? 1 : 0);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Verdict: all good/);
  });

  it("a failing check exits 1; junit and markdown stdout hold only the report", async () => {
    const ini = path.join(backendDir, "conf", "cdn.route.ini");
    const saved = fs.readFileSync(ini, "utf8");
    try {
      fs.writeFileSync(ini, saved.replace(/^PORT=\d+$/m, "PORT=1"));
      const j = await cli([...common(), "--format", "junit", "--only", "db.schema"]);
      expect(j.code).toBe(1);
      expect(XMLValidator.validate(j.stdout)).toBe(true);
      expect(j.stdout.startsWith("<?xml")).toBe(true);
      expect(j.stderr).toMatch(/Verdict: problems found \(db\.connect\)/);
      const m = await cli([...common().slice(0, -2), "--format", "markdown", "--only", "db.schema"]);
      expect(m.code).toBe(1);
      expect(m.stdout.startsWith("# ")).toBe(true);
      expect(m.stdout).toContain("`db.connect`");
      expect(m.stderr).toMatch(/结论：发现问题/); // zh is the default language
    } finally {
      fs.writeFileSync(ini, saved);
    }
  });

  it("--format text in CI: plain lines, no colour, the verdict last", async () => {
    const r = await cli([...common(), "--only", "db.timezone"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stdout).toMatch(/✔ PASS +db\.timezone/);
    expect(r.stdout.trim().split("\n").pop()).toMatch(/^Verdict: all good/);
  });
});
