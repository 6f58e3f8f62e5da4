/**
 * Drift for many stacks in one process: the stacks are read concurrently (bounded), sharing one API client and one
 * COS client (the account's keys; regions per request) paced by one per-action rate limiter
 * (validators/clients/rate-limit.ts), and reported as one document with a section per stack.
 *
 * Exit code over the fleet keeps the single-stack contract: 2 when any stack could not be read (its inputs, or its
 * live state) — an unreadable stack is never hidden behind the others' "in sync" —, else 1 when any stack drifted,
 * else 0.
 */
import { InputError } from "../common/errors";
import { redact } from "../common/mask";
import type { StackOutputs } from "../common/outputs";
import { CosClient, TencentApiClient, resolveEndpoints } from "../validators/clients";
import { RateLimiter, RateLimiterOptions, RateLimitStat } from "../validators/clients/rate-limit";
import type { Declaration } from "./declared";
import { DriftReport, exitCodeOf } from "./report";
import { DEFAULT_DRIFT_TIMEOUT_MS, DriftOptions, runDrift } from "./run";
import { junitCounts, junitSuiteLines, renderMarkdown, renderSarif, renderText, RenderOptions, xml } from "./render";
import type { Lang } from "./types";
import { checkFleetOptions } from "../common/fleet-options";
import { mapLimit } from "../common/map-limit";

/** Stacks read at once unless told otherwise. */
export const DEFAULT_DRIFT_FLEET_CONCURRENCY = 4;

export const DRIFT_FLEET_FORMATS = ["text", "json", "markdown", "junit", "sarif"] as const;
export type DriftFleetFormat = (typeof DRIFT_FLEET_FORMATS)[number];

export interface DriftFleetStack {
  stack: string;
  outputs?: StackOutputs;
  declaration?: Declaration;
  /** Why the stack's inputs could not be read; it is then reported as not read. */
  error?: string;
}

export interface DriftFleetOptions extends Pick<DriftOptions, "credentials" | "endpoints" | "mysql" | "skipSchema" | "retry" | "env" | "readers"> {
  stacks: DriftFleetStack[];
  /** Bound on each stack's run, ms (default 30 000). */
  timeoutMs?: number;
  /** Stacks read at once (default {@link DEFAULT_DRIFT_FLEET_CONCURRENCY}). */
  concurrency?: number;
  /** A number paces every action at that rate; options pick limits. Default: the documented per-action limits. */
  rateLimit?: number | RateLimiterOptions;
  rateLimiter?: RateLimiter;
  /** Told when a stack starts and when it ends. */
  onProgress?(p: { stack: string; state: "start" | "done"; report?: DriftReport; done: number; total: number }): void;
}

export interface DriftFleetReport {
  version: 1;
  kind: "fleet";
  /** When the run started, ISO 8601. */
  time: string;
  durationMs: number;
  /**
   * Stacks in sync; with drift found (in what could be read); with something that could not be read; whose inputs
   * could not be read. A stack with drift and an unreadable resource counts under both `drifted` and `unreadable`.
   */
  summary: { stacks: number; inSync: number; drifted: number; unreadable: number; notRead: number };
  /** One drift report (drift/report.schema.json) per stack that was run, in the order asked. */
  stacks: DriftReport[];
  /** Stacks whose inputs could not be read. */
  notRead: Array<{ stack: string; reason: string }>;
  /** Requests per action (every attempt) and the rate each was paced at. */
  requests: RateLimitStat[];
}

/** Drift was found in what could be read (whether or not something else could not be read). */
const hasDrift = (r: DriftReport) => r.findings.length > 0;

/** 2 when any stack (or its inputs) could not be read, else 1 when any drifted, else 0. */
export function driftFleetExitCode(r: Pick<DriftFleetReport, "stacks" | "notRead">): 0 | 1 | 2 {
  const codes = r.stacks.map(exitCodeOf);
  if (r.notRead.length || codes.includes(2)) return 2;
  return codes.includes(1) ? 1 : 0;
}

export async function runFleetDrift(o: DriftFleetOptions): Promise<DriftFleetReport> {
  const concurrency = o.concurrency ?? DEFAULT_DRIFT_FLEET_CONCURRENCY;
  checkFleetOptions(o.stacks, concurrency);
  const env = o.env ?? process.env;
  const endpoints = resolveEndpoints(o.endpoints ?? {}, env);
  const timeoutMs = o.timeoutMs ?? DEFAULT_DRIFT_TIMEOUT_MS;
  const limiter = o.rateLimiter ?? new RateLimiter(typeof o.rateLimit === "number" ? { override: o.rateLimit } : (o.rateLimit ?? {}));
  const common = {
    ...o.credentials,
    endpoints,
    timeoutMs: Math.max(1, Math.min(timeoutMs, 10_000)),
    rateLimiter: limiter,
    rateLimitAccount: o.credentials.secretId,
  };
  const clients = { api: new TencentApiClient(common), cos: new CosClient(common) };
  const started = Date.now();
  let done = 0;
  try {
    const results = await mapLimit(o.stacks, concurrency, async (s): Promise<DriftReport | { stack: string; reason: string }> => {
      if (s.error !== undefined || !s.outputs || !s.declaration) return { stack: s.stack, reason: s.error ?? "no outputs or declaration" };
      o.onProgress?.({ stack: s.stack, state: "start", done, total: o.stacks.length });
      let report: DriftReport;
      try {
        report = await runDrift({
          stack: s.stack,
          outputs: s.outputs,
          declaration: s.declaration,
          credentials: o.credentials,
          endpoints: o.endpoints,
          mysql: o.mysql,
          skipSchema: o.skipSchema,
          timeoutMs,
          retry: o.retry,
          env,
          readers: o.readers,
          clients,
        });
      } catch (err) {
        // A stack whose own inputs are unusable (e.g. no db_password in its outputs) is not read; the others run.
        if (!(err instanceof InputError)) throw err;
        done++;
        o.onProgress?.({ stack: s.stack, state: "done", done, total: o.stacks.length });
        return { stack: s.stack, reason: redact(err.message, [o.credentials.secretKey]) };
      }
      done++;
      o.onProgress?.({ stack: s.stack, state: "done", report, done, total: o.stacks.length });
      return report;
    });
    const stacks = results.filter((r): r is DriftReport => "coverage" in r);
    const notRead = results.filter((r): r is { stack: string; reason: string } => !("coverage" in r));
    const codes = stacks.map(exitCodeOf);
    return {
      version: 1,
      kind: "fleet",
      time: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      summary: {
        stacks: o.stacks.length,
        inSync: codes.filter((c) => c === 0).length,
        // A stack can be both: drift found in what was read, and something that could not be read.
        drifted: stacks.filter(hasDrift).length,
        unreadable: codes.filter((c) => c === 2).length,
        notRead: notRead.length,
      },
      stacks,
      notRead,
      requests: limiter.stats(),
    };
  } finally {
    clients.api.close();
    clients.cos.close();
  }
}

/** One line: the fleet's verdict. */
export function driftFleetVerdictLine(r: DriftFleetReport, lang: Lang): string {
  const s = r.summary;
  const secs = (r.durationMs / 1000).toFixed(1);
  const drifted = r.stacks.filter(hasDrift).map((x) => x.stack);
  const unreadable = r.stacks.filter((x) => exitCodeOf(x) === 2).map((x) => x.stack);
  const notRead = r.notRead.map((x) => x.stack);
  if (lang === "zh") {
    const parts = [`${s.stacks} 个栈`, `一致 ${s.inSync}`, `漂移 ${s.drifted}${s.drifted ? `（${drifted.join("、")}）` : ""}`];
    if (s.unreadable + s.notRead) parts.push(`无法读取 ${s.unreadable + s.notRead}（${[...unreadable, ...notRead].join("、")}）`);
    return `汇总：${parts.join("，")}；用时 ${secs} 秒`;
  }
  const parts = [`${s.stacks} stacks`, `${s.inSync} in sync`, `${s.drifted} drifted${s.drifted ? ` (${drifted.join(", ")})` : ""}`];
  if (s.unreadable + s.notRead) parts.push(`${s.unreadable + s.notRead} could not be read (${[...unreadable, ...notRead].join(", ")})`);
  return `Fleet: ${parts.join(", ")}; ${secs} s`;
}

/** Renders the fleet: a section per stack (the single-stack renderers) plus the fleet verdict; html is an InputError. */
export function renderDriftFleet(r: DriftFleetReport, format: string, o: RenderOptions): string {
  const lang = o.lang;
  switch (format) {
    case "json":
      return JSON.stringify(r, null, 2) + "\n";
    case "text": {
      const rule = "=".repeat(72);
      const out: string[] = [];
      for (const s of r.stacks) out.push(rule, renderText(s, o).trimEnd(), "");
      if (r.notRead.length) {
        out.push(rule);
        for (const x of r.notRead) out.push(lang === "zh" ? `✖ 未读取 ${x.stack}：${x.reason}` : `✖ NOT READ ${x.stack}: ${x.reason}`);
        out.push("");
      }
      out.push(rule, driftFleetVerdictLine(r, lang));
      return out.join("\n") + "\n";
    }
    case "markdown": {
      const out: string[] = [`# live-infra drift — ${r.summary.stacks} ${lang === "zh" ? "个栈" : "stacks"}`, "", driftFleetVerdictLine(r, lang), ""];
      for (const x of r.notRead) out.push(`## live-infra drift: ${x.stack} — ${lang === "zh" ? "⚠️ 未读取" : "⚠️ not read"}`, "", x.reason, "");
      for (const s of r.stacks) out.push(renderMarkdown(s, o));
      return out.join("\n");
    }
    case "junit": {
      const t = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      for (const s of r.stacks) {
        const c = junitCounts(s);
        t.tests += c.tests;
        t.failures += c.failures;
        t.errors += c.errors;
        t.skipped += c.skipped;
      }
      const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
      out.push(
        `<testsuites name="live-infra drift (fleet)" tests="${t.tests + r.notRead.length}" failures="${t.failures}" errors="${t.errors + r.notRead.length}" skipped="${t.skipped}" time="${(r.durationMs / 1000).toFixed(3)}">`,
      );
      for (const s of r.stacks) out.push(...junitSuiteLines(s, o));
      for (const x of r.notRead) {
        out.push(`  <testsuite name="${xml(`drift ${x.stack}`)}" tests="1" failures="0" errors="1" skipped="0" time="0.000" timestamp="${xml(r.time)}">`);
        out.push(`    <testcase classname="inputs" name="${xml(x.stack)}" time="0">`);
        out.push(`      <error type="not-read" message="${xml(x.reason)}">${xml(x.reason)}</error>`);
        out.push("    </testcase>", "  </testsuite>");
      }
      out.push("</testsuites>");
      return out.join("\n") + "\n";
    }
    case "sarif": {
      // One run per stack (SARIF allows several runs in one log).
      const runs = r.stacks.flatMap((s) => (JSON.parse(renderSarif(s, o)) as { runs: unknown[] }).runs);
      return JSON.stringify({ $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs }, null, 2) + "\n";
    }
    default:
      throw new InputError(`--format ${format} is for one stack only; with several stacks use one of ${DRIFT_FLEET_FORMATS.join(", ")}`);
  }
}

