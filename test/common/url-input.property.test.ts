/**
 * Properties of URL-shaped inputs (--mysql-url, --admin-url, LIVE_INFRA_MYSQL_URL, --api-endpoint, …): any text —
 * passwords holding / ? # @ : % unencoded, one slash after the scheme, no scheme at all, bad escapes, hosts and
 * ports — gives a URL or an InputError naming the input, and neither the message nor the redacted form ever shows
 * the password; a well-formed URL reads back exactly.
 */
import fc from "fast-check";
import { InputError } from "../../common/errors";
import { redactUrl } from "../../common/mask";
import { parseEndpointInput, parseUrlInputParts, UrlInputOptions } from "../../common/url-input";
import { expectUnpolluted, FC_OPTIONS, leaks, prototypeState, secretArb, valueOrInputError } from "./property-helpers";

const base = prototypeState();
afterAll(() => expectUnpolluted(base));

const MYSQL: UrlInputOptions = {
  label: "--mysql-url",
  protocols: ["mysql"],
  allowCredentials: true,
  requireUser: true,
  pathName: "database name",
  form: "mysql://USER[:PASSWORD]@HOST:PORT/DATABASE",
};

/** A password: the secret with URL delimiters put in raw, percent-encoded, or with a broken escape. */
const passwordArb = fc
  .tuple(secretArb, fc.array(fc.tuple(fc.nat(), fc.constantFrom("/", "?", "#", "@", ":", "%", "[", "]", " ", "%zz", "%4", "\\")), { maxLength: 2 }), fc.constantFrom("raw", "encoded"))
  .map(([secret, inserts, how]) => {
    let pw = secret;
    for (const [at, piece] of inserts) {
      const i = 6 + (at % Math.max(1, pw.length - 11)); // keep 6-character runs of the secret on both sides
      pw = pw.slice(0, i) + piece + pw.slice(i);
    }
    return { secret, pw, text: how === "encoded" ? encodeURIComponent(pw) : pw };
  });

const rawUrlArb = fc
  .record({
    scheme: fc.constantFrom("mysql://", "MySQL://", "mysql:/", "mysql:", "http://", "https://", "ftp://", "", "//"),
    // The user name is shown in the redacted form (as in mysql://user:***@host), so the secret goes after a ":".
    creds: fc.constantFrom("user:PW@", "user:PW@", ":PW@", "user@", "", "user:PW", "us:er:PW@"),
    host: fc.constantFrom("127.0.0.1", "db.example.com", "[::1]", "h", "", "bad host", "h%20x", "[zz]"),
    port: fc.constantFrom("", ":3306", ":0", ":70000", ":x", ":"),
    path: fc.constantFrom("", "/", "/live_demo", "/bad-name", "/a@b", "/%zz", "/x/y"),
    query: fc.constantFrom("", "", "?x=1", "?password=PW", "#PW"),
    password: passwordArb,
    pad: fc.constantFrom("", " ", "\t"),
  })
  .map((r) => ({
    secret: r.password.secret,
    raw: r.pad + (r.scheme + r.creds + r.host + r.port + r.path + r.query).split("PW").join(r.password.text) + r.pad,
  }));

describe("URL inputs (property)", () => {
  test("mysql URLs: a URL or an InputError naming the flag; the password never shows, not even in the redacted form", () => {
    fc.assert(
      fc.property(rawUrlArb, ({ secret, raw }) => {
        const r = valueOrInputError(() => parseUrlInputParts(raw, MYSQL), [secret]);
        if (r.error) expect(r.error.message).toMatch(/^--mysql-url: /);
        else expect(leaks(r.value!.redacted, secret)).toBe(false);
        expectUnpolluted(base);
      }),
      { ...FC_OPTIONS, numRuns: 300 },
    );
  });

  test("endpoints: a URL (http or https, no credentials, no path) or an InputError naming the flag, no password shown", () => {
    fc.assert(
      fc.property(rawUrlArb, fc.constantFrom("--api-endpoint", "LIVE_INFRA_COS_ENDPOINT"), ({ secret, raw }, label) => {
        const r = valueOrInputError(() => parseEndpointInput(raw, label), [secret]);
        if (r.error) expect(r.error.message.startsWith(`${label}: `)).toBe(true);
        else {
          const u = r.value!;
          expect(["http:", "https:"]).toContain(u.protocol);
          expect(u.username + u.password + u.search + u.hash).toBe("");
          expect(u.pathname).toBe("/");
        }
      }),
      { ...FC_OPTIONS, numRuns: 300 },
    );
  });

  test("redactUrl never shows the password of a mysql://USER:PASSWORD@HOST… text, however the password is written", () => {
    fc.assert(
      fc.property(
        passwordArb,
        fc.constantFrom("", ":3306"),
        fc.constantFrom("", "/live_demo", "/live_demo?note=a@b"),
        (pw, port, rest) => {
          expect(leaks(redactUrl(`mysql://user:${pw.text}@db.example.com${port}${rest}`), pw.secret)).toBe(false);
        },
      ),
      { ...FC_OPTIONS, numRuns: 300 },
    );
  });

  test("a well-formed URL reads back exactly (password decoded, default port absent, IPv6 unbracketed)", () => {
    fc.assert(
      fc.property(
        passwordArb,
        fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
        fc.constantFrom("127.0.0.1", "db.example.com", "[::1]", "db-1.internal"),
        fc.option(fc.integer({ min: 1, max: 65535 })),
        fc.constantFrom("", "live_demo", "db$1"),
        (pw, user, host, port, db) => {
          const raw = `mysql://${user}:${encodeURIComponent(pw.pw)}@${host}${port === null ? "" : `:${port}`}/${db}`;
          const u = parseUrlInputParts(raw, MYSQL);
          expect({ user: u.user, password: u.password, host: u.host, port: u.port, path: u.path }).toEqual({
            user,
            password: pw.pw,
            host: host.replace(/^\[(.*)\]$/, "$1"),
            port: port ?? undefined,
            path: db,
          });
          expect(leaks(u.redacted, pw.secret)).toBe(false);
        },
      ),
      FC_OPTIONS,
    );
  });

  test("non-string input is an InputError too", () => {
    expect(() => parseUrlInputParts(undefined as unknown as string, MYSQL)).toThrow(InputError);
  });
});
