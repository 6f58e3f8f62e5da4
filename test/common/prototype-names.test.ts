/**
 * Names that are Object.prototype members in every reader, and values of the wrong shape: what PHP would read is the
 * reference for the backend's files; everything unexpected is an InputError naming the file and the field.
 */
import { parseBackendConfigJson, parseIni, parseOutDefine, parseRouteIni, renderOutDefine, renderRouteIni, toBackendConfigJson } from "../../common/backend-config";
import { backendConfigFromOutputs } from "../../common/backend-config";
import { InputError, parseJsonFile } from "../../common/errors";
import { parseStackOutputs } from "../../common/outputs";
import { sampleOutputs } from "../helpers/fixtures";
import { PROTO_NAMES, prototypeState, pollutionSince } from "./property-helpers";

const SECRET = "Zq9Xv7Wk3Pm5Lr8Ty2";
const base = prototypeState();
afterEach(() => expect(pollutionSince(base)).toBe(""));

function error(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).not.toContain(SECRET.slice(0, 6));
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const DB_LINES = `HOST=10.9.9.9\nPORT=3306\nDBNAME=live_demo\nUSER=live_user\nPASSWD=${SECRET}\n`;

describe("cdn.route.ini: what PHP reads", () => {
  test.each(PROTO_NAMES)("[%s] holding the DB keys is an ordinary section PHP never reads as [DB]", (name) => {
    const e = error(() => parseRouteIni(`[${name}]\n${DB_LINES}`, "conf/cdn.route.ini"));
    expect(e.message).toMatch(/^conf\/cdn\.route\.ini: no \[DB\] section/);
    expect(({} as Record<string, unknown>).HOST).toBeUndefined();
    expect(parseIni(`[${name}]\nHOST=x\n`, "f")[name].HOST.value).toBe("x");
  });

  test.each(PROTO_NAMES)("a key %s inside [DB] is an ordinary key; the real keys still decide", (name) => {
    const r = parseRouteIni(`[DB]\n${name}=1\n${DB_LINES}`, "r.ini");
    expect(r.values).toEqual({ HOST: "10.9.9.9", PORT: 3306, DBNAME: "live_demo", USER: "live_user", PASSWD: SECRET });
    // …and cannot stand in for a missing one.
    expect(error(() => parseRouteIni(`[DB]\n${name}=1\n${DB_LINES.replace(/^HOST=.*\n/m, "")}`, "r.ini")).message).toContain("lacks HOST");
  });

  test("a prototype section before [DB] does not pollute or leak into it", () => {
    const r = parseRouteIni(`[__proto__]\nHOST=evil\nPASSWD=${SECRET}x\n[DB]\n${DB_LINES}`, "r.ini");
    expect(r.values.HOST).toBe("10.9.9.9");
    expect(({} as Record<string, unknown>).HOST).toBeUndefined();
  });

  test("section and key names are case-sensitive, as in PHP: [db] and host= are not read, and the message says why", () => {
    const e = error(() => parseRouteIni(`[db]\n${DB_LINES}`, "r.ini"));
    expect(e.message).toContain("[db] on line 1 is not read: PHP section names are case-sensitive");
    const k = error(() => parseRouteIni(`[DB]\n${DB_LINES.replace("HOST=", "host=")}`, "r.ini"));
    expect(k.message).toMatch(/lacks HOST .*host on line 2 is not read: PHP key names are case-sensitive/);
  });

  test("a repeated [DB] replaces the earlier one, as parse_ini_file does", () => {
    const e = error(() => parseRouteIni(`[DB]\n${DB_LINES}[REDIS]\nHOST=r\n[DB]\nHOST=other\n`, "r.ini"));
    expect(e.message).toMatch(/lacks PORT, DBNAME, USER, PASSWD.*\[DB\] appears on lines 1, 9 and PHP keeps only the last one/);
    expect(parseRouteIni(`[DB]\nHOST=old\n[DB]\n${DB_LINES}`, "r.ini").values.HOST).toBe("10.9.9.9");
  });

  test("bare true/on/yes read as \"1\", false/off/no/none/null as \"\"; quoted they stay words; the renderer quotes them", () => {
    expect(parseRouteIni(DB_LINES.replace(`PASSWD=${SECRET}`, "PASSWD=no").replace(/^/, "[DB]\n"), "r.ini").values.PASSWD).toBe("");
    expect(parseRouteIni(`[DB]\n${DB_LINES.replace(`PASSWD=${SECRET}`, 'PASSWD="no"')}`, "r.ini").values.PASSWD).toBe("no");
    expect(parseIni("[A]\nX=Yes\nY=NONE\n", "f").A.X.value).toBe("1");
    const text = renderRouteIni({ HOST: "h", PORT: 1, DBNAME: "d", USER: "u", PASSWD: "off" });
    expect(parseRouteIni(text, "r.ini").values.PASSWD).toBe("off");
    expect(error(() => parseRouteIni("[DB]\nyes=1\n", "r.ini")).message).toMatch(/^r\.ini:2: "yes" cannot be a key/);
  });

  test("huge values are refused by line, never quoted", () => {
    const e = error(() => parseRouteIni(`[DB]\nPASSWD=${SECRET.repeat(300)}\n`, "r.ini"));
    expect(e.message).toBe("r.ini:2: the value of PASSWD is longer than 4096 characters");
  });

  test("names from the file are not quoted unless they are the template's own", () => {
    const e = error(() => parseRouteIni(`[DB]\n${SECRET}="unterminated\n`, "r.ini"));
    expect(e.message).toBe('r.ini:2: the value of the key on this line has no closing "');
  });
});

describe("OutDefine.php: what PHP reads", () => {
  const valid = renderOutDefine({
    API_KEY: SECRET,
    COSKEY_BUCKET: "b",
    COSKEY_BUCKET_REGION: "ap-guangzhou",
    COSKEY_APPID: "1250000000",
    COSKEY_SECRECTID: "AKIDx",
    COSKEY_SECRECTKEY: `${SECRET}k`,
  });

  test.each(PROTO_NAMES)("define('%s', …) is an ordinary constant", (name) => {
    const r = parseOutDefine(`${valid}define('${name}', 'x');\n`, "o.php");
    expect(r.values.API_KEY).toBe(SECRET);
    expect(r.lines[name]).toBeGreaterThan(1);
    expect(error(() => parseOutDefine(`<?php\ndefine('${name}', '${SECRET}');\n`, "o.php")).message).toMatch(/^o\.php: API_KEY, .* are not defined/);
  });

  test("only code counts: defines after ?> and files without <?php are output, not code", () => {
    const e = error(() => parseOutDefine(valid.replace("<?php", ""), "o.php"));
    expect(e.message).toMatch(/^o\.php:1: no "<\?php" opening tag/);
    const after = valid.replace("define('API_KEY'", "?>\ndefine('API_KEY'");
    // Everything after "?>" is output, so none of the six defines below it counts.
    expect(error(() => parseOutDefine(after, "o.php")).message).toMatch(/^o\.php: API_KEY, COSKEY_BUCKET, .* are not defined/);
    // "?>" ends a statement, and code resumes at the next <?php.
    expect(parseOutDefine(valid.replace("define('API_KEY', ", "?>\n<html>\n<?php define('API_KEY', "), "o.php").values.API_KEY).toBe(SECRET);
    expect(parseOutDefine(`${valid}define('X', 1) ?>\n`, "o.php").values.API_KEY).toBe(SECRET);
  });

  test("const NAME = value; defines too; true/false/null read as PHP makes them strings", () => {
    const text = valid.replace(/define\('API_KEY', [^)]*\);/, `const API_KEY = '${SECRET}', OTHER = 1;`).replace(/define\('COSKEY_SECRECTID', [^)]*\);/, "define('COSKEY_SECRECTID', null);");
    const r = parseOutDefine(text, "o.php");
    expect(r.values.API_KEY).toBe(SECRET);
    expect(r.values.COSKEY_SECRECTID).toBe("");
  });

  test("names differing in case or spaces are named as such, without quoting them", () => {
    const e = error(() => parseOutDefine(valid.replace("define('API_KEY'", "define('api_key '"), "o.php"));
    expect(e.message).toMatch(/API_KEY is not defined \(line 3 defines a name that differs from API_KEY in case or spaces/);
  });

  test("a define that ends the file without \";\" is an error, as in PHP", () => {
    expect(error(() => parseOutDefine(`${valid}define('X', 1)`, "o.php")).message).toMatch(/^o\.php:\d+: define\(…\): missing ";"/);
  });

  test("an invalid or unknown name is never quoted", () => {
    const e = error(() => parseOutDefine(`<?php\ndefine('${SECRET}', 'a' 'b');\n`, "o.php"));
    expect(e.message).toBe('o.php:2: define(…): expected ")" but found a quoted string');
  });
});

describe("--backend-config JSON", () => {
  const good = toBackendConfigJson(backendConfigFromOutputs(sampleOutputs({ db_password: SECRET })));
  test.each(PROTO_NAMES)("a key %s is an unknown key, at top level and in DB", (name) => {
    const top = `{ ${JSON.stringify(name)}: { "polluted": "${SECRET}" }, ${JSON.stringify(good).slice(1)}`;
    expect(error(() => parseBackendConfigJson(top, "b.json")).message).toMatch(new RegExp(`^b\\.json:1: ${name} is not a known key`));
    const db = JSON.stringify({ ...good, DB: { ...good.DB } }).replace('"DB":{', `"DB":{${JSON.stringify(name)}:1,`);
    expect(error(() => parseBackendConfigJson(db, "b.json")).message).toMatch(new RegExp(`DB\\.${name} is not a known key`));
  });

  test.each([
    ["null", null, /DB\.HOST must be string/],
    ["an array", [SECRET], /DB\.HOST must be string/],
    ["an object", { value: SECRET }, /DB\.HOST must be string/],
    ["a huge string", SECRET.repeat(300), /DB\.HOST must NOT have more than 4096 characters/],
  ])("DB.HOST as %s → InputError naming the field", (_what, value, re) => {
    const text = JSON.stringify({ ...good, DB: { ...good.DB, HOST: value } }, null, 2);
    expect(error(() => parseBackendConfigJson(text, "b.json")).message).toMatch(re);
  });
});

describe("outputs files", () => {
  const outputs = sampleOutputs({ db_password: SECRET });
  test.each(PROTO_NAMES)("stack %s: a stack like any other, never a member of Object.prototype", (name) => {
    const text = `{${JSON.stringify(name)}: ${JSON.stringify(outputs)}}`;
    expect(parseStackOutputs(text, "o.json", name)).toEqual(outputs);
    const other = JSON.stringify({ "live-demo-dev": outputs });
    expect(error(() => parseStackOutputs(other, "o.json", name)).message).toContain(`no outputs for stack ${JSON.stringify(name)} (the file has: live-demo-dev)`);
  });

  test.each([
    ["null", null, /^o\.json:\d+: output "db_password" must be a string \(got null\)|missing/],
    ["an array", [SECRET], /^o\.json:\d+: output "db_password" must be a string \(got an array\)/],
    ["an object", { value: SECRET }, /^o\.json:\d+: output "db_password" must be a string \(got an object\)/],
    ["a huge string", SECRET.repeat(300), /^o\.json:\d+: output "db_password" is longer than 4096 characters/],
    ["a boolean", true, /must be a string \(got a boolean\)/],
  ])("db_password as %s", (_what, value, re) => {
    const text = JSON.stringify({ s: { ...outputs, db_password: value } }, null, 2);
    if (value === null) expect(parseStackOutputs(text, "o.json").db_password).toBeUndefined();
    else expect(error(() => parseStackOutputs(text, "o.json")).message).toMatch(re);
  });

  test("terraform output -json: an entry without \"value\" is named as that output; unknown outputs are ignored", () => {
    const tf: Record<string, unknown> = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: "string", sensitive: true }]));
    tf.extra_output = { value: [1, 2] };
    expect(parseStackOutputs(JSON.stringify(tf), "tf.json")).toEqual(outputs);
    tf.db_host = "10.0.0.1";
    expect(error(() => parseStackOutputs(JSON.stringify(tf, null, 2), "tf.json")).message).toMatch(
      /^tf\.json:\d+: output "db_host" must be an object with a "value"/,
    );
    expect(error(() => parseStackOutputs(`{"__proto__": {"value": "${SECRET}"}}`, "tf.json")).message).toMatch(/^tf\.json: missing output\(s\) appid, /);
  });

  test.each([
    ["null", "null", "got null"],
    ["an array", `["${SECRET}"]`, "got an array"],
    ["a number", "42", "got a number"],
    ["a string", `"${SECRET}"`, "got a string"],
  ])("a document that is %s", (_what, text, got) => {
    expect(error(() => parseStackOutputs(text, "o.json")).message).toBe(`o.json:1: an outputs file must be a JSON object (${got})`);
  });

  test("the stack's outputs as the wrong shape, an empty file object, many stacks", () => {
    expect(error(() => parseStackOutputs(`{"s": ["${SECRET}"]}`, "o.json")).message).toMatch(/^o\.json:1: the outputs of stack "s" must be an object .*got an array/);
    expect(error(() => parseStackOutputs("{}", "o.json")).message).toMatch(/holds no outputs/);
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}`, {}])));
    expect(error(() => parseStackOutputs(many, "o.json")).message).toMatch(/12 stacks \(s0, .*, s9 and 2 more\)/);
  });
});

describe("parseJsonFile", () => {
  test("absurdly deep text is an InputError, not a stack overflow", () => {
    expect(error(() => parseJsonFile("[".repeat(200_000), "d.json")).message).toMatch(/^d\.json: not valid JSON \(nested more than 100 levels deep\)/);
    expect(error(() => parseJsonFile(`${"[".repeat(150)}${"]".repeat(150)}`, "d.json")).message).toMatch(/^d\.json: JSON nested more than 100 levels/);
  });

  test("a byte-order mark is ignored; positions are counted without it", () => {
    expect(parseJsonFile('\uFEFF{"a": 1}', "b.json")).toEqual({ a: 1 });
    expect(error(() => parseJsonFile('\uFEFF{"a": x}', "b.json")).message).toBe("b.json:1: not valid JSON (column 7: unexpected character (strings must be in double quotes))");
  });
});
