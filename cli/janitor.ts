/**
 * `live-infra janitor`: sweep the account's expired ephemeral stacks. Thin: parse flags, call lifecycle.runJanitor,
 * print the report, set the exit code (0 nothing left behind, 1 something failed, was blocked, was left for lack of
 * marks or could not be read, 2 usage error).
 */
import * as path from "path";
import { Command, Option } from "commander";
import { InputError } from "../common/errors";
import { parseDuration, renderReport, runJanitor } from "../lifecycle";
import { environmentsDir } from "../stacks/paths";
import { action } from "./run";

interface JanitorFlags {
  dryRun?: boolean;
  olderThan?: string;
  environments?: string;
  format: "text" | "json";
  apiEndpoint?: string;
  cosEndpoint?: string;
}

const HELP = `
Finds the account's ephemeral stacks by their tags (Tag API: app=live-demo, grouped by the environment tag) and
sweeps those whose time is up, with the same engine, order and ownership rules as \`live-infra teardown\`:

  expired   the expires-at tag has passed; else created-at (tag, or the earliest creation time a describe reports)
            + ttl-hours has passed; --older-than DURATION replaces the TTL (created at least that long ago)
  left alone  a stack any of whose resources (or whose environments/<env>.json) says protected, whose protection
            tag is missing on a resource, or whose age cannot be told; resources without the stack's tags and
            names (untagged, foreign, other teams' templates, the same names on other domains) are never touched

Names are checked against the naming rule of ephemeral copies (live-demo-<env>-…, bucket …-<hash>-<appid>, domains
<env>.<domain>) or, for a stack that is not a copy, its environments/<env>.json.

Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY. Endpoints: --api-endpoint / --cos-endpoint, or
LIVE_INFRA_API_ENDPOINT / LIVE_INFRA_COS_ENDPOINT.

Output: progress on stderr; the report on stdout (text, or --format json: version 1, per stack its expiry and
each resource with type, id, marks, action and result).

Exit codes: 0 every expired stack is gone (--dry-run: the plan was printed); 1 something failed, was blocked,
was left for lack of marks, or a stack could not be read; 2 usage error.

Examples:
  npx live-infra janitor --dry-run
  npx live-infra janitor --format json > janitor.json
  npx live-infra janitor --older-than 12h
`;

export function register(program: Command): void {
  program
    .command("janitor")
    .description("Sweep the account's expired ephemeral stacks (TTL tags), never protected, untagged or foreign resources")
    .option("--dry-run", "print what would be swept; change nothing")
    .option("--older-than <duration>", "replace the TTL: sweep ephemeral stacks created at least this long ago (e.g. 6h, 1h30m, 2d)")
    .option("--environments <dir>", "folder of <env>.json files (default: the package's environments/)")
    .addOption(new Option("--format <format>", "report format on stdout").choices(["text", "json"]).default("text"))
    .option("--api-endpoint <url>", "send API 3.0 requests here (keeps the real host names), e.g. the sandbox")
    .option("--cos-endpoint <url>", "send COS requests here (keeps the real host names), e.g. the sandbox")
    .addHelpText("after", HELP)
    .action(
      action(async (flags: JanitorFlags) => {
        const olderThanMs = flags.olderThan !== undefined ? parseDuration(flags.olderThan) : undefined;
        const secretId = process.env.TENCENTCLOUD_SECRET_ID?.trim();
        const secretKey = process.env.TENCENTCLOUD_SECRET_KEY?.trim();
        if (!secretId || !secretKey) {
          throw new InputError(
            `TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set (an API key of the account allowed to delete ephemeral stacks)` +
              ` — missing: ${[!secretId && "TENCENTCLOUD_SECRET_ID", !secretKey && "TENCENTCLOUD_SECRET_KEY"].filter(Boolean).join(", ")}.`,
          );
        }
        const report = await runJanitor({
          credentials: { secretId, secretKey },
          endpoints: { apiEndpoint: flags.apiEndpoint, cosEndpoint: flags.cosEndpoint },
          environmentsDir: flags.environments ? path.resolve(flags.environments) : environmentsDir(),
          dryRun: !!flags.dryRun,
          ...(olderThanMs !== undefined ? { olderThanMs, olderThanText: flags.olderThan } : {}),
          onProgress: (line) => process.stderr.write(`janitor: ${line}\n`),
        });
        process.stdout.write(renderReport(report, flags.format));
        const unreadable = report.stacks.some((s) => s.error);
        return unreadable ? 1 : report.dryRun || report.ok ? 0 : 1;
      }),
    );
}
