/**
 * The 小直播 backend's configuration files: parser and renderer.
 *
 *  - `conf/OutDefine.php`: PHP `define('NAME', value);` statements. Keys read here: API_KEY, COSKEY_BUCKET,
 *    COSKEY_BUCKET_REGION, COSKEY_APPID, COSKEY_SECRECTID, COSKEY_SECRECTKEY (the backend's own spelling "SECRECT").
 *  - `conf/cdn.route.ini`: INI; section `[DB]` with HOST, PORT, DBNAME, USER, PASSWD.
 *
 * Both can also come from one JSON file (`--backend-config FILE.json`, shape {@link BackendConfigJson}, JSON Schema
 * {@link BACKEND_CONFIG_JSON_SCHEMA}). Every problem with a file is an InputError naming the file and line; messages
 * never quote a secret value.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { InputError, lineOf, parseJsonFile } from "./errors";
import type { StackOutputs } from "./outputs";

/** Where the CVM image installs the backend. */
export const DEFAULT_BACKEND_DIR = "/data/live_demo_service";
export const OUT_DEFINE_FILE = path.join("conf", "OutDefine.php");
export const ROUTE_INI_FILE = path.join("conf", "cdn.route.ini");

/** The OutDefine.php keys the validators need (the backend's spelling). */
export const OUT_DEFINE_KEYS = [
  "API_KEY",
  "COSKEY_BUCKET",
  "COSKEY_BUCKET_REGION",
  "COSKEY_APPID",
  "COSKEY_SECRECTID",
  "COSKEY_SECRECTKEY",
] as const;
export type OutDefineKey = (typeof OUT_DEFINE_KEYS)[number];

/** The `[DB]` keys of cdn.route.ini. */
export const ROUTE_DB_KEYS = ["HOST", "PORT", "DBNAME", "USER", "PASSWD"] as const;
export type RouteDbKey = (typeof ROUTE_DB_KEYS)[number];

/** What the backend is configured with, normalised. Secrets: cos.secretKey, db.password, apiKey. */
export interface BackendConfig {
  /** API_KEY: the callback key the backend checks `sign = md5(API_KEY + t)` with. */
  apiKey: string;
  cos: {
    /** COSKEY_BUCKET as written: the short name or `name-appid`. */
    bucket: string;
    /** COSKEY_BUCKET_REGION, e.g. ap-guangzhou. */
    region: string;
    /** COSKEY_APPID as a decimal string ("0" in the untouched template). */
    appid: string;
    /** COSKEY_SECRECTID. */
    secretId: string;
    /** COSKEY_SECRECTKEY. */
    secretKey: string;
  };
  db: { host: string; port: number; name: string; user: string; password: string };
  /** Where the values came from, for messages (files, with the line of each key when known). */
  source: BackendConfigSource;
}

export interface BackendConfigSource {
  kind: "dir" | "json" | "memory";
  /** The backend directory (kind "dir"). */
  dir?: string;
  /** The backend's log directory when known (`<dir>/log`, or `logDir` of the JSON file). */
  logDir?: string;
  /** file:line of each key, e.g. { API_KEY: "conf/OutDefine.php:3", "DB.HOST": "conf/cdn.route.ini:2" }. */
  locations: Record<string, string>;
}

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
 * COSKEY_APPID and DB.PORT may be numbers or digit strings; `logDir` is optional.
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
    $schema: { type: "string" },
    API_KEY: { type: "string" },
    COSKEY_BUCKET: { type: "string", minLength: 1 },
    COSKEY_BUCKET_REGION: { type: "string", minLength: 1 },
    COSKEY_APPID: { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$" }] },
    COSKEY_SECRECTID: { type: "string" },
    COSKEY_SECRECTKEY: { type: "string" },
    DB: {
      type: "object",
      additionalProperties: false,
      required: [...ROUTE_DB_KEYS],
      properties: {
        HOST: { type: "string", minLength: 1 },
        PORT: {
          anyOf: [
            { type: "integer", minimum: 1, maximum: 65535 },
            { type: "string", pattern: "^[0-9]{1,5}$" },
          ],
        },
        DBNAME: { type: "string", minLength: 1 },
        USER: { type: "string", minLength: 1 },
        PASSWD: { type: "string" },
      },
    },
    logDir: { type: "string" },
  },
} as const;

// ---------------------------------------------------------------------------------------------------------------
// OutDefine.php

/** One `define()` found in a PHP file. */
export interface PhpDefine {
  name: string;
  /** Strings unescaped; numbers, true/false/null as their literal text. */
  value: string;
  kind: "string" | "number" | "literal";
  line: number;
}

/**
 * Parses the `define('NAME', value);` statements of a PHP file. Handles single and double quotes with PHP's escape
 * rules, numbers, true/false/null, `//`, `#` and `/* *\/` comments, `<?php` / `?>`, any spacing. Anything else at
 * statement level is skipped up to its `;`. A define that is not well formed is an InputError `file:line`.
 */
export function parsePhpDefines(text: string, file: string): PhpDefine[] {
  const out: PhpDefine[] = [];
  let i = 0;
  const n = text.length;
  const fail = (at: number, what: string): never => {
    throw new InputError(`${file}:${lineOf(text, at)}: ${what}`);
  };
  const skipSpace = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text.startsWith("//", i) || text[i] === "#") {
        // A line comment ends at the line end or at "?>".
        while (i < n && text[i] !== "\n" && !text.startsWith("?>", i)) i++;
      } else if (text.startsWith("/*", i)) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) fail(i, "unterminated /* comment");
        i = end + 2;
      } else if (text.startsWith("<?php", i)) {
        i += 5;
      } else if (text.startsWith("<?", i)) {
        i += 2;
      } else if (text.startsWith("?>", i)) {
        i += 2;
      } else return;
    }
  };
  // What stands at `at`, described without quoting file text (values may be secrets).
  const found = (at: number): string => {
    if (at >= n) return "the end of the file";
    const c = text[at];
    if (c === "'" || c === '"') return "a quoted string";
    if (/[A-Za-z0-9_$\\]/.test(c)) return "a bare word or number";
    return `"${c}"`;
  };
  const readString = (): string => {
    const q = text[i];
    const start = i;
    i++;
    let s = "";
    while (i < n && text[i] !== q) {
      if (text[i] === "\\" && i + 1 < n) {
        const c = text[i + 1];
        if (q === "'") {
          // Single quotes: only \' and \\ are escapes.
          if (c === "'" || c === "\\") {
            s += c;
            i += 2;
          } else {
            s += "\\";
            i++;
          }
        } else {
          const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", v: "\v", f: "\f", e: "\x1b", "\\": "\\", $: "$", '"': '"', "0": "\0" };
          if (c in map) {
            s += map[c];
            i += 2;
          } else {
            s += "\\";
            i++;
          }
        }
      } else {
        if (q === '"' && text[i] === "$" && /[A-Za-z_{]/.test(text[i + 1] ?? "")) {
          fail(i, "a double-quoted value contains a PHP variable ($…); write the value in single quotes");
        }
        s += text[i++];
      }
    }
    if (i >= n) fail(start, `unterminated string starting with ${q}`);
    i++; // closing quote
    return s;
  };
  const expect = (ch: string, what: string) => {
    skipSpace();
    if (text[i] !== ch) fail(i, `${what}: expected "${ch}" but found ${found(i)}`);
    i++;
  };

  while (true) {
    skipSpace();
    if (i >= n) break;
    const word = /^[A-Za-z_\\][A-Za-z0-9_\\]*/.exec(text.slice(i, i + 64));
    if (word && word[0].replace(/^\\/, "").toLowerCase() === "define") {
      const at = i;
      i += word[0].length;
      expect("(", "define");
      skipSpace();
      if (text[i] !== "'" && text[i] !== '"') fail(i, "define(): the constant name must be a quoted string");
      const name = readString();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(at, `define(): "${name}" is not a valid constant name`);
      expect(",", `define('${name}', …)`);
      skipSpace();
      let value: string;
      let kind: PhpDefine["kind"];
      if (text[i] === "'" || text[i] === '"') {
        value = readString();
        kind = "string";
      } else {
        const num = /^[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 64));
        const lit = /^(?:true|false|null)\b/i.exec(text.slice(i, i + 8));
        if (num) {
          value = num[0].replace(/^\+/, "");
          kind = "number";
          i += num[0].length;
        } else if (lit) {
          value = lit[0].toLowerCase();
          kind = "literal";
          i += lit[0].length;
        } else {
          fail(i, `define('${name}', …): the value must be a quoted string or a number`);
          throw new Error("unreachable");
        }
      }
      skipSpace();
      // Optional third argument (case_insensitive), seen in old PHP code.
      if (text[i] === ",") {
        i++;
        skipSpace();
        const lit = /^(?:true|false)\b/i.exec(text.slice(i, i + 6));
        if (!lit) fail(i, `define('${name}', …): unexpected third argument`);
        i += lit![0].length;
      }
      expect(")", `define('${name}', …)`);
      skipSpace();
      if (text[i] === ";") i++;
      else if (i < n) fail(i, `define('${name}', …): missing ";" after the statement`);
      out.push({ name, value, kind, line: lineOf(text, at) });
    } else {
      // Not a define: skip this statement (strings and comments included) up to its ";".
      const at = i;
      while (i < n && text[i] !== ";") {
        if (text[i] === "'" || text[i] === '"') readString();
        else if (text.startsWith("?>", i)) break;
        else i++;
      }
      if (i >= n && text.slice(at).trim()) fail(at, `a statement here has no closing ";" (expected define('NAME', value);)`);
      if (text[i] === ";") i++;
    }
  }
  return out;
}

/** Values of the six OutDefine.php keys, with the line each was defined on. */
export interface OutDefineValues {
  API_KEY: string;
  COSKEY_BUCKET: string;
  COSKEY_BUCKET_REGION: string;
  COSKEY_APPID: string;
  COSKEY_SECRECTID: string;
  COSKEY_SECRECTKEY: string;
}

/** Parses OutDefine.php text; the six keys are required. A key defined twice keeps its first value, as PHP does. */
export function parseOutDefine(text: string, file: string): { values: OutDefineValues; lines: Record<string, number> } {
  const defines = parsePhpDefines(text, file);
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (const d of defines) {
    // PHP ignores a second define() of the same name (with a warning): the first one counts.
    if (d.name in values) continue;
    values[d.name] = d.value;
    lines[d.name] = d.line;
  }
  const missing = OUT_DEFINE_KEYS.filter((k) => !(k in values));
  if (missing.length) {
    const hints: string[] = [];
    for (const k of missing) {
      const misspelt = k.replace("SECRECT", "SECRET");
      if (misspelt !== k && misspelt in values) {
        hints.push(
          `line ${lines[misspelt]} defines ${misspelt}, but the backend reads ${k} (spelt "SECRECT") — rename it`,
        );
      }
    }
    throw new InputError(
      `${file}: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not defined` +
        (hints.length ? ` (${hints.join("; ")})` : "") +
        `. Each key needs a line like define('${missing[0]}', 'value');`,
    );
  }
  for (const k of ["COSKEY_APPID"] as const) {
    if (!/^\d+$/.test(values[k])) {
      throw new InputError(`${file}:${lines[k]}: ${k} must be the account's numeric APPID (e.g. 1250000000)`);
    }
  }
  const picked = Object.fromEntries(OUT_DEFINE_KEYS.map((k) => [k, values[k]])) as unknown as OutDefineValues;
  return { values: picked, lines };
}

/** Quotes a value as a single-quoted PHP string. */
export function phpQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export interface RenderOutDefineOptions {
  /** COSKEY_EXPIRED_TIME, seconds an upload signature stays valid. Default 30 (the template's). */
  cosExpiredTime?: number;
  /** IM_SDKAPPID, default 0 (the template's). */
  imSdkAppId?: number;
  /** IM_SECRETKEY, default '' (the template's). */
  imSecretKey?: string;
}

/**
 * Renders conf/OutDefine.php in the layout of the backend's own template: the six keys above plus
 * COSKEY_EXPIRED_TIME, IM_SDKAPPID and IM_SECRETKEY; COSKEY_APPID unquoted (a number), strings single-quoted.
 */
export function renderOutDefine(values: OutDefineValues, opts: RenderOutDefineOptions = {}): string {
  if (!/^\d+$/.test(values.COSKEY_APPID)) throw new InputError(`COSKEY_APPID must be digits (got "${values.COSKEY_APPID}")`);
  const lines = [
    "<?php",
    "// Written by live-infra from the stack outputs. Keys: see the backend's README (step 3.4).",
    `define('API_KEY', ${phpQuote(values.API_KEY)}); // callback key of the live callback template (checks recording callbacks)`,
    "",
    "// COS: avatar and cover uploads",
    `define('COSKEY_BUCKET', ${phpQuote(values.COSKEY_BUCKET)}); // bucket name`,
    `define('COSKEY_BUCKET_REGION', ${phpQuote(values.COSKEY_BUCKET_REGION)}); // bucket region`,
    `define('COSKEY_SECRECTKEY', ${phpQuote(values.COSKEY_SECRECTKEY)}); // SecretKey of the upload signer`,
    `define('COSKEY_APPID', ${values.COSKEY_APPID}); // account APPID`,
    `define('COSKEY_SECRECTID', ${phpQuote(values.COSKEY_SECRECTID)}); // SecretId paired with the SecretKey`,
    `define('COSKEY_EXPIRED_TIME', ${opts.cosExpiredTime ?? 30}); // upload signature validity, seconds`,
    "",
    `define('IM_SDKAPPID', ${opts.imSdkAppId ?? 0}); // IM SDKAppID`,
    `define('IM_SECRETKEY', ${phpQuote(opts.imSecretKey ?? "")}); // IM secret key`,
    "",
  ];
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// cdn.route.ini

export interface IniEntry {
  value: string;
  line: number;
}
/** section → key → entry. Keys before any section go to section "". */
export type IniDocument = Record<string, Record<string, IniEntry>>;

/**
 * Parses an INI file the way PHP's parse_ini_file reads it: `[SECTION]`, `KEY = value`, values bare or in double
 * or single quotes, `;` comments (whole line or after a bare value), `#` whole-line comments, blank lines.
 * A line that is none of these is an InputError `file:line`.
 */
export function parseIni(text: string, file: string): IniDocument {
  const doc: IniDocument = { "": {} };
  let section = "";
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) return;
    const sec = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(line);
    if (sec) {
      section = sec[1].trim();
      if (!section) throw new InputError(`${file}:${lineNo}: empty section name "[]"`);
      doc[section] ??= {};
      return;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) {
      // The line is not quoted: it may hold a password.
      throw new InputError(`${file}:${lineNo}: expected "KEY=value", "[SECTION]" or a ";" comment`);
    }
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.\-]+$/.test(key)) throw new InputError(`${file}:${lineNo}: the key before "=" is not a valid key name (letters, digits, _ . -)`);
    let rest = line.slice(eq + 1).trim();
    let value: string;
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const q = rest[0];
      let j = 1;
      value = "";
      while (j < rest.length && rest[j] !== q) {
        if (q === '"' && rest[j] === "\\" && j + 1 < rest.length && (rest[j + 1] === '"' || rest[j + 1] === "\\")) {
          value += rest[j + 1];
          j += 2;
        } else value += rest[j++];
      }
      if (j >= rest.length) throw new InputError(`${file}:${lineNo}: the value of ${key} has no closing ${q}`);
      const after = rest.slice(j + 1).trim();
      if (after && !after.startsWith(";") && !after.startsWith("#")) {
        throw new InputError(`${file}:${lineNo}: unexpected text after the quoted value of ${key}`);
      }
    } else {
      const sc = rest.indexOf(";");
      if (sc >= 0) rest = rest.slice(0, sc).trim();
      value = rest;
    }
    doc[section][key] = { value, line: lineNo };
  });
  return doc;
}

export interface RouteDbValues {
  HOST: string;
  PORT: number;
  DBNAME: string;
  USER: string;
  PASSWD: string;
}

/** Reads the `[DB]` section of cdn.route.ini; every key is required, PORT a port number. */
export function parseRouteIni(text: string, file: string): { values: RouteDbValues; lines: Record<string, number> } {
  const doc = parseIni(text, file);
  const db = doc.DB ?? Object.entries(doc).find(([k]) => k.toUpperCase() === "DB")?.[1];
  if (!db) throw new InputError(`${file}: no [DB] section (it needs HOST, PORT, DBNAME, USER, PASSWD)`);
  const get = (k: RouteDbKey) => db[k] ?? Object.entries(db).find(([kk]) => kk.toUpperCase() === k)?.[1];
  const missing = ROUTE_DB_KEYS.filter((k) => !get(k));
  if (missing.length) {
    throw new InputError(`${file}: [DB] lacks ${missing.join(", ")} (expected lines like ${missing[0]}=value)`);
  }
  const port = get("PORT")!;
  if (!/^\d{1,5}$/.test(port.value) || Number(port.value) < 1 || Number(port.value) > 65535) {
    throw new InputError(`${file}:${port.line}: [DB] PORT must be a port number (1-65535)`);
  }
  for (const k of ["HOST", "DBNAME", "USER"] as const) {
    if (!get(k)!.value) throw new InputError(`${file}:${get(k)!.line}: [DB] ${k} is empty`);
  }
  const lines: Record<string, number> = {};
  for (const k of ROUTE_DB_KEYS) lines[k] = get(k)!.line;
  return {
    values: {
      HOST: get("HOST")!.value,
      PORT: Number(port.value),
      DBNAME: get("DBNAME")!.value,
      USER: get("USER")!.value,
      PASSWD: get("PASSWD")!.value,
    },
    lines,
  };
}

/** Quotes an INI value when it needs it (PHP's parse_ini_file treats some characters specially). */
export function iniValue(value: string): string {
  if (value === "" || /^[A-Za-z0-9_.:\/@+-]+$/.test(value)) return value;
  if (value.includes('"')) return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `"${value}"`;
}

export interface RenderRouteIniOptions {
  redis?: { host: string; port: number; password: string };
  liveWebservice?: { url: string; timeout: number };
}

/** Renders conf/cdn.route.ini in the layout of the backend's template: [DB], [REDIS], [LIVE_WEBSERVICE]. */
export function renderRouteIni(db: RouteDbValues, opts: RenderRouteIniOptions = {}): string {
  const redis = opts.redis ?? { host: "127.0.0.1", port: 6379, password: "" };
  const ws = opts.liveWebservice ?? { url: "http://fcgi.video.qcloud.com/common_access", timeout: 3000 };
  return [
    "; Written by live-infra from the stack outputs.",
    "[DB]",
    `HOST=${iniValue(db.HOST)}`,
    `DBNAME=${iniValue(db.DBNAME)}`,
    `USER=${iniValue(db.USER)}`,
    `PASSWD=${iniValue(db.PASSWD)}`,
    `PORT=${db.PORT}`,
    "[REDIS]",
    `HOST=${iniValue(redis.host)}`,
    `PASSWD=${iniValue(redis.password)}`,
    `PORT=${redis.port}`,
    "[LIVE_WEBSERVICE]",
    `URL=${iniValue(ws.url)}`,
    `TIMEOUT=${ws.timeout}`,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read ${what} (${code ?? (err as Error).message}). ` +
        `Pass --backend-dir DIR (the backend's root, holding conf/) or --backend-config FILE.json.`,
    );
  }
}

function build(
  od: OutDefineValues,
  db: RouteDbValues,
  source: BackendConfigSource,
): BackendConfig {
  return {
    apiKey: od.API_KEY,
    cos: {
      bucket: od.COSKEY_BUCKET,
      region: od.COSKEY_BUCKET_REGION,
      appid: String(od.COSKEY_APPID),
      secretId: od.COSKEY_SECRECTID,
      secretKey: od.COSKEY_SECRECTKEY,
    },
    db: { host: db.HOST, port: db.PORT, name: db.DBNAME, user: db.USER, password: db.PASSWD },
    source,
  };
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
  return build(od.values, ini.values, { kind: "dir", dir, logDir: path.join(dir, "log"), locations });
}

type JsonValidator = ((doc: unknown) => boolean) & { errors?: unknown };
let validateJson: JsonValidator | undefined;

/** Parses the text of a `--backend-config` JSON file (shape {@link BackendConfigJson}). */
export function parseBackendConfigJson(text: string, file: string): BackendConfig {
  const doc = parseJsonFile(text, file); // never quotes the file's text (it holds keys)
  if (!validateJson) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validateJson = ajv.compile(BACKEND_CONFIG_JSON_SCHEMA) as unknown as JsonValidator;
  }
  if (!validateJson!(doc)) {
    const errs = (validateJson!.errors ?? []) as Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>;
    const e = errs.find((x) => x.params && ("missingProperty" in x.params || "additionalProperty" in x.params)) ?? errs[0];
    const ptr = e.instancePath.split("/").filter(Boolean);
    const field = [...ptr, ...(e.params && "missingProperty" in e.params ? [String(e.params.missingProperty)] : []),
      ...(e.params && "additionalProperty" in e.params ? [String(e.params.additionalProperty)] : [])].join(".");
    const leaf = e.params && "additionalProperty" in e.params ? String(e.params.additionalProperty) : ptr[ptr.length - 1];
    const at = leaf ? text.indexOf(`"${leaf}"`) : -1;
    const line = at >= 0 ? lineOf(text, at) : 1;
    let what = e.message ?? "is not valid";
    if (e.params && "additionalProperty" in e.params) what = "is not a known key (check the spelling; the backend uses COSKEY_SECRECTID/COSKEY_SECRECTKEY)";
    else if (e.params && "missingProperty" in e.params) what = "is required";
    else if (e.message?.startsWith("must match a schema in anyOf")) what = "must be a number or a string of digits";
    throw new InputError(`${file}:${line}: ${field || "(document)"} ${what}`);
  }
  const j = doc as BackendConfigJson;
  const locate = (key: string) => {
    const at = text.indexOf(`"${key}"`);
    return at >= 0 ? `${file}:${lineOf(text, at)}` : file;
  };
  const locations: Record<string, string> = {};
  for (const k of OUT_DEFINE_KEYS) locations[k] = locate(k);
  for (const k of ROUTE_DB_KEYS) locations[`DB.${k}`] = locate(k);
  const port = Number(j.DB.PORT);
  if (!(port >= 1 && port <= 65535)) throw new InputError(`${locate("PORT")}: DB.PORT must be a port number (1-65535)`);
  return build(
    {
      API_KEY: j.API_KEY,
      COSKEY_BUCKET: j.COSKEY_BUCKET,
      COSKEY_BUCKET_REGION: j.COSKEY_BUCKET_REGION,
      COSKEY_APPID: String(j.COSKEY_APPID),
      COSKEY_SECRECTID: j.COSKEY_SECRECTID,
      COSKEY_SECRECTKEY: j.COSKEY_SECRECTKEY,
    },
    { HOST: j.DB.HOST, PORT: port, DBNAME: j.DB.DBNAME, USER: j.DB.USER, PASSWD: j.DB.PASSWD },
    { kind: "json", logDir: j.logDir, locations },
  );
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

/** A configuration as the backend names its values: OutDefine.php's constants and cdn.route.ini's `[DB]` keys. */
function backendValues(cfg: BackendConfig): { outDefine: OutDefineValues; db: RouteDbValues } {
  return {
    outDefine: {
      API_KEY: cfg.apiKey,
      COSKEY_BUCKET: cfg.cos.bucket,
      COSKEY_BUCKET_REGION: cfg.cos.region,
      COSKEY_APPID: cfg.cos.appid,
      COSKEY_SECRECTID: cfg.cos.secretId,
      COSKEY_SECRECTKEY: cfg.cos.secretKey,
    },
    db: { HOST: cfg.db.host, PORT: cfg.db.port, DBNAME: cfg.db.name, USER: cfg.db.user, PASSWD: cfg.db.password },
  };
}

/** The same values as a {@link BackendConfigJson} document (secrets included: write it with mode 0600). */
export function toBackendConfigJson(cfg: BackendConfig): BackendConfigJson {
  const { outDefine, db } = backendValues(cfg);
  const j: BackendConfigJson = { ...outDefine, DB: db };
  if (cfg.source.logDir) j.logDir = cfg.source.logDir;
  return j;
}

// ---------------------------------------------------------------------------------------------------------------
// From the stack outputs

/** Splits COSKEY_BUCKET into short name and APPID suffix (`name-1250000000` → name, "1250000000"). */
export function splitBucketName(bucket: string): { name: string; appid?: string } {
  const m = /^(.+)-(\d{5,})$/.exec(bucket);
  return m ? { name: m[1], appid: m[2] } : { name: bucket };
}

export interface BackendFromOutputsOptions {
  /** Write COSKEY_BUCKET as the short name (default) or as `name-appid`. */
  bucketStyle?: "short" | "full";
  /** Use the public MySQL address when the stack has one (the backend outside the VPC). Default false. */
  publicDb?: boolean;
}

/**
 * The backend configuration a successful deploy implies: API_KEY = callback_key, COS keys = the upload signer's,
 * DB = the backend user on db_host:db_port. Sensitive outputs must be present (deploy with
 * `--outputs-file-include-sensitive-outputs`); a missing one is an InputError naming it.
 */
export function backendConfigFromOutputs(outputs: StackOutputs, opts: BackendFromOutputsOptions = {}): BackendConfig {
  const need = ["callback_key", "signer_secret_id", "signer_secret_key", "db_password"] as const;
  const missing = need.filter((k) => outputs[k] === undefined);
  if (missing.length) {
    throw new InputError(
      `the stack outputs lack ${missing.join(", ")}; write them with ` +
        "`cdktf deploy --outputs-file FILE --outputs-file-include-sensitive-outputs`",
    );
  }
  const { name } = splitBucketName(outputs.bucket);
  const usePublic = opts.publicDb && outputs.db_public_host;
  return {
    apiKey: outputs.callback_key!,
    cos: {
      bucket: opts.bucketStyle === "full" ? `${name}-${outputs.appid}` : name,
      region: outputs.bucket_region,
      appid: String(outputs.appid),
      secretId: outputs.signer_secret_id!,
      secretKey: outputs.signer_secret_key!,
    },
    db: {
      host: usePublic ? outputs.db_public_host! : outputs.db_host,
      port: usePublic ? (outputs.db_public_port ?? outputs.db_port) : outputs.db_port,
      name: outputs.db_name,
      user: outputs.db_user,
      password: outputs.db_password!,
    },
    source: { kind: "memory", locations: {} },
  };
}

/** The two files' texts for a configuration. */
export function renderBackendFiles(cfg: BackendConfig): { outDefine: string; routeIni: string } {
  const { outDefine, db } = backendValues(cfg);
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
