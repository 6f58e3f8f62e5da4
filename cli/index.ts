#!/usr/bin/env node
/**
 * `live-infra`: the package's command line. Thin: parse arguments, call the core, set the exit code.
 * Each command lives in its own file exporting `register(program)`.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { cacheDir } from "../common/cache-dir";
import { EXIT_USAGE, reportError } from "./run";

// cdktf's libraries phone home unless told not to; nothing here may reach the network.
process.env.CHECKPOINT_DISABLE = "1";

// Node ≥ 22.1 keeps compiled code between runs (each command loads less than a second of JavaScript, most of it the
// SDKs); Node 20 has no such API and this is a no-op there.
try {
  (require("module") as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.(path.join(cacheDir(), "node-compile-cache"));
} catch {
  // an unwritable cache folder only costs speed
}

interface CommandModule {
  register(program: Command): void;
}

/**
 * The commands, with a one-line summary for the top-level help. Only the command being run is loaded (each pulls in
 * heavy dependencies: cdktf, the SDKs, ajv), so `live-infra validate` does not pay for loading the synth code.
 */
const COMMANDS: ReadonlyArray<{ name: string; summary: string; load(): CommandModule }> = [
  { name: "synth", summary: "Synthesize the stacks and check them against the provider schema", load: () => require("./synth") },
  { name: "sandbox", summary: "Run the local Tencent Cloud emulator (API 3.0, COS, control API)", load: () => require("./sandbox") },
  { name: "migrate", summary: "Bring the live_demo database to the declared schema (never destructive)", load: () => require("./migrate") },
  { name: "validate", summary: "Check a deployed stack and the backend's configuration against every FAQ item", load: () => require("./validate") },
  { name: "drift", summary: "Compare the deployed stack with what the account returns now (what changed behind Terraform's back)", load: () => require("./drift") },
  { name: "teardown", summary: "Delete a test stack: terraform destroy when it has a state, then a guarded sweep through the APIs", load: () => require("./teardown") },
  { name: "janitor", summary: "Sweep the account's expired ephemeral stacks (TTL tags), never protected, untagged or foreign resources", load: () => require("./janitor") },
  { name: "backend-config", summary: "Write the backend's conf/OutDefine.php and conf/cdn.route.ini from the stack outputs, or check them", load: () => require("./backend-config") },
  { name: "support-bundle", summary: "Pack the backend's logs, validate/drift reports, config and versions into a redacted .tar.gz", load: () => require("./support-bundle") },
  { name: "demo", summary: "Run the whole flow offline and validate it (npm run demo)", load: () => require("./demo") },
];

/** The command a command line asks for: the first operand, or the one after `help`. */
function requestedCommand(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith("-"));
  return operands[0] === "help" ? operands[1] : operands[0];
}

/** The package's version, from the package.json above this file (cli/ in sources, dist/cli/ when built). */
function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    const file = path.join(__dirname, rel);
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "unknown";
}

export function buildProgram(args: readonly string[] = process.argv.slice(2)): Command {
  const program = new Command();
  program
    .name("live-infra")
    .description(
      "Provision and check the 小直播 (Mini Live Streaming) demo environment on Tencent Cloud.\n" +
        "Exit codes: 0 ok, 1 problem found or operation failed, 2 usage or input error.",
    )
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const wanted = requestedCommand(args);
  for (const c of COMMANDS) {
    if (c.name === wanted) c.load().register(program);
    else program.command(c.name).description(c.summary); // listed in the help; never run
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Runs one command line (`argv` as process.argv: node, script, args…); the exit code goes to process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv.slice(2));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error (commander already printed it).
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.exitCode = reportError(err);
  }
}

if (require.main === module) {
  void main(process.argv);
}
