/**
 * Loads a module on first use. The heavy SDKs (COS ~120 ms, API 3.0 ~70 ms, mysql2 ~50 ms, ajv ~30 ms to load) are
 * required by the code path that calls them, not by whoever imports the file: `live-infra --help` loads none of
 * them, and a validate run loads each while its first requests are already in flight.
 *
 * ```ts
 * import type * as Mysql from "mysql2/promise";
 * const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);
 * await mysql().createConnection(…);
 * ```
 */
export function lazyModule<T>(load: () => T): () => T {
  let loaded: { module: T } | undefined;
  return () => (loaded ??= { module: load() }).module;
}
