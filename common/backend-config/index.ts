/**
 * The 小直播 backend's configuration files: parser and renderer.
 *
 *  - `conf/OutDefine.php` (php.ts): PHP `define('NAME', value);` statements. Keys read here: API_KEY, COSKEY_BUCKET,
 *    COSKEY_BUCKET_REGION, COSKEY_APPID, COSKEY_SECRECTID, COSKEY_SECRECTKEY (the backend's own spelling "SECRECT").
 *  - `conf/cdn.route.ini` (ini.ts): INI; section `[DB]` with HOST, PORT, DBNAME, USER, PASSWD.
 *
 * Both can also come from one JSON file (`--backend-config FILE.json`, json-form.ts). model.ts holds
 * {@link BackendConfig} and its mapping to the backend's names; load.ts reads from disk, write.ts renders and
 * writes, from-outputs.ts derives a configuration from the stack outputs. Every problem with a file is an
 * InputError naming the file and line; messages never quote a secret value.
 */
export {
  DEFAULT_BACKEND_DIR,
  OUT_DEFINE_FILE,
  ROUTE_INI_FILE,
  OUT_DEFINE_KEYS,
  ROUTE_DB_KEYS,
  splitBucketName,
} from "./model";
export type {
  OutDefineKey,
  RouteDbKey,
  BackendConfig,
  BackendConfigSource,
  OutDefineValues,
  RouteDbValues,
} from "./model";
export { parsePhpDefines, parseOutDefine, phpQuote, renderOutDefine } from "./php";
export type { PhpDefine, RenderOutDefineOptions } from "./php";
export { parseIni, parseRouteIni, iniValue, renderRouteIni } from "./ini";
export type { IniEntry, IniDocument, RenderRouteIniOptions } from "./ini";
export { BACKEND_CONFIG_JSON_SCHEMA, parseBackendConfigJson, toBackendConfigJson } from "./json-form";
export type { BackendConfigJson } from "./json-form";
export { loadBackendDir, loadBackendConfigJson, loadBackendConfig } from "./load";
export { renderBackendFiles, writeBackendDir } from "./write";
export { backendConfigFromOutputs } from "./from-outputs";
export type { BackendFromOutputsOptions } from "./from-outputs";
