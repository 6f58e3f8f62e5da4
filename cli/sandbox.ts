import { Command } from "commander";
// Placeholder until the issue that owns `sandbox` lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program.command("sandbox").description("(not built yet)").action(() => {
    process.stderr.write("live-infra sandbox: not built yet\n");
    process.exitCode = 1;
  });
}
