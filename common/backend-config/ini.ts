/**
 * conf/cdn.route.ini: INI as PHP's parse_ini_file($file, true) reads it; section `[DB]` with HOST, PORT, DBNAME,
 * USER, PASSWD. Every problem is an InputError naming the file and line; messages never quote a value (it may be
 * a secret), and of the names in the file only the template's own key names.
 */
import { checkInputSize, InputError, MAX_VALUE_LENGTH } from "../errors";
import { NameMap, nameMap } from "../records";
import { isPortNumber, ROUTE_DB_KEYS, RouteDbKey, RouteDbValues } from "./model";

export interface IniEntry {
  value: string;
  line: number;
}
/**
 * section → key → entry, as PHP would hand them to the backend. Keys before any section go to section "". Both
 * levels are null-prototype maps: a section or key called `__proto__`, `constructor` or `toString` is an
 * ordinary entry.
 */
export type IniDocument = NameMap<NameMap<IniEntry>>;

/** Key names of the backend's template: the only names from the file a message may quote. */
const TEMPLATE_KEYS: ReadonlySet<string> = new Set([...ROUTE_DB_KEYS, "URL", "TIMEOUT"]);
/** Words PHP's INI scanner reads as values, never as keys (INI_SCANNER_NORMAL). */
const RESERVED_WORDS = /^(?:true|on|yes|false|off|no|none|null)$/i;
const MAX_NAME_LENGTH = 256;

function keyWords(key: string): string {
  return TEMPLATE_KEYS.has(key) ? key : "the key on this line";
}

/** A parsed file plus the lines where each section header appears (a repeated header discards what came before). */
interface IniScan {
  doc: IniDocument;
  headers: Map<string, number[]>;
}

function scanIni(text: string, file: string): IniScan {
  checkInputSize(text, file);
  const doc: IniDocument = nameMap();
  const headers = new Map<string, number[]>();
  let current: NameMap<IniEntry> = nameMap();
  doc[""] = current;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n|\r/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) return;
    const sec = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(line);
    if (sec) {
      const section = sec[1].trim();
      if (!section) throw new InputError(`${file}:${lineNo}: empty section name "[]"`);
      if (section.length > MAX_NAME_LENGTH) throw new InputError(`${file}:${lineNo}: the section name is longer than ${MAX_NAME_LENGTH} characters`);
      // PHP starts a repeated section afresh: only the last [SECTION] of a name counts.
      current = nameMap();
      doc[section] = current;
      headers.set(section, [...(headers.get(section) ?? []), lineNo]);
      return;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) {
      // The line is not quoted: it may hold a password.
      throw new InputError(`${file}:${lineNo}: expected "KEY=value", "[SECTION]" or a ";" comment`);
    }
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.\-]+$/.test(key) || key.length > MAX_NAME_LENGTH) {
      throw new InputError(`${file}:${lineNo}: the key before "=" is not a valid key name (letters, digits, _ . -)`);
    }
    if (RESERVED_WORDS.test(key)) {
      throw new InputError(`${file}:${lineNo}: "${key.toLowerCase()}" cannot be a key: PHP reads it as a value (true/false/null)`);
    }
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
      if (j >= rest.length) throw new InputError(`${file}:${lineNo}: the value of ${keyWords(key)} has no closing ${q}`);
      const after = rest.slice(j + 1).trim();
      if (after && !after.startsWith(";") && !after.startsWith("#")) {
        throw new InputError(`${file}:${lineNo}: unexpected text after the quoted value of ${keyWords(key)}`);
      }
    } else {
      const sc = rest.indexOf(";");
      if (sc >= 0) rest = rest.slice(0, sc).trim();
      // PHP's scanner turns these bare words into "1" and "" (so `PASSWD=no` is an empty password).
      value = /^(?:true|on|yes)$/i.test(rest) ? "1" : RESERVED_WORDS.test(rest) ? "" : rest;
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw new InputError(`${file}:${lineNo}: the value of ${keyWords(key)} is longer than ${MAX_VALUE_LENGTH} characters`);
    }
    current[key] = { value, line: lineNo };
  });
  return { doc, headers };
}

/**
 * Parses an INI file the way PHP's parse_ini_file($file, true) reads it: `[SECTION]`, `KEY = value`, values bare or
 * in double or single quotes, `;` comments (whole line or after a bare value), `#` whole-line comments, blank lines.
 * As in PHP: names are case-sensitive, the last of two equal keys wins, a repeated `[SECTION]` replaces the earlier
 * one, and the bare words true/on/yes read as "1", false/off/no/none/null as "". A line that is none of these is an
 * InputError `file:line`.
 */
export function parseIni(text: string, file: string): IniDocument {
  return scanIni(text, file).doc;
}

/** Reads the `[DB]` section of cdn.route.ini; every key is required, PORT a port number. Names are case-sensitive, as in PHP. */
export function parseRouteIni(text: string, file: string): { values: RouteDbValues; lines: Record<string, number> } {
  const { doc, headers } = scanIni(text, file);
  const db = Object.prototype.hasOwnProperty.call(doc, "DB") ? doc.DB : undefined;
  if (!db) {
    const variant = Object.keys(doc).find((k) => k.toUpperCase() === "DB");
    throw new InputError(
      `${file}: no [DB] section (it needs HOST, PORT, DBNAME, USER, PASSWD)` +
        (variant ? `; [${variant}] on line ${headers.get(variant)?.[0]} is not read: PHP section names are case-sensitive, write [DB]` : ""),
    );
  }
  const get = (k: RouteDbKey): IniEntry | undefined => (Object.prototype.hasOwnProperty.call(db, k) ? db[k] : undefined);
  const missing = ROUTE_DB_KEYS.filter((k) => !get(k));
  if (missing.length) {
    const hints: string[] = [];
    for (const k of missing) {
      const variant = Object.keys(db).find((kk) => kk.toUpperCase() === k);
      if (variant) hints.push(`${variant} on line ${db[variant].line} is not read: PHP key names are case-sensitive, write ${k}`);
    }
    const dbHeaders = headers.get("DB") ?? [];
    if (dbHeaders.length > 1) {
      hints.push(`[DB] appears on lines ${dbHeaders.join(", ")} and PHP keeps only the last one`);
    }
    throw new InputError(
      `${file}: [DB] lacks ${missing.join(", ")} (expected lines like ${missing[0]}=value)` + (hints.length ? `; ${hints.join("; ")}` : ""),
    );
  }
  const port = get("PORT")!;
  if (!/^\d{1,5}$/.test(port.value) || !isPortNumber(Number(port.value))) {
    throw new InputError(`${file}:${port.line}: [DB] PORT must be a port number (1-65535)`);
  }
  for (const k of ["HOST", "DBNAME", "USER"] as const) {
    if (!get(k)!.value) throw new InputError(`${file}:${get(k)!.line}: [DB] ${k} is empty`);
  }
  const lines: Record<string, number> = nameMap();
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
  if (value === "" || (/^[A-Za-z0-9_.:\/@+-]+$/.test(value) && !RESERVED_WORDS.test(value))) return value;
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
