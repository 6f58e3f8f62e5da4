// The TC3 verifier against the official vectors of the "Signature v3" documentation (reference §1.3), and the
// verifier end to end: a hand-signed request passes, the same request with one character changed does not.
import * as http from "http";
import { canonicalRequest, parseAuthorization, sha256Hex, signTc3, stringToSign, tc3Date, tc3Signature } from "../../sandbox/tc3";
import { OWNER, startTestSandbox, TestSandbox } from "../helpers/sandbox";

const BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const TS = 1551113065;
const KEY_EXAMPLE = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const KEY_MASKED = "Gu5t9xGARNpq86cd98joQYCN3*******";

function canonical(withAction: boolean): string {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", host: "cvm.tencentcloudapi.com" };
  if (withAction) headers["x-tc-action"] = "DescribeInstances";
  return canonicalRequest({ method: "POST", query: "", headers, signedHeaders: Object.keys(headers), body: BODY });
}

const sign = (key: string, canon: string) => tc3Signature(key, tc3Date(TS), "cvm", stringToSign(TS, tc3Date(TS), "cvm", canon));

describe("TC3 official vectors", () => {
  test("body hash, canonical request hash and date", () => {
    expect(sha256Hex(BODY)).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    expect(tc3Date(TS)).toBe("2019-02-25");
    expect(sha256Hex(canonical(false))).toBe("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    expect(sha256Hex(canonical(true))).toBe("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  });

  test("vector A (EXAMPLE keys)", () => {
    expect(sign(KEY_EXAMPLE, canonical(false))).toBe("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  });

  test("vector B (masked keys used literally)", () => {
    expect(sign(KEY_MASKED, canonical(false))).toBe("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
  });

  test("vector C (x-tc-action signed)", () => {
    expect(sign(KEY_MASKED, canonical(true))).toBe("be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3");
  });

  test("one changed character in the key, body or timestamp changes the signature", () => {
    const good = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
    expect(sign(KEY_EXAMPLE.replace(/E$/, "F"), canonical(false))).not.toBe(good);
    const tampered = canonicalRequest({
      method: "POST", query: "", headers: { "content-type": "application/json; charset=utf-8", host: "cvm.tencentcloudapi.com" },
      signedHeaders: ["content-type", "host"], body: BODY.replace('"Limit": 1', '"Limit": 2'),
    });
    expect(sign(KEY_EXAMPLE, tampered)).not.toBe(good);
    expect(tc3Signature(KEY_EXAMPLE, tc3Date(TS), "cvm", stringToSign(TS + 1, tc3Date(TS), "cvm", canonical(false)))).not.toBe(good);
  });

  test("the full Authorization header of vector A", () => {
    const auth = signTc3({
      secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey: KEY_EXAMPLE, service: "cvm", timestamp: TS,
      headers: { "Content-Type": "application/json; charset=utf-8", Host: "cvm.tencentcloudapi.com" }, body: BODY,
    });
    expect(auth).toBe(
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
        "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
    );
    const parsed = parseAuthorization(auth);
    expect(parsed).toMatchObject({ secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", date: "2019-02-25", service: "cvm", signedHeaders: ["content-type", "host"] });
  });

  test("malformed Authorization headers are reported, not thrown", () => {
    expect(typeof parseAuthorization(undefined)).toBe("string");
    expect(typeof parseAuthorization("HMAC-SHA1 Credential=x")).toBe("string");
    expect(typeof parseAuthorization("TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm, SignedHeaders=host, Signature=" + "a".repeat(64))).toBe("string");
    expect(typeof parseAuthorization("TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=xyz")).toBe("string");
  });
});

// Hand-signed raw requests: the SDK never sends a malformed or tampered request, so these go over plain HTTP.
describe("verifier on the wire", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  function raw(body: string, mutate?: (h: Record<string, string>) => void, signBody = body, scope = "live"): Promise<Record<string, any>> {
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "Content-Type": "application/json", Host: "live.tencentcloudapi.com" };
    const auth = signTc3({ secretId: OWNER.secretId, secretKey: OWNER.secretKey, service: scope, timestamp: ts, headers, body: signBody });
    const all: Record<string, string> = {
      ...headers, Host: `live.tencentcloudapi.com:${t.sb.port}`, Authorization: auth, "X-TC-Action": "DescribeLiveDomains",
      "X-TC-Version": "2018-08-01", "X-TC-Timestamp": String(ts),
    };
    mutate?.(all);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: t.sb.port, method: "POST", path: "/", headers: all, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, ...JSON.parse(Buffer.concat(chunks).toString()).Response }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  test("a correctly signed request passes (port stripped from Host before verifying)", async () => {
    const r = await raw("{}");
    expect(r.status).toBe(200);
    expect(r.Error).toBeUndefined();
    expect(r.AllCount).toBe(0);
    expect(typeof r.RequestId).toBe("string");
  });

  test("one changed body character → AuthFailure.SignatureFailure", async () => {
    const r = await raw('{"PageNum":2}', undefined, '{"PageNum":1}');
    expect(r.Error.Code).toBe("AuthFailure.SignatureFailure");
  });

  test("one changed signature character → AuthFailure.SignatureFailure", async () => {
    const r = await raw("{}", (h) => {
      const last = h.Authorization.slice(-1);
      h.Authorization = h.Authorization.slice(0, -1) + (last === "0" ? "1" : "0");
    });
    expect(r.Error.Code).toBe("AuthFailure.SignatureFailure");
  });

  test("malformed or missing Authorization → AuthFailure.InvalidAuthorization", async () => {
    expect((await raw("{}", (h) => (h.Authorization = "Basic abc"))).Error.Code).toBe("AuthFailure.InvalidAuthorization");
    expect((await raw("{}", (h) => delete h.Authorization))).toMatchObject({ status: 200, Error: { Code: "AuthFailure.InvalidAuthorization" } });
  });

  test("missing X-TC-Action → MissingParameter; missing timestamp → MissingParameter", async () => {
    expect((await raw("{}", (h) => delete h["X-TC-Action"])).Error.Code).toBe("MissingParameter");
    expect((await raw("{}", (h) => delete h["X-TC-Timestamp"])).Error.Code).toBe("MissingParameter");
  });

  test("a client may sign more headers than content-type and host (x-tc-action, as in vector C)", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signed = { "Content-Type": "application/json", Host: "live.tencentcloudapi.com", "X-TC-Action": "DescribeLiveDomains" };
    const auth = signTc3({ secretId: OWNER.secretId, secretKey: OWNER.secretKey, service: "live", timestamp: ts, headers: signed, body: "{}" });
    const r = await raw("{}", (h) => {
      h.Authorization = auth;
      h["X-TC-Timestamp"] = String(ts);
    });
    expect(r.Error).toBeUndefined();
    expect(auth).toContain("SignedHeaders=content-type;host;x-tc-action");
  });

  test("a credential scope naming another service → AuthFailure.SignatureFailure", async () => {
    const r = await raw("{}", undefined, "{}", "cdb");
    expect(r.Error.Code).toBe("AuthFailure.SignatureFailure");
    expect(r.Error.Message).toContain("cdb");
  });

  test("a timestamp that does not match the signed one → AuthFailure.SignatureFailure", async () => {
    const r = await raw("{}", (h) => (h["X-TC-Timestamp"] = String(Number(h["X-TC-Timestamp"]) - 1)));
    expect(r.Error.Code).toBe("AuthFailure.SignatureFailure");
  });
});
