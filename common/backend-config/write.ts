/** The backend's two files for a configuration: their texts, and writing them into a backend directory. */
import * as fs from "fs";
import * as path from "path";
import { renderRouteIni } from "./ini";
import { BackendConfig, OUT_DEFINE_FILE, ROUTE_INI_FILE, toBackendValues } from "./model";
import { renderOutDefine } from "./php";

/** The two files' texts for a configuration. */
export function renderBackendFiles(cfg: BackendConfig): { outDefine: string; routeIni: string } {
  const { outDefine, db } = toBackendValues(cfg);
  return { outDefine: renderOutDefine(outDefine), routeIni: renderRouteIni(db) };
}

/**
 * Writes `<dir>/conf/OutDefine.php` and `<dir>/conf/cdn.route.ini` (mode 0600, folders created) for a
 * configuration — e.g. `writeBackendDir(tmp, backendConfigFromOutputs(outputs))`. Returns the two paths.
 */
export function writeBackendDir(dir: string, cfg: BackendConfig): { outDefine: string; routeIni: string } {
  const files = renderBackendFiles(cfg);
  const conf = path.join(dir, "conf");
  fs.mkdirSync(conf, { recursive: true });
  const od = path.join(dir, OUT_DEFINE_FILE);
  const ini = path.join(dir, ROUTE_INI_FILE);
  fs.writeFileSync(od, files.outDefine, { mode: 0o600 });
  fs.writeFileSync(ini, files.routeIni, { mode: 0o600 });
  return { outDefine: od, routeIni: ini };
}
