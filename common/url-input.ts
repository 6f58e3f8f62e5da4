/**
 * URL-shaped inputs — flags and environment variables such as `--mysql-url`, `--admin-url`, `LIVE_INFRA_MYSQL_URL`,
 * `--api-endpoint`, `--cos-endpoint` — parsed in one place, with errors that name the input and the field and never
 * quote a credential.
 *
 * Call sites (each should go through here instead of `new URL` + `decodeURIComponent`):
 *   database/url.ts `parseMysqlUrl` (--mysql-url, --admin-url, LIVE_INFRA_MYSQL_URL, LIVE_INFRA_ADMIN_URL),
 *   validators/clients/endpoints.ts `parseEndpoint` (--api-endpoint, --cos-endpoint, LIVE_INFRA_*_ENDPOINT),
 *   sandbox/seed/index.ts `parseMysqlUrl` (sandbox --mysql-url), sandbox/mariadb.ts `parseServerUrl`
 *   (LIVE_INFRA_TEST_MYSQL_URL).
 *
 * What a message may show: the input's name, the field at fault and the expected form; of the value at most
 * {@link UrlInput.redacted} — scheme, user name, host, port and a plain path, password replaced by "***", query and
 * fragment dropped — and only once the text has split cleanly into those parts. Text that does not split cleanly
 * (no "scheme://", an "@" after the host, a bad host or port) is never quoted at all: in such text any part may be
 * a password (`mysql://user:pa/ss@host` puts "pa" where the port goes).
 */
import * as net from "net";
import { InputError } from "./errors";

export interface UrlInputOptions {
  /** Names the input in messages: "--mysql-url", "LIVE_INFRA_MYSQL_URL". */
  label: string;
  /** Accepted schemes, with or without the trailing ":" ("mysql", "http:", "https:"). */
  protocols: readonly string[];
  /** `USER[:PASSWORD]@` allowed. Default false: any user info is refused (and not quoted). */
  allowCredentials?: boolean;
  /** A non-empty user name is required (only with allowCredentials). Default false. */
  requireUser?: boolean;
  /** "root": nothing after HOST[:PORT] but an optional "/"; "any": a path is allowed. Default "any". */
  path?: "root" | "any";
  /** What the path is, in messages ("database name"). Default "path". */
  pathName?: string;
  /** `?query` and `#fragment` allowed. Default false (they are refused, and never quoted). */
  allowQuery?: boolean;
  /** Also accept a bare `HOST:PORT` (port required), read as `<protocols[0]>//HOST:PORT`. Default false. */
  bareHostPort?: boolean;
  /** The expected form, quoted in every message. Default `<scheme>://HOST[:PORT]…` from the options. */
  form?: string;
}

/** A URL input split into decoded parts. */
export interface UrlInput {
  /** The parsed URL (a bare HOST:PORT gets its scheme). */
  url: URL;
  /** Scheme with its ":", lower case: "mysql:". */
  protocol: string;
  /** Decoded user name; "" when there is none. */
  user: string;
  /** Decoded password; undefined when the text has no ":PASSWORD" part (`user@host`), "" for `user:@host`. */
  password: string | undefined;
  /** Host name or address, IPv6 without brackets. */
  host: string;
  /** The port when the text gives one. */
  port: number | undefined;
  /** Decoded path without its leading "/" ("" when none). */
  path: string;
  /** The value safe to show in messages and logs: `mysql://user:***@host:3306/db`. */
  redacted: string;
}

const MAX_URL_LENGTH = 2048;
const SPECIAL_SCHEMES = new Set(["http:", "https:", "ws:", "wss:", "ftp:", "file:"]);
const HOST_NAME_RE = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
const PLAIN_PATH_RE = /^\/[A-Za-z0-9_$.-]{0,64}$/;

function normaliseProtocol(p: string): string {
  const lower = p.toLowerCase();
  return lower.endsWith(":") ? lower : `${lower}:`;
}

function defaultForm(opts: UrlInputOptions, protocols: string[]): string {
  const schemes = protocols.map((p) => p.slice(0, -1));
  const scheme = schemes.length === 2 && schemes[0] === "http" && schemes[1] === "https" ? "http(s)" : schemes.join("|");
  const creds = opts.allowCredentials ? (opts.requireUser ? "USER[:PASSWORD]@" : "[USER[:PASSWORD]@]") : "";
  const path = opts.path === "root" ? "[/]" : "[/PATH]";
  return `${scheme}://${creds}HOST[:PORT]${path}` + (opts.bareHostPort ? " or HOST:PORT" : "");
}

function decodes(s: string): boolean {
  try {
    decodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses a URL-shaped input, or throws an InputError `"<label>: <what is wrong> … expected <form>"` that never
 * contains a credential. Checks, in order: text shape (`scheme://`, no control characters, ≤ 2048 characters), no
 * "@" after the host (an unencoded / ? # in a password), user info allowed, percent escapes of user and password
 * decodable, host (name, IPv4 or [IPv6]), port (1–65535), scheme in `protocols`, path, query, user present.
 *
 * ```ts
 * // database/url.ts
 * const u = parseUrlInputParts(raw, {
 *   label, protocols: ["mysql"], allowCredentials: true, requireUser: true,
 *   pathName: "database name", form: "mysql://USER[:PASSWORD]@HOST:PORT/DATABASE",
 * });
 * if (u.path && !DATABASE_NAME_RE.test(u.path)) throw new InputError(`${label}: the database name in "${u.redacted}" must be …`);
 * return { user: u.user, password: u.password, host: u.host, port: u.port ?? 3306, database: u.path || undefined };
 *
 * // validators/clients/endpoints.ts
 * return parseEndpointInput(value, source);   // a URL: http(s), no credentials, no path, query or fragment
 * ```
 * Errors of the wider program that quote such a URL later (a log line) should show `redacted`, never the raw text.
 */
export function parseUrlInputParts(raw: string, opts: UrlInputOptions): UrlInput {
  const label = opts.label;
  const protocols = opts.protocols.map(normaliseProtocol);
  const form = opts.form ?? defaultForm(opts, protocols);
  const fail = (what: string, shown?: string): never => {
    throw new InputError(`${label}: ${what}${shown ? ` (in "${shown}")` : ""}; expected ${form}`);
  };
  if (typeof raw !== "string") fail("must be a text value");
  let text = raw.trim();
  if (!text) fail("is empty");
  if (text.length > MAX_URL_LENGTH) fail(`is longer than ${MAX_URL_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) fail("contains a control character (a line break or a tab?)");

  if (opts.bareHostPort && !text.includes("://")) {
    if (text.includes("@")) fail("must not contain a user name or password");
    if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}\/?$/.test(text)) {
      fail(`must start with ${protocols.map((p) => `${p}//`).join(" or ")}, or be HOST:PORT`);
    }
    text = `${protocols[0]}//${text}`;
  }

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/)?/.exec(text);
  if (!scheme || !scheme[2]) {
    const named = scheme && protocols.includes(normaliseProtocol(scheme[1]));
    fail(named ? `must start with ${normaliseProtocol(scheme![1])}// (two slashes)` : `must start with ${protocols.map((p) => `${p}//`).join(" or ")}`);
  }
  const protocol = normaliseProtocol(scheme![1]);
  const rest = text.slice(scheme![0].length);
  const end = rest.search(SPECIAL_SCHEMES.has(protocol) ? /[/?#\\]/ : /[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? "" : rest.slice(end);
  if (tail.includes("@")) {
    fail(
      opts.allowCredentials
        ? 'has an "@" after the host: percent-encode / ? # and @ inside the user name or password (%2F %3F %23 %40)'
        : 'has an "@" after the host, which is not allowed',
    );
  }

  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostport = at < 0 ? authority : authority.slice(at + 1);
  if (userinfo !== undefined && !opts.allowCredentials) fail("must not contain a user name or password");
  const colon = userinfo === undefined ? -1 : userinfo.indexOf(":");
  const userRaw = userinfo === undefined ? "" : colon < 0 ? userinfo : userinfo.slice(0, colon);
  const passwordRaw = userinfo === undefined || colon < 0 ? undefined : userinfo.slice(colon + 1);
  if (!decodes(userRaw)) fail('the user name has a "%" that is not a valid percent escape (write % as %25)');
  if (passwordRaw !== undefined && !decodes(passwordRaw)) {
    fail('the password has a "%" that is not a valid percent escape (write % as %25)');
  }

  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport)!;
  const hostText = hp[1];
  const portText = hp[2];
  if (!hostText) {
    fail(userinfo === undefined && hostport.includes(":") ? "has no host (or a password without a user name and @)" : "has no host");
  }
  const bracketed = hostText.startsWith("[");
  if (bracketed ? !net.isIPv6(hostText.slice(1, -1)) : !HOST_NAME_RE.test(hostText)) {
    fail("the host is not a host name, an IPv4 address or an [IPv6] address");
  }
  let port: number | undefined;
  if (portText !== undefined && portText !== "") {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      fail("the port must be a number from 1 to 65535");
    }
    port = Number(portText);
  }

  const q = tail.search(/[?#]/);
  const pathRaw = q < 0 ? tail : tail.slice(0, q);
  const hasQuery = q >= 0;
  const shownUser = /^[\w.~%+-]{0,64}$/.test(userRaw) ? userRaw : "…";
  const redacted =
    `${protocol}//` +
    (userinfo === undefined ? "" : `${shownUser}${passwordRaw !== undefined ? ":***" : ""}@`) +
    hostport +
    (pathRaw === "" || PLAIN_PATH_RE.test(pathRaw) ? pathRaw : "/…");

  if (!protocols.includes(protocol)) {
    fail(`must use ${protocols.map((p) => `${p}//`).join(" or ")}, not ${protocol.length <= 12 ? `${protocol}//` : "this scheme"}`, redacted);
  }
  const onlyHost = "must name only the host and port, without a path, ?query or #fragment";
  if (opts.path === "root" && pathRaw !== "" && pathRaw !== "/") fail(onlyHost, redacted);
  if (!decodes(pathRaw)) fail(`the ${opts.pathName ?? "path"} has a "%" that is not a valid percent escape (write % as %25)`, redacted);
  if (hasQuery && !opts.allowQuery) {
    fail(opts.path === "root" ? onlyHost : "must not have a ?query or #fragment", redacted);
  }
  if (opts.requireUser && !userRaw) fail("has no user name", redacted);

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Split cleanly but still refused (e.g. a host name ending in a number that is no IPv4 address): quote nothing.
    return fail("is not a valid URL");
  }
  return {
    url,
    protocol,
    user: decodeURIComponent(userRaw),
    password: passwordRaw === undefined ? undefined : decodeURIComponent(passwordRaw),
    host: bracketed ? hostText.slice(1, -1) : url.hostname || hostText,
    port,
    path: decodeURIComponent(pathRaw.replace(/^\//, "")),
    redacted,
  };
}

/** {@link parseUrlInputParts}, returning the URL only. */
export function parseUrlInput(raw: string, opts: UrlInputOptions): URL {
  return parseUrlInputParts(raw, opts).url;
}

/**
 * An endpoint override (`--api-endpoint`, `--cos-endpoint`, LIVE_INFRA_API_ENDPOINT, LIVE_INFRA_COS_ENDPOINT):
 * `http(s)://HOST[:PORT][/]` or a bare `HOST:PORT` (read as http). No user name or password (a key never belongs
 * in an endpoint), no path, query or fragment (the SDKs build their own paths; a path would be silently dropped).
 * A bare word such as `not-a-url` is refused: without a scheme the port is required.
 */
export function parseEndpointInput(raw: string, label: string): URL {
  return parseUrlInput(raw, {
    label,
    protocols: ["http", "https"],
    path: "root",
    bareHostPort: true,
    form: "http://HOST[:PORT], https://HOST[:PORT] or HOST:PORT (e.g. http://127.0.0.1:8080)",
  });
}
