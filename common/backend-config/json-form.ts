/**
 * `--backend-config FILE.json`: the backend's values in one JSON file, under the names of the backend's own files
 * (shape {@link BackendConfigJson}, JSON Schema {@link BACKEND_CONFIG_JSON_SCHEMA}). Every problem is an InputError
 * naming the file, line and field; messages never quote the file's text (it holds keys).
 */
import type Ajv from "ajv";
import { lazyModule } from "../lazy";

const ajvModule = lazyModule(() => require("ajv") as { default: typeof Ajv });
import { checkInputSize, InputError, lineOf, MAX_VALUE_LENGTH, parseJsonFile } from "../errors";
import { getOwn } from "../records";
import {
  BackendConfig,
  fromBackendValues,
  isPortNumber,
  OUT_DEFINE_KEYS,
  OutDefineKey,
  pickOutDefineValues,
  ROUTE_DB_KEYS,
  toBackendValues,
} from "./model";

/**
 * Shape of `--backend-config FILE.json`: the same names as the backend's files.
 *
 * ```json
 * {
 *   "API_KEY": "callback key of the callback template",
 *   "COSKEY_BUCKET": "upload-bucket or upload-bucket-1250000000",
 *   "COSKEY_BUCKET_REGION": "ap-guangzhou",
 *   "COSKEY_APPID": "1250000000",
 *   "COSKEY_SECRECTID": "AKID…",
 *   "COSKEY_SECRECTKEY": "…",
 *   "DB": { "HOST": "10.0.0.5", "PORT": 3306, "DBNAME": "live_demo", "USER": "live_user", "PASSWD": "…" },
 *   "logDir": "/data/live_demo_service/log"
 * }
 * ```
 * COSKEY_APPID and DB.PORT may be numbers or digit strings; `logDir` is optional; strings are at most 4096
 * characters.
 */
export interface BackendConfigJson {
  API_KEY: string;
  COSKEY_BUCKET: string;
  COSKEY_BUCKET_REGION: string;
  COSKEY_APPID: string | number;
  COSKEY_SECRECTID: string;
  COSKEY_SECRECTKEY: string;
  DB: { HOST: string; PORT: number | string; DBNAME: string; USER: string; PASSWD: string };
  logDir?: string;
}

/** JSON Schema (draft-07) of {@link BackendConfigJson}. */
export const BACKEND_CONFIG_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "live-infra backend configuration (values of conf/OutDefine.php and conf/cdn.route.ini)",
  type: "object",
  additionalProperties: false,
  required: [...OUT_DEFINE_KEYS, "DB"],
  properties: {
    $schema: { type: "string", maxLength: MAX_VALUE_LENGTH },
    API_KEY: { type: "string", maxLength: MAX_VALUE_LENGTH },
    COSKEY_BUCKET: { type: "string", minLength: 1, maxLength: MAX_VALUE_LENGTH },
    COSKEY_BUCKET_REGION: { type: "string", minLength: 1, maxLength: MAX_VALUE_LENGTH },
    COSKEY_APPID: { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$", maxLength: 32 }] },
    COSKEY_SECRECTID: { type: "string", maxLength: MAX_VALUE_LENGTH },
    COSKEY_SECRECTKEY: { type: "string", maxLength: MAX_VALUE_LENGTH },
    DB: {
      type: "object",
      additionalProperties: false,
      required: [...ROUTE_DB_KEYS],
      properties: {
        HOST: { type: "string", minLength: 1, maxLength: MAX_VALUE_LENGTH },
        PORT: {
          anyOf: [
            { type: "integer", minimum: 1, maximum: 65535 },
            { type: "string", pattern: "^[0-9]{1,5}$" },
          ],
        },
        DBNAME: { type: "string", minLength: 1, maxLength: MAX_VALUE_LENGTH },
        USER: { type: "string", minLength: 1, maxLength: MAX_VALUE_LENGTH },
        PASSWD: { type: "string", maxLength: MAX_VALUE_LENGTH },
      },
    },
    logDir: { type: "string", maxLength: MAX_VALUE_LENGTH },
  },
} as const;

type JsonValidator = ((doc: unknown) => boolean) & { errors?: unknown };
let validateJson: JsonValidator | undefined;

/** A JSON pointer's parts as a dotted field name; parts that are not plain names are quoted and cut short. */
function fieldName(parts: string[]): string {
  return parts
    .map((p) => (/^[A-Za-z0-9_$-]{1,64}$/.test(p) ? p : JSON.stringify(p.length > 64 ? `${p.slice(0, 64)}…` : p)))
    .join(".");
}

/** Parses the text of a `--backend-config` JSON file (shape {@link BackendConfigJson}). */
export function parseBackendConfigJson(text: string, file: string): BackendConfig {
  checkInputSize(text, file);
  const doc = parseJsonFile(text, file); // never quotes the file's text (it holds keys)
  // Line of the first `"key"` in the text, if any.
  const keyLine = (key: string): number | undefined => {
    const at = text.indexOf(`"${key}"`);
    return at >= 0 ? lineOf(text, at) : undefined;
  };
  if (!validateJson) {
    const ajv = new (ajvModule().default)({ allErrors: true, strict: false });
    validateJson = ajv.compile(BACKEND_CONFIG_JSON_SCHEMA) as unknown as JsonValidator;
  }
  if (!validateJson!(doc)) {
    const errs = (validateJson!.errors ?? []) as Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>;
    const e = errs.find((x) => x.params && ("missingProperty" in x.params || "additionalProperty" in x.params)) ?? errs[0];
    const ptr = e.instancePath.split("/").filter(Boolean).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const extra = e.params && "additionalProperty" in e.params ? String(e.params.additionalProperty) : undefined;
    const missing = e.params && "missingProperty" in e.params ? String(e.params.missingProperty) : undefined;
    const field = fieldName([...ptr, ...(missing !== undefined ? [missing] : []), ...(extra !== undefined ? [extra] : [])]);
    const leaf = extra ?? ptr[ptr.length - 1];
    const line = (leaf ? keyLine(leaf) : undefined) ?? 1;
    let what = e.message ?? "is not valid";
    if (extra !== undefined) what = "is not a known key (check the spelling; the backend uses COSKEY_SECRECTID/COSKEY_SECRECTKEY)";
    else if (missing !== undefined) what = "is required";
    else if (e.message?.startsWith("must match a schema in anyOf")) what = "must be a number or a string of digits";
    throw new InputError(`${file}:${line}: ${field || "(document)"} ${what}`);
  }
  const j = doc as Record<string, unknown>;
  const dbDoc = getOwn(j, "DB") as Record<string, unknown>;
  const str = (obj: Record<string, unknown>, key: string) => String(getOwn(obj, key));
  const locate = (key: string) => {
    const line = keyLine(key);
    return line !== undefined ? `${file}:${line}` : file;
  };
  const locations: Record<string, string> = {};
  for (const k of OUT_DEFINE_KEYS) locations[k] = locate(k);
  for (const k of ROUTE_DB_KEYS) locations[`DB.${k}`] = locate(k);
  const port = Number(getOwn(dbDoc, "PORT"));
  if (!isPortNumber(port)) throw new InputError(`${locate("PORT")}: DB.PORT must be a port number (1-65535)`);
  const logDir = getOwn(j, "logDir");
  return fromBackendValues(
    pickOutDefineValues(Object.fromEntries(OUT_DEFINE_KEYS.map((k) => [k, str(j, k)])) as Record<OutDefineKey, string>),
    { HOST: str(dbDoc, "HOST"), PORT: port, DBNAME: str(dbDoc, "DBNAME"), USER: str(dbDoc, "USER"), PASSWD: str(dbDoc, "PASSWD") },
    { kind: "json", logDir: typeof logDir === "string" ? logDir : undefined, locations },
  );
}

/** The same values as a {@link BackendConfigJson} document (secrets included: write it with mode 0600). */
export function toBackendConfigJson(cfg: BackendConfig): BackendConfigJson {
  const { outDefine, db } = toBackendValues(cfg);
  const j: BackendConfigJson = { ...outDefine, DB: db };
  if (cfg.source.logDir) j.logDir = cfg.source.logDir;
  return j;
}
