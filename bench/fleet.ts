/**
 * bench/fleet: N environments (default 50) validated in one process against the sandbox, which enforces a per-action
 * limit of L requests per second (default 20, sliding one-second window, per account). Figure: wall time ÷ the
 * rate-limit bound, where the bound is the least time the requests made could take under the limit: the first L
 * requests of an action go at once and each further L waits one more window, so N requests take at least
 * (ceil(N ÷ L) − 1) windows; the bound is the max of that over API actions, requests as the sandbox counted them
 * (every attempt). Goal ≤ 1.2 (median). A run whose busiest action fits in one window (bound 0) has no figure: the
 * limit cannot bind there, which is reported as an error (raise --envs or lower --rate-limit). In-process
 * (runFleetValidation, the core) and as a process (`live-infra validate --all`, what a user waits for, startup
 * included) side by side.
 *
 * The environments are copies of the synthesized dev stack (sandbox/seed fleetStacks) seeded into one account
 * (seedStacks); each gets its own outputs.json, cdk.tf.json and backend config. The checks are the cloud ones
 * (cos.*, live.*): db.* checks make no API call and need a MySQL server, so they are left out.
 *
 *   npm run build && node dist/bench/fleet.js [--envs N] [--runs R] [--rate-limit L] [--concurrency C]
 *                                            [--process-runs P] [--json]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendConfigFromOutputs, loadBackendDir, writeBackendDir } from "../common/backend-config";
import { fleetStacks, seedStacks } from "../sandbox/seed";
import { Sandbox, startSandbox } from "../sandbox/server";
import { synthesize } from "../stacks/synth";
import { runFleetValidation, type FleetReport } from "../validators/fleet";
import { BenchReport, checkFlags, emit, Figure, figure, numFlag, runMain, timeCli, UsageError } from "./lib/harness";

const GOAL = 1.2;
const OWNER = { secretId: "AKIDbenchFleetOwner000000000000000001", secretKey: "benchFleetOwnerSecretKey00000001" };
/** The cloud checks (plus their prerequisites): every check that makes API or COS requests. */
const ONLY = ["cos.upload", "live.callback-key", "live.callback-url", "live.callback-public", "live.record-rule", "live.domains"];

export interface FleetBenchOptions {
  envs: number;
  runs: number;
  rateLimit: number;
  concurrency: number;
  processRuns: number;
  log?: (line: string) => void;
}

/** The least time (s) N requests take at `limit` per sliding window: the first `limit` go at once, then one window per further `limit`. */
export function rateLimitBound(requests: number, limit: number, windowSeconds: number): number {
  return Math.max(0, Math.ceil(requests / limit) - 1) * windowSeconds;
}

/** The bound (s) from the sandbox's counters: max over actions of {@link rateLimitBound}; and how many were refused. */
function boundOf(sb: Sandbox, limit: number): { bound: number; busiest: string; most: number; requests: number; limited: number } {
  const window = sb.rateLimits.windowMs / 1000;
  let bound = 0;
  let busiest = "";
  let most = 0;
  let requests = 0;
  let limited = 0;
  for (const [action, c] of Object.entries(sb.rateLimits.counters())) {
    requests += c.requests;
    limited += c.limited;
    if (c.requests > most) {
      most = c.requests;
      bound = rateLimitBound(c.requests, limit, window);
      busiest = action;
    }
  }
  return { bound, busiest, most, requests, limited };
}

function problems(r: Pick<FleetReport, "stacks" | "notValidated">): string[] {
  const out = r.notValidated.map((x) => `${x.stack}: not validated (${x.reason})`);
  for (const s of r.stacks) {
    const bad = s.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}=${c.status}`);
    if (bad.length) out.push(`${s.stack}: ${bad.join(", ")}`);
  }
  return out;
}

export async function benchFleet(o: FleetBenchOptions): Promise<BenchReport> {
  const log = o.log ?? (() => undefined);
  const command = `node dist/bench/fleet.js --envs ${o.envs} --runs ${o.runs} --rate-limit ${o.rateLimit} --concurrency ${o.concurrency} --process-runs ${o.processRuns}`;
  const errors: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
  let sb: Sandbox | undefined;
  try {
    log(`bench/fleet: synthesizing the dev stack and seeding ${o.envs} copies into one sandbox account`);
    const synth = synthesize({ envNames: ["dev"], outdir: path.join(tmp, "synth") });
    const base = synth.stacks[0];
    const tfJson = JSON.parse(fs.readFileSync(base.file, "utf8")) as object;
    const root = path.join(tmp, "stacks");
    const fleet = fleetStacks(tfJson, base.stackName, o.envs);
    const seeded = await seedStacks({ stacks: fleet.map((f) => ({ stack: f.stack, tfJson: f.tfJson, outDir: path.join(root, f.stack) })), owner: OWNER });
    for (const [i, f] of fleet.entries()) {
      fs.writeFileSync(path.join(root, f.stack, "cdk.tf.json"), JSON.stringify(f.tfJson));
      writeBackendDir(path.join(tmp, "backend", f.stack), backendConfigFromOutputs(seeded.stacks[i].outputs));
    }
    // The callback host is declared (it would otherwise be looked up in the machine's DNS): a public address.
    const callbackHost = new URL(seeded.stacks[0].outputs.callback_url).hostname;
    const resolve = [`${callbackHost}:81.70.1.10`];
    const inputs = fleet.map((f, i) => ({
      stack: f.stack,
      outputs: seeded.stacks[i].outputs,
      backend: loadBackendDir(path.join(tmp, "backend", f.stack)),
      declaredTfJson: f.tfJson as Record<string, unknown>,
    }));
    sb = await startSandbox({ state: seeded.state, rateLimits: { perAction: o.rateLimit } });
    const endpoints = { apiEndpoint: sb.api, cosEndpoint: sb.cos };

    const ratios: number[] = [];
    const walls: number[] = [];
    let detail = "";
    // One unmeasured round first (module loading, JIT), then the measured runs.
    for (let run = -1; run < o.runs; run++) {
      sb.rateLimits.reset();
      const t0 = process.hrtime.bigint();
      const report = await runFleetValidation({
        stacks: inputs,
        credentials: OWNER,
        endpoints,
        rateLimit: o.rateLimit,
        concurrency: o.concurrency,
        lang: "en",
        only: ONLY,
        resolve,
      });
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const b = boundOf(sb, o.rateLimit);
      const bad = problems(report);
      if (bad.length) errors.push(`in-process run ${run + 1}: ${bad.length} stack(s) not all pass, e.g. ${bad[0]}`);
      if (b.limited) errors.push(`in-process run ${run + 1}: the sandbox refused ${b.limited} request(s) over its limit`);
      log(`bench/fleet: in-process run ${run < 0 ? "warm-up" : run + 1}: ${wall.toFixed(2)} s, bound ${b.bound.toFixed(2)} s (${b.busiest} ×${b.most}), ${b.requests} API requests, ${b.limited} refused`);
      if (run < 0) continue;
      walls.push(wall);
      if (b.bound <= 0) {
        errors.push(`in-process run ${run + 1}: the limit does not bind (busiest action ${b.most} request(s), at most ${o.rateLimit} per window): raise --envs or lower --rate-limit`);
        break;
      }
      ratios.push(wall / b.bound);
      detail = `bound ${b.bound.toFixed(2)} s = (⌈${b.most} ÷ ${o.rateLimit}⌉ − 1) × ${sb.rateLimits.windowMs / 1000} s window, ${b.busiest}`;
      if (errors.length) break;
    }

    const procRatios: number[] = [];
    const procWalls: number[] = [];
    const env: NodeJS.ProcessEnv = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
    for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT"]) delete env[v];
    for (let run = 0; run < o.processRuns && !errors.length; run++) {
      sb.rateLimits.reset();
      const r = await timeCli(
        [
          "validate", "--all", "--outputs-dir", root, "--backend-dir", path.join(tmp, "backend", "{stack}"),
          "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--rate-limit", String(o.rateLimit),
          "--concurrency", String(o.concurrency), "--only", ONLY.join(","), "--resolve", resolve[0], "--format", "json", "--lang", "en",
        ],
        { env },
      );
      const b = boundOf(sb, o.rateLimit);
      if (r.code !== 0) {
        errors.push(`live-infra validate --all exited ${r.code}: ${r.stderr.trim().split("\n").pop() ?? ""}`);
        break;
      }
      log(`bench/fleet: process run ${run + 1}: ${r.seconds.toFixed(2)} s, bound ${b.bound.toFixed(2)} s, ${b.limited} refused`);
      procWalls.push(r.seconds);
      if (b.bound > 0) procRatios.push(r.seconds / b.bound);
    }

    const figures: Figure[] = [
      figure(`fleet: ${o.envs} environments, ${o.rateLimit} req/s per action, in-process`, "×bound", ratios, {
        goal: { max: GOAL, text: `≤ ${GOAL} × bound` },
        note: `wall time ÷ rate-limit bound (${detail || "none: the limit does not bind"}); runFleetValidation, concurrency ${o.concurrency}`,
      }),
      figure(`fleet: ${o.envs} environments, in-process wall time`, "s", walls, { note: "validation of every environment, one process" }),
    ];
    if (procRatios.length) {
      figures.push(
        figure(`fleet: ${o.envs} environments, as a process (\`live-infra validate --all\`)`, "×bound", procRatios, {
          note: "spawn → exit (startup and loading included) ÷ the same bound; reported beside the core figure",
        }),
        figure(`fleet: ${o.envs} environments, as a process, wall time`, "s", procWalls, { note: "spawn → exit" }),
      );
    }
    return { bench: "fleet", command, figures, errors };
  } finally {
    await sb?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(
      "Usage: node dist/bench/fleet.js [--envs N] [--runs R] [--rate-limit L] [--concurrency C] [--process-runs P] [--json]\n" +
        "Validates N environments (default 50) in one process against the sandbox limited to L requests/s per action\n" +
        "(default 20); figure = wall time ÷ max over actions of (requests ÷ L), goal ≤ 1.2. R in-process runs (default 3),\n" +
        "P runs of `live-infra validate --all` as a process (default 1; 0 skips them), C stacks at once (default 16).\n",
    );
    return;
  }
  checkFlags(argv, { values: ["--envs", "--runs", "--rate-limit", "--concurrency", "--process-runs"], switches: ["--json"] });
  const envs = numFlag(argv, "--envs", 50, { int: true });
  const runs = numFlag(argv, "--runs", 3, { int: true });
  const rateLimit = numFlag(argv, "--rate-limit", 20, { int: true });
  const concurrency = numFlag(argv, "--concurrency", 16, { int: true });
  const processRuns = numFlag(argv, "--process-runs", 1, { int: true, min: 0 });
  if (envs > 500) throw new UsageError("--envs must be ≤ 500");
  if (runs > 100) throw new UsageError("--runs must be ≤ 100");
  emit(await benchFleet({ envs, runs, rateLimit, concurrency, processRuns, log: (l) => process.stderr.write(`${l}\n`) }), argv.includes("--json"));
}

if (require.main === module) runMain("fleet", main);
