/**
 * bench/migrate: time of a fresh migrate (empty server → live_demo at the declared schema) and of a no-op re-run,
 * on a throwaway MariaDB it starts itself (or LIVE_INFRA_TEST_MYSQL_URL). Run: `npm run build && npm run bench:migrate`.
 * Prints one line per measurement on stdout; server output goes to its own log file.
 */
import { getMysqlServer } from "../sandbox/mariadb";
import { migrate, ServerAccount } from "../stacks/database/migrate";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  return `median ${median.toFixed(1)} ms, min ${s[0].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const startT = process.hrtime.bigint();
  const server = await getMysqlServer();
  const startMs = Number(process.hrtime.bigint() - startT) / 1e6;
  try {
    const account: ServerAccount = { host: server.host, port: server.port, user: server.user, password: server.password };
    const fresh: number[] = [];
    const noop: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const database = `bench_${process.pid}_${i}`;
      fresh.push(await timed(() => migrate({ account, database })));
      noop.push(await timed(() => migrate({ account, database })));
    }
    process.stdout.write(`mariadb start: ${startMs.toFixed(0)} ms${server.external ? " (external server)" : ""}\n`);
    process.stdout.write(`fresh migrate: ${stats(fresh)}\n`);
    process.stdout.write(`no-op re-run:  ${stats(noop)}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench/migrate: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
