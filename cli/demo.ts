import { Command } from "commander";
// Placeholder until the issue that owns `demo` lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program.command("demo").description("(not built yet)").action(() => {
    process.stderr.write("live-infra demo: not built yet\n");
    process.exitCode = 1;
  });
}
