/**
 * Renders bench/RESULTS.md from the benches' reports: when, on what machine, with which command, then a summary of
 * the goals and one table per bench. Nothing in it names a path of the machine that ran it.
 */
import * as os from "os";
import { BenchReport, Figure, Machine, REPO_ROOT } from "./harness";

export interface RunInfo {
  date: Date;
  machine: Machine;
  /** e.g. `npm run bench -- --rounds 40` */
  command: string;
  totalSeconds: number;
  /** 1-minute load average when the run started (other processes compete for the CPU). */
  loadAtStart: number;
  /** Per bench: how long it took, seconds. */
  durations: Record<string, number>;
}

/** Replaces machine paths (repository, temp folder, home) in free text. */
export function scrubPaths(text: string): string {
  const pairs: Array<[string, string]> = [
    [REPO_ROOT, "."],
    [os.tmpdir(), "$TMPDIR"],
    [os.homedir(), "~"],
  ];
  let out = text;
  for (const [from, to] of pairs) if (from && from !== "/") out = out.split(from).join(to);
  return out;
}

const num = (x: number | null | undefined): string => (typeof x === "number" && Number.isFinite(x) ? String(x) : "–");
const cell = (s: string) => scrubPaths(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const metText = (f: Figure) => (f.met === null ? (f.goal ? "not measured" : "") : f.met ? "met" : "**not met**");

function value(f: Figure): string {
  if (!f.samples.length) return "not measured in this run";
  return `${num(f.median)} ${f.unit}`;
}

function spread(f: Figure): string {
  return f.samples.length > 1 ? `${num(f.min)}–${num(f.max)} (n=${f.samples.length})` : "";
}

export function renderResults(info: RunInfo, reports: BenchReport[]): string {
  const m = info.machine;
  const lines: string[] = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` (bench/all.ts); rerun it to refresh this file. Medians, with min–max over n runs.`,
    "",
    "| | |",
    "|---|---|",
    `| date | ${info.date.toISOString().replace(/\.\d+Z$/, "Z")} |`,
    `| machine | ${cell(m.os)}; ${cell(m.cpu)}; ${m.cores} cores; ${m.memoryGiB} GiB memory |`,
    `| Node | ${m.node} |`,
    `| command | \`${cell(info.command)}\` |`,
    `| load average at start | ${info.loadAtStart.toFixed(2)} (on ${m.cores} cores; above 0 means other processes shared the CPU) |`,
    `| total time | ${info.totalSeconds.toFixed(0)} s |`,
    "",
    "## Goals",
    "",
    "| figure | measured | goal | met |",
    "|---|---|---|---|",
  ];
  for (const r of reports) {
    for (const f of r.figures.filter((x) => x.goal)) lines.push(`| ${cell(f.name)} | ${cell(value(f))} | ${cell(f.goal!)} | ${metText(f)} |`);
  }
  for (const r of reports) {
    lines.push("", `## ${r.bench}`, "", `\`${cell(r.command)}\`${info.durations[r.bench] !== undefined ? ` — ${info.durations[r.bench].toFixed(0)} s` : ""}`, "");
    if (r.skipped) lines.push(`Not measured in this run: ${cell(r.skipped)}.`);
    if (r.figures.length) {
      lines.push("| figure | median | min–max | goal | met | note |", "|---|---|---|---|---|---|");
      for (const f of r.figures) {
        lines.push(`| ${cell(f.name)} | ${cell(value(f))} | ${spread(f)} | ${cell(f.goal ?? "")} | ${metText(f)} | ${cell(f.note)} |`);
      }
    }
    if (r.errors.length) {
      lines.push("", `Errors (${r.errors.length}):`, "");
      for (const e of r.errors.slice(0, 20)) lines.push(`- ${cell(e)}`);
      if (r.errors.length > 20) lines.push(`- … and ${r.errors.length - 20} more`);
    }
  }
  return lines.join("\n") + "\n";
}
