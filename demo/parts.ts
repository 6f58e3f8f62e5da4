/**
 * The demo's adapters over the other rooms (stacks, sandbox, stacks/database, validators). Kept in one file so the
 * orchestration in run.ts reads as the nine steps and does not depend on each room's exact call shapes.
 */
import type { Connection } from "mysql2/promise";
import * as mysql from "mysql2/promise";
import type { StackOutputs } from "../common/outputs";
import type { MysqlServer } from "../sandbox/mariadb";
import type { FaultConfig } from "../sandbox/faults";
import type { Sandbox } from "../sandbox/server";
import type { State } from "../sandbox/state";
import * as path from "path";
import { migrate as runMigration } from "../stacks/database/migrate";
import { synthesize } from "../stacks/synth";
import type { Scenario } from "./scenarios";

export interface ValidationCheck {
  id: string;
  status: "pass" | "fail" | "warn" | "error" | "skip";
  title: string;
  faqKeyword: string | null;
  message: string;
  remediation: string;
}
export interface ValidationResult {
  summary: Record<"pass" | "fail" | "warn" | "error" | "skip", number>;
  checks: ValidationCheck[];
}

const notYet = (what: string): never => {
  throw new Error(`demo: ${what} is not available yet`);
};

/** Synthesizes one environment in-process (with the schema conformance check) into `outdir`. */
export async function synthStack(env: string, outdir: string): Promise<{ stack: string; stackDir: string; resources: number }> {
  process.env.CHECKPOINT_DISABLE = "1";
  const r = synthesize({ envNames: [env], outdir });
  const s = r.stacks[0];
  if (!s) throw new Error(`synth produced no stack for environment "${env}"`);
  if (s.violations.length) {
    throw new Error(`the ${s.stackName} stack does not conform to the provider schema: ${s.violations[0].path}: ${s.violations[0].message}`);
  }
  return { stack: s.stackName, stackDir: path.dirname(s.file), resources: s.resourceCount };
}

export async function connectAdmin(server: MysqlServer): Promise<Connection> {
  return mysql.createConnection({
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

export async function startSeededSandbox(_o: {
  stackDir: string;
  stack: string;
  server: MysqlServer;
  log: (line: string) => void;
}): Promise<SeededSandbox> {
  return notYet("the seeded sandbox");
}

export async function isolateDatabase(_o: {
  admin: Connection;
  outputs: StackOutputs;
  outputsFile: string;
  stack: string;
  sandbox: SeededSandbox;
}): Promise<StackOutputs> {
  return notYet("database isolation");
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

export async function validate(_o: {
  stack: string;
  outputsFile: string;
  backendDir: string;
  api: string;
  cos: string;
  ownerKeys: { secretId: string; secretKey: string };
  lang: "zh" | "en";
  timeoutMs?: number;
}): Promise<ValidationResult> {
  return notYet("validate");
}

export function renderReport(_r: ValidationResult, _format: string, _lang: string): string {
  return notYet("the report renderer");
}

export function exitCodeOf(r: ValidationResult): number {
  return r.summary.fail > 0 || r.summary.error > 0 ? 1 : 0;
}

export function verdictLine(r: ValidationResult, scenario: Scenario, lang: "zh" | "en", ms: number): string {
  const s = r.summary;
  const secs = (ms / 1000).toFixed(1);
  const bad = r.checks.filter((c) => c.status === "fail" || c.status === "error").map((c) => c.id);
  if (lang === "zh") {
    return bad.length
      ? `结论：发现问题（${bad.join("、")}）— 通过 ${s.pass}，失败 ${s.fail}，错误 ${s.error}，警告 ${s.warn}，跳过 ${s.skip}；场景 ${scenario.name}，用时 ${secs} 秒`
      : `结论：全部通过 — 通过 ${s.pass}，警告 ${s.warn}，跳过 ${s.skip}；场景 ${scenario.name}，用时 ${secs} 秒`;
  }
  return bad.length
    ? `Verdict: problems found (${bad.join(", ")}) — ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.warn} warn, ${s.skip} skip; scenario ${scenario.name}, ${secs} s`
    : `Verdict: all good — ${s.pass} pass, ${s.warn} warn, ${s.skip} skip; scenario ${scenario.name}, ${secs} s`;
}
