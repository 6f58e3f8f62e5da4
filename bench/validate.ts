/**
 * bench/validate: how long `validate` takes when every Tencent Cloud call is slow, as a user waits for it.
 *
 * Sets up the healthy demo environment once (runDemo: synth, MariaDB, sandbox, migrate, demo rows, backend config)
 * and, in its `beforeValidate` hook, with LATENCY ms injected on every API 3.0 and COS request by the sandbox's fault
 * rules, measures side by side:
 *   process     `live-infra validate --stack … --outputs … --declared … --backend-dir … --api-endpoint …
 *               --cos-endpoint … --resolve …` spawned N times (spawn → exit; one unmeasured run first), and
 *               N bare `node -e 0`. Goal: (median wall − median `node -e 0`) ≤ 4.0 × LATENCY.
 *   in-process  the same checks through the demo's validate (runValidation) N times after an unmeasured warm-up:
 *               wall / LATENCY. Lower bound 3: the longest dependent chain is the upload probe's PUT → HEAD → DELETE.
 * plus the number of calls one validate makes and their sequential sum (what one call after another would take).
 * Both forms must report every check `pass`; anything else is an error of the run.
 *
 * One MariaDB serves the run (LIVE_INFRA_TEST_MYSQL_URL when set, else one launched here).
 *
 *   npm run build && node dist/bench/validate.js [--latency MS] [--runs N] [--json]   (defaults 100 ms, 5 runs)
 */
import * as path from "path";
import { runDemo, DemoContext } from "../demo/run";
import { demoResolve, validate as validateInProcess } from "../demo/parts";
import { getMysqlServer } from "../sandbox/mariadb";
import { BenchReport, Figure, checkFlags, emit, figure, median, nodeBaseline, nodeBaselineFigure, numFlag, runMain, since, timeCli, UsageError } from "./lib/harness";

const GOAL_X = 4.0;

interface Measured {
  base: number[];
  process: number[];
  inProcess: number[];
  calls: number[];
  errors: string[];
}

async function measure(ctx: DemoContext, runs: number): Promise<Measured> {
  const m: Measured = { base: [], process: [], inProcess: [], calls: [], errors: [] };
  // Count every request that reaches the fault layer (each API 3.0 / COS call).
  let calls = 0;
  const faults = ctx.sandbox.faults;
  const decide = faults.decide.bind(faults);
  faults.decide = (service: string, action: string) => {
    calls++;
    return decide(service, action);
  };
  try {
    const stackDir = path.dirname(ctx.outputsFile);
    const args = [
      "validate", "--stack", ctx.stack, "--outputs", ctx.outputsFile, "--declared", path.join(stackDir, "cdk.tf.json"),
      "--backend-dir", ctx.backendDir, "--api-endpoint", ctx.endpoints.api, "--cos-endpoint", ctx.endpoints.cos,
      ...demoResolve(ctx.outputs).flatMap((r) => ["--resolve", r]), "--format", "json", "--lang", "en",
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, TENCENTCLOUD_SECRET_ID: ctx.ownerKeys.secretId, TENCENTCLOUD_SECRET_KEY: ctx.ownerKeys.secretKey };
    delete env.LIVE_INFRA_API_ENDPOINT;
    delete env.LIVE_INFRA_COS_ENDPOINT;

    for (let i = -1; i < runs; i++) {
      calls = 0;
      const r = await timeCli(args, { env });
      let bad = "";
      try {
        const doc = JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string }> };
        bad = doc.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}=${c.status}`).join(", ");
      } catch {
        bad = `no JSON report (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-1)[0] ?? ""}`;
      }
      if (r.code !== 0 || bad) m.errors.push(`process run ${i + 1}: exit ${r.code}; not pass: ${bad || "–"}`);
      else if (i >= 0) {
        m.process.push(r.seconds);
        // The baseline interleaved with the runs it is subtracted from, so both see the same machine load.
        m.base.push(...(await nodeBaseline(1)));
      }
    }

    for (let i = -1; i < runs; i++) {
      calls = 0;
      const t0 = process.hrtime.bigint();
      const report = await validateInProcess({
        stack: ctx.stack,
        stackDir: path.dirname(ctx.outputsFile),
        outputsFile: ctx.outputsFile,
        backendDir: ctx.backendDir,
        api: ctx.endpoints.api,
        cos: ctx.endpoints.cos,
        ownerKeys: ctx.ownerKeys,
        lang: "en",
      });
      const s = since(t0);
      const bad = report.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}=${c.status}`);
      if (bad.length) m.errors.push(`in-process run ${i + 1}: not pass: ${bad.join(", ")}`);
      if (i >= 0) {
        m.inProcess.push(s);
        m.calls.push(calls);
      }
    }
  } finally {
    faults.decide = decide;
    // The demo's own validate and drift after this hook run without injected latency.
    faults.set({ rules: {} });
  }
  return m;
}

export async function benchValidate(latency: number, runs: number, log: (l: string) => void = () => undefined): Promise<BenchReport> {
  const command = `node dist/bench/validate.js --latency ${latency} --runs ${runs}`;
  const server = await getMysqlServer({});
  let m: Measured | undefined;
  try {
    await runDemo({
      scenario: "healthy",
      format: "json",
      lang: "en",
      out: () => undefined,
      log,
      mysqlUrl: server.url,
      faults: { rules: { "*": { latencyMs: latency } } },
      beforeValidate: async (ctx) => {
        m = await measure(ctx, runs);
      },
    });
  } finally {
    await server.stop();
  }
  if (!m) return { bench: "validate", command, figures: [], errors: ["the demo environment was not set up (runDemo ended before validate)"] };
  const L = latency / 1000;
  const baseMedian = median(m.base);
  const calls = median(m.calls);
  const figures: Figure[] = [
    nodeBaselineFigure(m.base),
    figure(`\`live-infra validate\` as a process, ${latency} ms per call`, "s", m.process, { note: "spawn → exit" }),
    figure(`validate as a process, net of \`node -e 0\`, ÷ latency`, "×", m.process.map((x) => (x - baseMedian) / L), {
      goal: { max: GOAL_X, text: `≤ ${GOAL_X.toFixed(1)} ×` },
      note: `(wall − median node -e 0) / ${latency} ms`,
    }),
    figure(`validate in-process (runValidation) ÷ latency`, "×", m.inProcess.map((x) => x / L), {
      note: "modules already loaded; lower bound 3 (PUT → HEAD → DELETE)",
    }),
    figure("calls per validate", "calls", m.calls, { note: "API 3.0 + COS requests reaching the sandbox" }),
    figure("sequential sum of the calls ÷ latency", "×", [calls], { note: "one call after another would take at least this" }),
  ];
  return { bench: "validate", command, figures, errors: m.errors };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: node dist/bench/validate.js [--latency MS] [--runs N] [--json]\nTimes validate as a process and in-process with MS ms on every call (goal: process net of `node -e 0` ≤ 4.0 × MS).\n");
    return;
  }
  checkFlags(argv, { values: ["--latency", "--runs"], switches: ["--json"] });
  const latency = numFlag(argv, "--latency", 100);
  const runs = numFlag(argv, "--runs", 5, { int: true });
  if (runs > 100) throw new UsageError("--runs must be ≤ 100");
  const verbose = !!process.env.LIVE_INFRA_BENCH_VERBOSE;
  emit(await benchValidate(latency, runs, verbose ? (l) => process.stderr.write(`${l}\n`) : undefined), argv.includes("--json"));
}

if (require.main === module) runMain("validate", main);
