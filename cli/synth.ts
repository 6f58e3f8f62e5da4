/**
 * `live-infra synth`: environments/<env>.json → cdktf.out/stacks/live-demo-<env>/cdk.tf.json, then the schema
 * conformance check against providers/tencentcloud/schema.json. With --env-from (or LIVE_INFRA_EPHEMERAL_FROM) it
 * synthesizes one ephemeral copy of that environment instead. Exit 0 ok, 1 policy error or conformance violation,
 * 2 bad environment file or option.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { InputError } from "../common/errors";
import { ConfigError, type EnvConfig } from "../stacks/config";
import {
  DEFAULT_TTL_HOURS,
  EPHEMERAL_ENV,
  ephemeralRequestFrom,
  makeEphemeralEnvironment,
  MAX_TTL_HOURS,
} from "../stacks/ephemeral";
import { environmentsDir } from "../stacks/paths";
import type { synthesize as Synthesize } from "../stacks/synth";
import { action, EXIT_FAIL, EXIT_OK, EXIT_USAGE, intOption } from "./run";

export interface SynthFlags {
  env?: string[];
  outdir: string;
  environments?: string;
  envFrom?: string;
  name?: string;
  ttlHours?: number;
  owner?: string;
  githubOutput?: string;
}

/** Where the command writes: stdout gets the one-line summaries, stderr progress, warnings and errors. */
export interface SynthIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const PROCESS_IO: SynthIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const HELP = `
Environments:
  Every environments/<env>.json is synthesized unless --env names some (repeat --env or give a comma list).
  Each becomes the stack live-demo-<env> in <outdir>/stacks/live-demo-<env>/cdk.tf.json.

Ephemeral copies (CI test stacks):
  --env-from <env> synthesizes only a copy of <env> named --name, stack live-demo-<name>: protection ephemeral
  with --ttl-hours (default ${DEFAULT_TTL_HOURS}), its own name prefix, bucket and live domains (<name>.<domain>), and the
  tags ephemeral-from, created-at, expires-at, owner and ci-run for the janitor. Without --name the name comes from
  the GitHub Actions run (ci-<run id>-<attempt>-<hash>, from GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB) or is
  random (tmp-<random>). Variables (the flags win): ${EPHEMERAL_ENV.from}, ${EPHEMERAL_ENV.name},
  ${EPHEMERAL_ENV.ttlHours}, ${EPHEMERAL_ENV.owner}.
  --github-output FILE appends stack=, env=, dir= (and expires_at= for a copy) for later workflow steps.

Checks:
  Bad environment values stop with one line per problem naming the file and field (exit 2).
  The policy pack fails on force_clean/force_delete in protected environments, literal secrets, missing standard
  tags and callback URLs on hosts the internet cannot reach (exit 1; a warning for ephemeral environments) and warns
  on public MySQL. Every stack is then checked against the pinned provider schema; each violation is listed with
  its path (exit 1).

Deploy afterwards with \`npx -p cdktf-cli@0.21.0 cdktf deploy live-demo-<env>\` or with terraform in the stack folder
(credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY).
`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

/** Appends `key=value` lines to a GitHub Actions output file. */
function writeGithubOutput(file: string, values: Record<string, string>): void {
  const text = Object.entries(values)
    .map(([k, v]) => `${k}=${v}\n`)
    .join("");
  try {
    fs.appendFileSync(file, text);
  } catch (err) {
    throw new InputError(`--github-output ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** The command's body, also called in-process by tests. Returns the exit code. */
export async function runSynth(flags: SynthFlags, env: NodeJS.ProcessEnv = process.env, io: SynthIo = PROCESS_IO): Promise<number> {
  process.env.CHECKPOINT_DISABLE = "1";
  const started = Date.now();
  const log = io.err;
  const envDir = flags.environments ? path.resolve(flags.environments) : undefined;
  const envLabel = flags.environments ?? "environments";
  let result;
  let configs: EnvConfig[] | undefined;
  try {
    if (flags.env?.length && flags.envFrom !== undefined) {
      throw new InputError("--env and --env-from cannot be combined: --env-from synthesizes only the ephemeral copy");
    }
    const request = flags.env?.length
      ? ephemeralRequestFrom({ name: flags.name, ttlHours: flags.ttlHours, owner: flags.owner }, {})
      : ephemeralRequestFrom(flags, env);
    if (request) {
      const derived = makeEphemeralEnvironment(request, envDir ?? environmentsDir(), envLabel);
      const c = derived.config;
      for (const note of derived.notes) log(`note: ${note}`);
      log(
        `synth: ephemeral copy of ${request.from} → stack ${c.stackName} (ttl ${c.standardTags["ttl-hours"]} h, expires ${c.ephemeralCopy?.expiresAt}` +
          (c.standardTags["ci-run"] ? `, ci-run ${c.standardTags["ci-run"]}` : "") +
          ")",
      );
      configs = [c];
    }
    // cdktf and the provider bindings load only when something is synthesized (not for --help).
    const { synthesize } = require("../stacks/synth") as { synthesize: typeof Synthesize };
    result = synthesize({
      envNames: flags.env ?? [],
      outdir: flags.outdir,
      environmentsDir: envDir,
      environmentsLabel: envLabel,
      configs,
      onProgress: log,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) log(`live-infra synth: ${p}`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      log(`live-infra synth: ${err.message}`);
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
    io.out(`${s.stackName}: ${s.resourceCount} resources → ${rel(s.file)} (${status})`);
  }
  if (flags.githubOutput) {
    const values: Record<string, string> = { stacks: result.stacks.map((s) => s.stackName).join(" ") };
    if (result.stacks.length === 1) {
      const [s] = result.stacks;
      values.stack = s.stackName;
      values.env = s.env;
      values.dir = rel(path.dirname(s.file));
      const copy = configs?.[0]?.ephemeralCopy;
      if (copy) values.expires_at = copy.expiresAt;
    }
    try {
      writeGithubOutput(flags.githubOutput, values);
    } catch (err) {
      log(`live-infra synth: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
  }
  const ms = Date.now() - started;
  if (result.violationCount) {
    log(`synth: ${result.violationCount} schema violation(s) in ${result.stacks.filter((s) => s.violations.length).length} stack(s); fix the constructs (see paths above)`);
    return EXIT_FAIL;
  }
  log(`synth: ${result.stacks.length} stack(s) written to ${rel(result.outdir)} in ${ms} ms`);
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command("synth")
    .description("Synthesize the live-demo stacks (all environments by default) and check them against the provider schema")
    .option("-e, --env <name>", "environment to synthesize (repeatable, or comma-separated; default: all)", collect)
    .option("-o, --outdir <dir>", "output folder", "cdktf.out")
    .option("--environments <dir>", "folder of <env>.json files (default: the package's environments/)")
    .option("--env-from <env>", `synthesize only an ephemeral copy of this environment (or ${EPHEMERAL_ENV.from})`)
    .option("--name <name>", `name of the ephemeral copy, stack live-demo-<name> (or ${EPHEMERAL_ENV.name}; default: from the CI run)`)
    .option(
      "--ttl-hours <hours>",
      `lifetime of the ephemeral copy, 1–${MAX_TTL_HOURS} (or ${EPHEMERAL_ENV.ttlHours}; default ${DEFAULT_TTL_HOURS})`,
      intOption("--ttl-hours", 1, MAX_TTL_HOURS),
    )
    .option("--owner <owner>", `owner tag of the ephemeral copy (or ${EPHEMERAL_ENV.owner}; default: the template's)`)
    .option("--github-output <file>", "append stack=, env=, dir= (and expires_at=) lines to this file (GitHub Actions $GITHUB_OUTPUT)")
    .addHelpText("after", HELP)
    .action(action(async (flags: SynthFlags) => runSynth(flags)));
}
