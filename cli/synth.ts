import { Command } from "commander";
// Placeholder until the issue that owns `synth` lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program.command("synth").description("(not built yet)").action(() => {
    process.stderr.write("live-infra synth: not built yet\n");
    process.exitCode = 1;
  });
}
