/**
 * What several readers share: declared values by name, tags through the Tag API, the Live rule lists (one call per
 * run), and small converters.
 */
import type { DeclaredResource, ReadContext, Text } from "../types";

type Obj = Record<string, unknown>;

/** The declared value of `attr` when it is known, else undefined. */
export function known(d: DeclaredResource, attr: string): unknown {
  const a = d.attrs[attr];
  return a && a.known ? a.value : undefined;
}

/** A known declared scalar as text, or undefined (computed, absent, or empty). */
export function knownText(d: DeclaredResource, attr: string): string | undefined {
  const v = known(d, attr);
  return v === undefined || v === null || v === "" || typeof v === "object" ? undefined : String(v);
}

/** Several declared values joined into one identity, or undefined while one of them is unknown. */
export function key(...parts: Array<string | undefined>): string | undefined {
  return parts.some((p) => p === undefined) ? undefined : parts.join("#");
}

export const asList = <T = Obj>(v: unknown): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as T[]) : [v as T]);

/** `[{Key, Value}]` or `[{TagKey, TagValue}]` → a map. */
export function tagMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of asList<Obj>(list)) {
    const k = t.Key ?? t.TagKey;
    if (k !== undefined) out[String(k)] = String(t.Value ?? t.TagValue ?? "");
  }
  return out;
}

/**
 * Tags of one resource through the Tag API (GetResources with its six-segment name, the account part left empty
 * as the provider builds it), e.g. `qcs::cam::uin/:uin/100001`.
 */
export async function tagsOf(ctx: ReadContext, resourceName: string): Promise<Record<string, string>> {
  const r = await ctx.api.request<{ ResourceTagMappingList?: Obj[] }>("tag", "GetResources", { ResourceList: [resourceName] });
  return tagMap(asList<Obj>(r.ResourceTagMappingList)[0]?.Tags);
}

export interface LiveRule {
  DomainName: string;
  AppName: string;
  StreamName?: string;
  TemplateId: number;
}

/** DescribeLiveCallbackRules, once per run. */
export function callbackRules(ctx: ReadContext): Promise<LiveRule[]> {
  return ctx.shared("live:DescribeLiveCallbackRules", async () => asList<LiveRule>((await ctx.api.request<{ Rules?: LiveRule[] }>("live", "DescribeLiveCallbackRules")).Rules));
}

/** DescribeLiveRecordRules, once per run. */
export function recordRules(ctx: ReadContext): Promise<LiveRule[]> {
  return ctx.shared("live:DescribeLiveRecordRules", async () => asList<LiveRule>((await ctx.api.request<{ Rules?: LiveRule[] }>("live", "DescribeLiveRecordRules")).Rules));
}

/** The manual fix text for a console/API step. */
export function manual(zh: string, en: string): { manual: Text } {
  return { manual: { zh, en } };
}

/** Upper-cased, de-duplicated, sorted strings. */
export function upperSet(v: unknown): string[] {
  return [...new Set(asList<unknown>(v).map((x) => String(x).toUpperCase()))].sort();
}

export function sortedSet(v: unknown): string[] {
  return [...new Set(asList<unknown>(v).map((x) => String(x)))].sort();
}

/** A block written as one object (cdktf's single nested block) or as a list of one. */
export function oneBlock(v: unknown): Obj | undefined {
  const l = asList<Obj>(v);
  return l.length ? l[0] : undefined;
}
