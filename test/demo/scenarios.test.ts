/**
 * Every demo scenario end to end, in-process through the demo's own API (`runDemo`, as `live-infra demo --scenario X
 * --format json --lang en` calls it): synth, the sandbox, a real MariaDB, migrate, demo rows, the breakage, validate,
 * drift. Asserts the status of every check id against the scenario table (listed fail/skip/warn, everything else
 * pass), the FAQ keyword of failing checks, the prerequisite named by skipped ones, the exit code, and that drift's
 * findings are exactly the scenario's.
 *
 * The runs share one synth of the dev stack (test/helpers/demo.ts) and the suite's MariaDB (LIVE_INFRA_TEST_MYSQL_URL
 * from test/global-setup) — each demo works in a database and user of its own and restores any global setting it
 * changes — and run one after the other. The REAL CLI runs the healthy demo once, launching its own MariaDB, and
 * its surface (--help, --list-scenarios, a bad scenario); test/demo/faults.test.ts runs it with --format json.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { SCENARIOS } from "../../demo/scenarios";

import { REPO_ROOT as ROOT, requireBuiltCli, runCli } from "../helpers/cli";
import { assertScenarioTable, inProcessDemo, JsonReport } from "../helpers/demo";

const demo = inProcessDemo({ format: "json", lang: "en" });

const durations: Record<string, number> = {};

/** The report's JSON Schema kept in the repo (validators/report.schema.json). */
const validateReportSchema = (() => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "validators", "report.schema.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
  return ajv.compile(schema);
})();

afterAll(() => {
  process.stderr.write(
    `demo wall times (s): ${Object.entries(durations).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(", ")}\n`,
  );
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))("demo --scenario %s", (name, s) => {
  test(`validate reports the scenario's table and exits ${s.expect.exitCode}`, async () => {
    const t0 = Date.now();
    const r = await demo({ scenario: name });
    durations[name] = Date.now() - t0;
    const stderr = r.log.join("\n");
    let report: JsonReport;
    try {
      report = JSON.parse(r.out) as JsonReport;
    } catch {
      throw new Error(`the report is not one JSON document (exit ${r.exitCode}).\nreport:\n${r.out.slice(0, 2000)}\nlog:\n${stderr.slice(-4000)}`);
    }
    expect(report.version).toBe(1);
    expect(report.stack).toBe("live-demo-dev");
    const valid = validateReportSchema(report);
    expect(valid ? null : validateReportSchema.errors).toBeNull();
    try {
      assertScenarioTable(s, report);
    } catch (err) {
      const table = report.checks.map((c) => `${c.id}: ${c.status} — ${c.message}`).join("\n");
      (err as Error).message += `\n\nreport:\n${table}\n\nlog tail:\n${stderr.slice(-2000)}`;
      throw err;
    }
    expect(r.exitCode).toBe(s.expect.exitCode);
    // Progress went to the log, one line per step.
    expect(stderr).toMatch(/\[1\/9\] synth/);
    expect(stderr).toMatch(/cleaned up/);
    // Drift ran after validate, and its findings are exactly the scenario's.
    expect(stderr).toMatch(/\[9\/9\] drift: done/);
    expect(r.driftMismatch).toEqual([]);
    expect(stderr).not.toMatch(/drift differs from the scenario/);
    expect(stderr).toMatch(s.expect.drift.length ? /Verdict: drift found/ : /Verdict: in sync/);
  }, 60_000);
});

describe("the real CLI", () => {
  beforeAll(() => requireBuiltCli());

  test("healthy with the demo's own MariaDB (no LIVE_INFRA_TEST_MYSQL_URL), text format in Chinese", async () => {
    const env = { ...process.env };
    delete env.LIVE_INFRA_TEST_MYSQL_URL;
    const t0 = Date.now();
    const r = await runCli(["demo"], env);
    durations["healthy (CLI, own MariaDB, text)"] = Date.now() - t0;
    // Progress in the default language (zh), the demo's own lines included.
    expect(r.stderr).toMatch(/\[1\/9\] 合成/);
    expect(r.stderr).toMatch(/已启动 MariaDB/);
    expect(r.stderr).toMatch(/已清理/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/结论/);
    // The MariaDB it launched is stopped.
    const m = /已启动 MariaDB，地址 127\.0\.0\.1:(\d+)/.exec(r.stderr);
    expect(m).not.toBeNull();
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port: Number(m![1]) });
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 180_000);

  test("--list-scenarios names every scenario with what it breaks", async () => {
    const r = await runCli(["demo", "--list-scenarios", "--lang", "en"], process.env);
    expect(r.code).toBe(0);
    for (const s of SCENARIOS) expect(r.stdout).toContain(`${s.name} `);
    expect(r.stdout).toContain(SCENARIOS[1].breaks.en);
  });

  test("an unknown scenario exits 2 and names the allowed ones", async () => {
    const r = await runCli(["demo", "--scenario", "wrong-bukket"], process.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("wrong-bukket");
    for (const s of SCENARIOS) expect(r.stderr).toContain(s.name);
  });

  test("--help documents every option", async () => {
    const r = await runCli(["demo", "--help"], process.env);
    expect(r.code).toBe(0);
    for (const flag of ["--scenario", "--list-scenarios", "--format", "--lang"]) expect(r.stdout).toContain(flag);
  });
});
