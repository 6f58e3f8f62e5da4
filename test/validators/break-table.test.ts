/**
 * docs/validators.md, "How each check can be broken": every row of that table, through `live-infra validate` against
 * the sandbox and the test MariaDB. One seeded stack; each row breaks its own copy of what it needs (a backend config
 * file, a sandbox started from a changed copy of the seeded state, a database copy or an account of its own), so
 * rows are prepared concurrently; `--only <check> --format json` gives the verdict.
 * Validate runs in-process (runCliInProcess: the built CLI's own main, one run at a time). Real processes (runCli):
 * the healthy run (stdout holds only the report) and the rows with a space in the COS SecretId or SecretKey, which
 * the COS SDK warns about with console.error of its own (stderr in a process, jest's console in-process).
 * A parse of the docs table keeps docs and rows in step: the same ids, checks and verdicts, ≥ 3 rows per check.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { BackendConfig, backendConfigFromOutputs, toBackendConfigJson, writeBackendDir } from "../../common/backend-config";
import type { StackOutputs } from "../../common/outputs";
import { migrate } from "../../database/migrate";
import { closedLoopbackPort, seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import type { State } from "../../sandbox/state";
import { synthesize } from "../../stacks/synth";
import { CATALOGUE } from "../../validators/catalogue";
import { CliRun, REPO_ROOT, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { createTestDatabase, testServer, TestDatabase, TestServer, uniqueName, withRootConnection } from "../helpers/mysql";

const OWNER = { secretId: "AKIDbreakTable000000000000000000001", secretKey: "breakTableOwnerSecretKey00000001" };
const PUBLIC_ADDRESS = "81.70.1.10";
/**
 * Rows prepared and run at a time. In-process validate runs are serialized, but the pool still overlaps them with
 * each row's own sandbox start and close and with the process rows (measured faster than one row at a time).
 */
const CONCURRENCY = 4;

type Verdict = "fail" | "warn" | "error";

/** What the stack and the healthy world look like; rows build their breaks from it. */
interface World {
  tmp: string;
  stack: string;
  outputs: StackOutputs;
  outputsFile: string;
  seedState: State;
  sb: Sandbox;
  server: TestServer;
  db: TestDatabase;
  healthy: BackendConfig;
  backendHost: string;
  declared: string;
}

/** A row's break: any of a changed backend config, a changed sandbox state, extra flags, a cleanup. */
interface Break {
  backend?: (b: BackendConfig) => void;
  /** Write the backend config as --backend-config FILE.json instead of a backend directory. */
  json?: boolean;
  /** Files to add under the backend directory (relative path → content). */
  files?: Record<string, string>;
  state?: (s: State) => void;
  /** Replaces the outputs file's values. */
  outputs?: Partial<StackOutputs>;
  args?: string[];
  /** Replaces the default `--resolve <backend host>:<public address>`. */
  resolve?: string[];
  cleanup?: () => Promise<void>;
}

interface Row {
  id: string;
  check: string;
  verdict: Verdict;
  prepare(w: World): Promise<Break> | Break;
}

const ts = "2026-01-01 00:00:00";
const bucketOf = (w: World, s: State) => s.buckets.find((b) => b.name === w.outputs.bucket || b.name.startsWith(`${w.outputs.bucket}-`))!;
const signerOf = (w: World, s: State) => s.credentials.find((c) => c.secretId === w.outputs.signer_secret_id)!;
const callbackTemplate = (w: World, s: State) => s.live.callbackTemplates.find((t) => t.templateId === Number(w.outputs.callback_template_id))!;
const callbackRules = (w: World, s: State) => s.live.callbackRules.filter((r) => r.templateId === Number(w.outputs.callback_template_id));
const recordRules = (w: World, s: State) => s.live.recordRules.filter((r) => r.templateId === Number(w.outputs.record_template_id));
const recordTemplate = (w: World, s: State) => s.live.recordTemplates.find((t) => t.templateId === Number(w.outputs.record_template_id))!;
const domain = (w: World, s: State, type: 0 | 1) => s.live.domains.find((d) => d.name === (type === 0 ? w.outputs.push_domain : w.outputs.play_domain))!;
const allCors = (w: World, s: State, change: (r: State["buckets"][number]["cors"][number]) => void) => bucketOf(w, s).cors.forEach(change);

/** A database copy migrated to the declared schema, usable by `user`, changed by `sql`. */
async function brokenCopy(w: World, sql: string[]): Promise<Break> {
  const copy = await createTestDatabase("brkcopy", { create: false });
  await migrate({ account: { host: w.server.host, port: w.server.port, user: w.server.user, password: w.server.password }, database: copy.name });
  await withRootConnection(async (c) => {
    for (const q of sql) await c.query(q);
    await c.query(`GRANT SELECT, INSERT, UPDATE ON \`${copy.name}\`.* TO ?@'%'`, [w.healthy.db.user]);
  }, copy.name);
  return { backend: (b) => (b.db.name = copy.name), cleanup: () => copy.drop() };
}

/** An account of its own holding `grants` (statements with `{db}` and `{user}` placeholders). */
async function account(w: World, grants: string[], extra: (user: string) => string[] = () => []): Promise<Break> {
  const user = uniqueName("brk").slice(0, 32);
  const password = "Brk-" + Math.random().toString(36).slice(2) + "9x";
  await withRootConnection(async (c) => {
    await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
    for (const g of [...grants, ...extra(user)]) await c.query(g.replace(/\{db\}/g, `\`${w.db.name}\``).replace(/\{user\}/g, `'${user}'@'%'`));
  });
  return {
    backend: (b) => Object.assign(b.db, { user, password }),
    cleanup: () => withRootConnection(async (c) => void (await c.query("DROP USER IF EXISTS ?@'%'", [user]))),
  };
}

const FULL = "GRANT SELECT, INSERT, UPDATE ON {db}.* TO {user}";

/** A backend answering the probe's POST with `answer(signedCorrectly)`. */
async function fakeBackend(w: World, answer: (req: { body: string }) => { status: number; body: string }): Promise<Break> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const a = answer({ body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(a.status, { "Content-Type": "application/json" });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback/tape_callback.php`;
  return {
    outputs: { callback_url: url },
    state: (s) => (callbackTemplate(w, s).recordNotifyUrl = url),
    args: ["--probe-callback"],
    cleanup: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Whether a probe body is signed with the stack's callback key (`sign = md5(key + t)`). */
function signedWith(key: string, body: string): boolean {
  try {
    const e = JSON.parse(body) as { sign?: string; t?: number | string };
    return e.sign === createHash("md5").update(`${key}${e.t}`).digest("hex");
  } catch {
    return false;
  }
}

/** Times the backend's own sessions run at, per account: one init_connect for every timezone row. */
const TIME_ZONES = new Map<string, string>();
async function timeZoneAccount(w: World, tz: string): Promise<Break> {
  const a = await account(w, [FULL]);
  const probe = structuredClone(w.healthy);
  a.backend!(probe);
  TIME_ZONES.set(probe.db.user, tz);
  return a;
}

export const ROWS: readonly Row[] = [
  // cos.bucket
  { id: "bucket-other-region", check: "cos.bucket", verdict: "fail", prepare: (w) => ({ state: (s) => (bucketOf(w, s).region = w.outputs.bucket_region === "ap-beijing" ? "ap-chengdu" : "ap-beijing") }) },
  { id: "bucket-deleted", check: "cos.bucket", verdict: "fail", prepare: (w) => ({ state: (s) => (s.buckets = s.buckets.filter((b) => b !== bucketOf(w, s))) }) },
  {
    id: "bucket-another-existing",
    check: "cos.bucket",
    verdict: "fail",
    prepare: (w) => ({
      state: (s) => s.buckets.push({ ...structuredClone(bucketOf(w, s)), name: `other-upload-${w.outputs.appid}`, objects: {} }),
      backend: (b) => (b.cos.bucket = `other-upload-${w.outputs.appid}`),
    }),
  },
  { id: "bucket-trailing-space", check: "cos.bucket", verdict: "fail", prepare: () => ({ json: true, backend: (b) => (b.cos.bucket = `${b.cos.bucket} `) }) },
  {
    id: "bucket-full-name-other-appid",
    check: "cos.bucket",
    verdict: "fail",
    prepare: (w) => ({ backend: (b) => (b.cos.bucket = `${w.outputs.bucket.replace(/-\d+$/, "")}-1250009999`) }),
  },
  // cos.secret-id
  { id: "secret-id-disabled", check: "cos.secret-id", verdict: "fail", prepare: (w) => ({ state: (s) => (signerOf(w, s).status = "Inactive") }) },
  { id: "secret-id-deleted", check: "cos.secret-id", verdict: "fail", prepare: (w) => ({ state: (s) => (s.credentials = s.credentials.filter((c) => c !== signerOf(w, s))) }) },
  { id: "secret-id-trailing-space", check: "cos.secret-id", verdict: "fail", prepare: () => ({ json: true, backend: (b) => (b.cos.secretId = `${b.cos.secretId} `) }) },
  { id: "secret-id-lower-case", check: "cos.secret-id", verdict: "fail", prepare: () => ({ backend: (b) => (b.cos.secretId = b.cos.secretId.toLowerCase()) }) },
  // cos.secret-key
  { id: "secret-key-trailing-space", check: "cos.secret-key", verdict: "fail", prepare: () => ({ json: true, backend: (b) => (b.cos.secretKey = `${b.cos.secretKey} `) }) },
  { id: "secret-key-upper-case", check: "cos.secret-key", verdict: "fail", prepare: () => ({ backend: (b) => (b.cos.secretKey = b.cos.secretKey.toUpperCase()) }) },
  { id: "secret-key-truncated", check: "cos.secret-key", verdict: "fail", prepare: () => ({ backend: (b) => (b.cos.secretKey = b.cos.secretKey.slice(0, -1)) }) },
  { id: "secret-key-paired-with-other-id", check: "cos.secret-key", verdict: "fail", prepare: () => ({ backend: (b) => (b.cos.secretId = OWNER.secretId) }) },
  { id: "secret-key-rotated", check: "cos.secret-key", verdict: "fail", prepare: (w) => ({ state: (s) => (signerOf(w, s).secretKey = "rotatedSignerSecretKey0000000001") }) },
  // cos.upload
  {
    id: "upload-policy-without-put",
    check: "cos.upload",
    verdict: "fail",
    prepare: (w) => ({ state: (s) => (signerOf(w, s).policy = { version: "2.0", statement: [{ effect: "allow", action: ["name/cos:GetObject", "name/cos:HeadObject", "name/cos:DeleteObject"], resource: ["*"] }] }) }),
  },
  {
    id: "upload-policy-denies-put",
    check: "cos.upload",
    verdict: "fail",
    prepare: (w) => ({
      state: (s) =>
        (signerOf(w, s).policy = {
          version: "2.0",
          statement: [
            { effect: "allow", action: ["name/cos:*"], resource: ["*"] },
            { effect: "deny", action: ["name/cos:PutObject"], resource: ["*"] },
          ],
        }),
    }),
  },
  { id: "upload-cors-origin-narrowed", check: "cos.upload", verdict: "fail", prepare: (w) => ({ state: (s) => allCors(w, s, (r) => (r.allowedOrigins = ["https://other.example.com"])) }) },
  { id: "upload-cors-no-authorization", check: "cos.upload", verdict: "fail", prepare: (w) => ({ state: (s) => allCors(w, s, (r) => (r.allowedHeaders = ["Content-Type"])) }) },
  { id: "upload-cors-removed", check: "cos.upload", verdict: "fail", prepare: (w) => ({ state: (s) => (bucketOf(w, s).cors = []) }) },
  // live.callback-rule
  { id: "callback-rule-other-app", check: "live.callback-rule", verdict: "fail", prepare: (w) => ({ state: (s) => callbackRules(w, s).forEach((r) => (r.appName = "otherapp")) }) },
  { id: "callback-rule-other-domain", check: "live.callback-rule", verdict: "fail", prepare: (w) => ({ state: (s) => callbackRules(w, s).forEach((r) => (r.domainName = `other-${w.outputs.push_domain}`)) }) },
  {
    id: "callback-rule-second-template",
    check: "live.callback-rule",
    verdict: "fail",
    prepare: (w) => ({
      state: (s) => {
        s.live.callbackTemplates.push({ ...structuredClone(callbackTemplate(w, s)), templateId: 99101, templateName: "other" });
        const appName = callbackRules(w, s)[0].appName;
        s.live.callbackRules.push({ domainName: w.outputs.push_domain, appName: appName ? "" : w.outputs.app_name, templateId: 99101, createTime: ts, updateTime: ts });
      },
    }),
  },
  { id: "callback-rule-dangling-template", check: "live.callback-rule", verdict: "fail", prepare: (w) => ({ state: (s) => callbackRules(w, s).forEach((r) => (r.templateId = 99102)) }) },
  // live.callback-url
  { id: "callback-url-other-scheme", check: "live.callback-url", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).recordNotifyUrl = w.outputs.callback_url.replace(/^http(s?):/, (_m, s1) => (s1 ? "http:" : "https:"))) }) },
  { id: "callback-url-other-path", check: "live.callback-url", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).recordNotifyUrl = w.outputs.callback_url.replace(/tape_callback\.php$/, "callback.php")) }) },
  { id: "callback-url-other-port", check: "live.callback-url", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).recordNotifyUrl = w.outputs.callback_url.replace(/^(https?:\/\/[^/:]+)(:\d+)?/, "$1:8081")) }) },
  { id: "callback-url-on-stream-end-only", check: "live.callback-url", verdict: "fail", prepare: (w) => ({ state: (s) => Object.assign(callbackTemplate(w, s), { streamEndNotifyUrl: w.outputs.callback_url, recordNotifyUrl: "" }) }) },
  // live.callback-key
  { id: "callback-key-case", check: "live.callback-key", verdict: "fail", prepare: () => ({ backend: (b) => (b.apiKey = /[a-z]/.test(b.apiKey) ? b.apiKey.toUpperCase() : b.apiKey.toLowerCase()) }) },
  { id: "callback-key-whitespace", check: "live.callback-key", verdict: "fail", prepare: () => ({ json: true, backend: (b) => (b.apiKey = ` ${b.apiKey}`) }) },
  { id: "callback-key-template-empty", check: "live.callback-key", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).callbackKey = "") }) },
  { id: "callback-key-template-rotated", check: "live.callback-key", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).callbackKey = "rotatedCallbackKey00000000000001") }) },
  // live.callback-reachable (opt-in)
  {
    id: "reachable-nothing-listening",
    check: "live.callback-reachable",
    verdict: "fail",
    prepare: async (w) => {
      const url = `http://127.0.0.1:${await closedLoopbackPort()}/callback/tape_callback.php`;
      return { outputs: { callback_url: url }, state: (s) => (callbackTemplate(w, s).recordNotifyUrl = url), args: ["--probe-callback"] };
    },
  },
  { id: "reachable-http-500", check: "live.callback-reachable", verdict: "fail", prepare: (w) => fakeBackend(w, () => ({ status: 500, body: "<html>502 Bad Gateway</html>" })) },
  { id: "reachable-code-1", check: "live.callback-reachable", verdict: "fail", prepare: (w) => fakeBackend(w, () => ({ status: 200, body: '{"code":1,"message":"check_sign error"}' })) },
  { id: "reachable-accepts-any-signature", check: "live.callback-reachable", verdict: "fail", prepare: (w) => fakeBackend(w, () => ({ status: 200, body: '{"code":0}' })) },
  {
    id: "reachable-signs-with-other-key",
    check: "live.callback-reachable",
    verdict: "fail",
    prepare: (w) => fakeBackend(w, (req) => (signedWith("someOtherKey", req.body) ? { status: 200, body: '{"code":0}' } : { status: 200, body: '{"code":-1}' })),
  },
  // live.record-rule
  { id: "record-rule-other-app", check: "live.record-rule", verdict: "fail", prepare: (w) => ({ state: (s) => recordRules(w, s).forEach((r) => (r.appName = "otherapp")) }) },
  {
    id: "record-rule-other-template",
    check: "live.record-rule",
    verdict: "fail",
    prepare: (w) => ({
      state: (s) => {
        s.live.recordTemplates.push({ ...structuredClone(recordTemplate(w, s)), templateId: 99201, templateName: "other" });
        recordRules(w, s).forEach((r) => (r.templateId = 99201));
      },
    }),
  },
  {
    id: "record-rule-audio-only",
    check: "live.record-rule",
    verdict: "warn",
    prepare: (w) => ({
      state: (s) => {
        const t = recordTemplate(w, s);
        delete t.hlsParam;
        delete t.flvParam;
        delete (t as { mp4Param?: unknown }).mp4Param;
        t.aacParam = { recordInterval: 1800, storageTime: 0, enable: 1 };
      },
    }),
  },
  { id: "record-rule-single-stream", check: "live.record-rule", verdict: "warn", prepare: (w) => ({ state: (s) => recordRules(w, s).forEach((r) => (r.streamName = "one_stream")) }) },
  // live.domains
  { id: "domains-push-disabled", check: "live.domains", verdict: "fail", prepare: (w) => ({ state: (s) => (domain(w, s, 0).status = 0) }) },
  { id: "domains-play-deleted", check: "live.domains", verdict: "fail", prepare: (w) => ({ state: (s) => (s.live.domains = s.live.domains.filter((d) => d !== domain(w, s, 1))) }) },
  { id: "domains-push-typed-play", check: "live.domains", verdict: "fail", prepare: (w) => ({ state: (s) => (domain(w, s, 0).type = 1) }) },
  // db.connect
  { id: "connect-wrong-password", check: "db.connect", verdict: "fail", prepare: () => ({ backend: (b) => (b.db.password = `${b.db.password}x`) }) },
  { id: "connect-password-whitespace", check: "db.connect", verdict: "fail", prepare: () => ({ json: true, backend: (b) => (b.db.password = `${b.db.password} `) }) },
  { id: "connect-unknown-database", check: "db.connect", verdict: "fail", prepare: () => ({ backend: (b) => (b.db.name = "no_such_database_brk") }) },
  { id: "connect-unknown-user", check: "db.connect", verdict: "fail", prepare: () => ({ backend: (b) => (b.db.user = "no_such_user_brk") }) },
  // db.schema
  { id: "schema-tb-vod-column-missing", check: "db.schema", verdict: "fail", prepare: (w) => brokenCopy(w, ["ALTER TABLE tb_vod DROP COLUMN play_url"]) },
  { id: "schema-tb-room-missing", check: "db.schema", verdict: "fail", prepare: (w) => brokenCopy(w, ["DROP TABLE tb_room"]) },
  { id: "schema-column-narrowed", check: "db.schema", verdict: "fail", prepare: (w) => brokenCopy(w, ["ALTER TABLE tb_vod MODIFY userid varchar(20) NOT NULL"]) },
  // db.timezone
  { id: "timezone-plus-9", check: "db.timezone", verdict: "fail", prepare: (w) => timeZoneAccount(w, "+09:00") },
  { id: "timezone-minus-8", check: "db.timezone", verdict: "fail", prepare: (w) => timeZoneAccount(w, "-08:00") },
  { id: "timezone-plus-8-30", check: "db.timezone", verdict: "fail", prepare: (w) => timeZoneAccount(w, "+08:30") },
  // db.replay-window
  {
    id: "replay-every-vod-old",
    check: "db.replay-window",
    verdict: "warn",
    prepare: (w) => brokenCopy(w, ["INSERT INTO tb_vod (userid, file_id, create_time) VALUES ('u1', 'f1', NOW() - INTERVAL 10 DAY)"]),
  },
  { id: "replay-log-getroominfo", check: "db.replay-window", verdict: "warn", prepare: () => ({ files: { "log/mysql_error20261201.log.php": "[2026-12-01 10:00:00] getRoomInfo Error:user_42\n" } }) },
  { id: "replay-log-tape-too-short", check: "db.replay-window", verdict: "warn", prepare: () => ({ files: { "log/component_error20261201.log.php": "[2026-12-01 10:00:00] tape duration too short: 12\n" } }) },
  // db.privileges
  { id: "privileges-read-only", check: "db.privileges", verdict: "fail", prepare: (w) => account(w, ["GRANT SELECT ON {db}.* TO {user}"]) },
  {
    id: "privileges-no-update-tb-room",
    check: "db.privileges",
    verdict: "fail",
    prepare: (w) =>
      account(w, ["GRANT SELECT, INSERT, UPDATE ON {db}.`tb_account` TO {user}", "GRANT SELECT, INSERT, UPDATE ON {db}.`tb_vod` TO {user}", "GRANT SELECT, INSERT ON {db}.`tb_room` TO {user}"]),
  },
  {
    id: "privileges-no-select-tb-account",
    check: "db.privileges",
    verdict: "fail",
    prepare: (w) => account(w, ["GRANT INSERT, UPDATE ON {db}.`tb_account` TO {user}", "GRANT SELECT, INSERT, UPDATE ON {db}.`tb_vod` TO {user}", "GRANT SELECT, INSERT, UPDATE ON {db}.`tb_room` TO {user}"]),
  },
  {
    id: "privileges-role-not-default",
    check: "db.privileges",
    verdict: "fail",
    prepare: async (w) => {
      const role = uniqueName("brkrole").slice(0, 32);
      const a = await account(w, ["GRANT SELECT ON {db}.* TO {user}"], (user) => [`CREATE ROLE ${role}`, `GRANT SELECT, INSERT, UPDATE ON {db}.* TO ${role}`, `GRANT ${role} TO '${user}'@'%'`]);
      const cleanup = async () => {
        await a.cleanup!();
        await withRootConnection((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
      };
      return { ...a, cleanup };
    },
  },
  // live.callback-public
  { id: "public-resolves-10x", check: "live.callback-public", verdict: "fail", prepare: (w) => ({ resolve: ["--resolve", `${w.backendHost}:10.1.2.3`] }) },
  { id: "public-resolves-cgnat", check: "live.callback-public", verdict: "fail", prepare: (w) => ({ resolve: ["--resolve", `${w.backendHost}:100.64.7.8`] }) },
  { id: "public-one-address-private", check: "live.callback-public", verdict: "fail", prepare: (w) => ({ resolve: ["--resolve", `${w.backendHost}:${PUBLIC_ADDRESS},192.168.1.20`] }) },
  { id: "public-documentation-range", check: "live.callback-public", verdict: "fail", prepare: (w) => ({ resolve: ["--resolve", `${w.backendHost}:203.0.113.5`] }) },
  { id: "public-template-ip-literal", check: "live.callback-public", verdict: "fail", prepare: (w) => ({ state: (s) => (callbackTemplate(w, s).recordNotifyUrl = "http://0.0.0.0/callback/tape_callback.php") }) },
];

interface Outcome {
  status: string;
  run: CliRun;
}

async function inPool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let item = queue.shift(); item; item = queue.shift()) await fn(item);
  }));
}

const DOC = path.join(REPO_ROOT, "docs", "validators.md");

/** Rows of the docs table: `| \`row\` | \`check\` | how | verdict |`. */
function docRows(): { id: string; check: string; verdict: string }[] {
  const text = fs.readFileSync(DOC, "utf8");
  const start = text.indexOf("## How each check can be broken");
  if (start < 0) throw new Error("docs/validators.md has no section 'How each check can be broken'");
  const rest = text.slice(start + 3);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows: { id: string; check: string; verdict: string }[] = [];
  for (const line of section.split("\n")) {
    const m = /^\| `([a-z0-9-]+)` \| `([a-z.-]+)` \| .+ \| \*\*(\w+)\*\* \|$/.exec(line.trim());
    if (m) rows.push({ id: m[1], check: m[2], verdict: m[3] });
  }
  return rows;
}

describe("docs table ↔ tests", () => {
  test("every catalogue check has ≥ 3 rows, docs and tests hold the same rows, no row expects pass", () => {
    const docs = docRows();
    expect(docs.map((r) => r.id).sort()).toEqual(ROWS.map((r) => r.id).sort());
    expect(new Set(ROWS.map((r) => r.id)).size).toBe(ROWS.length);
    for (const r of ROWS) expect(docs.find((d) => d.id === r.id)).toEqual({ id: r.id, check: r.check, verdict: r.verdict });
    for (const c of CATALOGUE) expect({ check: c.id, rows: ROWS.filter((r) => r.check === c.id).length >= 3 }).toEqual({ check: c.id, rows: true });
    for (const r of ROWS) expect(["fail", "warn", "error"]).toContain(r.verdict);
    expect(fs.readFileSync(DOC, "utf8")).toMatch(/False passes: 0/);
  });
});

describe("every row through the CLI (sandbox + MariaDB)", () => {
  const w = {} as World;
  const outcomes = new Map<string, Outcome>();
  let previousInitConnect = "";

  beforeAll(async () => {
    requireBuiltCli();
    w.tmp = fs.mkdtempSync(path.join(os.tmpdir(), "break-table-"));
    const synth = synthesize({ envNames: ["dev"], outdir: w.tmp });
    w.stack = synth.stacks[0].stackName;
    w.server = await testServer();
    w.db = await createTestDatabase("brk", { create: false });
    const seed = await seedFromStack({
      stackDir: path.dirname(synth.stacks[0].file),
      mysqlUrl: `mysql://${encodeURIComponent(w.server.user)}@${w.server.host}:${w.server.port}/${w.db.name}`,
      owner: OWNER,
    });
    w.outputs = seed.outputs;
    w.outputsFile = seed.outputsFile;
    w.declared = synth.stacks[0].file;
    w.seedState = seed.state;
    w.backendHost = new URL(w.outputs.callback_url).hostname;
    w.sb = await startSandbox({ state: structuredClone(seed.state) });
    const user = uniqueName("brkb").slice(0, 32);
    const password = "Bb-" + Math.random().toString(36).slice(2) + "x9";
    await migrate({
      account: { host: w.server.host, port: w.server.port, user: w.server.user, password: w.server.password },
      database: w.db.name,
      createUser: { user, password, host: "%" },
    });
    w.healthy = backendConfigFromOutputs(w.outputs);
    w.healthy.db = { host: w.server.host, port: w.server.port, name: w.db.name, user, password };

    const prepared = new Map<string, Break>();
    await inPool(ROWS, CONCURRENCY, async (row) => void prepared.set(row.id, await row.prepare(w)));
    await withRootConnection(async (c) => {
      const [rows] = await c.query("SELECT @@global.init_connect AS v");
      previousInitConnect = String((rows as { v: string | null }[])[0].v ?? "");
      const cases = [...TIME_ZONES].map(([u, tz]) => `WHEN '${u}' THEN '${tz}'`).join(" ");
      await c.query("SET GLOBAL init_connect = ?", [`SET time_zone = CASE SUBSTRING_INDEX(USER(), '@', 1) ${cases} ELSE @@global.time_zone END`]);
    });
    try {
      await inPool(ROWS, CONCURRENCY, async (row) => void outcomes.set(row.id, await runRow(w, row, prepared.get(row.id)!)));
    } finally {
      await withRootConnection((c) => c.query("SET GLOBAL init_connect = ?", [previousInitConnect]));
      for (const b of prepared.values()) await b.cleanup?.().catch(() => undefined);
    }
  }, 240_000);

  afterAll(async () => {
    await w.sb?.close();
    await w.db?.drop().catch(() => undefined);
    await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [w.healthy?.db.user ?? "none"])).catch(() => undefined);
    if (w.tmp) fs.rmSync(w.tmp, { recursive: true, force: true });
  });

  test("healthy: each check passes on the unbroken world (so every row's verdict comes from its break)", async () => {
    const run = await validate(w, w.sb, ["--only", CATALOGUE.filter((c) => !c.optIn).map((c) => c.id).join(","), "--format", "json"], backendArgs(w, "healthy", {}), { process: true });
    const statuses = Object.fromEntries((JSON.parse(run.stdout) as { checks: { id: string; status: string }[] }).checks.map((c) => [c.id, c.status]));
    // live.callback-reachable (opt-in) needs a backend that answers: its rows bring their own.
    expect(Object.entries(statuses).filter(([, s]) => s !== "pass")).toEqual([]);
  });

  test.each(ROWS.map((r) => [r.id, r.check, r.verdict] as const))("%s: %s is %s", (id, check, verdict) => {
    const o = outcomes.get(id)!;
    expect({ id, check, status: o.status }).toEqual({ id, check, status: verdict });
    // Nothing a row plants that is secret shows in the report.
    for (const secret of [w.healthy.cos.secretKey, w.healthy.db.password, w.healthy.apiKey]) expect(o.run.stdout).not.toContain(secret);
  });
});

/** The healthy backend config with the row's break applied. */
function backendConfig(w: World, b: Break): BackendConfig {
  const cfg = structuredClone(w.healthy);
  b.backend?.(cfg);
  return cfg;
}

let n = 0;
function backendArgs(w: World, id: string, b: Break): string[] {
  const cfg = backendConfig(w, b);
  n++;
  if (b.json) {
    const file = path.join(w.tmp, `backend-${id}-${n}.json`);
    fs.writeFileSync(file, JSON.stringify(toBackendConfigJson(cfg), null, 2), { mode: 0o600 });
    return ["--backend-config", file];
  }
  const dir = path.join(w.tmp, `backend-${id}-${n}`);
  writeBackendDir(dir, cfg);
  for (const [rel, content] of Object.entries(b.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return ["--backend-dir", dir];
}

interface ValidateOptions {
  outputsFile?: string;
  resolve?: string[];
  /** Run as a real process instead of in-process. */
  process?: boolean;
}

function validate(w: World, sb: Sandbox, args: string[], backend: string[], o: ValidateOptions = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_RESOLVE"]) delete env[v];
  const common = ["--stack", w.stack, "--outputs", o.outputsFile ?? w.outputsFile, ...backend, "--declared", w.declared, "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--lang", "en"];
  return (o.process ? runCli : runCliInProcess)(["validate", ...common, ...(o.resolve ?? ["--resolve", `${w.backendHost}:${PUBLIC_ADDRESS}`]), ...args], env);
}

async function runRow(w: World, row: Row, b: Break): Promise<Outcome> {
  let sb = w.sb;
  let own: Sandbox | undefined;
  let outputsFile = w.outputsFile;
  if (b.state) {
    const state = structuredClone(w.seedState);
    b.state(state);
    own = sb = await startSandbox({ state });
  }
  if (b.outputs) {
    const doc = JSON.parse(fs.readFileSync(w.outputsFile, "utf8")) as Record<string, unknown>;
    const holder = (doc[w.stack] as Record<string, unknown> | undefined) ?? doc;
    for (const [k, v] of Object.entries(b.outputs)) {
      const cur = holder[k];
      holder[k] = cur && typeof cur === "object" && "value" in (cur as object) ? { ...(cur as object), value: v } : v;
    }
    outputsFile = path.join(w.tmp, `outputs-${row.id}.json`);
    fs.writeFileSync(outputsFile, JSON.stringify(doc));
  }
  try {
    const cos = backendConfig(w, b).cos;
    const spaced = [cos.secretId, cos.secretKey].some((k) => k.includes(" "));
    const run = await validate(w, sb, ["--only", row.check, "--format", "json", ...(b.args ?? [])], backendArgs(w, row.id, b), { outputsFile, resolve: b.resolve, process: spaced });
    let status: string;
    try {
      const report = JSON.parse(run.stdout) as { checks: { id: string; status: string; message: string }[] };
      const c = report.checks.find((x) => x.id === row.check);
      status = c?.status ?? "absent";
      if (c && c.status !== row.verdict) status += ` (${c.message}; ${report.checks.map((x) => `${x.id}=${x.status}`).join(" ")})`;
    } catch {
      status = `no report (exit ${run.code}): ${run.stderr.slice(-500)}`;
    }
    return { status, run };
  } finally {
    await own?.close();
  }
}
