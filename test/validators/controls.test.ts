/**
 * Controls one at a time, with a hand-made CheckContext: the Live API answers from a table, names resolve from a
 * table (no DNS), the database is the test MariaDB. Each class of the verdict rules has several members here:
 * rule sets in every order, host classes, whitespace/case differences of secrets, the file the user gave, schema
 * differences with migrate or manual fixes, and an account that cannot read its grants.
 */
import * as mysql from "mysql2/promise";
import type { LookupAddress } from "dns";
import { BackendConfig, backendConfigFromOutputs } from "../../common/backend-config";
import type { StackOutputs } from "../../common/outputs";
import { assessSchema, describeFix } from "../../database";
import { migrate } from "../../database/migrate";
import { CloudError } from "../../validators/clients";
import { Resolver, resolveOverrides } from "../../validators/clients/resolve";
import { dbPrivileges, dbSchema } from "../../validators/checks/db";
import { liveCallbackKey, liveCallbackPublic, liveCallbackRule, liveCallbackUrl } from "../../validators/checks/live-callbacks";
import { liveRecordRule } from "../../validators/checks/live-recording";
import { howDiffers, inConfig } from "../../validators/checks/support";
import { buildReport } from "../../validators/report";
import { renderReport, REPORT_FORMATS } from "../../validators/render";
import type { CheckContext, Control, Verdict } from "../../validators/types";
import { sampleOutputs } from "../helpers/fixtures";
import { createTestDatabase, createTestUser, testServer, TestDatabase, withRootConnection } from "../helpers/mysql";

const STACK_CB = 1001;
const STACK_REC = 2001;

interface Rule {
  DomainName: string;
  AppName: string;
  TemplateId: number;
  StreamName?: string;
}

interface Fake {
  callbackRules?: Rule[];
  callbackTemplates?: Record<number, { RecordNotifyUrl?: string; CallbackKey?: string }>;
  recordRules?: Rule[];
  recordTemplates?: Record<number, Record<string, unknown>>;
  dns?: Record<string, { addresses?: LookupAddress[]; err?: string; never?: boolean }>;
  resolve?: string[];
  outputs?: Partial<StackOutputs>;
  backend?: BackendConfig;
  db?: () => Promise<mysql.Connection>;
}

function notFound(action: string): CloudError {
  return new CloudError({ code: "ResourceNotFound", message: "no such template", kind: "not-found", service: "live", operation: action });
}

function ctx(f: Fake = {}): CheckContext {
  const outputs = sampleOutputs(f.outputs);
  const api = {
    async request(_service: string, action: string, params: Record<string, unknown> = {}) {
      switch (action) {
        case "DescribeLiveCallbackRules":
          return { Rules: f.callbackRules ?? [{ DomainName: outputs.push_domain, AppName: outputs.app_name, TemplateId: STACK_CB }] };
        case "DescribeLiveCallbackTemplate": {
          const t = (f.callbackTemplates ?? { [STACK_CB]: { RecordNotifyUrl: outputs.callback_url, CallbackKey: outputs.callback_key } })[Number(params.TemplateId)];
          if (!t) throw notFound(action);
          return { Template: { TemplateId: params.TemplateId, ...t } };
        }
        case "DescribeLiveRecordRules":
          return { Rules: f.recordRules ?? [{ DomainName: outputs.push_domain, AppName: "", StreamName: "", TemplateId: STACK_REC }] };
        case "DescribeLiveRecordTemplate": {
          const t = (f.recordTemplates ?? { [STACK_REC]: { HlsParam: { Enable: 1 }, Mp4Param: { Enable: 1 } } })[Number(params.TemplateId)];
          if (!t) throw notFound(action);
          return { Template: { TemplateId: params.TemplateId, ...t } };
        }
      }
      throw new Error(`unexpected ${action}`);
    },
  };
  const lookup = (host: string, _o: unknown, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    const a = f.dns?.[host] ?? { err: "ENOTFOUND" };
    if (a.never) return;
    setImmediate(() => (a.err ? cb(Object.assign(new Error(a.err), { code: a.err }), []) : cb(null, a.addresses ?? [])));
  };
  const resolver = new Resolver({ overrides: resolveOverrides(f.resolve ?? [], {}), lookup, timeoutMs: 100 });
  const shared = new Map<string, Promise<unknown>>();
  const signal = new AbortController().signal;
  return {
    checkId: "test",
    stack: "live-demo-test",
    outputs,
    backend: f.backend ?? backendConfigFromOutputs(outputs),
    api: api as CheckContext["api"],
    cosControl: {} as CheckContext["cosControl"],
    cosBackend: {} as CheckContext["cosBackend"],
    db: f.db ?? (() => Promise.reject(new Error("no database in this test"))),
    shared: <T>(key: string, probe: (c: never) => Promise<T>) => {
      if (!shared.has(key)) shared.set(key, probe({ api } as never));
      return shared.get(key) as Promise<T>;
    },
    signal,
    runId: "test",
    probeCallback: false,
    timeoutMs: 5000,
    resolve: (h) => resolver.resolve(h, { signal }),
    lookup: resolver.lookupFunction(),
  } as CheckContext;
}

/** Every order of a short list. */
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Runs `control` on every order of `rules` (under `key`) and expects one verdict, whatever the order. */
async function orderIndependent(control: Control, key: "callbackRules" | "recordRules", rules: Rule[], rest: Fake = {}): Promise<Verdict> {
  const verdicts = await Promise.all(permutations(rules).map((p) => control.run(ctx({ ...rest, [key]: p }))));
  for (const v of verdicts.slice(1)) {
    expect(v.status).toBe(verdicts[0].status);
    expect(v.message).toEqual(verdicts[0].message);
    expect(v.remediation).toEqual(verdicts[0].remediation);
  }
  return verdicts[0];
}

const push = "push.example.com";

describe("rules: every rule that applies to the push domain and app name counts, in any order", () => {
  test.each([
    ["a rule for all apps (empty AppName) binding another template", { DomainName: push, AppName: "", TemplateId: 9999 }, /push\.example\.com\/\(all apps\) → template 9999/],
    ["a rule on the push domain in other letter case binding another template", { DomainName: "PUSH.Example.COM", AppName: "live", TemplateId: 9998 }, /PUSH\.Example\.COM\/live → template 9998/],
    ["the same key with surrounding spaces", { DomainName: ` ${push} `, AppName: "", TemplateId: 9997 }, /template 9997/],
  ])("live.callback-rule fails on %s", async (_n, foreign, re) => {
    const v = await orderIndependent(liveCallbackRule, "callbackRules", [{ DomainName: push, AppName: "live", TemplateId: STACK_CB }, foreign, { DomainName: "play.example.com", AppName: "live", TemplateId: 5 }]);
    expect(v.status).toBe("fail");
    expect(v.message.en).toMatch(re);
    expect(v.message.en).toContain(`not the stack's template ${STACK_CB}`);
    expect(v.remediation!.en).toMatch(/^Delete those rules \(DeleteLiveCallbackRule: /);
  });

  test("live.callback-rule passes when every applicable rule binds the stack's template (any case, all apps)", async () => {
    const v = await orderIndependent(liveCallbackRule, "callbackRules", [
      { DomainName: "Push.Example.com", AppName: "live", TemplateId: STACK_CB },
      { DomainName: push, AppName: "", TemplateId: STACK_CB },
      { DomainName: push, AppName: "other-app", TemplateId: 4242 },
    ]);
    expect(v.status).toBe("pass");
  });

  test("live.callback-rule: rules for other apps only are not a binding", async () => {
    const v = await orderIndependent(liveCallbackRule, "callbackRules", [
      { DomainName: push, AppName: "other-app", TemplateId: STACK_CB },
      { DomainName: push, AppName: "third", TemplateId: STACK_CB },
    ]);
    expect(v.status).toBe("fail");
    expect(v.message.en).toMatch(/app name "other-app", "third" only/);
  });

  test("live.callback-url and live.callback-key judge every bound template, whatever the order", async () => {
    const o = sampleOutputs();
    const rules = [
      { DomainName: push, AppName: "live", TemplateId: STACK_CB },
      { DomainName: push, AppName: "", TemplateId: 1002 },
    ];
    const badUrl = {
      [STACK_CB]: { RecordNotifyUrl: o.callback_url, CallbackKey: o.callback_key },
      1002: { RecordNotifyUrl: "http://backend.example.com/callback/Live_callback.php", CallbackKey: o.callback_key },
    };
    const url = await orderIndependent(liveCallbackUrl, "callbackRules", rules, { callbackTemplates: badUrl });
    expect(url.status).toBe("fail");
    expect(url.message.en).toMatch(/Callback template 1002 sends recording callbacks to .*Live_callback\.php/);
    const badKey = {
      [STACK_CB]: { RecordNotifyUrl: o.callback_url, CallbackKey: o.callback_key },
      1002: { RecordNotifyUrl: o.callback_url, CallbackKey: "another-key-0000" },
    };
    const key = await orderIndependent(liveCallbackKey, "callbackRules", rules, { callbackTemplates: badKey });
    expect(key.status).toBe("fail");
    expect(key.message.en).toMatch(/Callback template 1002's key differs/);
    const good = await orderIndependent(liveCallbackKey, "callbackRules", rules, {
      callbackTemplates: { [STACK_CB]: badKey[STACK_CB], 1002: badKey[STACK_CB] },
    });
    expect(good.status).toBe("pass");
  });

  test.each([
    ["all apps", { DomainName: push, AppName: "", StreamName: "", TemplateId: 7777 }],
    ["push domain in upper case", { DomainName: push.toUpperCase(), AppName: "live", StreamName: "", TemplateId: 7778 }],
    ["one stream", { DomainName: push, AppName: "live", StreamName: "s1", TemplateId: 7779 }],
  ])("live.record-rule fails on a rule for %s binding another template", async (_n, foreign) => {
    const v = await orderIndependent(liveRecordRule, "recordRules", [{ DomainName: push, AppName: "live", StreamName: "", TemplateId: STACK_REC }, foreign], {
      recordTemplates: { [STACK_REC]: { Mp4Param: { Enable: 1 } }, [foreign.TemplateId]: { Mp4Param: { Enable: 1 } } },
    });
    expect(v.status).toBe("fail");
    expect(v.message.en).toContain(`template ${foreign.TemplateId}`);
    expect(v.message.en).toContain(`not the stack's template ${STACK_REC}`);
  });

  test("live.record-rule passes on the stack's template bound for the app and for all apps", async () => {
    const v = await orderIndependent(liveRecordRule, "recordRules", [
      { DomainName: push, AppName: "live", StreamName: "", TemplateId: STACK_REC },
      { DomainName: "PUSH.example.com", AppName: "", StreamName: "", TemplateId: STACK_REC },
    ]);
    expect(v.status).toBe("pass");
  });
});

describe("live.callback-public: the callback host must be public (nothing is sent)", () => {
  const withUrl = (url: string, extra: Fake = {}): Fake => ({ callbackTemplates: { [STACK_CB]: { RecordNotifyUrl: url, CallbackKey: "k" } }, ...extra });

  test.each([
    ["loopback", "http://127.0.0.1/callback/tape_callback.php", /loopback/],
    ["loopback in another IPv4 spelling", "http://2130706433/callback/tape_callback.php", /loopback/],
    ["private 10/8", "http://10.1.2.3/cb", /private network/],
    ["private 172.16/12", "http://172.20.0.5:8080/cb", /private network/],
    ["private 192.168/16", "https://192.168.1.10/cb", /private network/],
    ["link-local", "http://169.254.169.254/cb", /link-local/],
    ["CGNAT", "http://100.64.1.1/cb", /carrier-grade NAT/],
    ["reserved (class E)", "http://240.1.2.3/cb", /reserved/],
    ["documentation TEST-NET-3", "http://203.0.113.10/cb", /documentation/],
    ["IPv6 loopback", "http://[::1]/cb", /loopback/],
    ["IPv6 unique local", "http://[fd00::5]/cb", /unique local/],
    ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/cb", /loopback/],
    ["localhost", "http://localhost/callback/tape_callback.php", /localhost/],
    ["a single-label name", "http://backend/cb", /single-label/],
    ["an .internal name", "http://api.backend.internal/cb", /\.internal/],
  ])("%s fails", async (_n, url, reason) => {
    const v = await liveCallbackPublic.run(ctx(withUrl(url)));
    expect(v.status).toBe("fail");
    expect(v.message.en).toMatch(reason);
    expect(v.remediation!.en).toMatch(/public IP/);
    expect(v.faqKeyword ?? liveCallbackPublic.faqKeyword).toBe("回调 URL 未设置/错误");
  });

  test("a public IP literal passes without any lookup", async () => {
    const v = await liveCallbackPublic.run(ctx(withUrl("http://81.70.1.10/callback/tape_callback.php")));
    expect(v.status).toBe("pass");
  });

  test("a name passes only when EVERY address is public", async () => {
    const dns = {
      "cb.example.com": { addresses: [{ address: "81.70.1.10", family: 4 }, { address: "10.0.0.7", family: 4 }] },
      "ok.example.com": { addresses: [{ address: "81.70.1.10", family: 4 }, { address: "2400:da00::6666", family: 6 }] },
    };
    const mixed = await liveCallbackPublic.run(ctx(withUrl("http://cb.example.com/cb", { dns })));
    expect(mixed.status).toBe("fail");
    expect(mixed.message.en).toMatch(/10\.0\.0\.7 \(private network/);
    expect(mixed.evidence).toMatchObject({ resolvedBy: "dns" });
    const ok = await liveCallbackPublic.run(ctx(withUrl("http://ok.example.com/cb", { dns })));
    expect(ok.status).toBe("pass");
    expect(ok.message.en).toContain("81.70.1.10, 2400:da00::6666");
  });

  test("a declared name is judged by its declared addresses (--resolve)", async () => {
    const priv = await liveCallbackPublic.run(ctx(withUrl("http://backend.example.com/cb", { resolve: ["backend.example.com:192.168.3.4"] })));
    expect(priv.status).toBe("fail");
    expect(priv.message.en).toMatch(/as declared with --resolve/);
    const pub = await liveCallbackPublic.run(ctx(withUrl("http://backend.example.com/cb", { resolve: ["backend.example.com:81.70.1.10"] })));
    expect(pub.status).toBe("pass");
  });

  test("a name that does not resolve warns; a resolver failure or timeout is an error (throws); never pass", async () => {
    const gone = await liveCallbackPublic.run(ctx(withUrl("http://gone.example.com/cb", { dns: { "gone.example.com": { err: "ENOTFOUND" } } })));
    expect(gone.status).toBe("warn");
    expect(gone.remediation!.en).toContain("--resolve gone.example.com:");
    await expect(liveCallbackPublic.run(ctx(withUrl("http://flaky.example.com/cb", { dns: { "flaky.example.com": { err: "EAI_AGAIN" } } })))).rejects.toThrow(/EAI_AGAIN/);
    await expect(liveCallbackPublic.run(ctx(withUrl("http://slow.example.com/cb", { dns: { "slow.example.com": { never: true } } })))).rejects.toThrow(/did not answer/);
  });

  test("a template without a URL is judged by the stack's callback_url (live.callback-url reports the missing URL)", async () => {
    const v = await liveCallbackPublic.run(ctx({ callbackTemplates: { [STACK_CB]: { RecordNotifyUrl: "", CallbackKey: "k" } }, resolve: ["backend.example.com:81.70.1.10"] }));
    expect(v.status).toBe("pass");
    expect(v.evidence).toMatchObject({ source: "stack-output" });
  });
});

describe("messages: the file the user gave, and differences only in whitespace or case", () => {
  const o = sampleOutputs();
  const dirSource = { kind: "dir" as const, dir: "/srv/backend", logDir: "/srv/backend/log", locations: { API_KEY: "/srv/backend/conf/OutDefine.php:3" } };
  const jsonSource = { kind: "json" as const, locations: { API_KEY: "cfg/backend.json:2", "DB.PASSWD": "cfg/backend.json:9" } };
  const backendWith = (apiKey: string, source: BackendConfig["source"]): BackendConfig => ({ ...backendConfigFromOutputs(o), apiKey, source });

  test("inConfig names conf/OutDefine.php for --backend-dir and the JSON field for --backend-config", () => {
    expect(inConfig(dirSource, "API_KEY").en).toBe("API_KEY in conf/OutDefine.php");
    expect(inConfig(dirSource, "DB.HOST", "DB.PORT").en).toBe("[DB] HOST, PORT in conf/cdn.route.ini");
    expect(inConfig(jsonSource, "API_KEY").en).toBe("API_KEY in cfg/backend.json");
    expect(inConfig(jsonSource, "DB.PASSWD").en).toBe("DB.PASSWD in cfg/backend.json");
  });

  test.each([
    ["whitespace", ` ${o.callback_key}\n`, /differs only by surrounding whitespace/, /Remove the spaces, tabs or line breaks around API_KEY in/],
    ["case", o.callback_key!.toUpperCase(), /differs only in letter case/, /letter case of the template's callback key/],
    ["both", ` ${o.callback_key!.toUpperCase()} `, /differs only by surrounding whitespace and letter case/, /Remove .*, and copy the letter case/],
  ])("API_KEY that differs by %s says so without printing either key", async (_n, apiKey, message, fix) => {
    for (const [source, file] of [
      [jsonSource, "cfg/backend.json"],
      [dirSource, "conf/OutDefine.php"],
    ] as const) {
      const v = await liveCallbackKey.run(ctx({ backend: backendWith(apiKey, source) }));
      expect(v.status).toBe("fail");
      expect(v.message.en).toMatch(message);
      expect(v.message.en).toContain(`API_KEY in ${file}`);
      expect(v.remediation!.en).toMatch(fix);
      const text = JSON.stringify(v);
      expect(text).not.toContain(o.callback_key!.toUpperCase());
      expect(text).not.toContain(o.callback_key!);
      if (source.kind === "json") expect(text).not.toContain("OutDefine.php");
    }
  });

  test("a different API_KEY is not called a whitespace or case difference; the fix names the given file", async () => {
    const v = await liveCallbackKey.run(ctx({ backend: backendWith("entirely-other-key-0000", jsonSource) }));
    expect(v.status).toBe("fail");
    expect(v.message.en).not.toMatch(/differs only/);
    expect(v.remediation!.en).toMatch(/^Set API_KEY in cfg\/backend\.json to the callback template's key/);
    expect(JSON.stringify(v)).not.toContain("OutDefine.php");
  });

  test("the template's key changed after the deploy (API_KEY still the stack's): the fix is to restore the template", async () => {
    const v = await liveCallbackKey.run(ctx({ callbackTemplates: { [STACK_CB]: { RecordNotifyUrl: o.callback_url, CallbackKey: "changed-in-console-0" } } }));
    expect(v.status).toBe("fail");
    expect(v.remediation!.en).toMatch(/was changed after the deploy: redeploy the stack/);
  });

  test("howDiffers", () => {
    expect(howDiffers("abc", "abc")).toBe("equal");
    expect(howDiffers(" abc\t", "abc")).toBe("whitespace");
    expect(howDiffers("ABC", "abc")).toBe("case");
    expect(howDiffers(" ABC", "abc")).toBe("whitespace-and-case");
    expect(howDiffers("abd", "abc")).toBe("value");
  });
});

describe("database controls on the test MariaDB", () => {
  let db: TestDatabase;
  let admin: mysql.Connection;

  beforeEach(async () => {
    const s = await testServer();
    db = await createTestDatabase("vctl", { create: false });
    await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: db.name });
    admin = await db.connect();
  });
  afterEach(async () => {
    await admin.end().catch(() => undefined);
    await db.drop();
  });

  const schemaCtx = () => ctx({ backend: { ...backendConfigFromOutputs(sampleOutputs()), db: { host: "", port: 0, name: db.name, user: "", password: "" } }, db: async () => admin });

  /**
   * The report of one db.schema verdict, in every human format, and the number of times `fix` appears in each
   * outside the evidence (which holds every difference's fix and the manual SQL as data).
   */
  function fixCounts(v: Verdict, fix: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const lang of ["en", "zh"] as const) {
      const report = buildReport([{ id: "db.schema", status: v.status, verdict: v, skippedBecause: null, durationMs: 1, retries: 0 }], {
        stack: "s",
        startedAt: new Date(),
        durationMs: 1,
        lang,
        secrets: { secrets: [], secretIds: [] },
      });
      for (const f of REPORT_FORMATS.filter((x) => x !== "json")) {
        const text = renderReport(report, f, { lang })
          .replace(/<details>[\s\S]*?<\/details>/g, "")
          .replace(/^(Evidence|证据)[:：].*$/gm, "");
        out[`${f}/${lang}`] = text.split(fix).length - 1;
      }
    }
    return out;
  }

  test("db.schema is the assessment: status, message, FAQ tag; migrate's fix printed once in every format", async () => {
    await admin.query("DROP TABLE tb_vod");
    const a = await assessSchema(admin, db.name);
    const v = await dbSchema.run(schemaCtx());
    expect(v.status).toBe("fail");
    expect(v.message).toEqual(a.message);
    expect(v.faqKeyword).toBe("tb_vod 未创建");
    expect(v.remediation!.en).toBe("run `live-infra migrate` (repairs it without changing a row).");
    expect(v.evidence).toMatchObject({ manualSql: [], differences: [expect.objectContaining({ kind: "missing_table", table: "tb_vod", severity: "fail", fix: { kind: "migrate" } })] });
    for (const [k, n] of Object.entries(fixCounts(v, "live-infra migrate"))) expect({ k, n }).toEqual({ k, n: 1 });
    // The text's one Fix line is the migrate fix.
    const report = buildReport([{ id: "db.schema", status: "fail", verdict: v, skippedBecause: null, durationMs: 1, retries: 0 }], { stack: "s", startedAt: new Date(), durationMs: 1, lang: "en", secrets: { secrets: [], secretIds: [] } });
    const fixLines = renderReport(report, "text", { lang: "en" }).split("\n").filter((l) => /^\s+Fix: /.test(l));
    expect(fixLines).toEqual(["         Fix: run `live-infra migrate` (repairs it without changing a row)."]);
  });

  test("a zero-date default is tagged by its own FAQ tag, not `tb_vod 未创建`", async () => {
    await admin.query("SET SESSION sql_mode = ''");
    await admin.query("ALTER TABLE tb_vod ALTER COLUMN start_time SET DEFAULT '0000-00-00 00:00:00'");
    const v = await dbSchema.run(schemaCtx());
    expect(v.status).toBe("fail");
    expect(v.faqKeyword).toBe("零日期默认值");
  });

  test("a manual fix (primary key) is the exact SQL, never `run migrate`; printed once", async () => {
    await admin.query("ALTER TABLE tb_room DROP PRIMARY KEY");
    const a = await assessSchema(admin, db.name);
    const v = await dbSchema.run(schemaCtx());
    expect(v.status).toBe("fail");
    expect(v.message).toEqual(a.message);
    expect(v.remediation).toEqual(describeFix(a.manual[0].fix));
    expect(v.remediation!.en).toContain(`ALTER TABLE \`${db.name}\`.\`tb_room\` ADD PRIMARY KEY (\`userid\`)`);
    expect(v.remediation!.en).not.toMatch(/live-infra migrate/);
    expect(v.evidence).toMatchObject({ manualSql: a.manualSql });
    for (const [k, n] of Object.entries(fixCounts(v, "ADD PRIMARY KEY"))) expect({ k, n }).toEqual({ k, n: 1 });
  });

  test("manual and migrate differences together: the Fix is the manual SQL only, each statement printed once", async () => {
    await admin.query("ALTER TABLE tb_vod ADD COLUMN views_total int NOT NULL, ADD COLUMN note text NOT NULL, DROP COLUMN title");
    const a = await assessSchema(admin, db.name);
    expect(a.manual.length).toBe(2);
    expect(a.repairable.length).toBeGreaterThan(0);
    const v = await dbSchema.run(schemaCtx());
    expect(v.status).toBe("fail");
    expect(v.message).toEqual(a.message);
    for (const sql of a.manualSql) expect(v.remediation!.en).toContain(sql);
    expect(v.remediation!.en).not.toMatch(/live-infra migrate/);
    for (const [k, n] of Object.entries(fixCounts(v, "SET DEFAULT 0"))) expect({ k, n }).toEqual({ k, n: 1 });
  });

  test("a healthy schema passes with the assessment's message", async () => {
    const v = await dbSchema.run(schemaCtx());
    expect(v.status).toBe("pass");
    expect(v.remediation).toBeUndefined();
  });

  describe("db.privileges", () => {
    let user: { user: string; password: string };
    let conn: mysql.Connection | undefined;
    beforeEach(async () => {
      user = await createTestUser("vpriv");
    });
    afterEach(async () => {
      await conn?.end().catch(() => undefined);
      conn = undefined;
      await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [user.user]));
    });
    const connectAs = async () => {
      const s = await testServer();
      conn = await mysql.createConnection({ host: s.host, port: s.port, user: user.user, password: user.password, database: db.name });
      return conn;
    };
    const privCtx = () => ctx({ backend: { ...backendConfigFromOutputs(sampleOutputs()), db: { host: "", port: 0, name: db.name, user: user.user, password: "" } }, db: connectAs });

    test.each([
      ["INSERT on tb_vod (table grants)", ["GRANT SELECT, UPDATE ON `DB`.* TO ?@'%'", "GRANT INSERT ON `DB`.`tb_account` TO ?@'%'", "GRANT INSERT ON `DB`.`tb_room` TO ?@'%'"], "INSERT", "tb_vod", /replay list stays empty/],
      ["UPDATE on tb_vod granted on one column only", ["GRANT SELECT, INSERT ON `DB`.* TO ?@'%'", "GRANT UPDATE ON `DB`.`tb_account` TO ?@'%'", "GRANT UPDATE ON `DB`.`tb_room` TO ?@'%'", "GRANT UPDATE (play_url) ON `DB`.`tb_vod` TO ?@'%'"], "UPDATE", "tb_vod", /missing hls_play_url/],
      ["SELECT on tb_room", ["GRANT INSERT, UPDATE ON `DB`.* TO ?@'%'", "GRANT SELECT ON `DB`.`tb_account` TO ?@'%'", "GRANT SELECT ON `DB`.`tb_vod` TO ?@'%'"], "SELECT", "tb_room", /getRoomInfo Error/],
    ])("an account lacking %s fails naming privilege, table and statements, with the GRANT", async (_n, grants, priv, table, effect) => {
      await withRootConnection(async (c) => {
        for (const g of grants) await c.query(g.replace("DB", db.name), [user.user]);
      });
      const v = await dbPrivileges.run(privCtx());
      expect(v.status).toBe("fail");
      expect(v.faqKeyword).toBe("数据库账号权限不足");
      expect(v.message.en).toContain(`${priv} on ${table}`);
      expect(v.message.en).toMatch(effect);
      expect(v.remediation!.en).toContain(`GRANT ${priv} ON \`${db.name}\`.* TO '${user.user}'@'%';`);
      expect(v.remediation!.en).toContain("live-infra migrate --stack live-demo-test --create-user");
      expect(JSON.stringify(v)).not.toContain(user.password);
    });

    test("an account with the database-level grant passes", async () => {
      await withRootConnection((c) => c.query(`GRANT SELECT, INSERT, UPDATE ON \`${db.name}\`.* TO ?@'%'`, [user.user]));
      const v = await dbPrivileges.run(privCtx());
      expect(v.status).toBe("pass");
    });
  });

  test("db.privileges: grants the server refuses to show → warn; any other failure → thrown (error); never pass", async () => {
    const refusing = (code: string) =>
      ({
        async query(sql: string) {
          if (/CURRENT_USER\(\) AS u/.test(sql)) return [[{ u: "live_user@%" }], []];
          if (/^SHOW GRANTS/.test(sql)) throw Object.assign(new Error(`${code}: refused`), { code, errno: 1044 });
          return [[], []];
        },
      }) as unknown as mysql.Connection;
    const warned = await dbPrivileges.run(ctx({ db: async () => refusing("ER_DBACCESS_DENIED_ERROR") }));
    expect(warned.status).toBe("warn");
    expect(warned.message.en).toMatch(/may not read its own grants \(ER_DBACCESS_DENIED_ERROR\)/);
    await expect(dbPrivileges.run(ctx({ db: async () => refusing("PROTOCOL_CONNECTION_LOST") }))).rejects.toThrow(/PROTOCOL_CONNECTION_LOST/);
  });
});
