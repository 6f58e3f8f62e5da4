import * as crypto from "crypto";
import { REPO_ROOT } from "../helpers/paths";
import * as fs from "fs";
import * as path from "path";

const ROOT = REPO_ROOT;

describe("generated bindings", () => {
  test(".gen was generated from the committed provider schema (SHA-256 matches; run `npm run gen` if not)", () => {
    const schema = fs.readFileSync(path.join(ROOT, "providers", "tencentcloud", "schema.json"));
    const expected = crypto.createHash("sha256").update(schema).digest("hex");
    const recorded = fs.readFileSync(path.join(ROOT, ".gen", "schema.sha256"), "utf8").trim();
    expect(recorded).toBe(expected);
  });

  test(".gen pins the provider version from the schema", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(ROOT, "providers", "tencentcloud", "schema.json"), "utf8"));
    const versions = JSON.parse(fs.readFileSync(path.join(ROOT, ".gen", "versions.json"), "utf8"));
    expect(versions).toEqual(doc.provider_versions);
  });

  test("every resource the stacks use has its own binding folder; sources import bindings per resource only", () => {
    const gen = path.join(ROOT, ".gen", "providers", "tencentcloud");
    const stacksDir = path.join(ROOT, "stacks");
    const files = fs.readdirSync(stacksDir, { recursive: true }) as string[];
    const imports: string[] = [];
    for (const f of files.filter((f) => f.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(stacksDir, f), "utf8");
      for (const m of text.matchAll(/from "(\.\.\/)+\.gen\/providers\/tencentcloud([^"]*)"/g)) imports.push(m[2]);
      expect(text).not.toMatch(/@cdktf\/provider-random"|@cdktf\/provider-random\/lib\/(index|lazy-index)"/);
    }
    expect(imports.length).toBeGreaterThan(10);
    for (const sub of imports) {
      expect(sub).toMatch(/^\/[a-z0-9-]+$/); // a resource folder, never the index / lazy-index barrel
      expect(["/index", "/lazy-index"]).not.toContain(sub);
      expect(fs.existsSync(path.join(gen, sub.slice(1), "index.ts"))).toBe(true);
    }
  });
});
