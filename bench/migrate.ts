/**
 * bench/migrate: time of a fresh migrate (empty server → live_demo at the declared schema) and of a no-op re-run,
 * on a throwaway MariaDB it starts itself (or LIVE_INFRA_TEST_MYSQL_URL). Run: `npm run build && npm run bench:migrate`.
 * Prints one line per measurement on stdout; server output goes to its own log file.
 *
 * Each run migrates its own new database `bench_<pid>_<random>_<i>`. At the end (also after a failure) the bench
 * drops exactly the databases that its migrate runs reported as created — never one that existed before — so an
 * external server (LIVE_INFRA_TEST_MYSQL_URL) is left as it was found.
 */
import { getMysqlServer } from "../sandbox/mariadb";
import { connectAccount, migrate, ServerAccount } from "../database/migrate";
import { ident } from "../database/schema";

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  return `median ${median.toFixed(1)} ms, min ${s[0].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`;
}

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

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const startT = process.hrtime.bigint();
  const server = await getMysqlServer();
  const startMs = Number(process.hrtime.bigint() - startT) / 1e6;
  try {
    const account: ServerAccount = { host: server.host, port: server.port, user: server.user, password: server.password };
    const { fresh, noop } = await benchMigrate(account, runs);
    process.stdout.write(`mariadb start: ${startMs.toFixed(0)} ms${server.external ? " (external server)" : ""}\n`);
    process.stdout.write(`fresh migrate: ${stats(fresh)}\n`);
    process.stdout.write(`no-op re-run:  ${stats(noop)}\n`);
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench/migrate: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
