/**
 * bench/demo: `live-infra demo` (healthy scenario) as a process, spawn → exit, N runs — what `npm run demo` makes a
 * user wait for (goal ≤ 3 s, median) — and runDemo in-process N times after an unmeasured warm-up (modules loaded).
 *
 * By default both launch their own MariaDB like a user's run does (LIVE_INFRA_TEST_MYSQL_URL is ignored);
 * `--shared-mysql` uses one server for all runs (LIVE_INFRA_TEST_MYSQL_URL or one launched here) and says so in
 * the figures' notes — quicker, but not what a user waits for.
 *
 *   npm run build && node dist/bench/demo.js [--runs N] [--shared-mysql] [--json]   (default 3 runs)
 */
import { runDemo } from "../demo/run";
import { getMysqlServer, MysqlServer } from "../sandbox/mariadb";
import { BenchReport, checkFlags, emit, figure, numFlag, runMain, since, timeCli, UsageError } from "./lib/harness";

const GOAL_S = 3;

export async function benchDemo(runs: number, sharedMysql: boolean): Promise<BenchReport> {
  const command = `node dist/bench/demo.js --runs ${runs}${sharedMysql ? " --shared-mysql" : ""}`;
  const errors: string[] = [];
  const testUrl = process.env.LIVE_INFRA_TEST_MYSQL_URL;
  let server: MysqlServer | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (sharedMysql) {
    server = await getMysqlServer({});
    env.LIVE_INFRA_TEST_MYSQL_URL = server.url;
  } else {
    delete env.LIVE_INFRA_TEST_MYSQL_URL;
    delete process.env.LIVE_INFRA_TEST_MYSQL_URL; // runDemo reads it when no mysqlUrl is given
  }
  const proc: number[] = [];
  const inProc: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await timeCli(["demo", "--format", "json", "--lang", "en"], { env });
      // A failed run is reported, never timed: its time is not a demo's.
      if (r.code !== 0) errors.push(`process run ${i + 1}: exit ${r.code}: ${r.stderr.trim().split("\n").slice(-1)[0] ?? ""}`);
      else proc.push(r.seconds);
    }
    for (let i = -1; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = await runDemo({ scenario: "healthy", format: "json", lang: "en", out: () => undefined, log: () => undefined, mysqlUrl: server?.url });
      const s = since(t0);
      if (r.exitCode !== 0) errors.push(`in-process run ${i + 2}: exit code ${r.exitCode}`);
      else if (i >= 0) inProc.push(s);
    }
  } finally {
    await server?.stop();
    if (testUrl !== undefined) process.env.LIVE_INFRA_TEST_MYSQL_URL = testUrl;
  }
  const db = sharedMysql ? "one shared MariaDB (not started per run)" : "each run starts its own MariaDB";
  return {
    bench: "demo",
    command,
    figures: [
      figure("`live-infra demo` as a process", "s", proc, { goal: { max: GOAL_S, text: `≤ ${GOAL_S} s` }, note: `spawn → exit; ${db}` }),
      figure("runDemo in-process", "s", inProc, { note: `modules loaded (after a warm-up run); ${db}` }),
    ],
    errors,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: node dist/bench/demo.js [--runs N] [--shared-mysql] [--json]\nTimes `live-infra demo` as a process (goal ≤ 3 s) and runDemo in-process.\n");
    return;
  }
  checkFlags(argv, { values: ["--runs"], switches: ["--json", "--shared-mysql"] });
  const runs = numFlag(argv, "--runs", 3, { int: true });
  if (runs > 100) throw new UsageError("--runs must be ≤ 100");
  emit(await benchDemo(runs, argv.includes("--shared-mysql")), argv.includes("--json"));
}

if (require.main === module) runMain("demo", main);
