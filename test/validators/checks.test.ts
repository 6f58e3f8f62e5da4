/**
 * Check bodies end to end: the synthesized dev stack seeds an in-process sandbox (reached through the client layer
 * over real HTTP), the schema is migrated into a real MariaDB database, and the backend configuration is rendered
 * from the outputs — then runValidation runs against it, healthy and broken in several ways.
 */
import * as fs from "fs";
import { REPO_ROOT } from "../helpers/paths";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import Ajv from "ajv";
import { BackendConfig, backendConfigFromOutputs } from "../../common/backend-config";
import type { StackOutputs } from "../../common/outputs";
import { seedFromStack, closedLoopbackPort } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { migrate } from "../../database/migrate";
import { synthesize } from "../../stacks/synth";
import { createTestDatabase, testServer, TestDatabase, uniqueName, withRootConnection } from "../helpers/mysql";
import { Report, ReportCheck, renderReport, REPORT_FORMATS, runValidation, ValidationOptions } from "../../validators";
import { formatOffset, scanBackendLogs } from "../../validators/checks/db";

process.env.CHECKPOINT_DISABLE = "1";
for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];

const OWNER = { secretId: "AKIDvalidatorsOwner000000000000000001", secretKey: "validatorsOwnerSecretKey00000001" };

let tmp: string;
let stackDir: string;
let stack: string;
let outputs: StackOutputs;
let declared: Record<string, unknown>;
let sb: Sandbox;
let db: TestDatabase;
let healthyBackend: BackendConfig;
let dbUser: { user: string; password: string };
let backendHost: string;

function backend(change?: (b: BackendConfig) => void): BackendConfig {
  const b = structuredClone(healthyBackend);
  change?.(b);
  return b;
}

function run(b: BackendConfig, extra: Partial<ValidationOptions> = {}): Promise<Report> {
  return runValidation({
    stack,
    outputs,
    declaredTfJson: declared,
    backend: b,
    credentials: OWNER,
    endpoints: { apiEndpoint: sb.api, cosEndpoint: sb.cos },
    // The stack's backend host resolves to a public address, declared (nothing is looked up or contacted).
    resolve: [`${backendHost}:81.70.1.10`],
    lang: "en",
    timeoutMs: 15_000,
    retry: { startingDelay: 20, maxDelay: 200 },
    ...extra,
  });
}

const statuses = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
const byId = (r: Report, id: string): ReportCheck => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in the report`);
  return c;
};

/** Runs `fn` against a sandbox state changed by `change`, restoring the state afterwards. */
async function withState<T>(change: (s: ReturnType<Sandbox["store"]["get"]>) => void, fn: () => Promise<T>): Promise<T> {
  const saved = sb.store.snapshot();
  sb.store.mutate(change);
  try {
    return await fn();
  } finally {
    sb.store.replace(saved);
  }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validators-"));
  const synth = synthesize({ envNames: ["dev"], outdir: tmp });
  stack = synth.stacks[0].stackName;
  stackDir = path.dirname(synth.stacks[0].file);
  declared = JSON.parse(fs.readFileSync(synth.stacks[0].file, "utf8"));

  const server = await testServer();
  db = await createTestDatabase("validate", { create: false });
  const seed = await seedFromStack({
    stackDir,
    mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${db.name}`,
    owner: OWNER,
  });
  outputs = seed.outputs;
  backendHost = new URL(outputs.callback_url).hostname;
  sb = await startSandbox({ state: seed.state });

  dbUser = { user: uniqueName("vu").slice(0, 32), password: "Vu-" + Math.random().toString(36).slice(2) + "x9" };
  await migrate({
    account: { host: server.host, port: server.port, user: server.user, password: server.password },
    database: db.name,
    createUser: { ...dbUser, host: "%" },
  });
  // Demo-like rows: a streamer with a room and a recent recording.
  await withRootConnection(async (c) => {
    await c.query("INSERT INTO tb_account (userid, nickname) VALUES ('alice', 'Alice')");
    await c.query("INSERT INTO tb_room (userid, title) VALUES ('alice', 'Live')");
    await c.query(
      "INSERT INTO tb_vod (userid, file_id, play_url, start_time, create_time) VALUES ('alice', 'f1', 'http://x/f1.mp4', NOW() - INTERVAL 1 HOUR, NOW() - INTERVAL 50 MINUTE)",
    );
  }, db.name);

  healthyBackend = backendConfigFromOutputs(outputs);
  healthyBackend.db = { host: server.host, port: server.port, name: db.name, user: dbUser.user, password: dbUser.password };
}, 120_000);

afterAll(async () => {
  await sb?.close();
  await db?.drop().catch(() => undefined);
  await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [dbUser?.user ?? "none"])).catch(() => undefined);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("healthy environment", () => {
  let report: Report;
  beforeAll(async () => {
    report = await run(backend());
  }, 60_000);

  it("every check passes; the opt-in probe is omitted", () => {
    if (process.env.DEBUG_VALIDATORS) process.stderr.write(renderReport(report, "text", { lang: "en" }) + renderReport(report, "text", { lang: "zh" }));
    expect(statuses(report)).toEqual({
      "cos.bucket": "pass",
      "cos.secret-id": "pass",
      "cos.secret-key": "pass",
      "cos.upload": "pass",
      "live.callback-rule": "pass",
      "live.callback-url": "pass",
      "live.callback-key": "pass",
      "live.record-rule": "pass",
      "db.connect": "pass",
      "db.schema": "pass",
      "db.timezone": "pass",
      "db.replay-window": "pass",
      "live.domains": "pass",
      "db.privileges": "pass",
      "live.callback-public": "pass",
    });
    expect(report.summary).toEqual({ pass: 15, fail: 0, warn: 0, error: 0, skip: 0 });
  });

  it("the real report validates against the JSON Schema", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "validators", "report.schema.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T/);
    ajv.addFormat("uri", /^https?:\/\//);
    const validate = ajv.compile(schema);
    expect(validate(report)).toBe(true);
  });

  it("no secret of the run appears in any format; SecretIds are masked", () => {
    const secrets = [
      OWNER.secretKey,
      OWNER.secretId,
      outputs.signer_secret_key!,
      outputs.signer_secret_id!,
      outputs.callback_key!,
      dbUser.password,
    ];
    for (const format of REPORT_FORMATS) {
      const text = renderReport(report, format, { lang: "en" });
      for (const s of secrets) expect(text).not.toContain(s);
    }
    expect(JSON.stringify(byId(report, "cos.secret-id").evidence)).toContain(outputs.signer_secret_id!.slice(0, 4) + "…");
  });

  it("the upload probe leaves nothing behind", () => {
    const bucket = sb.store.get().buckets.find((b) => b.name.startsWith(outputs.bucket.replace(/-\d+$/, "")))!;
    expect(Object.keys(bucket.objects).filter((k) => k.startsWith(".live-infra-probe/"))).toEqual([]);
  });
});

describe("COS failures", () => {
  it("wrong secret key: cos.secret-key fails (ERROR_PROXY_AUTH_FAILED), cos.upload skips", async () => {
    const r = await run(backend((b) => (b.cos.secretKey = "WrongSecretKey000000000000000000")), { only: ["cos.upload"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "pass", "cos.secret-id": "pass", "cos.secret-key": "fail", "cos.upload": "skip" });
    expect(byId(r, "cos.secret-key").faqKeyword).toBe("ERROR_PROXY_AUTH_FAILED");
    expect(byId(r, "cos.upload").skippedBecause).toBe("cos.secret-key");
    expect(JSON.stringify(r)).not.toContain("WrongSecretKey000000000000000000");
  });

  it("wrong secret id: cos.secret-id fails (PROXY_AUTH_SECRETID_NOEXIST)", async () => {
    const r = await run(backend((b) => (b.cos.secretId = "AKIDunknownUnknownUnknown00000000000")), { only: ["cos.upload"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "pass", "cos.secret-id": "fail", "cos.secret-key": "skip", "cos.upload": "skip" });
    expect(byId(r, "cos.secret-id").faqKeyword).toBe("PROXY_AUTH_SECRETID_NOEXIST");
    expect(byId(r, "cos.secret-id").message).toContain("AKID…0000");
  });

  it.each([
    ["bucket", (b: BackendConfig) => (b.cos.bucket = "live-demo-typo"), "ERROR_PROXY_SIGN_BUCKET_NOTMATCH", /does not exist/],
    ["region", (b: BackendConfig) => (b.cos.region = b.cos.region === "ap-shanghai" ? "ap-guangzhou" : "ap-shanghai"), "ERROR_PROXY_SIGN_BUCKET_NOTMATCH", /is not in COSKEY_BUCKET_REGION \(ap-[a-z]+\); it is in ap-guangzhou/],
    ["appid", (b: BackendConfig) => (b.cos.appid = "1259999999"), "ERROR_PROXY_APPID_USERID_NOTMATCH", /APPID/],
  ])("wrong %s: cos.bucket fails and the three after it skip", async (_n, change, keyword, message) => {
    const r = await run(backend(change), { only: ["cos.upload"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "fail", "cos.secret-id": "skip", "cos.secret-key": "skip", "cos.upload": "skip" });
    expect(byId(r, "cos.bucket").faqKeyword).toBe(keyword);
    expect(byId(r, "cos.bucket").message).toMatch(message);
  });
});

describe("COS: the backend's OutDefine.php template left as shipped", () => {
  it("cos.bucket fails naming the keys still empty (not a wrong-APPID finding)", async () => {
    const r = await run(backend((b) => Object.assign(b.cos, { bucket: "", region: "", appid: "0" })), { only: ["cos.bucket"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "fail" });
    expect(byId(r, "cos.bucket").faqKeyword).toBe("ERROR_PROXY_SIGN_BUCKET_NOTMATCH");
    expect(byId(r, "cos.bucket").message).toMatch(/COSKEY_BUCKET, COSKEY_BUCKET_REGION, COSKEY_APPID in OutDefine\.php still hold the template's empty value/);
  });
});

describe("COS: empty keys in OutDefine.php are findings, not errors", () => {
  it("empty COSKEY_SECRECTID: cos.secret-id fails", async () => {
    const r = await run(backend((b) => Object.assign(b.cos, { secretId: "", secretKey: "" })), { only: ["cos.upload"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "pass", "cos.secret-id": "fail", "cos.secret-key": "skip", "cos.upload": "skip" });
    expect(byId(r, "cos.secret-id").faqKeyword).toBe("PROXY_AUTH_SECRETID_NOEXIST");
    expect(byId(r, "cos.secret-id").message).toMatch(/COSKEY_SECRECTID in OutDefine\.php is empty/);
  });

  it("empty COSKEY_SECRECTKEY: the SecretId is still tested, cos.secret-key fails", async () => {
    const r = await run(backend((b) => (b.cos.secretKey = "")), { only: ["cos.upload"] });
    expect(statuses(r)).toEqual({ "cos.bucket": "pass", "cos.secret-id": "pass", "cos.secret-key": "fail", "cos.upload": "skip" });
    expect(byId(r, "cos.secret-key").faqKeyword).toBe("ERROR_PROXY_AUTH_FAILED");
    expect(byId(r, "cos.secret-key").message).toMatch(/COSKEY_SECRECTKEY in OutDefine\.php is empty/);
  });
});

describe("COS: wrong control-plane credentials", () => {
  it("cos.bucket is error naming TENCENTCLOUD_SECRET_*, not a bucket finding", async () => {
    const r = await run(backend(), { only: ["cos.bucket"], credentials: { ...OWNER, secretKey: "wrongOwnerSecretKey0000000000001" } });
    expect(statuses(r)).toEqual({ "cos.bucket": "error" });
    expect(byId(r, "cos.bucket").message).toMatch(/TENCENTCLOUD_SECRET_ID \/ TENCENTCLOUD_SECRET_KEY \(SignatureDoesNotMatch\)/);
    expect(JSON.stringify(r)).not.toContain("wrongOwnerSecretKey");
  });
});

describe("COS: an existing bucket that is not the stack's", () => {
  it("cos.bucket fails naming the stack's bucket", async () => {
    const r = await withState(
      (s) => {
        const b = s.buckets[0];
        s.buckets.push({ ...structuredClone(b), name: `other-bucket-${outputs.appid}`, objects: {} });
      },
      () => run(backend((b) => (b.cos.bucket = "other-bucket")), { only: ["cos.bucket"] }),
    );
    expect(statuses(r)).toEqual({ "cos.bucket": "fail" });
    expect(byId(r, "cos.bucket").message).toMatch(/not the stack's/);
  });
});

describe("Live failures", () => {
  it("callback rule on the play domain fails with its own message; url and key skip", async () => {
    const r = await withState(
      (s) => {
        for (const rule of s.live.callbackRules) if (rule.domainName === outputs.push_domain) rule.domainName = outputs.play_domain;
      },
      () => run(backend(), { only: ["live.callback-url", "live.callback-key"] }),
    );
    expect(statuses(r)).toEqual({ "live.callback-rule": "fail", "live.callback-url": "skip", "live.callback-key": "skip" });
    expect(byId(r, "live.callback-rule").message).toMatch(/PLAY domain/);
  });

  it("record URL emptied → callback-url fails; key mismatch → callback-key fails without printing keys", async () => {
    const r = await withState(
      (s) => {
        const t = s.live.callbackTemplates.find((x) => x.templateId === Number(outputs.callback_template_id))!;
        t.recordNotifyUrl = "";
      },
      () => run(backend((b) => (b.apiKey = "SomeOtherApiKey00000000000000001")), { only: ["live.callback-url", "live.callback-key"] }),
    );
    expect(statuses(r)).toEqual({ "live.callback-rule": "pass", "live.callback-url": "fail", "live.callback-key": "fail" });
    const text = JSON.stringify(r);
    expect(text).not.toContain(outputs.callback_key!);
    expect(text).not.toContain("SomeOtherApiKey00000000000000001");
  });

  it("no record rule → live.record-rule fails", async () => {
    const r = await withState((s) => (s.live.recordRules = []), () => run(backend(), { only: ["live.record-rule"] }));
    expect(statuses(r)).toEqual({ "live.record-rule": "fail" });
  });

  it("a disabled push domain or a missing play domain → live.domains fails", async () => {
    const r = await withState(
      (s) => {
        s.live.domains = s.live.domains.filter((d) => d.name !== outputs.play_domain);
        s.live.domains.find((d) => d.name === outputs.push_domain)!.status = 0;
      },
      () => run(backend(), { only: ["live.domains"] }),
    );
    expect(statuses(r)).toEqual({ "live.domains": "fail" });
    expect(byId(r, "live.domains").message).toMatch(/push domain .* is disabled.*play domain .* does not exist|play domain .* does not exist.*push domain .* is disabled/);
  });

  it("--probe-callback: signed event gets {code:0}, a wrongly signed one does not", async () => {
    // A stand-in for tape_callback.php: sign = md5(API_KEY + t).
    const key = outputs.callback_key!;
    let acceptAll = false;
    const srv = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const j = JSON.parse(body);
        const ok = acceptAll || j.sign === createHash("md5").update(key + String(j.t)).digest("hex");
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ code: ok ? 0 : "EC_SYSTEM_INVALID_SIGN" }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/callback/tape_callback.php`;
    const saved = outputs.callback_url;
    try {
      outputs.callback_url = url;
      const r = await withState(
        (s) => {
          s.live.callbackTemplates.find((x) => x.templateId === Number(outputs.callback_template_id))!.recordNotifyUrl = url;
        },
        () => run(backend(), { only: ["live.callback-reachable"] }),
      );
      expect(byId(r, "live.callback-reachable").status).toBe("pass");
      expect(byId(r, "live.callback-reachable").evidence).toMatchObject({ signed: { httpStatus: 200, code: 0 } });
      // An endpoint that accepts any signature fails the probe.
      acceptAll = true;
      const r2 = await withState(
        (s) => {
          s.live.callbackTemplates.find((x) => x.templateId === Number(outputs.callback_template_id))!.recordNotifyUrl = url;
        },
        () => run(backend(), { only: ["live.callback-reachable"] }),
      );
      expect(byId(r2, "live.callback-reachable").status).toBe("fail");
      expect(byId(r2, "live.callback-reachable").message).toMatch(/does not check signatures/);
    } finally {
      outputs.callback_url = saved;
      await new Promise((r) => srv.close(r));
    }
  });
});

describe("database failures", () => {
  it("closed port: db.connect fails (not error); the rest of db skips", async () => {
    const port = await closedLoopbackPort();
    const r = await run(backend((b) => (b.db.port = port)), { only: ["db.replay-window", "db.timezone"] });
    expect(statuses(r)).toEqual({ "db.connect": "fail", "db.schema": "skip", "db.timezone": "skip", "db.replay-window": "skip" });
    expect(byId(r, "db.connect").message).toMatch(/ECONNREFUSED/);
  });

  it("wrong password: db.connect fails as denied, the password is not printed", async () => {
    const r = await run(backend((b) => (b.db.password = "WrongDbPassword-canary-1")), { only: ["db.connect"] });
    expect(statuses(r)).toEqual({ "db.connect": "fail" });
    expect(byId(r, "db.connect").message).toMatch(/denied/);
    expect(JSON.stringify(r)).not.toContain("WrongDbPassword-canary-1");
  });

  describe("on a broken copy of the schema", () => {
    let broken: TestDatabase;
    beforeEach(async () => {
      const server = await testServer();
      broken = await createTestDatabase("vbroken", { create: false });
      await migrate({ account: { host: server.host, port: server.port, user: server.user, password: server.password }, database: broken.name });
      await withRootConnection((c) => c.query(`GRANT SELECT, INSERT, UPDATE ON \`${broken.name}\`.* TO ?@'%'`, [dbUser.user]));
    });
    afterEach(async () => broken.drop());

    it("tb_vod missing: db.schema fails with the strict-mode explanation and the migrate fix", async () => {
      await withRootConnection((c) => c.query("DROP TABLE tb_vod"), broken.name);
      const r = await run(backend((b) => (b.db.name = broken.name)), { only: ["db.replay-window"] });
      expect(statuses(r)).toEqual({ "db.connect": "pass", "db.schema": "fail", "db.replay-window": "skip" });
      const c = byId(r, "db.schema");
      expect(c.faqKeyword).toBe("tb_vod 未创建");
      expect(c.message).toMatch(/strict sql_mode/);
      expect(c.message).toContain("live-infra migrate");
    });

    it("tb_vod zero-date default: db.schema fails with the zero-date explanation", async () => {
      await withRootConnection(async (c) => {
        await c.query("SET SESSION sql_mode = ''");
        await c.query("ALTER TABLE tb_vod ALTER COLUMN start_time SET DEFAULT '0000-00-00 00:00:00'");
      }, broken.name);
      const r = await run(backend((b) => (b.db.name = broken.name)), { only: ["db.replay-window"], lang: "zh" });
      expect(statuses(r)).toEqual({ "db.connect": "pass", "db.schema": "fail", "db.replay-window": "skip" });
      expect(byId(r, "db.schema").message).toMatch(/零日期/);
      expect(byId(r, "db.schema").message).toContain("live-infra migrate");
    });

    it("an unrepairable difference: db.schema names it as a manual fix, not as a migrate repair", async () => {
      // On a case-sensitive server a wrongly cased tb_vod is never repaired by migrate (it never renames).
      await withRootConnection((c) => c.query("RENAME TABLE tb_vod TO TB_VOD"), broken.name);
      const r = await run(backend((b) => (b.db.name = broken.name)), { only: ["db.schema"] });
      expect(statuses(r)).toEqual({ "db.connect": "pass", "db.schema": "fail" });
      const message = byId(r, "db.schema").message;
      expect(message).toMatch(/Fix by hand \(migrate does not do this\): run RENAME TABLE .*TB_VOD/);
      expect(message).not.toMatch(/repairs this|primary key or incompatible type/);
      expect(byId(r, "db.schema").evidence.differences).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: "table_name_case", repairable: false })]),
      );
    });

    it("a streamer without a room and only old recordings: db.replay-window warns", async () => {
      await withRootConnection(async (c) => {
        await c.query("INSERT INTO tb_account (userid) VALUES ('bob')");
        await c.query("INSERT INTO tb_vod (userid, file_id, play_url, start_time, create_time) VALUES ('bob', 'old', 'http://x', NOW() - INTERVAL 9 DAY, NOW() - INTERVAL 9 DAY)");
      }, broken.name);
      const r = await run(backend((b) => (b.db.name = broken.name)), { only: ["db.replay-window"] });
      expect(statuses(r)).toEqual({ "db.connect": "pass", "db.schema": "pass", "db.replay-window": "warn" });
      expect(byId(r, "db.replay-window").message).toMatch(/no tb_room row.*older than 7 days/);
      expect(byId(r, "db.replay-window").evidence).toMatchObject({ accountsWithoutRoom: 1, accountsWithoutRoomSample: ["bob"] });
    });
  });
});

describe("faults", () => {
  afterEach(() => sb.faults.set({ rules: {} }));

  it("throttling at 30 % and 5xx at 10 %: same verdicts as healthy", async () => {
    sb.faults.set({ rules: { "*": { throttleRate: 0.3, errorRate: 0.1 } } });
    const r = await run(backend());
    expect(r.summary).toEqual({ pass: 15, fail: 0, warn: 0, error: 0, skip: 0 });
    // The faults really happened: some calls were retried.
    expect(r.checks.reduce((n, c) => n + Number(c.evidence.retries ?? 0), 0)).toBeGreaterThan(0);
  }, 60_000);

  it("a hung endpoint ends as error (bounded by the timeout), never pass", async () => {
    sb.faults.set({ rules: { "live:DescribeLiveRecordRules": { latencyMs: 2500 } } });
    const r = await run(backend(), { only: ["live.record-rule"], timeoutMs: 800 });
    expect(statuses(r)).toEqual({ "live.record-rule": "error" });
  });
});

describe("helpers", () => {
  it("formats TIMEDIFF offsets", () => {
    expect(formatOffset("08:00:00")).toBe("+08:00");
    expect(formatOffset("-05:30:00.000000")).toBe("-05:30");
    expect(formatOffset("0:00:00")).toBe("+00:00");
  });

  it("scans backend logs of the last 7 days", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "log-"));
    try {
      fs.writeFileSync(path.join(dir, "mysql_error20261120.log.php"), "<?php exit; ?>\n<!--\n[x] getRoomInfo Error:bob]\n[x] getRoomInfo Error:carol\n");
      fs.writeFileSync(path.join(dir, "component_error20261120.log.php"), "tape duration too short:42|s|v\ncheck_sign error:a:b\n");
      const s = scanBackendLogs(dir);
      expect(s).toMatchObject({ readable: true, getRoomInfoError: 2, tapeTooShort: 1, checkSignError: 1, roomlessUserids: ["bob", "carol"] });
      expect(scanBackendLogs(path.join(dir, "nope"))).toMatchObject({ readable: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
