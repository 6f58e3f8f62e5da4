/**
 * `live-infra support-bundle`: pack what a ticket needs (backend logs, validate and drift reports, config, versions)
 * into a redacted .tar.gz. Thin: the work is in handoff/support-bundle.ts.
 */
import { Command } from "commander";
import { DEFAULT_BACKEND_DIR } from "../common/backend-config";
import { DEFAULT_MAX_BUNDLE_BYTES, createSupportBundle } from "../handoff/support-bundle";
import { action, intOption, stackNameOption } from "./run";

interface SupportBundleFlags {
  out: string;
  backendDir?: string;
  stack?: string;
  outputs?: string;
  declared?: string;
  maxSize?: number;
  apiEndpoint?: string;
  cosEndpoint?: string;
}

const HELP = `
The archive holds bundle/:
  logs/…          the backend's log/ directory (newest first; past the size cap only a log's tail, or nothing)
  validate.json   the validate report (needs the outputs and --backend-dir)
  drift.json      the drift report, only when TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY are set
  config/         OutDefine.php and cdn.route.ini with every secret redacted
  versions.json   package, node, MySQL server (when reachable with the backend's account)
  manifest.json   each file with its size and number of redactions; what was cut and why

Every file passes through one redactor: the secret values of the outputs, the backend config and the environment
(TENCENTCLOUD_SECRET_KEY, LIVE_INFRA_*PASSWORD) are replaced by ***, and so are secret-looking values (passwords in
URLs, password=…, "SecretKey": "…", Authorization headers); SecretIds are masked (first 4 + last 4). The archive is
written with mode 0600. Still, look at it before you attach it to a ticket.

Exit codes: 0 written, 1 the archive could not be written, 2 usage or input error.

Example:
  npx live-infra support-bundle --out ticket.tar.gz --backend-dir ${DEFAULT_BACKEND_DIR} --stack live-demo-prod
`;

export function register(program: Command): void {
  program
    .command("support-bundle")
    .description("Pack the backend's logs, validate/drift reports, config and versions into a redacted .tar.gz")
    .requiredOption("--out <file.tar.gz>", "archive to write")
    .option("--backend-dir <dir>", `backend root holding conf/ and log/ (e.g. ${DEFAULT_BACKEND_DIR})`)
    .option("-s, --stack <name>", "stack name, e.g. live-demo-dev", stackNameOption())
    .option("--outputs <file>", "stack outputs file (default cdktf.out/stacks/<stack>/outputs.json)")
    .option("--declared <file>", "synthesized cdk.tf.json for drift (default next to the outputs file)")
    .option("--max-size <bytes>", `cap on the files' total size before compression (default ${DEFAULT_MAX_BUNDLE_BYTES})`, intOption("--max-size", 65536 + 4096, 2 ** 31))
    .option("--api-endpoint <url>", "send API 3.0 requests here (keeps the real host names), e.g. the sandbox")
    .option("--cos-endpoint <url>", "send COS requests here (keeps the real host names), e.g. the sandbox")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: SupportBundleFlags) => {
        const r = await createSupportBundle({
          out: flags.out,
          backendDir: flags.backendDir,
          stack: flags.stack,
          outputsFile: flags.outputs,
          declaredFile: flags.declared,
          maxBytes: flags.maxSize,
          endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
        });
        const m = r.manifest;
        const bytes = m.files.reduce((n, f) => n + f.bytes, 0);
        process.stdout.write(`${r.archive}: ${m.files.length} files, ${bytes} bytes before compression, ${m.files.reduce((n, f) => n + f.redactions, 0)} redactions\n`);
        for (const c of m.cut) process.stdout.write(`  cut: ${c.path} — ${c.reason}\n`);
        for (const n of m.notes) process.stdout.write(`  note: ${n}\n`);
        return 0;
      }),
    );
}
