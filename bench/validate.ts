/**
 * `npm run bench:validate`: how long `validate` takes when every Tencent Cloud call is slow.
 *
 * Sets up the healthy demo environment (synth, MariaDB, sandbox, migrate, demo rows, backend config), injects
 * LATENCY ms on every API 3.0 and COS request through the sandbox's fault rules, and runs validate once. Prints its
 * wall time as a multiple of LATENCY (goal ≤ 3.5: the longest dependent chain is the upload probe's
 * PUT → HEAD → DELETE; the shared signed GET runs alongside it), next to the number of calls and the sum of their
 * latency — what a checklist running one call after another would take at least.
 *
 * One MariaDB serves every run (LIVE_INFRA_TEST_MYSQL_URL when set, else one launched here); a first, unmeasured
 * run warms up the process (module loading, JIT). The same number of runs without injected latency gives the local
 * overhead (the in-process sandbox, SDK request building, MySQL queries), printed alongside.
 *
 * Usage: node dist/bench/validate.js [--latency MS] [--runs N]   (defaults 100 ms, 5 runs; medians are reported)
 */
import { runDemo } from "../demo/run";
import { getMysqlServer } from "../sandbox/mariadb";

const GOAL = 3.5;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench:validate: ${name} needs a positive number\n`);
    process.exit(2);
  }
  return n;
}

interface Sample {
  wallMs: number;
  calls: number;
  summary: Record<string, number>;
}

async function once(latencyMs: number, mysqlUrl: string): Promise<Sample> {
  let calls = 0;
  let wallMs = 0;
  const quiet = process.env.LIVE_INFRA_BENCH_VERBOSE ? undefined : () => undefined;
  const r = await runDemo({
    scenario: "healthy",
    format: "json",
    lang: "en",
    out: () => undefined,
    log: quiet,
    mysqlUrl,
    faults: { rules: { "*": { latencyMs } } },
    beforeValidate: (ctx) => {
      // Count every request that reaches the fault layer (each API 3.0 / COS call) from here on.
      const faults = ctx.sandbox.faults;
      const decide = faults.decide.bind(faults);
      faults.decide = (service: string, action: string) => {
        calls++;
        return decide(service, action);
      };
    },
    onValidated: (ms) => {
      wallMs = ms;
    },
  });
  return { wallMs, calls, summary: r.result.summary };
}

const median = (xs: Sample[]) => [...xs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const latency = arg("--latency", 100);
  const runs = arg("--runs", 5);
  const server = await getMysqlServer();
  try {
    await once(latency, server.url); // warm-up, not measured
    const samples: Sample[] = [];
    const baseline: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await once(latency, server.url));
      baseline.push(await once(0, server.url));
    }
    const med = median(samples);
    const base = median(baseline);
    const ratio = med.wallMs / latency;
    const sequential = med.calls * latency;
    const s = med.summary;
    process.stdout.write(
      [
        `validate with ${latency} ms injected on every API and COS call (median of ${runs} runs, after a warm-up):`,
        `  wall time        ${(med.wallMs / 1000).toFixed(2)} s = ${ratio.toFixed(2)} × latency (goal ≤ ${GOAL}: ${ratio <= GOAL ? "met" : "MISSED"})`,
        `  sequential sum   ${(sequential / 1000).toFixed(2)} s = ${med.calls} calls × ${latency} ms (= ${med.calls} × latency)`,
        `  no latency       ${(base.wallMs / 1000).toFixed(2)} s local overhead (in-process sandbox, SDKs, MySQL); ` +
          `(wall − overhead) / latency = ${((med.wallMs - base.wallMs) / latency).toFixed(2)}`,
        `  all runs         ${samples.map((x) => `${(x.wallMs / 1000).toFixed(2)} s`).join(", ")}`,
        `  verdicts         ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.error} error, ${s.skip} skip`,
        "",
      ].join("\n"),
    );
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:validate: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
