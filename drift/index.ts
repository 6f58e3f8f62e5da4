/**
 * drift/: declared-vs-live comparison for a deployed stack (`live-infra drift`). See docs/drift.md.
 *
 * - `loadDeclaration(file, outputs)` → the declared stack (cdk.tf.json + outputs, `${…}` resolved)
 * - `runDrift(opts)` → DriftReport (never rejects because something differs or cannot be read: those are findings
 *   and errors; rejects with an InputError for bad input such as a malformed endpoint)
 * - `renderDriftReport(report, format, { lang })`, `exitCodeOf(report)` (0 / 1 / 2), `verdictLine(report, lang)`
 * - `runFleetDrift(opts)` → one report with a section per stack, clients and rate limiter shared
 *   (`renderDriftFleet`, `driftFleetExitCode`)
 * - `READERS`, `NOT_READ`, `coverageMarkdown()` — the coverage table
 */
export { loadDeclaration, declarationFromText, Declaration } from "./declared";
export { runDrift, DEFAULT_DRIFT_TIMEOUT_MS, DEFAULT_CONCURRENCY } from "./run";
export type { DriftOptions } from "./run";
export { DRIFT_REPORT_VERSION, exitCodeOf, verdictLine, scrub } from "./report";
export type { DriftReport, CoverageSummary } from "./report";
export { DRIFT_FORMATS, renderDriftReport } from "./render";
export type { DriftFormat, RenderOptions } from "./render";
export { READERS, NOT_READ, readerFor } from "./readers";
export { coverageMarkdown, coverageRows } from "./coverage";
export type { ResourceCoverage } from "./differ";
export type { Finding, FindingKind, Fix, ReadError, Reader, AttributeSpec, CompareMode, Lang } from "./types";
export {
  runFleetDrift,
  renderDriftFleet,
  driftFleetExitCode,
  driftFleetVerdictLine,
  DRIFT_FLEET_FORMATS,
  DEFAULT_DRIFT_FLEET_CONCURRENCY,
} from "./fleet";
export type { DriftFleetOptions, DriftFleetReport, DriftFleetStack, DriftFleetFormat } from "./fleet";
