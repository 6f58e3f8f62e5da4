/**
 * Renderers over a {@link FleetReport}: a section per stack, built from the single-stack renderers, plus the fleet's
 * summary. text: each stack's report under its own heading, then the fleet verdict; json: the fleet document
 * (fleet-report.schema.json); junit: one testsuite per stack; markdown: a stacks table, then a section per stack.
 * HTML is single-stack only.
 */
import { InputError } from "../common/errors";
import type { FleetReport } from "./fleet";
import { exitCodeOf } from "./report";
import { junitSuiteLines, mdEscape, renderMarkdown, renderText, xmlEscape } from "./render";
import type { RenderOptions } from "./render";
import type { Lang } from "./types";

export const FLEET_FORMATS = ["text", "json", "junit", "markdown"] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];

/** One line: the fleet's verdict. */
export function fleetVerdictLine(r: FleetReport, lang: Lang): string {
  const s = r.summary;
  const secs = (r.durationMs / 1000).toFixed(1);
  const bad = r.stacks.filter((x) => exitCodeOf(x) === 1).map((x) => x.stack);
  const skipped = r.notValidated.map((x) => x.stack);
  if (lang === "zh") {
    const parts = [`${s.stacks} 个栈`, `全部通过 ${s.ok}`, `有问题 ${s.problems}${bad.length ? `（${bad.join("、")}）` : ""}`];
    if (skipped.length) parts.push(`未能检查 ${skipped.length}（${skipped.join("、")}）`);
    return `汇总：${parts.join("，")}；检查项 通过 ${s.checks.pass}，失败 ${s.checks.fail}，错误 ${s.checks.error}，警告 ${s.checks.warn}，跳过 ${s.checks.skip}；用时 ${secs} 秒`;
  }
  const parts = [`${s.stacks} stacks`, `${s.ok} all good`, `${s.problems} with problems${bad.length ? ` (${bad.join(", ")})` : ""}`];
  if (skipped.length) parts.push(`${skipped.length} not validated (${skipped.join(", ")})`);
  return `Fleet: ${parts.join(", ")}; checks ${s.checks.pass} pass, ${s.checks.fail} fail, ${s.checks.error} error, ${s.checks.warn} warn, ${s.checks.skip} skip; ${secs} s`;
}

function notValidatedText(r: FleetReport, lang: Lang): string[] {
  return r.notValidated.map((x) =>
    lang === "zh" ? `✖ 未检查 ${x.stack}：${x.reason}` : `✖ NOT VALIDATED ${x.stack}: ${x.reason}`,
  );
}

export function renderFleetText(r: FleetReport, opts: RenderOptions): string {
  const out: string[] = [];
  const rule = "=".repeat(72);
  for (const s of r.stacks) {
    out.push(rule);
    out.push(renderText(s, opts).trimEnd());
    out.push("");
  }
  const skipped = notValidatedText(r, opts.lang);
  if (skipped.length) {
    out.push(rule);
    out.push(...skipped);
    out.push("");
  }
  out.push(rule);
  out.push(fleetVerdictLine(r, opts.lang));
  return out.join("\n") + "\n";
}

export function renderFleetJson(r: FleetReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/** JUnit XML: one testsuite per validated stack, and one with a single error per stack that was not validated. */
export function renderFleetJunit(r: FleetReport, opts: RenderOptions): string {
  const a = (name: string, v: string | number) => ` ${name}="${xmlEscape(String(v))}"`;
  const c = r.summary.checks;
  const tests = c.pass + c.fail + c.warn + c.error + c.skip + r.notValidated.length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${a("name", "live-infra validate (fleet)")}${a("tests", tests)}${a("failures", c.fail)}${a("errors", c.error + r.notValidated.length)}${a("skipped", c.skip)}${a("time", (r.durationMs / 1000).toFixed(3))}>`,
  );
  for (const s of r.stacks) out.push(...junitSuiteLines(s, opts));
  for (const x of r.notValidated) {
    out.push(`  <testsuite${a("name", `live-infra validate: ${x.stack}`)}${a("tests", 1)}${a("failures", 0)}${a("errors", 1)}${a("skipped", 0)}${a("time", "0.000")}${a("timestamp", r.startedAt)}>`);
    out.push(`    <testcase${a("classname", "live-infra.inputs")}${a("name", `${x.stack}: inputs`)}${a("time", "0.000")}>`);
    out.push(`      <error${a("message", x.reason)}${a("type", "not-validated")}>${xmlEscape(x.reason)}</error>`);
    out.push("    </testcase>");
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

/** One level deeper for every Markdown heading outside code fences. */
function demote(md: string): string {
  let fenced = false;
  return md
    .split("\n")
    .map((line) => {
      if (line.startsWith("```")) fenced = !fenced;
      return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
    })
    .join("\n");
}

export function renderFleetMarkdown(r: FleetReport, opts: RenderOptions): string {
  const { lang } = opts;
  const out: string[] = [];
  out.push(lang === "zh" ? `# live-infra 部署后检查 — ${r.summary.stacks} 个栈` : `# live-infra post-deploy checks — ${r.summary.stacks} stacks`);
  out.push("");
  out.push(`**${mdEscape(fleetVerdictLine(r, lang))}**`);
  out.push("");
  out.push(lang === "zh" ? "| 栈 | 结论 | 通过 | 失败 | 错误 | 警告 | 跳过 |" : "| Stack | Verdict | Pass | Fail | Error | Warn | Skip |");
  out.push("|---|---|---|---|---|---|---|");
  for (const s of r.stacks) {
    const bad = exitCodeOf(s) === 1;
    const v = bad ? (lang === "zh" ? "❌ 有问题" : "❌ problems") : lang === "zh" ? "✅ 通过" : "✅ all good";
    const m = s.summary;
    out.push(`| \`${s.stack.replace(/`/g, "")}\` | ${v} | ${m.pass} | ${m.fail} | ${m.error} | ${m.warn} | ${m.skip} |`);
  }
  for (const x of r.notValidated) {
    out.push(`| \`${x.stack.replace(/`/g, "")}\` | 💥 ${lang === "zh" ? "未检查" : "not validated"}: ${mdEscape(x.reason)} | | | | | |`);
  }
  for (const s of r.stacks) {
    out.push("");
    out.push(demote(renderMarkdown(s, opts)).trimEnd());
  }
  return out.join("\n") + "\n";
}

/** Renders a fleet report; `html` (single-stack only) is an InputError. */
export function renderFleetReport(r: FleetReport, format: string, opts: RenderOptions): string {
  switch (format) {
    case "text":
      return renderFleetText(r, opts);
    case "json":
      return renderFleetJson(r);
    case "junit":
      return renderFleetJunit(r, opts);
    case "markdown":
      return renderFleetMarkdown(r, opts);
    default:
      throw new InputError(`--format ${format} is not available for several stacks (it is for one stack); use one of ${FLEET_FORMATS.join(", ")}`);
  }
}
