/**
 * bench/migrate: time of a fresh migrate (empty server → live_demo at the declared schema) and of a no-op re-run,
 * on a throwaway MariaDB it starts itself (or LIVE_INFRA_TEST_MYSQL_URL), in-process (median/min/max over N runs).
 * Run: `npm run build && node dist/bench/migrate.js [--runs N] [--json]`; server output goes to its own log file.
 *
 * Each run migrates its own new database `bench_<pid>_<random>_<i>`. At the end (also after a failure) the bench
 * drops exactly the databases that its migrate runs reported as created — never one that existed before — so an
 * external server (LIVE_INFRA_TEST_MYSQL_URL) is left as it was found.
 */
import { getMysqlServer } from "../sandbox/mariadb";
import { connectAccount, migrate, ServerAccount } from "../database/migrate";
import { ident } from "../database/schema";
import { BenchReport, checkFlags, emit, figure, numFlag, runMain, since, UsageError } from "./lib/harness";

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export interface BenchResult {
  fresh: number[];
  noop: number[];
  /** Databases the runs created (all dropped again before returning). */
  created: string[];
}

/**
 * Times `runs` fresh migrates and no-op re-runs on `account`'s server, then drops the databases those runs created.
 * `nameOf(i)` names run i's database (default `bench_<pid>_<random>_<i>`).
 */
export async function benchMigrate(
  account: ServerAccount,
  runs: number,
  nameOf: (i: number) => string = defaultNames(),
): Promise<BenchResult> {
  const out: BenchResult = { fresh: [], noop: [], created: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const database = nameOf(i);
      const first = await timed(() => migrate({ account, database }));
      if (first.value.createdDatabase) out.created.push(database);
      out.fresh.push(first.ms);
      out.noop.push((await timed(() => migrate({ account, database }))).ms);
    }
  } finally {
    if (out.created.length) {
      const conn = await connectAccount(account);
      try {
        for (const db of out.created) await conn.query(`DROP DATABASE IF EXISTS ${ident(db)}`);
      } finally {
        await conn.end().catch(() => undefined);
      }
    }
  }
  return out;
}

function defaultNames(): (i: number) => string {
  const tag = `bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return (i) => `${tag}_${i}`;
}

export async function benchMigrateReport(runs: number): Promise<BenchReport> {
  const startT = process.hrtime.bigint();
  const server = await getMysqlServer();
  const startS = since(startT);
  try {
    const account: ServerAccount = { host: server.host, port: server.port, user: server.user, password: server.password };
    const { fresh, noop } = await benchMigrate(account, runs);
    return {
      bench: "migrate",
      command: `node dist/bench/migrate.js --runs ${runs}`,
      figures: [
        ...(server.external ? [] : [figure("MariaDB start", "s", [startS], { note: "one launch (launchMariaDb)" })]),
        figure("fresh migrate (in-process)", "ms", fresh, { note: "empty server → live_demo at the declared schema" }),
        figure("no-op re-run (in-process)", "ms", noop, { note: "already at the declared schema" }),
      ],
      errors: [],
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: node dist/bench/migrate.js [--runs N] [--json]\nTimes a fresh migrate and a no-op re-run (default 5 runs; BENCH_RUNS works too).\n");
    return;
  }
  checkFlags(argv, { values: ["--runs"], switches: ["--json"] });
  const runs = numFlag(argv, "--runs", Number(process.env.BENCH_RUNS ?? 5), { int: true });
  if (runs > 1000) throw new UsageError("--runs must be ≤ 1000");
  emit(await benchMigrateReport(runs), argv.includes("--json"));
}

if (require.main === module) runMain("migrate", main);
