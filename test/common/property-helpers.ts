/**
 * Shared pieces of the property-based tests of the readers in common/: planted secrets and how a leak is detected,
 * Object.prototype pollution checks, text mutations, and the one assertion every reader must pass — a value or an
 * InputError, nothing else, with no planted secret in the message.
 */
import fc from "fast-check";
import { InputError } from "../../common/errors";

/** Fixed seed and bounded runs: `npm test` stays fast and a failure replays the same way. */
export const FC_OPTIONS = { seed: 0x5eed_2024, numRuns: 250 } as const;

/** Names of Object.prototype members (and friends) that a reader must treat as ordinary names. */
export const PROTO_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
] as const;

/**
 * A planted secret: letters alternating upper / lower-or-digit ("Qa7bZk…"), so any 6-character window of it is
 * unlike the fixed words of a message and a quoted fragment is detected, not only the whole value.
 */
export const secretArb: fc.Arbitrary<string> = fc.stringMatching(/^(?:[A-Z][a-z0-9]){8,12}$/);

/**
 * Generators build their documents once with this marker where the secret goes; {@link plant} then puts each
 * run's secret in (building arbitraries per secret inside `chain` would be slow).
 */
export const MARK = "\u27e6secret\u27e7";

/** `value` with every MARK (in strings and keys, at any depth) replaced by the secret. */
export function plant<T>(value: T, secret: string): T {
  if (typeof value === "string") return value.split(MARK).join(secret) as unknown as T;
  const json = JSON.stringify(value);
  return json === undefined ? value : (JSON.parse(json.split(MARK).join(secret)) as T);
}

/** True when `message` shows the secret or a 6-character piece of one of its alphanumeric runs. */
export function leaks(message: string, secret: string): boolean {
  if (message.includes(secret)) return true;
  for (const run of secret.split(/[^A-Za-z0-9]+/)) {
    for (let i = 0; i + 6 <= run.length; i++) if (message.includes(run.slice(i, i + 6))) return true;
  }
  return false;
}

export interface ProtoState {
  names: Map<object, string[]>;
  values: Map<object, Map<string, PropertyDescriptor | undefined>>;
}

const WATCHED: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Object", Object],
];

/** The own properties of Object.prototype and its neighbours, to compare after a run. */
export function prototypeState(): ProtoState {
  const names = new Map<object, string[]>();
  const values = new Map<object, Map<string, PropertyDescriptor | undefined>>();
  for (const [, obj] of WATCHED) {
    const own = Object.getOwnPropertyNames(obj).sort();
    names.set(obj, own);
    values.set(obj, new Map(own.map((n) => [n, Object.getOwnPropertyDescriptor(obj, n)])));
  }
  return { names, values };
}

/** What changed since `before` on the watched prototypes ("" when nothing did). */
export function pollutionSince(before: ProtoState): string {
  const problems: string[] = [];
  if (({} as Record<string, unknown>).polluted !== undefined) problems.push("({}).polluted is defined");
  for (const [label, obj] of WATCHED) {
    const now = Object.getOwnPropertyNames(obj).sort();
    const was = before.names.get(obj)!;
    const added = now.filter((n) => !was.includes(n));
    if (added.length) problems.push(`${label} gained ${added.join(", ")}`);
    for (const n of was) {
      const d0 = before.values.get(obj)!.get(n);
      const d1 = Object.getOwnPropertyDescriptor(obj, n);
      if (!d1 || d0?.value !== d1.value || d0?.get !== d1.get || d0?.set !== d1.set) problems.push(`${label}.${n} changed`);
    }
  }
  return problems.join("; ");
}

/** Characters that break parsers: quotes, brackets, separators, escapes, line ends, a NUL, a BOM, non-ASCII. */
const NASTY = ['"', "'", "{", "}", "[", "]", ":", ",", ";", "=", "#", "/", "\\", "@", "%", "?", "\n", "\r", "\t", "\0", "\uFEFF", "$", "<?php", "?>", "é", "直"];

type Edit = { kind: "insert" | "delete" | "duplicate" | "truncate"; at: number; len: number; piece: string };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom("insert", "delete", "duplicate", "truncate"),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  piece: fc.oneof(fc.constantFrom(...NASTY), fc.constantFrom(...PROTO_NAMES), fc.string({ maxLength: 4 })),
});

function applyEdit(text: string, e: Edit): string {
  const at = text.length ? e.at % (text.length + 1) : 0;
  switch (e.kind) {
    case "insert":
      return text.slice(0, at) + e.piece + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + e.len);
    case "duplicate":
      return text.slice(0, at + e.len) + text.slice(at, at + e.len) + text.slice(at + e.len);
    case "truncate":
      return text.slice(0, at);
  }
}

/** A text and 0–3 random edits of it (most runs keep the text's structure, some break it). */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.array(editArb, { maxLength: 3 }))
    .map(([t, edits]) => edits.reduce(applyEdit, t));
}

/**
 * Runs a reader on one input: it must return or throw an InputError; an InputError's message must not show any of
 * the secrets. Returns the value, or the InputError.
 */
export function valueOrInputError<T>(run: () => T, secrets: string[]): { value?: T; error?: InputError } {
  let value: T;
  try {
    value = run();
  } catch (err) {
    if (!(err instanceof InputError)) {
      throw new Error(`not an InputError: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    }
    for (const s of secrets) {
      if (leaks(err.message, s)) throw new Error(`the message shows a planted secret: ${err.message}`);
    }
    if (!err.message.trim()) throw new Error("an InputError without a message");
    return { error: err };
  }
  return { value };
}

/** Throws when the watched prototypes differ from `base` (call it in every run, so a failure shrinks). */
export function expectUnpolluted(base: ProtoState): void {
  const changed = pollutionSince(base);
  if (changed) throw new Error(`prototype pollution: ${changed}`);
}
