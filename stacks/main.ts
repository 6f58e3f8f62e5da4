/**
 * The cdktf app entry (`cdktf.json` → `node dist/stacks/main.js`): synthesizes every environment into CDKTF_OUTDIR
 * (set by `cdktf synth/deploy`; default cdktf.out) and fails on policy errors or schema-conformance violations.
 * With LIVE_INFRA_EPHEMERAL_FROM set it synthesizes only that environment's ephemeral copy (stacks/ephemeral.ts), so
 * `cdktf deploy live-demo-<name>` finds the stack `live-infra synth --env-from` made. `live-infra synth` does the
 * same with options and a summary.
 */
import { InputError } from "../common/errors";
import { ephemeralRequestFrom, makeEphemeralEnvironment } from "./ephemeral";
import { environmentsDir } from "./paths";
import { synthesize } from "./synth";

process.env.CHECKPOINT_DISABLE = "1";

/** Runs the synth; returns the exit code (exported for tests). */
export function main(): number {
  try {
    const request = ephemeralRequestFrom({}, process.env);
    const configs = request ? [makeEphemeralEnvironment(request, environmentsDir()).config] : undefined;
    const result = synthesize({ outdir: process.env.CDKTF_OUTDIR || "cdktf.out", configs });
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
