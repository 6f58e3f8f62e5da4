/**
 * `live-infra backend-config`: render the backend's conf/OutDefine.php and conf/cdn.route.ini from the stack
 * outputs (--out DIR), or compare an existing configuration with them (--check DIR). Thin: the work is in
 * handoff/backend-config.ts.
 */
import * as path from "path";
import { Command } from "commander";
import { InputError } from "../common/errors";
import { defaultOutputsFile, readStackOutputs } from "../common/outputs";
import { checkBackendConfig, describeDifferences, renderBackendConfig } from "../handoff/backend-config";
import { action, EXIT_FAIL, EXIT_OK, stackNameOption } from "./run";

interface BackendConfigFlags {
  stack: string;
  outputs?: string;
  out?: string;
  check?: string;
  bucketStyle?: string;
  publicDb?: boolean;
}

const HELP = `
What is written (the backend's own names, including its spelling "SECRECT"):
  DIR/conf/OutDefine.php   API_KEY, COSKEY_BUCKET, COSKEY_BUCKET_REGION, COSKEY_APPID, COSKEY_SECRECTID,
                           COSKEY_SECRECTKEY
  DIR/conf/cdn.route.ini   [DB] HOST, PORT, DBNAME, USER, PASSWD
  A missing file is written whole in the backend template's layout. In an existing file only these values change:
  comments, other defines and other sections stay as they are, and the previous file is kept as
  <file>.bak-<UTC timestamp> (mode 0600). New files are written with mode 0600; a replaced file keeps its mode and
  owner (the PHP process must still read it; a world-readable one is warned about). Only key names are printed.

Inputs:
  --outputs FILE  default cdktf.out/stacks/<stack>/outputs.json; it needs the sensitive outputs
                  (\`cdktf deploy --outputs-file FILE --outputs-file-include-sensitive-outputs\`).

--check DIR compares DIR's files with the outputs and names each key that differs (missing, differs only by
whitespace or case, differs); secret values are never shown, SecretIds are masked.

Exit codes: 0 written / same, 1 --check found a difference, 2 usage or input error.

Examples:
  npx live-infra backend-config --stack live-demo-prod --out /data/live_demo_service
  npx live-infra backend-config --stack live-demo-prod --check /data/live_demo_service
`;

export function register(program: Command): void {
  program
    .command("backend-config")
    .description("Write the backend's conf/OutDefine.php and conf/cdn.route.ini from the stack outputs, or check them")
    .requiredOption("-s, --stack <name>", "stack name, e.g. live-demo-dev", stackNameOption())
    .option("--outputs <file>", "stack outputs file (default cdktf.out/stacks/<stack>/outputs.json)")
    .option("--out <dir>", "backend root to write conf/ into")
    .option("--check <dir>", "backend root whose conf/ is compared with the outputs")
    .option("--bucket-style <style>", "COSKEY_BUCKET as the short name (short, default) or name-appid (full)")
    .option("--public-db", "use the public MySQL address when the stack has one (backend outside the VPC)")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: BackendConfigFlags) => {
        if (!!flags.out === !!flags.check) throw new InputError("give exactly one of --out DIR (write) or --check DIR (compare)");
        const style = flags.bucketStyle ?? "short";
        if (style !== "short" && style !== "full") throw new InputError(`--bucket-style must be short or full (got "${style}")`);
        const outputs = readStackOutputs(flags.outputs ?? defaultOutputsFile(flags.stack), flags.stack);
        const opts = { bucketStyle: style as "short" | "full", publicDb: !!flags.publicDb };
        if (flags.check) {
          const r = checkBackendConfig(flags.check, outputs, opts);
          if (r.same) {
            process.stdout.write(`backend config in ${flags.check} matches the outputs of ${flags.stack} (${r.keys.length} keys)\n`);
            return EXIT_OK;
          }
          process.stdout.write(`backend config in ${flags.check} differs from the outputs of ${flags.stack}:\n`);
          for (const l of describeDifferences(r)) process.stdout.write(`  ${l}\n`);
          process.stdout.write(`fix: npx live-infra backend-config --stack ${flags.stack} --out ${flags.check}\n`);
          return EXIT_FAIL;
        }
        const r = renderBackendConfig(flags.out!, outputs, opts);
        for (const f of r.files) {
          const rel = path.relative(flags.out!, f.path);
          const keys = r.keys.filter((k) => k.file === rel && k.change !== "unchanged").map((k) => `${k.key} (${k.change})`);
          process.stdout.write(
            `${f.path}: ${f.status}${keys.length ? ` — ${keys.join(", ")}` : ""}${f.backup ? `; previous file kept as ${f.backup}` : ""}\n`,
          );
          if (f.warning) process.stderr.write(`live-infra: warning: ${f.path} is ${f.warning}\n`);
        }
        return EXIT_OK;
      }),
    );
}
