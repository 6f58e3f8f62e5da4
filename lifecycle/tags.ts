/**
 * The Tag API side of discovery: the account's resources carrying given tags (GetResources, every page), their
 * six-segment names parsed, and the tags of one named resource.
 */
import type { TencentApiClient } from "../validators/clients";
import type { TaggedResource } from "./types";

const MAX_PAGES = 100;

/** `qcs::<service>:<region>:<account>:<prefix>/<id>` → its parts; undefined when it is not such a name. */
export function parseResourceName(name: string): Omit<TaggedResource, "tags"> | undefined {
  const parts = name.split(":");
  if (parts.length < 6 || parts[0] !== "qcs" || parts[1] !== "" || !parts[2]) return undefined;
  const [, , service, region, account] = parts;
  const rest = parts.slice(5).join(":");
  if (service === "cos") {
    // `prefix//<appid>/<short>` or `prefix/<short>`: the bucket is `<short>-<appid>`.
    const appId = /^uid\/(\d+)$/.exec(account)?.[1];
    const m = /^prefix\/(?:\/(\d+)\/)?([a-z0-9-]+)$/.exec(rest);
    const app = m?.[1] ?? appId;
    if (!m || !app) return undefined;
    return { resource: name, service, region, prefix: "", id: `${m[2]}-${app}` };
  }
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  return { resource: name, service, region, prefix: rest.slice(0, slash), id: rest.slice(slash + 1) };
}

type TagList = Array<{ TagKey?: string; TagValue?: string }> | undefined;

function tagMap(list: TagList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t && typeof t.TagKey === "string") out[t.TagKey] = String(t.TagValue ?? "");
  return out;
}

/** Every resource matching all `filters` (key → accepted values), all pages. Names that do not parse are skipped. */
export async function listTagged(api: TencentApiClient, filters: Record<string, string[]>): Promise<TaggedResource[]> {
  const out: TaggedResource[] = [];
  const TagFilters = Object.entries(filters).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
  let token = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api.request<{ PaginationToken?: string; ResourceTagMappingList?: Array<{ Resource: string; Tags?: TagList }> }>("tag", "GetResources", {
      TagFilters,
      MaxResults: 200,
      ...(token ? { PaginationToken: token } : {}),
    });
    for (const m of r.ResourceTagMappingList ?? []) {
      const parsed = parseResourceName(m.Resource);
      if (parsed) out.push({ ...parsed, tags: tagMap(m.Tags) });
    }
    token = r.PaginationToken ?? "";
    if (!token) return out;
  }
  throw new Error(`Tag GetResources: more than ${MAX_PAGES} pages of 200 resources; narrow the account down`);
}

/** Tags of one resource by its six-segment name ({} when it has none or the Tag API does not know it). */
export async function tagsOfResource(api: TencentApiClient, resource: string): Promise<Record<string, string>> {
  const r = await api.request<{ ResourceTagMappingList?: Array<{ Resource: string; Tags?: TagList }> }>("tag", "GetResources", { ResourceList: [resource] });
  return tagMap(r.ResourceTagMappingList?.[0]?.Tags);
}

/** `[{Key, Value}]` (VPC TagSet, CAM Tags) or `[{TagKey, TagValue}]` (CDB TagList) → a map. */
export function tagsFromList(list: Array<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) {
    const k = t.Key ?? t.TagKey;
    if (typeof k === "string") out[k] = String(t.Value ?? t.TagValue ?? "");
  }
  return out;
}
