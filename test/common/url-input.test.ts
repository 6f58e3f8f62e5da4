import { InputError } from "../../common/errors";
import { parseEndpointInput, parseUrlInput, parseUrlInputParts, UrlInputOptions } from "../../common/url-input";

const MYSQL: UrlInputOptions = {
  label: "--mysql-url",
  protocols: ["mysql"],
  allowCredentials: true,
  requireUser: true,
  pathName: "database name",
  form: "mysql://USER[:PASSWORD]@HOST:PORT/DATABASE",
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("parseUrlInputParts: mysql URLs", () => {
  test("reads user, password (decoded; absent vs empty), host, port and path", () => {
    expect(parseUrlInputParts("mysql://u:p%40ss@db.example:3307/live_demo", MYSQL)).toMatchObject({
      protocol: "mysql:",
      user: "u",
      password: "p@ss",
      host: "db.example",
      port: 3307,
      path: "live_demo",
      redacted: "mysql://u:***@db.example:3307/live_demo",
    });
    expect(parseUrlInputParts("mysql://root@127.0.0.1/", MYSQL)).toMatchObject({ password: undefined, port: undefined, path: "" });
    expect(parseUrlInputParts("mysql://root:@h:1/d", MYSQL).password).toBe("");
    expect(parseUrlInputParts("mysql://root@[::1]:3306/", MYSQL).host).toBe("::1");
    // A raw "@" in the password: the last "@" before the host ends the user info.
    expect(parseUrlInputParts("mysql://u:p@ss@w0rd@db:3306/x", MYSQL).password).toBe("p@ss@w0rd");
    expect(parseUrlInput("  mysql://u@h/d  ", MYSQL)).toBeInstanceOf(URL);
  });

  test.each([
    ["a password holding /", "mysql://u:Se/cretPw99@h:3306/db", /--mysql-url: has an "@" after the host: percent-encode/],
    ["a password holding ?", "mysql://u:12?SecretPw99@h/db", /--mysql-url: has an "@" after the host/],
    ["a password holding #", "mysql://u:Secret#Pw99@h/db", /--mysql-url: has an "@" after the host/],
    ["one slash after the scheme", "mysql:/user:SecretPw99@h/db", /--mysql-url: must start with mysql:\/\/ \(two slashes\)/],
    ["no scheme", "user:SecretPw99@host", /--mysql-url: must start with mysql:\/\//],
    ["a malformed percent escape", "mysql://u:Secret%zzPw99@h/db", /--mysql-url: the password has a "%" that is not a valid percent escape/],
    ["an escape that is not UTF-8", "mysql://u:Secret%C0Pw99@h/db", /--mysql-url: the password has a "%"/],
    ["port 0", "mysql://u:SecretPw99@h:0/db", /--mysql-url: the port must be a number from 1 to 65535/],
    ["port 65536", "mysql://u:SecretPw99@h:65536/db", /the port must be/],
    ["a password where the port goes", "mysql://u:SecretPw99/db", /--mysql-url: has no user name|the port must be/],
    ["no host", "mysql://u:SecretPw99@/db", /--mysql-url: has no host/],
    ["a bad host", "mysql://u:SecretPw99@h%20x/db", /--mysql-url: the host is not/],
    ["no user", "mysql://:SecretPw99@h/db", /--mysql-url: has no user name \(in "mysql:\/\/:\*\*\*@h\/db"\)/],
    ["another scheme", "http://u:SecretPw99@h/db", /--mysql-url: must use mysql:\/\/, not http:\/\/ \(in "http:\/\/u:\*\*\*@h\/db"\)/],
    ["a query", "mysql://u@h/db?password=SecretPw99", /--mysql-url: must not have a \?query or #fragment \(in "mysql:\/\/u@h\/db"\)/],
    ["a line break", "mysql://u:Secret\nPw99@h/db", /--mysql-url: contains a control character/],
    ["nothing", "   ", /--mysql-url: is empty/],
  ])("%s → InputError naming the flag and the field, no password", (_what, raw, re) => {
    const m = message(() => parseUrlInputParts(raw, MYSQL));
    expect(m).toMatch(re);
    expect(m).toContain("expected mysql://USER[:PASSWORD]@HOST:PORT/DATABASE");
    for (const piece of ["Secret", "cretPw", "Pw99"]) expect(m).not.toContain(piece);
  });

  test("the label names whatever the value came from", () => {
    expect(message(() => parseUrlInputParts("x", { ...MYSQL, label: "LIVE_INFRA_MYSQL_URL" }))).toMatch(/^LIVE_INFRA_MYSQL_URL: /);
  });

  test("credentials are refused unless allowed, and never quoted", () => {
    const m = message(() => parseUrlInputParts("mysql://u:SecretPw99@h/db", { label: "--x", protocols: ["mysql"] }));
    expect(m).toMatch(/^--x: must not contain a user name or password/);
    expect(m).not.toContain("Secret");
  });
});

describe("parseEndpointInput", () => {
  test("http(s)://HOST[:PORT][/] or a bare HOST:PORT (read as http)", () => {
    expect(parseEndpointInput("http://127.0.0.1:8080", "--api-endpoint").href).toBe("http://127.0.0.1:8080/");
    expect(parseEndpointInput("https://api.example.com/", "--api-endpoint").href).toBe("https://api.example.com/");
    expect(parseEndpointInput("127.0.0.1:4444", "--api-endpoint").href).toBe("http://127.0.0.1:4444/");
    expect(parseEndpointInput("[::1]:9000", "--cos-endpoint").port).toBe("9000");
  });

  test.each([
    ["a bare word", "not-a-url", /^--api-endpoint: must start with http:\/\/ or https:\/\/, or be HOST:PORT/],
    ["a bare host without port", "localhost", /must start with http:\/\/ or https:\/\/, or be HOST:PORT/],
    ["credentials", "http://AKIDuser:SecretKey99@127.0.0.1:1", /^--api-endpoint: must not contain a user name or password/],
    ["credentials without a scheme", "AKIDuser:SecretKey99@127.0.0.1:1", /^--api-endpoint: must not contain a user name or password/],
    ["a path", "http://127.0.0.1:1/some/path", /^--api-endpoint: .*without a path/],
    ["a token in the query", "http://127.0.0.1:1/?token=SecretKey99", /^--api-endpoint: .*without a path, \?query or #fragment/],
    ["another scheme", "ftp://x", /^--api-endpoint: must use http:\/\/ or https:\/\//],
    ["a space in the host", "http://a b", /^--api-endpoint: the host is not/],
  ])("%s → InputError naming the flag, nothing secret", (_what, raw, re) => {
    const m = message(() => parseEndpointInput(raw, "--api-endpoint"));
    expect(m).toMatch(re);
    expect(m).not.toContain("Secret");
    expect(m).not.toContain("AKIDuser");
    expect(m).not.toContain("some/path");
  });
});
