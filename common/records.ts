/**
 * Prototype-safe access to parsed documents. Every reader of a user file keys its maps by names taken from the
 * file, so those maps have no prototype (`[__proto__]`, `toString`, `constructor` … are ordinary names there) and
 * objects from JSON.parse are read through their own properties only.
 */

/** A map keyed by names from a file: no prototype, so every key is an ordinary own entry. */
export type NameMap<T> = Record<string, T>;

/** A new empty {@link NameMap}. */
export function nameMap<T>(): NameMap<T> {
  return Object.create(null) as NameMap<T>;
}

/** True when `key` is an own property of `obj` (never a member of Object.prototype). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own property `key` of `obj`, or undefined (never an inherited member). */
export function getOwn(obj: object, key: string): unknown {
  return hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The own enumerable entries of a JSON object as a Map (keys such as "__proto__" kept as plain keys). */
export function ownEntries(obj: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of Object.keys(obj)) out.set(key, obj[key]);
  return out;
}

/** What a JSON value is, in words, for "must be a string (got an array)" messages; never the value itself. */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

/**
 * A name taken from a file or a flag (a stack name, a key), fit to quote in a message: control characters escaped
 * and cut to `max` characters. Use only for names; values are never quoted.
 */
export function showName(name: string, max = 64): string {
  const cut = name.length > max ? `${name.slice(0, max)}…` : name;
  return JSON.stringify(cut);
}
