/**
 * The coverage table is the readers' declarations: docs/drift.md holds exactly the generated table; every attribute
 * a reader names exists in the pinned provider schema; every type the shipped stacks declare is read or listed as
 * not read, and every attribute they declare is compared or named as not comparable (nothing dropped silently).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NOT_READ, READERS, coverageMarkdown } from "../../drift";
import { synthesize } from "../../stacks/synth";
import { REPO_ROOT } from "../helpers/paths";

const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "providers", "tencentcloud", "schema.json"), "utf8"));
const resourceSchemas: Record<string, { block: { attributes?: Record<string, unknown>; block_types?: Record<string, unknown> } }> =
  (Object.values(schema.provider_schemas)[0] as { resource_schemas: never }).resource_schemas;

const META = new Set(["//", "depends_on", "provider", "lifecycle", "count", "for_each", "provisioner", "connection"]);

describe("coverage", () => {
  it("docs/drift.md holds the table generated from the readers", () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "drift.md"), "utf8");
    const m = /<!-- coverage:start[^>]*-->\n([\s\S]*?)\n<!-- coverage:end -->/.exec(doc);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(coverageMarkdown());
    for (const r of READERS) expect(m![1]).toContain(`\`${r.type}\``);
    for (const n of NOT_READ) expect(m![1]).toContain(`\`${n.type}\``);
  });

  it("every attribute a reader names is a Terraform attribute of its type (provider schema)", () => {
    for (const r of READERS) {
      if (r.type === "terraform_data") continue; // Terraform's own type, not in the provider schema
      const s = resourceSchemas[r.type];
      expect(s).toBeDefined();
      const names = new Set([...Object.keys(s.block.attributes ?? {}), ...Object.keys(s.block.block_types ?? {})]);
      const unknown = [...Object.keys(r.attributes), ...Object.keys(r.notComparable)].filter((a) => !names.has(a));
      expect({ type: r.type, unknown }).toEqual({ type: r.type, unknown: [] });
    }
  });

  it("the shipped stacks: every declared type is read or listed, every declared attribute compared or explained", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-coverage-"));
    try {
      const synth = synthesize({ envNames: ["dev", "prod"], outdir: tmp });
      expect(synth.stacks.length).toBe(2);
      for (const s of synth.stacks) {
        const doc = JSON.parse(fs.readFileSync(s.file, "utf8"));
        for (const [type, byName] of Object.entries(doc.resource as Record<string, Record<string, Record<string, unknown>>>)) {
          const reader = READERS.find((r) => r.type === type);
          if (!reader) {
            expect({ type, listed: NOT_READ.some((n) => n.type === type) }).toEqual({ type, listed: true });
            continue;
          }
          for (const [name, block] of Object.entries(byName)) {
            const uncovered = Object.keys(block).filter((a) => !META.has(a) && !(a in reader.attributes) && !(a in reader.notComparable));
            expect({ address: `${type}.${name}`, uncovered }).toEqual({ address: `${type}.${name}`, uncovered: [] });
          }
        }
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
