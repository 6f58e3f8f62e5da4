/**
 * Each bench script (dist/bench/*.js) starts as a process, finishes with tiny parameters and prints its JSON result
 * line; bad flags exit 2; `all` writes the results file named by --out and leaves bench/RESULTS.md alone. The
 * benches' figures are not asserted (they are measurements, not tests); nothing in bench/ runs in `npm test` beyond
 * this. Every run starts at once in beforeAll; the benches that need MySQL use the suite's server
 * (LIVE_INFRA_TEST_MYSQL_URL, inherited; demo through --shared-mysql).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, requireBuiltCli } from "../helpers/cli";

const BENCH = path.join(REPO_ROOT, "dist", "bench");
const RESULTS = path.join(REPO_ROOT, "bench", "RESULTS.md");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Bench processes not yet exited; afterAll ends any left (a test that timed out) so none outlives the suite. */
const running = new Set<ChildProcess>();

function run(script: string, args: string[], nodeFlags: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, path.join(BENCH, script), ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.on("exit", () => running.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Report {
  bench: string;
  command: string;
  figures: Array<{ name: string; unit: string; samples: number[]; median: number; goal: string | null; met: boolean | null }>;
  errors: string[];
}

/** The single JSON line a bench prints on stdout with --json. */
function report(r: Run): Report {
  const lines = r.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]) as Report;
}

const names = (r: Report) => r.figures.map((f) => f.name);

let tmp: string;
let resultsBefore: string | undefined;
/** The runs, started together (most of their time is waiting on MariaDB, the sandbox or injected latency). */
const runs: Record<string, Promise<Run>> = {};
beforeAll(() => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-start-"));
  resultsBefore = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, "utf8") : undefined;
  runs.help = run("help.js", ["--runs", "1", "--json"]);
  runs.validate = run("validate.js", ["--runs", "1", "--latency", "20", "--json"]);
  runs.soak = run("soak.js", ["--rounds", "2", "--seed", "1", "--json"], ["--expose-gc"]);
  runs.demo = run("demo.js", ["--runs", "1", "--shared-mysql", "--json"]);
  runs.synth = run("synth.js", ["--runs", "1", "--json"]);
  runs.migrate = run("migrate.js", ["--runs", "1", "--json"]);
  runs.fuzz = run("fuzz.js", ["--runs", "5", "--only", "outputs"]);
  runs.fleet = run("fleet.js", ["--envs", "2", "--runs", "1", "--rate-limit", "3", "--process-runs", "0", "--json"]);
  runs.all = run("all.js", ["--only", "help", "--runs", "1", "--out", path.join(tmp, "RESULTS.md"), "--npm-test-seconds", "42.5"]);
  runs.badHelp = run("help.js", ["--runs", "0"]);
  runs.badSoak = run("soak.js", ["--round", "2"]);
});
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
  fs.rmSync(tmp, { recursive: true, force: true });
  // bench/RESULTS.md is exactly as it was.
  expect(fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, "utf8") : undefined).toBe(resultsBefore);
});

test("help: --runs 1 --json prints one result line with the goal judged", async () => {
  const r = await runs.help;
  expect(r.code).toBe(0);
  const rep = report(r);
  expect(rep.bench).toBe("help");
  expect(rep.errors).toEqual([]);
  const help = rep.figures.find((f) => f.name === "`live-infra --help`")!;
  expect(help.samples).toHaveLength(1);
  expect(help.goal).toBe("≤ 0.15 s");
  expect(typeof help.met).toBe("boolean");
  expect(names(rep)).toContain("`node -e 0` (baseline)");
  expect(r.stderr).toMatch(/live-infra --version/); // the text form goes to stderr with --json
}, 120_000);

test("bad flags exit 2 with one line naming the flag", async () => {
  const a = await runs.badHelp;
  expect(a.code).toBe(2);
  expect(a.stderr.trim()).toMatch(/^bench\/help: --runs needs an integer ≥ 1/);
  const b = await runs.badSoak;
  expect(b.code).toBe(2);
  expect(b.stderr).toMatch(/unknown argument "--round"/);
  expect(b.stderr).not.toMatch(/\n\s+at /); // no stack trace
});

test("validate: the process and in-process figures side by side", async () => {
  const r = await runs.validate;
  expect(r.code).toBe(0);
  const rep = report(r);
  expect(rep.errors).toEqual([]);
  const net = rep.figures.find((f) => /as a process, net of/.test(f.name))!;
  expect(net.goal).toBe("≤ 4.0 ×");
  expect(names(rep).some((n) => /in-process/.test(n))).toBe(true);
  const calls = rep.figures.find((f) => f.name === "calls per validate")!;
  expect(calls.median).toBeGreaterThan(0);
}, 120_000);

test("soak: 2 rounds, verdicts as the scenarios say, memory figures", async () => {
  const r = await runs.soak;
  expect(r.code).toBe(0);
  const rep = report(r);
  expect(rep.errors).toEqual([]);
  expect(rep.figures[0]).toMatchObject({ name: "soak rounds with verdicts ≠ the scenario's", samples: [0], met: true });
  expect(names(rep)).toEqual(expect.arrayContaining(["soak round time (p99)", "heap growth"]));
}, 120_000);

test("demo: one process run and one in-process run on the shared server", async () => {
  const r = await runs.demo;
  expect(r.code).toBe(0);
  const rep = report(r);
  expect(rep.errors).toEqual([]);
  expect(rep.figures.map((f) => f.samples.length)).toEqual([1, 1]);
}, 120_000);

test("fleet: 2 environments, in-process only, the goal judged", async () => {
  const r = await runs.fleet;
  expect(r.code).toBe(0);
  const rep = report(r);
  expect(rep.bench).toBe("fleet");
  expect(rep.errors).toEqual([]);
  const bound = rep.figures.find((f) => /^fleet: 2 environments, 3 req\/s per action, in-process$/.test(f.name))!;
  expect(bound.samples).toHaveLength(1);
  expect(bound.goal).toBe("≤ 1.2 × bound");
  expect(typeof bound.met).toBe("boolean");
  expect(names(rep).some((n) => /as a process/.test(n))).toBe(false); // --process-runs 0
}, 120_000);

test("synth, migrate and fuzz start and finish", async () => {
  const [s, m, f] = await Promise.all([runs.synth, runs.migrate, runs.fuzz]);
  expect(s.code).toBe(0);
  expect(report(s).figures).toHaveLength(2);
  expect(m.code).toBe(0);
  expect(report(m).errors).toEqual([]);
  expect(f.code).toBe(0);
}, 120_000);

test("all: --only help writes the --out file (machine, goals, npm test slot) and no machine path", async () => {
  const out = path.join(tmp, "RESULTS.md");
  const r = await runs.all;
  expect(r.code).toBe(0);
  const text = fs.readFileSync(out, "utf8");
  expect(text).toMatch(/^# Benchmark results/);
  expect(text).toMatch(/\| Node \| v\d+/);
  expect(text).toMatch(/\| machine \| .*cores/);
  expect(text).toContain("`npm run bench -- --only help --runs 1 --npm-test-seconds 42.5`");
  expect(text).toMatch(/\| `live-infra --help` \| [\d.]+ s \| ≤ 0\.15 s \| (met|\*\*not met\*\*) \|/);
  expect(text).toMatch(/\| `npm test` \(whole suite\) \| 42\.5 s \| ≤ 60 s \| met \|/);
  expect(text).not.toContain(REPO_ROOT);
  expect(text).not.toContain(tmp);
}, 120_000);
