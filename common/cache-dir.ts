/**
 * The package's per-user cache folder: LIVE_INFRA_CACHE_DIR, else $XDG_CACHE_HOME/live-demo-infra, else
 * ~/.cache/live-demo-infra. Never the temp folder: what lives here is meant to outlive a run (and `npm test` leaves
 * nothing in the temp folder).
 */
import * as os from "os";
import * as path from "path";

export const CACHE_DIR_ENV = "LIVE_INFRA_CACHE_DIR";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[CACHE_DIR_ENV]?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "live-demo-infra");
}
