/** The in-process CLI runner (test/helpers/cli-inprocess.ts) gives what a process gives for the same command line. */
import { CLI, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";

test.each([[["--version"]], [["validate", "--format", "pdf"]], [["drift", "--help"]], [["backend-config", "--outputs", "/nonexistent/outputs.json", "--check", "x"]]])(
  "%j: same exit code, stdout and stderr as the process",
  async (args) => {
    const [proc, inproc] = await Promise.all([runCli(args), runCliInProcess(args)]);
    expect(inproc).toEqual(proc);
  },
);

test("runs are serialized and leave the environment, folder and exit code as they were", async () => {
  const before = { env: process.env, cwd: process.cwd(), code: process.exitCode };
  const runs = await Promise.all([runCliInProcess(["--version"], { ...process.env, X_IN_PROCESS: "1" }, "/"), runCliInProcess(["nope"])]);
  expect(runs.map((r) => r.code)).toEqual([0, 2]);
  expect(process.env).toBe(before.env);
  expect(process.env.X_IN_PROCESS).toBeUndefined();
  expect(process.cwd()).toBe(before.cwd);
  expect(process.exitCode).toBe(before.code);
});

test("console output of the command (e.g. an SDK's warning) is captured like a process's, and the streams are no terminals", async () => {
  const realError = console.error;
  const cli = require(CLI) as { main(argv: string[]): Promise<void> };
  const main = cli.main;
  let terminals: unknown[] = [];
  cli.main = async () => {
    terminals = [process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY];
    console.error("warned through console.error");
    console.log("logged");
    process.exitCode = 3;
  };
  try {
    const r = await runCliInProcess(["anything"]);
    expect(r).toEqual({ code: 3, stdout: "logged\n", stderr: "warned through console.error\n" });
    expect(terminals).toEqual([false, false, false]);
  } finally {
    cli.main = main;
  }
  expect(console.error).toBe(realError);
});
