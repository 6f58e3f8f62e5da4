/**
 * bench/synth: synthesizing every default environment (environments/*.json) into a temporary folder, including the
 * schema conformance check, two ways:
 *   in-process  one synthesize() in this process, module loading (cdktf, bindings, zod) included, Node start-up
 *               excluded. Goal: ≤ 1.0 s on a 2-core machine.
 *   process     `live-infra synth --outdir TMP` spawned N times (spawn → exit): what a user waits for.
 *
 *   npm run build && node dist/bench/synth.js [--runs N] [--json]      (default 3 process runs)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BenchReport, checkFlags, emit, figure, numFlag, runMain, timeCli, UsageError } from "./lib/harness";

process.env.CHECKPOINT_DISABLE = "1";

const GOAL_S = 1.0;

export async function benchSynth(runs: number): Promise<BenchReport> {
  const command = `node dist/bench/synth.js --runs ${runs}`;
  const errors: string[] = [];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-bench-synth-"));
  try {
    const t0 = process.hrtime.bigint();
    // Loading the modules is part of a synth, so it is timed too.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthesize } = require("../stacks/synth") as typeof import("../stacks/synth");
    const t1 = process.hrtime.bigint();
    const result = synthesize({ outdir: path.join(outdir, "in-process") });
    const t2 = process.hrtime.bigint();
    const s = (a: bigint, b: bigint) => Number(b - a) / 1e9;
    if (result.violationCount) errors.push(`${result.violationCount} policy/conformance violation(s)`);
    const envs = result.stacks.map((x) => x.env).join(", ");

    const proc: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timeCli(["synth", "--outdir", path.join(outdir, `process-${i}`)], { env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      if (r.code !== 0) errors.push(`live-infra synth exited ${r.code}: ${r.stderr.trim().split("\n").slice(-1)[0] ?? ""}`);
      else proc.push(r.seconds);
    }
    return {
      bench: "synth",
      command,
      figures: [
        figure(`synth in-process (${result.stacks.length} environments: ${envs})`, "s", [s(t0, t2)], {
          goal: { max: GOAL_S, text: `≤ ${GOAL_S.toFixed(1)} s` },
          note: `module load ${(s(t0, t1) * 1000).toFixed(0)} ms + synth and conformance ${(s(t1, t2) * 1000).toFixed(0)} ms; one run`,
        }),
        figure("`live-infra synth` as a process", "s", proc, { note: "spawn → exit, same environments" }),
      ],
      errors,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: node dist/bench/synth.js [--runs N] [--json]\nTimes synth in-process (goal ≤ 1.0 s) and `live-infra synth` as a process.\n");
    return;
  }
  checkFlags(argv, { values: ["--runs"], switches: ["--json"] });
  const runs = numFlag(argv, "--runs", 3, { int: true });
  if (runs > 100) throw new UsageError("--runs must be ≤ 100");
  emit(await benchSynth(runs), argv.includes("--json"));
}

if (require.main === module) runMain("synth", main);
