/**
 * Stops the shared MariaDB started by global-setup.ts (and removes its datadir), then removes this run's temp folder
 * (only that one) and restores TMPDIR, TMP and TEMP.
 */
import * as fs from "fs";
import type { LaunchedMariaDb } from "../sandbox/mariadb";
import type { RunTmpdir } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const serverKey = "__LIVE_INFRA_SHARED_MARIADB__";
  const server = globals[serverKey] as LaunchedMariaDb | undefined;
  delete globals[serverKey];
  try {
    if (server) {
      if (process.env.LIVE_INFRA_TEST_MYSQL_URL === server.url) delete process.env.LIVE_INFRA_TEST_MYSQL_URL;
      await server.stop();
    }
  } finally {
    const runKey = "__LIVE_INFRA_JEST_TMPDIR__";
    const run = globals[runKey] as RunTmpdir | undefined;
    delete globals[runKey];
    if (run) {
      for (const [name, value] of Object.entries(run.saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      try {
        // Retries: a server a test file started and did not stop may still be writing there for a moment.
        fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      } catch (err) {
        process.stderr.write(`jest global teardown: could not remove the run's temp folder ${run.dir}: ${(err as Error).message}\n`);
      }
    }
  }
}
