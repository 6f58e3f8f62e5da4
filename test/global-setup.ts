/**
 * Builds dist/ when stale, then starts ONE throwaway MariaDB for the whole jest run and hands its URL to the workers through
 * LIVE_INFRA_TEST_MYSQL_URL (workers inherit the environment). Skipped when LIVE_INFRA_TEST_MYSQL_URL is already set.
 * A failure does not abort the run: tests that need MySQL fail with the reason (test/helpers/mysql.ts), others pass.
 */
import { launchMariaDb, LaunchedMariaDb } from "../sandbox/mariadb";
import { ensureBuilt } from "./helpers/cli";

export const SHARED_SERVER_KEY = "__LIVE_INFRA_SHARED_MARIADB__";

export default async function globalSetup(): Promise<void> {
  // Build the CLI once, before any worker runs it (see test/helpers/cli.ts).
  ensureBuilt((line) => process.stderr.write(`${line}\n`));
  if (process.env.LIVE_INFRA_TEST_MYSQL_URL) return;
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
