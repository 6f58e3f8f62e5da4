/** What the VPC deleters share: finding candidates by tags, by declared name and through the stack's instance. */
import { exactNames, nameMark, tagMark } from "../identity";
import { meetsRequirement } from "../ownership";
import { tagsFromList } from "../tags";
import type { Found, Mark, ResourceType, SweepContext } from "../types";
import { beijingToIso, containers, found, unique } from "./support";

export interface NetworkKind {
  type: ResourceType;
  /** Tag API service and prefix of its six-segment name. */
  tagService: string;
  tagPrefix: string;
  action: string;
  idFilter: string;
  nameFilter: string;
  set: string;
  idField: string;
  nameField: string;
  /** The ids the stack's (owned) instance names, e.g. its UniqVpcId. */
  fromInstance(ctx: SweepContext, instance: Found): Promise<string[]>;
}

type Row = Record<string, unknown> & { TagSet?: Array<{ Key: string; Value: string }>; CreatedTime?: string };

/** A filter takes at most 5 values (VPC API): larger lists are asked in slices. */
const FILTER_VALUES = 5;

export async function describeNetwork(ctx: SweepContext, k: NetworkKind, region: string, filter: { Name: string; Values: string[] }): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < filter.Values.length; i += FILTER_VALUES) {
    const Filters = [{ Name: filter.Name, Values: filter.Values.slice(i, i + FILTER_VALUES) }];
    for (let offset = 0; ; offset += 100) {
      const r = await ctx.api.request<Record<string, unknown>>("vpc", k.action, { Filters, Offset: String(offset), Limit: "100" }, { region });
      const rows = (r[k.set] as Row[] | undefined) ?? [];
      out.push(...rows);
      if (rows.length < 100) break;
    }
  }
  return out;
}

export async function findNetwork(ctx: SweepContext, k: NetworkKind): Promise<Found[]> {
  const index = (await ctx.tagIndex()).filter((r) => r.service === k.tagService && r.prefix === k.tagPrefix);
  const instances = containers(ctx, "tencentcloud_mysql_instance").filter((i) => meetsRequirement(i));
  const out: Found[] = [];
  for (const region of await ctx.regions()) {
    const linked = new Map<string, string>();
    for (const inst of instances.filter((i) => i.region === region)) for (const id of await k.fromInstance(ctx, inst)) if (id) linked.set(id, inst.id);
    const ids = unique([...index.filter((r) => r.region === region).map((r) => r.id), ...linked.keys()]);
    const rows = new Map<string, Row>();
    if (ids.length) for (const row of await describeNetwork(ctx, k, region, { Name: k.idFilter, Values: ids })) rows.set(String(row[k.idField]), row);
    const names = exactNames(ctx.identity, k.type).filter((n) => n.region === region).map((n) => n.name);
    if (names.length) for (const row of await describeNetwork(ctx, k, region, { Name: k.nameFilter, Values: names })) rows.set(String(row[k.idField]), row);
    for (const [id, row] of rows) {
      const tags = tagsFromList(row.TagSet);
      const n = nameMark(ctx.identity, k.type, String(row[k.nameField] ?? ""));
      const marks = [tagMark(ctx.identity, tags), n?.mark].filter((m): m is Mark => !!m);
      const via = linked.get(id);
      if (!marks.length && !via) continue;
      out.push(
        found(k.type, id, {
          name: String(row[k.nameField] ?? ""),
          region,
          address: n?.address,
          marks,
          tags,
          createdAt: beijingToIso(row.CreatedTime),
          data: via ? { linkedTo: via } : {},
        }),
      );
    }
  }
  return out;
}

export async function networkGone(ctx: SweepContext, k: NetworkKind, item: Found): Promise<boolean> {
  return (await describeNetwork(ctx, k, item.region!, { Name: k.idFilter, Values: [item.id] })).length === 0;
}
