/**
 * What every bench shares: timing a whole process (spawn → exit, what a user waits for), the bare `node -e 0`
 * baseline, min/median/max, the result type each bench prints (`--json`: exactly one JSON line on stdout), flag
 * parsing and the machine description RESULTS.md starts with.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";

/** The repository root (dist/bench/lib → ../../..; bench/lib under ts-node/jest → ../..). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.endsWith(path.join("dist", "bench", "lib")) ? "../../.." : "../..");
/** The compiled CLI, as `npx live-infra` runs it. */
export const CLI = path.join(REPO_ROOT, "dist", "cli", "index.js");

/** One measured figure: samples and their min/median/max, the goal (null: reported only) and whether it is met. */
export interface Figure {
  name: string;
  /** "s", "ms", "×" (a multiple of the injected latency), "MB", "calls", "rounds" … */
  unit: string;
  samples: number[];
  min: number;
  median: number;
  max: number;
  /** e.g. "≤ 0.15 s"; null when the figure has no goal. */
  goal: string | null;
  /** Judged on the median unless the note says otherwise; null without a goal. */
  met: boolean | null;
  note: string;
}

/** What a bench prints with `--json`: its figures and the command that reproduces them. */
export interface BenchReport {
  bench: string;
  command: string;
  figures: Figure[];
  /** Problems that make the run itself wrong (e.g. a verdict mismatch), beyond goals not met. */
  errors: string[];
  /** Why the bench did not run (RESULTS.md then says "not measured in this run"). */
  skipped?: string;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * A figure from samples. `goal` is `{ max, text }`: met when the median (or `judge` of the samples) is ≤ max.
 */
export function figure(
  name: string,
  unit: string,
  samples: readonly number[],
  opts: { goal?: { max: number; text: string }; judge?: (samples: readonly number[]) => number; note?: string } = {},
): Figure {
  const round = rounder(unit);
  const s = samples.map((x) => round(x));
  const judged = opts.judge ? opts.judge(samples) : median(samples);
  return {
    name,
    unit,
    samples: s,
    min: s.length ? Math.min(...s) : NaN,
    median: round(median(samples)),
    max: s.length ? Math.max(...s) : NaN,
    goal: opts.goal?.text ?? null,
    met: opts.goal ? judged <= opts.goal.max : null,
    note: opts.note ?? "",
  };
}

/** Rounding by unit: ms and MB to 0.1, multiples to 0.01, everything else (seconds) to 0.001. */
function rounder(unit: string): (x: number) => number {
  const digits = unit === "ms" || unit === "MB" ? 1 : unit.startsWith("×") ? 2 : 3;
  const f = 10 ** digits;
  return (x) => Math.round(x * f) / f;
}

export interface ProcessRun {
  /** Spawn to exit (all output read), seconds. */
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A process a bench times is killed after this long (a hung child must not hang the bench). */
export const PROCESS_TIMEOUT_MS = 120_000;

/**
 * Runs `node ARGS…` and times it from spawn to close. stdout/stderr are collected (never printed). Rejects, naming
 * the command and the end of its stderr, when it runs longer than `timeoutMs` (it is killed).
 */
export function timeProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const timeoutMs = opts.timeoutMs ?? PROCESS_TIMEOUT_MS;
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...(opts.env ?? process.env), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      const tail = Buffer.concat(err).toString("utf8").trim().split("\n").slice(-3).join(" | ");
      const shown = args.map((a) => path.relative(REPO_ROOT, a) || a).join(" ");
      reject(new Error(`node ${shown}: no exit within ${timeoutMs / 1000} s (killed)${tail ? `; stderr: ${tail}` : ""}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** `live-infra ARGS…` as a process. */
export const timeCli = (args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) => timeProcess([CLI, ...args], opts);

/** N runs of a bare `node -e 0`: what any process costs before it loads anything of ours. */
export async function nodeBaseline(runs: number): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push((await timeProcess(["-e", "0"])).seconds);
  return xs;
}

export function nodeBaselineFigure(samples: number[]): Figure {
  return figure("`node -e 0` (baseline)", "s", samples, { note: "a bare Node start; subtracted for the net figures" });
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

export class UsageError extends Error {}

/** `--name N`: a positive number (integer when `int`), or `def`. */
export function numFlag(argv: string[], name: string, def: number, opts: { int?: boolean; min?: number } = {}): number {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const raw = argv[i + 1];
  const n = Number(raw);
  const min = opts.min ?? 1;
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(n) || n < min || (opts.int && !Number.isInteger(n))) {
    throw new UsageError(`${name} needs ${opts.int ? "an integer" : "a number"} ≥ ${min} (got ${raw === undefined ? "nothing" : `"${raw}"`})`);
  }
  return n;
}

export function strFlag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value`);
  return v;
}

export const boolFlag = (argv: string[], name: string) => argv.includes(name);

/** Rejects flags the bench does not know (so a typo is not silently ignored). */
export function checkFlags(argv: string[], known: { values: string[]; switches: string[] }): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (known.values.includes(a)) i++;
    else if (!known.switches.includes(a)) {
      throw new UsageError(`unknown argument "${a}"; allowed: ${[...known.values.map((v) => `${v} X`), ...known.switches].join(", ")}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Output

/** The human-readable lines of a report. */
export function renderText(r: BenchReport): string {
  const fmt = (x: number) => (Number.isFinite(x) ? String(x) : "–");
  const lines = [`${r.bench}: ${r.command}`];
  for (const f of r.figures) {
    const spread = f.samples.length > 1 ? ` (min ${fmt(f.min)}, max ${fmt(f.max)}, n=${f.samples.length})` : "";
    const goal = f.goal ? `  goal ${f.goal}: ${f.met ? "met" : "NOT MET"}` : "";
    lines.push(`  ${f.name}: ${fmt(f.median)} ${f.unit}${spread}${goal}${f.note ? `  — ${f.note}` : ""}`);
  }
  for (const e of r.errors) lines.push(`  ERROR: ${e}`);
  return lines.join("\n") + "\n";
}

/**
 * Prints the report: with `--json` exactly one JSON line on stdout (the text goes to stderr), else the text on
 * stdout. Exit code 1 when the run had errors (a goal not met is not an error: RESULTS.md says so).
 */
export function emit(r: BenchReport, json: boolean): void {
  if (json) {
    process.stderr.write(renderText(r));
    process.stdout.write(JSON.stringify(r) + "\n");
  } else process.stdout.write(renderText(r));
  if (r.errors.length) process.exitCode = 1;
}

/** Runs a bench's main: usage errors exit 2 with one line, other failures exit 1 with one line (no stack trace). */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`bench/${name}: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Machine

export interface Machine {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpu: cpus[0]?.model?.trim() || "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

/** Seconds since `t0` (process.hrtime.bigint()). */
export const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** The sandbox's seeded PRNG (mulberry32), so `--seed S` replays a run. */
export { prng } from "../../sandbox/faults";
