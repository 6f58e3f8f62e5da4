/**
 * `mysql://USER[:PASSWORD]@HOST:PORT/DATABASE` parsing for the migrate command. Errors are InputErrors that show
 * the URL with its password masked.
 */
import { InputError } from "../common/errors";
import { redactUrl } from "../common/mask";

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

/** Parses a mysql:// URL; `label` names its source in messages (e.g. "--mysql-url"). */
export function parseMysqlUrl(url: string, label: string): MysqlUrl {
  const shown = redactUrl(url);
  const form = "expected mysql://USER[:PASSWORD]@HOST:PORT/DATABASE";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`${label}: "${shown}" is not a URL (${form})`);
  }
  if (u.protocol !== "mysql:") throw new InputError(`${label}: "${shown}" must start with mysql:// (${form})`);
  if (!u.hostname) throw new InputError(`${label}: "${shown}" has no host (${form})`);
  const user = decodeURIComponent(u.username);
  if (!user) throw new InputError(`${label}: "${shown}" has no user (${form})`);
  const port = u.port ? Number(u.port) : 3306;
  if (port < 1) throw new InputError(`${label}: "${shown}" has port 0; give a port from 1 to 65535 (${form})`);
  const path = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (path && !DATABASE_NAME_RE.test(path)) {
    throw new InputError(`${label}: database name "${path}" must be 1-64 letters, digits, _ or $ (${form})`);
  }
  // new URL keeps "[::1]" brackets in hostname; mysql2 wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const hasPassword = /^[a-z]+:\/\/[^/@]*:[^@]*@/i.test(url);
  return { user, password: hasPassword ? decodeURIComponent(u.password) : undefined, host, port, database: path || undefined };
}
