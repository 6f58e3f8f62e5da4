#!/usr/bin/env node
// Generates the TypeScript provider bindings in .gen/ from the pinned schema in providers/tencentcloud/schema.json.
// No terraform binary and no registry: the schema is fed to @cdktf/provider-generator directly (see README, "Bindings").
// .gen/schema.sha256 records which schema the bindings came from; a test compares it with the committed schema.
"use strict";
process.env.CHECKPOINT_DISABLE = "1";
// @cdktf/commons probes `terraform version` when it loads; point it at nothing so no binary is ever needed.
process.env.TERRAFORM_BINARY_NAME = process.env.TERRAFORM_BINARY_NAME || "live-infra-no-terraform";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const root = path.resolve(__dirname, "..");
const schemaFile = path.join(root, "providers", "tencentcloud", "schema.json");
const outdir = path.join(root, ".gen");
const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));

async function main() {
  const started = Date.now();
  const raw = fs.readFileSync(schemaFile);
  const sha256 = crypto.createHash("sha256").update(raw).digest("hex");
  const schema = JSON.parse(raw.toString("utf8"));

  // Deep imports: the package root pulls in jsii-pacmak, which the generator does not declare (see README).
  const { TerraformProviderGenerator } = require("@cdktf/provider-generator/lib/get/generator/provider-generator");
  const { CodeMaker } = require("codemaker");
  const { ConstructsMakerProviderTarget, TerraformProviderConstraint, Language } = require("@cdktf/commons");

  fs.rmSync(outdir, { recursive: true, force: true });
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  for (const constraint of cdktfJson.terraformProviders) {
    const target = new ConstructsMakerProviderTarget(new TerraformProviderConstraint(constraint), Language.TYPESCRIPT);
    generator.generate(target);
  }
  await code.save(outdir);
  fs.writeFileSync(path.join(outdir, "versions.json"), JSON.stringify(generator.versions, null, 2) + "\n");
  fs.writeFileSync(path.join(outdir, "schema.sha256"), sha256 + "\n");
  process.stderr.write(`gen: bindings for ${cdktfJson.terraformProviders.join(", ")} written to .gen/ in ${Date.now() - started} ms (schema sha256 ${sha256.slice(0, 12)}…)\n`);
}

main().catch((err) => {
  process.stderr.write(`gen: failed to generate bindings from providers/tencentcloud/schema.json: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
