/**
 * `live-infra teardown`: delete a test stack. Thin: parse flags, decide how the go-ahead is given (--yes, a prompt
 * on a terminal, else refuse), call lifecycle.runTeardown, print the report, set the exit code (0 everything gone,
 * 1 something left or failed, 2 usage error or refusal).
 */
import * as path from "path";
import * as readline from "readline";
import { Command, Option } from "commander";
import { InputError } from "../common/errors";
import { defaultOutputsFile } from "../common/outputs";
import { Confirmation, TeardownReport, renderReport, runTeardown } from "../lifecycle";
import { environmentsDir } from "../stacks/paths";
import { action, stackNameOption } from "./run";

interface TeardownFlags {
  stack: string;
  outputs?: string;
  declared?: string;
  environments?: string;
  yes?: boolean;
  dryRun?: boolean;
  format: "text" | "json";
  apiEndpoint?: string;
  cosEndpoint?: string;
}

const STACK_RE = /^live-demo-[a-z][a-z0-9-]{0,19}$/;

const HELP = `
Deletes every resource of a test stack. With the stack's Terraform state (a state file in the stack folder, or
the remote backend cdk.tf.json configures) and terraform on PATH it first runs \`terraform destroy -auto-approve\`
in the stack folder (what \`cdktf destroy\` does); then it sweeps through the APIs whatever is left, in dependency
order (rules before templates, keys and attachments before users and policies, objects before the bucket,
accounts and databases before the instance is isolated and taken offline, security group/subnet/VPC after it,
live domains), verifying each deletion with a describe. A second run finds nothing; a run killed half-way is
finished by the next one.

Only what carries TWO ownership marks is deleted: the stack's tags (app, environment, managed-by) plus its
declared name or the deploy's id; for untaggable Live templates and domains the declared name plus the id or a
rule binding it to the stack. Contents (objects, keys, attachments, accounts, databases, rules) go with their
container. A resource with one mark is reported, never deleted.

Refusals (exit 2, nothing changed): a protected stack — cdk.tf.json tags it protection=protected, its
environments/<env>.json is protected, or a live resource of it carries protection=protected; any doubt counts as
protected — whatever the flags; and, without --yes, a run that is not on a terminal (on a terminal the plan is
shown and you are asked).

Inputs:
  Declared        --declared FILE, default cdktf.out/stacks/<stack>/cdk.tf.json (required)
  Stack outputs   --outputs FILE, default cdktf.out/stacks/<stack>/outputs.json (used when present; its ids are
                  ownership marks)
  Environments    --environments DIR, default the package's environments/ (<env>.json is checked for protection)
  Credentials     TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (they need the delete permissions)
  Endpoints       --api-endpoint / --cos-endpoint, or LIVE_INFRA_API_ENDPOINT / LIVE_INFRA_COS_ENDPOINT

Output: progress per resource on stderr; the report on stdout (text, or --format json: version 1, each resource
with type, id, address, marks, action and result). Secrets never appear; SecretIds are masked.

Exit codes: 0 everything the stack owns is gone (--dry-run: the plan was printed); 1 something could not be
deleted, was blocked, or was left for lack of marks; 2 usage error or refusal.

Examples:
  npx live-infra teardown --stack live-demo-pr-42 --dry-run
  npx live-infra teardown --stack live-demo-pr-42 --yes --format json > teardown.json
`;

/** Asks on the terminal (stderr, so stdout keeps only the report). */
function askOnTerminal(plan: TeardownReport): Promise<boolean> {
  process.stderr.write(renderReport(plan, "text"));
  const n = plan.summary.planned;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.question(`Delete these ${n} resource(s) of ${plan.stack}? (y/N) `, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}

export function register(program: Command): void {
  program
    .command("teardown")
    .description("Delete a test stack: terraform destroy when it has a state, then a guarded sweep through the APIs")
    .requiredOption("-s, --stack <name>", "stack name, e.g. live-demo-pr-42", stackNameOption())
    .option("--outputs <file>", "stack outputs file (default cdktf.out/stacks/<stack>/outputs.json, used when present)")
    .option("--declared <file>", "synthesized cdk.tf.json (default cdktf.out/stacks/<stack>/cdk.tf.json)")
    .option("--environments <dir>", "folder of <env>.json files checked for protection (default: the package's environments/)")
    .option("-y, --yes", "go ahead without asking (required when not on a terminal)")
    .option("--dry-run", "print the plan; change nothing")
    .addOption(new Option("--format <format>", "report format on stdout").choices(["text", "json"]).default("text"))
    .option("--api-endpoint <url>", "send API 3.0 requests here (keeps the real host names), e.g. the sandbox")
    .option("--cos-endpoint <url>", "send COS requests here (keeps the real host names), e.g. the sandbox")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: TeardownFlags) => {
        if (!STACK_RE.test(flags.stack)) throw new InputError(`--stack must be live-demo-<env> (env: 1–20 of a-z, 0-9, '-', starting with a letter; got "${flags.stack}")`);
        const secretId = process.env.TENCENTCLOUD_SECRET_ID?.trim();
        const secretKey = process.env.TENCENTCLOUD_SECRET_KEY?.trim();
        if (!secretId || !secretKey) {
          throw new InputError(
            `TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set (an API key of the account allowed to delete the stack's resources)` +
              ` — missing: ${[!secretId && "TENCENTCLOUD_SECRET_ID", !secretKey && "TENCENTCLOUD_SECRET_KEY"].filter(Boolean).join(", ")}.`,
          );
        }
        const outputsFile = flags.outputs ?? defaultOutputsFile(flags.stack);
        const confirmation: Confirmation = flags.yes
          ? { kind: "yes" }
          : process.stdin.isTTY && process.stderr.isTTY
            ? { kind: "prompt", ask: askOnTerminal }
            : { kind: "refuse" };
        const report = await runTeardown({
          stack: flags.stack,
          declaredFile: flags.declared ?? path.join(path.dirname(defaultOutputsFile(flags.stack)), "cdk.tf.json"),
          outputsFile,
          outputsRequired: flags.outputs !== undefined,
          environmentsDir: flags.environments ? path.resolve(flags.environments) : environmentsDir(),
          credentials: { secretId, secretKey },
          endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
          dryRun: !!flags.dryRun,
          confirmation,
          onProgress: (line) => process.stderr.write(`teardown: ${line}\n`),
          onTerraformOutput: (chunk) => process.stderr.write(chunk),
        });
        process.stdout.write(renderReport(report, flags.format));
        return report.dryRun || report.ok ? 0 : 1;
      }),
    );
}
