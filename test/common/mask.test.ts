import { maskSecretId, redact, redactUrl } from "../../common/mask";

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
