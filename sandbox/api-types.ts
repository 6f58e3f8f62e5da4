/**
 * Types shared by the API 3.0 dispatcher (api.ts) and the action tables (live.ts, cdb.ts, cam.ts, tag.ts, vpc.ts); kept apart so
 * the tables do not import the dispatcher (which imports them).
 */
import type { Credential, State, StateStore } from "./state";

/** An error returned in the envelope: `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parameter spec: "string" | "int" | "bool" | "any", an array `[spec]`, or an object of field → spec.
 * A trailing "!" on a field name marks it required.
 */
export type Spec = "string" | "int" | "bool" | "any" | Spec[] | { [field: string]: Spec };

export interface ActionContext {
  state: State;
  store: StateStore;
  cred: Credential;
  region: string;
  log(line: string): void;
}

export interface ActionDef {
  params?: { [field: string]: Spec };
  /** Product needs X-TC-Region. */
  needsRegion?: boolean;
  /** Skip the CAM check (e.g. sts:GetCallerIdentity needs no permission). */
  noAuthz?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(params: any, c: ActionContext): Record<string, unknown>;
}

export interface ServiceDef {
  version: string;
  needsRegion?: boolean;
  actions: Record<string, ActionDef>;
}

// ---------------------------------------------------------------------------------------------------------------
// Field-name mapping between the state (camelCase) and the API (PascalCase)

const KEEP_CASE = new Set(["meta", "params", "tags"]);

export function toApi<T>(value: T): unknown {
  if (Array.isArray(value)) return value.map(toApi);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), KEEP_CASE.has(k) ? v : toApi(v)]));
  }
  return value;
}

export function fromApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromApi);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), fromApi(v)]));
  }
  return value;
}
