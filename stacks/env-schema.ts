/**
 * JSON Schema of environment files, generated from the zod schema (editor completion via `"$schema":
 * "./schema.json"`). The zod schema stays the authority: cross-field rules (bucket length per region, push ≠ play,
 * zone/CIDR containment) are not expressible here. Regenerate with `node dist/stacks/env-schema.js`; a test fails when
 * environments/schema.json is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { EnvFileSchema } from "./config";
import { environmentsDir } from "./paths";

export function environmentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EnvFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    ...schema,
    title: "live-demo-infra environment",
    description: "environments/<env>.json: one 小直播 environment (stack live-demo-<env>). Field reference: README, Environments.",
  };
}

export function environmentJsonSchemaText(): string {
  return JSON.stringify(environmentJsonSchema(), null, 2) + "\n";
}

if (require.main === module) {
  const file = path.join(environmentsDir(), "schema.json");
  fs.writeFileSync(file, environmentJsonSchemaText());
  process.stderr.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
