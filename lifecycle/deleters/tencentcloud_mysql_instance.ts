/**
 * TencentDB for MySQL instances: found by the stack's tags (Tag API; TagList of DescribeDBInstances), by the
 * deploy's instance id and by the stack's instance name. Deleted the way the console does it: isolated
 * (IsolateDBInstance, Status 5), then taken offline (OfflineIsolatedInstances), after which no answer lists it.
 */
import { exactNames, nameAndIdMarks, declaredIds, tagMark } from "../identity";
import { tagsFromList } from "../tags";
import type { Deleter, Found, Mark, SweepContext } from "../types";
import { beijingToIso, found, unique, waitFor } from "./support";

const TYPE = "tencentcloud_mysql_instance";
const RUNNING = 1;
const ISOLATING = 4;
const ISOLATED = 5;

interface Instance {
  InstanceId: string;
  InstanceName?: string;
  Status?: number;
  CreateTime?: string;
  UniqVpcId?: string;
  UniqSubnetId?: string;
  TagList?: Array<{ TagKey: string; TagValue: string }>;
}

async function describe(ctx: SweepContext, region: string, params: Record<string, unknown>): Promise<Instance[]> {
  const out: Instance[] = [];
  for (let offset = 0; ; offset += 100) {
    const r = await ctx.api.request<{ TotalCount?: number; Items?: Instance[] }>("cdb", "DescribeDBInstances", { ...params, Offset: offset, Limit: 100 }, { region });
    out.push(...(r.Items ?? []));
    if ((r.Items ?? []).length < 100) return out;
  }
}

async function current(ctx: SweepContext, item: Found): Promise<Instance | undefined> {
  return (await describe(ctx, item.region!, { InstanceIds: [item.id] })).find((i) => i.InstanceId === item.id);
}

export const mysqlInstance: Deleter = {
  type: TYPE,
  async find(ctx) {
    const index = (await ctx.tagIndex()).filter((r) => r.service === "cdb" && r.prefix === "instanceId");
    const out: Found[] = [];
    for (const region of await ctx.regions()) {
      const ids = unique([
        ...index.filter((r) => r.region === region).map((r) => r.id),
        ...declaredIds(ctx.identity, TYPE).map((r) => r.id),
      ]);
      const seen = new Map<string, Instance>();
      if (ids.length) for (const i of await describe(ctx, region, { InstanceIds: ids })) seen.set(i.InstanceId, i);
      for (const n of exactNames(ctx.identity, TYPE).filter((x) => x.region === region)) {
        for (const i of await describe(ctx, region, { InstanceNames: [n.name] })) if (i.InstanceName === n.name) seen.set(i.InstanceId, i);
      }
      for (const i of seen.values()) {
        const tags = tagsFromList(i.TagList);
        const id = nameAndIdMarks(ctx.identity, TYPE, i.InstanceName, i.InstanceId);
        const marks = [tagMark(ctx.identity, tags), ...id.marks].filter((m): m is Mark => !!m);
        if (!marks.length) continue;
        out.push(
          found(TYPE, i.InstanceId, {
            name: i.InstanceName,
            region,
            address: id.address,
            marks,
            tags,
            createdAt: beijingToIso(i.CreateTime),
            data: { status: i.Status, vpcId: i.UniqVpcId || undefined, subnetId: i.UniqSubnetId || undefined },
          }),
        );
      }
    }
    return out;
  },
  async delete(ctx, item) {
    let inst = await current(ctx, item);
    if (!inst) return;
    if (inst.Status === RUNNING) {
      await ctx.api.request("cdb", "IsolateDBInstance", { InstanceId: item.id }, { region: item.region });
      inst = await current(ctx, item);
    }
    if (inst?.Status === ISOLATING) {
      await waitFor(ctx, async () => {
        inst = await current(ctx, item);
        return !inst || inst.Status !== ISOLATING;
      });
    }
    if (!inst) return;
    if (inst.Status !== ISOLATED) {
      const why = inst.Status === ISOLATING ? `still isolating after ${ctx.waitMs} ms` : `Status ${inst.Status}`;
      throw new Error(`${item.id} is not isolated (${why}), so it cannot be taken offline; run the teardown again later`);
    }
    await ctx.api.request("cdb", "OfflineIsolatedInstances", { InstanceIds: [item.id] }, { region: item.region });
  },
  async gone(ctx, item) {
    return (await current(ctx, item)) === undefined;
  },
};
