/**
 * Renderers over a finished {@link Report}: text (plain lines or coloured), JSON, JUnit XML, Markdown, the HTML page
 * (page/) — plus the live checklist shown while checks run. Renderers only format; the report is already scrubbed of secrets.
 */
import type { ProgressEvent } from "./runner";
import type { Report, ReportCheck } from "./report";
import { presentFix, verdictLine } from "./report";
import type { CheckStatus, Lang } from "./types";
import { CATALOGUE } from "./catalogue";
import { renderHtmlPage } from "../page/render";

export type ReportFormat = "text" | "json" | "junit" | "markdown" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "junit", "markdown", "html"];

export interface RenderOptions {
  lang: Lang;
  /** ANSI colours (text only). Default false. */
  color?: boolean;
}

/** Whether to colour output written to `stream`: only on a TTY, never when NO_COLOR is set (any non-empty value). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !(env.NO_COLOR && env.NO_COLOR !== "") && env.TERM !== "dumb";
}

const SGR: Record<CheckStatus | "running" | "dim" | "bold", string> = {
  pass: "32",
  fail: "31",
  warn: "33",
  error: "35",
  skip: "90",
  running: "36",
  dim: "2",
  bold: "1",
};
const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

const LABEL: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", warn: "WARN", error: "ERROR", skip: "SKIP" };
const ICON: Record<CheckStatus, string> = { pass: "✔", fail: "✘", warn: "!", error: "✖", skip: "–" };

const COLON: Record<Lang, string> = { zh: "：", en: ": " };

const T = {
  header: { zh: "live-infra 部署后检查", en: "live-infra post-deploy checks" },
  fix: { zh: "修复", en: "Fix" },
  doc: { zh: "文档", en: "Docs" },
  keyword: { zh: "FAQ 关键字", en: "FAQ keyword" },
  check: { zh: "检查项", en: "Check" },
  status: { zh: "状态", en: "Status" },
  message: { zh: "说明", en: "Message" },
  problems: { zh: "需要处理的问题", en: "Problems" },
  evidence: { zh: "证据", en: "Evidence" },
  stack: { zh: "栈", en: "stack" },
};

function idWidth(checks: { id: string }[]): number {
  return Math.max(10, ...checks.map((c) => c.id.length));
}

/** Plain or coloured text: one block per check, remediation under problems, then the verdict. */
export function renderText(report: Report, opts: RenderOptions): string {
  const { lang } = opts;
  const color = !!opts.color;
  const w = idWidth(report.checks);
  const out: string[] = [];
  out.push(paint(color, SGR.bold, `${T.header[lang]} — ${T.stack[lang]} ${report.stack}`));
  for (const c of report.checks) {
    const label = paint(color, SGR[c.status], `${ICON[c.status]} ${LABEL[c.status].padEnd(5)}`);
    const kw = c.faqKeyword && (c.status === "fail" || c.status === "warn") ? `  [${c.faqKeyword}]` : "";
    out.push(`${label} ${c.id.padEnd(w)}  ${c.title}${kw}`);
    const indent = " ".repeat(8 + 1);
    const problem = c.status === "fail" || c.status === "warn" || c.status === "error";
    const shown = problem ? presentFix(c) : { message: c.message, fix: null };
    if (shown.message) out.push(paint(color && c.status === "pass", SGR.dim, `${indent}${shown.message}`));
    if (problem) {
      if (shown.fix) out.push(`${indent}${T.fix[lang]}${COLON[lang]}${shown.fix}`);
      if (c.docUrl) out.push(`${indent}${T.doc[lang]}${COLON[lang]}${c.docUrl}`);
    }
  }
  const verdict = verdictLine(report, lang);
  const bad = report.summary.fail + report.summary.error > 0;
  out.push(paint(color, bad ? SGR.fail : SGR.pass, verdict));
  return out.join("\n") + "\n";
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/** Drops characters XML 1.0 forbids, then escapes the five special ones. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/**
 * A one-line summary of a check for places that repeat the message next to its full text (a JUnit failure's
 * `message` attribute, a Markdown table cell): a problem's first sentence, so a fix inside the message is not
 * printed twice.
 */
function summary(c: ReportCheck): string {
  if (c.status === "pass" || c.status === "skip") return c.message;
  const m = presentFix(c).message;
  const ends = [m.indexOf("。"), m.indexOf(". "), m.indexOf("; Fix"), m.indexOf(" Fix:")].filter((i) => i > 0);
  return ends.length ? m.slice(0, Math.min(...ends) + 1).trim() : m;
}

function detail(c: ReportCheck, lang: Lang): string {
  const problem = c.status !== "pass" && c.status !== "skip";
  const shown = problem ? presentFix(c) : { message: c.message, fix: null };
  const lines = [shown.message];
  const k = COLON[lang];
  if (shown.fix) lines.push(`${T.fix[lang]}${k}${shown.fix}`);
  if (c.docUrl) lines.push(`${T.doc[lang]}${k}${c.docUrl}`);
  if (c.faqKeyword) lines.push(`${T.keyword[lang]}${k}${c.faqKeyword}`);
  lines.push(`${T.evidence[lang]}${k}${JSON.stringify(c.evidence)}`);
  return lines.join("\n");
}

const xa = (name: string, v: string | number) => ` ${name}="${xmlEscape(String(v))}"`;

/** The `<testsuite>` element of one report, lines indented under `<testsuites>`. */
export function junitSuiteLines(report: Report, opts: RenderOptions): string[] {
  const s = report.summary;
  const total = report.checks.length;
  const a = xa;
  const out: string[] = [];
  const counts = `${a("tests", total)}${a("failures", s.fail)}${a("errors", s.error)}${a("skipped", s.skip)}${a("time", secs(report.durationMs))}`;
  out.push(`  <testsuite${a("name", `live-infra validate: ${report.stack}`)}${counts}${a("timestamp", report.startedAt)}>`);
  out.push("    <properties>");
  out.push(`      <property${a("name", "stack")}${a("value", report.stack)}/>`);
  out.push(`      <property${a("name", "reportVersion")}${a("value", report.version)}/>`);
  out.push(`      <property${a("name", "warnings")}${a("value", s.warn)}/>`);
  out.push("    </properties>");
  for (const c of report.checks) {
    const area = c.id.split(".")[0];
    out.push(`    <testcase${a("classname", `live-infra.${area}`)}${a("name", `${c.id}: ${c.title}`)}${a("time", secs(c.durationMs))}>`);
    const body = xmlEscape(detail(c, opts.lang));
    if (c.status === "fail") out.push(`      <failure${a("message", summary(c))}${a("type", c.faqKeyword ?? "fail")}>${body}</failure>`);
    else if (c.status === "error") out.push(`      <error${a("message", summary(c))}${a("type", "error")}>${body}</error>`);
    else if (c.status === "skip") out.push(`      <skipped${a("message", c.message)}/>`);
    if (c.status === "warn") out.push(`      <system-out>${xmlEscape(`WARN: ${detail(c, opts.lang)}`)}</system-out>`);
    else if (c.status === "pass") out.push(`      <system-out>${body}</system-out>`);
    out.push("    </testcase>");
  }
  out.push("  </testsuite>");
  return out;
}

/** JUnit XML (one testsuite; warn = passing test case with the warning in system-out). */
export function renderJunit(report: Report, opts: RenderOptions): string {
  const s = report.summary;
  const a = xa;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const counts = `${a("tests", report.checks.length)}${a("failures", s.fail)}${a("errors", s.error)}${a("skipped", s.skip)}${a("time", secs(report.durationMs))}`;
  out.push(`<testsuites${a("name", "live-infra validate")}${counts}>`);
  out.push(...junitSuiteLines(report, opts));
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

/** Escapes text for a Markdown table cell or paragraph (no raw HTML, no table breaks). */
export function mdEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/([\\`*_[\]])/g, (m) => (m === "\\" ? "\\\\" : `\\${m}`))
    .replace(/\r?\n/g, "<br>");
}

const MD_ICON: Record<CheckStatus, string> = { pass: "✅", fail: "❌", warn: "⚠️", error: "💥", skip: "⏭️" };

/** Markdown: a summary table, then a section per problem with remediation and evidence. */
export function renderMarkdown(report: Report, opts: RenderOptions): string {
  const { lang } = opts;
  const out: string[] = [];
  out.push(`# ${T.header[lang]} — \`${report.stack.replace(/`/g, "")}\``);
  out.push("");
  out.push(`**${mdEscape(verdictLine(report, lang))}**`);
  out.push("");
  out.push(`| | ${T.check[lang]} | ${T.status[lang]} | ${T.keyword[lang]} | ${T.message[lang]} |`);
  out.push("|---|---|---|---|---|");
  for (const c of report.checks) {
    out.push(
      `| ${MD_ICON[c.status]} | \`${c.id}\` ${mdEscape(c.title)} | ${c.status} | ${c.faqKeyword ? mdEscape(c.faqKeyword) : ""} | ${mdEscape(summary(c))} |`,
    );
  }
  const problems = report.checks.filter((c) => c.status === "fail" || c.status === "warn" || c.status === "error");
  if (problems.length) {
    out.push("");
    out.push(`## ${T.problems[lang]}`);
    for (const c of problems) {
      out.push("");
      out.push(`### ${MD_ICON[c.status]} \`${c.id}\` ${mdEscape(c.title)}`);
      out.push("");
      const shown = presentFix(c);
      out.push(mdEscape(shown.message));
      if (shown.fix) {
        out.push("");
        out.push(`**${T.fix[lang]}:** ${mdEscape(shown.fix)}`);
      }
      if (c.docUrl) {
        out.push("");
        out.push(`**${T.doc[lang]}:** <${encodeURI(decodeURI(c.docUrl))}>`);
      }
      out.push("");
      out.push(`<details><summary>${T.evidence[lang]}</summary>`);
      out.push("");
      out.push("```json");
      out.push(JSON.stringify(c.evidence, null, 2).replace(/```/g, "`\u200b``"));
      out.push("```");
      out.push("");
      out.push("</details>");
    }
  }
  return out.join("\n") + "\n";
}

/** Renders a report in one of the formats. */
export function renderReport(report: Report, format: ReportFormat, opts: RenderOptions): string {
  switch (format) {
    case "html":
      return renderHtmlPage({ validate: report, lang: opts.lang });
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report, opts);
    case "markdown":
      return renderMarkdown(report, opts);
    case "text":
      return renderText(report, opts);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Progress while running

/** Terminal columns a string takes: East Asian wide and fullwidth characters count 2. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(ch) ? 2 : 1;
  return n;
}

/** Cuts `text` to at most `width` columns, ending in "…" when cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  let out = "";
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export interface ProgressPrinterOptions {
  lang: Lang;
  /** Redraw a checklist in place (TTY). false: one plain line per finished check (CI logs). */
  live: boolean;
  color: boolean;
}

export interface ProgressPrinter {
  onProgress(ev: ProgressEvent): void;
  /** Removes the live checklist (so a final rendering can replace it). No-op in plain mode. */
  clear(): void;
}

/** A progress printer writing to `stream` (stdout for the text format, stderr otherwise). */
export function createProgressPrinter(stream: NodeJS.WritableStream, opts: ProgressPrinterOptions): ProgressPrinter {
  const titles = new Map(CATALOGUE.map((c) => [c.id, c.title[opts.lang]]));
  let ids: string[] = [];
  const state = new Map<string, { status: CheckStatus | "running"; ms?: number; retries: number }>();
  let drawn = 0;
  const w = () => idWidth(ids.map((id) => ({ id })));
  // A live line must not wrap: the redraw moves up one terminal row per checklist line.
  const columns = opts.live ? (stream as NodeJS.WriteStream).columns : undefined;
  const line = (id: string) => {
    const s = state.get(id)!;
    const st = s.status;
    const labelText = st === "running" ? "… RUN  " : `${ICON[st]} ${LABEL[st].padEnd(5)}`;
    const label = paint(opts.color, st === "running" ? SGR.running : SGR[st], labelText);
    const head = `${labelText} ${id.padEnd(w())}  `;
    let title = titles.get(id) ?? "";
    let extra = s.ms !== undefined ? ` (${s.ms} ms${s.retries ? `, ${s.retries} retries` : ""})` : "";
    if (columns && columns > 0) {
      const room = columns - 1 - displayWidth(head);
      if (displayWidth(title + extra) > room) extra = "";
      if (displayWidth(title) > room) title = truncateToWidth(title, room);
    }
    return `${label}${head.slice(labelText.length)}${title}${extra && paint(opts.color, SGR.dim, extra)}`;
  };
  const redraw = () => {
    let buf = drawn ? `\x1b[${drawn}A` : "";
    for (const id of ids) buf += `\r\x1b[2K${line(id)}\n`;
    drawn = ids.length;
    stream.write(buf);
  };
  return {
    onProgress(ev) {
      if (ev.type === "plan") {
        ids = ev.ids;
        for (const id of ids) state.set(id, { status: "running", retries: 0 });
        if (opts.live) redraw();
        return;
      }
      const s = state.get(ev.id);
      if (!s) return;
      if (ev.type === "retry") s.retries++;
      if (ev.type === "done") {
        s.status = ev.status;
        s.ms = ev.durationMs;
        if (!opts.live) stream.write(`${line(ev.id)}\n`);
      }
      if (opts.live && ev.type !== "start") redraw();
    },
    clear() {
      if (opts.live && drawn) {
        stream.write(`\x1b[${drawn}A\r\x1b[J`);
        drawn = 0;
      }
    },
  };
}
