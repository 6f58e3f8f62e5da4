/**
 * `mysql://USER[:PASSWORD]@HOST:PORT/DATABASE` parsing for the migrate command. Errors are InputErrors that name the
 * flag and the problem but never quote the URL: a password holding a raw "/", "?", "#" or "@" moves the URL's
 * boundaries, so no part of a URL that failed to parse is known not to be password.
 */
import { InputError } from "../common/errors";
import { redact } from "../common/mask";

export interface MysqlUrl {
  user: string;
  /** undefined when the URL has no password part (the caller falls back to the environment, then ""). */
  password?: string;
  host: string;
  port: number;
  /** undefined when the path is empty. */
  database?: string;
}

/** Valid unquoted-safe database names: letters, digits, _ and $ (1–64 characters). */
export const DATABASE_NAME_RE = /^[A-Za-z0-9_$]{1,64}$/;

/**
 * Everything in a URL's text that may be a password, for {@link redact}: the text between the first ":" after the
 * user and the LAST "@" (a raw "@" may belong to the password), decoded and not, and its pieces between / ? # @ :.
 */
export function urlSecrets(url: string): string[] {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const at = rest.lastIndexOf("@");
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  if (colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  const out = new Set<string>([raw, ...raw.split(/[/?#@:]/)]);
  try {
    out.add(decodeURIComponent(raw));
  } catch {
    // not percent-encoded consistently: the raw text is what could show
  }
  return [...out].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** Parses a mysql:// URL; `label` names its source in messages (e.g. "--mysql-url"). */
export function parseMysqlUrl(url: string, label: string): MysqlUrl {
  const form = "expected mysql://USER[:PASSWORD]@HOST:PORT/DATABASE";
  const encode = "percent-encode / ? # @ : in the user and password (e.g. %2F, %40)";
  const problem = (what: string) => new InputError(redact(`${label}: ${what} (${form})`, urlSecrets(url)));
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw problem(`not a valid URL; ${encode}`);
  }
  if (u.protocol !== "mysql:") throw problem("must start with mysql://");
  // A raw "/", "?" or "#" in the password ends the host part early and pushes the real "@HOST" behind it.
  if (/@/.test(u.pathname + u.search + u.hash)) throw problem(`cannot tell the password from the host; ${encode}`);
  if (!u.hostname) throw problem("has no host");
  const dec = (text: string, field: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw problem(`the ${field} has a malformed percent escape (% must be followed by two hex digits)`);
    }
  };
  const user = dec(u.username, "user");
  if (!user) throw problem(`has no user; ${encode}`);
  const port = u.port ? Number(u.port) : 3306;
  if (port < 1) throw problem("has port 0; give a port from 1 to 65535");
  const path = dec(u.pathname.replace(/^\//, ""), "database name");
  if (path && !DATABASE_NAME_RE.test(path)) {
    throw problem(`database name "${path}" must be 1-64 letters, digits, _ or $`);
  }
  // new URL keeps "[::1]" brackets in hostname; mysql2 wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const hasPassword = /^[a-z]+:\/\/[^/@]*:[^@]*@/i.test(url);
  return { user, password: hasPassword ? dec(u.password, "password") : undefined, host, port, database: path || undefined };
}
