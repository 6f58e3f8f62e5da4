/**
 * The demo in-process for tests: `runDemo` (demo/run.ts) with its report and log captured, on the suite's MariaDB
 * (test/helpers/mysql.ts) and on ONE synth of the dev stack per test file:
 *
 *   const demo = inProcessDemo({ format: "json", lang: "en" });   // at the top level of a test file
 *   const r = await demo({ scenario: "wrong-bucket" });           // r.out: the report, r.log: progress and logs
 *
 * The synth is made at the first run and its folder removed after the file (afterAll); every run copies its
 * cdk.tf.json into a temp folder of its own (sandbox state, outputs and backend files per run), removed by the run.
 *
 * stdout: a run with `out` never touches process.stdout (no stdout guard), so jest's output stays clean. While a run
 * is under way, anything written to process.stdout is held back and fails the run — what reached stdout besides the
 * report is exactly what `live-infra demo` must never print. Runs in one file therefore must not overlap (jest runs a
 * file's tests one after the other unless told otherwise); an overlapping call is refused.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthStack, SynthesizedStack } from "../../demo/parts";
import { runDemo, DemoOptions, DemoResult, DEMO_ENV } from "../../demo/run";
import { expectedStatus, Scenario } from "../../demo/scenarios";
import { testServer } from "./mysql";

export interface CapturedDemo extends DemoResult {
  /** What runDemo wrote as the report (stdout of `live-infra demo`). */
  out: string;
  /** Progress and log lines (stderr of `live-infra demo`). */
  log: string[];
}

export type DemoRunner = (opts: Partial<DemoOptions> & { scenario: string }) => Promise<CapturedDemo>;

let running = false;

/**
 * A runner for one test file: `defaults` under each run's options; `mysqlUrl` defaults to the suite's server. A
 * `log` option still receives every line (after capture).
 */
export function inProcessDemo(defaults: Partial<DemoOptions> = {}): DemoRunner {
  let dir: string | undefined;
  let synth: Promise<SynthesizedStack> | undefined;
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const shared = (): Promise<SynthesizedStack> => {
    if (!synth) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-demo-synth-"));
      synth = synthStack(DEMO_ENV, path.join(dir, "cdktf.out"));
    }
    return synth;
  };

  return async (opts) => {
    if (running) throw new Error("inProcessDemo: a run is already under way; runs in one file must not overlap");
    running = true;
    const stdout = process.stdout;
    const original = stdout.write;
    let stray = "";
    stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stray += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const cb = rest.find((a) => typeof a === "function") as ((err?: Error | null) => void) | undefined;
      cb?.();
      return true;
    }) as typeof stdout.write;
    try {
      const synthesized = await shared();
      const mysqlUrl = opts.mysqlUrl ?? defaults.mysqlUrl ?? (await testServer()).url;
      let out = "";
      const log: string[] = [];
      const r = await runDemo({
        format: "json",
        lang: "en",
        ...defaults,
        ...opts,
        mysqlUrl,
        synthesized,
        out: (t) => {
          out += t;
        },
        log: (l) => {
          log.push(l);
          (opts.log ?? defaults.log)?.(l);
        },
      });
      if (stray) throw new Error(`the demo wrote to process.stdout besides its report:\n${stray.slice(0, 2000)}`);
      return { ...r, out, log };
    } finally {
      if (stdout.write !== original) stdout.write = original;
      running = false;
    }
  };
}

/** The check ids of the table that every demo report carries (opt-in live.callback-reachable is omitted). */
export const CORE_CHECKS = [
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

export interface ReportCheck {
  id: string;
  status: string;
  faqKeyword: string | null;
  message: string;
  remediation: string;
  skippedBecause: string | null;
  prerequisites: string[];
}
export interface JsonReport {
  version: number;
  stack: string;
  summary: Record<string, number>;
  checks: ReportCheck[];
}

/**
 * Asserts a validate report against the scenario's table (demo/scenarios.ts): every listed check has its status and
 * every other one passes, failing checks carry the scenario's FAQ keywords and a message, only skipped checks name
 * what they were skipped for, and the summary counts match.
 */
export function assertScenarioTable(s: Scenario, report: JsonReport): void {
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
