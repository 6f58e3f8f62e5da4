/** Stops the shared MariaDB started by global-setup.ts (and removes its datadir). */
import type { LaunchedMariaDb } from "../sandbox/mariadb";

export default async function globalTeardown(): Promise<void> {
  const key = "__LIVE_INFRA_SHARED_MARIADB__";
  const server = (globalThis as Record<string, unknown>)[key] as LaunchedMariaDb | undefined;
  if (!server) return;
  delete (globalThis as Record<string, unknown>)[key];
  if (process.env.LIVE_INFRA_TEST_MYSQL_URL === server.url) delete process.env.LIVE_INFRA_TEST_MYSQL_URL;
  await server.stop();
}
