/**
 * Secret masking shared by every renderer and log line. SecretIds are shown as first 4 + last 4 characters;
 * anything else secret is never shown at all. URL-shaped inputs (flags, environment variables) are parsed and
 * described through common/url-input.ts, which never quotes a credential; redactUrl below is for text that is
 * already a URL of ours (a log line, a connection string we built).
 */
export function maskSecretId(id: string | undefined | null): string {
  if (!id) return "(empty)";
  if (id.length <= 8) return "*".repeat(id.length);
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** The forms a secret takes when a server or a library echoes it: as is, JSON-escaped, percent-encoded. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be percent-encoded; the plain form is still replaced.
  }
  return [...forms];
}

/**
 * Replaces every occurrence of the given secret values in a text with "***" — also their JSON-escaped and
 * percent-encoded forms, longest first (a secret that contains another is removed whole). Values shorter than 4
 * characters are left alone (masking "1" would mangle every number). Used as a last line of defence on messages
 * that quote remote errors (a server may echo what it was sent).
 */
export function redactText(text: string, secrets: Iterable<string | undefined | null>): string {
  const forms: string[] = [];
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 4) continue;
    for (const f of secretForms(s)) if (f.length >= 4) forms.push(f);
  }
  forms.sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) out = out.split(f).join("***");
  return out;
}

/** {@link redactText} under its original name. */
export const redact = redactText;

/**
 * Masks the credentials of a URL-shaped text: `mysql://user:password@host:3306/db` → `mysql://user:***@host:3306/db`.
 * The password runs to the last "@" before the query (a raw "@" or "/" inside it must not leave its tail
 * visible); when the shape is ambiguous (no scheme, "@" only after a "?" or "#", text before the last "@" that
 * is not user info) everything up to the last "@" becomes "***". A non-numeric "port" of an authority without "@"
 * (`mysql://user:password/db`, the host forgotten) is masked too. For raw user input, prefer parseUrlInput
 * (common/url-input.ts): it refuses ambiguous shapes instead of guessing.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([\s\S]*)$/i.exec(url);
  if (!m) {
    const at = url.lastIndexOf("@");
    return at < 0 ? url : `***${url.slice(at)}`;
  }
  const [, scheme, rest] = m;
  const q = rest.search(/[?#]/);
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const lastAt = rest.lastIndexOf("@");
  const preAt = beforeQuery.lastIndexOf("@");
  // A "?" or "#" right after the host (no path) followed by another "@": the "?" is part of the password.
  const ambiguousQuery = lastAt > preAt && (preAt < 0 || !beforeQuery.slice(preAt + 1).includes("/"));
  if (ambiguousQuery) return `${scheme}***${rest.slice(lastAt)}`;
  if (preAt >= 0) {
    const userinfo = beforeQuery.slice(0, preAt);
    const colon = userinfo.indexOf(":");
    if (/[/\\]/.test(colon < 0 ? userinfo : userinfo.slice(0, colon))) return `${scheme}***${rest.slice(preAt)}`;
    const shownUser = colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:***`;
    return scheme + shownUser + rest.slice(preAt);
  }
  const end = rest.search(/[/?#\\]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const port = /^([^:]*):(.*)$/.exec(authority);
  if (port && !/^\d*$/.test(port[2]) && !authority.startsWith("[")) {
    return `${scheme}${port[1]}:***${end < 0 ? "" : rest.slice(end)}`;
  }
  return url;
}

/** Values that must never appear in a report; SecretIds are replaced by their masked form. */
export interface SecretSet {
  secrets: Array<string | undefined | null>;
  secretIds: Array<string | undefined | null>;
}

/**
 * Deep copy of `value` (a report) with every secret replaced by "***" (also its escaped forms, {@link redactText})
 * and every SecretId masked, in keys and strings.
 */
export function scrub<T>(value: T, s: SecretSet): T {
  const ids = s.secretIds.filter((x): x is string => !!x && x.length >= 4).sort((a, b) => b.length - a.length);
  const clean = (t: string): string => {
    let out = redactText(t, s.secrets);
    for (const x of ids) if (out.includes(x)) out = out.split(x).join(maskSecretId(x));
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[clean(k)] = walk(x);
      return o;
    }
    return v;
  };
  return walk(value) as T;
}
