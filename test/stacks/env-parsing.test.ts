/**
 * Robust reading of environment files and the other files stacks/ reads: whatever JSON a file holds, the result is
 * a valid config or one clear line per problem naming the file and field (exit 2) — never a JavaScript error
 * message, never a stack trace, never a polluted prototype.
 *
 * The CLI runs once as a real process (the `null` document: the exit-2 smoke); the other documents go through the
 * built CLI's `main` in this process.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { runSynth } from "../../cli/synth";
import { InputError } from "../../common/errors";
import { ConfigError, parseEnvironment } from "../../stacks/config";
import { checkConformance } from "../../stacks/conformance";
import { loadProviderSchema, resourceHasTags } from "../../stacks/provider-schema";
import { CLI, requireBuiltCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { envDoc } from "../helpers/stacks-fixtures";

const FC = { seed: 97531, numRuns: 200 };
/** What a raw JavaScript failure looks like in a message. */
const RAW_JS = /TypeError|RangeError|Cannot read|Cannot convert|is not a function|is not iterable|Maximum call stack|\[object Object\]|\[native code\]|undefined is not/;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-envparse-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  // Nothing may have reached Object.prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => /polluted|region/.test(k))).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** The problems of a document, asserting it was refused with a ConfigError whose lines all name the file. */
function refused(doc: unknown, file = "environments/x.json"): string[] {
  let err: unknown;
  try {
    parseEnvironment(doc, file, "x");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const problems = (err as ConfigError).problems;
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p.startsWith(`${file}: field "`)).toBe(true);
    expect(p).not.toMatch(RAW_JS);
    expect(p).not.toContain("\n");
  }
  return problems;
}

const deep = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

describe("environment documents that are not environments", () => {
  test.each([
    ["null", null],
    ["an array", []],
    ["a number", 3],
    ["a string", "dev"],
    ["a boolean", true],
  ])("%s: one line for the top level, naming the fields an environment has", (_what, doc) => {
    expect(refused(doc)).toEqual([expect.stringMatching(/^environments\/x\.json: field "\(top level\)": must be an object with the fields \$schema, description, region, .*\(got /)]);
  });

  test("__proto__, constructor and the other Object.prototype names are refused as keys anywhere, and pollute nothing", () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true, "region": "ap-guangzhou"}}');
    expect(refused(withProto)).toEqual([
      'environments/x.json: field "__proto__": "__proto__" is not allowed as a key (a JavaScript built-in name; see README, Environments)',
    ]);
    const dev = envDoc("dev");
    const cases: [string, (d: Record<string, any>) => void][] = [
      ["constructor", (d) => Object.defineProperty(d, "constructor", { value: { name: "x" }, enumerable: true })],
      ["tags.__proto__", (d) => (d.tags = JSON.parse('{"__proto__": "x", "owner": "me"}'))],
      ["tags.constructor", (d) => (d.tags = { constructor: "x" })],
      ["tags.toString", (d) => (d.tags = { toString: "x" })],
      ["bucket.hasOwnProperty", (d) => (d.bucket = { ...d.bucket, hasOwnProperty: 1 })],
      ["mysql.prototype", (d) => (d.mysql = { ...d.mysql, prototype: {} })],
      ["protection.__proto__", (d) => (d.protection = JSON.parse('{"__proto__": {"mode": "protected"}}'))],
      ["bucket.cors_origins[0].valueOf", (d) => (d.bucket.cors_origins = [{ valueOf: 1 }])],
    ];
    for (const [field, mutate] of cases) {
      const doc = JSON.parse(JSON.stringify(dev));
      mutate(doc);
      expect(refused(doc)).toEqual([expect.stringContaining(`environments/x.json: field "${field}": "${field.split(".").pop()!.replace(/^.*\]\./, "")}" is not allowed as a key`)]);
    }
  });

  test("sections of the wrong type name the section; deep nesting is refused without a stack overflow", () => {
    for (const [section, value] of [
      ["bucket", null],
      ["live", 5],
      ["mysql", []],
      ["protection", "ephemeral"],
      ["tags", [1, 2]],
      ["state", false],
    ] as const) {
      const doc = envDoc("dev");
      doc[section] = value;
      expect(refused(doc)).toEqual([expect.stringContaining(`field "${section}": `)]);
    }
    const doc = envDoc("dev");
    doc.region = deep(100_000);
    expect(refused(doc)).toEqual([expect.stringMatching(/^environments\/x\.json: field "region(\[0\])+": is nested too deeply \(more than 16 levels/)]);
    expect(refused(deep(50_000))[0]).toMatch(/is nested too deeply/);
  });

  test("property: a shipped file with any part replaced by any JSON value is valid or refused with lines naming the file", () => {
    const dev = envDoc("dev");
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      paths.push(p);
      if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
    };
    walk(dev, []);
    const key = fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "region", "mode", "tags"), fc.string({ maxLength: 8 }));
    const value = fc.jsonValue({ maxDepth: 4 }).chain((v) => fc.oneof(fc.constant(v), fc.dictionary(key, fc.constant(v), { maxKeys: 3 })));
    fc.assert(
      fc.property(fc.constantFrom(...paths), value, (p, v) => {
        const doc = JSON.parse(JSON.stringify(dev));
        if (p.length === 0) return void refused(JSON.parse(JSON.stringify(v ?? null)));
        let parent = doc;
        for (const k of p.slice(0, -1)) parent = parent[k];
        Object.defineProperty(parent, p[p.length - 1], { value: JSON.parse(JSON.stringify(v ?? null)), enumerable: true, writable: true, configurable: true });
        try {
          parseEnvironment(doc, "environments/x.json", "x");
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          refused(doc);
        }
      }),
      FC,
    );
  });
});

describe("synth with any JSON as an environment file (the command's own function)", () => {
  test("property: exit 2, every line names the file, nothing written, nothing thrown", async () => {
    const dir = path.join(tmp, "envs");
    fs.mkdirSync(dir);
    const file = path.join(dir, "x.json");
    const outdir = path.join(tmp, "never");
    const anyKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "region", "bucket", "protection"), fc.string({ maxLength: 10 }));
    const doc = fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.dictionary(anyKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }));
    await fc.assert(
      fc.asyncProperty(doc, async (value) => {
        fs.writeFileSync(file, JSON.stringify(value) ?? "null");
        const err: string[] = [];
        const out: string[] = [];
        const code = await runSynth({ outdir, environments: dir }, {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
        expect(code).toBe(2);
        expect(out).toEqual([]);
        expect(err.length).toBeGreaterThan(0);
        for (const line of err) {
          expect(line.startsWith(`live-infra synth: ${dir}/x.json: `)).toBe(true);
          expect(line).not.toMatch(RAW_JS);
        }
        expect(fs.existsSync(outdir)).toBe(false);
      }),
      FC,
    );
  });

  test("the real CLI: null and a __proto__ document exit 2 with one line each, no stack trace", async () => {
    requireBuiltCli();
    const dir = path.join(tmp, "cli-envs");
    fs.mkdirSync(dir);
    const env = { PATH: process.env.PATH ?? "", CHECKPOINT_DISABLE: "1" };
    for (const [name, text, expected] of [
      ["nothing", "null", /^live-infra synth: .*\/nothing\.json: field "\(top level\)": must be an object with the fields .* \(got null\)$/],
      ["proto", '{"__proto__": {"polluted": 1}}', /^live-infra synth: .*\/proto\.json: field "__proto__": "__proto__" is not allowed as a key/],
      ["bom", `\ufeff${JSON.stringify({ ...envDoc("dev"), tags: { constructor: "x" } })}`, /^live-infra synth: .*\/bom\.json: field "tags\.constructor": "constructor" is not allowed as a key/],
    ] as const) {
      fs.writeFileSync(path.join(dir, `${name}.json`), text);
      const args = ["synth", "--environments", dir, "--env", name, "--outdir", path.join(tmp, "cli-out")];
      const asProcess = () => {
        const p = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, timeout: 60_000 });
        return { code: p.status, stderr: p.stderr };
      };
      const r = name === "nothing" ? asProcess() : await runCliInProcess(args, env);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toEqual([expect.stringMatching(expected)]);
    }
  });
});

describe("the other readers in stacks/", () => {
  test("provider schema: unreadable, bad JSON and wrong shapes are input errors naming the file and the part", () => {
    const bad = (name: string, text: string | null) => {
      const file = path.join(tmp, `${name}.json`);
      if (text !== null) fs.writeFileSync(file, text);
      let err: unknown;
      try {
        loadProviderSchema(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message.startsWith(`${file}`)).toBe(true);
      expect((err as Error).message).not.toMatch(RAW_JS);
      return (err as Error).message;
    };
    const fqpn = "registry.terraform.io/tencentcloudstack/tencentcloud";
    expect(bad("missing", null)).toMatch(/cannot read the provider schema \(ENOENT\)/);
    expect(bad("syntax", '{"provider_schemas": ')).toMatch(/:1: not valid JSON/);
    expect(bad("null", "null")).toMatch(/field provider_schemas\["registry\.terraform\.io\/tencentcloudstack\/tencentcloud"\]: missing or not an object/);
    expect(bad("array", "[]")).toMatch(/missing or not an object/);
    expect(bad("proto", JSON.stringify({ provider_schemas: { constructor: {} } }))).toMatch(/missing or not an object/);
    expect(bad("noblock", JSON.stringify({ provider_schemas: { [fqpn]: { provider: {}, resource_schemas: {}, data_source_schemas: {} } } }))).toMatch(
      /\.provider\.block: missing or not an object/,
    );
    expect(bad("nores", JSON.stringify({ provider_schemas: { [fqpn]: { provider: { block: {} }, data_source_schemas: {} } } }))).toMatch(/\.resource_schemas: missing/);
    expect(resourceHasTags("tencentcloud_cos_bucket")).toBe(true);
    expect(resourceHasTags("constructor")).toBe(false);
    expect(resourceHasTags("tencentcloud_css_domain")).toBe(false);
  });

  test("conformance: keys named like Object.prototype members are unknown attributes, not crashes", () => {
    const doc = {
      resource: {
        tencentcloud_vpc: { db: { name: "x", cidr_block: "10.0.0.0/16", constructor: 1, toString: "x" } },
        constructor: { x: {} },
      },
    };
    expect(checkConformance(doc)).toEqual([
      { path: "resource.tencentcloud_vpc.db.constructor", message: 'unknown attribute or block "constructor"' },
      { path: "resource.tencentcloud_vpc.db.toString", message: 'unknown attribute or block "toString"' },
    ]);
    expect(checkConformance({ resource: { tencentcloud_constructor: {} } })).toEqual([
      { path: "resource.tencentcloud_constructor", message: 'unknown resource type "tencentcloud_constructor" (not in the provider schema)' },
    ]);
  });
});

describe("errors about URL values never show their credentials or query", () => {
  test.each([
    ["backend", "base_url", "ftp://deploy:CANARYpw1@backend.example.com/x"],
    ["backend", "base_url", "https://deploy:CANARY/pw2@backend.example.com/?token=CANARYtok"],
  ])("%s.%s = %s", (section, field, value) => {
    const doc = envDoc("dev");
    doc[section][field] = value;
    let err: unknown;
    try {
      parseEnvironment(doc, "environments/dev.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(`field "${section}.${field}"`);
    expect(message).not.toMatch(/CANARY/);
  });
});
