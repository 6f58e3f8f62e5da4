/**
 * The drift report (JSON `version: 1`, schema drift/report.schema.json): findings, read errors and coverage, with
 * every secret scrubbed. Exit codes: 0 in sync, 1 drift found, 2 something could not be read (never "in sync").
 */
import { scrub } from "../common/mask";
export { scrub };
import type { ResourceCoverage } from "./differ";
import type { Finding, Lang, ReadError, Text } from "./types";

export const DRIFT_REPORT_VERSION = 1;

export interface CoverageSummary {
  /** Declared resources. */
  resources: number;
  /** Read and compared. */
  compared: number;
  /** Not found live. */
  missing: number;
  /** Could not be read. */
  errors: number;
  /** Not read (no cloud object, out of scope, --skip-schema). */
  notRead: number;
  /** Attribute comparisons made. */
  attributesCompared: number;
  /** Declared attributes left computed (not compared). */
  computed: number;
  /** Declared attributes that cannot be read back. */
  notComparable: number;
  /** Declared attributes no reader knows. */
  unknown: number;
  /** Attributes skipped in this run. */
  skipped: number;
}

export interface DriftReport {
  version: 1;
  stack: string;
  /** When the run started, ISO 8601. */
  time: string;
  durationMs: number;
  /** True only when everything declared was read and nothing differs. */
  inSync: boolean;
  /** The synthesized stack that was compared. */
  declaredFile: string;
  findings: Finding[];
  errors: ReadError[];
  coverage: { summary: CoverageSummary; resources: ResourceCoverage[] };
}

export function summarise(resources: ResourceCoverage[]): CoverageSummary {
  const count = (s: ResourceCoverage["status"]) => resources.filter((r) => r.status === s).length;
  const sum = (f: (r: ResourceCoverage) => number) => resources.reduce((n, r) => n + f(r), 0);
  return {
    resources: resources.length,
    compared: count("compared"),
    missing: count("missing"),
    errors: count("error"),
    notRead: count("not-read"),
    attributesCompared: sum((r) => r.compared.length),
    computed: sum((r) => r.computed.length),
    notComparable: sum((r) => r.notComparable.length),
    unknown: sum((r) => r.unknown.length),
    skipped: sum((r) => r.skipped.length),
  };
}


/** 0 in sync, 1 drift found, 2 the live state could not (all) be read. */
export function exitCodeOf(r: DriftReport): 0 | 1 | 2 {
  return r.errors.length ? 2 : r.findings.length ? 1 : 0;
}

export function pick(t: Text, lang: Lang): string {
  return t[lang];
}

/** One line: the verdict, for stderr or the end of the text report. */
export function verdictLine(r: DriftReport, lang: Lang): string {
  const resources = new Set(r.findings.map((f) => f.address)).size;
  if (r.errors.length) {
    const names = r.errors.map((e) => e.address).join(", ");
    return lang === "zh"
      ? `结论：无法读取全部实际状态（${r.errors.length} 处：${names}）——不能判定为一致。${r.findings.length ? `另发现 ${r.findings.length} 处漂移。` : ""}`
      : `Verdict: the live state could not be read in full (${r.errors.length}: ${names}) — not "in sync".${r.findings.length ? ` Also ${r.findings.length} finding(s) of drift.` : ""}`;
  }
  if (r.findings.length) {
    return lang === "zh"
      ? `结论：发现漂移（${resources} 个资源共 ${r.findings.length} 处）。`
      : `Verdict: drift found (${r.findings.length} finding(s) in ${resources} resource(s)).`;
  }
  return lang === "zh"
    ? `结论：与声明一致（比较了 ${r.coverage.summary.compared} 个资源的 ${r.coverage.summary.attributesCompared} 个属性）。`
    : `Verdict: in sync (${r.coverage.summary.attributesCompared} attributes of ${r.coverage.summary.compared} resources compared).`;
}
