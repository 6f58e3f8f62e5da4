/**
 * The demo's adapters over the other rooms (stacks, sandbox, stacks/database, validators). Kept in one file so the
 * orchestration in run.ts reads as the nine steps and does not depend on each room's exact call shapes.
 */
import type { Connection } from "mysql2/promise";
import * as mysql from "mysql2/promise";
import type { StackOutputs } from "../common/outputs";
import type { MysqlServer } from "../sandbox/mariadb";
import type { FaultConfig } from "../sandbox/faults";
import type { State } from "../sandbox/state";
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

export async function synthStack(_env: string, _outdir: string): Promise<{ stack: string; stackDir: string }> {
  return notYet("synth");
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

export async function migrate(_o: { server: MysqlServer; outputs: StackOutputs; log: (l: string) => void }): Promise<void> {
  return notYet("migrate");
}

export async function mutateSandboxState(_control: string, _change: (s: State) => void): Promise<void> {
  return notYet("the control API");
}

export async function setSandboxFaults(_control: string, _faults: FaultConfig): Promise<void> {
  return notYet("the control API");
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
