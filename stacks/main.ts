/**
 * The cdktf app entry (`cdktf.json` → `node dist/stacks/main.js`): synthesizes every environment into CDKTF_OUTDIR
 * (set by `cdktf synth/deploy`; default cdktf.out) and fails on policy errors or schema-conformance violations.
 * `live-infra synth` does the same with options and a summary.
 */
import { InputError } from "../common/errors";
import { synthesize } from "./synth";

process.env.CHECKPOINT_DISABLE = "1";

/** Runs the synth; returns the exit code (exported for tests). */
export function main(): number {
  try {
    const result = synthesize({ outdir: process.env.CDKTF_OUTDIR || "cdktf.out" });
    for (const s of result.stacks) {
      for (const w of s.warnings) process.stderr.write(`warning: ${s.stackName}: ${w.path}: ${w.message}\n`);
      for (const v of s.violations) process.stderr.write(`schema: ${s.stackName}: ${v.path}: ${v.message}\n`);
    }
    return result.violationCount ? 1 : 0;
  } catch (err) {
    process.stderr.write(`live-infra: ${(err as Error).message}\n`);
    return err instanceof InputError ? 2 : 1;
  }
}

if (require.main === module) process.exitCode = main();
