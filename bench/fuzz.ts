/**
 * Fuzz of every reader of user input: environment files, stack outputs, OutDefine.php, cdn.route.ini, the
 * --backend-config JSON, sandbox state files, and URL inputs (mysql URLs through database/url.ts and through
 * common/url-input.ts, the LIVE_INFRA_TEST_MYSQL_URL reader, endpoint overrides). Each reader gets N inputs
 * (default 10,000; `--runs N`): real files with a freshly planted secret, then broken by text edits, structural
 * replacements (null, arrays, numbers, nested objects, huge strings, credentials in URLs) and Object.prototype
 * member names as keys and sections. Every outcome must be a value or an InputError; counted as failures:
 *   crash      anything else thrown (TypeError, URIError, RangeError, a plain Error, …)
 *   leak       a message showing the planted secret or a 6-character piece of it
 *   pollution  Object.prototype (or Array/Function/String.prototype, Object) changed
 * Prints a table and up to 3 failing inputs per reader (exact text, JSON-quoted); exits 1 when any failure was found.
 * Deterministic: `--seed N` (default 1) fixes every input. `--only NAME[,NAME]` limits the readers.
 *
 *   npm run build && node dist/bench/fuzz.js [--runs N] [--seed N] [--only outputs,cdn.route.ini]
 */
import * as fs from "fs";
import * as path from "path";
import { backendConfigFromOutputs, parseBackendConfigJson, parseOutDefine, parseRouteIni, renderBackendFiles, toBackendConfigJson } from "../common/backend-config";
import { InputError, parseJsonFile } from "../common/errors";
import { parseStackOutputs, StackOutputs } from "../common/outputs";
import { parseUrlInputParts } from "../common/url-input";
import { parseMysqlUrl } from "../database/url";
import { parseServerUrl } from "../sandbox/mariadb";
import { emptyState, State, StateStore, validateState } from "../sandbox/state";
import { parseEnvironment } from "../stacks/config";
import { resolveEndpoints } from "../validators/clients";

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

let rngState = 1;
function seedRandom(seed: number): void {
  rngState = seed >>> 0 || 1;
}
/** mulberry32: small, fast, good enough to pick mutations. */
function random(): number {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

/** Letters alternating upper / lower-or-digit: any 6-character piece of it is unlike the words of a message. */
function newSecret(): string {
  const up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const low = "abcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < 9; i++) s += pick([...up]) + pick([...low]);
  return s;
}

/** Where the message shows the secret or a 6-character piece of it, or -1. */
function leakAt(message: string, secret: string): number {
  if (message.includes(secret)) return message.indexOf(secret);
  for (const run of secret.split(/[^A-Za-z0-9]+/)) {
    for (let i = 0; i + 6 <= run.length; i++) {
      const at = message.indexOf(run.slice(i, i + 6));
      if (at >= 0) return at;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

const PROTO_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"];
const NASTY = ['"', "'", "{", "}", "[", "]", ":", ",", ";", "=", "#", "/", "\\", "@", "%", "?", "\n", "\r", "\t", "\0", "\uFEFF", "$", "<?php", "?>", "é", "直", "%zz", "\\u0000", "*/", "/*", "//"];

function textEdit(text: string): string {
  const at = int(text.length + 1);
  const len = 1 + int(12);
  // No edit copies text from elsewhere: that would move pieces of a secret into names (keys, hosts), which are
  // quoted by design, and count as leaks what is no longer a secret by any reading of the file.
  switch (int(4)) {
    case 0:
      return text.slice(0, at) + pick(random() < 0.8 ? NASTY : PROTO_NAMES) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + len);
    case 2:
      return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
    default:
      return text.slice(0, at);
  }
}

function textEdits(text: string): string {
  let t = text;
  for (let i = 0, n = 1 + int(4); i < n; i++) t = textEdit(t);
  return t;
}

/** Values that do not belong anywhere a configuration expects a string or a number. */
function oddValue(secret: string): unknown {
  switch (int(14)) {
    case 0:
      return null;
    case 1:
      return [secret];
    case 2:
      return { value: secret };
    case 3:
      return JSON.parse(`{"__proto__": {"polluted": "${secret}"}}`);
    case 4:
      return { constructor: { prototype: { polluted: secret } } };
    case 5:
      return `${secret}-`.repeat(1000);
    case 6:
      return pick([0, -1, 65536, 1e21, 3.5, Number.MAX_SAFE_INTEGER + 2]);
    case 7:
      return pick([true, false]);
    case 8:
      return "";
    case 9:
      return `http://admin:${secret}@backend.example.com/x`;
    case 10:
      return `mysql://root:${secret}@127.0.0.1:3306/live_demo`;
    case 11: {
      let deep: unknown = secret;
      for (let i = 0; i < 150; i++) deep = [deep];
      return deep;
    }
    case 12:
      return {};
    default:
      return secret;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a JSON document. */
function paths(doc: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (doc && typeof doc === "object") for (const k of Object.keys(doc)) paths((doc as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function define(obj: object, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One structural change of a JSON document: a value replaced, a key renamed or added (prototype names among them). */
function jsonEdit(doc: Json, secret: string): Json {
  const all = paths(doc);
  const p = pick(all);
  if (p.length === 0) return int(4) === 0 ? (oddValue(secret) as Json) : doc;
  let parent: unknown = doc;
  for (const k of p.slice(0, -1)) parent = (parent as Record<string, unknown>)[k as string];
  const key = p[p.length - 1];
  const obj = parent as Record<string | number, unknown>;
  switch (int(4)) {
    case 0:
    case 1:
      define(obj, key, oddValue(secret));
      break;
    case 2:
      if (!Array.isArray(obj)) {
        const v = obj[key];
        delete obj[key];
        define(obj, random() < 0.7 ? pick(PROTO_NAMES) : String(key).toLowerCase(), v);
      }
      break;
    default:
      if (!Array.isArray(obj)) define(obj, pick(PROTO_NAMES), oddValue(secret));
  }
  return doc;
}

function jsonMutation(seedText: string, secret: string): string {
  if (random() < 0.35) return textEdits(seedText);
  let doc = JSON.parse(seedText) as Json;
  for (let i = 0, n = 1 + int(3); i < n; i++) doc = jsonEdit(doc, secret);
  const text = JSON.stringify(doc, null, random() < 0.5 ? 2 : 0) ?? "null";
  return random() < 0.2 ? textEdits(text) : text;
}

/** Line-level changes of an INI or PHP file: names swapped for prototype names or case variants, lines moved. */
function lineMutation(seedText: string, secret: string, kind: "ini" | "php"): string {
  if (random() < 0.3) return textEdits(seedText);
  const lines = seedText.split("\n");
  for (let i = 0, n = 1 + int(4); i < n; i++) {
    const at = int(lines.length);
    const proto = pick(PROTO_NAMES);
    switch (int(7)) {
      case 0:
        lines[at] = kind === "ini" ? lines[at].replace(/^\[[^\]]*\]/, `[${proto}]`).replace(/^[A-Z_]+=/, `${proto}=`) : lines[at].replace(/define\('[A-Z_]+'/, `define('${proto}'`);
        break;
      case 1:
        lines[at] = lines[at].toLowerCase();
        break;
      case 2:
        lines.splice(int(lines.length), 0, lines[at]);
        break;
      case 3:
        lines.splice(at, 1);
        break;
      case 4:
        lines.splice(int(lines.length), 0, kind === "ini" ? `[${proto}]` : `define('${proto}', '${secret}');`);
        break;
      case 5:
        lines.splice(int(lines.length), 0, kind === "ini" ? `${pick(["HOST", "PASSWD", proto])}=${pick([secret, "yes", "none", `"${secret}`, `'${secret}`, secret.repeat(400)])}` : pick(["?>", "<?php", `const API_KEY = '${secret}';`, `define('API_KEY', '${secret}'`, `$x = "${secret}`]));
        break;
      default:
        lines[at] = textEdit(lines[at]);
    }
  }
  return lines.join("\n");
}

/** A URL-shaped input: pieces of a mysql or http URL, the password unencoded, encoded or with broken escapes. */
function urlInput(secret: string): string {
  const hostChoice = pick(["127.0.0.1", "db.example.com", "[::1]", "h", "", "bad host", "h%20x", "[zz]", "999.1.1.1"]);
  const creds = pick(["root:PW@", "root:PW@", ":PW@", "root@", "", "root:PW", "a:b:PW@", "root:PW@x@"]);
  let pw = secret;
  for (let i = 0, n = int(3); i < n; i++) {
    const at = 6 + int(pw.length - 11);
    // Without an "@" and a host after the password, "user:a@b…" reads as host "b…" in every grammar: no reader can
    // tell that "b" belonged to the password, so that case is not generated.
    const pieces = ["/", "?", "#", ":", "%", "%zz", "%C0", "[", " ", "\\", ...(hostChoice && creds.endsWith("PW@") ? ["@"] : [])];
    pw = pw.slice(0, at) + pick(pieces) + pw.slice(at);
  }
  if (random() < 0.3) pw = encodeURIComponent(pw);
  // Text edits touch the pieces around the password, never the user info itself: an edit that deleted "root:"
  // would make the secret the user name, which messages show by design (mysql://user:***@host).
  const edited = (piece: string) => (random() < 0.1 ? textEdit(piece) : piece);
  const scheme = edited(pick(["mysql://", "mysql://", "MYSQL://", "mysql:/", "mysql:", "http://", "https://", "ftp://", "", "//"]));
  const host = edited(hostChoice);
  const port = edited(pick(["", ":3306", ":0", ":65536", ":x", ":"]));
  const dbPath = edited(pick(["", "/", "/live_demo", "/bad-name", "/a@b", "/%zz", "/x/y"]));
  const query = pick(["", "", "?x=1", "?password=PW", "#PW"]);
  return (scheme + creds + host + port + dbPath + query).split("PW").join(pw);
}

// ---------------------------------------------------------------------------------------------------------------
// Readers

interface Reader {
  name: string;
  /** Where the reader lives (for the report). */
  source: string;
  /** One input for this run, with the secret planted somewhere in it. */
  input(secret: string): string;
  run(text: string): unknown;
}

function repoFile(...parts: string[]): string {
  // dist/bench/fuzz.js and bench/fuzz.ts both find the repository two or one level(s) up.
  for (const up of [["..", ".."], [".."]]) {
    const p = path.resolve(__dirname, ...up, ...parts);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`cannot find ${parts.join("/")} from ${__dirname}`);
}

function outputsWith(secret: string): StackOutputs {
  return {
    appid: "1250000000",
    region: "ap-guangzhou",
    bucket: "live-demo-fz-upload-1250000000",
    bucket_region: "ap-guangzhou",
    push_domain: "push.example.com",
    play_domain: "play.example.com",
    app_name: "live",
    callback_url: "http://backend.example.com/callback/tape_callback.php",
    callback_template_id: "1001",
    record_template_id: "2001",
    db_instance_id: "cdb-abcd1234",
    db_host: "10.0.0.5",
    db_port: 3306,
    db_public_host: "203.0.113.9",
    db_public_port: 3306,
    db_name: "live_demo",
    db_user: "live_user",
    db_password: `${secret}`,
    db_root_password: `${secret}r`,
    callback_key: `${secret}c`,
    signer_secret_id: `AKID${secret}`,
    signer_secret_key: `${secret}k`,
  };
}

function stateWith(secret: string): State {
  const st = emptyState();
  st.credentials.push(
    { secretId: "AKIDowner0000000000000000000000001", secretKey: secret, kind: "owner", uin: st.ownerUin, status: "Active", createTime: "2024-01-01 00:00:00" },
    { secretId: "AKIDsigner000000000000000000000001", secretKey: `${secret}s`, kind: "sub-user", uin: "100000000002", status: "Active", createTime: "2024-01-01 00:00:00" },
  );
  st.buckets.push({ name: "b-1250000000", region: "ap-guangzhou", acl: "private", createTime: "2024-01-01 00:00:00", cors: [], objects: {} } as unknown as State["buckets"][number]);
  return st;
}

const ENV_FILE = "environments/fz.json";
const MYSQL_INPUT = { label: "--mysql-url", protocols: ["mysql"], allowCredentials: true, requireUser: true, pathName: "database name", form: "mysql://USER[:PASSWORD]@HOST:PORT/DATABASE" };

function readers(): Reader[] {
  const envSeeds = ["dev.json", "prod.json"].filter((f) => fs.existsSync(repoFile("environments", f))).map((f) => fs.readFileSync(repoFile("environments", f), "utf8"));
  // Environment files hold no secret of their own; the secret arrives with the mutations (credentials in URLs).
  return [
    {
      name: "environment file",
      source: "stacks/config.ts parseEnvironment",
      input: (secret) => {
        // Environment files hold no secret of their own: the only planted one is a password in a URL field.
        const text = jsonMutation(pick(envSeeds), "Nnnnnnnn");
        if (random() < 0.7) return text;
        try {
          const doc = JSON.parse(text) as Record<string, Record<string, unknown>>;
          const section = pick(["backend", "callbacks"]);
          if (!doc || typeof doc[section] !== "object" || doc[section] === null) return text;
          const field = section === "backend" ? "base_url" : pick(["stream_begin_url", "stream_end_url"]);
          define(doc[section], field, pick([`http://admin:${secret}@backend.example.com`, `https://u:${secret}@h/x?y=1`, `http://admin:${secret}@`]));
          return JSON.stringify(doc, null, 2);
        } catch {
          return text;
        }
      },
      run: (text) => parseEnvironment(parseJsonFile(text, ENV_FILE), ENV_FILE),
    },
    {
      name: "outputs",
      source: "common/outputs.ts parseStackOutputs",
      input: (secret) => {
        const o = outputsWith(secret);
        const seed =
          random() < 0.6
            ? JSON.stringify({ "live-demo-fz": o }, null, 2)
            : JSON.stringify(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { sensitive: k.includes("secret") || k.includes("password") || k === "callback_key", type: typeof v, value: v }])), null, 2);
        return jsonMutation(seed, secret);
      },
      run: (text) => parseStackOutputs(text, "outputs.json", random() < 0.5 ? "live-demo-fz" : random() < 0.5 ? undefined : pick(PROTO_NAMES)),
    },
    {
      name: "OutDefine.php",
      source: "common/backend-config/php.ts parseOutDefine",
      input: (secret) => lineMutation(renderBackendFiles(backendConfigFromOutputs(outputsWith(secret))).outDefine, secret, "php"),
      run: (text) => parseOutDefine(text, "conf/OutDefine.php"),
    },
    {
      name: "cdn.route.ini",
      source: "common/backend-config/ini.ts parseRouteIni",
      input: (secret) => lineMutation(renderBackendFiles(backendConfigFromOutputs(outputsWith(secret))).routeIni, secret, "ini"),
      run: (text) => parseRouteIni(text, "conf/cdn.route.ini"),
    },
    {
      name: "backend JSON",
      source: "common/backend-config/json-form.ts parseBackendConfigJson",
      input: (secret) => jsonMutation(JSON.stringify(toBackendConfigJson(backendConfigFromOutputs(outputsWith(secret))), null, 2), secret),
      run: (text) => parseBackendConfigJson(text, "backend.json"),
    },
    {
      name: "sandbox state",
      source: "sandbox/state.ts validateState + StateStore (as StateStore.load)",
      input: (secret) => jsonMutation(JSON.stringify(stateWith(secret), null, 2), secret),
      run: (text) => new StateStore(validateState(parseJsonFile(text, "state.json"), "state.json")),
    },
    {
      name: "mysql URL (database)",
      source: "database/url.ts parseMysqlUrl",
      input: urlInput,
      run: (text) => parseMysqlUrl(text, "--mysql-url"),
    },
    {
      name: "mysql URL (common)",
      source: "common/url-input.ts parseUrlInputParts",
      input: urlInput,
      run: (text) => parseUrlInputParts(text, MYSQL_INPUT),
    },
    {
      name: "test MySQL URL",
      source: "sandbox/mariadb.ts parseServerUrl (LIVE_INFRA_TEST_MYSQL_URL)",
      input: urlInput,
      run: (text) => parseServerUrl(text),
    },
    {
      name: "endpoints",
      source: "validators/clients/endpoints.ts resolveEndpoints",
      input: urlInput,
      run: (text) => resolveEndpoints(random() < 0.5 ? { apiEndpoint: text } : {}, random() < 0.5 ? {} : { LIVE_INFRA_COS_ENDPOINT: text }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Pollution

const WATCHED: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Object", Object],
];
type Snapshot = Array<Map<string, PropertyDescriptor>>;

function snapshot(): Snapshot {
  return WATCHED.map(([, o]) => new Map(Object.getOwnPropertyNames(o).map((n) => [n, Object.getOwnPropertyDescriptor(o, n)!])));
}

/** What changed since `base`, restoring it so the next input starts clean. */
function pollution(base: Snapshot): string {
  const found: string[] = [];
  WATCHED.forEach(([label, o], i) => {
    for (const n of Object.getOwnPropertyNames(o)) {
      const d0 = base[i].get(n);
      const d1 = Object.getOwnPropertyDescriptor(o, n)!;
      if (!d0) {
        found.push(`${label}.${n} added`);
        delete (o as Record<string, unknown>)[n];
      } else if (d0.value !== d1.value || d0.get !== d1.get || d0.set !== d1.set) {
        found.push(`${label}.${n} changed`);
        Object.defineProperty(o, n, d0);
      }
    }
  });
  return found.join(", ");
}

// ---------------------------------------------------------------------------------------------------------------
// Run

interface Failure {
  kind: "crash" | "leak" | "pollution";
  detail: string;
  input: string;
}
interface Row {
  reader: Reader;
  inputs: number;
  values: number;
  inputErrors: number;
  crashes: number;
  leaks: number;
  pollution: number;
  maxMs: number;
  /** Wall time of all its inputs, generation and pollution checks included. */
  totalMs: number;
  examples: Failure[];
}

function parseArgs(argv: string[]): { runs: number; seed: number; only?: string[] } {
  const out: { runs: number; seed: number; only?: string[] } = { runs: 10_000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--runs") out.runs = Number(value());
    else if (a === "--seed") out.seed = Number(value());
    else if (a === "--only") out.only = value().split(",").map((s) => s.trim());
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.runs) || out.runs < 1) usage("--runs must be a whole number ≥ 1");
  if (!Number.isInteger(out.seed)) usage("--seed must be a whole number");
  return out;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench/fuzz: ${problem}\n`);
  process.stderr.write("usage: node dist/bench/fuzz.js [--runs N (default 10000)] [--seed N (default 1)] [--only READER[,READER]]\n");
  process.exit(problem ? 2 : 0);
}

function fuzzReader(reader: Reader, runs: number, base: Snapshot): Row {
  const row: Row = { reader, inputs: 0, values: 0, inputErrors: 0, crashes: 0, leaks: 0, pollution: 0, maxMs: 0, totalMs: 0, examples: [] };
  const start = process.hrtime.bigint();
  const note = (f: Failure) => {
    if (row.examples.filter((e) => e.kind === f.kind).length < 3) row.examples.push(f);
  };
  for (let i = 0; i < runs; i++) {
    const secret = newSecret();
    const text = reader.input(secret);
    row.inputs++;
    const t0 = process.hrtime.bigint();
    try {
      reader.run(text);
      row.values++;
    } catch (err) {
      if (err instanceof InputError) {
        row.inputErrors++;
        const at = leakAt(err.message, secret);
        if (at >= 0) {
          row.leaks++;
          const from = Math.max(0, at - 160);
          note({ kind: "leak", detail: `${from ? "…" : ""}${err.message.slice(from, at + 60)}…`, input: text });
        }
      } else {
        row.crashes++;
        const e = err as Error;
        note({ kind: "crash", detail: `${e?.constructor?.name ?? typeof err}: ${e?.message ?? String(err)}`, input: text });
      }
    }
    row.maxMs = Math.max(row.maxMs, Number(process.hrtime.bigint() - t0) / 1e6);
    const changed = pollution(base);
    if (changed) {
      row.pollution++;
      note({ kind: "pollution", detail: changed, input: text });
    }
  }
  row.totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  return row;
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const all = readers();
  const chosen = args.only ? all.filter((r) => args.only!.includes(r.name)) : all;
  if (args.only && chosen.length !== args.only.length) usage(`--only: known readers are ${all.map((r) => r.name).join(", ")}`);
  const base = snapshot();
  const rows: Row[] = [];
  const t0 = Date.now();
  for (const r of chosen) {
    seedRandom(args.seed * 7919 + all.indexOf(r));
    rows.push(fuzzReader(r, args.runs, base));
  }
  const header = ["reader", "inputs", "value", "InputError", "crash", "leak", "pollution", "time s", "max ms"];
  const cells = rows.map((r) => [r.reader.name, r.inputs, r.values, r.inputErrors, r.crashes, r.leaks, r.pollution, (r.totalMs / 1000).toFixed(2), r.maxMs.toFixed(1)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ");
  const out: string[] = [`fuzz: ${args.runs} inputs per reader, seed ${args.seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s`, line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  const failing = rows.filter((r) => r.crashes || r.leaks || r.pollution);
  for (const r of failing) {
    out.push("", `${r.reader.name} (${r.reader.source}):`);
    for (const f of r.examples) {
      out.push(`  ${f.kind}: ${cut(f.detail, 300)}`);
      out.push(`    input: ${cut(JSON.stringify(f.input), 400)}`);
    }
  }
  out.push("", failing.length ? `FAIL: ${failing.map((r) => r.reader.name).join(", ")}` : "ok: no crash, leak or pollution");
  process.stdout.write(`${out.join("\n")}\n`);
  process.exitCode = failing.length ? 1 : 0;
}

main();
