/**
 * The sweep: the one engine behind teardown and the janitor. `discover` runs every finder (FIND_ORDER, read-only)
 * and judges ownership; `execute` deletes what the stack owns in DELETE_ORDER — each deletion verified with a
 * describe — skipping what depends on something that could not be deleted. Every run re-discovers what is left,
 * so a run killed half-way is finished by the next one and a second run finds nothing.
 */
import type { CosClient, RetryPolicy, TencentApiClient } from "../validators/clients";
import { retrying } from "../validators/clients";
import { DELETERS, deleterOf } from "./deleters";
import { isGone, key } from "./deleters/support";
import type { StackIdentity } from "./identity";
import { DELETE_ORDER, DEPENDS, FIND_ORDER } from "./order";
import { Verdict, heldByForeign, judge } from "./ownership";
import { listTagged, tagsOfResource } from "./tags";
import type { Deleter, Found, ResourceEntry, ResourceType, SweepContext, TaggedResource } from "./types";

export interface Account {
  appId: string;
  ownerUin: string;
}

export interface SweepSetup {
  identity: StackIdentity;
  /** Plain clients; the sweep retries transient failures itself. */
  api: TencentApiClient;
  cos: CosClient;
  account: () => Promise<Account>;
  retry?: RetryPolicy;
  /** Bound on waiting for an instance to be isolated (default 300 000 ms) and the pause between polls (2 000 ms). */
  waitMs?: number;
  pollMs?: number;
  deleters?: readonly Deleter[];
}

export interface Discovery {
  identity: StackIdentity;
  /** Every candidate, in FIND_ORDER. */
  found: Found[];
  verdicts: Map<Found, Verdict>;
  /** Candidates tagged protection=protected: the stack must not be swept. */
  protectedBy: Found[];
}

/** The account behind the credentials (GetUserAppId needs no permission). */
export async function accountOf(api: TencentApiClient): Promise<Account> {
  const r = await api.request<{ AppId: number | string; OwnerUin: string | number }>("cam", "GetUserAppId", {});
  return { appId: String(r.AppId), ownerUin: String(r.OwnerUin) };
}

function context(s: SweepSetup, found: Map<ResourceType, Found[]>): SweepContext {
  const api = retrying(s.api, { policy: s.retry });
  const cos = retrying(s.cos, { policy: s.retry });
  let index: Promise<TaggedResource[]> | undefined;
  const tagIndex = () => (index ??= listTagged(api, { app: [s.identity.tags.app], environment: [s.identity.tags.environment] }));
  return {
    identity: s.identity,
    api,
    cos,
    account: s.account,
    tagIndex,
    tagsOf: (resource) => tagsOfResource(api, resource),
    found: (type) => found.get(type) ?? [],
    async regions() {
      const regional = new Set(["cdb", "vpc", "cvm"]);
      const fromTags = (await tagIndex()).filter((r) => regional.has(r.service) && r.region).map((r) => r.region);
      return [...new Set([s.identity.region, ...s.identity.names.map((n) => n.region).filter((r): r is string => !!r), ...fromTags])];
    },
    waitMs: s.waitMs ?? 300_000,
    pollMs: s.pollMs ?? 2_000,
  };
}

/** Finds every candidate and judges ownership. Read-only. */
export async function discover(s: SweepSetup): Promise<Discovery> {
  const deleters = s.deleters ?? DELETERS;
  const found = new Map<ResourceType, Found[]>();
  const ctx = context(s, found);
  for (const type of FIND_ORDER) {
    const d = deleters.find((x) => x.type === type);
    if (d) found.set(type, await d.find(ctx));
  }
  const all = FIND_ORDER.flatMap((t) => found.get(t) ?? []);
  const verdicts = judge(all);
  const protectedBy = all.filter((f) => f.tags?.protection === "protected");
  return { identity: s.identity, found: all, verdicts, protectedBy };
}

function entryOf(identity: StackIdentity, f: Found, fields: Pick<ResourceEntry, "action" | "result"> & Partial<ResourceEntry>): ResourceEntry {
  return {
    stack: identity.stack,
    type: f.type,
    id: f.id,
    ...(f.name && f.name !== f.id ? { name: f.name } : {}),
    ...(f.address ? { address: f.address } : {}),
    ...(f.region ? { region: f.region } : {}),
    marks: f.marks,
    ...fields,
  };
}

/** What the stack owns in deletion order. */
function ownedInOrder(d: Discovery): Found[] {
  return DELETE_ORDER.flatMap((t) => d.found.filter((f) => f.type === t && d.verdicts.get(f)?.owned));
}

/** Candidates reported as not deleted (too few marks), in find order. */
function kept(d: Discovery): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  for (const f of d.found) {
    const v = d.verdicts.get(f);
    if (v && !v.owned && v.report) out.push(entryOf(d.identity, f, { action: "keep", result: "not-owned", reason: v.reason }));
  }
  return out;
}

export interface ExecuteOptions {
  dryRun: boolean;
  /** One line per resource (stderr in the CLI). */
  onProgress?: (line: string) => void;
}

const label = (f: Found) => `${f.address ?? f.type} ${f.id}${f.name && f.name !== f.id ? ` (${f.name})` : ""}`;

function describeError(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === "string" && e.code ? e.code : "Error", message: String(e?.message ?? err) };
}

/** Deletes (or, dry, plans) what the discovery found the stack owns; returns one entry per resource. */
export async function execute(s: SweepSetup, d: Discovery, o: ExecuteOptions): Promise<ResourceEntry[]> {
  const deleters = s.deleters ?? DELETERS;
  const byType = new Map<ResourceType, Found[]>();
  for (const f of d.found) byType.set(f.type, [...(byType.get(f.type) ?? []), f]);
  const ctx = context(s, byType);
  const progress = o.onProgress ?? (() => undefined);
  const results = new Map<string, ResourceEntry>();
  const owned = ownedInOrder(d);
  const entries: ResourceEntry[] = [];
  let n = 0;
  for (const f of owned) {
    n++;
    const tag = `[${n}/${owned.length}] ${label(f)}`;
    const failedDeps = DEPENDS[f.type].flatMap((t) =>
      owned.filter((x) => x.type === t && ["failed", "blocked"].includes(results.get(key(x))?.result ?? "")).map((x) => `${x.type} ${x.id}`),
    );
    const held = heldByForeign(f, d.found, d.verdicts);
    let entry: ResourceEntry;
    if (failedDeps.length) {
      entry = entryOf(d.identity, f, { action: "delete", result: "blocked", reason: `not attempted: ${failedDeps.join(", ")} was not deleted first` });
    } else if (held) {
      entry = entryOf(d.identity, f, { action: "delete", result: "blocked", reason: `not attempted: ${held}` });
    } else if (o.dryRun) {
      entry = entryOf(d.identity, f, { action: "delete", result: "planned" });
    } else {
      entry = await deleteOne(ctx, deleterOf(f.type, deleters), f, d.identity);
    }
    results.set(key(f), entry);
    entries.push(entry);
    progress(`${tag}: ${entry.result}${entry.reason ? ` — ${entry.reason}` : ""}${entry.error ? ` — ${entry.error.code}: ${entry.error.message}` : ""}`);
  }
  return [...entries, ...kept(d)];
}

async function deleteOne(ctx: SweepContext, deleter: Deleter, f: Found, identity: StackIdentity): Promise<ResourceEntry> {
  let already = false;
  try {
    await deleter.delete(ctx, f);
  } catch (err) {
    if (isGone(err)) already = true;
    else {
      // The delete may have gone through before the error arrived (a timeout): the describe decides.
      const gone = await deleter.gone(ctx, f).catch(() => false);
      if (!gone) return entryOf(identity, f, { action: "delete", result: "failed", error: describeError(err) });
    }
  }
  let gone: boolean;
  try {
    gone = await deleter.gone(ctx, f);
  } catch (err) {
    return entryOf(identity, f, { action: "delete", result: "failed", reason: "could not verify the deletion", error: describeError(err) });
  }
  if (!gone) return entryOf(identity, f, { action: "delete", result: "failed", reason: "a describe still shows it after the delete" });
  return entryOf(identity, f, { action: "delete", result: already ? "gone" : "deleted" });
}
