/** The in-process CLI runner (test/helpers/cli-inprocess.ts) gives what a process gives for the same command line. */
import { runCli } from "../helpers/cli";
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
