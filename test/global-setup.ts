/**
 * Runs once before the jest workers start:
 * - makes one temp folder for this run (`<tmp>/live-infra-jest-XXXXXX`) and points TMPDIR, TMP and TEMP at it, so
 *   everything the tests, their child processes and the servers they start write to the temp folder lands inside
 *   it (workers are forked afterwards and inherit the environment); global-teardown.ts removes it;
 * - builds dist/ when stale;
 * - starts ONE throwaway MariaDB for the whole run and hands its URL to the workers through
 *   LIVE_INFRA_TEST_MYSQL_URL. Skipped when LIVE_INFRA_TEST_MYSQL_URL is already set. A failure does not abort the
 *   run: tests that need MySQL fail with the reason (test/helpers/mysql.ts), others pass.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { launchMariaDb, LaunchedMariaDb } from "../sandbox/mariadb";
import { ensureBuilt } from "./helpers/cli";

export const SHARED_SERVER_KEY = "__LIVE_INFRA_SHARED_MARIADB__";
export const RUN_TMPDIR_KEY = "__LIVE_INFRA_JEST_TMPDIR__";
export const TMPDIR_VARIABLES = ["TMPDIR", "TMP", "TEMP"] as const;

/** This run's temp folder and the variables it replaced (read by global-teardown.ts). */
export interface RunTmpdir {
  dir: string;
  saved: Record<(typeof TMPDIR_VARIABLES)[number], string | undefined>;
}

/**
 * Where the run folder goes: the temp folder, unless its path is so long that the MariaDB socket inside the run
 * folder (`<run>/lim-XXXXXX.sock`) would pass the ~107-byte unix socket limit; then /tmp.
 */
function runFolderParent(): string {
  // Absolute: a relative TMPDIR would break once a test changes the working folder.
  const base = path.resolve(os.tmpdir());
  const socketLength = path.join(base, "live-infra-jest-XXXXXX", "lim-XXXXXX.sock").length;
  return socketLength < 100 || !fs.existsSync("/tmp") ? base : "/tmp";
}

function useRunTmpdir(): RunTmpdir {
  const dir = fs.mkdtempSync(path.join(runFolderParent(), "live-infra-jest-"));
  const run: RunTmpdir = { dir, saved: { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP } };
  (globalThis as Record<string, unknown>)[RUN_TMPDIR_KEY] = run;
  for (const name of TMPDIR_VARIABLES) process.env[name] = dir;
  return run;
}

export default async function globalSetup(): Promise<void> {
  const run = useRunTmpdir();
  try {
    // Build the CLI once, before any worker runs it (see test/helpers/cli.ts).
    ensureBuilt((line) => process.stderr.write(`${line}\n`));
  } catch (err) {
    // jest skips the global teardown when the setup throws.
    fs.rmSync(run.dir, { recursive: true, force: true });
    throw err;
  }
  if (!process.env.LIVE_INFRA_TEST_MYSQL_URL) {
    try {
      const server = await launchMariaDb();
      (globalThis as Record<string, unknown>)[SHARED_SERVER_KEY] = server satisfies LaunchedMariaDb;
      process.env.LIVE_INFRA_TEST_MYSQL_URL = server.url;
    } catch (err) {
      const message = (err as Error).message;
      process.env.LIVE_INFRA_TEST_MYSQL_ERROR = message;
      process.stderr.write(`jest global setup: could not start MariaDB; MySQL tests will fail.\n${message}\n`);
    }
  }
  // An interrupted run skips the global teardown. Registered after the launch, so these run after the launcher's own
  // hooks have killed the shared MariaDB; a signal is then re-raised unless someone else handles it.
  const removeRunDir = () => {
    try {
      fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* a server of an in-band test still writing there: left to the OS temp cleaner */
    }
  };
  process.once("exit", removeRunDir);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      removeRunDir();
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}
