/**
 * Verdicts through the built `live-infra validate` (dist/, built by the jest global setup) against an in-process
 * sandbox and the test MariaDB: endpoint and --resolve errors before any check runs, the new checks (db.privileges,
 * live.callback-public), rules in any order, messages that name the given file and the kind of a difference, fixes
 * that fit the evidence, and a db.schema fix printed once in every format.
 * Runs are in-process (runCliInProcess: the CLI's own main, same output as a process) except five real processes
 * (runCli): the `--api-endpoint not-a-url` exit 2, the healthy --format json run (stdout holds only the report), the
 * English text report of "tb_vod missing" (plain text without a terminal) and the two runs with a space in the COS
 * SecretId or SecretKey (viaProcessIfSpaced).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BackendConfig, backendConfigFromOutputs, toBackendConfigJson, writeBackendDir } from "../../common/backend-config";
import type { StackOutputs } from "../../common/outputs";
import { migrate } from "../../database/migrate";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import type { State } from "../../sandbox/state";
import { synthesize } from "../../stacks/synth";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { createTestDatabase, testServer, TestDatabase, uniqueName, withRootConnection } from "../helpers/mysql";

const OWNER = { secretId: "AKIDvalidateVerdicts000000000000001", secretKey: "validateVerdictsOwnerKey00000001" };
const PUBLIC_ADDRESS = "81.70.1.10";

beforeAll(() => requireBuiltCli());

function validateEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_RESOLVE"]) delete base[v];
  return { ...base, ...env };
}

/** `live-infra validate ...args` in-process, with the owner's keys and no proxy, endpoint or resolve variables from the shell. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCliInProcess(["validate", ...args], validateEnv(env));
}

/** The same as a real process. */
function cliProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCli(["validate", ...args], validateEnv(env));
}

/**
 * The COS SDK warns about a SecretId or SecretKey holding a space with console.error of its own: a process has that
 * on stderr, in-process it goes to jest's console (which may write to stdout). Such keys run as a process.
 */
const viaProcessIfSpaced = (key: string) => (key.includes(" ") ? cliProcess : cli);

interface Check {
  id: string;
  status: string;
  faqKeyword: string | null;
  message: string;
  remediation: string;
  evidence: Record<string, unknown>;
}

function parse(r: CliRun): { checks: Check[]; byId: (id: string) => Check; statuses: Record<string, string> } {
  let report: { checks: Check[] };
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 1000)}\n${r.stderr.slice(-2000)}`);
  }
  const byId = (id: string) => {
    const c = report.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no ${id} in the report`);
    return c;
  };
  return { checks: report.checks, byId, statuses: Object.fromEntries(report.checks.map((c) => [c.id, c.status])) };
}

describe("flags are checked before any check runs (exit 2)", () => {
  const missingOutputs = path.join(os.tmpdir(), `no-such-outputs-${process.pid}.json`);

  test.each([
    [["--api-endpoint", "not-a-url"], {}, "--api-endpoint"],
    [["--cos-endpoint", "ftp://127.0.0.1:21"], {}, "--cos-endpoint"],
    [[], { LIVE_INFRA_API_ENDPOINT: "not-a-url" }, "LIVE_INFRA_API_ENDPOINT"],
    [[], { LIVE_INFRA_COS_ENDPOINT: "http://127.0.0.1:1/some/path" }, "LIVE_INFRA_COS_ENDPOINT"],
    [["--resolve", "backend.example.com"], {}, "--resolve"],
    [["--resolve", "backend.example.com:not-an-address"], {}, "--resolve"],
    [[], { LIVE_INFRA_RESOLVE: "backend.example.com:1.2.3.4" }, "LIVE_INFRA_RESOLVE"],
  ])("%j %j → exit 2 naming %s", async (args, env, name) => {
    const run = args[1] === "not-a-url" ? cliProcess : cli;
    const r = await run(["--stack", "live-demo-x", "--outputs", missingOutputs, ...args], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name}:`);
    expect(r.stderr).not.toContain(missingOutputs);
    expect(r.stdout).toBe("");
  });

  test.each([
    ["--api-endpoint", ["--api-endpoint", "http://deployer:Sup3r-Secret-Pw@127.0.0.1:9000"], {}],
    ["--cos-endpoint", ["--cos-endpoint", "https://AKIDleaky:Sup3r-Secret-Pw@cos.example.com"], {}],
    ["LIVE_INFRA_COS_ENDPOINT", [], { LIVE_INFRA_COS_ENDPOINT: "http://deployer:Sup3r-Secret-Pw@127.0.0.1:9000" }],
  ])("an endpoint with credentials (%s) exits 2 without quoting them", async (name, args, env) => {
    const r = await cli(["--stack", "live-demo-x", "--outputs", missingOutputs, ...args], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name}:`);
    expect(r.stderr).toMatch(/must not contain a user name or password/);
    for (const s of ["Sup3r-Secret-Pw", "deployer", "AKIDleaky"]) expect(r.stderr).not.toContain(s);
  });
});

describe("against the sandbox and MariaDB", () => {
  let tmp: string;
  let sb: Sandbox;
  let db: TestDatabase;
  let stack: string;
  let outputs: StackOutputs;
  let outputsFile: string;
  let healthy: BackendConfig;
  let user: string;
  let backendHost: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-verdicts-"));
    const synth = synthesize({ envNames: ["dev"], outdir: tmp });
    stack = synth.stacks[0].stackName;
    const server = await testServer();
    db = await createTestDatabase("vverd", { create: false });
    const seed = await seedFromStack({
      stackDir: path.dirname(synth.stacks[0].file),
      mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${db.name}`,
      owner: OWNER,
    });
    outputs = seed.outputs;
    outputsFile = seed.outputsFile;
    backendHost = new URL(outputs.callback_url).hostname;
    sb = await startSandbox({ state: seed.state });
    user = uniqueName("vv").slice(0, 32);
    const password = "Vv-" + Math.random().toString(36).slice(2) + "x9";
    await migrate({
      account: { host: server.host, port: server.port, user: server.user, password: server.password },
      database: db.name,
      createUser: { user, password, host: "%" },
    });
    healthy = backendConfigFromOutputs(outputs);
    healthy.db = { host: server.host, port: server.port, name: db.name, user, password };
  }, 120_000);

  afterAll(async () => {
    await sb?.close();
    await db?.drop().catch(() => undefined);
    await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [user ?? "none"])).catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  let n = 0;
  /** A backend directory (or, with `json`, a --backend-config file) holding `healthy` changed by `change`. */
  function backendArgs(change?: (b: BackendConfig) => void, json = false): string[] {
    const b = structuredClone(healthy);
    change?.(b);
    n++;
    if (json) {
      const file = path.join(tmp, `backend-${n}.json`);
      fs.writeFileSync(file, JSON.stringify(toBackendConfigJson(b), null, 2), { mode: 0o600 });
      return ["--backend-config", file];
    }
    const dir = path.join(tmp, `backend-${n}`);
    writeBackendDir(dir, b);
    return ["--backend-dir", dir];
  }

  const common = (backend = backendArgs()) => ["--stack", stack, "--outputs", outputsFile, ...backend, "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--lang", "en"];
  const declared = () => ["--resolve", `${backendHost}:${PUBLIC_ADDRESS}`];

  async function withState<T>(change: (s: State) => void, fn: () => Promise<T>): Promise<T> {
    const saved = sb.store.snapshot();
    sb.store.mutate(change);
    try {
      return await fn();
    } finally {
      sb.store.replace(saved);
    }
  }

  const template = (s: State) => s.live.callbackTemplates.find((t) => t.templateId === Number(outputs.callback_template_id))!;

  test("healthy, the backend host declared with --resolve: every check passes, the new ones included", async () => {
    const r = await cliProcess([...common(), ...declared(), "--format", "json"]);
    const { statuses } = parse(r);
    expect(statuses["db.privileges"]).toBe("pass");
    expect(statuses["live.callback-public"]).toBe("pass");
    expect(Object.entries(statuses).filter(([, s]) => s !== "pass")).toEqual([]);
    expect(r.code).toBe(0);
  });

  test("LIVE_INFRA_RESOLVE declares names too; undeclared, the name is looked up and never passes blindly", async () => {
    const env = await cli([...common(), "--only", "live.callback-public", "--format", "json"], { LIVE_INFRA_RESOLVE: `${backendHost}=10.20.30.40` });
    expect(parse(env).byId("live.callback-public")).toMatchObject({ status: "fail" });
    expect(parse(env).byId("live.callback-public").message).toMatch(/10\.20\.30\.40 \(private network/);
    // The sandbox's example name has no public DNS record: warn (does not resolve) or error (resolver failed).
    const undeclared = await cli([...common(), "--only", "live.callback-public", "--format", "json", "--timeout", "4000"]);
    expect(["warn", "error"]).toContain(parse(undeclared).byId("live.callback-public").status);
  });

  test.each([
    ["a private IP", "http://172.16.8.9/callback/tape_callback.php", [], /172\.16\.8\.9 is private network/],
    ["loopback", "http://127.0.0.1:8080/callback/tape_callback.php", [], /127\.0\.0\.1 is loopback/],
    ["a name declared to resolve to a link-local and a public address", "http://cb.live-demo.example.com/callback/tape_callback.php", ["--resolve", `cb.live-demo.example.com:${PUBLIC_ADDRESS},169.254.10.10`], /169\.254\.10\.10 \(link-local/],
  ])("a callback template URL at %s: live.callback-public fails (and live.callback-url, as the URL differs)", async (_n, url, extra, re) => {
    const r = await withState(
      (s) => (template(s).recordNotifyUrl = url),
      () => cli([...common(), ...declared(), ...(extra as string[]), "--format", "json", "--only", "live.callback-url,live.callback-public"]),
    );
    const { statuses, byId } = parse(r);
    expect(statuses).toEqual({ "live.callback-rule": "pass", "live.callback-url": "fail", "live.callback-public": "fail" });
    expect(byId("live.callback-public").message).toMatch(re);
    expect(byId("live.callback-public").faqKeyword).toBe("回调 URL 未设置/错误");
    expect(r.code).toBe(1);
  });

  test.each([
    ["first", true],
    ["last", false],
  ])("a rule for all apps binding another template (listed %s) fails live.callback-rule; the template checks skip", async (_n, first) => {
    const r = await withState(
      (s) => {
        const other = { ...structuredClone(template(s)), templateId: 99001, templateName: "other" };
        s.live.callbackTemplates.push(other);
        const rule = { domainName: outputs.push_domain.toUpperCase(), appName: "", templateId: 99001, createTime: "2026-01-01 00:00:00", updateTime: "2026-01-01 00:00:00" };
        if (first) s.live.callbackRules.unshift(rule);
        else s.live.callbackRules.push(rule);
      },
      () => cli([...common(), ...declared(), "--format", "json", "--only", "live.callback-url,live.callback-key,live.callback-public"]),
    );
    const { statuses, byId } = parse(r);
    expect(statuses).toEqual({ "live.callback-rule": "fail", "live.callback-url": "skip", "live.callback-key": "skip", "live.callback-public": "skip" });
    expect(byId("live.callback-rule").message).toMatch(/\(all apps\) → template 99001/);
  });

  test("db.privileges: an account without INSERT on tb_vod fails with the GRANT, everything else of db passes", async () => {
    await withRootConnection(async (c) => {
      await c.query(`REVOKE INSERT ON \`${db.name}\`.* FROM ?@'%'`, [user]);
      await c.query(`GRANT INSERT ON \`${db.name}\`.\`tb_account\` TO ?@'%'`, [user]);
      await c.query(`GRANT INSERT ON \`${db.name}\`.\`tb_room\` TO ?@'%'`, [user]);
    });
    try {
      const r = await cli([...common(), "--format", "json", "--only", "db.privileges,db.replay-window,db.timezone"]);
      const { statuses, byId } = parse(r);
      expect(statuses).toEqual({ "db.connect": "pass", "db.schema": "pass", "db.timezone": "pass", "db.replay-window": "pass", "db.privileges": "fail" });
      const c = byId("db.privileges");
      expect(c.faqKeyword).toBe("数据库账号权限不足");
      expect(c.message).toContain("INSERT on tb_vod");
      expect(c.message).toMatch(/INSERT INTO tb_vod/);
      expect(c.message).toMatch(/replay list stays empty/);
      expect(c.remediation).toContain(`GRANT INSERT ON \`${db.name}\`.* TO '${user}'@'%';`);
      expect(c.remediation).toContain(`live-infra migrate --stack ${stack} --create-user`);
      expect(r.code).toBe(1);
    } finally {
      await withRootConnection((c) => c.query(`GRANT SELECT, INSERT, UPDATE ON \`${db.name}\`.* TO ?@'%'`, [user]));
    }
  });

  describe("db.schema on a broken copy", () => {
    let broken: TestDatabase;
    beforeEach(async () => {
      const server = await testServer();
      broken = await createTestDatabase("vvbroken", { create: false });
      await migrate({ account: { host: server.host, port: server.port, user: server.user, password: server.password }, database: broken.name });
      await withRootConnection((c) => c.query(`GRANT SELECT, INSERT, UPDATE ON \`${broken.name}\`.* TO ?@'%'`, [user]));
    });
    afterEach(async () => broken.drop());

    /** The lines of the text report that belong to `id`'s block. */
    const block = (text: string, id: string) => {
      const lines = text.split("\n");
      const start = lines.findIndex((l) => new RegExp(`^\\S+ \\S+ +${id.replace(".", "\\.")} `).test(l));
      const rest = lines.slice(start + 1);
      const end = rest.findIndex((l) => /^\S/.test(l));
      return [lines[start], ...rest.slice(0, end < 0 ? rest.length : end)];
    };

    test("tb_vod missing: one Fix line (migrate) in text, markdown and JUnit, in both languages", async () => {
      await withRootConnection((c) => c.query("DROP TABLE tb_vod"), broken.name);
      const backend = backendArgs((b) => (b.db.name = broken.name));
      for (const lang of ["en", "zh"]) {
        const args = [...common(backend).slice(0, -2), "--lang", lang, "--only", "db.schema"];
        const text = await (lang === "en" ? cliProcess : cli)(args);
        expect(text.code).toBe(1);
        const lines = block(text.stdout, "db.schema");
        expect(lines[0]).toContain("[tb_vod 未创建]");
        expect(lines.filter((l) => /^\s+(Fix|修复)[:：]/.test(l))).toHaveLength(1);
        expect(lines.join("\n").split("live-infra migrate").length - 1).toBe(1);
        for (const format of ["markdown", "junit"]) {
          const r = await cli([...args, "--format", format]);
          const body = r.stdout.replace(/<details>[\s\S]*?<\/details>/g, "").replace(/^(Evidence|证据)[:：].*$/gm, "");
          expect({ format, lang, n: body.split("live-infra migrate").length - 1 }).toEqual({ format, lang, n: 1 });
        }
      }
      const json = parse(await cli([...common(backend), "--only", "db.schema", "--format", "json"])).byId("db.schema");
      expect(json.message).toMatch(/tb_account and tb_room exist: the classic outcome of the original createDB\.sh under strict sql_mode/);
      expect(json.evidence).toMatchObject({ manualSql: [], differences: [expect.objectContaining({ kind: "missing_table", table: "tb_vod", severity: "fail", fix: { kind: "migrate" } })] });
    });

    test("a manual fix (tb_vod.start_time made nullable) is a warn whose fix is the SQL, never `run migrate`", async () => {
      await withRootConnection((c) => c.query("ALTER TABLE tb_vod MODIFY start_time datetime NULL"), broken.name);
      const r = await cli([...common(backendArgs((b) => (b.db.name = broken.name))), "--only", "db.schema", "--format", "json"]);
      const c = parse(r).byId("db.schema");
      expect(c.status).toBe("warn");
      expect(c.faqKeyword).toBe("表结构不一致");
      expect(c.remediation).toMatch(/Fix by hand \(migrate does not do this\)/);
      expect(c.remediation).toContain("MODIFY COLUMN `start_time`");
      expect(c.remediation).not.toMatch(/live-infra migrate/);
      expect(c.message).not.toMatch(/Fix: run `live-infra migrate`/);
      expect(r.code).toBe(0);
    });
  });

  describe("messages name the given file and the kind of a difference; fixes fit the evidence", () => {
    test("--backend-config FILE.json: the JSON field in that file, never OutDefine.php", async () => {
      const backend = backendArgs((b) => (b.apiKey = "SomeOtherCallbackKey000000000001"), true);
      const r = await cli([...common(backend), ...declared(), "--format", "json"]);
      const c = parse(r).byId("live.callback-key");
      expect(c.status).toBe("fail");
      expect(c.message).toContain(`API_KEY in ${backend[1]}`);
      expect(c.remediation).toContain(`Set API_KEY in ${backend[1]}`);
      expect(r.stdout).not.toContain("OutDefine.php");
      expect(r.stdout).not.toContain("SomeOtherCallbackKey000000000001");
    });

    test("--backend-dir: conf/OutDefine.php", async () => {
      const r = await cli([...common(backendArgs((b) => (b.apiKey = "SomeOtherCallbackKey000000000001"))), "--only", "live.callback-key", "--format", "json"]);
      expect(parse(r).byId("live.callback-key").message).toContain("API_KEY in conf/OutDefine.php");
    });

    test.each([
      ["whitespace", (k: string) => `${k} `, /differs only by surrounding whitespace/],
      ["letter case", (k: string) => k.toLowerCase(), /differs only in letter case/],
    ])("a SecretKey that differs from signer_secret_key by %s says so, printing neither", async (_n, change, re) => {
      const key = outputs.signer_secret_key!;
      const r = await viaProcessIfSpaced(change(key))([...common(backendArgs((b) => (b.cos.secretKey = change(key)), true)), "--only", "cos.secret-key", "--format", "json"]);
      const c = parse(r).byId("cos.secret-key");
      expect(c.status).toBe("fail");
      expect(c.message).toMatch(re);
      expect(r.stdout).not.toContain(key);
      expect(r.stdout).not.toContain(key.toLowerCase());
    });

    test.each([
      ["letter case", (id: string) => id.toUpperCase(), false, /differs only in letter case from the stack output signer_secret_id/],
      ["whitespace", (id: string) => `\t${id} `, true, /differs only by surrounding whitespace from the stack output signer_secret_id/],
    ])("a SecretId that differs from signer_secret_id only by %s says so", async (_n, change, json, re) => {
      const id = outputs.signer_secret_id!;
      const r = await viaProcessIfSpaced(change(id))([...common(backendArgs((b) => (b.cos.secretId = change(id)), json)), "--only", "cos.secret-id", "--format", "json"]);
      const c = parse(r).byId("cos.secret-id");
      expect(c.status).toBe("fail");
      expect(c.message).toMatch(re);
      expect(r.stdout).not.toContain(id.toUpperCase());
    });

    test("the stack's own SecretId disabled: told it is disabled or deleted and to re-enable or rotate it", async () => {
      const r = await withState(
        (s) => {
          s.credentials.find((c) => c.secretId === outputs.signer_secret_id)!.status = "Inactive";
        },
        () => cli([...common(), "--only", "cos.secret-id", "--format", "json"]),
      );
      const c = parse(r).byId("cos.secret-id");
      expect(c.status).toBe("fail");
      expect(c.faqKeyword).toBe("PROXY_AUTH_SECRETID_NOEXIST");
      expect(c.message).toMatch(/disabled or deleted/);
      expect(c.remediation).toMatch(/^Re-enable the key/);
      expect(c.remediation).toContain("`cdktf deploy` recreates the signer's key");
      expect(c.remediation).not.toMatch(/Set COSKEY_SECRECTID .*to .*signer_secret_id/);
    });

    test("CORS without an upload rule: the fix leads with the CORS rule", async () => {
      const r = await withState(
        (s) => {
          for (const b of s.buckets) b.cors = b.cors.map((x) => ({ ...x, allowedMethods: ["GET", "HEAD"] }));
        },
        () => cli([...common(), "--only", "cos.upload", "--format", "json"]),
      );
      const c = parse(r).byId("cos.upload");
      expect(c.status).toBe("fail");
      expect(c.message).toMatch(/probe upload worked, but no CORS rule/);
      expect(c.remediation).toMatch(/^Add a CORS rule to bucket /);
      expect(c.remediation).not.toMatch(/policy/);
    });

    test("the signer's policy refusing PUT: the fix leads with the policy", async () => {
      const r = await withState(
        (s) => {
          s.credentials.find((c) => c.secretId === outputs.signer_secret_id)!.policy = {
            version: "2.0",
            statement: [{ effect: "allow", action: ["name/cos:GetObject", "name/cos:HeadObject"], resource: ["*"] }],
          };
        },
        () => cli([...common(), "--only", "cos.upload", "--format", "json"]),
      );
      const c = parse(r).byId("cos.upload");
      expect(c.status).toBe("fail");
      expect(c.message).toMatch(/PUT of the probe object with the backend's keys was refused/);
      expect(c.remediation).toMatch(/^Let the upload signer's policy allow PutObject/);
      expect(c.remediation).not.toMatch(/CORS/);
    });
  });
});
