/**
 * `live-infra validate`: every FAQ item as a post-deploy check. Thin: parse flags, load inputs, call
 * validators.runValidation (one stack) or validators.runFleetValidation (repeated --stack, or --all), render, set
 * the exit code (0 nothing fail/error, 1 otherwise, 2 usage/input).
 * With --fix (one stack): plan the fixes (handoff/fix.ts), apply them on --yes or a yes on a terminal, validate again.
 */
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline/promises";
import { Command, Option } from "commander";
import { loadBackendConfig, DEFAULT_BACKEND_DIR, BackendConfig } from "../common/backend-config";
import { InputError, parseJsonFile } from "../common/errors";
import { redact } from "../common/mask";
import { defaultOutputsFile, readStackOutputs, StackOutputs } from "../common/outputs";
import type { ServerAccount } from "../database/migrate";
import { parseMysqlUrl, urlSecrets } from "../database/url";
import { applicableSteps, applyFixes, planFixes, renderBeforeAfter, renderPlan } from "../handoff/fix";
import {
  CATALOGUE,
  CHECK_IDS,
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_FLEET_CONCURRENCY,
  DEFAULT_OUTPUTS_ROOT,
  FLEET_FORMATS,
  FleetStackInput,
  RateLimiter,
  REPORT_FORMATS,
  RESOLVE_ENV,
  Report,
  ReportFormat,
  createProgressPrinter,
  discoverStacks,
  exitCodeOf,
  fleetExitCode,
  fleetVerdictLine,
  parseRateLimit,
  renderFleetReport,
  runFleetValidation,
  renderReport,
  resolveEndpoints,
  resolveOverrides,
  runValidation,
  secretsOf,
  selectChecks,
  useColor,
  verdictLine,
} from "../validators";
import { action, fleetStackNames, forStack, intOption, STACK_PLACEHOLDER, stackNamesOption } from "./run";

interface ValidateFlags {
  stack: string[];
  all?: boolean;
  outputsDir?: string;
  concurrency?: number;
  rateLimit?: number;
  outputs?: string;
  declared?: string;
  backendDir?: string;
  backendConfig?: string;
  only?: string[];
  format: ReportFormat;
  lang: "zh" | "en";
  timeout?: number;
  probeCallback?: boolean;
  apiEndpoint?: string;
  cosEndpoint?: string;
  resolve: string[];
  fix?: boolean;
  yes?: boolean;
  adminUrl?: string;
}

function checkTable(): string {
  const w = Math.max(...CATALOGUE.map((c) => c.id.length));
  return CATALOGUE.map(
    (c) =>
      `  ${c.id.padEnd(w)}  ${c.title.en}${c.prerequisites.length ? ` (after ${c.prerequisites.join(", ")})` : ""}` +
      `${c.optIn ? ` [opt-in: ${c.optIn.flag}]` : ""}`,
  ).join("\n");
}

const HELP = () => `
Checks (ids for --only; a check whose prerequisite did not pass is reported as skip):
${checkTable()}

Inputs:
  Stack outputs   --outputs FILE, default cdktf.out/stacks/<stack>/outputs.json. Both the
                  \`cdktf deploy --outputs-file F --outputs-file-include-sensitive-outputs\` shape and
                  \`terraform output -json\` are read.
  Declared values cdktf.out/stacks/<stack>/cdk.tf.json when present (or --declared FILE): the bucket's CORS origins.
  Backend config  --backend-dir DIR reads DIR/conf/OutDefine.php and DIR/conf/cdn.route.ini
                  (default ${DEFAULT_BACKEND_DIR}); DIR/log is scanned for replay-list errors when readable.
                  --backend-config FILE.json gives the same values as JSON:
                  {"API_KEY", "COSKEY_BUCKET", "COSKEY_BUCKET_REGION", "COSKEY_APPID", "COSKEY_SECRECTID",
                   "COSKEY_SECRECTKEY", "DB": {"HOST", "PORT", "DBNAME", "USER", "PASSWD"}, "logDir"?}
  Credentials     TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY of the deploying account (read-only suffices).
  Endpoints       --api-endpoint / --cos-endpoint, or LIVE_INFRA_API_ENDPOINT / LIVE_INFRA_COS_ENDPOINT
                  (e.g. the sandbox): http(s)://HOST[:PORT] or HOST:PORT, no user name or password; default the
                  real Tencent Cloud. A malformed value exits 2 before any check runs.
  Name resolution --resolve HOST:ADDR[,ADDR] (repeatable) and ${RESOLVE_ENV}=host=addr,addr;host2=addr declare how
                  a name resolves, like curl's --resolve (live.callback-public classifies the callback host's
                  addresses; nothing is sent to them). Other names go to the system resolver.

Output:
  text      a live checklist on a terminal, plain lines otherwise (NO_COLOR disables colours)
  json      the report (version 1; schema validators/report.schema.json)
  junit     JUnit XML for CI test reports
  markdown  a table plus one section per problem (e.g. for a pull-request comment)
  With json, junit and markdown, stdout holds exactly the report; progress and the verdict go to stderr.
  Secrets never appear: SecretIds are masked (first 4 + last 4), keys and passwords are never printed.

Fixing (--fix [--yes]):
  For each failing check, the fix this package owns, planned first and printed:
    backend config  keys of OutDefine.php / cdn.route.ini (or the --backend-config JSON) that differ from the stack
                    outputs are re-rendered from them; only those values change (the rest of each file is kept byte
                    for byte, the previous file is saved as FILE.bak, mode 0600)
    schema          db.schema: \`live-infra migrate\` (idempotent, never destructive)
    privileges      db.privileges: \`live-infra migrate --create-user\` (grants what the backend account lacks)
    Terraform       cloud resources (callback/record rules and templates, domains, the bucket, the signer key, the
                    MySQL instance) are never changed by API: the plan prints the \`cdktf deploy <stack>\` command
    by hand         anything else (e.g. the backend server itself): the check's remediation
  Schema and privilege fixes need an admin account: --admin-url mysql://USER[:PASSWORD]@HOST:PORT/ (or
  LIVE_INFRA_ADMIN_URL; LIVE_INFRA_ADMIN_PASSWORD when the URL has none), else root with db_root_password from the
  outputs file. Changes are applied only with --yes, or after a yes on a terminal; otherwise the plan is printed and
  nothing changes. After applying, validate runs again and shows before → after. With json, junit and markdown,
  stdout holds the final report and the plan goes to stderr. Secrets never appear in the plan.

Several stacks (repeat --stack, or --all):
  --all validates every folder under --outputs-dir (default ${DEFAULT_OUTPUTS_ROOT}) that holds an outputs.json.
  The stacks run in one process, --concurrency at a time (default ${DEFAULT_FLEET_CONCURRENCY}), sharing one API and
  one COS client per key pair, with requests paced per action to Tencent Cloud's documented limits (20/s per
  action and account unless an action documents more; COS not paced); --rate-limit N paces every API action and
  COS operation at N/s instead. Throttled requests are still retried. Time waiting for the pace counts towards
  --timeout.
  Per-stack inputs: {stack} in --outputs, --declared, --backend-dir and --backend-config is replaced by each stack
  name (with one stack too); defaults DIR/{stack}/outputs.json and DIR/{stack}/cdk.tf.json under --outputs-dir.
  A backend flag is required, e.g. --backend-dir '/srv/{stack}' or --backend-config 'conf/{stack}.json'; without
  {stack} every stack uses the same backend config. A stack whose outputs or backend config cannot be read is reported as
  "not validated" (with the reason) and the others still run.
  Report: one section per stack plus a fleet summary line (text); json is the fleet document
  {version: 1, kind: "fleet", stacks: [<one report per stack>], notValidated, summary, requests} (schema
  validators/fleet-report.schema.json); junit has one testsuite per stack; markdown a stacks table and a section
  per stack; html is for one stack only (exit 2). Progress ("stack X: n/15 done") goes to stderr. --fix works on
  one stack at a time (exit 2 with several).

Exit codes: 0 nothing failed (warnings allowed), 1 a check is fail or error, 2 usage or input error.
  With --fix: the exit code of the last validation (the one after the fixes when they were applied).
  Several stacks: 2 when a stack could not be validated (its inputs), else 1 when any stack has a fail or error.

Examples:
  npx live-infra validate --stack live-demo-prod --backend-dir /data/live_demo_service
  npx live-infra validate --stack live-demo-dev --format junit > validate.xml
  npx live-infra validate --stack live-demo-dev --only db.schema,db.timezone --lang zh
  npx live-infra validate --stack live-demo-dev --only live.callback-public --resolve backend.example.com:81.70.1.10
  npx live-infra validate --stack live-demo-dev --backend-dir /data/live_demo_service --fix          # plan only
  npx live-infra validate --stack live-demo-dev --backend-dir /data/live_demo_service --fix --yes    # apply
  npx live-infra validate --all --backend-dir '/srv/{stack}' --format junit > fleet.xml
  npx live-infra validate --stack live-demo-a --stack live-demo-b --backend-config 'conf/{stack}.json' --rate-limit 10
`;

function listOption(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

function readDeclared(file: string, explicit: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (!explicit) return undefined;
    throw new InputError(`${file}: cannot read the synthesized stack (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const doc = parseJsonFile(text, file);
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new InputError(`${file}:1: cdk.tf.json must be a JSON object`);
  return doc as Record<string, unknown>;
}

/** The admin account for --fix's migrate steps: --admin-url / LIVE_INFRA_ADMIN_URL, else root with db_root_password. */
function adminAccount(flags: ValidateFlags, outputs: StackOutputs): ServerAccount | undefined {
  const raw = flags.adminUrl ?? process.env.LIVE_INFRA_ADMIN_URL;
  if (raw) {
    const u = parseMysqlUrl(raw, flags.adminUrl ? "--admin-url" : "LIVE_INFRA_ADMIN_URL");
    return { user: u.user, password: u.password ?? process.env.LIVE_INFRA_ADMIN_PASSWORD ?? "", host: u.host, port: u.port };
  }
  if (outputs.db_root_password) return { user: "root", password: outputs.db_root_password, host: outputs.db_host, port: outputs.db_port };
  return undefined;
}

/** A yes from the terminal; false without one (non-interactive runs never change anything without --yes). */
async function confirm(lang: "zh" | "en"): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(lang === "zh" ? "执行上述修复？[y/N] " : "Apply the fixes above? [y/N] ");
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Reads one stack's inputs; what cannot be read becomes the stack's `error` (it is reported, the others run). */
function loadFleetStack(stack: string, flags: ValidateFlags, root: string): FleetStackInput {
  const stackDir = path.join(root, stack);
  try {
    const outputs = readStackOutputs(flags.outputs ? forStack(flags.outputs, stack) : path.join(stackDir, "outputs.json"), stack);
    const declared = readDeclared(flags.declared ? forStack(flags.declared, stack) : path.join(stackDir, "cdk.tf.json"), !!flags.declared);
    const backend = loadBackendConfig({
      backendDir: flags.backendDir ? forStack(flags.backendDir, stack) : undefined,
      backendConfig: flags.backendConfig ? forStack(flags.backendConfig, stack) : undefined,
    });
    return { stack, outputs, backend, declaredTfJson: declared };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { stack, error: err.message };
  }
}

/** Several stacks: load each, run them as a fleet, one report. */
async function validateFleet(flags: ValidateFlags, credentials: { secretId: string; secretKey: string }): Promise<number> {
  const root = flags.outputsDir ?? DEFAULT_OUTPUTS_ROOT;
  const named = fleetStackNames(flags, () => discoverStacks(root, "--all"), [["--outputs", flags.outputs], ["--declared", flags.declared]]);
  if (!flags.backendDir && !flags.backendConfig) {
    throw new InputError(
      `with several stacks, name each stack's backend config: --backend-dir 'DIR/${STACK_PLACEHOLDER}' or --backend-config 'DIR/${STACK_PLACEHOLDER}.json' (${STACK_PLACEHOLDER} is replaced by each stack name)`,
    );
  }
  const stacks = named.map((s) => loadFleetStack(s, flags, root));
  const lang = flags.lang;
  const total = stacks.length;
  let finished = 0;
  const report = await runFleetValidation({
    stacks,
    credentials,
    endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
    rateLimit: flags.rateLimit,
    concurrency: flags.concurrency,
    lang,
    only: flags.only,
    probeCallback: !!flags.probeCallback,
    timeoutMs: flags.timeout,
    resolve: flags.resolve,
    onProgress: (p) => {
      if (p.event.type !== "done") return;
      if (p.done === p.total) finished++;
      process.stderr.write(`live-infra validate: stack ${p.stack}: ${p.done}/${p.total} done${p.done === p.total ? ` (${finished}/${total} stacks)` : ""}\n`);
    },
  });
  const secrets = [credentials.secretKey, credentials.secretId];
  for (const x of report.notValidated) x.reason = redact(x.reason, secrets);
  process.stdout.write(renderFleetReport(report, flags.format, { lang, color: flags.format === "text" && useColor(process.stdout) }));
  if (flags.format !== "text") process.stderr.write(`${fleetVerdictLine(report, lang)}\n`);
  return fleetExitCode(report);
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("Check a deployed stack and the backend's configuration against every FAQ item (COS, live callbacks, database)")
    .option("-s, --stack <name>", "stack name, e.g. live-demo-dev (repeatable: several stacks in one run)", stackNamesOption())
    .option("--all", "every stack under --outputs-dir that holds an outputs.json")
    .option("--outputs-dir <dir>", `folder of the stack folders (default ${DEFAULT_OUTPUTS_ROOT})`)
    .option("--concurrency <n>", `several stacks: how many run at once (default ${DEFAULT_FLEET_CONCURRENCY})`, intOption("--concurrency", 1, 256))
    .option("--rate-limit <n>", "pace every API action and COS operation at N requests/s, a whole number 1–100000 (default: one stack is not paced; several stacks are paced at Tencent Cloud's documented per-action limits)", (v: string) => parseRateLimit(v))
    .option("--outputs <file>", "stack outputs file (default cdktf.out/stacks/<stack>/outputs.json)")
    .option("--declared <file>", "synthesized cdk.tf.json (default cdktf.out/stacks/<stack>/cdk.tf.json when present)")
    .option("--backend-dir <dir>", `backend root holding conf/OutDefine.php and conf/cdn.route.ini (default ${DEFAULT_BACKEND_DIR})`)
    .option("--backend-config <file>", "backend values as JSON instead of --backend-dir (shape below)")
    .option("--only <ids>", "run only these checks (comma-separated or repeated) plus their prerequisites", listOption)
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .addOption(new Option("--lang <lang>", "language of titles and messages").choices(["zh", "en"]).default("zh"))
    .option("--timeout <ms>", `per-check timeout in ms (default ${DEFAULT_CHECK_TIMEOUT_MS})`, intOption("--timeout", 100, 600_000))
    .option("--probe-callback", "also post two harmless signed events to the backend's callback URL (live.callback-reachable)")
    .option("--api-endpoint <url>", "send API 3.0 requests here (keeps the real host names), e.g. the sandbox")
    .option("--cos-endpoint <url>", "send COS requests here (keeps the real host names), e.g. the sandbox")
    .option("--resolve <host:addr[,addr]>", "resolve HOST to these addresses (repeatable; like curl --resolve)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--fix", "plan the fixes this package owns for failing checks (config values, schema, privileges); see below")
    .option("--yes", "with --fix: apply the plan without asking, then validate again")
    .option("--admin-url <url>", "with --fix: mysql://USER[:PASSWORD]@HOST:PORT/ admin account for schema and privilege fixes")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: ValidateFlags) => {
        flags.stack ??= [];
        // Flags first, before credentials or any input is read: a typo in --only, an endpoint or --resolve is the
        // error reported (exit 2), and no check runs.
        if (flags.only && flags.only.length === 0) throw new InputError(`--only needs at least one check id; known: ${CHECK_IDS.join(", ")}`);
        selectChecks(CATALOGUE, flags.only, [], "--only");
        resolveEndpoints({ apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint }, process.env);
        resolveOverrides(flags.resolve, process.env);
        if (flags.yes && !flags.fix) throw new InputError("--yes needs --fix");
        if (flags.adminUrl && !flags.fix) throw new InputError("--admin-url needs --fix");
        if (!flags.stack.length && !flags.all) throw new InputError("name a stack: --stack NAME (repeatable), or --all for every stack under --outputs-dir");
        const fleet = !!flags.all || flags.stack.length > 1;
        if (fleet && flags.fix) {
          throw new InputError("--fix works on one stack at a time: run `live-infra validate --stack NAME --fix` for each stack (several were named)");
        }
        if (fleet && !(FLEET_FORMATS as readonly string[]).includes(flags.format)) {
          throw new InputError(`--format ${flags.format} is for one stack only; with several stacks use one of ${FLEET_FORMATS.join(", ")}`);
        }
        const secretId = process.env.TENCENTCLOUD_SECRET_ID?.trim();
        const secretKey = process.env.TENCENTCLOUD_SECRET_KEY?.trim();
        if (!secretId || !secretKey) {
          throw new InputError(
            `TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set (the deploying account's API key; read-only is enough)` +
              ` — missing: ${[!secretId && "TENCENTCLOUD_SECRET_ID", !secretKey && "TENCENTCLOUD_SECRET_KEY"].filter(Boolean).join(", ")}.` +
              " Run `export TENCENTCLOUD_SECRET_ID=AKID… TENCENTCLOUD_SECRET_KEY=…` (the key you deployed with) and try again;" +
              " to see validate work without a cloud account, run `npm run demo`.",
          );
        }
        if (fleet) return validateFleet(flags, { secretId, secretKey });
        const stack = flags.stack[0];
        const stackDefault = flags.outputsDir ? path.join(flags.outputsDir, stack, "outputs.json") : defaultOutputsFile(stack);
        // {stack} works with one stack too, so one command line serves one stack and several.
        const one = (v: string | undefined) => (v === undefined ? undefined : forStack(v, stack));
        const outputsFile = one(flags.outputs) ?? stackDefault;
        const outputs = readStackOutputs(outputsFile, stack);
        const declared = readDeclared(one(flags.declared) ?? path.join(path.dirname(stackDefault), "cdk.tf.json"), !!flags.declared);
        const backendConfigFile = one(flags.backendConfig);
        const loadBackend = () => loadBackendConfig({ backendDir: one(flags.backendDir), backendConfig: backendConfigFile });
        const backend = loadBackend();
        const admin = flags.fix ? adminAccount(flags, outputs) : undefined;

        const format = flags.format;
        const lang = flags.lang;
        // text: progress and report on stdout; other formats: stdout is the report only.
        const progressStream = format === "text" ? process.stdout : process.stderr;
        const live = !!(progressStream as NodeJS.WriteStream).isTTY && process.env.TERM !== "dumb";
        const color = useColor(progressStream as NodeJS.WriteStream);
        const printer = format === "text" && !live ? undefined : createProgressPrinter(progressStream, { lang, live, color });

        const validateWith = async (cfg: BackendConfig): Promise<Report> => {
          const report = await runValidation({
            stack,
            outputs,
            declaredTfJson: declared,
            backend: cfg,
            credentials: { secretId, secretKey },
            endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
            resolve: flags.resolve,
            only: flags.only,
            probeCallback: !!flags.probeCallback,
            timeoutMs: flags.timeout,
            lang,
            onProgress: printer?.onProgress,
            rateLimiter: flags.rateLimit !== undefined ? new RateLimiter({ override: flags.rateLimit }) : undefined,
          });
          printer?.clear();
          return report;
        };
        const show = (report: Report, final: boolean) => {
          if (format === "text") process.stdout.write(renderReport(report, "text", { lang, color: useColor(process.stdout) }));
          else if (final) process.stdout.write(renderReport(report, format, { lang }));
          if (format !== "text" && final) process.stderr.write(`${verdictLine(report, lang)}\n`);
        };

        const before = await validateWith(backend);
        if (!flags.fix) {
          show(before, true);
          return exitCodeOf(before);
        }

        // --fix: plan, confirm, apply, validate again.
        const ctx = {
          stack,
          outputs,
          outputsFile,
          backend,
          backendConfigFile,
          admin,
        };
        const known = secretsOf({ outputs, backend, credentials: { secretId, secretKey } });
        const secrets = [...known.secrets, ...known.secretIds, admin?.password, ...(flags.adminUrl ? urlSecrets(flags.adminUrl) : [])];
        const note = (text: string) => (format === "text" ? process.stdout : process.stderr).write(redact(text, secrets));
        const plan = planFixes(before, ctx);
        show(before, false);
        note(`\n${renderPlan(plan, lang)}`);
        const steps = applicableSteps(plan);
        if (!steps.length) {
          if (format !== "text") show(before, true);
          return exitCodeOf(before);
        }
        if (!flags.yes && !(await confirm(lang))) {
          note(
            lang === "zh"
              ? "\n未做任何修改。加 --yes 执行上述修复。\n"
              : "\nNothing changed. Run again with --yes to apply the fixes above.\n",
          );
          if (format !== "text") show(before, true);
          return exitCodeOf(before);
        }
        const results = await applyFixes(plan, ctx, (line) => process.stderr.write(redact(`live-infra validate --fix: ${line}\n`, secrets)));
        note(`\n${lang === "zh" ? "已执行：" : "Applied:"}\n`);
        for (const r of results) note(`  ${r.ok ? "ok  " : "FAIL"} ${r.step.checks.join(", ")}: ${r.detail}\n`);
        note("\n");
        const after = await validateWith(loadBackend());
        show(after, true);
        note(`\n${renderBeforeAfter(before, after, lang)}`);
        return exitCodeOf(after);
      }),
    );
}
