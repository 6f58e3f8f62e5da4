/**
 * `live-infra synth`: environments/<env>.json → cdktf.out/stacks/live-demo-<env>/cdk.tf.json, then the schema
 * conformance check against providers/tencentcloud/schema.json. Exit 0 ok, 1 policy error or conformance
 * violation, 2 bad environment file or option.
 */
import * as path from "path";
import { Command } from "commander";
import { ConfigError } from "../stacks/config";
import { synthesize } from "../stacks/synth";
import { action, EXIT_FAIL, EXIT_OK, EXIT_USAGE } from "./run";

interface SynthFlags {
  env?: string[];
  outdir: string;
  environments?: string;
}

const HELP = `
Environments:
  Every environments/<env>.json is synthesized unless --env names some (repeat --env or give a comma list).
  Each becomes the stack live-demo-<env> in <outdir>/stacks/live-demo-<env>/cdk.tf.json.

Checks:
  Bad environment values stop with one line per problem naming the file and field (exit 2).
  The policy pack fails on force_clean/force_delete in protected environments, literal secrets and missing
  standard tags (exit 1) and warns on public MySQL. Every stack is then checked against the pinned provider
  schema; each violation is listed with its path (exit 1).

Deploy afterwards with \`npx -p cdktf-cli@0.21.0 cdktf deploy live-demo-<env>\` or with terraform in the stack folder
(credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY).
`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

export function register(program: Command): void {
  program
    .command("synth")
    .description("Synthesize the live-demo stacks (all environments by default) and check them against the provider schema")
    .option("-e, --env <name>", "environment to synthesize (repeatable, or comma-separated; default: all)", collect)
    .option("-o, --outdir <dir>", "output folder", "cdktf.out")
    .option("--environments <dir>", "folder of <env>.json files (default: the package's environments/)")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: SynthFlags) => {
        process.env.CHECKPOINT_DISABLE = "1";
        const started = Date.now();
        const log = (line: string) => process.stderr.write(`${line}\n`);
        let result;
        try {
          result = synthesize({
            envNames: flags.env ?? [],
            outdir: flags.outdir,
            environmentsDir: flags.environments ? path.resolve(flags.environments) : undefined,
            environmentsLabel: flags.environments ?? "environments",
            onProgress: log,
          });
        } catch (err) {
          if (err instanceof ConfigError) {
            for (const p of err.problems) log(`live-infra synth: ${p}`);
            return EXIT_USAGE;
          }
          throw err;
        }
        for (const s of result.stacks) {
          for (const w of s.warnings) log(`warning: ${s.stackName}: ${w.message} (${w.path})`);
          for (const v of s.violations) log(`schema violation: ${s.stackName}: ${v.path}: ${v.message}`);
        }
        const rel = (f: string) => path.relative(process.cwd(), f) || f;
        for (const s of result.stacks) {
          const status = s.violations.length ? `${s.violations.length} schema violation(s)` : "conforms to the provider schema";
          process.stdout.write(`${s.stackName}: ${s.resourceCount} resources → ${rel(s.file)} (${status})\n`);
        }
        const ms = Date.now() - started;
        if (result.violationCount) {
          log(`synth: ${result.violationCount} schema violation(s) in ${result.stacks.filter((s) => s.violations.length).length} stack(s); fix the constructs (see paths above)`);
          return EXIT_FAIL;
        }
        log(`synth: ${result.stacks.length} stack(s) written to ${rel(result.outdir)} in ${ms} ms`);
        return EXIT_OK;
      }),
    );
}
