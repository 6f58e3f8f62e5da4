/**
 * bench/help: how long `live-infra --help`, `--version`, `validate --help` and `demo --help` take as processes
 * (spawn → exit), N runs each interleaved with a bare `node -e 0`. Goal: each ≤ 0.15 s (median, raw wall time);
 * the figure net of `node -e 0` is printed beside it.
 *
 *   npm run build && node dist/bench/help.js [--runs N] [--json]      (default 10 runs)
 */
import { BenchReport, Figure, checkFlags, emit, figure, median, nodeBaselineFigure, numFlag, runMain, timeCli, timeProcess, UsageError } from "./lib/harness";

const GOAL_S = 0.15;
const COMMANDS: ReadonlyArray<{ label: string; args: string[] }> = [
  { label: "live-infra --help", args: ["--help"] },
  { label: "live-infra --version", args: ["--version"] },
  { label: "live-infra validate --help", args: ["validate", "--help"] },
  { label: "live-infra demo --help", args: ["demo", "--help"] },
];

export async function benchHelp(runs: number): Promise<BenchReport> {
  const base: number[] = [];
  const samples = COMMANDS.map(() => [] as number[]);
  const errors: string[] = [];
  // One unmeasured round first (disk cache), then the runs interleaved so load spikes hit every command alike.
  for (let i = -1; i < runs; i++) {
    const b = await timeProcess(["-e", "0"]);
    if (i >= 0) base.push(b.seconds);
    for (const [k, c] of COMMANDS.entries()) {
      const r = await timeCli(c.args);
      if (r.code !== 0 || !r.stdout.trim()) {
        errors.push(`${c.label} exited ${r.code} with ${r.stdout.trim() ? "output" : "no output"}: ${r.stderr.trim().split("\n")[0] ?? ""}`);
        return { bench: "help", command: `node dist/bench/help.js --runs ${runs}`, figures: [], errors };
      }
      if (i >= 0) samples[k].push(r.seconds);
    }
  }
  const baseMedian = median(base);
  const figures: Figure[] = [nodeBaselineFigure(base)];
  for (const [k, c] of COMMANDS.entries()) {
    figures.push(figure(`\`${c.label}\``, "s", samples[k], { goal: { max: GOAL_S, text: `≤ ${GOAL_S} s` }, note: "process wall time" }));
    figures.push(figure(`\`${c.label}\` net of \`node -e 0\``, "s", samples[k].map((x) => x - baseMedian), { note: "minus the baseline's median" }));
  }
  return { bench: "help", command: `node dist/bench/help.js --runs ${runs}`, figures, errors };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: node dist/bench/help.js [--runs N] [--json]\nTimes `live-infra --help`, `--version`, `validate --help`, `demo --help` as processes (goal ≤ 0.15 s).\n");
    return;
  }
  checkFlags(argv, { values: ["--runs"], switches: ["--json"] });
  const runs = numFlag(argv, "--runs", 10, { int: true });
  if (runs > 1000) throw new UsageError("--runs must be ≤ 1000");
  emit(await benchHelp(runs), argv.includes("--json"));
}

if (require.main === module) runMain("help", main);
