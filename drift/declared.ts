/**
 * The declared side: the synthesized cdk.tf.json plus the stack's outputs for what the provider computed. A
 * `${…}` reference resolves, in this order, to: the value of the output whose expression is exactly it; the literal
 * the referenced resource declares for that attribute; a value learned from a live read (e.g. the VPC id an
 * instance reports). Interpolations inside strings resolve the same way. An attribute an output reports takes the
 * output's value (what the deploy produced). Anything else stays computed: it is listed in the report, never
 * compared and never dropped.
 */
import * as fs from "fs";
import { InputError, lineOf, parseJsonFile } from "../common/errors";
import type { StackOutputs } from "../common/outputs";
import type { DeclaredAttr, DeclaredResource } from "./types";

type Obj = Record<string, unknown>;

/** Meta-arguments: not attributes of the resource. */
const META = new Set(["//", "depends_on", "provider", "lifecycle", "count", "for_each", "provisioner", "connection"]);

const REFERENCE = /^(data\.)?[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/;

/** A piece of a Terraform template string. */
type Part = { text: string } | { expr: string };

/** Splits a template into literal text and `${…}` expressions (`$${` is a literal `${`); undefined when malformed. */
export function parseTemplate(s: string): Part[] | undefined {
  const parts: Part[] = [];
  let text = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i)) {
      text += "${";
      i += 3;
    } else if (s.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      let quote = false;
      while (j < s.length && depth > 0) {
        const c = s[j];
        if (quote) {
          if (c === "\\") j++;
          else if (c === '"') quote = false;
        } else if (c === '"') quote = true;
        else if (c === "{") depth++;
        else if (c === "}") depth--;
        j++;
      }
      if (depth !== 0) return undefined;
      if (text) parts.push({ text });
      text = "";
      parts.push({ expr: s.slice(i + 2, j - 1).trim() });
      i = j;
    } else {
      text += s[i++];
    }
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

class Unresolved extends Error {
  constructor(readonly expression: string) {
    super(expression);
  }
}

export interface DeclarationOptions {
  file: string;
  doc: Obj;
  text: string;
  outputs: StackOutputs;
  /** Region when a provider block names none. */
  defaultRegion: string;
}

/** The declared stack: resources resolved on demand against what is known so far. */
export class Declaration {
  readonly file: string;
  private readonly doc: Obj;
  private readonly text: string;
  private readonly outputs: StackOutputs;
  /** Output id by its single-reference expression, e.g. `tencentcloud_cos_bucket.upload_bucket.bucket` → bucket. */
  private readonly outputByExpr = new Map<string, string>();
  private readonly providers: Obj[];
  private readonly defaultRegion: string;

  constructor(o: DeclarationOptions) {
    this.file = o.file;
    this.doc = o.doc;
    this.text = o.text;
    this.outputs = o.outputs;
    for (const [id, out] of Object.entries((o.doc.output ?? {}) as Record<string, Obj>)) {
      const v = out?.value;
      if (typeof v !== "string") continue;
      const parts = parseTemplate(v);
      if (parts && parts.length === 1 && "expr" in parts[0]) this.outputByExpr.set(parts[0].expr, id);
    }
    const p = ((o.doc.provider ?? {}) as Obj).tencentcloud;
    this.providers = (Array.isArray(p) ? p : p ? [p] : []) as Obj[];
    this.defaultRegion = String(this.providers.find((x) => !x.alias)?.region ?? o.defaultRegion);
  }

  /** `type.name` of every managed resource, in file order. */
  addresses(): string[] {
    const out: string[] = [];
    for (const [type, byName] of Object.entries((this.doc.resource ?? {}) as Record<string, Obj>)) {
      for (const name of Object.keys(byName ?? {})) out.push(`${type}.${name}`);
    }
    return out;
  }

  private block(address: string): Obj | undefined {
    const [type, name] = address.split(".");
    const b = ((this.doc.resource ?? {}) as Record<string, Obj>)[type]?.[name];
    return b && typeof b === "object" ? (b as Obj) : undefined;
  }

  /** 1-based line of the resource's block in cdk.tf.json (for SARIF locations). */
  lineOf(address: string): number {
    const [type, name] = address.split(".");
    const res = this.text.indexOf('"resource"');
    const t = this.text.indexOf(`"${type}"`, Math.max(0, res));
    const n = t < 0 ? -1 : this.text.indexOf(`"${name}"`, t);
    return n < 0 ? 1 : lineOf(this.text, n);
  }

  /** The value of an output, when the outputs file has it. */
  private outputValue(id: string): unknown {
    const v = (this.outputs as unknown as Obj)[id];
    return v === undefined || v === null || v === "" ? undefined : v;
  }

  /** Resolves one expression; throws Unresolved. */
  private expression(expr: string, learned: ReadonlyMap<string, unknown>, seen: Set<string>): { value: unknown; source: string } {
    const out = this.outputByExpr.get(expr);
    if (out !== undefined) {
      const v = this.outputValue(out);
      if (v !== undefined) return { value: v, source: `output ${out}` };
    }
    if (REFERENCE.test(expr) && !expr.startsWith("data.") && !seen.has(expr)) {
      const [type, name, attr] = expr.split(".");
      const b = this.block(`${type}.${name}`);
      if (b && attr in b && !META.has(attr)) {
        seen.add(expr);
        try {
          return { value: this.value(b[attr], learned, seen), source: `${type}.${name}.${attr}` };
        } catch (e) {
          if (!(e instanceof Unresolved)) throw e;
        } finally {
          seen.delete(expr);
        }
      }
    }
    if (learned.has(expr)) return { value: learned.get(expr), source: `live ${expr}` };
    throw new Unresolved(expr);
  }

  private value(v: unknown, learned: ReadonlyMap<string, unknown>, seen: Set<string>): unknown {
    if (typeof v === "string") {
      const parts = parseTemplate(v);
      if (!parts) throw new Unresolved(v);
      if (parts.length === 1 && "expr" in parts[0]) return this.expression(parts[0].expr, learned, seen).value;
      return parts.map((p) => ("text" in p ? p.text : String(this.expression(p.expr, learned, seen).value))).join("");
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, learned, seen));
    if (v && typeof v === "object") {
      const o: Obj = {};
      for (const [k, x] of Object.entries(v as Obj)) if (k !== "//") o[k] = this.value(x, learned, seen);
      return o;
    }
    return v;
  }

  /** Where a single-expression value came from, for the report ("config" for literals). */
  private sourceOf(v: unknown, learned: ReadonlyMap<string, unknown>): string {
    if (typeof v !== "string") return "config";
    const parts = parseTemplate(v);
    if (parts && parts.length === 1 && "expr" in parts[0]) return this.expression(parts[0].expr, learned, new Set()).source;
    return parts && parts.some((p) => "expr" in p) ? "config (interpolated)" : "config";
  }

  /** The resource resolved against the outputs and what has been `learned` from live reads (`type.name.attr` → value). */
  resource(address: string, learned: ReadonlyMap<string, unknown> = new Map()): DeclaredResource {
    const b = this.block(address);
    if (!b) throw new InputError(`${this.file}: no resource ${address}`);
    const [type, name] = address.split(".");
    const attrs: Record<string, DeclaredAttr> = {};
    const config: Obj = {};
    for (const [k, v] of Object.entries(b)) {
      if (META.has(k)) continue;
      config[k] = v;
      try {
        const value = this.value(v, learned, new Set());
        attrs[k] = { known: true, value, source: this.sourceOf(v, learned) };
      } catch (e) {
        if (!(e instanceof Unresolved)) throw e;
        attrs[k] = { known: false, expression: e.expression };
      }
    }
    // What the deploy reported through the outputs (`id`, addresses, the signer's SecretId, names): the value the
    // deploy produced, also for an attribute the configuration sets (e.g. a port the deploy could not keep).
    for (const [expr, id] of this.outputByExpr) {
      if (!REFERENCE.test(expr) || expr.startsWith("data.")) continue;
      const [t, n, attr] = expr.split(".");
      if (`${t}.${n}` !== address) continue;
      const v = this.outputValue(id);
      if (v !== undefined) attrs[attr] = { known: true, value: v, source: `output ${id}` };
    }
    for (const [expr, v] of learned) {
      const [t, n, attr] = expr.split(".");
      if (`${t}.${n}` === address && !(attr in attrs)) attrs[attr] = { known: true, value: v, source: `live ${expr}` };
    }
    const alias = typeof b.provider === "string" ? b.provider.split(".")[1] : undefined;
    const region = String((alias ? this.providers.find((p) => p.alias === alias)?.region : undefined) ?? this.defaultRegion);
    return { address, type, name, region, attrs, config };
  }

  /**
   * What a live read teaches: for every declared attribute of `address` that is exactly one reference (or a list of
   * them), the live value of that attribute is the referenced value, e.g. an instance's `vpc_id` is
   * `tencentcloud_vpc.db.id`.
   */
  referencesIn(address: string): Array<{ attribute: string; index: number | null; expression: string }> {
    const b = this.block(address);
    const out: Array<{ attribute: string; index: number | null; expression: string }> = [];
    const single = (v: unknown): string | undefined => {
      if (typeof v !== "string") return undefined;
      const parts = parseTemplate(v);
      return parts && parts.length === 1 && "expr" in parts[0] && REFERENCE.test(parts[0].expr) ? parts[0].expr : undefined;
    };
    for (const [k, v] of Object.entries(b ?? {})) {
      if (META.has(k)) continue;
      const s = single(v);
      if (s) out.push({ attribute: k, index: null, expression: s });
      else if (Array.isArray(v)) v.forEach((x, i) => {
        const e = single(x);
        if (e) out.push({ attribute: k, index: i, expression: e });
      });
    }
    return out;
  }
}

/** Reads cdk.tf.json; a missing or malformed file is an InputError naming it. */
export function loadDeclaration(file: string, outputs: StackOutputs): Declaration {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `${file}: cannot read the synthesized stack (${(err as NodeJS.ErrnoException).code ?? "error"}); run \`live-infra synth\` or pass --declared FILE`,
    );
  }
  return declarationFromText(text, file, outputs);
}

export function declarationFromText(text: string, file: string, outputs: StackOutputs): Declaration {
  const doc = parseJsonFile(text, file);
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new InputError(`${file}:1: cdk.tf.json must be a JSON object`);
  const o = doc as Obj;
  if (!o.resource || typeof o.resource !== "object") throw new InputError(`${file}: not a synthesized Terraform JSON stack (no "resource")`);
  return new Declaration({ file, doc: o, text, outputs, defaultRegion: outputs.region });
}
