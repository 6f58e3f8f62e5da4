/**
 * CAM sub-users: found by the stack's tags (Tag API, `qcs::cam::uin/<owner>:uin/<uin>`) and by the stack's user
 * name (GetUser); deleted once their API keys and attached policies are gone (no Force: what is left is reported).
 */
import { exactNames, nameMark, tagMark } from "../identity";
import type { Deleter, Found, Mark } from "../types";
import { beijingToIso, found, unique, unlessGone } from "./support";

const TYPE = "tencentcloud_cam_user";

interface SubAccount {
  Uin: number;
  Name: string;
  CreateTime?: string;
}

export const camUser: Deleter = {
  type: TYPE,
  async find(ctx) {
    const { ownerUin } = await ctx.account();
    const byTags = (await ctx.tagIndex()).filter((r) => r.service === "cam" && r.prefix === "uin");
    const uins = unique([...byTags.map((r) => r.id)]);
    for (const { name } of exactNames(ctx.identity, TYPE)) {
      const u = await unlessGone(ctx.api.request<{ Uin: number }>("cam", "GetUser", { Name: name }));
      if (u) uins.push(String(u.Uin));
    }
    const out: Found[] = [];
    const wanted = unique(uins);
    for (let i = 0; i < wanted.length; i += 50) {
      const r = await ctx.api.request<{ SubAccounts?: SubAccount[] }>("cam", "DescribeSubAccounts", { FilterSubAccountUin: wanted.slice(i, i + 50).map(Number) });
      for (const u of r.SubAccounts ?? []) {
        const uin = String(u.Uin);
        const tags = byTags.find((t) => t.id === uin)?.tags ?? (await ctx.tagsOf(`qcs::cam::uin/${ownerUin}:uin/${uin}`));
        const n = nameMark(ctx.identity, TYPE, u.Name);
        const marks = [tagMark(ctx.identity, tags), n?.mark].filter((m): m is Mark => !!m);
        if (marks.length) out.push(found(TYPE, u.Name, { address: n?.address, marks, tags, createdAt: beijingToIso(u.CreateTime), data: { uin } }));
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cam", "DeleteUser", { Name: item.id });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.api.request("cam", "GetUser", { Name: item.id }))) === undefined;
  },
};
