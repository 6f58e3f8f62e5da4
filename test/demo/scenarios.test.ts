/**
 * Every demo scenario end to end through the REAL CLI (`node dist/cli/index.js demo --scenario X --format json`):
 * synth, the sandbox, a real MariaDB, migrate, demo rows, the breakage, validate, drift. Asserts the status of every check
 * id against the scenario table (listed fail/skip/warn, everything else pass), the FAQ keyword of failing checks,
 * the prerequisite named by skipped ones, and the exit code.
 *
 * The runs share the suite's MariaDB (LIVE_INFRA_TEST_MYSQL_URL from test/global-setup) — each demo works in a
 * database and user of its own and restores any global setting it changes — and run one after the other (in band
 * within this file). One extra run lets the demo launch its own MariaDB.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { SCENARIOS, Scenario, expectedStatus } from "../../demo/scenarios";

import { REPO_ROOT as ROOT, requireBuiltCli, runCli } from "../helpers/cli";

/** The check ids of the issue's table that every demo report carries (opt-in live.callback-reachable is omitted). */
const CORE_CHECKS = [
  "cos.bucket",
  "cos.secret-id",
  "cos.secret-key",
  "cos.upload",
  "live.callback-rule",
  "live.callback-url",
  "live.callback-key",
  "live.record-rule",
  "db.connect",
  "db.schema",
  "db.timezone",
  "db.replay-window",
];

interface Check {
  id: string;
  status: string;
  faqKeyword: string | null;
  message: string;
  remediation: string;
  skippedBecause: string | null;
  prerequisites: string[];
}
interface Report {
  version: number;
  stack: string;
  summary: Record<string, number>;
  checks: Check[];
}




function assertTable(s: Scenario, report: Report): void {
  const ids = report.checks.map((c) => c.id);
  for (const id of CORE_CHECKS) expect(ids).toContain(id);
  for (const id of [...s.expect.fail, ...s.expect.skip, ...s.expect.warn]) expect(ids).toContain(id);
  const got = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  const want = Object.fromEntries(report.checks.map((c) => [c.id, expectedStatus(s, c.id)]));
  expect(got).toEqual(want);
  for (const c of report.checks) {
    if (c.status === "fail") {
      const text = [c.faqKeyword ?? "", c.message, c.remediation].join("\n");
      for (const k of s.expect.keywords[c.id] ?? []) expect(text).toContain(k);
      expect(c.message.length).toBeGreaterThan(0);
    }
    if (c.status === "skip") {
      expect(c.skippedBecause).toBeTruthy();
    } else {
      expect(c.skippedBecause ?? null).toBeNull();
    }
  }
  const counts = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } as Record<string, number>;
  for (const c of report.checks) counts[c.status]++;
  expect(report.summary).toEqual(counts);
}

const durations: Record<string, number> = {};

/** The report's JSON Schema kept in the repo (validators/report.schema.json). */
const validateReportSchema = (() => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "validators", "report.schema.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
  return ajv.compile(schema);
})();

beforeAll(() => requireBuiltCli());

afterAll(() => {
  process.stderr.write(
    `demo wall times (s): ${Object.entries(durations).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(", ")}\n`,
  );
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))("demo --scenario %s", (name, s) => {
  test(`validate reports the scenario's table and exits ${s.expect.exitCode}`, async () => {
    const t0 = Date.now();
    const r = await runCli(["demo", "--scenario", name, "--format", "json", "--lang", "en"], process.env);
    durations[name] = Date.now() - t0;
    let report: Report;
    try {
      report = JSON.parse(r.stdout) as Report;
    } catch {
      throw new Error(`stdout is not one JSON document (exit ${r.code}).\nstdout:\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr.slice(-4000)}`);
    }
    expect(report.version).toBe(1);
    expect(report.stack).toBe("live-demo-dev");
    const valid = validateReportSchema(report);
    expect(valid ? null : validateReportSchema.errors).toBeNull();
    try {
      assertTable(s, report);
    } catch (err) {
      const table = report.checks.map((c) => `${c.id}: ${c.status} — ${c.message}`).join("\n");
      (err as Error).message += `\n\nreport:\n${table}\n\nstderr tail:\n${r.stderr.slice(-2000)}`;
      throw err;
    }
    expect(r.code).toBe(s.expect.exitCode);
    // Progress went to stderr, one line per step.
    expect(r.stderr).toMatch(/\[1\/9\] synth/);
    expect(r.stderr).toMatch(/cleaned up/);
    // Drift ran after validate, and its findings are exactly the scenario's.
    expect(r.stderr).toMatch(/\[9\/9\] drift: done/);
    expect(r.stderr).not.toMatch(/drift differs from the scenario/);
    expect(r.stderr).toMatch(s.expect.drift.length ? /Verdict: drift found/ : /Verdict: in sync/);
  }, 180_000);
});

test("healthy with the demo's own MariaDB (no LIVE_INFRA_TEST_MYSQL_URL), text format in Chinese", async () => {
  const env = { ...process.env };
  delete env.LIVE_INFRA_TEST_MYSQL_URL;
  const t0 = Date.now();
  const r = await runCli(["demo"], env);
  durations["healthy (own MariaDB, text)"] = Date.now() - t0;
  // Progress in the default language (zh), the demo's own lines included.
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

describe("CLI surface", () => {
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
