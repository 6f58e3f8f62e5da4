/**
 * `live-infra demo`: synth + sandbox + MariaDB + migrate + demo rows + validate + drift, offline, in one command
 * (`npm run demo`). The orchestration lives in demo/run.ts; this file parses arguments and sets the exit code.
 */
import { Command, Option } from "commander";
import { InputError } from "../common/errors";
import type { ReportFormat, Lang } from "../demo/run";
import { SCENARIOS, SCENARIO_NAMES } from "../demo/scenarios";
import { action, EXIT_OK } from "./run";

const FORMATS: readonly ReportFormat[] = ["text", "json", "junit", "markdown", "html"];
const LANGS: readonly Lang[] = ["zh", "en"];

function scenarioList(lang: Lang): string {
  const width = Math.max(...SCENARIO_NAMES.map((n) => n.length));
  return SCENARIOS.map((s) => {
    const fails = s.expect.fail.length
      ? `fail: ${s.expect.fail.join(", ")}`
      : s.expect.warn.length
        ? `warn: ${s.expect.warn.join(", ")}`
        : "all pass";
    return `${s.name.padEnd(width)}  ${s.breaks[lang]}  → ${fails}`;
  }).join("\n");
}

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "Run the whole flow offline: synth the dev stack, start MariaDB (TencentDB stand-in) and the Tencent Cloud " +
        "sandbox seeded from the stack, migrate the schema, seed demo rows, render the backend's OutDefine.php and " +
        "cdn.route.ini, break one thing (--scenario), validate, check drift, print both reports and clean up. " +
        "Exit code = validate's: 0 nothing failed, 1 a check failed or errored (or drift differs from what the " +
        "scenario expects), 2 usage error.",
    )
    .option("--scenario <name>", `what to break before validating (see --list-scenarios)`, "healthy")
    .option("--list-scenarios", "print the scenario names with what each breaks, then exit")
    .addOption(new Option("--format <format>", "report format; json/junit/markdown put only the report on stdout").choices([...FORMATS]).default("text"))
    .addOption(new Option("--lang <lang>", "language of titles, messages and remediation").choices([...LANGS]).default("zh"))
    .addHelpText(
      "after",
      "\nProgress and logs (and the verdict, with --format json|junit|markdown) go to stderr.\n" +
        "LIVE_INFRA_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/ reuses an existing server instead of launching MariaDB\n" +
        "(the demo then uses a database and user of its own and drops them afterwards).\n" +
        "LIVE_INFRA_DEBUG=1 also logs every request the sandbox answers (SecretIds masked).\n\n" +
        `Scenarios:\n${scenarioList("en").replace(/^/gm, "  ")}\n\n` +
        "Examples:\n  npm run demo\n  npx live-infra demo --scenario wrong-secret-key --lang en\n" +
        "  npx live-infra demo --scenario tb-vod-missing --format json > report.json\n",
    )
    .action(
      action(async (o: { scenario: string; listScenarios?: boolean; format: ReportFormat; lang: Lang }) => {
        if (o.listScenarios) {
          process.stdout.write(`${scenarioList(o.lang)}\n`);
          return EXIT_OK;
        }
        if (!SCENARIO_NAMES.includes(o.scenario)) {
          throw new InputError(`unknown scenario "${o.scenario}"; allowed: ${SCENARIO_NAMES.join(", ")}`);
        }
        // Loaded on use: --help and --list-scenarios stay light.
        const { runDemo } = await import("../demo/run");
        const r = await runDemo({ scenario: o.scenario, format: o.format, lang: o.lang });
        return r.exitCode;
      }),
    );
}
