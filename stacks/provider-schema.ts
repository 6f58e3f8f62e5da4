/**
 * The pinned Tencent Cloud provider schema (`providers/tencentcloud/schema.json`, `terraform providers schema -json`
 * format), loaded once. Used by the schema-conformance checker and the tags policy rule.
 */
import * as fs from "fs";
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

/** Loads the provider's schema from `file` (default: the package's pinned copy). */
export function loadProviderSchema(file = providerSchemaFile()): ProviderSchema {
  let s = cache.get(file);
  if (!s) {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    s = doc?.provider_schemas?.[TENCENTCLOUD_FQPN] as ProviderSchema | undefined;
    if (!s) throw new Error(`${file}: no provider_schemas["${TENCENTCLOUD_FQPN}"]`);
    cache.set(file, s);
  }
  return s;
}

/** Whether a resource type's schema has a top-level `tags` attribute. */
export function resourceHasTags(resourceType: string, schema = loadProviderSchema()): boolean {
  return Boolean(schema.resource_schemas[resourceType]?.block.attributes?.tags);
}
