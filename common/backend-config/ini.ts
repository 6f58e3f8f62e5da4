/**
 * conf/cdn.route.ini: INI as PHP's parse_ini_file reads it; section `[DB]` with HOST, PORT, DBNAME, USER, PASSWD.
 * Every problem is an InputError naming the file and line; messages never quote a value (it may be a secret).
 */
import { InputError } from "../errors";
import { isPortNumber, ROUTE_DB_KEYS, RouteDbKey, RouteDbValues } from "./model";

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
  if (!/^\d{1,5}$/.test(port.value) || !isPortNumber(Number(port.value))) {
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
