/** The support bundle's redactor: known values, secret-looking patterns, and what it must leave alone. */
import { isSecretName, Redactor } from "../../handoff/redactor";

const r = new Redactor({ secrets: ["Known-Secret-1"], secretIds: ["AKIDknownSecretId000000000000000001"] });

it("replaces known values in their plain, JSON-escaped and percent-encoded forms", () => {
  const quote = new Redactor({ secrets: ['Pa"ss/word#1'], secretIds: [] });
  expect(quote.text('a Pa"ss/word#1 b {"x":"Pa\\"ss/word#1"} Pa%22ss%2Fword%231')).toBe('a *** b {"x":"***"} ***');
  expect(r.text("id AKIDknownSecretId000000000000000001 key Known-Secret-1")).toBe("id AKID…0001 key ***");
});

it.each([
  ["password=abc123 user=bob", "password=*** user=bob"],
  ['{"db_password":"xyz","summary":{"pass":12,"fail":0}}', '{"db_password":"***","summary":{"pass":12,"fail":0}}'],
  [' "SecretKey": "abc", secret_key: zzz', ' "SecretKey": "***", secret_key: ***'],
  ["Authorization: TC3-HMAC-SHA256 Credential=AKIDabc/2026, Signature=beef", "Authorization: ***"],
  ["define('COSKEY_BUCKET', 'bucket'); define('API_KEY', 'k1234');", "define('COSKEY_BUCKET', 'bucket'); define('API_KEY', '***');"],
  ["https://u:pw@host/x?sign=abc&t=1", "https://u:***@host/x?sign=***&t=1"],
  ["[DB]\nPASSWD=\nHOST=10.0.0.1", "[DB]\nPASSWD=\nHOST=10.0.0.1"],
  ["[REDIS]\nPASSWD=redis-pw", "[REDIS]\nPASSWD=***"],
  ["signer AKIDzzzzzzzzzzzzzzzz1234 done", "signer AKID…1234 done"],
  ['{"sign": 123456, "n": 1}', '{"sign": "***", "n": 1}'],
  ["define('COSKEY_SECRECTID', 'AKIDabcdefgh12345678');", "define('COSKEY_SECRECTID', 'AKID…5678');"],
  ['{"signer_secret_id":"AKIDabcdefgh12345678","secretId":"xyzw1234abcd"}', '{"signer_secret_id":"AKID…5678","secretId":"xyzw…abcd"}'],
  ["-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY----- *** -----END RSA PRIVATE KEY-----"],
])("%j", (input, expected) => {
  expect(r.text(input)).toBe(expected);
});

it("counts its replacements", () => {
  const c = { count: 0 };
  r.text("password=a1 Known-Secret-1 ok", c);
  expect(c.count).toBe(2);
  r.text("nothing here", c);
  expect(c.count).toBe(0);
});

it("secret names", () => {
  for (const n of ["API_KEY", "COSKEY_SECRECTKEY", "COSKEY_SECRECTID", "PASSWD", "db_password", "SecretKey", "x-api-key", "IM_SECRETKEY", "token"]) expect(isSecretName(n)).toBe(true);
  for (const n of ["COSKEY_BUCKET", "COSKEY_APPID", "pass", "keyword", "faqKeyword", "HOST", "user"]) expect(isSecretName(n)).toBe(false);
});
