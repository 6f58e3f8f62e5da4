/**
 * `live-infra drift`: what changed behind Terraform's back. Thin: parse flags, load the declaration and outputs,
 * call drift.runDrift (one stack) or drift.runFleetDrift (repeated --stack, or --all), render (stdout plus any --output files, and the GitHub job summary), set the exit code
 * (0 in sync, 1 drift found, 2 usage/input error or a live state that could not be read).
 */
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { InputError } from "../common/errors";
import { defaultOutputsFile, readStackOutputs } from "../common/outputs";
import { redact } from "../common/mask";
import { DEFAULT_OUTPUTS_ROOT, discoverStacks } from "../validators/fleet";
import { parseRateLimit, RateLimiter } from "../validators/clients/rate-limit";
import {
  DEFAULT_DRIFT_FLEET_CONCURRENCY,
  DEFAULT_DRIFT_TIMEOUT_MS,
  DRIFT_FLEET_FORMATS,
  DRIFT_FORMATS,
  DriftFleetStack,
  driftFleetExitCode,
  driftFleetVerdictLine,
  renderDriftFleet,
  runFleetDrift,
  DriftFormat,
  exitCodeOf,
  loadDeclaration,
  renderDriftReport,
  runDrift,
  verdictLine,
} from "../drift";
import { action, fleetStackNames, forStack, intOption, stackNamesOption } from "./run";

interface DriftFlags {
  stack: string[];
  all?: boolean;
  outputsDir?: string;
  concurrency?: number;
  rateLimit?: number;
  outputs?: string;
  declared?: string;
  format: DriftFormat;
  output?: Array<{ format: DriftFormat; file: string }>;
  lang: "zh" | "en";
  apiEndpoint?: string;
  cosEndpoint?: string;
  skipSchema?: boolean;
  timeout?: number;
}

const HELP = `
Compares the synthesized stack (cdk.tf.json, plus the outputs file for the ids the deploy produced) with what the
account returns now, resource by resource, attribute by attribute, and names the fix of each difference:
\`cdktf deploy <stack>\` for what Terraform owns, \`live-infra migrate --stack <stack>\` for repairable schema
drift, the manual step (or the exact SQL) otherwise. Values that stay computed (\${...} nothing resolves) are listed,
never compared. Coverage table: docs/drift.md.

Inputs:
  Declared        --declared FILE, default cdktf.out/stacks/<stack>/cdk.tf.json
  Stack outputs   --outputs FILE, default cdktf.out/stacks/<stack>/outputs.json (cdktf --outputs-file shape or
                  \`terraform output -json\`; sensitive outputs included, for the callback key and passwords)
  Credentials     TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (read-only is enough)
  Database        the backend account from the outputs (db_user / db_password at db_public_host:db_public_port,
                  else db_host:db_port), or LIVE_INFRA_MYSQL_URL + LIVE_INFRA_MYSQL_PASSWORD; --skip-schema: none
  Endpoints       --api-endpoint / --cos-endpoint, or LIVE_INFRA_API_ENDPOINT / LIVE_INFRA_COS_ENDPOINT

Output:
  text (default), json (report version 1, schema drift/report.schema.json), markdown, junit, sarif (2.1.0).
  --output FORMAT=FILE (repeatable) writes more formats from the same run. With any format but text, stdout
  holds exactly the report and the verdict goes to stderr. When GITHUB_STEP_SUMMARY is set, the markdown report
  is appended to it. Secrets never appear: keys and passwords are compared, never printed; SecretIds are masked.

Several stacks (repeat --stack, or --all):
  --all reads every folder under --outputs-dir (default ${DEFAULT_OUTPUTS_ROOT}) that holds an outputs.json. The
  stacks run in one process, --concurrency at a time, sharing one API and one COS client, with requests paced per
  action to Tencent Cloud's documented limits (--rate-limit N paces every action at N/s instead). {stack} in
  --outputs and --declared is replaced by each stack name (with one stack too); with several stacks they must contain
  it. LIVE_INFRA_MYSQL_URL names one server and is refused with several stacks. Report: a section per stack and a
  "Fleet:" line (text, markdown), {version, kind: "fleet", summary, stacks, notRead, requests} (json), a testsuite
  per stack (junit), a run per stack (sarif); html is for one stack. A stack whose inputs cannot be read is listed
  under notRead and the others still run. A stack with drift beside an unreadable resource counts as both.

Exit codes: 0 in sync, 1 drift found, 2 usage or input error, or the live state could not be read (wrong key,
endpoint down, timeout) — an unreadable account is never reported as in sync. Over several stacks: 2 when any
stack (or its inputs) could not be read, else 1 when any drifted, else 0.

Examples:
  npx live-infra drift --stack live-demo-prod
  npx live-infra drift --stack live-demo-prod --format json > drift.json
  npx live-infra drift --stack live-demo-prod --output sarif=drift.sarif --output junit=drift.xml --lang en
  npx live-infra drift --stack live-demo-dev --skip-schema --timeout 60000
  npx live-infra drift --all --format json > fleet-drift.json
  npx live-infra drift --stack live-demo-a --stack live-demo-b --declared 'synth/{stack}/cdk.tf.json'
`;

function outputOption(value: string, previous: Array<{ format: DriftFormat; file: string }> = []): Array<{ format: DriftFormat; file: string }> {
  const m = /^([a-z]+)=(.+)$/.exec(value.trim());
  if (!m || !(DRIFT_FORMATS as readonly string[]).includes(m[1])) {
    throw new InputError(`--output must be FORMAT=FILE with FORMAT one of ${DRIFT_FORMATS.join(", ")} (got "${value}")`);
  }
  return [...previous, { format: m[1] as DriftFormat, file: m[2] }];
}

function writeFile(file: string, text: string, what: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new InputError(`${what}: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Writes what one run produced: every --output file, the markdown report appended to GITHUB_STEP_SUMMARY when set,
 * the report on stdout, and (for any format but text) the verdict on stderr.
 */
function emit(flags: DriftFlags, format: string, render: (format: DriftFormat) => string, verdict: () => string): void {
  for (const o of flags.output ?? []) writeFile(o.file, render(o.format), `--output ${o.format}`);
  const summary = process.env.GITHUB_STEP_SUMMARY?.trim();
  if (summary) {
    try {
      fs.appendFileSync(summary, render("markdown"));
    } catch (err) {
      process.stderr.write(`live-infra: GITHUB_STEP_SUMMARY: cannot append to ${summary} (${(err as NodeJS.ErrnoException).code ?? "error"})\n`);
    }
  }
  process.stdout.write(render(format as DriftFormat));
  if (format !== "text") process.stderr.write(`${verdict()}\n`);
}

/** Several stacks: load each (an unreadable one is reported, not fatal), run them as a fleet, one report. */
async function driftFleet(flags: DriftFlags, credentials: { secretId: string; secretKey: string }): Promise<number> {
  const format = flags.format as string;
  if (!(DRIFT_FLEET_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`--format ${format} is for one stack only; with several stacks use one of ${DRIFT_FLEET_FORMATS.join(", ")}`);
  }
  for (const o of flags.output ?? []) {
    if (!(DRIFT_FLEET_FORMATS as readonly string[]).includes(o.format)) throw new InputError(`--output ${o.format} is for one stack only; use one of ${DRIFT_FLEET_FORMATS.join(", ")}`);
  }
  const root = flags.outputsDir ?? DEFAULT_OUTPUTS_ROOT;
  const named = fleetStackNames(flags, () => discoverStacks(root, "--all"), [["--outputs", flags.outputs], ["--declared", flags.declared]]);
  const mysqlUrl = process.env.LIVE_INFRA_MYSQL_URL?.trim();
  if (mysqlUrl) {
    throw new InputError(
      "LIVE_INFRA_MYSQL_URL names one server, but several stacks are read: unset it (each stack's database is then " +
        "reached as its outputs file says), or run drift for that stack alone",
    );
  }
  const stacks: DriftFleetStack[] = named.map((stack) => {
    try {
      const outputs = readStackOutputs(flags.outputs ? forStack(flags.outputs, stack) : path.join(root, stack, "outputs.json"), stack);
      const declaration = loadDeclaration(flags.declared ? forStack(flags.declared, stack) : path.join(root, stack, "cdk.tf.json"), outputs);
      return { stack, outputs, declaration };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { stack, error: redact(err.message, [credentials.secretKey]) };
    }
  });
  const report = await runFleetDrift({
    stacks,
    credentials,
    endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
    mysql: { password: process.env.LIVE_INFRA_MYSQL_PASSWORD },
    skipSchema: !!flags.skipSchema,
    timeoutMs: flags.timeout,
    concurrency: flags.concurrency,
    rateLimit: flags.rateLimit,
    onProgress: (p) => {
      if (p.state === "done") process.stderr.write(`live-infra drift: stack ${p.stack}: done (${p.done}/${p.total} stacks)\n`);
    },
  });
  const lang = flags.lang;
  emit(flags, format, (f) => renderDriftFleet(report, f, { lang }), () => driftFleetVerdictLine(report, lang));
  return driftFleetExitCode(report);
}

export function register(program: Command): void {
  program
    .command("drift")
    .description("Compare the deployed stack with what the account returns now (what changed behind Terraform's back)")
    .option("-s, --stack <name>", "stack name, e.g. live-demo-dev (repeatable: several stacks in one run)", stackNamesOption())
    .option("--all", "every stack under --outputs-dir that holds an outputs.json")
    .option("--outputs-dir <dir>", `folder of the stack folders (default ${DEFAULT_OUTPUTS_ROOT})`)
    .option("--concurrency <n>", `several stacks: how many are read at once (default ${DEFAULT_DRIFT_FLEET_CONCURRENCY})`, intOption("--concurrency", 1, 256))
    .option("--rate-limit <n>", "pace every API action and COS operation at N requests/s, a whole number 1–100000 (default: one stack is not paced; several stacks are paced at Tencent Cloud's documented per-action limits)", (v: string) => parseRateLimit(v))
    .option("--outputs <file>", "stack outputs file (default cdktf.out/stacks/<stack>/outputs.json)")
    .option("--declared <file>", "synthesized cdk.tf.json (default cdktf.out/stacks/<stack>/cdk.tf.json)")
    .addOption(new Option("--format <format>", "report format on stdout").choices([...DRIFT_FORMATS]).default("text"))
    .option("--output <format=file>", "also write FORMAT to FILE (repeatable), e.g. --output sarif=drift.sarif", outputOption)
    .addOption(new Option("--lang <lang>", "language of messages").choices(["zh", "en"]).default("zh"))
    .option("--api-endpoint <url>", "send API 3.0 requests here (keeps the real host names), e.g. the sandbox")
    .option("--cos-endpoint <url>", "send COS requests here (keeps the real host names), e.g. the sandbox")
    .option("--skip-schema", "do not connect to MySQL (no schema, no account password check; both listed as skipped)")
    .option("--timeout <ms>", `bound on the whole run in ms (default ${DEFAULT_DRIFT_TIMEOUT_MS})`, intOption("--timeout", 100, 600_000))
    .addHelpText("after", HELP)
    .action(
      action(async (flags: DriftFlags) => {
        flags.stack ??= [];
        const secretId = process.env.TENCENTCLOUD_SECRET_ID?.trim();
        const secretKey = process.env.TENCENTCLOUD_SECRET_KEY?.trim();
        if (!secretId || !secretKey) {
          throw new InputError(
            `TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set (an API key of the account; read-only is enough)` +
              ` — missing: ${[!secretId && "TENCENTCLOUD_SECRET_ID", !secretKey && "TENCENTCLOUD_SECRET_KEY"].filter(Boolean).join(", ")}.` +
              " Run `export TENCENTCLOUD_SECRET_ID=AKID… TENCENTCLOUD_SECRET_KEY=…` and try again.",
          );
        }
        if (!flags.stack.length && !flags.all) throw new InputError("name a stack: --stack NAME (repeatable), or --all for every stack under --outputs-dir");
        if (flags.all || flags.stack.length > 1) return driftFleet(flags, { secretId, secretKey });
        const stack = flags.stack[0];
        const stackDefault = flags.outputsDir ? path.join(flags.outputsDir, stack, "outputs.json") : defaultOutputsFile(stack);
        const outputs = readStackOutputs(flags.outputs ? forStack(flags.outputs, stack) : stackDefault, stack);
        const declaredFile = flags.declared ? forStack(flags.declared, stack) : path.join(path.dirname(stackDefault), "cdk.tf.json");
        const declaration = loadDeclaration(declaredFile, outputs);
        const env = process.env;
        const report = await runDrift({
          stack,
          outputs,
          declaration,
          credentials: { secretId, secretKey },
          endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
          mysql: { url: env.LIVE_INFRA_MYSQL_URL?.trim() || undefined, password: env.LIVE_INFRA_MYSQL_PASSWORD },
          skipSchema: !!flags.skipSchema,
          timeoutMs: flags.timeout,
          rateLimiter: flags.rateLimit !== undefined ? new RateLimiter({ override: flags.rateLimit }) : undefined,
        });
        const lang = flags.lang;
        emit(flags, flags.format, (f) => renderDriftReport(report, f, { lang }), () => verdictLine(report, lang));
        return exitCodeOf(report);
      }),
    );
}
