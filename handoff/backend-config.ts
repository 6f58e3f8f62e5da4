/**
 * The backend's configuration from the stack outputs: render it into `<dir>/conf/` (changing only the keys this
 * package owns and keeping the rest of an existing file), and check an existing one against the outputs.
 *
 * The values always come from common/backend-config's `backendConfigFromOutputs` and a new file's text from its
 * `renderBackendFiles` — the path the demo's `writeBackendDir` takes — so the command and the demo cannot diverge.
 * Nothing here returns or prints a secret value; differences are named by key with masked values.
 */
import * as fs from "fs";
import * as path from "path";
import {
  BackendConfig,
  BackendFromOutputsOptions,
  OUT_DEFINE_FILE,
  OUT_DEFINE_KEYS,
  ROUTE_DB_KEYS,
  ROUTE_INI_FILE,
  backendConfigFromOutputs,
  iniValue,
  parseIni,
  parseOutDefine,
  parsePhpDefines,
  parseRouteIni,
  phpQuote,
  renderBackendFiles,
  splitBucketName,
} from "../common/backend-config";
import { toBackendValues } from "../common/backend-config/model";
import { InputError, MAX_INPUT_FILE_BYTES } from "../common/errors";
import { maskSecretId, redactText } from "../common/mask";
import type { StackOutputs } from "../common/outputs";

/** Keys whose values are never shown; COSKEY_SECRECTID is shown masked (first 4 + last 4). */
const SECRET_KEYS: ReadonlySet<string> = new Set(["API_KEY", "COSKEY_SECRECTKEY", "DB.PASSWD"]);
const SECRET_ID_KEYS: ReadonlySet<string> = new Set(["COSKEY_SECRECTID"]);

export type ConfFile = typeof OUT_DEFINE_FILE | typeof ROUTE_INI_FILE;

/** What rendering did to one owned key. Ini keys are named `DB.<KEY>`. */
export interface KeyChange {
  file: ConfFile;
  key: string;
  change: "set" | "changed" | "unchanged";
}

export interface WrittenFile {
  /** Absolute path of the file. */
  path: string;
  status: "created" | "updated" | "unchanged";
  /** The previous file's copy, when it was changed. */
  backup?: string;
  /** Permission bits of the file now. */
  mode: number;
  /** Set when the file is readable by every user. */
  warning?: string;
}

export interface RenderResult {
  files: WrittenFile[];
  keys: KeyChange[];
}

/** The owned values as text, in the backend's names (`DB.<KEY>` for cdn.route.ini). */
function ownedValues(cfg: BackendConfig): { od: Record<string, string>; db: Record<string, string> } {
  const v = toBackendValues(cfg);
  const od: Record<string, string> = {};
  for (const k of OUT_DEFINE_KEYS) od[k] = String(v.outDefine[k]);
  const db: Record<string, string> = {};
  for (const k of ROUTE_DB_KEYS) db[k] = String(v.db[k]);
  return { od, db };
}

/** True when `found` is the bucket `expected` names, short or as `name-appid`. */
function sameBucket(found: string, expected: string, appid: string): boolean {
  if (found === expected) return true;
  const f = splitBucketName(found);
  return f.name === splitBucketName(expected).name && (f.appid === undefined || f.appid === appid);
}

function readIfExists(file: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!st.isFile()) throw new InputError(`${file}: not a regular file`);
  if (st.size > MAX_INPUT_FILE_BYTES) throw new InputError(`${file}: larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB; this is not the backend's file`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * OutDefine.php with the owned keys set: the value of each key's first define() (the one PHP uses) is replaced in
 * place; a key not defined is appended (before a final `?>`). Everything else stays byte for byte.
 */
function mergeOutDefine(text: string, file: string, want: Record<string, string>, appid: string, changes: KeyChange[]): string {
  const defines = parsePhpDefines(text, file);
  const starts = lineStarts(text);
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const appended: string[] = [];
  const literal = (k: string, v: string) => (k === "COSKEY_APPID" && /^\d+$/.test(v) ? v : phpQuote(v));
  for (const key of OUT_DEFINE_KEYS) {
    const d = defines.find((x) => x.name === key);
    const value = want[key];
    if (!d) {
      appended.push(`define('${key}', ${literal(key, value)});`);
      changes.push({ file: OUT_DEFINE_FILE, key, change: "set" });
      continue;
    }
    const current = d.kind === "literal" ? (d.value === "true" ? "1" : "") : d.value;
    if (current === value || (key === "COSKEY_BUCKET" && sameBucket(current, value, appid))) {
      changes.push({ file: OUT_DEFINE_FILE, key, change: "unchanged" });
      continue;
    }
    const re = new RegExp(`[Dd][Ee][Ff][Ii][Nn][Ee]\\s*\\(\\s*(['"])${escapeRe(key)}\\1\\s*,\\s*`, "g");
    re.lastIndex = starts[d.line - 1] ?? 0;
    const m = re.exec(text);
    const at = m ? m.index + m[0].length : -1;
    const token = at >= 0 ? /^(?:'(?:\\[\s\S]|[^'\\])*'|"(?:\\[\s\S]|[^"\\])*"|[-+]?[0-9a-fA-Fx.eE+-]+|true|false|null)/i.exec(text.slice(at)) : null;
    if (!m || !token) {
      throw new InputError(`${file}:${d.line}: cannot rewrite define('${key}', …) in place; write it as define('${key}', 'value'); on one line`);
    }
    edits.push({ from: at, to: at + token[0].length, text: literal(key, value) });
    changes.push({ file: OUT_DEFINE_FILE, key, change: "changed" });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  if (appended.length) {
    const eol = out.includes("\r\n") ? "\r\n" : "\n";
    const block = `// Set by live-infra backend-config from the stack outputs.${eol}${appended.join(eol)}${eol}`;
    const close = /\?>\s*$/.exec(out);
    if (close) out = `${out.slice(0, close.index)}${block}${out.slice(close.index)}`;
    else out = `${out}${out.endsWith("\n") || out === "" ? "" : eol}${block}`;
  }
  return out;
}

/**
 * cdn.route.ini with the owned `[DB]` keys set: each key's line in the last `[DB]` section (the one PHP reads) is
 * rewritten keeping its indentation and trailing comment; missing keys are added to that section, or a `[DB]`
 * section is appended. Other sections, keys and comments stay as they are.
 */
function mergeRouteIni(text: string, file: string, want: Record<string, string>, changes: KeyChange[]): string {
  const doc = parseIni(text, file);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const db = Object.prototype.hasOwnProperty.call(doc, "DB") ? doc.DB : undefined;
  // The last [DB] header: new keys go right after the section's last line.
  let header = -1;
  lines.forEach((l, i) => {
    if (/^\s*\[\s*DB\s*\]\s*(?:[;#].*)?$/.test(l)) header = i;
  });
  const missing: string[] = [];
  for (const key of ROUTE_DB_KEYS) {
    const entry = db && Object.prototype.hasOwnProperty.call(db, key) ? db[key] : undefined;
    const value = want[key];
    if (!entry) {
      missing.push(`${key}=${iniValue(value)}`);
      changes.push({ file: ROUTE_INI_FILE, key: `DB.${key}`, change: "set" });
      continue;
    }
    if (entry.value === value) {
      changes.push({ file: ROUTE_INI_FILE, key: `DB.${key}`, change: "unchanged" });
      continue;
    }
    const raw = lines[entry.line - 1];
    const eq = raw.indexOf("=");
    const rest = raw.slice(eq + 1).trim();
    let comment = "";
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const close = rest.indexOf(rest[0], 1);
      const after = close > 0 ? rest.slice(close + 1).trim() : "";
      if (after.startsWith(";") || after.startsWith("#")) comment = ` ${after}`;
    } else {
      const sc = rest.indexOf(";");
      if (sc >= 0) comment = ` ${rest.slice(sc)}`;
    }
    lines[entry.line - 1] = `${raw.slice(0, eq).replace(/\s+$/, "")}=${iniValue(value)}${comment}`;
    changes.push({ file: ROUTE_INI_FILE, key: `DB.${key}`, change: "changed" });
  }
  if (missing.length) {
    if (db && header >= 0) {
      let end = header;
      for (let i = header + 1; i < lines.length && !/^\s*\[/.test(lines[i]); i++) if (lines[i].trim()) end = i;
      lines.splice(end + 1, 0, ...missing);
    } else {
      if (lines.length && lines[lines.length - 1] === "") lines.pop();
      lines.push("[DB]", ...missing, "");
    }
  }
  return lines.join(eol);
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * Writes `text` to `file` through a temporary file and a rename. A new file is 0600; a replaced one keeps its mode and
 * owner (the backend's PHP process must still read it). A different old file is backed up first (0600).
 */
function replaceFile(file: string, text: string, previous: string | undefined, now: Date): WrittenFile {
  const before = previous === undefined ? undefined : fs.statSync(file);
  const mode = before ? before.mode & 0o777 : 0o600;
  const warning = mode & 0o007 ? `readable by every user (mode 0${mode.toString(8)}); it holds secrets: chmod o-rwx it` : undefined;
  if (previous === text) return { path: file, status: "unchanged", mode, warning };
  let backup: string | undefined;
  if (previous !== undefined) {
    backup = `${file}.bak-${stamp(now)}`;
    for (let n = 1; fs.existsSync(backup); n++) backup = `${file}.bak-${stamp(now)}-${n}`;
    fs.writeFileSync(backup, previous, { mode: 0o600, flag: "wx" });
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
    if (before) {
      try {
        fs.chownSync(tmp, before.uid, before.gid);
      } catch {
        // Only root may give a file away; the file then belongs to whoever runs the command.
      }
    }
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: file, status: previous === undefined ? "created" : "updated", backup, mode, warning };
}

export interface RenderBackendOptions extends BackendFromOutputsOptions {
  /** Time for backup names (default now). */
  now?: Date;
}

/**
 * Writes `<dir>/conf/OutDefine.php` and `<dir>/conf/cdn.route.ini` for a stack's outputs. A missing file is written
 * whole (the backend's template layout, {@link renderBackendFiles}) with mode 0600; an existing one keeps everything
 * but the owned values, and its mode and owner. A changed file's previous text is kept as `<file>.bak-<UTC timestamp>`
 * (0600).
 */
export function renderBackendConfig(dir: string, outputs: StackOutputs, opts: RenderBackendOptions = {}): RenderResult {
  const cfg = backendConfigFromOutputs(outputs, opts);
  const fresh = renderBackendFiles(cfg);
  const want = ownedValues(cfg);
  const now = opts.now ?? new Date();
  const conf = path.join(dir, "conf");
  try {
    fs.mkdirSync(conf, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new InputError(`--out ${dir}: cannot create ${conf} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const odFile = path.join(dir, OUT_DEFINE_FILE);
  const iniFile = path.join(dir, ROUTE_INI_FILE);
  const keys: KeyChange[] = [];

  const oldOd = readIfExists(odFile);
  let od: string;
  if (oldOd === undefined) {
    od = fresh.outDefine;
    for (const k of OUT_DEFINE_KEYS) keys.push({ file: OUT_DEFINE_FILE, key: k, change: "set" });
  } else od = mergeOutDefine(oldOd, odFile, want.od, String(outputs.appid), keys);
  const oldIni = readIfExists(iniFile);
  let ini: string;
  if (oldIni === undefined) {
    ini = fresh.routeIni;
    for (const k of ROUTE_DB_KEYS) keys.push({ file: ROUTE_INI_FILE, key: `DB.${k}`, change: "set" });
  } else ini = mergeRouteIni(oldIni, iniFile, want.db, keys);

  // What was produced must read back as the outputs' values; otherwise nothing is written.
  const back = toBackendValues(cfg);
  const odValues = parseOutDefine(od, odFile).values;
  const iniValues = parseRouteIni(ini, iniFile).values;
  const bad = [
    ...OUT_DEFINE_KEYS.filter((k) => odValues[k] !== back.outDefine[k] && !(k === "COSKEY_BUCKET" && sameBucket(odValues[k], back.outDefine[k], String(outputs.appid)))),
    ...ROUTE_DB_KEYS.filter((k) => String(iniValues[k]) !== String(back.db[k])).map((k) => `DB.${k}`),
  ];
  if (bad.length) throw new Error(`rendering the backend config left ${bad.join(", ")} different from the outputs; nothing was written`);

  return { files: [replaceFile(odFile, od, oldOd, now), replaceFile(iniFile, ini, oldIni, now)], keys };
}

/** One key of an existing configuration that does not match the outputs. */
export interface KeyDifference {
  file: ConfFile;
  /** The backend's name (`DB.<KEY>` for cdn.route.ini). */
  key: string;
  kind: "missing" | "whitespace-or-case" | "differs";
  /** Line in the file, when the key is there. */
  line?: number;
  /** What the outputs imply and what the file has, masked: secrets never shown, SecretIds first 4 + last 4. */
  expected: string;
  found?: string;
}

export interface CheckResult {
  same: boolean;
  differences: KeyDifference[];
  /** Keys compared, in order. */
  keys: string[];
}

function shown(key: string, value: string, secrets: string[]): string {
  if (SECRET_KEYS.has(key)) return value ? "(secret, not shown)" : "(empty)";
  if (SECRET_ID_KEYS.has(key)) return maskSecretId(value);
  // A secret pasted under another key is still never shown.
  return JSON.stringify(redactText(value, secrets));
}

function kindOf(found: string, expected: string): KeyDifference["kind"] {
  const norm = (s: string) => s.replace(/\s+/g, "").toLowerCase();
  return norm(found) === norm(expected) ? "whitespace-or-case" : "differs";
}

/**
 * Compares `<dir>/conf/OutDefine.php` and `<dir>/conf/cdn.route.ini` with what the outputs imply, key by key, as
 * the backend reads them (PHP's first define(), the last `[DB]` section). A missing or unparsable file is an
 * InputError naming it.
 */
export function checkBackendConfig(dir: string, outputs: StackOutputs, opts: BackendFromOutputsOptions = {}): CheckResult {
  const cfg = backendConfigFromOutputs(outputs, opts);
  const want = ownedValues(cfg);
  const odFile = path.join(dir, OUT_DEFINE_FILE);
  const iniFile = path.join(dir, ROUTE_INI_FILE);
  const odText = readIfExists(odFile);
  const iniText = readIfExists(iniFile);
  for (const [f, t] of [[odFile, odText], [iniFile, iniText]] as const) {
    if (t === undefined) throw new InputError(`--check ${dir}: ${f} does not exist (render it with --out ${dir})`);
  }
  const defines = parsePhpDefines(odText!, odFile);
  const doc = parseIni(iniText!, iniFile);
  const found = new Map<string, { value: string; line: number }>();
  for (const d of defines) {
    if (!found.has(d.name)) found.set(d.name, { value: d.kind === "literal" ? (d.value === "true" ? "1" : "") : d.value, line: d.line });
  }
  const db = Object.prototype.hasOwnProperty.call(doc, "DB") ? doc.DB : undefined;
  if (db) for (const k of ROUTE_DB_KEYS) if (Object.prototype.hasOwnProperty.call(db, k)) found.set(`DB.${k}`, db[k]);

  const secrets = [outputs.callback_key, outputs.signer_secret_key, outputs.db_password, outputs.db_root_password, found.get("API_KEY")?.value, found.get("COSKEY_SECRECTKEY")?.value, found.get("DB.PASSWD")?.value].filter(
    (s): s is string => !!s,
  );
  const differences: KeyDifference[] = [];
  const keys: string[] = [];
  const compare = (file: ConfFile, key: string, expected: string) => {
    keys.push(key);
    const f = found.get(key);
    if (!f) {
      differences.push({ file, key, kind: "missing", expected: shown(key, expected, secrets) });
      return;
    }
    if (f.value === expected || (key === "COSKEY_BUCKET" && sameBucket(f.value, expected, String(outputs.appid)))) return;
    differences.push({ file, key, kind: kindOf(f.value, expected), line: f.line, expected: shown(key, expected, secrets), found: shown(key, f.value, secrets) });
  };
  for (const k of OUT_DEFINE_KEYS) compare(OUT_DEFINE_FILE, k, want.od[k]);
  for (const k of ROUTE_DB_KEYS) compare(ROUTE_INI_FILE, `DB.${k}`, want.db[k]);
  return { same: differences.length === 0, differences, keys };
}

/** Lines for a terminal: one a differing key, e.g. `conf/OutDefine.php:8 COSKEY_SECRECTKEY: differs (…)`. */
export function describeDifferences(r: CheckResult): string[] {
  return r.differences.map((d) => {
    const where = `${d.file}${d.line ? `:${d.line}` : ""}`;
    const what =
      d.kind === "missing"
        ? `missing (expected ${d.expected})`
        : `${d.kind === "differs" ? "differs" : "differs only by whitespace or case"} (expected ${d.expected}, found ${d.found})`;
    return `${where} ${d.key}: ${what}`;
  });
}
