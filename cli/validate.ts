import { Command } from "commander";
// Placeholder until the issue that owns `validate` lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program.command("validate").description("(not built yet)").action(() => {
    process.stderr.write("live-infra validate: not built yet\n");
    process.exitCode = 1;
  });
}
