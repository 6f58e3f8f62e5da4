/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) drawing the upload
 * and replay chains coloured by a validate and/or drift report, with the failing items' FAQ keyword, evidence and
 * fix beside them. Every status is shown as icon + word as well as colour, so it reads in greyscale and aloud.
 */
import { scrub, type SecretSet } from "../common/mask";
import { presentFix, verdictLine as validateVerdict } from "../validators/report";
import { verdictLine as driftVerdict } from "../drift/report";
import type { Lang } from "../validators/types";
import { buildModel, isProblem, LINKS, type DriftReport, type Item, type NodeId, type NodeState, type NodeStatus, type ValidationReport } from "./model";

export interface HtmlPageOptions {
  validate?: ValidationReport;
  drift?: DriftReport;
  lang: Lang;
  /** Page title (default: "live-infra report — <stack>"). */
  title?: string;
  /** Values scrubbed from every text once more (the reports are masked already). */
  secrets?: SecretSet;
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export const STATUS_ICON: Record<NodeStatus, string> = { pass: "✓", fail: "✗", warn: "!", error: "?", skip: "–", unchecked: "–" };
export const STATUS_WORD: Record<NodeStatus, { zh: string; en: string }> = {
  pass: { zh: "通过", en: "pass" },
  fail: { zh: "失败", en: "fail" },
  warn: { zh: "警告", en: "warn" },
  error: { zh: "错误", en: "error" },
  skip: { zh: "跳过", en: "skip" },
  unchecked: { zh: "未检查", en: "not checked" },
};

/** "✗ fail": what a node shows and what its aria-label ends with. */
export function statusText(s: NodeStatus, lang: Lang): string {
  return `${STATUS_ICON[s]} ${STATUS_WORD[s][lang]}`;
}

const T = {
  title: { zh: "live-infra 报告", en: "live-infra report" },
  upload: { zh: "上传链路", en: "Upload chain" },
  replay: { zh: "回看链路", en: "Replay chain" },
  problems: { zh: "需要处理的问题", en: "Problems" },
  none: { zh: "没有需要处理的问题。", en: "Nothing to fix." },
  keyword: { zh: "FAQ 关键字", en: "FAQ keyword" },
  fix: { zh: "修复", en: "Fix" },
  doc: { zh: "文档", en: "Docs" },
  evidence: { zh: "证据", en: "Evidence" },
  all: { zh: "全部检查项与资源", en: "All checks and resources" },
  node: { zh: "节点", en: "Node" },
  item: { zh: "检查项 / 资源", en: "Check / resource" },
  status: { zh: "状态", en: "Status" },
  other: { zh: "其他", en: "Other" },
  legend: { zh: "图例", en: "Legend" },
  svgDesc: { zh: "各节点状态", en: "Status of each node" },
  readError: {
    zh: "确认本机能访问该服务、凭据有效，然后重新运行 live-infra drift。",
    en: "Make sure this machine reaches the service and the credentials are valid, then run live-infra drift again.",
  },
  declared: { zh: "声明", en: "declared" },
  live: { zh: "实际", en: "live" },
};

/** HTML-escapes text for element content and quoted attributes; drops control characters. */
export function esc(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;padding:24px;font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}
.verdict{margin:2px 0;font-weight:600}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr);gap:24px;margin-top:16px}
@media (max-width:1100px){.layout{grid-template-columns:1fr}}
svg{width:100%;height:auto;max-width:1140px;display:block}
.legend{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0;margin:8px 0 0;font-size:13px}
.legend li{padding:2px 8px;border-radius:4px}
.st-pass{background:#e6f4ea;border:2px solid #1e7b34}
.st-fail{background:#fde7e7;border:3px solid #b3261e}
.st-warn{background:#fff4d6;border:2px dashed #8a5a00}
.st-error{background:#f3e8fd;border:2px dotted #6b2c91}
.st-skip{background:#f1f1f1;border:2px dashed #6b6b6b}
.st-unchecked{background:#fff;border:2px dotted #9a9a9a}
.problems article{border-radius:6px;padding:10px 14px;margin:0 0 12px}
.problems h3{font-size:15px;margin:0 0 6px}
.problems p{margin:4px 0;overflow-wrap:anywhere}
.problems pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:#fafafa;padding:6px;margin:4px 0}
.fix{font-weight:600}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}
table{border-collapse:collapse;margin-top:8px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
`;

const FILL: Record<NodeStatus, { fill: string; stroke: string; width: number; dash: string }> = {
  pass: { fill: "#e6f4ea", stroke: "#1e7b34", width: 2, dash: "" },
  fail: { fill: "#fde7e7", stroke: "#b3261e", width: 4, dash: "" },
  warn: { fill: "#fff4d6", stroke: "#8a5a00", width: 3, dash: "8 4" },
  error: { fill: "#f3e8fd", stroke: "#6b2c91", width: 3, dash: "2 3" },
  skip: { fill: "#f1f1f1", stroke: "#6b6b6b", width: 2, dash: "5 4" },
  unchecked: { fill: "#ffffff", stroke: "#9a9a9a", width: 2, dash: "1 4" },
};

const NODE_W = 172;
const NODE_H = 78;
const COL_STEP = 200;
const ROW_Y = [48, 200, 316];
const SVG_W = 20 + 5 * COL_STEP + NODE_W + 20;
const SVG_H = ROW_Y[2] + NODE_H + 20;

const nodeX = (col: number) => 20 + col * COL_STEP;

function svg(nodes: NodeState[], lang: Lang): string {
  const at = new Map(nodes.map((n) => [n.node.id, n]));
  const chainText = (chain: "upload" | "replay") =>
    nodes
      .filter((n) => n.node.chain === chain)
      .map((n) => `${n.node.label[lang]}: ${statusText(n.status, lang)}`)
      .join(lang === "zh" ? "；" : "; ");
  const desc = `${T.svgDesc[lang]} — ${T.upload[lang]}: ${chainText("upload")}. ${T.replay[lang]}: ${chainText("replay")}.`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${SVG_W} ${SVG_H}" aria-labelledby="chains-title chains-desc">`,
    `<title id="chains-title">${esc(`${T.upload[lang]} · ${T.replay[lang]}`)}</title>`,
    `<desc id="chains-desc">${esc(desc)}</desc>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>`,
    `<text x="20" y="30" font-size="16" font-weight="700" fill="#1b1b1b">${esc(T.upload[lang])}</text>`,
    `<text x="20" y="${ROW_Y[1] - 18}" font-size="16" font-weight="700" fill="#1b1b1b">${esc(T.replay[lang])}</text>`,
  );
  for (const [from, to] of LINKS) {
    const a = at.get(from)!.node;
    const b = at.get(to)!.node;
    const d =
      a.row === b.row
        ? `M${nodeX(a.col) + NODE_W} ${ROW_Y[a.row] + NODE_H / 2}H${nodeX(b.col) - 2}`
        : `M${nodeX(a.col) + NODE_W / 2} ${ROW_Y[a.row] + NODE_H}V${ROW_Y[b.row] + NODE_H / 2}H${nodeX(b.col) - 2}`;
    out.push(`<path class="link" data-link="${from}>${to}" d="${d}" fill="none" stroke="#555" stroke-width="2" marker-end="url(#arrow)"/>`);
  }
  for (const n of nodes) {
    const x = nodeX(n.node.col);
    const y = ROW_Y[n.node.row];
    const f = FILL[n.status];
    const label = `${n.node.label[lang]}: ${statusText(n.status, lang)}`;
    out.push(
      `<g class="node" data-node="${n.node.id}" data-status="${n.status}" aria-label="${esc(label)}">`,
      `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${f.fill}" stroke="${f.stroke}" stroke-width="${f.width}"${f.dash ? ` stroke-dasharray="${f.dash}"` : ""}/>`,
      `<text x="${x + NODE_W / 2}" y="${y + 24}" text-anchor="middle" font-size="15" font-weight="700" fill="#1b1b1b">${esc(n.node.label[lang])}</text>`,
      `<text x="${x + NODE_W / 2}" y="${y + 43}" text-anchor="middle" font-size="11" fill="#444">${esc(n.node.detail[lang])}</text>`,
      `<text class="status" x="${x + NODE_W / 2}" y="${y + 66}" text-anchor="middle" font-size="15" font-weight="700" fill="${f.stroke}">${esc(statusText(n.status, lang))}</text>`,
      `</g>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2) ?? "null";

function problem(item: Item, where: string, lang: Lang): string {
  const head = (title: string) =>
    `<article class="problem st-${item.status}" data-status="${item.status}"><h3>${esc(`${statusText(item.status, lang)} · ${where} · ${title}`)}</h3>`;
  const k = lang === "zh" ? "：" : ": ";
  const p = (cls: string, label: string, text: string) => `<p class="${cls}">${esc(label + k)}${text}</p>`;
  const details = (v: unknown) => `<details><summary>${esc(T.evidence[lang])}</summary><pre>${esc(json(v))}</pre></details>`;
  const out: string[] = [];
  if (item.source === "check") {
    const c = item.check;
    const shown = presentFix(c);
    out.push(head(`${c.id} ${c.title}`));
    if (c.faqKeyword) out.push(p("keyword", T.keyword[lang], `<code>${esc(c.faqKeyword)}</code>`));
    if (shown.message) out.push(`<p class="message">${esc(shown.message)}</p>`);
    if (shown.fix) out.push(p("fix", T.fix[lang], esc(shown.fix)));
    if (c.docUrl) out.push(p("doc", T.doc[lang], `<code>${esc(c.docUrl)}</code>`));
    out.push(details(c.evidence));
  } else if (item.source === "finding") {
    const f = item.finding;
    out.push(head(f.attribute ? `${f.address} · ${f.attribute}` : f.address));
    out.push(p("keyword", T.keyword[lang], `<code>${esc(f.type)}</code>`));
    out.push(`<p class="message">${esc(f.message[lang])}</p>`);
    const cmd = f.fix.kind === "manual" ? (f.fix.sql ?? []).join("\n") : f.fix.command;
    out.push(p("fix", T.fix[lang], `${esc(f.fix.text[lang])}${cmd && !f.fix.text[lang].includes(cmd) ? ` <code>${esc(cmd)}</code>` : ""}`));
    out.push(details({ kind: f.kind, [T.declared[lang]]: f.declared, [T.live[lang]]: f.live }));
  } else if (item.source === "read-error") {
    const e = item.error;
    out.push(head(e.address));
    out.push(p("keyword", T.keyword[lang], `<code>${esc(e.code)}</code>`));
    out.push(`<p class="message">${esc(`${e.service}${e.operation ? `:${e.operation}` : ""} — ${e.message}`)}</p>`);
    out.push(p("fix", T.fix[lang], esc(T.readError[lang])));
  }
  out.push("</article>");
  return out.join("\n");
}

const itemName = (i: Item) =>
  i.source === "check" ? `${i.check.id} ${i.check.title}` : i.source === "finding" ? `${i.finding.address}${i.finding.attribute ? ` · ${i.finding.attribute}` : ""}` : i.source === "read-error" ? i.error.address : i.address;

/** The page. Text from the reports is escaped and, given `secrets`, scrubbed once more. */
export function renderHtmlPage(opts: HtmlPageOptions): string {
  const { lang } = opts;
  const secrets = opts.secrets;
  const validate = opts.validate && secrets ? scrub(opts.validate, secrets) : opts.validate;
  const drift = opts.drift && secrets ? scrub(opts.drift, secrets) : opts.drift;
  const model = buildModel(validate, drift);
  const stack = validate?.stack ?? drift?.stack ?? "";
  const rawTitle = opts.title ?? `${T.title[lang]}${stack ? ` — ${stack}` : ""}`;
  const title = secrets ? scrub(rawTitle, secrets) : rawTitle;

  const verdicts: string[] = [];
  if (validate) verdicts.push(validateVerdict(validate, lang));
  if (drift) verdicts.push(driftVerdict(drift, lang));

  const problems: string[] = [];
  for (const n of model.nodes) for (const i of n.items) if (isProblem(i.status)) problems.push(problem(i, n.node.label[lang], lang));
  for (const i of model.unplaced) if (isProblem(i.status)) problems.push(problem(i, T.other[lang], lang));

  const rows: string[] = [];
  const row = (where: string, i: Item) =>
    `<tr data-status="${i.status}"><td>${esc(where)}</td><td><code>${esc(itemName(i))}</code></td><td>${esc(statusText(i.status, lang))}</td></tr>`;
  for (const n of model.nodes) for (const i of n.items) rows.push(row(n.node.label[lang], i));
  for (const i of model.unplaced) rows.push(row(T.other[lang], i));

  const legend = (["pass", "fail", "warn", "error", "skip", "unchecked"] as NodeStatus[])
    .map((s) => `<li class="st-${s}">${esc(statusText(s, lang))}</li>`)
    .join("");

  return [
    "<!DOCTYPE html>",
    `<html lang="${lang === "zh" ? "zh-CN" : "en"}">`,
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${esc(title)}</h1>`,
    ...verdicts.map((v) => `<p class="verdict">${esc(v)}</p>`),
    '<div class="layout">',
    '<section class="chains">',
    svg(model.nodes, lang),
    `<ul class="legend" aria-label="${esc(T.legend[lang])}">${legend}</ul>`,
    "</section>",
    `<section class="problems" aria-labelledby="problems-h"><h2 id="problems-h">${esc(T.problems[lang])}</h2>`,
    problems.length ? problems.join("\n") : `<p class="none">${esc(T.none[lang])}</p>`,
    "</section>",
    "</div>",
    `<section class="all"><h2>${esc(T.all[lang])}</h2>`,
    `<table><thead><tr><th>${esc(T.node[lang])}</th><th>${esc(T.item[lang])}</th><th>${esc(T.status[lang])}</th></tr></thead><tbody>`,
    ...rows,
    "</tbody></table></section>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export type { NodeId };
