import { maskSecretId, redact, redactText, redactUrl } from "../../common/mask";

describe("secret masking", () => {
  test("SecretId shows first 4 and last 4 only", () => {
    expect(maskSecretId("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE")).toBe("AKID…MPLE");
    expect(maskSecretId("short")).toBe("*****");
    expect(maskSecretId("")).toBe("(empty)");
  });
  test("redact removes every occurrence of every secret", () => {
    expect(redact("key=abcdef and again abcdef; other=zzzz", ["abcdef", "zzzz", undefined])).toBe(
      "key=*** and again ***; other=***",
    );
  });
  test("redactUrl hides the password of a mysql URL", () => {
    expect(redactUrl("mysql://root:s3cr%40t@127.0.0.1:3306/live_demo")).toBe("mysql://root:***@127.0.0.1:3306/live_demo");
    expect(redactUrl("mysql://root@127.0.0.1:3306/live_demo")).toBe("mysql://root@127.0.0.1:3306/live_demo");
    expect(redactUrl("mysql://u:p@ss@w0rd@db.example.com:3306/live_demo")).toBe("mysql://u:***@db.example.com:3306/live_demo");
    expect(redactUrl("mysql://u:pw@h:3306/db?note=a@b")).toBe("mysql://u:***@h:3306/db?note=a@b");
  });
});

describe("redactText", () => {
  test("also removes the JSON-escaped and percent-encoded forms, longest secret first", () => {
    const pw = 'p"w/d@1';
    expect(redactText(`sent {"pw":"p\\"w/d@1"} to mysql://u:${encodeURIComponent(pw)}@h`, [pw])).toBe('sent {"pw":"***"} to mysql://u:***@h');
    expect(redactText("key=abcdef123", ["abcd", "abcdef123"])).toBe("key=***");
    expect(redactText("a 123 b", ["123", null, undefined, ""])).toBe("a 123 b");
  });
});

describe("redactUrl on ambiguous text", () => {
  test.each([
    ["a password holding /", "mysql://root:se/cret@127.0.0.1:3306/db", "mysql://root:***@127.0.0.1:3306/db"],
    ["a password holding ? and @", "mysql://u:a@b?cret@h/db", "mysql://***@h/db"],
    ["a password holding # ", "mysql://u:se#cret@h/db", "mysql://***@h/db"],
    ["one slash after the scheme", "mysql:/user:secret@h/db", "***@h/db"],
    ["no scheme", "user:secret@host", "***@host"],
    ["a password where the port goes", "mysql://u:secret/db", "mysql://u:***/db"],
    ["IPv6 and a port are kept", "mysql://[::1]:3306/db", "mysql://[::1]:3306/db"],
  ])("%s", (_what, url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
