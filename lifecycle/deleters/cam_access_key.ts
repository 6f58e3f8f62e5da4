/** API keys of a CAM user (contents of the user): deleted before the user, so the user is never force-deleted. */
import { maskSecretId } from "../../common/mask";
import type { Deleter, Found } from "../types";
import { containers, found, key } from "./support";

const TYPE = "cam_access_key";

async function keysOf(ctx: Parameters<Deleter["find"]>[0], uin: unknown): Promise<Array<{ AccessKeyId: string; CreateTime?: string }>> {
  const r = await ctx.api.request<{ AccessKeys?: Array<{ AccessKeyId: string; CreateTime?: string }> | null }>("cam", "ListAccessKeys", { TargetUin: Number(uin) });
  return r.AccessKeys ?? [];
}

export const camAccessKey: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const user of containers(ctx, "tencentcloud_cam_user")) {
      for (const k of await keysOf(ctx, user.data.uin)) {
        // The id names the key masked: SecretIds never appear in full.
        out.push(found(TYPE, `${user.id}/${maskSecretId(k.AccessKeyId)}`, { container: key(user), data: { uin: user.data.uin, accessKeyId: k.AccessKeyId } }));
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("cam", "DeleteAccessKey", { AccessKeyId: item.data.accessKeyId, TargetUin: Number(item.data.uin) });
  },
  async gone(ctx, item) {
    return !(await keysOf(ctx, item.data.uin)).some((k) => k.AccessKeyId === item.data.accessKeyId);
  },
};
