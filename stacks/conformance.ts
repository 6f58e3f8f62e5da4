/**
 * Schema conformance (stands in for `terraform validate`, which needs the provider binary): checks every provider
 * block, resource and data source of a synthesized `cdk.tf.json` against the pinned provider schema.
 *
 * Reported: unknown attribute or block, missing required attribute or block, wrong primitive type or nesting,
 * setting a computed-only attribute, too few / too many blocks, unknown resource / data source types.
 * Rules: only `tencentcloud_*` types (and the `tencentcloud` provider) are checked; meta-arguments are allowed at
 * the top of a resource; a string containing a `${...}` reference satisfies any type; primitives Terraform converts
 * are accepted (3306 for a string, "3306" for a number); a list/set block may be written as one object or as an
 * array of objects; null counts as not set.
 */
import * as fs from "fs";
import { parseJsonFile } from "../common/errors";
import { loadProviderSchema, type ProviderSchema, type SchemaBlock, type SchemaType } from "./provider-schema";

export interface Violation {
  /** Where, e.g. `resource.tencentcloud_cos_bucket.upload_bucket.cors_rules[0].allowed_origins`. */
  readonly path: string;
  readonly message: string;
}

/** Meta-arguments Terraform accepts on any resource / data source. */
export const META_ARGUMENTS: ReadonlySet<string> = new Set([
  "//",
  "depends_on",
  "lifecycle",
  "count",
  "for_each",
  "provider",
  "provisioner",
  "connection",
]);
/** Meta-arguments of a provider block. */
const PROVIDER_META: ReadonlySet<string> = new Set(["//", "alias", "version"]);

const PREFIX = "tencentcloud_";
const PROVIDER_NAME = "tencentcloud";

/** Own keys only: a key such as `constructor` must not find Object.prototype's member. */
const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

const NUMBER_RE = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function isReference(v: unknown): boolean {
  return typeof v === "string" && v.includes("${");
}
function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function describe(v: unknown): string {
  const t = Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
  const s = JSON.stringify(v);
  return s && s.length <= 40 ? `${t} ${s}` : t;
}
function typeName(t: SchemaType): string {
  if (typeof t === "string") return t;
  const [kind, inner] = t;
  return kind === "object" ? "object" : `${kind}(${typeName(inner as SchemaType)})`;
}

function checkType(value: unknown, type: SchemaType, path: string, out: Violation[]): void {
  if (value === null || value === undefined || isReference(value)) return;
  const wrong = (): void => {
    out.push({ path, message: `must be ${typeName(type)} (got ${describe(value)})` });
  };
  if (typeof type === "string") {
    // Terraform's own conversions are accepted (as `terraform validate` does): number/bool → string, a numeric
    // string → number, "true"/"false" → bool.
    if (type === "dynamic") return;
    if (type === "string" && !["string", "number", "boolean"].includes(typeof value)) return wrong();
    if (type === "number" && !(typeof value === "number" ? Number.isFinite(value) : typeof value === "string" && NUMBER_RE.test(value))) return wrong();
    if (type === "bool" && typeof value !== "boolean" && value !== "true" && value !== "false") return wrong();
    return;
  }
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return wrong();
    value.forEach((v, i) => checkType(v, inner as SchemaType, `${path}[${i}]`, out));
  } else if (kind === "map") {
    if (!isObject(value)) return wrong();
    for (const [k, v] of Object.entries(value)) checkType(v, inner as SchemaType, `${path}.${k}`, out);
  } else if (kind === "object") {
    if (!isObject(value)) return wrong();
    const fields = inner as Record<string, SchemaType>;
    for (const [k, v] of Object.entries(value)) {
      if (!hasOwn(fields, k)) out.push({ path: `${path}.${k}`, message: `unknown object field "${k}"` });
      else checkType(v, fields[k], `${path}.${k}`, out);
    }
  } else if (kind === "tuple") {
    if (!Array.isArray(value)) return wrong();
  }
}

function checkBlock(value: unknown, block: SchemaBlock, path: string, out: Violation[], meta?: ReadonlySet<string>): void {
  if (!isObject(value)) {
    out.push({ path, message: `must be an object (got ${describe(value)})` });
    return;
  }
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  for (const [key, v] of Object.entries(value)) {
    if (meta?.has(key)) continue;
    const at = `${path}.${key}`;
    const attr = hasOwn(attributes, key) ? attributes[key] : undefined;
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required && v !== null) {
        out.push({ path: at, message: `"${key}" is computed by the provider and cannot be set` });
        continue;
      }
      checkType(v, attr.type, at, out);
      continue;
    }
    const bt = hasOwn(blockTypes, key) ? blockTypes[key] : undefined;
    if (!bt) {
      out.push({ path: at, message: `unknown attribute or block "${key}"` });
      continue;
    }
    if (v === null || isReference(v)) continue;
    const items: unknown[] = bt.nesting_mode === "map" ? (isObject(v) ? Object.values(v) : [v]) : Array.isArray(v) ? v : [v];
    if ((bt.nesting_mode === "single" || bt.nesting_mode === "group") && items.length > 1) {
      out.push({ path: at, message: `block "${key}" is a single block (got ${items.length})` });
    }
    if (bt.max_items !== undefined && bt.max_items > 0 && items.length > bt.max_items) {
      out.push({ path: at, message: `block "${key}" allows at most ${bt.max_items} (got ${items.length})` });
    }
    if (bt.min_items !== undefined && items.length < bt.min_items) {
      out.push({ path: at, message: `block "${key}" needs at least ${bt.min_items} (got ${items.length})` });
    }
    items.forEach((item, i) => checkBlock(item, bt.block, Array.isArray(v) ? `${at}[${i}]` : at, out));
  }
  for (const [name, attr] of Object.entries(attributes)) {
    if (attr.required && (value[name] === undefined || value[name] === null)) {
      out.push({ path, message: `missing required attribute "${name}"` });
    }
  }
  for (const [name, bt] of Object.entries(blockTypes)) {
    if ((bt.min_items ?? 0) > 0 && (value[name] === undefined || value[name] === null)) {
      out.push({ path, message: `missing required block "${name}"` });
    }
  }
}

/** Checks a synthesized Terraform JSON document. Returns every violation (empty = conforms). */
export function checkConformance(doc: unknown, schema: ProviderSchema = loadProviderSchema()): Violation[] {
  const out: Violation[] = [];
  if (!isObject(doc)) return [{ path: "(document)", message: "must be a JSON object" }];

  const providers = isObject(doc.provider) ? doc.provider : {};
  if (PROVIDER_NAME in providers) {
    const blocks = providers[PROVIDER_NAME];
    const list = Array.isArray(blocks) ? blocks : [blocks];
    list.forEach((b, i) =>
      checkBlock(b, schema.provider.block, Array.isArray(blocks) ? `provider.${PROVIDER_NAME}[${i}]` : `provider.${PROVIDER_NAME}`, out, PROVIDER_META),
    );
  }

  for (const [section, schemas] of [
    ["resource", schema.resource_schemas],
    ["data", schema.data_source_schemas],
  ] as const) {
    const byType = isObject(doc[section]) ? (doc[section] as Record<string, unknown>) : {};
    for (const [type, instances] of Object.entries(byType)) {
      if (!type.startsWith(PREFIX)) continue;
      const s = hasOwn(schemas, type) ? schemas[type] : undefined;
      if (!s) {
        out.push({ path: `${section}.${type}`, message: `unknown ${section === "data" ? "data source" : "resource"} type "${type}" (not in the provider schema)` });
        continue;
      }
      if (!isObject(instances)) {
        out.push({ path: `${section}.${type}`, message: `must be an object of name → configuration` });
        continue;
      }
      for (const [name, config] of Object.entries(instances)) {
        checkBlock(config, s.block, `${section}.${type}.${name}`, out, META_ARGUMENTS);
      }
    }
  }
  return out;
}

/** Reads a `cdk.tf.json` and checks it. */
export function checkSynthesizedFile(file: string, schema?: ProviderSchema): Violation[] {
  return checkConformance(parseJsonFile(fs.readFileSync(file, "utf8"), file), schema);
}
