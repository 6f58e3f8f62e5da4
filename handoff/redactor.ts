/**
 * The one redactor every file of a support bundle passes through: known secret values (common/mask.ts
 * redactText, with their escaped forms) first, then secret-looking patterns (credentials in URLs, `password=…`,
 * `"SecretKey": "…"`, `define('…KEY', '…')`, Authorization headers, private key blocks), then SecretIds masked to
 * first 4 + last 4.
 */
import { maskSecretId, redactText, SecretSet } from "../common/mask";

/** A name whose value is a secret: passwords, keys, tokens, signatures (COSKEY_BUCKET is not: "COSKEY" is a prefix). */
export function isSecretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = parts.join("_");
  if (/(?:^|_)(?:passwd|password|pwd|secret|secrect|secretkey|secrectkey|secretid|secrectid|token|signature|sign|credential|credentials|authorization|cookie|private)(?:_|$)/.test(joined)) {
    return true;
  }
  // "...key" names: API_KEY, callback_key, X-Api-Key; but not a key *id* or a bucket prefix.
  return parts.length > 0 && parts[parts.length - 1] === "key";
}

/** A name whose value is a SecretId: shown masked (first 4 + last 4) rather than removed. */
function isSecretIdName(name: string): boolean {
  return /(?:^|_)secre?c?t_?id$/.test(name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().replace(/[^a-z0-9]+/g, "_"));
}

/** The replacement of a secret value found after `name`. */
function hidden(name: string, inner: string): string {
  return isSecretIdName(name) ? maskSecretId(inner) : "***";
}

const AKID = /\bAKID[A-Za-z0-9]{8,}\b/g;

export interface RedactionCount {
  /** Replacements made by the last call (values and patterns together). */
  count: number;
}

export class Redactor {
  private readonly secrets: string[];
  private readonly secretIds: string[];

  constructor(set: SecretSet) {
    this.secrets = set.secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
    this.secretIds = set.secretIds.filter((s): s is string => typeof s === "string" && s.length >= 4);
  }

  /** Adds secret values learnt later (e.g. from a backend config read after the environment). */
  add(set: Partial<SecretSet>): void {
    for (const s of set.secrets ?? []) if (typeof s === "string" && s.length >= 4) this.secrets.push(s);
    for (const s of set.secretIds ?? []) if (typeof s === "string" && s.length >= 4) this.secretIds.push(s);
  }

  /** The text with every known secret and secret-looking value replaced; `counter.count` = replacements made. */
  text(input: string, counter?: RedactionCount): string {
    let n = 0;
    let out = redactText(input, this.secrets);
    n += (out.match(/\*\*\*/g)?.length ?? 0) - (input.match(/\*\*\*/g)?.length ?? 0);
    const sub = (re: RegExp, f: (...m: string[]) => string) => {
      out = out.replace(re, (...m: string[]) => {
        const r = f(...m);
        if (r !== m[0]) n++;
        return r;
      });
    };
    // -----BEGIN … PRIVATE KEY----- blocks.
    sub(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g, (_m, kind) => `-----BEGIN ${kind}----- *** -----END ${kind}-----`);
    // scheme://user:password@host
    sub(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi, (m, pre, pw) => (pw === "***" ? m : `${pre}***@`));
    // Authorization: <scheme> <credentials>  (TC3-HMAC-SHA256 Credential=…, Bearer …, Basic …)
    sub(/\b(authorization\s*[:=]\s*["']?)([^\r\n"']+)/gi, (m, pre, v) => (v.trim() === "***" ? m : `${pre}***`));
    // define('NAME', 'value') with a secret NAME.
    sub(/(define\s*\(\s*(['"])([^'"]+)\2\s*,\s*)('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/gi, (m, pre, _q, name, v) =>
      isSecretName(name) && v.length > 2 ? `${pre}${v[0]}${hidden(name, v.slice(1, -1))}${v[0]}` : m,
    );
    // NAME = value, "name": "value", name: value, ?name=value& — with a secret NAME.
    sub(
      /(?<=^|[\s{,;&?(\[])(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1([ \t]*[:=][ \t]*)("(?:\\.|[^"\\\r\n])*"|'(?:\\.|[^'\\\r\n])*'|[^\s"',;&}\])?#]+)/g,
      (m, q, name, sep, v) => {
        if (!isSecretName(name)) return m;
        const quoted = v[0] === '"' || v[0] === "'";
        const inner = quoted ? v.slice(1, -1) : v;
        if (!inner || inner === "***" || inner.includes("…") || /^(?:true|false|null|none|0|\(empty\))$/i.test(inner)) return m;
        const h = hidden(name, inner);
        // An unquoted value after a quoted name is JSON: keep the document valid.
        return `${q}${name}${q}${sep}${quoted ? `${v[0]}${h}${v[0]}` : q ? `"${h}"` : h}`;
      },
    );
    // Known SecretIds and anything shaped like one.
    for (const id of [...this.secretIds].sort((a, b) => b.length - a.length)) {
      if (out.includes(id)) {
        n += out.split(id).length - 1;
        out = out.split(id).join(maskSecretId(id));
      }
    }
    sub(AKID, (m) => maskSecretId(m));
    if (counter) counter.count = n;
    return out;
  }
}
