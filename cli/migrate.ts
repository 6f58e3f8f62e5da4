import { Command } from "commander";
// Placeholder until the issue that owns `migrate` lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program.command("migrate").description("(not built yet)").action(() => {
    process.stderr.write("live-infra migrate: not built yet\n");
    process.exitCode = 1;
  });
}
