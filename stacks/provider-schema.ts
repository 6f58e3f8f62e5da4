/**
 * The pinned Tencent Cloud provider schema (`providers/tencentcloud/schema.json`, `terraform providers schema -json`
 * format), loaded once. Used by the schema-conformance checker and the tags policy rule.
 */
import * as fs from "fs";
import { InputError, parseJsonFile } from "../common/errors";
import { providerSchemaFile } from "./paths";

export type SchemaType = string | [string, SchemaType] | [string, Record<string, SchemaType>];

export interface SchemaAttribute {
  type: SchemaType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}

export interface SchemaBlockType {
  nesting_mode: "single" | "list" | "set" | "map" | "group";
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface ProviderSchema {
  provider: { block: SchemaBlock };
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

export const TENCENTCLOUD_FQPN = "registry.terraform.io/tencentcloudstack/tencentcloud";

const cache = new Map<string, ProviderSchema>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** `obj[key]` when it is an own property (never an inherited member such as `constructor`). */
const own = (obj: unknown, key: string): unknown => (isObject(obj) && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);

/**
 * Loads the provider's schema from `file` (default: the package's pinned copy). An unreadable file, bad JSON or a
 * document without the provider's sections is an InputError naming the file and the missing part.
 */
export function loadProviderSchema(file = providerSchemaFile()): ProviderSchema {
  let s = cache.get(file);
  if (!s) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new InputError(`${file}: cannot read the provider schema (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    const found = own(own(parseJsonFile(text, file), "provider_schemas"), TENCENTCLOUD_FQPN);
    const where = `provider_schemas["${TENCENTCLOUD_FQPN}"]`;
    if (!isObject(found)) throw new InputError(`${file}: field ${where}: missing or not an object (expected \`terraform providers schema -json\` output)`);
    if (!isObject(own(own(found, "provider"), "block"))) throw new InputError(`${file}: field ${where}.provider.block: missing or not an object`);
    for (const section of ["resource_schemas", "data_source_schemas"]) {
      if (!isObject(own(found, section))) throw new InputError(`${file}: field ${where}.${section}: missing or not an object`);
    }
    s = found as unknown as ProviderSchema;
    cache.set(file, s);
  }
  return s;
}

/** Whether a resource type's schema has a top-level `tags` attribute. */
export function resourceHasTags(resourceType: string, schema = loadProviderSchema()): boolean {
  return own(own(own(own(schema.resource_schemas, resourceType), "block"), "attributes"), "tags") !== undefined;
}
