/**
 * Database accounts of an instance (contents of the instance): every account but `root`, deleted while the instance
 * runs. An isolated instance takes its accounts with it.
 */
import type { Deleter, Found, SweepContext } from "../types";
import { containers, found, key } from "./support";

const TYPE = "tencentcloud_mysql_account";

async function accounts(ctx: SweepContext, instanceId: string, region: string): Promise<Array<{ User: string; Host: string }>> {
  const out: Array<{ User: string; Host: string }> = [];
  for (let offset = 0; ; offset += 100) {
    const r = await ctx.api.request<{ Items?: Array<{ User: string; Host: string }> }>("cdb", "DescribeAccounts", { InstanceId: instanceId, Offset: offset, Limit: 100 }, { region });
    out.push(...(r.Items ?? []));
    if ((r.Items ?? []).length < 100) return out;
  }
}

export const mysqlAccount: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const inst of containers(ctx, "tencentcloud_mysql_instance")) {
      if (inst.data.status !== 1) continue;
      for (const a of await accounts(ctx, inst.id, inst.region!)) {
        if (a.User === "root") continue;
        out.push(found(TYPE, `${inst.id}/${a.User}@${a.Host}`, { region: inst.region, container: key(inst), data: { instanceId: inst.id, user: a.User, host: a.Host } }));
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cdb", "DeleteAccounts", { InstanceId: item.data.instanceId, Accounts: [{ User: item.data.user, Host: item.data.host }] }, { region: item.region });
  },
  async gone(ctx, item) {
    return !(await accounts(ctx, String(item.data.instanceId), item.region!)).some((a) => a.User === item.data.user && a.Host === item.data.host);
  },
};
