/**
 * Evaluates `cdk.tf.json` values as Terraform would for plain references and interpolations (`${type.name.attr}`,
 * `${data.type.name.attr}`, `${var.x}`, `${local.x}`, indexes `[0]`/`["k"]`, `$${` escapes). Terraform functions are
 * not evaluated (an InputError names the expression). A resource is evaluated on first reference, so resources
 * nobody needs never block seeding; the attributes its provider computes come from the `computed` callback.
 */
import { InputError } from "../../common/errors";
import { Json, Obj, randomString } from "./values";

/** One resource or data source block of the stack. */
export interface Block {
  mode: "resource" | "data";
  type: string;
  name: string;
  /** `type.name`, or `data.type.name`. */
  addr: string;
  config: Obj;
}

/** Meta-arguments: not attributes of the resource. */
const META = ["//", "depends_on", "provisioner", "lifecycle", "provider", "connection", "count", "for_each"];

export class Evaluator {
  private blocks = new Map<string, Block>();
  private values = new Map<string, Obj>();
  private active: string[] = [];
  notes: string[] = [];

  constructor(
    private doc: Obj,
    private file: string,
    private variables: Record<string, string>,
    private computed: (b: Block, attrs: Obj) => Obj,
  ) {
    for (const mode of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries((doc[mode] ?? {}) as Record<string, Obj>)) {
        for (const [name, config] of Object.entries(byName)) {
          const addr = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          this.blocks.set(addr, { mode, type, name, addr, config: config as Obj });
        }
      }
    }
  }

  block(addr: string): Block {
    return this.blocks.get(addr)!;
  }

  /** Addresses of the resources of one type, in file order. */
  ofType(type: string, mode: "resource" | "data" = "resource"): string[] {
    return [...this.blocks.entries()].filter(([, b]) => b.type === type && b.mode === mode).map(([a]) => a);
  }

  /** All attributes (configured, evaluated, plus computed) of a resource or data source. */
  attrs(addr: string): Obj {
    const done = this.values.get(addr);
    if (done) return done;
    const b = this.blocks.get(addr);
    if (!b) throw new InputError(`${this.file}: reference to ${addr}, which the stack does not define`);
    if (this.active.includes(addr)) throw new InputError(`${this.file}: reference cycle ${[...this.active, addr].join(" → ")}`);
    this.active.push(addr);
    try {
      const evaluated: Obj = {};
      for (const [k, v] of Object.entries(b.config)) {
        if (META.includes(k)) continue;
        evaluated[k] = this.value(v, `${addr}.${k}`);
      }
      const all = { ...evaluated, ...this.computed(b, evaluated) };
      this.values.set(addr, all);
      return all;
    } finally {
      this.active.pop();
    }
  }

  /** Evaluates a configuration value (strings interpolated, containers recursed). */
  value(v: Json, where: string): Json {
    if (typeof v === "string") return this.interpolate(v, where);
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${where}[${i}]`));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v as Obj).filter(([k]) => k !== "//").map(([k, x]) => [k, this.value(x, `${where}.${k}`)]));
    }
    return v;
  }

  interpolate(s: string, where: string): Json {
    if (!s.includes("${")) return s;
    const whole = /^\$\{([^{}]*)\}$/.exec(s);
    if (whole && !s.startsWith("$${")) return this.expr(whole[1], where);
    let out = "";
    let i = 0;
    while (i < s.length) {
      if (s.startsWith("$${", i)) {
        out += "${";
        i += 3;
      } else if (s.startsWith("${", i)) {
        const end = s.indexOf("}", i);
        if (end < 0) throw new InputError(`${this.file}: ${where}: unterminated "\${" in ${JSON.stringify(s)}`);
        const v = this.expr(s.slice(i + 2, end), where);
        out += typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
        i = end + 1;
      } else {
        out += s[i++];
      }
    }
    return out;
  }

  private expr(text: string, where: string): Json {
    const e = text.trim();
    const m = /^([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\])*)$/.exec(e);
    if (!m) {
      throw new InputError(
        `${this.file}: ${where}: "\${${e}}" is not a plain reference; the sandbox seeder evaluates references and interpolations only, not Terraform functions`,
      );
    }
    const segs: Array<string | number> = [m[1]];
    for (const s of m[2].match(/\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\]/g) ?? []) {
      if (s.startsWith(".")) segs.push(s.slice(1));
      else if (s.startsWith('["')) segs.push(s.slice(2, -2));
      else segs.push(Number(s.slice(1, -1)));
    }
    let base: Json;
    let rest: Array<string | number>;
    if (segs[0] === "var") {
      base = this.variable(String(segs[1]), where);
      rest = segs.slice(2);
    } else if (segs[0] === "local") {
      const locals = (this.doc.locals ?? {}) as Obj;
      if (!(String(segs[1]) in locals)) throw new InputError(`${this.file}: ${where}: local.${segs[1]} is not defined`);
      base = this.value(locals[String(segs[1])], `local.${segs[1]}`);
      rest = segs.slice(2);
    } else if (segs[0] === "data") {
      base = this.attrs(`data.${segs[1]}.${segs[2]}`);
      rest = segs.slice(3);
    } else {
      base = this.attrs(`${segs[0]}.${segs[1]}`);
      rest = segs.slice(2);
    }
    let cur = base;
    for (const s of rest) {
      if (Array.isArray(cur) && typeof s === "number") cur = cur[s];
      else if (Array.isArray(cur) && cur.length === 1 && typeof s === "string") cur = (cur[0] as Obj)[s]; // nested block list
      else if (cur && typeof cur === "object") cur = (cur as Obj)[String(s)];
      else cur = undefined;
      if (cur === undefined) throw new InputError(`${this.file}: ${where}: "\${${e}}" refers to an attribute the sandbox does not know (${s})`);
    }
    return cur;
  }

  private variable(name: string, where: string): Json {
    const decl = ((this.doc.variable ?? {}) as Obj)[name] as Obj | undefined;
    if (!decl) throw new InputError(`${this.file}: ${where}: var.${name} is not declared`);
    if (name in this.variables) return this.variables[name];
    if (decl.default !== undefined) return decl.default;
    this.variables[name] = randomString(32);
    this.notes.push(`var.${name}: no value given (TF_VAR_${name}); used a random string`);
    return this.variables[name];
  }
}
