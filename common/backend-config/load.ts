/**
 * Reading a configuration from disk: the backend's conf/ directory or a `--backend-config FILE.json`, and the
 * CLI's choice between the two. A file that cannot be read is an InputError naming it and both flags.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, MAX_INPUT_FILE_BYTES } from "../errors";
import { parseRouteIni } from "./ini";
import { parseBackendConfigJson } from "./json-form";
import { BackendConfig, DEFAULT_BACKEND_DIR, fromBackendValues, OUT_DEFINE_FILE, OUT_DEFINE_KEYS, ROUTE_INI_FILE } from "./model";
import { parseOutDefine } from "./php";

function readText(file: string, what: string): string {
  try {
    // A huge file (a log, a dump given by mistake) is refused before it is read.
    if (fs.statSync(file).size > MAX_INPUT_FILE_BYTES) {
      throw new InputError(`${file}: ${what} is larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB; pass the backend's own file`);
    }
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read ${what} (${code ?? (err as Error).message}). ` +
        `Pass --backend-dir DIR (the backend's root, holding conf/) or --backend-config FILE.json.`,
    );
  }
}

/** Reads `<dir>/conf/OutDefine.php` and `<dir>/conf/cdn.route.ini`. */
export function loadBackendDir(dir: string = DEFAULT_BACKEND_DIR): BackendConfig {
  const odFile = path.join(dir, OUT_DEFINE_FILE);
  const iniFile = path.join(dir, ROUTE_INI_FILE);
  const od = parseOutDefine(readText(odFile, "the backend's OutDefine.php"), odFile);
  const ini = parseRouteIni(readText(iniFile, "the backend's cdn.route.ini"), iniFile);
  const locations: Record<string, string> = {};
  for (const [k, l] of Object.entries(od.lines)) if ((OUT_DEFINE_KEYS as readonly string[]).includes(k)) locations[k] = `${odFile}:${l}`;
  for (const [k, l] of Object.entries(ini.lines)) locations[`DB.${k}`] = `${iniFile}:${l}`;
  return fromBackendValues(od.values, ini.values, { kind: "dir", dir, logDir: path.join(dir, "log"), locations });
}

/** Reads a `--backend-config FILE.json`. */
export function loadBackendConfigJson(file: string): BackendConfig {
  return parseBackendConfigJson(readText(file, "the backend config JSON"), file);
}

/**
 * The CLI's loader: `--backend-config FILE.json` wins; otherwise `--backend-dir DIR` (default
 * {@link DEFAULT_BACKEND_DIR}). Giving both is a usage error.
 */
export function loadBackendConfig(opts: { backendDir?: string; backendConfig?: string }): BackendConfig {
  if (opts.backendDir && opts.backendConfig) {
    throw new InputError("give either --backend-dir or --backend-config, not both");
  }
  if (opts.backendConfig) return loadBackendConfigJson(opts.backendConfig);
  return loadBackendDir(opts.backendDir ?? DEFAULT_BACKEND_DIR);
}
