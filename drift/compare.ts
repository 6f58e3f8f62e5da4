/**
 * The comparison modes readers choose per attribute (types.ts CompareMode): normalise both sides, then compare the
 * canonical forms. Also how each mode prints a value (secrets never, SecretIds masked).
 */
import { maskSecretId } from "../common/mask";
import type { AttributeSpec, CompareMode } from "./types";

type Obj = Record<string, unknown>;

/** JSON with object keys sorted, for comparing structures. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Obj;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const scalar = (v: unknown): string => (v === undefined || v === null ? "" : typeof v === "object" ? canonical(v) : String(v));

function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === "1" || v === "true") return true;
  if (v === 0 || v === "0" || v === "false" || v === "" || v === null || v === undefined) return false;
  return undefined;
}

function url(v: unknown): string {
  const s = scalar(v).trim();
  try {
    const u = new URL(s);
    const port = u.port && !((u.protocol === "http:" && u.port === "80") || (u.protocol === "https:" && u.port === "443")) ? `:${u.port}` : "";
    return `${u.protocol}//${u.hostname.toLowerCase()}${port}${u.pathname}${u.search}`;
  } catch {
    return s;
  }
}

/**
 * A CAM policy document by meaning: version kept; statement, action and resource accepted as a list or a string;
 * `effect` lower-cased; lists sorted and de-duplicated; statements sorted. Unparseable text stays text.
 */
export function normalisePolicy(v: unknown): unknown {
  let doc: unknown = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch {
      return { unparseable: v };
    }
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { unparseable: scalar(v) };
  const d = doc as Obj;
  const sortedSet = (x: unknown) => [...new Set(asList(x).map(scalar))].sort();
  const statements = asList(d.statement).map((raw) => {
    const s = (raw && typeof raw === "object" ? raw : {}) as Obj;
    const out: Obj = {
      effect: scalar(s.effect).toLowerCase(),
      action: sortedSet(s.action),
      resource: sortedSet(s.resource),
    };
    if (s.condition !== undefined) out.condition = JSON.parse(canonical(s.condition));
    for (const k of Object.keys(s)) if (!["effect", "action", "resource", "condition"].includes(k)) out[k] = s[k];
    return out;
  });
  statements.sort((a, b) => canonical(a).localeCompare(canonical(b)));
  return { version: scalar(d.version), statement: statements };
}

/** The canonical form of a value under a mode (what equality is decided on). */
export function normalise(mode: CompareMode, v: unknown, spec?: Pick<AttributeSpec, "element">): string {
  switch (mode) {
    case "number":
      return v === undefined || v === null || v === "" ? "" : String(Number(v));
    case "bool": {
      const b = bool(v);
      return b === undefined ? scalar(v) : String(b);
    }
    case "case-insensitive":
      return scalar(v).toLowerCase();
    case "set":
      return canonical([...new Set(asList(v).map(scalar))].sort());
    case "map": {
      const o: Obj = {};
      for (const [k, x] of Object.entries((v && typeof v === "object" && !Array.isArray(v) ? v : {}) as Obj)) o[k] = scalar(x);
      return canonical(o);
    }
    case "policy-json":
      return canonical(normalisePolicy(v));
    case "url":
      return url(v);
    case "object-list":
    case "object-set": {
      const items = asList(v).map((b) => canonical(spec?.element ? spec.element((b ?? {}) as Obj) : b));
      return canonical(mode === "object-set" ? items.sort() : items);
    }
    case "secret":
    case "secret-id":
    case "exact":
    default:
      return scalar(v);
  }
}

export function equal(mode: CompareMode, declared: unknown, live: unknown, spec?: Pick<AttributeSpec, "element">): boolean {
  return normalise(mode, declared, spec) === normalise(mode, live, spec);
}

/** A value as a report may show it: secrets as "***" (null stays null), SecretIds masked, documents canonical. */
export function display(mode: CompareMode, v: unknown, spec?: Pick<AttributeSpec, "element">): unknown {
  if (v === undefined || v === null) return null;
  if (mode === "secret") return "***";
  if (mode === "secret-id") return maskSecretId(scalar(v));
  if (mode === "policy-json") return normalisePolicy(v);
  if ((mode === "object-list" || mode === "object-set") && spec?.element) return asList(v).map((b) => spec.element!((b ?? {}) as Obj));
  return v;
}
