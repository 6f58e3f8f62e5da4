/** Helpers shared by the deleters. */
import { CloudError } from "../../validators/clients";
import type { Found, Mark, ResourceType, SweepContext } from "../types";

/**
 * Codes that say the addressed resource does not exist, beyond what the client layer already classes as
 * `not-found` (ResourceNotFound.*, *NotFound, *NotExist, COS 404): CDB names an unknown account this way.
 */
const GONE_CODES = new Set(["InvalidParameterValue.UserNotExistError"]);

/** True when `err` says the resource is not there (any more). */
export function isGone(err: unknown): boolean {
  return err instanceof CloudError && (err.kind === "not-found" || GONE_CODES.has(err.code));
}

/** Runs a describe that answers "does not exist" with an error; resolves undefined then. */
export async function unlessGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/** `YYYY-MM-DD hh:mm:ss` in Beijing time (Live, CDB, VPC, CAM) → ISO 8601 UTC; undefined when not such a time. */
export function beijingToIso(t: unknown): string | undefined {
  if (typeof t !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(t.trim());
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - 8 * 3_600_000;
  return Number.isFinite(ms) && m[1] !== "0000" ? new Date(ms).toISOString().replace(/\.000Z$/, "Z") : undefined;
}

/** An ISO date as COS prints it → ISO 8601 UTC; undefined when unparsable. */
export function isoOf(t: unknown): string | undefined {
  if (typeof t !== "string" || !t) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.000Z$/, "Z") : undefined;
}

export const key = (f: Pick<Found, "type" | "id">): string => `${f.type}:${f.id}`;

export function found(type: ResourceType, id: string, fields: Omit<Found, "type" | "id" | "marks" | "data"> & { marks?: Mark[]; data?: Record<string, unknown> }): Found {
  return { type, id, ...fields, marks: fields.marks ?? [], data: fields.data ?? {} };
}

/** Candidates of `type` earlier finders returned that are containers worth looking into (any mark at all). */
export function containers(ctx: SweepContext, type: ResourceType): Found[] {
  return ctx.found(type).filter((f) => f.marks.length > 0);
}

/** Waits `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `ctx.waitMs` passes; resolves with the last answer. */
export async function waitFor(ctx: SweepContext, check: () => Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ctx.waitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() + ctx.pollMs > until) return false;
    await sleep(ctx.pollMs);
  }
}

/** Unique values in order. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
