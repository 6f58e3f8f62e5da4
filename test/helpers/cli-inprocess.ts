/**
 * Runs a `live-infra` command line inside the test process: the built CLI's own `main` (dist/cli/index.js), with
 * the given environment, working folder, stdout/stderr captured and the exit code read from process.exitCode.
 * The same command code and the same output as `runCli` without the ~0.3–0.5 s of starting a process and loading
 * modules per run — for the many small cases (usage errors, verdict rows). What only a process shows (exit on a
 * signal, a terminal, stdout holding nothing but the report when other code prints) stays with `runCli`.
 *
 * Runs are serialized: process.env, the working folder, process.exitCode and the two streams are process-wide.
 * The environment is swapped for JavaScript only (jest gives each test file its own copy of process.env): what Node
 * reads from the real environment — os.tmpdir(), os.homedir(), a child spawned without `env` — sees the worker's.
 * Tests that need those to differ use runCli.
 * Nothing is read from stdin (as with runCli's "ignore").
 */
import { Console } from "console";
import { CliRun, REPO_ROOT, CLI, requireBuiltCli } from "./cli";

export type { CliRun };

let queue: Promise<unknown> = Promise.resolve();

type Write = typeof process.stdout.write;

function capture(stream: NodeJS.WriteStream, sink: string[]): () => void {
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array, encodingOrCb?: unknown, cb?: unknown): boolean => {
    sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const done = typeof encodingOrCb === "function" ? encodingOrCb : cb;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

async function runOnce(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  requireBuiltCli();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(CLI) as { main(argv: string[]): Promise<void> };
  const savedEnv = process.env;
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const out: string[] = [];
  const err: string[] = [];
  process.env = { ...env, NO_COLOR: "1" };
  process.chdir(cwd);
  process.exitCode = undefined;
  const releaseOut = capture(process.stdout, out);
  const releaseErr = capture(process.stderr, err);
  // As in a process with pipes: not a terminal, and console.* (the COS SDK warns through console.error) goes to the
  // captured streams rather than jest's console.
  const streams = [process.stdin, process.stdout, process.stderr];
  const savedTty = streams.map((s) => s.isTTY);
  for (const s of streams) Object.defineProperty(s, "isTTY", { value: false, configurable: true, writable: true });
  const savedConsole = globalThis.console;
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
  try {
    await cli.main([process.execPath, CLI, ...args]);
    const code = typeof process.exitCode === "number" ? process.exitCode : Number(process.exitCode ?? 0);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    globalThis.console = savedConsole;
    streams.forEach((s, i) => Object.defineProperty(s, "isTTY", { value: savedTty[i], configurable: true, writable: true }));
    releaseOut();
    releaseErr();
    process.exitCode = savedExitCode;
    process.chdir(savedCwd);
    process.env = savedEnv;
  }
}

/** `runCli`'s contract, in-process: resolves with the exit code and both streams once the command has finished. */
export function runCliInProcess(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO_ROOT): Promise<CliRun> {
  const run = queue.then(() => runOnce(args, env, cwd));
  queue = run.catch(() => undefined);
  return run;
}
