/**
 * `npm run demo`: the whole product on one machine, offline.
 *
 *   1. synth the `dev` stack (in-process) into a temp cdktf.out — or, given `synthesized` (tests), copy that earlier
 *      synth's cdk.tf.json there, so many runs share one synth while each keeps its own outputs and backend files
 *   2. start the TencentDB stand-in (a throwaway MariaDB, or LIVE_INFRA_TEST_MYSQL_URL)
 *   3. start the sandbox in-process, seeded from the synthesized stack (writes outputs.json), its DB instance
 *      pointed at that MariaDB
 *   4. migrate the schema as the admin, creating the backend user (`--create-user`)
 *   5. seed demo rows (streamers with rooms, recent recordings longer than 60 s)
 *   6. render the backend's conf/OutDefine.php and conf/cdn.route.ini from the outputs into a temp dir
 *   7. break the environment as the scenario says (after migrate, so migrate cannot repair it)
 *   8. validate with the owner's control-plane keys against the sandbox endpoints
 *   9. drift: the synthesized stack and the outputs against the sandbox and the database; the findings must be
 *      exactly the scenario's `expect.drift`
 * then print both reports (in text, each ending with its verdict) and clean everything up, also on error or Ctrl-C.
 *
 * With a machine-readable format stdout holds exactly validate's report; progress, logs, drift's text report and
 * the verdicts go to stderr. Exit code = validate's (0 nothing failed, 1 a check failed or errored), and 1 when
 * drift's findings differ from the scenario's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Connection } from "mysql2/promise";
import { backendConfigFromOutputs, writeBackendDir, BackendConfig } from "../common/backend-config";
import { InputError } from "../common/errors";
import { redact } from "../common/mask";
import { readStackOutputs, StackOutputs } from "../common/outputs";
import { freePort, launchMariaDb, parseServerUrl, MysqlServer } from "../sandbox/mariadb";
import type { FaultConfig } from "../sandbox/faults";
import type { Sandbox } from "../sandbox/server";
import { breakerFor, BreakContext } from "./breakage";
import { Cleanup } from "./cleanup";
import * as parts from "./parts";
import { seedDemoRows, DEMO_STREAMERS } from "./rows";
import { findScenario, SCENARIO_NAMES, Scenario } from "./scenarios";
import { guardStdout } from "./stdout-guard";

export type ReportFormat = "text" | "json" | "junit" | "markdown" | "html";
export type Lang = "zh" | "en";

/** The stack the demo synthesizes and seeds from. */
export const DEMO_ENV = "dev";

export interface DemoOptions {
  scenario: string;
  format: ReportFormat;
  lang: Lang;
  /** Per-check timeout handed to validate, ms (default: validate's own). */
  timeoutMs?: number;
  /**
   * An existing server to use instead of launching MariaDB (`mysql://USER[:PASSWORD]@HOST:PORT/`, an account that
   * may create databases and users). Default LIVE_INFRA_TEST_MYSQL_URL. On such a shared server the demo works in a
   * database and user of its own, dropped afterwards, and restores any global variable it changes.
   */
  mysqlUrl?: string;
  /** Write the report here instead of process.stdout (tests). */
  out?: (text: string) => Promise<void> | void;
  /** Progress/log lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Terminal for the live checklist of the text format (default: stderr when it is a TTY and `out` is not set).
   * `log` must write to the same terminal, or the checklist's redraw lands on the wrong lines.
   */
  progressStream?: NodeJS.WritableStream;
  /** Also log every request the sandbox answers (default: only with LIVE_INFRA_DEBUG set). */
  verbose?: boolean;
  // --- internal hooks (not on the CLI): tests use them ---
  /** Sandbox faults set (through the control API) right before validate. */
  faults?: FaultConfig;
  /** Called after the breakage, before validate, with what the run set up (tests plant canaries here). */
  beforeValidate?: (ctx: DemoContext) => Promise<void> | void;
  /** Called with validate's wall time, ms (the benchmark). */
  onValidated?: (ms: number) => void;
  /** Called with drift's wall time, ms. */
  onDrift?: (ms: number) => void;
  /**
   * The `live-demo-dev` stack from an earlier `parts.synthStack(DEMO_ENV, dir)`: step 1 copies its cdk.tf.json into
   * this run's temp folder instead of synthesizing (tests share one synth across runs). Only read, never removed:
   * the caller owns it. Sandbox state, outputs file and backend files stay the run's own.
   */
  synthesized?: parts.SynthesizedStack;
}

/** What a run set up; handed to `beforeValidate`. Holds secrets: never print it. */
export interface DemoContext {
  scenario: Scenario;
  stack: string;
  outputsFile: string;
  outputs: StackOutputs;
  backendDir: string;
  backend: BackendConfig;
  endpoints: { api: string; cos: string; control: string };
  ownerKeys: { secretId: string; secretKey: string };
  /** The in-process sandbox (its state store and fault rules). */
  sandbox: Sandbox;
  /** Rewrites the backend files from `backend` (after a hook changed it). */
  writeBackend(): void;
}

export interface DemoResult {
  exitCode: number;
  /** The report in the requested format (what went to stdout). */
  reportText: string;
  /** The validation result (for tests and other renderers). */
  result: parts.ValidationResult;
  /** Drift's report, and how its findings differ from the scenario's (empty: as expected). */
  drift: parts.DriftReport;
  driftMismatch: string[];
  durationMs: number;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const scenario = findScenario(opts.scenario);
  if (!scenario) {
    throw new InputError(`unknown scenario "${opts.scenario}"; allowed: ${SCENARIO_NAMES.join(", ")}`);
  }
  const started = Date.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = new Set<string>();
  const safeLog = (line: string) => log(redact(line, secrets));
  const cleanup = new Cleanup(safeLog);
  const guard = opts.out ? undefined : guardStdout();
  cleanup.arm();

  const L = (en: string, zh: string) => (opts.lang === "zh" ? zh : en);
  const STEPS = 9;
  let stepNo = 0;
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    stepNo++;
    if (cleanup.started) throw new Error("interrupted");
    const t0 = Date.now();
    safeLog(`[${stepNo}/${STEPS}] ${label}…`);
    const r = await fn();
    if (cleanup.started) throw new Error("interrupted");
    safeLog(`[${stepNo}/${STEPS}] ${label}: ${L("done", "完成")} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return r;
  };

  try {
    safeLog(`live-infra demo: ${L("scenario", "场景")} "${scenario.name}" — ${L("breaks", "破坏")}: ${scenario.breaks[opts.lang]}`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-demo-"));
    cleanup.add("remove temp dir", () => fs.rmSync(tmp, { recursive: true, force: true }));

    // 1. synth
    const synthesized = opts.synthesized;
    const synth = await step(L(`synth the "${DEMO_ENV}" stack`, `合成 "${DEMO_ENV}" 栈`), async () => {
      if (!synthesized) return parts.synthStack(DEMO_ENV, path.join(tmp, "cdktf.out"));
      if (synthesized.stack !== `live-demo-${DEMO_ENV}`) {
        throw new Error(`synthesized: expected the live-demo-${DEMO_ENV} stack, got ${synthesized.stack}`);
      }
      safeLog(`      ${L("reusing an earlier synth", "复用先前的合成结果")}`);
      return parts.copySynthesized(synthesized, path.join(tmp, "cdktf.out"));
    });

    // 2. database server
    const server = await step(L("start the TencentDB stand-in (MariaDB)", "启动 TencentDB 替身（MariaDB）"), async () => {
      const url = opts.mysqlUrl ?? process.env.LIVE_INFRA_TEST_MYSQL_URL;
      const s = url ? serverFromUrl(url) : await launchMariaDb({ log: "file" });
      cleanup.add("stop MariaDB", () => s.stop());
      if (s.password) secrets.add(s.password);
      safeLog(
        `      ${s.external ? L("using the existing server at", "使用已有的 MySQL 服务器") : L("launched MariaDB on", "已启动 MariaDB，地址")} ${s.host}:${s.port}`,
      );
      return s;
    });
    const admin = await parts.connectAdmin(server);
    cleanup.add("close the admin connection", () => admin.end());

    // 3. sandbox
    const sb = await step(L("start the sandbox, seeded from the stack", "启动沙箱（按栈填充账号状态）"), async () => {
      const verbose = opts.verbose ?? !!process.env.LIVE_INFRA_DEBUG;
      const s = await parts.startSeededSandbox({
        stackDir: synth.stackDir,
        stack: synth.stack,
        server,
        log: safeLog,
        requestLog: verbose ? safeLog : undefined,
      });
      cleanup.add("stop the sandbox", () => s.close());
      return s;
    });
    let outputs = readStackOutputs(sb.outputsFile, synth.stack);
    for (const v of [outputs.db_password, outputs.db_root_password, outputs.callback_key, outputs.signer_secret_key]) {
      if (v) secrets.add(v);
    }
    secrets.add(sb.ownerKeys.secretKey);

    // On a shared server the demo gets a database and user of its own, so runs never collide and leave nothing.
    if (server.external) {
      outputs = await parts.isolateDatabase({ outputs, outputsFile: sb.outputsFile, stack: synth.stack, sandbox: sb });
      const isolated = outputs;
      cleanup.add("drop the demo database and user", async () => {
        await admin.query(`DROP DATABASE IF EXISTS \`${isolated.db_name}\``);
        await admin.query(`DROP USER IF EXISTS '${isolated.db_user}'@'%'`);
      });
    }

    // 4. migrate
    await step(
      L(
        `migrate ${outputs.db_name} (creating the backend user ${outputs.db_user})`,
        `迁移 ${outputs.db_name}（创建后台账号 ${outputs.db_user}）`,
      ),
      () => parts.migrate({ server, outputs, log: safeLog }),
    );

    // 5. demo rows
    await step(L("seed demo rows (streamers, rooms, recent recordings)", "写入演示数据（主播、房间、近期录制）"), async () => {
      await admin.query(`USE \`${outputs.db_name}\``);
      const n = await seedDemoRows(admin as Connection, {
        appid: outputs.appid,
        bucket: outputs.bucket,
        bucketRegion: outputs.bucket_region,
        playDomain: outputs.play_domain,
        appName: outputs.app_name,
      });
      safeLog(`      ${L(`${DEMO_STREAMERS.length} streamers with rooms, ${n} recordings`, `${DEMO_STREAMERS.length} 个有房间的主播，${n} 条录制`)}`);
    });

    // 6. backend configuration
    const backendDir = path.join(tmp, "live_demo_service");
    const backend = backendConfigFromOutputs(outputs);
    const writeBackend = () => {
      writeBackendDir(backendDir, backend);
    };
    await step(L("render conf/OutDefine.php and conf/cdn.route.ini from the outputs", "按栈输出生成 conf/OutDefine.php 与 conf/cdn.route.ini"), async () => {
      writeBackend();
      // The backend's log directory (validate reads it for db.replay-window); the CVM image creates it too.
      fs.mkdirSync(path.join(backendDir, "log"), { recursive: true });
    });

    // 7. break
    await step(`${L("break", "制造故障")}: ${scenario.breaks[opts.lang]}`, async () => {
      const ctx: BreakContext = {
        outputs,
        backendDir,
        backend,
        mutateSandbox: (change) => parts.mutateSandboxState(sb.control, change),
        plantCallbackRule: (rule) => parts.plantCallbackRule(sb.control, rule),
        adminSql: (sql) => admin.query(sql),
        setBackendTimeZone: async (tz) => {
          const setGlobal = async (name: string, value: string) => {
            const [rows] = await admin.query(`SELECT @@GLOBAL.${name} AS v`);
            const before = String((rows as Array<{ v: unknown }>)[0].v ?? "");
            await admin.query(`SET GLOBAL ${name} = ?`, [value]);
            cleanup.add(`restore @@GLOBAL.${name}`, async () => {
              await admin.query(`SET GLOBAL ${name} = ?`, [before]);
            });
          };
          if (!server.external) return setGlobal("time_zone", tz);
          // init_connect runs for accounts without SUPER / CONNECTION ADMIN, i.e. the backend user.
          const user = outputs.db_user.replace(/'/g, "''");
          await setGlobal(
            "init_connect",
            `SET time_zone = IF(SUBSTRING_INDEX(USER(), '@', 1) = '${user}', '${tz}', @@global.time_zone)`,
          );
        },
        closedPort: () => freePort(),
      };
      await breakerFor(scenario.name)(ctx);
      writeBackend();
    });

    const demoCtx: DemoContext = {
      scenario,
      stack: synth.stack,
      outputsFile: sb.outputsFile,
      outputs,
      backendDir,
      backend,
      endpoints: { api: sb.api, cos: sb.cos, control: sb.control },
      ownerKeys: sb.ownerKeys,
      sandbox: sb.sandbox,
      writeBackend,
    };
    if (opts.faults) await parts.setSandboxFaults(sb.control, opts.faults);
    if (opts.beforeValidate) await opts.beforeValidate(demoCtx);

    // 8. validate
    const v0 = Date.now();
    // On a terminal, a live checklist on stderr while the checks run. It is cleared before the step's "done" line
    // (clearing moves the cursor up over exactly the checklist's lines).
    const tty = opts.progressStream ?? (!opts.out && process.stderr.isTTY ? process.stderr : undefined);
    const printer =
      opts.format === "text" && tty
        ? parts.createProgressPrinter(tty, { lang: opts.lang, live: true, color: parts.useColor(tty as NodeJS.WriteStream) })
        : undefined;
    const result = await step(L("validate", "校验"), async () => {
      try {
        return await parts.validate({
          stack: synth.stack,
          stackDir: synth.stackDir,
          outputsFile: sb.outputsFile,
          backendDir,
          api: sb.api,
          cos: sb.cos,
          ownerKeys: sb.ownerKeys,
          lang: opts.lang,
          timeoutMs: opts.timeoutMs,
          onProgress: printer?.onProgress,
        });
      } finally {
        printer?.clear();
      }
    });
    opts.onValidated?.(Date.now() - v0);

    // 9. drift
    const drift = await step(L("drift", "漂移检查"), async () => {
      const d0 = Date.now();
      const r = await parts.drift({
        stack: synth.stack,
        stackDir: synth.stackDir,
        outputsFile: sb.outputsFile,
        api: sb.api,
        cos: sb.cos,
        ownerKeys: sb.ownerKeys,
      });
      opts.onDrift?.(Date.now() - d0);
      return r;
    });
    const driftMismatch = parts.driftMismatch(drift, scenario.expect.drift);

    // report
    const color = opts.format === "text" && !opts.out && parts.useColor(process.stdout);
    const reportText = parts.renderReport(result, opts.format, opts.lang, color);
    const driftText = parts.renderDriftReport(drift, "text", { lang: opts.lang });
    const exitCode = driftMismatch.length ? 1 : parts.exitCodeOf(result);
    const write = opts.out ?? ((t: string) => guard!.writeStdout(t));
    const nl = (t: string) => (t.endsWith("\n") ? t : `${t}\n`);
    // The text checklist ends with validate's verdict line, drift's report with its own; other formats keep stdout
    // for validate's report and get drift's on stderr.
    if (opts.format === "text") {
      await write(`${nl(reportText)}\n${nl(driftText)}`);
    } else {
      await write(nl(reportText));
      for (const line of driftText.replace(/\n$/, "").split("\n")) safeLog(line);
    }
    for (const m of driftMismatch) safeLog(`live-infra demo: ${L("drift differs from the scenario", "漂移与场景预期不符")}: ${m}`);
    if (opts.format === "text") {
      safeLog(
        `live-infra demo: ${L("scenario", "场景")} "${scenario.name}" — ${L("exit code", "退出码")} ${exitCode}, ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } else {
      safeLog(parts.verdictLine(result, scenario, opts.lang, Date.now() - started));
    }
    return { exitCode, reportText, result, drift, driftMismatch, durationMs: Date.now() - started };
  } finally {
    const t0 = Date.now();
    await cleanup.run();
    guard?.release();
    const secs = (ms: number) => (ms / 1000).toFixed(1);
    log(L(`cleaned up (${secs(Date.now() - t0)} s); total ${secs(Date.now() - started)} s`, `已清理（${secs(Date.now() - t0)} 秒）；总用时 ${secs(Date.now() - started)} 秒`));
  }
}

/** An existing server named by URL: used as is, never stopped. */
function serverFromUrl(url: string): MysqlServer {
  const p = parseServerUrl(url);
  return { url, host: p.host, port: p.port, user: p.user, password: p.password, external: true, stop: async () => undefined };
}
