#!/usr/bin/env node
/**
 * `live-infra`: the package's command line. Thin: parse arguments, call the core, set the exit code.
 * Each command lives in its own file exporting `register(program)`.
 */
import { Command, CommanderError } from "commander";
import { EXIT_USAGE, reportError } from "./run";
import * as synth from "./synth";
import * as sandbox from "./sandbox";
import * as migrate from "./migrate";
import * as validate from "./validate";
import * as demo from "./demo";

process.env.CHECKPOINT_DISABLE = "1";

const COMMANDS: ReadonlyArray<{ register(p: Command): void }> = [synth, sandbox, migrate, validate, demo];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("live-infra")
    .description(
      "Provision and check the 小直播 (Mini Live Streaming) demo environment on Tencent Cloud.\n" +
        "Exit codes: 0 ok, 1 problem found or operation failed, 2 usage or input error.",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const mod of COMMANDS) mod.register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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
