/**
 * `live-infra validate --fix [--yes]` through the built CLI (dist/) against an in-process sandbox and the test
 * MariaDB. The environment is broken the way the demo's scenarios break it (demo/breakage.ts); each fixable one is
 * repaired and validates clean afterwards, a Terraform-owned problem is left alone with the deploy command printed,
 * and without --yes nothing changes.
 *
 * Most runs go through the CLI's `main` in this process (`validate`). Real processes (`validateProcess`): --fix
 * without --yes (stdin and stderr not a terminal, so no question is asked) and --yes without --fix (the exit-2 smoke).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BackendConfig, backendConfigFromOutputs, OUT_DEFINE_FILE, ROUTE_INI_FILE, toBackendConfigJson, writeBackendDir } from "../../common/backend-config";
import { StackOutputs, writeStackOutputs } from "../../common/outputs";
import { migrate } from "../../database/migrate";
import { BreakContext, breakerFor } from "../../demo/breakage";
import { findScenario } from "../../demo/scenarios";
import { CATALOGUE } from "../../validators/catalogue";
import { FIX_RULES, editOutDefine, editRouteIni, ConfigChange } from "../../handoff/fix";
import { closedLoopbackPort, seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { synthesize } from "../../stacks/synth";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { createTestDatabase, rootConnection, testServer, TestDatabase, TestServer, uniqueName, withRootConnection } from "../helpers/mysql";

const OWNER = { secretId: "AKIDvalidateFix00000000000000000001", secretKey: "validateFixOwnerKey0000000000001" };

beforeAll(() => requireBuiltCli());

describe("fix rules", () => {
  test("every check of the catalogue has a fix rule whose config keys are backend keys", () => {
    for (const c of CATALOGUE) expect(FIX_RULES[c.id]).toBeDefined();
    expect(Object.keys(FIX_RULES).sort()).toEqual(CATALOGUE.map((c) => c.id).sort());
  });

  test("in-place edits change only the named values and keep comments, other defines and sections", () => {
    const php = [
      "<?php",
      "// my comment",
      "define('API_KEY', 'old');   // keep me",
      "define(\"COSKEY_BUCKET\", \"b\");",
      "define('COSKEY_BUCKET_REGION', 'ap-shanghai');",
      "define('COSKEY_SECRECTKEY', 'k');",
      "define('COSKEY_APPID', 1250000001);",
      "define('COSKEY_SECRECTID', 'AKIDx');",
      "define('OTHER', 'x');",
      "",
    ].join("\n");
    const changes: ConfigChange[] = [
      { key: "COSKEY_BUCKET_REGION", value: "ap-guangzhou", shownFrom: "", shownTo: "" },
      { key: "COSKEY_APPID", value: "1250000000", shownFrom: "", shownTo: "" },
      { key: "API_KEY", value: "it's new", shownFrom: "", shownTo: "" },
      { key: "DB.PORT", value: "3307", shownFrom: "", shownTo: "" },
    ];
    const out = editOutDefine(php, "OutDefine.php", changes);
    expect(out.split("\n")).toEqual([
      "<?php",
      "// my comment",
      "define('API_KEY', 'it\\'s new');   // keep me",
      "define(\"COSKEY_BUCKET\", \"b\");",
      "define('COSKEY_BUCKET_REGION', 'ap-guangzhou');",
      "define('COSKEY_SECRECTKEY', 'k');",
      "define('COSKEY_APPID', 1250000000);",
      "define('COSKEY_SECRECTID', 'AKIDx');",
      "define('OTHER', 'x');",
      "",
    ]);
    const ini = "; mine\r\n[DB]\r\nHOST=127.0.0.1\r\nPORT = 1\r\nDBNAME=live_demo\r\nUSER=u\r\nPASSWD=p\r\n[REDIS]\r\nPORT=6379\r\n";
    expect(editRouteIni(ini, "cdn.route.ini", changes)).toBe(ini.replace("PORT = 1\r", "PORT = 3307\r"));
  });
});

describe("against the sandbox and MariaDB", () => {
  let tmp: string;
  let sb: Sandbox;
  let db: TestDatabase;
  let server: TestServer;
  let stack: string;
  let outputs: StackOutputs;
  let outputsFile: string;
  let healthy: BackendConfig;
  let backendHost: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-fix-"));
    const synth = synthesize({ envNames: ["dev"], outdir: tmp });
    stack = synth.stacks[0].stackName;
    server = await testServer();
    db = await createTestDatabase("vfix", { create: false });
    const seed = await seedFromStack({
      stackDir: path.dirname(synth.stacks[0].file),
      mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${db.name}`,
      owner: OWNER,
      env: {},
    });
    // The stack's database and backend account, made unique on the shared server.
    outputs = { ...seed.outputs, db_name: db.name, db_user: uniqueName("vfix").slice(0, 32), db_password: "Vf-" + Math.random().toString(36).slice(2) + "x9" };
    delete (outputs as Partial<StackOutputs>).db_root_password;
    outputsFile = seed.outputsFile;
    writeStackOutputs(outputsFile, stack, outputs);
    backendHost = new URL(outputs.callback_url).hostname;
    sb = await startSandbox({ state: seed.state });
    await migrate({ account: admin(), database: db.name, createUser: { user: outputs.db_user, password: outputs.db_password! } });
    healthy = backendConfigFromOutputs(outputs);
  }, 120_000);

  afterAll(async () => {
    await sb?.close();
    await db?.drop().catch(() => undefined);
    if (outputs) await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [outputs.db_user])).catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const admin = () => ({ host: server.host, port: server.port, user: server.user, password: server.password });

  let n = 0;
  /** Breaks a fresh copy of the healthy world as the demo scenario does; returns the backend directory. */
  async function breakAs(...names: string[]): Promise<string> {
    const dir = path.join(tmp, `backend-${++n}`);
    const backend = structuredClone(healthy);
    // One admin session for all statements (a scenario may set a session sql_mode first).
    const conn = await rootConnection(db.name);
    const ctx: BreakContext = {
      outputs,
      backendDir: dir,
      backend,
      mutateSandbox: async (change) => sb.store.mutate(change),
      plantCallbackRule: async (rule) => sb.store.mutate((s) => void s.live.callbackRules.push({ ...rule, createTime: "2026-01-01 00:00:00", updateTime: "2026-01-01 00:00:00" })),
      adminSql: (sql) => conn.query(sql),
      setBackendTimeZone: async () => {
        throw new Error("not used here");
      },
      closedPort: closedLoopbackPort,
    };
    try {
      for (const name of names) await breakerFor(name)(ctx);
    } finally {
      await conn.end();
    }
    writeBackendDir(dir, backend);
    return dir;
  }

  const env = () => {
    const e: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
    for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_RESOLVE", "LIVE_INFRA_ADMIN_URL", "LIVE_INFRA_ADMIN_PASSWORD"]) delete e[v];
    return e;
  };
  const validateArgs = (args: string[]) => ["validate", "--stack", stack, "--outputs", outputsFile, "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--lang", "en", "--resolve", `${backendHost}:81.70.1.10`, ...args];
  // In this process stderr may be a terminal (jest run from one); TERM=dumb keeps the progress plain, as in a pipe.
  const validate = (args: string[]) => runCliInProcess(validateArgs(args), { ...env(), TERM: "dumb" });
  const validateProcess = (args: string[]) => runCli(validateArgs(args), env());

  function statuses(r: CliRun): Record<string, string> {
    let report: { checks: Array<{ id: string; status: string }> };
    try {
      report = JSON.parse(r.stdout);
    } catch {
      throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 1000)}\n${r.stderr.slice(-2000)}`);
    }
    return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  }
  const notPassing = (s: Record<string, string>) => Object.entries(s).filter(([, v]) => v !== "pass");

  function expectNoSecrets(r: CliRun) {
    for (const s of [outputs.callback_key, outputs.signer_secret_key, outputs.db_password, OWNER.secretKey, server.password]) {
      if (s && s.length >= 4) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
    }
  }

  afterEach(async () => {
    // Whatever a failed test left broken in the database is repaired for the next one.
    await migrate({ account: admin(), database: db.name, createUser: { user: outputs.db_user, password: outputs.db_password! } });
  });

  test.each([
    "wrong-bucket",
    "wrong-region",
    "wrong-appid",
    "wrong-secret-id",
    "wrong-secret-key",
    "callback-key-mismatch",
    "db-unreachable",
    "tb-vod-missing",
    "tb-vod-zero-date",
    "db-privileges",
  ])("%s is repaired by --fix --yes and validates clean afterwards", async (name) => {
    const scenario = findScenario(name)!;
    const dir = await breakAs(name);
    const fixed = await validate(["--backend-dir", dir, "--format", "json", "--fix", "--yes", "--admin-url", server.url]);
    expect(notPassing(statuses(fixed))).toEqual([]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/Fix plan/);
    expect(fixed.stderr).toMatch(/Before → after:/);
    // The first validation failed exactly where the scenario says; the second passed there.
    expect(fixed.stderr).toContain(`(${stack}, ${scenario.expect.fail.length} failing)`);
    for (const id of scenario.expect.fail) expect(fixed.stderr).toMatch(new RegExp(`${id.replace(".", "\\.")} +fail +→ pass \\*`));
    expect(fixed.stderr).not.toMatch(/cdktf deploy/);
    expectNoSecrets(fixed);
  });

  test("text: two problems at once (config and privileges) — plan, applied steps, before → after; the file keeps its other lines", async () => {
    const dir = await breakAs("wrong-region", "db-privileges");
    const od = path.join(dir, OUT_DEFINE_FILE);
    fs.appendFileSync(od, "// operator's note\ndefine('CUSTOM_FLAG', 'on');\n");
    const r = await validate(["--backend-dir", dir, "--fix", "--yes", "--admin-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fix plan \(live-demo-dev, 2 failing\)/);
    expect(r.stdout).toMatch(/\[backend config, will apply\] cos\.bucket/);
    expect(r.stdout).toMatch(/COSKEY_BUCKET_REGION: "ap-shanghai" → "ap-guangzhou"|COSKEY_BUCKET_REGION: "ap-guangzhou" → "ap-shanghai"/);
    expect(r.stdout).toMatch(/\[privileges, will apply\] db\.privileges/);
    expect(r.stdout).toMatch(/live-infra migrate --stack live-demo-dev --create-user/);
    expect(r.stdout).toMatch(/cos\.bucket +fail +→ pass \*/);
    expect(r.stdout).toMatch(/db\.privileges +fail +→ pass \*/);
    expectNoSecrets(r);
    const text = fs.readFileSync(od, "utf8");
    expect(text).toContain("// operator's note\ndefine('CUSTOM_FLAG', 'on');\n");
    expect(fs.statSync(od).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${od}.bak`).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(`${od}.bak`, "utf8")).not.toBe(text);
    // A separate run afterwards: clean.
    const again = await validate(["--backend-dir", dir, "--format", "json"]);
    expect(notPassing(statuses(again))).toEqual([]);
    expect(again.code).toBe(0);
  });

  test("a --backend-config JSON file is fixed in place", async () => {
    const file = path.join(tmp, "backend.json");
    fs.writeFileSync(file, JSON.stringify(toBackendConfigJson({ ...structuredClone(healthy), apiKey: "staleCallbackKey0000000000000000" }), null, 2), { mode: 0o600 });
    const r = await validate(["--backend-config", file, "--format", "json", "--fix", "--yes"]);
    expect(notPassing(statuses(r))).toEqual([]);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).API_KEY).toBe(outputs.callback_key);
    expectNoSecrets(r);
  });

  test("a Terraform-owned problem (callback template unbound) is not touched: the plan prints the cdktf deploy command", async () => {
    const saved = sb.store.snapshot();
    try {
      const dir = await breakAs("callback-rule-missing");
      const before = JSON.stringify(sb.store.snapshot());
      const r = await validate(["--backend-dir", dir, "--fix", "--yes", "--admin-url", server.url]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\[Terraform, not applied\] live\.callback-rule/);
      expect(r.stdout).toContain(`cdktf deploy ${stack} --outputs-file ${outputsFile} --outputs-file-include-sensitive-outputs`);
      expect(r.stdout).not.toMatch(/Applied:/);
      expect(JSON.stringify(sb.store.snapshot())).toBe(before);
      expect(fs.existsSync(path.join(dir, `${OUT_DEFINE_FILE}.bak`))).toBe(false);
    } finally {
      sb.store.replace(saved);
    }
  });

  test("without --yes (not a terminal) only the plan is printed: file bytes and schema unchanged, exit 1", async () => {
    const dir = await breakAs("wrong-secret-key", "tb-vod-missing");
    const files = [path.join(dir, OUT_DEFINE_FILE), path.join(dir, ROUTE_INI_FILE)];
    const bytes = files.map((f) => fs.readFileSync(f));
    const tables = async () =>
      withRootConnection(async (c) => {
        const [rows] = await c.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [db.name]);
        return (rows as Array<{ t: string }>).map((x) => x.t);
      });
    const tablesBefore = await tables();
    expect(tablesBefore).not.toContain("tb_vod");
    const r = await validateProcess(["--backend-dir", dir, "--fix", "--admin-url", server.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[backend config, will apply\] cos\.secret-key/);
    expect(r.stdout).toMatch(/COSKEY_SECRECTKEY: \(secret\) → \(secret\)/);
    expect(r.stdout).toMatch(/\[schema, will apply\] db\.schema/);
    expect(r.stdout).toMatch(/Nothing changed\. Run again with --yes/);
    expect(r.stdout).not.toMatch(/Before → after/);
    files.forEach((f, i) => expect(fs.readFileSync(f).equals(bytes[i])).toBe(true));
    for (const f of files) expect(fs.existsSync(`${f}.bak`)).toBe(false);
    expect(await tables()).toEqual(tablesBefore);
    expectNoSecrets(r);
  });

  test("a schema fix without an admin account is blocked, not attempted", async () => {
    const dir = await breakAs("tb-vod-missing");
    const r = await validate(["--backend-dir", dir, "--fix", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[schema, blocked\] db\.schema/);
    expect(r.stdout).toMatch(/no admin account: pass --admin-url/);
  });

  test("--yes without --fix is a usage error", async () => {
    const r = await validateProcess(["--backend-dir", tmp, "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes needs --fix/);
  });
});
