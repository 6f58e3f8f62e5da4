/**
 * Reports of teardown and the janitor (JSON `version: 1`) and their text rendering. Every resource entry names its
 * type, id, address (when declared), the ownership marks it carries, the action and the result. Secrets never
 * appear: the report is scrubbed of the credentials' key, SecretIds are masked.
 */
import { maskSecretId, redactText } from "../common/mask";
import type { ResourceEntry, Result } from "./types";

export const LIFECYCLE_REPORT_VERSION = 1;

export interface TerraformRun {
  /** True when `terraform destroy` was started. */
  ran: boolean;
  /** Why it ran or not, in words. */
  reason: string;
  /** The commands run in the stack folder, e.g. [["terraform", "destroy", "-auto-approve", "-input=false"]]. */
  commands?: string[][];
  /** Exit code of the last command (0 = destroyed). */
  exitCode?: number;
}

export type Summary = Record<Result, number>;

export interface TeardownReport {
  version: 1;
  command: "teardown";
  stack: string;
  time: string;
  durationMs: number;
  dryRun: boolean;
  declaredFile: string;
  /** The outputs file read, when there was one. */
  outputsFile?: string;
  terraform: TerraformRun;
  /** Declared resources the sweep does not cover, and other remarks. */
  notes: string[];
  resources: ResourceEntry[];
  summary: Summary;
  /** True when everything the stack owns is gone (or, dry, would be deleted) and nothing was left for a human. */
  ok: boolean;
}

export interface JanitorStack {
  stack: string;
  env: string;
  /** True when the TTL (or --older-than) has passed. */
  expired: boolean;
  /** Why it is (not) swept, e.g. `expired at 2026-01-01T00:00:00Z (expires-at tag)`. */
  reason: string;
  createdAt?: string;
  expiresAt?: string;
  /** False for stacks left alone (not expired, protected, doubtful). */
  swept: boolean;
  resources: ResourceEntry[];
  error?: { code: string; message: string };
}

export interface JanitorReport {
  version: 1;
  command: "janitor";
  time: string;
  durationMs: number;
  dryRun: boolean;
  /** `--older-than` as given, when it replaced the TTL. */
  olderThan?: string;
  stacks: JanitorStack[];
  summary: Summary;
  ok: boolean;
}

export type LifecycleReport = TeardownReport | JanitorReport;

export function summarise(entries: readonly ResourceEntry[]): Summary {
  const s: Summary = { planned: 0, deleted: 0, gone: 0, failed: 0, blocked: 0, "not-owned": 0 };
  for (const e of entries) s[e.result]++;
  return s;
}

/** Nothing failed, blocked or left for lack of marks. */
export function clean(s: Summary): boolean {
  return s.failed === 0 && s.blocked === 0 && s["not-owned"] === 0;
}

/** The report with `secrets` removed and `secretIds` masked wherever they appear. */
export function scrub<T>(report: T, secrets: Array<string | undefined>, secretIds: Array<string | undefined>): T {
  let text = redactText(JSON.stringify(report), secrets);
  for (const id of secretIds) if (id && id.length >= 8) text = text.split(id).join(maskSecretId(id));
  return JSON.parse(text) as T;
}

function line(e: ResourceEntry): string {
  const what = `${e.type} ${e.id}${e.name ? ` (${e.name})` : ""}${e.address ? ` = ${e.address}` : ""}`;
  const marks = e.marks.length ? [...new Set(e.marks.map((m) => m.kind))].join("+") : "no marks";
  let out = `  ${e.result.padEnd(9)} ${what}  [${marks}]`;
  if (e.reason) out += `\n            ${e.reason}`;
  if (e.error) out += `\n            ${e.error.code}: ${e.error.message}`;
  return out;
}

function counts(s: Summary): string {
  return (Object.keys(s) as Result[])
    .filter((k) => s[k] > 0)
    .map((k) => `${s[k]} ${k}`)
    .join(", ") || "nothing";
}

export function renderTeardownText(r: TeardownReport): string {
  const out: string[] = [];
  const head = r.dryRun ? `teardown ${r.stack} (dry run: nothing changed)` : `teardown ${r.stack}`;
  out.push(`${head}: ${counts(r.summary)}`);
  out.push(`terraform: ${r.terraform.reason}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  if (!r.resources.length) out.push("  nothing of this stack was found");
  for (const e of r.resources) out.push(line(e));
  return out.join("\n") + "\n";
}

export function renderJanitorText(r: JanitorReport): string {
  const out: string[] = [];
  out.push(`janitor${r.dryRun ? " (dry run: nothing changed)" : ""}${r.olderThan ? ` --older-than ${r.olderThan}` : ""}: ${r.stacks.length} ephemeral stack(s); ${counts(r.summary)}`);
  for (const s of r.stacks) {
    out.push(`${s.stack}: ${s.swept ? (r.dryRun ? "would be swept" : "swept") : "left alone"} — ${s.reason}`);
    if (s.error) out.push(`  error ${s.error.code}: ${s.error.message}`);
    for (const e of s.resources) out.push(line(e));
  }
  if (!r.stacks.length) out.push("  no ephemeral stack found");
  return out.join("\n") + "\n";
}

export function renderReport(r: LifecycleReport, format: "text" | "json"): string {
  if (format === "json") return JSON.stringify(r, null, 2) + "\n";
  return r.command === "teardown" ? renderTeardownText(r) : renderJanitorText(r);
}
