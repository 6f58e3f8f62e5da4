/**
 * Databases of an instance (contents of the instance): every database the instance lists as its own (system schemas
 * are not), deleted while the instance runs. An isolated instance takes its databases with it.
 */
import type { Deleter, Found, SweepContext } from "../types";
import { containers, found, key } from "./support";

const TYPE = "tencentcloud_mysql_database";

async function databases(ctx: SweepContext, instanceId: string, region: string): Promise<string[]> {
  const r = await ctx.api.request<{ DatabaseList?: Array<{ DatabaseName: string }> }>("cdb", "DescribeDatabases", { InstanceId: instanceId, Limit: 5000 }, { region });
  return (r.DatabaseList ?? []).map((d) => d.DatabaseName);
}

export const mysqlDatabase: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const inst of containers(ctx, "tencentcloud_mysql_instance")) {
      if (inst.data.status !== 1) continue;
      for (const db of await databases(ctx, inst.id, inst.region!)) {
        out.push(found(TYPE, `${inst.id}/${db}`, { region: inst.region, container: key(inst), data: { instanceId: inst.id, db } }));
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cdb", "DeleteDatabase", { InstanceId: item.data.instanceId, DBName: item.data.db }, { region: item.region });
  },
  async gone(ctx, item) {
    return !(await databases(ctx, String(item.data.instanceId), item.region!)).includes(String(item.data.db));
  },
};
