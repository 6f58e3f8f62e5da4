/**
 * Renderers over one drift report: text (zh/en), json, markdown (a GitHub job summary), junit, sarif (2.1.0).
 * They only format; the report is already scrubbed of secrets.
 */
import * as path from "path";
import { shown } from "./differ";
import type { ResourceCoverage } from "./differ";
import { DriftReport, pick, verdictLine } from "./report";
import { renderHtmlPage } from "../page/render";
import type { Finding, FindingKind, Lang } from "./types";

export const DRIFT_FORMATS = ["text", "json", "markdown", "junit", "sarif", "html"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

export interface RenderOptions {
  lang: Lang;
  /** Directory SARIF artifact paths are relative to (default the current directory). */
  cwd?: string;
}

const KIND_LABEL: Record<FindingKind, { zh: string; en: string }> = {
  changed: { zh: "变更", en: "CHANGED" },
  missing: { zh: "缺失", en: "MISSING" },
  unmanaged: { zh: "未托管", en: "UNMANAGED" },
};

const where = (f: Finding) => (f.attribute ? `${f.address} · ${f.attribute}` : f.address);

/** The fix in words (a manual database fix already quotes its SQL). */
function fixLine(f: Finding, lang: Lang): string {
  return pick(f.fix.text, lang);
}

function coverageLine(r: DriftReport, lang: Lang): string {
  const s = r.coverage.summary;
  return lang === "zh"
    ? `覆盖：声明 ${s.resources} 个资源——已比较 ${s.compared}，缺失 ${s.missing}，读取失败 ${s.errors}，未读取 ${s.notRead}；比较了 ${s.attributesCompared} 个属性，${s.computed} 个为计算值（未比较），${s.notComparable} 个无法读回，${s.skipped} 个本次跳过，${s.unknown} 个未知。`
    : `Coverage: ${s.resources} resources declared — ${s.compared} compared, ${s.missing} missing, ${s.errors} unreadable, ${s.notRead} not read; ${s.attributesCompared} attributes compared, ${s.computed} computed (not compared), ${s.notComparable} not comparable, ${s.skipped} skipped, ${s.unknown} unknown.`;
}

/** The lists that say what was not compared, one line each (nothing is dropped silently). */
function notComparedLines(r: DriftReport, lang: Lang): string[] {
  const out: string[] = [];
  for (const c of r.coverage.resources) {
    if (c.status === "not-read") out.push(`${lang === "zh" ? "未读取" : "not read"}: ${c.address} — ${c.reason}`);
    for (const x of c.computed) out.push(`${lang === "zh" ? "计算值（未比较）" : "computed (not compared)"}: ${c.address}.${x.attribute} = \${${x.expression}}`);
    for (const x of c.skipped) out.push(`${lang === "zh" ? "跳过" : "skipped"}: ${c.address}.${x.attribute} — ${pick(x.reason, lang)}`);
    for (const x of c.unknown) out.push(`${lang === "zh" ? "未知属性（未比较）" : "unknown attribute (not compared)"}: ${c.address}.${x}`);
  }
  return out;
}

export function renderText(r: DriftReport, o: RenderOptions): string {
  const lang = o.lang;
  const lines: string[] = [];
  lines.push(`live-infra drift · ${r.stack} · ${r.time} · ${r.durationMs} ms`);
  lines.push(`${lang === "zh" ? "声明" : "declared"}: ${r.declaredFile}`);
  lines.push("");
  for (const f of r.findings) {
    lines.push(`✘ ${KIND_LABEL[f.kind][lang].padEnd(lang === "zh" ? 4 : 9)} ${where(f)}`);
    lines.push(`    ${pick(f.message, lang)}`);
    lines.push(`    ${lang === "zh" ? "修复" : "fix"}: ${fixLine(f, lang)}`);
  }
  for (const e of r.errors) {
    lines.push(`! ${(lang === "zh" ? "读取失败" : "ERROR").padEnd(lang === "zh" ? 4 : 9)} ${e.address}`);
    lines.push(`    ${e.code}${e.operation ? ` (${e.service}:${e.operation})` : ""}: ${e.message}`);
  }
  if (r.findings.length || r.errors.length) lines.push("");
  lines.push(coverageLine(r, lang));
  for (const l of notComparedLines(r, lang)) lines.push(`  ${l}`);
  lines.push("");
  lines.push(verdictLine(r, lang));
  return lines.join("\n") + "\n";
}

export function renderJson(r: DriftReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

const cell = (v: string) => v.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (v: string) => (v ? `\`${v.replace(/`/g, "'")}\`` : "");

export function renderMarkdown(r: DriftReport, o: RenderOptions): string {
  const lang = o.lang;
  const zh = lang === "zh";
  const status = r.errors.length ? (zh ? "⚠️ 无法完整读取" : "⚠️ could not read") : r.findings.length ? (zh ? "❌ 发现漂移" : "❌ drift found") : zh ? "✅ 一致" : "✅ in sync";
  const out: string[] = [];
  out.push(`## live-infra drift: ${r.stack} — ${status}`, "", verdictLine(r, lang), "");
  if (r.findings.length) {
    out.push(zh ? "| 类型 | 资源 | 属性 | 声明 | 实际 | 修复 |" : "| Kind | Resource | Attribute | Declared | Live | Fix |", "|---|---|---|---|---|---|");
    for (const f of r.findings) {
      out.push(
        `| ${KIND_LABEL[f.kind][lang]} | ${code(f.address)} | ${code(f.attribute ?? "")} | ${cell(code(f.declared === null ? "" : shown(f.declared)))} | ${cell(code(f.live === null ? "" : shown(f.live)))} | ${cell(fixLine(f, lang))} |`,
      );
    }
    out.push("");
    out.push(zh ? "<details><summary>说明</summary>" : "<details><summary>Details</summary>", "");
    for (const f of r.findings) out.push(`- ${code(where(f))}: ${cell(pick(f.message, lang))}`);
    out.push("", "</details>", "");
  }
  if (r.errors.length) {
    out.push(zh ? "### 无法读取" : "### Could not read", "", zh ? "| 资源 | 错误 |" : "| Resource | Error |", "|---|---|");
    for (const e of r.errors) out.push(`| ${code(e.address)} | ${cell(`${e.code}: ${e.message}`)} |`);
    out.push("");
  }
  out.push(`<details><summary>${cell(coverageLine(r, lang))}</summary>`, "");
  out.push(zh ? "| 资源 | 状态 | 已比较 | 未比较 |" : "| Resource | Status | Compared | Not compared |", "|---|---|---|---|");
  for (const c of r.coverage.resources) out.push(`| ${code(c.address)} | ${c.status} | ${cell(c.compared.join(", "))} | ${cell(notCompared(c, lang))} |`);
  out.push("", "</details>", "");
  return out.join("\n");
}

function notCompared(c: ResourceCoverage, lang: Lang): string {
  const parts = [
    ...(c.reason ? [c.reason] : []),
    ...c.computed.map((x) => `${x.attribute} (${lang === "zh" ? "计算值" : "computed"})`),
    ...c.notComparable.map((x) => `${x.attribute} (${x.reason})`),
    ...c.skipped.map((x) => `${x.attribute} (${pick(x.reason, lang)})`),
    ...c.unknown.map((x) => `${x} (${lang === "zh" ? "未知" : "unknown"})`),
  ];
  return parts.join("; ");
}

export const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/** The `<testsuite>` element of one report, lines indented under `<testsuites>`. */
export function junitSuiteLines(r: DriftReport, o: RenderOptions): string[] {
  const lang = o.lang;
  const resources = r.coverage.resources;
  const byAddress = new Map<string, Finding[]>();
  for (const f of r.findings) byAddress.set(f.address, [...(byAddress.get(f.address) ?? []), f]);
  const c = junitCounts(r);
  const out: string[] = [];
  out.push(
    `  <testsuite name="${xml(`drift ${r.stack}`)}" tests="${resources.length}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${(r.durationMs / 1000).toFixed(3)}" timestamp="${xml(r.time)}">`,
  );
  for (const c of resources) {
    out.push(`    <testcase classname="${xml(c.type)}" name="${xml(c.address)}" time="0">`);
    const e = r.errors.find((x) => x.address === c.address);
    const fs = byAddress.get(c.address) ?? [];
    if (e) out.push(`      <error type="${xml(e.code)}" message="${xml(e.message)}">${xml(`${e.code}: ${e.message}`)}</error>`);
    else if (c.status === "not-read") out.push(`      <skipped message="${xml(c.reason ?? "")}"/>`);
    if (!e && fs.length) {
      const body = fs.map((f) => `${KIND_LABEL[f.kind].en} ${where(f)}: ${pick(f.message, lang)}\n  fix: ${fixLine(f, lang)}`).join("\n");
      out.push(`      <failure type="${xml(fs.map((f) => f.kind).join(","))}" message="${xml(pick(fs[0].message, lang))}">${xml(body)}</failure>`);
    }
    out.push("    </testcase>");
  }
  out.push("  </testsuite>");
  return out;
}

/** Test, failure, error and skip counts of one report's JUnit suite. */
export function junitCounts(r: DriftReport): { tests: number; failures: number; errors: number; skipped: number } {
  const resources = r.coverage.resources;
  const findingAt = new Set(r.findings.map((f) => f.address));
  return {
    tests: resources.length,
    failures: resources.filter((c) => findingAt.has(c.address) && c.status !== "error").length,
    errors: r.errors.length,
    skipped: resources.filter((c) => c.status === "not-read").length,
  };
}

export function renderJunit(r: DriftReport, o: RenderOptions): string {
  const c = junitCounts(r);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="live-infra drift" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${(r.durationMs / 1000).toFixed(3)}">`,
  );
  out.push(...junitSuiteLines(r, o));
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

const SARIF_LEVEL: Record<FindingKind, "error" | "warning"> = { changed: "error", missing: "error", unmanaged: "warning" };

const RULE_TEXT: Record<FindingKind, string> = {
  changed: "An attribute differs from the declared value",
  missing: "A declared resource does not exist",
  unmanaged: "Something undeclared next to the resource breaks what the stack sets up",
};

/** SARIF 2.1.0: one rule per resource type and finding kind; each result located at its Terraform address. */
export function renderSarif(r: DriftReport, o: RenderOptions): string {
  const lang = o.lang;
  const ruleIds: string[] = [];
  for (const f of r.findings) {
    const id = `${f.type}/${f.kind}`;
    if (!ruleIds.includes(id)) ruleIds.push(id);
  }
  const rules = ruleIds.map((id) => {
    const [type, kind] = id.split("/") as [string, FindingKind];
    return {
      id,
      name: `${type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}${kind[0].toUpperCase()}${kind.slice(1)}`,
      shortDescription: { text: `${type}: ${RULE_TEXT[kind]}` },
      fullDescription: { text: `live-infra drift compares the live ${type} with its declaration in cdk.tf.json. ${RULE_TEXT[kind]}.` },
      defaultConfiguration: { level: SARIF_LEVEL[kind] },
      help: { text: kind === "unmanaged" ? "Remove it (the finding names the manual step) or declare it." : "Re-apply the stack (cdktf deploy), or the fix the finding names." },
      properties: { tags: ["drift", "terraform", type] },
    };
  });
  const uri = path.relative(o.cwd ?? process.cwd(), path.resolve(r.declaredFile)).split(path.sep).join("/");
  const lines = new Map<string, number>();
  for (const c of r.coverage.resources) lines.set(c.address, c.line ?? 1);
  const location = (address: string, name: string) => ({
    physicalLocation: { artifactLocation: { uri }, region: { startLine: lines.get(address) ?? 1 } },
    logicalLocations: [{ name, fullyQualifiedName: address, kind: "resource" }],
  });
  const results = r.findings.map((f) => ({
    ruleId: `${f.type}/${f.kind}`,
    ruleIndex: ruleIds.indexOf(`${f.type}/${f.kind}`),
    level: SARIF_LEVEL[f.kind],
    message: { text: `${pick(f.message, lang)} ${lang === "zh" ? "修复" : "Fix"}: ${fixLine(f, lang)}` },
    locations: [location(f.address, f.name)],
    partialFingerprints: { driftFinding: `${f.address}|${f.attribute ?? ""}|${f.kind}` },
    properties: { attribute: f.attribute, declared: f.declared, live: f.live, fixKind: f.fix.kind },
  }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "live-infra drift", rules } },
        automationDetails: { id: `live-infra-drift/${r.stack}/` },
        invocations: [
          {
            executionSuccessful: r.errors.length === 0,
            startTimeUtc: r.time,
            toolExecutionNotifications: r.errors.map((e) => ({
              level: "error",
              message: { text: `${e.address}: ${e.code}: ${e.message}` },
              locations: [location(e.address, e.name)],
            })),
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

export function renderDriftReport(r: DriftReport, format: DriftFormat, o: RenderOptions): string {
  switch (format) {
    case "json":
      return renderJson(r);
    case "markdown":
      return renderMarkdown(r, o);
    case "junit":
      return renderJunit(r, o);
    case "sarif":
      return renderSarif(r, o);
    case "html":
      return renderHtmlPage({ drift: r, lang: o.lang });
    default:
      return renderText(r, o);
  }
}
