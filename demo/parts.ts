/**
 * The demo's adapters over the other rooms (stacks, sandbox, database, validators). Kept in one file so the
 * orchestration in run.ts reads as the nine steps and does not depend on each room's exact call shapes.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Connection } from "mysql2/promise";
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../common/lazy";
import { loadBackendDir } from "../common/backend-config";
import { readStackOutputs, writeStackOutputs, StackOutputs } from "../common/outputs";
import { newSecretPair, seedFromStack } from "../sandbox/seed";
import { startSandbox } from "../sandbox/server";
import {
  exitCodeOf as validationExitCode,
  renderReport as renderValidation,
  createProgressPrinter,
  runValidation,
  useColor,
  verdictLine as validationVerdict,
} from "../validators";
import type { Lang, ProgressEvent, Report, ReportFormat } from "../validators";
import type { MysqlServer } from "../sandbox/mariadb";
import type { FaultConfig } from "../sandbox/faults";
import type { Sandbox } from "../sandbox/server";
import type { State } from "../sandbox/state";
import { migrate as runMigration } from "../database/migrate";
import { synthesize } from "../stacks/synth";
import {
  exitCodeOf as driftExitCode,
  loadDeclaration,
  renderDriftReport,
  runDrift,
  verdictLine as driftVerdict,
  type DriftReport,
} from "../drift";
import type { ExpectedFinding, Scenario } from "./scenarios";

const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);

export type ValidationResult = Report;

/**
 * The public address the demo declares for the stack's backend host (the callback URL's host), as
 * `--resolve HOST:81.70.1.10` would: live.callback-public classifies it without any DNS query, and nothing is ever
 * sent to it. An ordinary public address — not a documentation range such as 203.0.113.0/24, which is reserved.
 */
export const DEMO_BACKEND_ADDRESS = "81.70.1.10";

/** The `--resolve` values the demo's validate runs with: the callback URL's host → {@link DEMO_BACKEND_ADDRESS}. */
export function demoResolve(outputs: Pick<StackOutputs, "callback_url">): string[] {
  let host: string;
  try {
    host = new URL(outputs.callback_url).hostname;
  } catch {
    return [];
  }
  // An IP literal needs no declaration.
  if (!host || /^[\d.]+$/.test(host) || host.startsWith("[")) return [];
  return [`${host}:${DEMO_BACKEND_ADDRESS}`];
}

/** A synthesized stack: its name and the folder holding its cdk.tf.json. */
export interface SynthesizedStack {
  stack: string;
  stackDir: string;
  resources: number;
}

/** Synthesizes one environment in-process (with the schema conformance check) into `outdir`. */
export async function synthStack(env: string, outdir: string): Promise<SynthesizedStack> {
  process.env.CHECKPOINT_DISABLE = "1";
  const r = synthesize({ envNames: [env], outdir });
  const s = r.stacks[0];
  if (!s) throw new Error(`synth produced no stack for environment "${env}"`);
  if (s.violations.length) {
    throw new Error(`the ${s.stackName} stack does not conform to the provider schema: ${s.violations[0].path}: ${s.violations[0].message}`);
  }
  return { stack: s.stackName, stackDir: path.dirname(s.file), resources: s.resourceCount };
}

/**
 * A stack folder of a run's own from an earlier {@link synthStack}: copies its cdk.tf.json to
 * `<outdir>/stacks/<stack>/`, so what the run writes beside it (the seeded outputs.json) never touches the original.
 */
export function copySynthesized(from: SynthesizedStack, outdir: string): SynthesizedStack {
  const stackDir = path.join(outdir, "stacks", from.stack);
  fs.mkdirSync(stackDir, { recursive: true });
  fs.copyFileSync(path.join(from.stackDir, "cdk.tf.json"), path.join(stackDir, "cdk.tf.json"));
  return { ...from, stackDir };
}

export async function connectAdmin(server: MysqlServer): Promise<Connection> {
  return mysql().createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    multipleStatements: false,
    connectTimeout: 10_000,
  });
}

export interface SeededSandbox {
  api: string;
  cos: string;
  control: string;
  outputsFile: string;
  ownerKeys: { secretId: string; secretKey: string };
  sandbox: Sandbox;
  close(): Promise<void>;
}

/**
 * Seeds the sandbox state from the synthesized stack (writing `<stackDir>/outputs.json`, sensitive values
 * included) with the DB instance pointed at `server`, and starts the sandbox in-process on a free loopback port.
 * The owner's key pair is always fresh: real TENCENTCLOUD_* credentials in the environment are never used.
 */
export async function startSeededSandbox(o: {
  stackDir: string;
  stack: string;
  server: MysqlServer;
  log: (line: string) => void;
  /** Where the sandbox's per-request log lines go (default: dropped). */
  requestLog?: (line: string) => void;
}): Promise<SeededSandbox> {
  const seed = await seedFromStack({
    stackDir: o.stackDir,
    mysqlUrl: `mysql://${o.server.host}:${o.server.port}/`,
    owner: newSecretPair(),
    env: {},
  });
  const requestLog = o.requestLog;
  const sandbox = await startSandbox({
    state: seed.state,
    log: (line) => (/listening on/.test(line) ? o.log(`      ${line}`) : requestLog?.(`      ${line}`)),
  });
  o.log(
    `      ${seed.state.buckets.length} bucket(s), ${seed.state.live.domains.length} live domain(s), ` +
      `${seed.state.live.callbackRules.length} callback rule(s), ${seed.state.live.recordRules.length} record rule(s), ` +
      `${seed.state.cdb.instances.length} DB instance(s); outputs → ${path.basename(seed.outputsFile)}`,
  );
  return {
    api: sandbox.api,
    cos: sandbox.cos,
    control: sandbox.control,
    outputsFile: seed.outputsFile,
    ownerKeys: { secretId: seed.owner.secretId, secretKey: seed.owner.secretKey },
    sandbox,
    close: () => sandbox.close(),
  };
}

/**
 * On a shared server: a database and backend user of this run's own (`live_demo_<tag>`, `live_user_<tag>`), so
 * concurrent test files and earlier runs never collide. Rewrites the outputs file and the sandbox's DB instance to
 * match, as if the stack had declared those names.
 */
export async function isolateDatabase(o: {
  outputs: StackOutputs;
  outputsFile: string;
  stack: string;
  sandbox: SeededSandbox;
}): Promise<StackOutputs> {
  const tag = randomBytes(4).toString("hex");
  const before = { db: o.outputs.db_name, user: o.outputs.db_user };
  const outputs: StackOutputs = { ...o.outputs, db_name: `${before.db}_${tag}`, db_user: `${before.user}_${tag}`.slice(0, 32) };
  writeStackOutputs(o.outputsFile, o.stack, outputs);
  await mutateSandboxState(o.sandbox.control, (s) => {
    for (const inst of s.cdb.instances) {
      for (const d of inst.databases) if (d.name === before.db) d.name = outputs.db_name;
      for (const a of inst.accounts) {
        if (a.user === before.user) a.user = outputs.db_user;
        for (const d of [...(a.privileges?.databases ?? []), ...(a.privileges?.tables ?? []), ...(a.privileges?.columns ?? [])]) {
          if (d.database === before.db) d.database = outputs.db_name;
        }
      }
    }
  });
  return outputs;
}

/** `live-infra migrate --create-user` in-process: the admin runs the DDL and creates the backend account. */
export async function migrate(o: { server: MysqlServer; outputs: StackOutputs; log: (l: string) => void }): Promise<void> {
  if (!o.outputs.db_password) throw new Error("the seeded outputs lack db_password");
  const r = await runMigration({
    account: { host: o.server.host, port: o.server.port, user: o.server.user, password: o.server.password },
    database: o.outputs.db_name,
    createUser: { user: o.outputs.db_user, password: o.outputs.db_password },
    log: (line) => o.log(`      migrate: ${line}`),
  });
  o.log(
    `      ${r.createdDatabase ? "created" : "found"} ${r.database}; ${r.applied.length} migration(s) applied, ` +
      `${r.repairs.length} repair(s)${r.user ? `; account ${r.user.name} ${r.user.created ? "created" : "kept"}` : ""}`,
  );
}

async function control(base: string, method: "GET" | "PUT" | "POST", route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox control API ${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** GET the sandbox state, change it, PUT it back — what an operator's console change does to the account. */
export async function mutateSandboxState(controlBase: string, change: (s: State) => void): Promise<void> {
  const state = (await control(controlBase, "GET", "/state")) as State;
  change(state);
  await control(controlBase, "PUT", "/state", state);
}

/** Plants a callback rule exactly as given (the control API does no checks). */
export async function plantCallbackRule(
  controlBase: string,
  rule: { domainName: string; appName: string; templateId: number },
): Promise<void> {
  await control(controlBase, "POST", "/live/callback-rules", rule);
}

export async function setSandboxFaults(controlBase: string, faults: FaultConfig, seed?: number): Promise<void> {
  await control(controlBase, "PUT", "/faults", seed === undefined ? faults : { ...faults, seed });
}

/**
 * Runs validate as `live-infra validate --stack S --outputs F --backend-dir D --api-endpoint A --cos-endpoint C
 * --resolve HOST:ADDR` would: the outputs and the backend's files are read from disk (the same parsers), the
 * control-plane keys are the sandbox owner's, and the backend host resolves as {@link demoResolve} declares.
 */
export async function validate(o: {
  stack: string;
  stackDir: string;
  outputsFile: string;
  backendDir: string;
  api: string;
  cos: string;
  ownerKeys: { secretId: string; secretKey: string };
  lang: "zh" | "en";
  timeoutMs?: number;
  onProgress?: (ev: ProgressEvent) => void;
}): Promise<Report> {
  let declaredTfJson: Record<string, unknown> | undefined;
  try {
    declaredTfJson = JSON.parse(fs.readFileSync(path.join(o.stackDir, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
  } catch {
    declaredTfJson = undefined;
  }
  const outputs = readStackOutputs(o.outputsFile, o.stack);
  return runValidation({
    stack: o.stack,
    outputs,
    declaredTfJson,
    backend: loadBackendDir(o.backendDir),
    credentials: o.ownerKeys,
    endpoints: { apiEndpoint: o.api, cosEndpoint: o.cos },
    resolve: demoResolve(outputs),
    lang: o.lang,
    timeoutMs: o.timeoutMs,
    onProgress: o.onProgress,
    env: {},
  });
}

export function renderReport(r: Report, format: string, lang: string, color = false): string {
  return renderValidation(r, format as ReportFormat, { lang: lang as Lang, color });
}

export { createProgressPrinter, useColor };

export function exitCodeOf(r: Report): number {
  return validationExitCode(r);
}

/** validate's verdict line, with the scenario and the demo's total time. */
export function verdictLine(r: Report, scenario: Scenario, lang: "zh" | "en", ms: number): string {
  const secs = (ms / 1000).toFixed(1);
  return lang === "zh"
    ? `${validationVerdict(r, lang)}（场景 ${scenario.name}，演示总用时 ${secs} 秒）`
    : `${validationVerdict(r, lang)} (scenario ${scenario.name}, demo total ${secs} s)`;
}

/**
 * `live-infra drift --stack S --outputs F --declared <stackDir>/cdk.tf.json --api-endpoint A --cos-endpoint C`
 * in-process: the synthesized stack and the outputs file against the sandbox and the backend's database.
 */
export async function drift(o: {
  stack: string;
  stackDir: string;
  outputsFile: string;
  api: string;
  cos: string;
  ownerKeys: { secretId: string; secretKey: string };
}): Promise<DriftReport> {
  const outputs = readStackOutputs(o.outputsFile, o.stack);
  return runDrift({
    stack: o.stack,
    outputs,
    declaration: loadDeclaration(path.join(o.stackDir, "cdk.tf.json"), outputs),
    credentials: o.ownerKeys,
    endpoints: { apiEndpoint: o.api, cosEndpoint: o.cos },
    env: {},
  });
}

export { renderDriftReport, driftExitCode, driftVerdict };
export type { DriftReport };

const findingKey = (f: { address: string; attribute?: string | null; kind: string }) => `${f.address} ${f.attribute ?? "-"} ${f.kind}`;

/**
 * How a drift report differs from what the scenario expects: findings nobody expected, expected ones absent, and
 * reads that failed (a demo environment is always readable). Empty when they agree.
 */
export function driftMismatch(r: DriftReport, expected: readonly ExpectedFinding[]): string[] {
  const got = new Set(r.findings.map(findingKey));
  const want = new Set(expected.map(findingKey));
  return [
    ...[...got].filter((k) => !want.has(k)).map((k) => `unexpected finding: ${k}`),
    ...[...want].filter((k) => !got.has(k)).map((k) => `expected finding absent: ${k}`),
    ...r.errors.map((e) => `not read: ${e.address}`),
  ];
}
