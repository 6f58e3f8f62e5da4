/**
 * Secret masking shared by every renderer and log line. SecretIds are shown as first 4 + last 4 characters;
 * anything else secret is never shown at all.
 */
export function maskSecretId(id: string | undefined | null): string {
  if (!id) return "(empty)";
  if (id.length <= 8) return "*".repeat(id.length);
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/**
 * Replaces every occurrence of the given secret values in a text with "***". Used as a last line of defence on
 * messages that quote remote errors (a server may echo what it was sent).
 */
export function redact(text: string, secrets: Iterable<string | undefined | null>): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    out = out.split(s).join("***");
  }
  return out;
}

/** Replaces the password of a mysql://user:password@host URL with "***". */
export function redactUrl(url: string): string {
  // The password runs to the LAST "@" before the path: a raw "@" inside it must not leave its tail visible.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^/]*@/i, "$1:***@");
}
