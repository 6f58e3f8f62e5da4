/**
 * The validation report (JSON `version: 1`) and its construction from the runner's outcomes.
 * Schema: validators/report.schema.json. Renderers (text, JUnit, Markdown) live in ./render.
 */
import { scrub, type SecretSet } from "../common/mask";
export { scrub, type SecretSet };
import { CATALOGUE } from "./catalogue";
import type { CheckOutcome } from "./runner";
import type { CheckStatus, Control, Lang, Msg, Severity } from "./types";

export const REPORT_VERSION = 1;

export interface ReportCheck {
  id: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  /** The FAQ keyword of this outcome; null when the check has none. */
  faqKeyword: string | null;
  message: string;
  remediation: string;
  docUrl: string | null;
  prerequisites: string[];
  /** The prerequisite that did not pass (skip only), else null. */
  skippedBecause: string | null;
  durationMs: number;
  evidence: Record<string, unknown>;
}

export type Summary = Record<CheckStatus, number>;

export interface Report {
  version: 1;
  stack: string;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  summary: Summary;
  /** Selected checks only, in catalogue order. */
  checks: ReportCheck[];
}

export const STATUSES: readonly CheckStatus[] = ["pass", "fail", "warn", "error", "skip"];

const pick = (m: Msg, lang: Lang) => m[lang];

/** Evidence as plain JSON (no undefined, no functions, Buffers as text, bigints as strings). */
function plainEvidence(e: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!e) return {};
  return JSON.parse(
    JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Record<string, unknown>;
}

export interface BuildReportOptions {
  stack: string;
  startedAt: Date;
  durationMs: number;
  lang: Lang;
  secrets: SecretSet;
  /** The controls that ran, in report order (default: the catalogue); titles, fixes and links come from them. */
  controls?: readonly Control[];
}

/** Remediation of an `error`: the check has no verdict, so its own fix would mislead (e.g. "bind the template"). */
export const ERROR_REMEDIATION: Msg = {
  zh: "该检查未能完成，没有结论：确认本机能访问腾讯云 API / COS 端点、数据库和 DNS 解析（或用 --resolve 声明主机地址）、TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY 有效，然后重新运行（服务较慢时可加大 --timeout）。",
  en: "The check could not finish, so it has no verdict: make sure this machine reaches the Tencent Cloud API / COS endpoints, the database and a DNS resolver (or declare host addresses with --resolve), and that TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY are valid, then run again (raise --timeout if a service is slow).",
};

/** Builds the report from the runner's outcomes (any order); checks come out in the controls' order. */
export function buildReport(outcomes: readonly CheckOutcome[], opts: BuildReportOptions): Report {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const checks: ReportCheck[] = [];
  for (const control of opts.controls ?? CATALOGUE) {
    const o = byId.get(control.id);
    if (!o) continue;
    const v = o.verdict;
    const message = v ? v.message : o.message ?? { zh: "", en: "" };
    const evidence = plainEvidence(v?.evidence);
    if (o.retries > 0) evidence.retries = o.retries;
    checks.push({
      id: control.id,
      title: pick(control.title, opts.lang),
      severity: control.severity,
      status: o.status,
      faqKeyword: v?.faqKeyword ?? control.faqKeyword,
      message: pick(message, opts.lang),
      remediation: pick(o.status === "error" ? ERROR_REMEDIATION : (v?.remediation ?? control.remediation), opts.lang),
      docUrl: control.docUrl,
      prerequisites: [...control.prerequisites],
      skippedBecause: o.status === "skip" ? o.skippedBecause : null,
      durationMs: Math.max(0, Math.round(o.durationMs)),
      evidence,
    });
  }
  const summary: Summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  const report: Report = {
    version: REPORT_VERSION,
    stack: opts.stack,
    startedAt: opts.startedAt.toISOString(),
    durationMs: Math.max(0, Math.round(opts.durationMs)),
    summary,
    checks,
  };
  return scrub(report, opts.secrets);
}

const FIX_LABEL = /(?:Fix|修复)\s*[:：]\s*$/;

/**
 * How a check's message and fix are shown, so the fix is printed once: a message that ends with its own fix
 * ("… Fix: run X", as db.schema's assessment words it) is shown without it and the fix once on its Fix line; a
 * message that states the fix elsewhere is shown alone (`fix` null); any other message is followed by the fix.
 */
export function presentFix(c: Pick<ReportCheck, "message" | "remediation">): { message: string; fix: string | null } {
  const fix = c.remediation.trim();
  if (!fix) return { message: c.message, fix: null };
  const variants = [fix, fix[0].toLowerCase() + fix.slice(1), fix[0].toUpperCase() + fix.slice(1)];
  for (const v of variants) {
    const at = c.message.lastIndexOf(v);
    if (at < 0) continue;
    const before = c.message.slice(0, at);
    if (c.message.slice(at + v.length).trim() === "" && FIX_LABEL.test(before)) {
      return { message: before.replace(FIX_LABEL, "").trimEnd(), fix };
    }
    return { message: c.message, fix: null };
  }
  return { message: c.message, fix };
}

/** 0 when nothing is fail or error, else 1 (the CLI's exit code). */
export function exitCodeOf(report: Pick<Report, "summary">): 0 | 1 {
  return report.summary.fail > 0 || report.summary.error > 0 ? 1 : 0;
}

/** One line: the verdict of a report, in `lang`. */
export function verdictLine(report: Report, lang: Lang): string {
  const s = report.summary;
  const bad = report.checks.filter((c) => c.status === "fail" || c.status === "error").map((c) => c.id);
  const secs = (report.durationMs / 1000).toFixed(1);
  if (lang === "zh") {
    return bad.length
      ? `结论：发现问题（${bad.join("、")}）— 通过 ${s.pass}，失败 ${s.fail}，错误 ${s.error}，警告 ${s.warn}，跳过 ${s.skip}；用时 ${secs} 秒`
      : `结论：全部通过 — 通过 ${s.pass}，警告 ${s.warn}，跳过 ${s.skip}；用时 ${secs} 秒`;
  }
  return bad.length
    ? `Verdict: problems found (${bad.join(", ")}) — ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.warn} warn, ${s.skip} skip; ${secs} s`
    : `Verdict: all good — ${s.pass} pass, ${s.warn} warn, ${s.skip} skip; ${secs} s`;
}
