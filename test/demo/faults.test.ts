/**
 * The demo under faults and bad input:
 *  - throttling on 30 % and 5xx on 10 % of all API/COS calls give the same verdicts as healthy (the runner retries);
 *  - a hung endpoint ends in bounded time with `error` for its check, never `pass`;
 *  - malformed OutDefine.php / cdn.route.ini / outputs files make `live-infra validate` exit 2 naming file and line
 *    (one case as a real process, the others in-process through the CLI's own main);
 *  - with --format json stdout of the REAL `live-infra demo` holds exactly the report (and the scenario's table); with
 *    junit and markdown the in-process report holds no progress, log or verdict line and nothing else reaches stdout;
 *  - secret canaries (and the run's real secrets) appear in no report format, language, or log line.
 * Demo runs are in-process (runDemo on one shared synth, test/helpers/demo.ts) with its internal `faults` hook (set
 * through the sandbox control API), except the json run and Ctrl-C, which need the real process (started with the
 * file, running alongside the others).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as mysql from "mysql2/promise";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { backendConfigFromOutputs, writeBackendDir } from "../../common/backend-config";
import { writeStackOutputs } from "../../common/outputs";
import type { DemoContext, DemoResult } from "../../demo/run";
import { renderReport } from "../../demo/parts";
import { SCENARIOS } from "../../demo/scenarios";

import { CLI, CliRun, REPO_ROOT as ROOT, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { assertScenarioTable, inProcessDemo, JsonReport } from "../helpers/demo";
import { sampleOutputs } from "../helpers/fixtures";
import { testServer } from "../helpers/mysql";

/** runDemo in-process with the report and log captured; the sandbox logs every request it answers. */
const demo = inProcessDemo({ format: "json", lang: "en", verbose: true });

const statuses = (r: DemoResult) => Object.fromEntries(r.result.checks.map((c) => [c.id, c.status]));

/**
 * The two real-CLI runs are separate processes with their own sandbox and database: they start with the file and run
 * alongside the in-process tests; their tests await them and check what they left behind.
 */
let jsonRun: Promise<CliRun>;
let sigintRun: Promise<SigintRun>;
beforeAll(() => {
  requireBuiltCli();
  jsonRun = runCli(["demo", "--scenario", "db-unreachable", "--format", "json"]);
  sigintRun = demoInterrupted();
  // Awaited by their tests; a failure before then must not surface as an unhandled rejection.
  jsonRun.catch(() => undefined);
  sigintRun.catch(() => undefined);
});

interface SigintRun {
  code: number | null;
  stderr: string;
  /** @@GLOBAL.init_connect before the run. */
  before: string;
}

/** `live-infra demo --scenario db-timezone` as a process, sent SIGINT once it reaches step 7 (before validate). */
async function demoInterrupted(): Promise<SigintRun> {
  const server = await testServer();
  const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  let before: string;
  try {
    const [[row]] = (await conn.query("SELECT @@GLOBAL.init_connect AS v")) as unknown as [[{ v: string }]];
    before = row.v;
  } finally {
    await conn.end();
  }
  const child = spawn(process.execPath, [CLI, "demo", "--scenario", "db-timezone", "--format", "json", "--lang", "en"], {
    cwd: ROOT,
    env: { ...process.env, LIVE_INFRA_TEST_MYSQL_URL: server.url, LIVE_INFRA_DEBUG: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : null))));
  await new Promise<void>((resolve) => {
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      if (/\[7\/9\]/.test(stderr)) resolve();
    });
    child.on("close", () => resolve());
  });
  child.kill("SIGINT");
  const code = await exited;
  return { code, stderr, before };
}

describe("transient faults are retried", () => {
  let healthy: Record<string, string>;
  beforeAll(async () => {
    const r = await demo({ scenario: "healthy" });
    healthy = statuses(r);
    expect(Object.values(healthy).every((s) => s === "pass")).toBe(true);
  }, 180_000);

  test("throttling on 30 % of calls: same verdicts as healthy", async () => {
    const r = await demo({ scenario: "healthy", faults: { rules: { "*": { throttleRate: 0.3 } } } });
    expect(statuses(r)).toEqual(healthy);
    expect(r.exitCode).toBe(0);
    // The faults did happen (the sandbox logs each answer): throttled API calls and COS SlowDown.
    expect(r.log.join("\n")).toMatch(/RequestLimitExceeded|SlowDown/);
  }, 180_000);

  test("5xx on 10 % of calls: same verdicts as healthy", async () => {
    const r = await demo({ scenario: "healthy", faults: { rules: { "*": { errorRate: 0.1 } } } });
    expect(statuses(r)).toEqual(healthy);
    expect(r.exitCode).toBe(0);
    expect(r.log.join("\n")).toMatch(/HTTP 500 \(fault\)|→ 500/);
  }, 180_000);

  test("both at once, on a broken scenario: the scenario's verdicts stand", async () => {
    const s = SCENARIOS.find((x) => x.name === "wrong-secret-key")!;
    const r = await demo({ scenario: s.name, faults: { rules: { "*": { throttleRate: 0.3, errorRate: 0.1 } } } });
    const got = statuses(r);
    for (const id of s.expect.fail) expect(got[id]).toBe("fail");
    for (const id of s.expect.skip) expect(got[id]).toBe("skip");
    expect(r.exitCode).toBe(1);
  }, 180_000);
});

test("a hung endpoint: the check ends as error (never pass) within its timeout, dependants skip", async () => {
  // DescribeLiveCallbackRules answers only after 8 s; the per-check timeout is 1 s. Once validate is done the fault
  // is lifted, so drift (which has no such timeout) does not wait the 8 s out.
  let ctx: DemoContext | undefined;
  let validateMs = Infinity;
  const r = await demo({
    scenario: "healthy",
    timeoutMs: 1000,
    faults: { rules: { "live:DescribeLiveCallbackRules": { latencyMs: 8000 } } },
    beforeValidate: (c) => {
      ctx = c;
    },
    onValidated: (ms) => {
      validateMs = ms;
      ctx!.sandbox.faults.set({ rules: {} });
    },
  });
  // Bounded by the timeout, not by the 8 s answer.
  expect(validateMs).toBeLessThan(8000);
  const got = statuses(r);
  expect(got["live.callback-rule"]).toBe("error");
  expect(got["live.callback-url"]).toBe("skip");
  expect(got["live.callback-key"]).toBe("skip");
  expect(Object.values(got)).not.toContain("fail");
  expect(r.exitCode).toBe(1);
  const check = r.result.checks.find((c) => c.id === "live.callback-rule")!;
  expect(check.message).toMatch(/time|timed out/i);
}, 180_000);

describe("malformed input files: live-infra validate exits 2 naming file and line", () => {
  let dir: string;
  let outputsFile: string;
  let backendDir: string;
  const stack = "live-demo-dev";
  // Port 1 and a TEST-NET callback host: nothing answers. The canaries must appear in no message.
  const outputs = sampleOutputs({
    bucket: "live-demo-dev-upload-1250000000",
    callback_url: "http://203.0.113.10/callback/tape_callback.php",
    db_host: "127.0.0.1",
    db_port: 1,
    db_password: "pw-CANARY-db",
    callback_key: "CANARYcallbackKey0000000000000000",
    signer_secret_id: "AKIDCANARYsignerId000000000000000000",
    signer_secret_key: "CANARYsignerKey00000000000000000",
  });
  // Closed endpoints: nothing may be contacted before the files are parsed.
  const env = {
    ...process.env,
    TENCENTCLOUD_SECRET_ID: "AKIDownerCANARY0000000000000000000000",
    TENCENTCLOUD_SECRET_KEY: "ownerCANARYkey000000000000000000",
    LIVE_INFRA_API_ENDPOINT: "http://127.0.0.1:1",
    LIVE_INFRA_COS_ENDPOINT: "http://127.0.0.1:1",
  };
  // The first case runs the real process; the others the same command in-process (test/helpers/cli-inprocess.ts).
  const args = () => ["validate", "--stack", stack, "--outputs", outputsFile, "--backend-dir", backendDir, "--format", "json"];
  const validateProcess = () => runCli(args(), env);
  const validate = () => runCliInProcess(args(), env);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-faults-"));
    outputsFile = path.join(dir, "outputs.json");
    backendDir = path.join(dir, "backend");
    writeStackOutputs(outputsFile, stack, outputs);
    writeBackendDir(backendDir, backendConfigFromOutputs(outputs));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Replaces line `n` (1-based) of a file. */
  function breakLine(file: string, n: number, text: string): void {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    lines[n - 1] = text;
    fs.writeFileSync(file, lines.join("\n"));
  }
  function lineOf(file: string, needle: string): number {
    return fs.readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;
  }

  test("OutDefine.php with a define missing its comma", async () => {
    const file = path.join(backendDir, "conf", "OutDefine.php");
    const n = lineOf(file, "COSKEY_BUCKET_REGION");
    breakLine(file, n, "define('COSKEY_BUCKET_REGION' 'ap-guangzhou');");
    const r = await validateProcess();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`OutDefine\\.php:${n}\\b`));
  }, 60_000);

  test("OutDefine.php missing a ';' between two defines", async () => {
    const file = path.join(backendDir, "conf", "OutDefine.php");
    const n = lineOf(file, "COSKEY_APPID");
    breakLine(file, n, "define('COSKEY_APPID', 1250000000) define('X', 1);");
    const r = await validate();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`OutDefine\\.php:${n}\\b`));
  }, 60_000);

  test("cdn.route.ini with a line that is not INI", async () => {
    const file = path.join(backendDir, "conf", "cdn.route.ini");
    const n = lineOf(file, "PORT");
    breakLine(file, n, "PORT 3306 this is not ini");
    const r = await validate();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`cdn\\.route\\.ini:${n}\\b`));
  }, 60_000);

  test("outputs file that is not valid JSON", async () => {
    const n = lineOf(outputsFile, '"bucket"');
    breakLine(outputsFile, n, '    "bucket": "live-demo-dev-upload-1250000000"');
    const r = await validate();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`outputs\\.json:(${n}|${n + 1})\\b`));
  }, 60_000);

  test("no message quotes a secret", async () => {
    const file = path.join(backendDir, "conf", "OutDefine.php");
    breakLine(file, lineOf(file, "COSKEY_SECRECTKEY"), "define('COSKEY_SECRECTKEY', 'CANARYsignerKey00000000000000000'");
    const r = await validate();
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toContain("CANARYsignerKey");
  }, 60_000);
});

describe("stdout holds exactly the report", () => {
  test("real CLI, --format json: all of stdout parses as one JSON document, the scenario's table", async () => {
    const r = await jsonRun;
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.version).toBe(1);
    assertScenarioTable(SCENARIOS.find((s) => s.name === "db-unreachable")!, doc);
    expect(r.stderr).toMatch(/\[1\/9\]/);
    expect(r.stderr).toMatch(/结论|Verdict/);
  }, 180_000);

  // In-process: the report is what goes to stdout; the helper fails a run that writes anything else to stdout.
  test("--format junit: the report is one XML document", async () => {
    const r = await demo({ scenario: "healthy", format: "junit", verbose: false });
    expect(r.exitCode).toBe(0);
    const xml = r.out.trim();
    expect(xml.startsWith("<?xml")).toBe(true);
    expect(xml.endsWith("</testsuites>") || xml.endsWith("</testsuite>")).toBe(true);
    expect(r.out).not.toMatch(/\[\d\/9\]|Verdict/);
  }, 60_000);

  test("--format markdown: no progress or verdict in the report", async () => {
    const r = await demo({ scenario: "healthy", format: "markdown", verbose: false });
    expect(r.exitCode).toBe(0);
    expect(r.out.startsWith("# ")).toBe(true);
    expect(r.out).toMatch(/cos\.bucket/);
    // The report's own verdict is part of it; the demo's verdict line, progress and logs are not.
    expect(r.out).not.toMatch(/\[\d\/9\]|demo total|cleaned up|sandbox: listening|migrate:/);
    expect(r.log.join("\n")).toMatch(/demo total/);
  }, 60_000);
});

test("secret canaries appear in no report format or language, nor in the log", async () => {
  const canaries = {
    apiKey: "CANARYapiKeyXq7Z000000000000000",
    secretKey: "CANARYcosSecretKeyXq7Z000000000",
    dbPassword: "CANARY-db-passwd-Xq7Z",
  };
  const real: string[] = [];
  let secretId = "";
  const r = await demo({
    scenario: "healthy",
    beforeValidate: (ctx) => {
      real.push(
        ctx.ownerKeys.secretKey,
        ctx.backend.apiKey,
        ctx.backend.cos.secretKey,
        ctx.backend.db.password,
        ...[ctx.outputs.db_root_password ?? "", ctx.outputs.signer_secret_key ?? ""].filter(Boolean),
      );
      secretId = ctx.backend.cos.secretId;
      ctx.backend.apiKey = canaries.apiKey;
      ctx.backend.cos.secretKey = canaries.secretKey;
      ctx.backend.db.password = canaries.dbPassword;
      ctx.writeBackend();
    },
  });
  // The canaries broke what they replaced…
  const got = statuses(r);
  expect(got["live.callback-key"]).toBe("fail");
  expect(got["cos.secret-key"]).toBe("fail");
  expect(got["db.connect"]).toBe("fail");
  // …and no rendering of the result quotes any secret.
  const secrets = [...Object.values(canaries), ...real];
  for (const format of ["text", "json", "junit", "markdown"]) {
    for (const lang of ["zh", "en"]) {
      const text = renderReport(r.result, format, lang);
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toContain(secretId);
    }
  }
  for (const s of secrets) expect(r.out + r.log.join("\n")).not.toContain(s);
}, 180_000);

describe("clean-up", () => {
  const refuses = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", () => resolve(true));
    });

  async function adminConn() {
    const server = await testServer();
    const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
    return { conn, server };
  }

  test("an error mid-run still stops the sandbox, drops the demo database and removes the temp dir", async () => {
    let seen: { tmp: string; sandboxPort: number; db: string } | undefined;
    await expect(
      demo({
        scenario: "healthy",
        mysqlUrl: (await testServer()).url,
        beforeValidate: (ctx) => {
          seen = { tmp: path.dirname(ctx.backendDir), sandboxPort: Number(new URL(ctx.endpoints.api).port), db: ctx.outputs.db_name };
          throw new Error("boom (planted by the test)");
        },
      }),
    ).rejects.toThrow("boom");
    expect(seen).toBeDefined();
    expect(fs.existsSync(seen!.tmp)).toBe(false);
    expect(await refuses(seen!.sandboxPort)).toBe(true);
    const { conn } = await adminConn();
    try {
      const [rows] = await conn.query("SHOW DATABASES LIKE ?", [seen!.db]);
      expect(rows).toHaveLength(0);
    } finally {
      await conn.end();
    }
  }, 180_000);

  test("Ctrl-C (SIGINT) on the real CLI: exit 130, sandbox stopped, demo database dropped, init_connect restored", async () => {
    const { code, stderr, before } = await sigintRun;
    const { conn } = await adminConn();
    try {
      const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);
      const db = /creating database (\S+)/.exec(stderr)?.[1];
      expect(port).toBeGreaterThan(0);
      expect(db).toMatch(/^live_demo_/);
      // Either the signal arrived in time (130) or the run had already finished (exit 1 for db-timezone).
      expect([130, 1]).toContain(code);
      expect(await refuses(port)).toBe(true);
      const [rows] = await conn.query("SHOW DATABASES LIKE ?", [db]);
      expect(rows).toHaveLength(0);
      const [[after]] = (await conn.query("SELECT @@GLOBAL.init_connect AS v")) as unknown as [[{ v: string }]];
      expect(after.v).toBe(before);
    } finally {
      await conn.end();
    }
  }, 180_000);
});

/** The screen a terminal shows after `text` (handles \n, \r, ESC[nA, ESC[2K, ESC[J; drops colours). */
function screen(text: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  const re = /\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g;
  for (const m of text.matchAll(re)) {
    const t = m[0];
    if (t === "\n") {
      row++;
      if (row === lines.length) lines.push("");
    } else if (t === "\r") {
      // column 0: the next text overwrites the line (every writer here clears it first)
    } else if (m[2] === "A") row = Math.max(0, row - Number(m[1] || 1));
    else if (m[2] === "K") lines[row] = "";
    else if (m[2] === "J") lines.splice(row, lines.length - row, "");
    else if (!m[2]) lines[row] += t;
  }
  return lines.filter((l, i) => l !== "" || i < lines.length - 1);
}

test("text on a terminal: the live checklist is drawn and then fully cleared, no stray line left", async () => {
  let term = "";
  const tty = Object.assign(
    {
      write(chunk: string | Uint8Array) {
        term += String(chunk);
        return true;
      },
    },
    { isTTY: true },
  ) as unknown as NodeJS.WritableStream;
  await demo({
    scenario: "healthy",
    format: "text",
    verbose: false,
    log: (l) => tty.write(`${l}\n`),
    progressStream: tty,
  });
  // It was drawn…
  expect(term).toMatch(/RUN .*cos\.bucket/);
  // …and nothing of it is left on the screen; the step's own lines are.
  const shown = screen(term);
  expect(shown.filter((l) => /cos\.bucket|db\.schema|live\.domains/.test(l))).toEqual([]);
  expect(shown.some((l) => /^\[8\/9\] validate…$/.test(l))).toBe(true);
  expect(shown.some((l) => /^\[8\/9\] validate: done/.test(l))).toBe(true);
}, 120_000);
