/**
 * conf/OutDefine.php: PHP `define('NAME', value);` statements. Keys read: API_KEY, COSKEY_BUCKET,
 * COSKEY_BUCKET_REGION, COSKEY_APPID, COSKEY_SECRECTID, COSKEY_SECRECTKEY (the backend's own spelling "SECRECT").
 * Every problem is an InputError naming the file and line; messages never quote a value (it may be a secret), and
 * of the names in the file only the template's own constant names.
 */
import { checkInputSize, InputError, lineOf, MAX_VALUE_LENGTH } from "../errors";
import { OUT_DEFINE_KEYS, OutDefineKey, OutDefineValues, pickOutDefineValues } from "./model";

/** One `define()` (or `const NAME = value;`) found in a PHP file. */
export interface PhpDefine {
  name: string;
  /** Strings unescaped; numbers, true/false/null as their literal text. */
  value: string;
  kind: "string" | "number" | "literal";
  line: number;
}

/** Constant names of the backend's template: the only names from the file a message may quote. */
const TEMPLATE_NAMES: ReadonlySet<string> = new Set<string>([...OUT_DEFINE_KEYS, "COSKEY_EXPIRED_TIME", "IM_SDKAPPID", "IM_SECRETKEY"]);

function defineWords(name: string): string {
  return TEMPLATE_NAMES.has(name) ? `define('${name}', …)` : "define(…)";
}

/**
 * Parses the `define('NAME', value);` and `const NAME = value;` statements of a PHP file, as PHP would run it:
 * only the code between `<?php` (or `<?`) and `?>` counts (text outside is output, not code, and a file without
 * an opening tag defines nothing — an InputError here); `?>` also ends a statement. Handles single and double
 * quotes with PHP's escape rules, numbers, true/false/null, `//`, `#` and `/* *\/` comments, any spacing. Anything
 * else at statement level is skipped up to its `;`. A define that is not well formed is an InputError `file:line`.
 */
export function parsePhpDefines(text: string, file: string): PhpDefine[] {
  checkInputSize(text, file);
  const out: PhpDefine[] = [];
  const n = text.length;
  const fail = (at: number, what: string): never => {
    throw new InputError(`${file}:${lineOf(text, at)}: ${what}`);
  };
  const firstTag = text.indexOf("<?");
  if (firstTag < 0) {
    if (text.trim()) fail(0, 'no "<?php" opening tag: PHP prints such a file instead of running it, so it defines nothing; start it with <?php');
    return out;
  }
  let i = firstTag;
  /** Number of "?>" passed: a closing tag ends the statement before it. */
  let closeTags = 0;
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
        // Back to output until the next opening tag.
        closeTags++;
        const next = text.indexOf("<?", i + 2);
        i = next < 0 ? n : next;
      } else return;
    }
  };
  // What stands at `at`, described without quoting file text (values may be secrets).
  const found = (at: number): string => {
    if (at >= n) return "the end of the file";
    const c = text[at];
    if (c === "'" || c === '"') return "a quoted string";
    if (/[A-Za-z0-9_$\\\u0080-\uffff]/.test(c)) return "a bare word or number";
    return JSON.stringify(c);
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
          if (Object.prototype.hasOwnProperty.call(map, c)) {
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
  /** A constant's value: a quoted string, a number, or true/false/null. */
  const readValue = (who: string): Pick<PhpDefine, "value" | "kind"> => {
    skipSpace();
    if (text[i] === "'" || text[i] === '"') return { value: readString(), kind: "string" };
    const num = /^[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 64));
    const lit = /^(?:true|false|null)\b/i.exec(text.slice(i, i + 8));
    if (num) {
      i += num[0].length;
      return { value: num[0].replace(/^\+/, ""), kind: "number" };
    }
    if (lit) {
      i += lit[0].length;
      return { value: lit[0].toLowerCase(), kind: "literal" };
    }
    return fail(i, `${who}: the value must be a quoted string or a number`);
  };
  /** After a statement: ";" or a closing tag; anything else is an error at `at`'s statement. */
  const endStatement = (who: string) => {
    const before = closeTags;
    skipSpace();
    if (text[i] === ";") i++;
    else if (closeTags === before) fail(i, `${who}: missing ";" after the statement`);
  };
  const push = (name: string, v: Pick<PhpDefine, "value" | "kind">, at: number, who: string) => {
    if (v.value.length > MAX_VALUE_LENGTH) fail(at, `${who}: the value is longer than ${MAX_VALUE_LENGTH} characters`);
    out.push({ name, value: v.value, kind: v.kind, line: lineOf(text, at) });
  };

  while (true) {
    skipSpace();
    if (i >= n) break;
    const word = /^[A-Za-z_\\][A-Za-z0-9_\\]*/.exec(text.slice(i, i + 64));
    const keyword = word ? word[0].replace(/^\\/, "").toLowerCase() : "";
    if (keyword === "define") {
      const at = i;
      i += word![0].length;
      expect("(", "define");
      skipSpace();
      if (text[i] !== "'" && text[i] !== '"') fail(i, "define(): the constant name must be a quoted string");
      const name = readString();
      if (name.length > 256) fail(at, "define(): the constant name is longer than 256 characters");
      const who = defineWords(name);
      expect(",", who);
      const value = readValue(who);
      skipSpace();
      // Optional third argument (case_insensitive), seen in old PHP code.
      if (text[i] === ",") {
        i++;
        skipSpace();
        const lit = /^(?:true|false)\b/i.exec(text.slice(i, i + 6));
        if (!lit) fail(i, `${who}: unexpected third argument`);
        i += lit![0].length;
      }
      expect(")", who);
      endStatement(who);
      push(name, value, at, who);
    } else if (keyword === "const") {
      // const NAME = value[, NAME2 = value2];
      i += word![0].length;
      for (;;) {
        skipSpace();
        const at = i;
        const nm = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/.exec(text.slice(i, i + 257));
        if (!nm) fail(i, "const: expected a constant name");
        i += nm![0].length;
        const who = TEMPLATE_NAMES.has(nm![0]) ? `const ${nm![0]}` : "const";
        expect("=", who);
        push(nm![0], readValue(who), at, who);
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        endStatement(who);
        break;
      }
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

/** The string PHP makes of a constant's value where the backend uses it (true → "1", false and null → ""). */
function phpString(d: PhpDefine): string {
  if (d.kind !== "literal") return d.value;
  return d.value === "true" ? "1" : "";
}

/** Parses OutDefine.php text; the six keys are required. A key defined twice keeps its first value, as PHP does. */
export function parseOutDefine(text: string, file: string): { values: OutDefineValues; lines: Record<string, number> } {
  const defines = parsePhpDefines(text, file);
  const values = new Map<string, string>();
  const lines = new Map<string, number>();
  for (const d of defines) {
    // PHP ignores a second define() of the same name (with a warning): the first one counts.
    if (values.has(d.name)) continue;
    values.set(d.name, phpString(d));
    lines.set(d.name, d.line);
  }
  const missing = OUT_DEFINE_KEYS.filter((k) => !values.has(k));
  if (missing.length) {
    const hints: string[] = [];
    for (const k of missing) {
      const misspelt = k.replace("SECRECT", "SECRET");
      if (misspelt !== k && values.has(misspelt)) {
        hints.push(
          `line ${lines.get(misspelt)} defines ${misspelt}, but the backend reads ${k} (spelt "SECRECT") — rename it`,
        );
        continue;
      }
      const near = [...values.keys()].find((name) => name !== k && name.trim().toUpperCase() === k);
      if (near !== undefined) {
        hints.push(`line ${lines.get(near)} defines a name that differs from ${k} in case or spaces; PHP constant names are exact`);
      }
    }
    throw new InputError(
      `${file}: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not defined` +
        (hints.length ? ` (${hints.join("; ")})` : "") +
        `. Each key needs a line like define('${missing[0]}', 'value');`,
    );
  }
  for (const k of ["COSKEY_APPID"] as const) {
    if (!/^\d+$/.test(values.get(k)!)) {
      throw new InputError(`${file}:${lines.get(k)}: ${k} must be the account's numeric APPID (e.g. 1250000000)`);
    }
  }
  const picked = Object.fromEntries(OUT_DEFINE_KEYS.map((k) => [k, values.get(k)!])) as Record<OutDefineKey, string>;
  const lineRecord: Record<string, number> = Object.create(null);
  for (const [k, l] of lines) lineRecord[k] = l;
  return { values: pickOutDefineValues(picked), lines: lineRecord };
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
