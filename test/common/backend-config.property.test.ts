/**
 * Properties of the backend-config readers (OutDefine.php, cdn.route.ini, --backend-config JSON):
 *  - any input, generated or a broken real file, gives a value or an InputError — never another error — whose message
 *    shows no planted secret, and Object.prototype is never touched;
 *  - on well-formed files the readers agree with a model of what PHP reads: for cdn.route.ini the last [DB] section
 *    and, in it, the last assignment of each exact (case-sensitive) key; for OutDefine.php the first define() of
 *    each exact name. Sections and keys named after Object.prototype members are ordinary names.
 */
import fc from "fast-check";
import {
  backendConfigFromOutputs,
  parseBackendConfigJson,
  parseOutDefine,
  parseRouteIni,
  renderBackendFiles,
  toBackendConfigJson,
} from "../../common/backend-config";
import { sampleOutputs } from "../helpers/fixtures";
import { expectUnpolluted, FC_OPTIONS, MARK, mutated, plant, PROTO_NAMES, prototypeState, secretArb, valueOrInputError } from "./property-helpers";

const base = prototypeState();
afterAll(() => expectUnpolluted(base));

const DB_KEYS = ["HOST", "PORT", "DBNAME", "USER", "PASSWD"] as const;

function cfgWith(secret: string) {
  return backendConfigFromOutputs(
    sampleOutputs({ db_password: `${secret}db`, callback_key: `${secret}cb`, signer_secret_key: `${secret}sk`, signer_secret_id: `AKID${secret}` }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// cdn.route.ini

interface IniLine {
  key: string;
  /** What the model says PHP reads. */
  value: string;
  /** How the line writes it. */
  text: string;
}
interface IniSection {
  name: string;
  lines: IniLine[];
}

const sectionNameArb = fc.oneof(
  fc.constant("DB"),
  fc.constant("DB"),
  fc.constantFrom("db", "Db", "REDIS", "LIVE_WEBSERVICE"),
  fc.constantFrom(...PROTO_NAMES),
);
const keyArb = fc.oneof(fc.constantFrom(...DB_KEYS), fc.constantFrom("host", "Port", "URL"), fc.constantFrom(...PROTO_NAMES));

/** A value and how it may be written: bare, quoted, or a PHP keyword (which PHP turns into "1" or ""). */
function written(plain: fc.Arbitrary<string>): fc.Arbitrary<{ value: string; text: string }> {
  return fc.oneof(
    plain.map((v) => ({ value: v, text: v })),
    plain.map((v) => ({ value: v, text: `"${v}"` })),
    plain.map((v) => ({ value: v, text: `'${v}' ; comment` })),
    fc.constantFrom("yes", "On", "TRUE").map((w) => ({ value: "1", text: w })),
    fc.constantFrom("no", "off", "none", "null", "False").map((w) => ({ value: "", text: w })),
  );
}
const anyValueArb = written(
  fc.oneof(fc.constant(MARK), fc.constantFrom("127.0.0.1", "live_demo", "live_user", "3306", "1", "65535", "0"), fc.stringMatching(/^[a-z0-9_.]{1,8}$/)),
);
/** Values that are mostly right for each [DB] key, so that complete sections are common. */
const dbValueArb: Record<(typeof DB_KEYS)[number], fc.Arbitrary<{ value: string; text: string }>> = {
  HOST: written(fc.constantFrom("127.0.0.1", "db.internal", MARK)),
  PORT: written(fc.oneof(fc.constantFrom("3306", "1", "65535"), fc.constantFrom("3306", "0", "70000", "33o6"))),
  DBNAME: written(fc.constantFrom("live_demo", "x")),
  USER: written(fc.constantFrom("live_user", "root")),
  PASSWD: anyValueArb,
};

const lineArb: fc.Arbitrary<IniLine> = fc.tuple(keyArb, anyValueArb).map(([key, v]) => ({ key, value: v.value, text: `${key} = ${v.text}` }));
const sectionArb: fc.Arbitrary<IniSection> = fc.record({ name: sectionNameArb, lines: fc.array(lineArb, { maxLength: 6 }) });

/** A [DB] section with all five keys (values mostly right), extra lines, in random order. */
const completeDbArb: fc.Arbitrary<IniSection> = fc
  .tuple(
    fc.tuple(...DB_KEYS.map((k) => fc.tuple(dbValueArb[k], fc.nat()).map(([v, order]) => ({ line: { key: k, value: v.value, text: `${k}=${v.text}` }, order })))),
    fc.array(fc.tuple(lineArb, fc.nat()).map(([line, order]) => ({ line, order })), { maxLength: 3 }),
  )
  .map(([fixed, extra]) => ({ name: "DB", lines: [...fixed, ...extra].sort((a, b) => a.order - b.order).map((x) => x.line) }));

/** A generated INI document with MARK where the secret goes: random sections around a complete [DB] one. */
const iniDocArb: fc.Arbitrary<{ sections: IniSection[]; preamble: IniLine[] }> = fc
  .record({
    preamble: fc.array(lineArb, { maxLength: 2 }),
    before: fc.array(sectionArb, { maxLength: 2 }),
    db: fc.option(completeDbArb, { freq: 5 }),
    after: fc.array(sectionArb, { maxLength: 2 }),
  })
  .map(({ preamble, before, db, after }) => ({ preamble, sections: [...before, ...(db ? [db] : []), ...after] }));

function renderIni(doc: { sections: IniSection[]; preamble: IniLine[] }): string {
  const out = ["; generated"];
  for (const l of doc.preamble) out.push(l.text);
  for (const s of doc.sections) {
    out.push(`[${s.name}]`);
    for (const l of s.lines) out.push(l.text);
  }
  return out.join("\n") + "\n";
}

/** What PHP's parse_ini_file($f, true)['DB'] holds: the last [DB] section; in it the last value of each key. */
function phpReadsDb(doc: { sections: IniSection[] }): Map<string, string> | undefined {
  const last = [...doc.sections].reverse().find((s) => s.name === "DB");
  if (!last) return undefined;
  const m = new Map<string, string>();
  for (const l of last.lines) m.set(l.key, l.value);
  return m;
}

describe("cdn.route.ini (property)", () => {
  test("agrees with what PHP reads; prototype member names are ordinary sections and keys", () => {
    const arb = fc.tuple(secretArb, iniDocArb).map(([secret, doc]) => ({ secret, doc: plant(doc, secret) }));
    let agreed = 0;
    fc.assert(
      fc.property(arb, ({ secret, doc }) => {
        const text = renderIni(doc);
        const php = phpReadsDb(doc);
        const r = valueOrInputError(() => parseRouteIni(text, "cdn.route.ini"), [secret]);
        const complete = php && DB_KEYS.every((k) => php.has(k));
        const port = php?.get("PORT") ?? "";
        const valid =
          complete &&
          /^\d{1,5}$/.test(port) &&
          Number(port) >= 1 &&
          Number(port) <= 65535 &&
          (["HOST", "DBNAME", "USER"] as const).every((k) => php!.get(k) !== "");
        if (valid) {
          agreed++;
          expect(r.value?.values).toEqual({
            HOST: php!.get("HOST"),
            PORT: Number(port),
            DBNAME: php!.get("DBNAME"),
            USER: php!.get("USER"),
            PASSWD: php!.get("PASSWD"),
          });
        } else {
          expect(r.error?.message).toMatch(/^cdn\.route\.ini(:\d+)?: /);
        }
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
    // Both outcomes were exercised: the model is compared on real reads, not only on errors.
    expect(agreed).toBeGreaterThan(FC_OPTIONS.numRuns / 10);
    expect(agreed).toBeLessThan(FC_OPTIONS.numRuns);
  });

  test("broken text (edits of a rendered file): a value or an InputError, no secret shown, no pollution", () => {
    const arb = fc
      .tuple(secretArb, mutated(iniDocArb.map((doc) => `${renderBackendFiles(cfgWith(MARK)).routeIni}\n${renderIni(doc)}`)))
      .map(([secret, text]) => ({ secret, text: plant(text, secret) }));
    fc.assert(
      fc.property(arb, ({ secret, text }) => {
        valueOrInputError(() => parseRouteIni(text, "cdn.route.ini"), [secret, `${secret}db`]);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// OutDefine.php

const OD_KEYS = ["API_KEY", "COSKEY_BUCKET", "COSKEY_BUCKET_REGION", "COSKEY_APPID", "COSKEY_SECRECTID", "COSKEY_SECRECTKEY"] as const;

interface PhpDef {
  name: string;
  value: string;
  text: string;
}

const FORMS = ["define('%N', %V);", 'define ( "%N" , %V ) ; // c', "const %N = %V;", "\\define('%N',%V);", "DEFINE('%N', %V)\n?>\n<?php"];
const stringValueArb = fc.oneof(
  fc.constant({ value: MARK, text: `'${MARK}'` }),
  fc.constant({ value: MARK, text: `"${MARK}"` }),
  fc.constantFrom("ap-guangzhou", "bucket-a").map((v) => ({ value: v, text: `'${v}'` })),
  fc.constant({ value: "1", text: "true" }),
  fc.constant({ value: "", text: "NULL" }),
);
const phpValueArb = fc.oneof(stringValueArb, fc.constantFrom("1250000000", "0", "42").map((v) => ({ value: v, text: v })));

function phpDef(name: string, v: { value: string; text: string }, form: string): PhpDef {
  // `const NAME =` takes an identifier: spaces around it are layout, not part of the name (define's string keeps them).
  return { name: form.startsWith("const") ? name.trim() : name, value: v.value, text: form.replace("%N", name).replace("%V", v.text) };
}

const phpDefArb: fc.Arbitrary<PhpDef> = fc
  .tuple(
    fc.oneof(fc.constantFrom(...OD_KEYS), fc.constantFrom(...PROTO_NAMES), fc.constantFrom("api_key", "API_KEY ", "COSKEY_SECRETID", "IM_SDKAPPID")),
    phpValueArb,
    fc.constantFrom(...FORMS),
  )
  .map(([n, v, form]) => phpDef(n, v, form));

/** The six keys (APPID mostly digits), one of them sometimes left out, plus extra defines, in random order. */
const phpDefsArb: fc.Arbitrary<PhpDef[]> = fc
  .tuple(
    fc.tuple(
      ...OD_KEYS.map((k) =>
        fc.tuple(k === "COSKEY_APPID" ? phpValueArb : stringValueArb, fc.constantFrom(...FORMS), fc.nat()).map(([v, form, order]) => ({ def: phpDef(k, v, form), order })),
      ),
    ),
    fc.array(fc.tuple(phpDefArb, fc.nat()).map(([def, order]) => ({ def, order })), { maxLength: 6 }),
    fc.option(fc.nat({ max: OD_KEYS.length - 1 }), { freq: 4 }),
  )
  .map(([fixed, extra, drop]) =>
    [...fixed.filter((_, i) => i !== drop), ...extra].sort((a, b) => a.order - b.order).map((x) => x.def),
  );

describe("OutDefine.php (property)", () => {
  test("agrees with what PHP reads (first definition of each exact name); prototype member names are ordinary", () => {
    const arb = fc
      .tuple(secretArb, fc.record({ defs: phpDefsArb, closeTag: fc.boolean() }))
      .map(([secret, r]) => ({ secret, ...plant(r, secret) }));
    let agreed = 0;
    fc.assert(
      fc.property(arb, ({ secret, defs, closeTag }) => {
        const text = `<?php\n${defs.map((d) => d.text).join("\n")}\n${closeTag ? "?>\ndefine('API_KEY', 'printed, not run');\n" : ""}`;
        const first = new Map<string, string>();
        for (const d of defs) if (!first.has(d.name)) first.set(d.name, d.value);
        const r = valueOrInputError(() => parseOutDefine(text, "OutDefine.php"), [secret]);
        const valid = OD_KEYS.every((k) => first.has(k)) && /^\d+$/.test(first.get("COSKEY_APPID")!);
        if (valid) {
          agreed++;
          expect(r.value?.values).toEqual(Object.fromEntries(OD_KEYS.map((k) => [k, first.get(k)])));
        } else expect(r.error?.message).toMatch(/^OutDefine\.php(:\d+)?: /);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
    expect(agreed).toBeGreaterThan(FC_OPTIONS.numRuns / 10);
    expect(agreed).toBeLessThan(FC_OPTIONS.numRuns);
  });

  test("broken text (edits of a rendered file): a value or an InputError, no secret shown, no pollution", () => {
    const arb = fc
      .tuple(secretArb, mutated(fc.constant(renderBackendFiles(cfgWith(MARK)).outDefine)))
      .map(([secret, text]) => ({ secret, text: plant(text, secret) }));
    fc.assert(
      fc.property(arb, ({ secret, text }) => {
        valueOrInputError(() => parseOutDefine(text, "OutDefine.php"), [secret, `${secret}cb`, `${secret}sk`]);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// --backend-config JSON

describe("--backend-config JSON (property)", () => {
  const odd = fc.oneof(
    fc.constant(null),
    fc.constant([MARK]),
    fc.constant({ ["__proto__"]: { polluted: MARK } }),
    fc.constant({ constructor: { prototype: { polluted: MARK } } }),
    fc.constant(MARK.repeat(400)),
    fc.integer({ min: -5, max: 70000 }),
    fc.boolean(),
    fc.constant(MARK),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const keyArb2 = fc.oneof(fc.constantFrom(...OD_KEYS, "DB", "logDir"), fc.constantFrom(...PROTO_NAMES));

  test("any replacement of fields (top level or in DB): a value or an InputError naming the field, no secret shown", () => {
    const arb = fc
      .tuple(
        secretArb,
        fc.record({
          top: fc.dictionary(keyArb2, odd, { maxKeys: 3 }),
          db: fc.dictionary(fc.oneof(fc.constantFrom(...DB_KEYS), fc.constantFrom(...PROTO_NAMES)), odd, { maxKeys: 3 }),
        }),
      )
      .map(([secret, { top, db }]) => {
        const j = toBackendConfigJson(cfgWith(MARK)) as unknown as Record<string, unknown>;
        const dbDoc = { ...(j.DB as Record<string, unknown>) };
        for (const [k, v] of Object.entries(db)) Object.defineProperty(dbDoc, k, { value: v, enumerable: true, writable: true, configurable: true });
        j.DB = dbDoc;
        for (const [k, v] of Object.entries(top)) Object.defineProperty(j, k, { value: v, enumerable: true, writable: true, configurable: true });
        return { secret, text: plant(JSON.stringify(j, null, 2), secret) };
      });
    fc.assert(
      fc.property(arb, ({ secret, text }) => {
        const r = valueOrInputError(() => parseBackendConfigJson(text, "b.json"), [secret, `${secret}db`, `${secret}cb`, `${secret}sk`]);
        if (r.error) expect(r.error.message).toMatch(/^b\.json(:\d+)?: /);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });

  test("broken text (edits of a real file): a value or an InputError, no secret shown, no pollution", () => {
    const arb = fc
      .tuple(secretArb, mutated(fc.constant(JSON.stringify(toBackendConfigJson(cfgWith(MARK)), null, 2))))
      .map(([secret, text]) => ({ secret, text: plant(text, secret) }));
    fc.assert(
      fc.property(arb, ({ secret, text }) => {
        valueOrInputError(() => parseBackendConfigJson(text, "b.json"), [secret, `${secret}db`, `${secret}cb`, `${secret}sk`]);
        expectUnpolluted(base);
      }),
      FC_OPTIONS,
    );
  });
});
