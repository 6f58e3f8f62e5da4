/**
 * bench/soak: M rounds of the demo in one process, each a random scenario (demo/scenarios.ts) under a random fault
 * mix on every API 3.0 and COS call:
 *   throttling   0–30 % of calls (RequestLimitExceeded / COS 503 SlowDown)
 *   5xx          0–10 %
 *   drops        0–5 % (connection destroyed without an answer)
 *   spikes       0–5 % of calls delayed 200–1000 ms more (the sandbox's spikeRate/spikeMs), and 0–2 services or
 *                actions slow by 200–1000 ms on every call (e.g. `cos:*`, `live:DescribeLiveDomains`)
 * Every check's verdict must equal the scenario's (expectedStatus), the exit code the scenario's, and drift's
 * findings the scenario's; a round that differs is reported with its seed. Reported: p50/p99 round time, heap and
 * RSS after a forced GC once the warm-up rounds have run (warmupRounds: modules loaded, code compiled) and after the
 * last; goal: heap used grows by ≤ HEAP_TOLERANCE_MB (RSS is reported, not judged: the allocator keeps freed pages).
 * What still grows, measured with heap snapshots (≈ 40–70 KB a round), is library caches that each round's new
 * sandbox port and new database feed: Node's fetch keeps a connection pool per origin, mysql2 caches compiled row
 * parsers (LRU, at most 15,000), fetch's resource timing buffer (capped at 250 entries).
 *
 * The rounds share one synth of the dev stack (runDemo's `synthesized`), as a long-running process would: cdktf keeps
 * every token it ever made in a process-wide map (global.__cdktfTokenMap, with the constructs they reference), so
 * each in-process synth retains ≈ 0.3–0.5 MB for good — harmless for a CLI that synthesizes once and exits.
 * `--synth-each-round` synthesizes in every round instead (and shows that growth).
 *
 * Round i uses seed S + i (S from --seed, default 1): it picks the scenario and the faults and seeds the sandbox's
 * fault dice, so `--seed <round seed> --rounds 1` replays a round (checks run concurrently, so the order of requests —
 * and with it which call draws which die — can differ slightly between runs).
 *
 * All rounds share one MariaDB (LIVE_INFRA_TEST_MYSQL_URL when set, else one launched here).
 *
 *   npm run build && node --expose-gc dist/bench/soak.js [--rounds M] [--seed S] [--synth-each-round] [--json]
 *   (default 200 rounds)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as v8 from "v8";
import * as vm from "vm";
import { synthStack, SynthesizedStack } from "../demo/parts";
import { runDemo, DEMO_ENV } from "../demo/run";
import { expectedStatus, SCENARIOS, Scenario } from "../demo/scenarios";
import type { FaultConfig, FaultSpec } from "../sandbox/faults";
import { getMysqlServer } from "../sandbox/mariadb";
import { BenchReport, Figure, checkFlags, emit, figure, numFlag, percentile, prng, runMain, since, UsageError } from "./lib/harness";

const HEAP_TOLERANCE_MB = 10;
const SPIKE_TARGETS = ["cos:*", "live:*", "cdb:*", "cam:*", "cos:PutObject", "cos:HeadObject", "live:DescribeLiveDomains", "live:DescribeLiveCallbackRules"];

export interface Round {
  seed: number;
  scenario: Scenario;
  faults: FaultConfig;
}

/** The scenario and fault mix of the round with this seed. */
export function planRound(seed: number): Round {
  const r = prng(seed);
  const scenario = SCENARIOS[Math.floor(r() * SCENARIOS.length)];
  const to3 = (x: number) => Math.round(x * 1000) / 1000;
  const rules: Record<string, FaultSpec> = {
    "*": {
      throttleRate: to3(r() * 0.3),
      errorRate: to3(r() * 0.1),
      dropRate: to3(r() * 0.05),
      // Random latency spikes on any request: up to 5 % of them, 200–1000 ms each.
      spikeRate: to3(r() * 0.05),
      spikeMs: 200 + Math.floor(r() * 800),
    },
  };
  // And 0–2 services or actions that are slow on every request for the round.
  const slow = Math.floor(r() * 3);
  for (let i = 0; i < slow; i++) {
    const target = SPIKE_TARGETS[Math.floor(r() * SPIKE_TARGETS.length)];
    rules[target] = { latencyMs: 200 + Math.floor(r() * 800) };
  }
  return { seed, scenario, faults: { rules } };
}

/**
 * Rounds before the starting memory is taken: the first rounds load modules lazily and fill V8's code caches (about
 * 0.3 MB a round for the first ten here). 1 for short runs, up to 10.
 */
export function warmupRounds(rounds: number): number {
  return Math.max(1, Math.min(10, Math.floor(rounds / 5)));
}

/** A forced GC: global.gc under --expose-gc, otherwise the flag is switched on at run time. */
function forcedGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

function memory(gc: () => void): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 };
}

/** Calls that got a fault in a round (from the sandbox's fault decisions). */
export interface Injected {
  calls: number;
  throttled: number;
  serverErrors: number;
  dropped: number;
}

/** What differs from the scenario's expectations (empty: as expected), and the faults the sandbox injected. */
async function playRound(
  round: Round,
  mysqlUrl: string,
  synthesized: SynthesizedStack | undefined,
  injected: Injected,
): Promise<string[]> {
  const s = round.scenario;
  const r = await runDemo({
    scenario: s.name,
    format: "json",
    lang: "en",
    out: () => undefined,
    log: () => undefined,
    mysqlUrl,
    synthesized,
    faults: round.faults,
    beforeValidate: (ctx) => {
      const faults = ctx.sandbox.faults;
      faults.reseed(round.seed);
      const decide = faults.decide.bind(faults);
      faults.decide = (service: string, action: string) => {
        const d = decide(service, action);
        injected.calls++;
        if (d.drop) injected.dropped++;
        else if (d.throttle) injected.throttled++;
        else if (d.serverError) injected.serverErrors++;
        return d;
      };
    },
  });
  const diffs: string[] = [];
  for (const c of r.result.checks) {
    const want = expectedStatus(s, c.id);
    if (c.status !== want) diffs.push(`${c.id} ${c.status} (expected ${want}${c.message ? `: ${c.message.slice(0, 160)}` : ""})`);
  }
  if (r.exitCode !== s.expect.exitCode) diffs.push(`exit code ${r.exitCode} (expected ${s.expect.exitCode})`);
  for (const d of r.driftMismatch) diffs.push(`drift: ${d}`);
  return diffs;
}

export async function benchSoak(
  rounds: number,
  seed: number,
  opts: { synthEachRound?: boolean; progress?: (line: string) => void } = {},
): Promise<BenchReport> {
  const command = `node --expose-gc dist/bench/soak.js --rounds ${rounds} --seed ${seed}${opts.synthEachRound ? " --synth-each-round" : ""}`;
  const progress = opts.progress ?? (() => undefined);
  const gc = forcedGc();
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-bench-soak-"));
  let server: Awaited<ReturnType<typeof getMysqlServer>> | undefined;
  const times: number[] = [];
  const injected: Injected = { calls: 0, throttled: 0, serverErrors: 0, dropped: 0 };
  const faultedPerRound: number[] = [];
  const errors: string[] = [];
  let start: { heap: number; rss: number } | undefined;
  const warmup = warmupRounds(rounds);
  let end: { heap: number; rss: number } | undefined;
  try {
    server = await getMysqlServer({});
    const synthesized = opts.synthEachRound ? undefined : await synthStack(DEMO_ENV, path.join(synthDir, "cdktf.out"));
    for (let i = 0; i < rounds; i++) {
      const round = planRound((seed + i) >>> 0);
      const t0 = process.hrtime.bigint();
      let diffs: string[];
      try {
        const before = injected.throttled + injected.serverErrors + injected.dropped;
        diffs = await playRound(round, server.url, synthesized, injected);
        faultedPerRound.push(injected.throttled + injected.serverErrors + injected.dropped - before);
      } catch (err) {
        diffs = [`the round failed: ${(err as Error).message}`];
      }
      times.push(since(t0));
      if (diffs.length) {
        errors.push(
          `round ${i + 1} (seed ${round.seed}; replay: node dist/bench/soak.js --seed ${round.seed} --rounds 1): scenario ` +
            `${round.scenario.name}, faults ${JSON.stringify(round.faults.rules)}: ${diffs.join("; ")}`,
        );
      }
      if (i + 1 === warmup) start = memory(gc);
      if ((i + 1) % 10 === 0) progress(`soak: ${i + 1}/${rounds} rounds, ${errors.length} mismatching`);
    }
    end = memory(gc);
  } finally {
    await server?.stop();
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
  const judged = rounds > warmup && start && end;
  const figures: Figure[] = [
    figure("soak rounds with verdicts ≠ the scenario's", "rounds", [errors.length], {
      goal: { max: 0, text: "0" },
      note: `of ${rounds} rounds (seeds ${seed}–${seed + rounds - 1})`,
    }),
    figure("faulted calls per round", "calls", faultedPerRound, {
      note:
        `${injected.throttled} throttled, ${injected.serverErrors} 5xx, ${injected.dropped} dropped of ${injected.calls} API/COS calls ` +
        "(the runner retries them; plus latency spikes)",
    }),
    figure("soak round time (p50)", "s", times, {
      note: `one runDemo: ${opts.synthEachRound ? "synth" : "shared synth"}, sandbox, migrate, break, validate, drift`,
    }),
    figure("soak round time (p99)", "s", [percentile(times, 99)], { note: `nearest rank over ${times.length} rounds` }),
  ];
  if (start && end) {
    const growth = end.heap - start.heap;
    figures.push(
      figure(`heap used after GC, after round ${warmup}`, "MB", [start.heap], { note: "the start: modules loaded, code compiled" }),
      figure("heap used after GC, at the end", "MB", [end.heap], { note: `after round ${rounds}` }),
      figure(
        "heap growth",
        "MB",
        [growth],
        judged
          ? {
              goal: { max: HEAP_TOLERANCE_MB, text: `≤ ${HEAP_TOLERANCE_MB} MB` },
              note: `over ${rounds - warmup} rounds after ${warmup} warm-up round(s), ${((growth / (rounds - warmup)) * 1024).toFixed(0)} KB a round`,
            }
          : { note: "not judged: no rounds after the warm-up" },
      ),
      figure(`RSS growth after GC, after round ${warmup} → end`, "MB", [end.rss - start.rss], {
        note: `${start.rss.toFixed(1)} → ${end.rss.toFixed(1)} MB; reported, not judged (the allocator keeps freed pages)`,
      }),
    );
  }
  return { bench: "soak", command, figures, errors };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(
      "Usage: node --expose-gc dist/bench/soak.js [--rounds M] [--seed S] [--synth-each-round] [--json]\n" +
        "M rounds (default 200) of a random demo scenario under random faults; round i uses seed S + i (default S = 1);\n" +
        "replay one round with --seed <its seed> --rounds 1.\n",
    );
    return;
  }
  checkFlags(argv, { values: ["--rounds", "--seed"], switches: ["--json", "--synth-each-round"] });
  const rounds = numFlag(argv, "--rounds", 200, { int: true });
  if (rounds > 100000) throw new UsageError("--rounds must be ≤ 100000");
  const seed = numFlag(argv, "--seed", 1, { int: true, min: 0 });
  if (seed > 2 ** 31) throw new UsageError("--seed must be ≤ 2147483648");
  const progress = (l: string) => process.stderr.write(`${l}\n`);
  emit(await benchSoak(rounds, seed, { synthEachRound: argv.includes("--synth-each-round"), progress }), argv.includes("--json"));
}

if (require.main === module) runMain("soak", main);
