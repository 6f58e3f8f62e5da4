/** Reports for the page tests: a validate report per demo scenario (statuses as the scenario expects), a drift report. */
import { CATALOGUE } from "../../validators/catalogue";
import { buildReport, type Report } from "../../validators/report";
import type { CheckOutcome } from "../../validators/runner";
import type { Lang } from "../../validators/types";
import { expectedStatus, type Scenario } from "../../demo/scenarios";
import type { DriftReport } from "../../drift/report";
import { summarise } from "../../drift/report";
import type { ResourceCoverage } from "../../drift/differ";
import { READERS } from "../../drift/readers";

export const NO_SECRETS = { secrets: [], secretIds: [] };

/** Fix texts the page must show for a failing check, one per id (distinct so a test can find each). */
export const fixOf = (id: string) => `Fix the thing that ${id} found (step for ${id}).`;

/** The default selection of `validate` (opt-in checks left out), with the statuses the scenario expects. */
export function scenarioReport(s: Scenario, lang: Lang = "en"): Report {
  const outcomes: CheckOutcome[] = CATALOGUE.filter((c) => !c.optIn).map((c) => {
    const status = expectedStatus(s, c.id);
    if (status === "skip") {
      return { id: c.id, status, skippedBecause: c.prerequisites[0] ?? null, durationMs: 0, retries: 0, message: { zh: "已跳过", en: "skipped" } };
    }
    const text = status === "pass" ? `${c.id} is fine` : `${c.id} found a problem`;
    return {
      id: c.id,
      status,
      skippedBecause: null,
      durationMs: 5,
      retries: 0,
      verdict: {
        status,
        message: { zh: text, en: text },
        evidence: { checked: c.id },
        ...(status === "pass" ? {} : { remediation: { zh: fixOf(c.id), en: fixOf(c.id) } }),
      },
    };
  });
  return buildReport(outcomes, { stack: "live-demo-dev", startedAt: new Date("2026-01-01T00:00:00Z"), durationMs: 1234, lang, secrets: NO_SECRETS });
}

/** A drift report with one resource of every reader type compared; `broken` adds findings/read errors. */
export function driftReport(broken: { changed?: string[]; errors?: string[]; unmanaged?: string[] } = {}): DriftReport {
  const resources: ResourceCoverage[] = READERS.map((r) => ({
    address: `${r.type}.main`,
    type: r.type,
    status: broken.errors?.includes(r.type) ? "error" : "compared",
    compared: ["name"],
    computed: [],
    notComparable: [],
    unknown: [],
    skipped: [],
  }));
  const finding = (type: string, kind: "changed" | "unmanaged") => ({
    address: `${type}.main`,
    type,
    name: "main",
    attribute: kind === "changed" ? "name" : "callback_rule",
    kind,
    declared: kind === "changed" ? "declared-name" : null,
    live: "live-name",
    message: { zh: `${type} 与声明不一致`, en: `${type} differs from its declaration` },
    fix: {
      kind: "deploy" as const,
      command: "cdktf deploy live-demo-dev",
      text: { zh: "重新部署：`cdktf deploy live-demo-dev`。", en: "Re-apply the stack: `cdktf deploy live-demo-dev`." },
    },
  });
  const findings = [
    ...(broken.changed ?? []).map((t) => finding(t, "changed")),
    ...(broken.unmanaged ?? []).map((t) => finding(t, "unmanaged")),
  ];
  const errors = (broken.errors ?? []).map((t) => ({
    address: `${t}.main`,
    type: t,
    name: "main",
    service: "cdb",
    operation: "DescribeDBInstances",
    code: "AuthFailure",
    kind: "auth",
    message: "the credentials were refused",
  }));
  return {
    version: 1,
    stack: "live-demo-dev",
    time: "2026-01-01T00:00:00.000Z",
    durationMs: 900,
    inSync: findings.length === 0 && errors.length === 0,
    declaredFile: "cdktf.out/stacks/live-demo-dev/cdk.tf.json",
    findings,
    errors,
    coverage: { summary: summarise(resources), resources },
  };
}

/** node id → status, as the page's SVG states it (data-status, aria-label and visible status text agree). */
export function nodeStatuses(html: string): Record<string, { status: string; aria: string; shown: string }> {
  const out: Record<string, { status: string; aria: string; shown: string }> = {};
  const re = /<g class="node" data-node="([^"]+)" data-status="([^"]+)" aria-label="([^"]+)">[\s\S]*?<text class="status"[^>]*>([^<]*)<\/text>/g;
  for (const m of html.matchAll(re)) out[m[1]] = { status: m[2], aria: m[3], shown: m[4] };
  return out;
}
