/**
 * `npm run bench`: runs every bench as its own process with `--json` (help, synth, migrate, validate, demo, fleet
 * when dist/bench/fleet.js exists, soak) and writes bench/RESULTS.md: date, machine, Node version, the command, and
 * every figure with its goal and whether it is met. Fits in 5 minutes on 2 cores with the defaults (soak runs 40
 * rounds here; `node dist/bench/soak.js` alone runs 200). The benches' progress goes to stderr.
 *
 * `npm test` is never run from here: its duration is passed in (`--npm-test-seconds S`, or a file holding the
 * number: `--npm-test-seconds-file F`), otherwise RESULTS.md says "not measured in this run".
 *
 * Fleet hook: dist/bench/fleet.js is run with `--json` (plus `--runs N` when given) and must print, as its last
 * stdout line, one JSON object of the BenchReport shape (bench/lib/harness.ts: {bench, command, figures, errors}).
 *
 *   npm run build && node dist/bench/all.js [--runs N] [--rounds M] [--only help,validate,…] [--out FILE]
 *                                           [--npm-test-seconds S | --npm-test-seconds-file F]
 * Exit code: 0 every bench ran (goals met or not: RESULTS.md says), 1 a bench failed or reported errors, 2 bad input.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BenchReport, checkFlags, figure, machine, numFlag, REPO_ROOT, runMain, since, strFlag, UsageError } from "./lib/harness";
import { renderResults } from "./lib/results";

const NPM_TEST_GOAL_S = 60;
const DEFAULT_ROUNDS = 40;

interface Bench {
  name: string;
  script: string;
  /** Extra node flags. */
  node?: string[];
  args: (o: { runs?: number; rounds: number }) => string[];
  optional?: boolean;
}

const BENCHES: readonly Bench[] = [
  { name: "help", script: "help.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []) },
  { name: "synth", script: "synth.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []) },
  { name: "migrate", script: "migrate.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []) },
  { name: "validate", script: "validate.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []) },
  { name: "demo", script: "demo.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []) },
  { name: "fleet", script: "fleet.js", args: ({ runs }) => (runs ? ["--runs", String(runs)] : []), optional: true },
  { name: "soak", script: "soak.js", node: ["--expose-gc"], args: ({ rounds }) => ["--rounds", String(rounds)] },
];
const NAMES = BENCHES.map((b) => b.name);

/** Longest one bench script may run (the soak's 200 rounds take ≈ 6 min on 2 cores; `npm run bench` runs 40). */
const BENCH_TIMEOUT_MS = 15 * 60_000;

/** Runs one bench script with --json; its stderr passes through, its last stdout line is the report. */
function runBench(b: Bench, args: string[]): Promise<BenchReport> {
  const file = path.join(__dirname, b.script);
  const command = `node ${[...(b.node ?? []), `dist/bench/${b.script}`, ...args].join(" ")}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(b.node ?? []), file, ...args, "--json"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const out: Buffer[] = [];
    let timedOut = false;
    // A hung bench must not hang `npm run bench`: it is killed and reported.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, BENCH_TIMEOUT_MS);
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.on("error", (err) => resolve({ bench: b.name, command, figures: [], errors: [`could not start: ${err.message}`] }));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ bench: b.name, command, figures: [], errors: [`no exit within ${BENCH_TIMEOUT_MS / 1000} s (killed)`] });
      const last = Buffer.concat(out).toString("utf8").trim().split("\n").slice(-1)[0] ?? "";
      try {
        const r = JSON.parse(last) as BenchReport;
        if (!Array.isArray(r.figures)) throw new Error("no figures");
        resolve({ bench: r.bench ?? b.name, command: r.command ?? command, figures: r.figures, errors: r.errors ?? [] });
      } catch {
        resolve({ bench: b.name, command, figures: [], errors: [`exited ${code} without a JSON report line on stdout`] });
      }
    });
  });
}

function npmTestReport(seconds: number | undefined, source: string): BenchReport {
  const goal = { max: NPM_TEST_GOAL_S, text: `≤ ${NPM_TEST_GOAL_S} s` };
  const f = figure("`npm test` (whole suite)", "s", seconds === undefined ? [] : [seconds], {
    goal,
    note: seconds === undefined ? "not measured in this run (pass --npm-test-seconds S)" : `measured outside the bench, ${source}`,
  });
  if (seconds === undefined) f.met = null;
  return { bench: "npm test", command: "npm test", figures: [f], errors: [] };
}

function readNpmTestSeconds(argv: string[]): { seconds?: number; source: string } {
  const direct = argv.includes("--npm-test-seconds") ? numFlag(argv, "--npm-test-seconds", 0, { min: 0 }) : undefined;
  const file = strFlag(argv, "--npm-test-seconds-file");
  if (direct !== undefined && file) throw new UsageError("--npm-test-seconds and --npm-test-seconds-file exclude each other; pass one");
  if (direct !== undefined) return { seconds: direct, source: "passed with --npm-test-seconds" };
  if (!file) return { source: "" };
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--npm-test-seconds-file: cannot read the file (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const m = /\d+(\.\d+)?/.exec(text);
  if (!m) throw new UsageError("--npm-test-seconds-file: the file holds no number of seconds");
  return { seconds: Number(m[0]), source: "read from --npm-test-seconds-file" };
}

/** The command as written in RESULTS.md: npm run bench plus the flags, without machine paths. */
function shownCommand(argv: string[]): string {
  const shown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") i++;
    else if (argv[i] === "--npm-test-seconds-file") shown.push(argv[i], argv[++i] === undefined ? "" : "FILE");
    else shown.push(argv[i]);
  }
  return shown.length ? `npm run bench -- ${shown.join(" ")}` : "npm run bench";
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(
      "Usage: node dist/bench/all.js [--runs N] [--rounds M] [--only NAME,…] [--out FILE] [--npm-test-seconds S | --npm-test-seconds-file F]\n" +
        `Runs the benches (${NAMES.join(", ")}) and writes bench/RESULTS.md (or --out FILE). Soak: ${DEFAULT_ROUNDS} rounds unless --rounds.\n`,
    );
    return;
  }
  checkFlags(argv, { values: ["--runs", "--rounds", "--only", "--out", "--npm-test-seconds", "--npm-test-seconds-file"], switches: [] });
  const runs = argv.includes("--runs") ? numFlag(argv, "--runs", 1, { int: true }) : undefined;
  const rounds = numFlag(argv, "--rounds", DEFAULT_ROUNDS, { int: true });
  const onlyText = strFlag(argv, "--only");
  const only = onlyText ? onlyText.split(",").map((s) => s.trim()).filter(Boolean) : NAMES;
  const unknown = only.filter((n) => !NAMES.includes(n));
  if (unknown.length) throw new UsageError(`--only: unknown bench "${unknown[0]}"; allowed: ${NAMES.join(", ")}`);
  const out = path.resolve(strFlag(argv, "--out") ?? path.join(REPO_ROOT, "bench", "RESULTS.md"));
  const npmTest = readNpmTestSeconds(argv);

  const date = new Date();
  const loadAtStart = os.loadavg()[0];
  const t0 = process.hrtime.bigint();
  const reports: BenchReport[] = [];
  const durations: Record<string, number> = {};
  for (const b of BENCHES.filter((x) => only.includes(x.name))) {
    const args = b.args({ runs, rounds });
    if (b.optional && !fs.existsSync(path.join(__dirname, b.script))) {
      reports.push({ bench: b.name, command: `node dist/bench/${b.script}`, figures: [], errors: [], skipped: `dist/bench/${b.script} does not exist` });
      process.stderr.write(`bench: ${b.name}: dist/bench/${b.script} does not exist; not measured in this run\n`);
      continue;
    }
    process.stderr.write(`bench: ${b.name}…\n`);
    const b0 = process.hrtime.bigint();
    reports.push(await runBench(b, args));
    durations[b.name] = since(b0);
  }
  reports.push(npmTestReport(npmTest.seconds, npmTest.source));
  const text = renderResults(
    { date, machine: machine(), command: shownCommand(argv), totalSeconds: since(t0), loadAtStart, durations },
    reports,
  );
  fs.writeFileSync(out, text);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), out) || out} (${since(t0).toFixed(0)} s)\n`);
  process.stdout.write(text);
  if (reports.some((r) => r.errors.length)) process.exitCode = 1;
}

if (require.main === module) runMain("all", main);
