import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OUTPUT_IDS, parseStackOutputs, readStackOutputs, writeStackOutputs } from "../../common/outputs";
import { InputError } from "../../common/errors";
import { sampleOutputs } from "../helpers/fixtures";

// db_port: the `terraform output -json` case below writes it as the string "3306".
const sample = sampleOutputs({ db_port: 3306 });

describe("stack outputs reader/writer", () => {
  test("round-trips the cdktf --outputs-file shape", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-"));
    try {
      const file = path.join(dir, "outputs.json");
      writeStackOutputs(file, "live-demo-dev", sample);
      const raw = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(Object.keys(raw)).toEqual(["live-demo-dev"]);
      expect(readStackOutputs(file, "live-demo-dev")).toEqual(sample);
      expect(readStackOutputs(file)).toEqual(sample); // a single stack needs no name
      expect(fs.statSync(file).mode & 0o077).toBe(0); // sensitive values: owner-only file
      fs.chmodSync(file, 0o644); // rewriting a file someone opened up narrows it again
      writeStackOutputs(file, "live-demo-dev", sample);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reads the `terraform output -json` shape", () => {
    const tf = Object.fromEntries(
      Object.entries(sample).map(([k, v]) => [k, { sensitive: false, type: typeof v === "number" ? "number" : "string", value: v }]),
    );
    tf.db_port = { sensitive: false, type: "string", value: "3306" } as never;
    expect(parseStackOutputs(JSON.stringify(tf), "tf.json")).toEqual(sample);
  });

  test("names the missing output ids", () => {
    const { bucket: _b, push_domain: _p, ...rest } = sample;
    expect(() => parseStackOutputs(JSON.stringify({ s: rest }), "o.json")).toThrow(/missing output\(s\) bucket, push_domain/);
  });

  test("rejects a bad port with the file and line of the output", () => {
    const text = JSON.stringify({ s: { ...sample, db_port: "abc" } }, null, 2);
    const err = (() => {
      try {
        parseStackOutputs(text, "o.json");
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toMatch(/^o\.json:\d+: output "db_port" must be a port number/);
  });

  test("syntax errors name file and line", () => {
    expect(() => parseStackOutputs('{\n  "s": {\n    "appid": \n}', "broken.json")).toThrow(/^broken\.json:\d+: not valid JSON/);
  });

  test("several stacks need --stack; unknown stack is named", () => {
    const text = JSON.stringify({ a: sample, b: sample });
    expect(() => parseStackOutputs(text, "o.json")).toThrow(/2 stacks \(a, b\); name one with --stack/);
    expect(() => parseStackOutputs(text, "o.json", "c")).toThrow(/no outputs for stack "c"/);
  });

  test("a missing file is an input error that says how to produce it", () => {
    expect(() => readStackOutputs("/nonexistent/outputs.json")).toThrow(/--outputs-file-include-sensitive-outputs/);
  });

  test("the output id list is the public contract", () => {
    expect(OUTPUT_IDS).toHaveLength(22);
  });
});

describe("JSON syntax errors", () => {
  test("name the line and column of the first error and never quote the file's text", () => {
    const text = '{\n  "s": {\n    "db_password": Hunter2SecretPw,\n    "appid": "1"\n  }\n}\n';
    let message = "";
    try {
      parseStackOutputs(text, "o.json");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe("o.json:3: not valid JSON (column 20: unexpected character (strings must be in double quotes))");
    expect(message).not.toContain("Hunter2");
  });
  test("an empty file and a trailing comma are placed too", () => {
    expect(() => parseStackOutputs("", "e.json")).toThrow(/^e\.json:1: not valid JSON \(column 1: expected a value\)$/);
    expect(() => parseStackOutputs('{\n  "a": 1,\n}', "t.json")).toThrow(/^t\.json:3: not valid JSON \(column 1: expected a property name/);
  });
});
