/**
 * Synth benchmark: wall time of synthesizing every default environment (environments/*.json) into a temporary
 * folder, including the schema conformance check; build and Node start-up are excluded. Goal: ≤ 1.0 s on a 2-core
 * machine. Run `npm run bench:synth` after `npm run build`. Module loading (cdktf, bindings, zod) is timed, since
 * every real synth pays it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

process.env.CHECKPOINT_DISABLE = "1";

function main(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-bench-synth-"));
  try {
    const t0 = process.hrtime.bigint();
    // Loading the modules is part of a synth, so it is timed too.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthesize } = require("../stacks/synth") as typeof import("../stacks/synth");
    const t1 = process.hrtime.bigint();
    const result = synthesize({ outdir });
    const t2 = process.hrtime.bigint();
    const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
    const total = ms(t0, t2);
    const envs = result.stacks.map((s) => s.env).join(", ");
    process.stdout.write(
      `synth of ${result.stacks.length} environment(s) (${envs}): ${(total / 1000).toFixed(3)} s wall ` +
        `(module load ${ms(t0, t1).toFixed(0)} ms, synth + conformance ${ms(t1, t2).toFixed(0)} ms; ` +
        `${result.violationCount} violation(s)); goal ≤ 1.000 s\n`,
    );
    if (result.violationCount) process.exitCode = 1;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main();
