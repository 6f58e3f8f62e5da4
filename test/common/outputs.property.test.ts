/**
 * Property: whatever an outputs file holds — either shape, any JSON, prototype member names as stack names or
 * output ids, values of the wrong type, broken text — parseStackOutputs returns outputs or throws an InputError
 * whose message shows no planted secret, and Object.prototype is never touched.
 */
import fc from "fast-check";
import { OUTPUT_IDS, parseStackOutputs, SENSITIVE_OUTPUT_IDS } from "../../common/outputs";
import { sampleOutputs } from "../helpers/fixtures";
import { expectUnpolluted, FC_OPTIONS, mutated, PROTO_NAMES, prototypeState, secretArb, valueOrInputError } from "./property-helpers";

const STACK = "live-demo-fz";
const base = prototypeState();

afterAll(() => expectUnpolluted(base));

/** Outputs of a healthy deploy whose sensitive values are the secret. */
function healthy(secret: string): Record<string, unknown> {
  const o: Record<string, unknown> = { ...sampleOutputs() };
  for (const id of SENSITIVE_OUTPUT_IDS) o[id] = `${secret}${id.length}`;
  return o;
}

const nameArb = fc.oneof(
  fc.constantFrom(...OUTPUT_IDS),
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom("value", "type", "sensitive", STACK, "polluted"),
  fc.stringMatching(/^[a-z_]{1,10}$/),
);

/** Odd values for any field: wrong types, nesting, prototype-shaped objects, huge strings, the secret. */
function oddValue(secret: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constant([secret]),
    fc.constant({ value: secret }),
    fc.constant({ ["__proto__"]: { polluted: secret } }),
    fc.constant({ constructor: { prototype: { polluted: secret } } }),
    fc.constant(`${secret}-`.repeat(600)),
    fc.constant(""),
    fc.integer({ min: -1, max: 70000 }),
    fc.double(),
    fc.boolean(),
    fc.string({ maxLength: 8 }),
    fc.constant(secret),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** A document: one of the two shapes (some fields replaced, some keys added), or any JSON. */
const docArb = secretArb.chain((secret) =>
  fc
    .record({
      shape: fc.constantFrom("cdktf", "terraform", "any"),
      stackName: fc.oneof(fc.constant(STACK), fc.constantFrom(...PROTO_NAMES)),
      replaced: fc.dictionary(nameArb, oddValue(secret), { maxKeys: 4 }),
      any: fc.jsonValue({ maxDepth: 3 }),
      stackArg: fc.oneof(fc.constant(undefined), fc.constant(STACK), fc.constantFrom(...PROTO_NAMES)),
      pretty: fc.boolean(),
    })
    .map(({ shape, stackName, replaced, any, stackArg, pretty }) => {
      const outputs = { ...healthy(secret) };
      for (const [k, v] of Object.entries(replaced)) Object.defineProperty(outputs, k, { value: v, enumerable: true, writable: true, configurable: true });
      let doc: unknown;
      if (shape === "cdktf") doc = Object.defineProperty({}, stackName, { value: outputs, enumerable: true });
      else if (shape === "terraform") {
        doc = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { sensitive: true, type: "string", value: v }]));
      } else doc = any;
      return { secret, text: JSON.stringify(doc, null, pretty ? 2 : 0) ?? "null", stackArg };
    }),
);

describe("parseStackOutputs (property)", () => {
  test("a document of any shape: outputs or an InputError, no secret shown, no pollution", () => {
    fc.assert(
      fc.property(docArb, ({ secret, text, stackArg }) => {
        const r = valueOrInputError(() => parseStackOutputs(text, "o.json", stackArg), [secret]);
        if (r.value) {
          for (const k of Object.keys(r.value)) expect(OUTPUT_IDS as readonly string[]).toContain(k);
          for (const v of Object.values(r.value)) expect(["string", "number"]).toContain(typeof v);
        } else {
          expect(r.error!.message).toMatch(/^o\.json(:\d+)?: /);
        }
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });

  test("broken text (edits of a real file): outputs or an InputError, no secret shown, no pollution", () => {
    const textArb = secretArb.chain((secret) =>
      mutated(fc.constant(JSON.stringify({ [STACK]: healthy(secret) }, null, 2))).map((text) => ({ secret, text })),
    );
    fc.assert(
      fc.property(textArb, ({ secret, text }) => {
        valueOrInputError(() => parseStackOutputs(text, "o.json", STACK), [secret]);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });

  test("an untouched file reads back exactly, under every stack name (prototype member names included)", () => {
    fc.assert(
      fc.property(secretArb, fc.constantFrom(STACK, ...PROTO_NAMES), (secret, stack) => {
        const outputs = healthy(secret);
        const text = JSON.stringify(Object.defineProperty({}, stack, { value: outputs, enumerable: true }));
        expect(parseStackOutputs(text, "o.json", stack)).toEqual(outputs);
        expect(parseStackOutputs(text, "o.json")).toEqual(outputs);
        expectUnpolluted(base);
      }),
      { ...FC_OPTIONS, numRuns: 50 },
    );
  });
});
