/**
 * Schedules checks: runs them concurrently while honouring the prerequisite graph. It knows nothing of what a check
 * does or how its calls are retried.
 *
 * - Every selected check's body starts at once (so probes overlap); a verdict counts only when all prerequisites
 *   ended `pass` or `warn`. Otherwise the check is `skip`, names the first prerequisite that did not pass, and its
 *   body is aborted (its result, if any, is discarded).
 * - Each body runs under a timeout; a timeout or a thrown error is `error` — never `pass`.
 * - Each body gets its own {@link RetryCounter} to hand to `withRetry` / `retrying` (clients/retry.ts): retries are
 *   reported as progress events, counted in the outcome, and named in a timeout's message.
 * - Selection: `only` runs the named checks plus their prerequisites (transitively); opt-in checks run only when
 *   enabled or named. Unselected checks are omitted from the result, not skipped.
 */
import { InputError } from "../common/errors";
import { CloudError, RetryCounter } from "./clients";
import type { CheckStatus, Msg, Verdict } from "./types";
import { msg } from "./types";

/** What selection needs to know of a check (a control qualifies as it is). */
export interface Selectable {
  id: string;
  prerequisites: readonly string[];
  /** Opt-in checks (any truthy value) run only when enabled or named in `only`. */
  optIn?: boolean | { flag: string };
}

export interface RunnerCheck extends Selectable {
  /**
   * The body. `signal` aborts on timeout or when a prerequisite did not pass; `retries` is this check's counter, to
   * hand to every retrying call it makes.
   */
  run(signal: AbortSignal, retries: RetryCounter): Promise<Verdict>;
}

export type ProgressEvent =
  | { type: "plan"; ids: string[] }
  | { type: "start"; id: string }
  | { type: "retry"; id: string; attempt: number; reason: string }
  | { type: "done"; id: string; status: CheckStatus; durationMs: number };

export interface RunnerOptions {
  /** Check ids to run (plus their prerequisites). Undefined = every check that is not opt-in. */
  only?: readonly string[];
  /** Opt-in check ids to include. */
  enableOptIn?: readonly string[];
  /** Per-check timeout, ms. */
  timeoutMs: number;
  onProgress?: (ev: ProgressEvent) => void;
}

export interface CheckOutcome {
  id: string;
  status: CheckStatus;
  /** The body's verdict (pass/fail/warn); absent for error and skip. */
  verdict?: Verdict;
  /** For error: why the check could not finish. For skip: which prerequisite did not pass. */
  message?: Msg;
  /** Direct prerequisite that did not pass (skip only). */
  skippedBecause: string | null;
  durationMs: number;
  /** How many times a call was retried inside the check. */
  retries: number;
}

/**
 * Ids to run, in the checks' order: `only` + prerequisites, or all non-opt-in + enabled opt-ins. Unknown ids are an
 * InputError that starts with `source` (what the ids came from: the option, or a command-line flag).
 */
export function selectChecks(
  checks: readonly Selectable[],
  only?: readonly string[],
  enableOptIn: readonly string[] = [],
  source = "only",
): string[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const unknown = [...(only ?? []), ...enableOptIn].filter((id) => !byId.has(id));
  if (unknown.length) {
    throw new InputError(`${source}: unknown check id(s) ${unknown.join(", ")}; known: ${checks.map((c) => c.id).join(", ")}`);
  }
  const chosen = new Set<string>();
  const add = (id: string) => {
    if (chosen.has(id)) return;
    chosen.add(id);
    for (const p of byId.get(id)!.prerequisites) add(p);
  };
  if (only && only.length) only.forEach(add);
  else for (const c of checks) if (!c.optIn || enableOptIn.includes(c.id)) add(c.id);
  return checks.filter((c) => chosen.has(c.id)).map((c) => c.id);
}

const SATISFIED: ReadonlySet<CheckStatus> = new Set<CheckStatus>(["pass", "warn"]);

/** Text of an error for a report (no stack). CloudErrors name the operation and the cloud's code. */
export function describeError(err: unknown): Msg {
  if (err instanceof CloudError) {
    const what = `${err.service} ${err.operation}: ${err.code}${err.message && err.message !== err.code ? ` (${err.message})` : ""}`;
    if (err.kind === "throttled") return msg(`请求持续被限流，重试后仍失败：${what}`, `throttled past retries: ${what}`);
    if (err.kind === "timeout") return msg(`请求超时：${what}`, `request timed out: ${what}`);
    if (err.kind === "network") return msg(`网络错误：${what}`, `network failure: ${what}`);
    if (err.kind === "server") return msg(`服务端错误（已重试）：${what}`, `server error (after retries): ${what}`);
    return msg(`检查无法完成：${what}`, `the check could not finish: ${what}`);
  }
  const e = err as { code?: unknown; message?: unknown };
  const text = `${typeof e?.code === "string" ? `${e.code}: ` : ""}${typeof e?.message === "string" ? e.message : String(err)}`;
  return msg(`检查无法完成：${text}`, `the check could not finish: ${text}`);
}

/** Runs the selected checks; resolves with one outcome per selected check, in the checks' order. */
export async function runChecks(checks: readonly RunnerCheck[], opts: RunnerOptions): Promise<CheckOutcome[]> {
  const ids = selectChecks(checks, opts.only, opts.enableOptIn);
  const byId = new Map(checks.map((c) => [c.id, c]));
  const emit = (ev: ProgressEvent) => {
    try {
      opts.onProgress?.(ev);
    } catch {
      // a broken progress printer must not break the run
    }
  };
  emit({ type: "plan", ids });

  const started = new Map<string, number>();
  const controllers = new Map<string, AbortController>();
  const retries = new Map<string, RetryCounter>();
  const attempts = new Map<string, Promise<Omit<CheckOutcome, "durationMs" | "retries">>>();

  // Start the ends of the longest prerequisite chains first: their requests go out first, so the dependent calls
  // they lead to (e.g. PUT → HEAD → DELETE) are not queued behind everyone else's.
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    if (!depth.has(id)) depth.set(id, 1 + Math.max(0, ...byId.get(id)!.prerequisites.map(depthOf)));
    return depth.get(id)!;
  };
  const startOrder = [...ids].sort((a, b) => depthOf(b) - depthOf(a));
  for (const id of startOrder) {
    const c = byId.get(id)!;
    const ac = new AbortController();
    const counter = new RetryCounter((attempt, reason) => emit({ type: "retry", id, attempt, reason }));
    controllers.set(id, ac);
    started.set(id, Date.now());
    retries.set(id, counter);
    emit({ type: "start", id });
    attempts.set(id, runOne(c, ac, counter, opts.timeoutMs));
  }

  const finals = new Map<string, Promise<CheckOutcome>>();
  const done = new Map<string, CheckOutcome>();
  const finalOf = (id: string): Promise<CheckOutcome> => {
    let p = finals.get(id);
    if (p) return p;
    p = (async () => {
      const c = byId.get(id)!;
      // Wait for every prerequisite, in declared order; the first one not satisfied is named.
      const pre = await Promise.all(c.prerequisites.map((q) => finalOf(q)));
      const bad = pre.find((o) => !SATISFIED.has(o.status));
      let out: Omit<CheckOutcome, "durationMs" | "retries">;
      if (bad) {
        controllers.get(id)!.abort(new Error(`prerequisite ${bad.id} did not pass`));
        const root = rootCause(bad, done);
        out = {
          id,
          status: "skip",
          skippedBecause: bad.id,
          message:
            root !== bad.id
              ? msg(`前置检查 ${bad.id} 未通过（${bad.status}；根因：${root}），跳过。`, `skipped: prerequisite ${bad.id} did not pass (${bad.status}; root cause: ${root}).`)
              : msg(`前置检查 ${bad.id} 未通过（${bad.status}），跳过。`, `skipped: prerequisite ${bad.id} did not pass (${bad.status}).`),
        };
      } else {
        out = await attempts.get(id)!;
      }
      const outcome: CheckOutcome = { ...out, durationMs: Date.now() - started.get(id)!, retries: retries.get(id)!.count };
      done.set(id, outcome);
      emit({ type: "done", id, status: outcome.status, durationMs: outcome.durationMs });
      return outcome;
    })();
    finals.set(id, p);
    return p;
  };
  const out = await Promise.all(ids.map(finalOf));
  for (const ac of controllers.values()) if (!ac.signal.aborted) ac.abort(new Error("run finished"));
  return out;
}

/** The first check up the skip chain that was not skipped itself. */
function rootCause(o: CheckOutcome, done: Map<string, CheckOutcome>): string {
  let cur: CheckOutcome | undefined = o;
  while (cur && cur.status === "skip" && cur.skippedBecause) cur = done.get(cur.skippedBecause);
  return cur?.id ?? o.id;
}

async function runOne(
  c: RunnerCheck,
  ac: AbortController,
  retries: RetryCounter,
  timeoutMs: number,
): Promise<Omit<CheckOutcome, "durationMs" | "retries">> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const body = c.run(ac.signal, retries).then(
      (v) => ({ ok: true as const, v }),
      (e) => ({ ok: false as const, e }),
    );
    const r = await Promise.race([body, timeout]);
    if (r === "timeout") {
      ac.abort(new Error("timeout"));
      // A timeout reached while retrying says what kept failing (e.g. ECONNREFUSED from a wrong endpoint).
      const why = retries.lastReason;
      return {
        id: c.id,
        status: "error",
        skippedBecause: null,
        message: why
          ? msg(`检查在 ${timeoutMs} ms 内未完成（超时；一直重试的错误：${why}）。`, `the check did not finish within ${timeoutMs} ms (timeout; kept retrying after ${why}).`)
          : msg(`检查在 ${timeoutMs} ms 内未完成（超时）。`, `the check did not finish within ${timeoutMs} ms (timeout).`),
      };
    }
    if (!r.ok) {
      return { id: c.id, status: "error", skippedBecause: null, message: describeError(r.e) };
    }
    const v = r.v;
    if (!v || !["pass", "fail", "warn"].includes(v.status)) {
      return { id: c.id, status: "error", skippedBecause: null, message: msg("检查返回了无效结论。", "the check returned no valid verdict.") };
    }
    return { id: c.id, status: v.status, verdict: v, skippedBecause: null };
  } finally {
    clearTimeout(timer);
  }
}
