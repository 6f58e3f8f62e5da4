/**
 * conf/OutDefine.php: PHP `define('NAME', value);` statements. Keys read: API_KEY, COSKEY_BUCKET,
 * COSKEY_BUCKET_REGION, COSKEY_APPID, COSKEY_SECRECTID, COSKEY_SECRECTKEY (the backend's own spelling "SECRECT").
 * Every problem is an InputError naming the file and line; messages never quote a value (it may be a secret).
 */
import { InputError, lineOf } from "../errors";
import { OUT_DEFINE_KEYS, OutDefineKey, OutDefineValues, pickOutDefineValues } from "./model";

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
  return { values: pickOutDefineValues(values as Record<OutDefineKey, string>), lines };
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
