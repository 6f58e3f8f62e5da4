import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  backendConfigFromOutputs,
  loadBackendConfig,
  loadBackendDir,
  parseBackendConfigJson,
  parseIni,
  parseOutDefine,
  parsePhpDefines,
  parseRouteIni,
  renderBackendFiles,
  renderOutDefine,
  renderRouteIni,
  splitBucketName,
  toBackendConfigJson,
  writeBackendDir,
} from "../../common/backend-config";
import { InputError } from "../../common/errors";
import type { StackOutputs } from "../../common/outputs";
import { sampleOutputs } from "../helpers/fixtures";

const outputs = sampleOutputs({
  appid: "1250000000",
  bucket: "live-demo-dev-upload-1250000000",
  db_host: "10.0.0.5",
  db_port: 3306,
  db_name: "live_demo",
  db_user: "live_user",
  db_password: "pw'with\"quotes;and#hash",
  callback_key: "CanaryCallbackKey0123456789abcdef",
  signer_secret_id: "AKIDcanarySecretId0000000000000001",
  signer_secret_key: "CanarySecretKey\\with'quote",
});

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("OutDefine.php parser", () => {
  it("reads the backend's template layout: quotes, spaces, comments, numbers", () => {
    const text = [
      "<?php",
      "// see https://www.qcloud.com/document/product/454/7953",
      "define('API_KEY', 'k1'); //api key",
      "",
      "/* COS",
      "   block comment with define('API_KEY', 'nope'); inside */",
      'define ( "COSKEY_BUCKET" , "bucket-a" ) ; # hash comment',
      "define('COSKEY_BUCKET_REGION','ap-shanghai');",
      "define('COSKEY_SECRECTKEY', 'it\\'s \\\\ key');",
      "define('COSKEY_APPID', 1250000000); // number",
      'define("COSKEY_SECRECTID", "AKID\\"x\\"");',
      "define('COSKEY_EXPIRED_TIME', 30);",
      "define('IM_SDKAPPID', 0);",
      "?>",
    ].join("\n");
    const { values, lines } = parseOutDefine(text, "OutDefine.php");
    expect(values).toEqual({
      API_KEY: "k1",
      COSKEY_BUCKET: "bucket-a",
      COSKEY_BUCKET_REGION: "ap-shanghai",
      COSKEY_SECRECTKEY: "it's \\ key",
      COSKEY_APPID: "1250000000",
      COSKEY_SECRECTID: 'AKID"x"',
    });
    expect(lines.API_KEY).toBe(3);
    expect(lines.COSKEY_BUCKET).toBe(7);
  });

  it("keeps the first of two defines (as PHP does) and skips other statements", () => {
    const defs = parsePhpDefines("<?php\n$x = 'a;b';\ndefine('A', 'one');\ndefine('A', 'two');\n", "f.php");
    expect(defs.map((d) => [d.name, d.value, d.line])).toEqual([
      ["A", "one", 3],
      ["A", "two", 4],
    ]);
  });

  it.each([
    ["unterminated string", "<?php\ndefine('API_KEY', 'abc);\n", 2],
    ["missing comma", "<?php\n\ndefine('API_KEY' 'abc');\n", 3],
    ["missing semicolon", "<?php\ndefine('API_KEY', 'a')\ndefine('COSKEY_BUCKET', 'b');\n", 3],
    ["bare word value", "<?php\ndefine('API_KEY', abc);\n", 2],
    ["unterminated comment", "<?php\n/* oops\ndefine('API_KEY', 'a');\n", 2],
  ])("malformed (%s) → InputError with file:line", (_name, text, line) => {
    const e = thrown(() => parseOutDefine(text, "conf/OutDefine.php"));
    expect(e.message).toMatch(new RegExp(`^conf/OutDefine\\.php:${line}: `));
  });

  it("names missing keys and the SECRET/SECRECT misspelling", () => {
    const text = "<?php\ndefine('API_KEY','a');\ndefine('COSKEY_BUCKET','b');\ndefine('COSKEY_BUCKET_REGION','c');\n" +
      "define('COSKEY_APPID', 1);\ndefine('COSKEY_SECRETID','AKIDxxxxxxxxxxxx');\ndefine('COSKEY_SECRECTKEY','k');\n";
    const e = thrown(() => parseOutDefine(text, "OutDefine.php"));
    expect(e.message).toContain("COSKEY_SECRECTID");
    expect(e.message).toContain("line 6 defines COSKEY_SECRETID");
    expect(e.message).not.toContain("AKIDxxxxxxxxxxxx");
  });

  it("rejects a non-numeric APPID without echoing secrets", () => {
    const text = renderOutDefine({
      API_KEY: "a", COSKEY_BUCKET: "b", COSKEY_BUCKET_REGION: "r", COSKEY_APPID: "1", COSKEY_SECRECTID: "i", COSKEY_SECRECTKEY: "k",
    }).replace("define('COSKEY_APPID', 1);", "define('COSKEY_APPID', 'abc');");
    expect(thrown(() => parseOutDefine(text, "o.php")).message).toMatch(/^o\.php:9: COSKEY_APPID/);
  });
});

describe("parse errors never quote file text (a value may be a secret)", () => {
  const SECRET = "SUPERSECRETvalue123";
  it.each([
    ["OutDefine.php", "missing comma", `<?php\ndefine('COSKEY_SECRECTKEY' '${SECRET}');\n`, 2],
    ["OutDefine.php", "concatenated value", `<?php\ndefine('API_KEY', 'a' . '${SECRET}');\n`, 2],
    ["OutDefine.php", "statement without ;", `<?php\n$x = ${SECRET}\n`, 2],
    ["cdn.route.ini", "line without =", `[DB]\nHOST=h\nPASSWD ${SECRET}\n`, 3],
    ["cdn.route.ini", "bad key", `[DB]\nPASS WD ${SECRET}=1\n`, 2],
  ])("%s: %s", (file, _what, text, line) => {
    const parse = file === "OutDefine.php" ? () => parseOutDefine(text, file) : () => parseRouteIni(text, file);
    const e = thrown(parse);
    expect(e.message).toMatch(new RegExp(`^${file.replace(".", "\\.")}:${line}: `));
    expect(e.message).not.toContain("SUPERSE");
  });

  it("--backend-config JSON with an unquoted value", () => {
    const e = thrown(() => parseBackendConfigJson(`{\n  "API_KEY": ${SECRET}\n}\n`, "b.json"));
    expect(e.message).toMatch(/^b\.json:\d+: not valid JSON/);
    // Node cuts its quote short: no prefix of the value may show either.
    expect(e.message).not.toContain("SUPERSE");
  });
});

describe("cdn.route.ini parser", () => {
  it("reads sections, quotes and comments", () => {
    const text = "; route\n[DB]\nHOST = 10.0.0.1\nDBNAME=\"live_demo\" ; comment\nUSER='live_user'\n# hash comment\n" +
      'PASSWD="p;a\\"ss"\nPORT=3307\n[REDIS]\nHOST=127.0.0.1\n';
    const { values, lines } = parseRouteIni(text, "cdn.route.ini");
    expect(values).toEqual({ HOST: "10.0.0.1", DBNAME: "live_demo", USER: "live_user", PASSWD: 'p;a"ss', PORT: 3307 });
    expect(lines.PORT).toBe(8);
    expect(parseIni(text, "x").REDIS.HOST.value).toBe("127.0.0.1");
  });

  it.each([
    ["line without =", "[DB]\nHOST=1\nthis is not ini\n", 3],
    ["unclosed quote", "[DB]\nHOST=\"1\nPORT=3306\n", 2],
    ["bad port", "[DB]\nHOST=h\nDBNAME=d\nUSER=u\nPASSWD=p\nPORT=33o6\n", 6],
    ["empty section", "[]\n", 1],
  ])("malformed (%s) → InputError with file:line", (_n, text, line) => {
    expect(thrown(() => parseRouteIni(text, "conf/cdn.route.ini")).message).toMatch(
      new RegExp(`^conf/cdn\\.route\\.ini:${line}: `),
    );
  });

  it("requires [DB] and its keys", () => {
    expect(thrown(() => parseRouteIni("[REDIS]\nHOST=1\n", "r.ini")).message).toContain("no [DB] section");
    expect(thrown(() => parseRouteIni("[DB]\nHOST=1\nPORT=3306\n", "r.ini")).message).toContain("DBNAME, USER, PASSWD");
  });
});

describe("renderer ↔ parser round trip", () => {
  it("renders from the stack outputs and reads back the same values (awkward characters included)", () => {
    const cfg = backendConfigFromOutputs(outputs);
    expect(cfg.cos.bucket).toBe("live-demo-dev-upload");
    const { outDefine, routeIni } = renderBackendFiles(cfg);
    expect(outDefine.startsWith("<?php\n")).toBe(true);
    expect(outDefine).toContain("define('COSKEY_APPID', 1250000000);");
    const od = parseOutDefine(outDefine, "o.php").values;
    expect(od.API_KEY).toBe(outputs.callback_key);
    expect(od.COSKEY_SECRECTKEY).toBe(outputs.signer_secret_key);
    expect(od.COSKEY_SECRECTID).toBe(outputs.signer_secret_id);
    const ini = parseRouteIni(routeIni, "r.ini").values;
    expect(ini).toEqual({ HOST: "10.0.0.5", PORT: 3306, DBNAME: "live_demo", USER: "live_user", PASSWD: outputs.db_password });
  });

  it("writes a backend dir that loadBackendDir reads back, with file:line locations", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));
    try {
      const cfg = backendConfigFromOutputs(outputs, { bucketStyle: "full" });
      writeBackendDir(dir, cfg);
      const back = loadBackendDir(dir);
      expect(back.cos).toEqual(cfg.cos);
      expect(back.db).toEqual(cfg.db);
      expect(back.apiKey).toBe(cfg.apiKey);
      expect(back.source.kind).toBe("dir");
      expect(back.source.logDir).toBe(path.join(dir, "log"));
      expect(back.source.locations.API_KEY).toBe(`${path.join(dir, "conf", "OutDefine.php")}:3`);
      expect((fs.statSync(path.join(dir, "conf", "OutDefine.php")).mode & 0o777).toString(8)).toBe("600");
      // JSON form round trip
      const json = JSON.stringify(toBackendConfigJson(back), null, 2);
      const fromJson = parseBackendConfigJson(json, "b.json");
      expect(fromJson.cos).toEqual(cfg.cos);
      expect(fromJson.db).toEqual(cfg.db);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders the route file with the template's sections", () => {
    const t = renderRouteIni({ HOST: "h", PORT: 1, DBNAME: "d", USER: "u", PASSWD: "" });
    expect(t).toMatch(/\[DB\][\s\S]*\[REDIS\][\s\S]*\[LIVE_WEBSERVICE\]/);
  });

  it("splits bucket names", () => {
    expect(splitBucketName("upload-1250000000")).toEqual({ name: "upload", appid: "1250000000" });
    expect(splitBucketName("upload")).toEqual({ name: "upload" });
  });
});

describe("loading", () => {
  it("missing files are InputErrors naming the file", () => {
    const e = thrown(() => loadBackendConfig({ backendDir: "/nonexistent-backend" }));
    expect(e.message).toContain(path.join("/nonexistent-backend", "conf", "OutDefine.php"));
    expect(thrown(() => loadBackendConfig({ backendDir: "a", backendConfig: "b" })).message).toContain("not both");
  });

  it("--backend-config JSON: schema errors name the file, line and field", () => {
    const good = toBackendConfigJson(backendConfigFromOutputs(outputs));
    const bad = { ...good, COSKEY_SECRETID: "x" } as Record<string, unknown>;
    const text = JSON.stringify(bad, null, 2);
    const e = thrown(() => parseBackendConfigJson(text, "b.json"));
    expect(e.message).toMatch(/^b\.json:\d+: COSKEY_SECRETID is not a known key/);
    const noDb = JSON.stringify({ ...good, DB: { ...good.DB, PORT: "x" } }, null, 2);
    expect(thrown(() => parseBackendConfigJson(noDb, "b.json")).message).toMatch(/^b\.json:\d+: DB\.PORT/);
    const missing = { ...good } as Record<string, unknown>;
    delete missing.API_KEY;
    expect(thrown(() => parseBackendConfigJson(JSON.stringify(missing), "b.json")).message).toContain("API_KEY is required");
    expect(thrown(() => parseBackendConfigJson("{\n  \"API_KEY\": ,\n}", "b.json")).message).toMatch(/^b\.json:\d+: not valid JSON/);
  });

  it("backendConfigFromOutputs needs the sensitive outputs", () => {
    const { callback_key: _k, ...rest } = outputs;
    expect(thrown(() => backendConfigFromOutputs(rest as StackOutputs)).message).toContain("callback_key");
  });
});
