/**
 * The objects of a bucket (contents of the bucket), as one entry per bucket: every key listed (GET Bucket, all pages)
 * is deleted, and the bucket is listed again until it is empty.
 */
import type { CosClient } from "../../validators/clients";
import type { Deleter, Found } from "../types";
import { containers, found, key } from "./support";

const TYPE = "cos_object";
/** Pages listed for one pass (a page holds up to 1000 keys). */
const MAX_PAGES = 1000;

async function listAll(cos: CosClient, Bucket: string, Region: string): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await cos.listObjects({ Bucket, Region }, marker ? { marker } : {});
    keys.push(...r.keys);
    if (!r.truncated) return keys;
    marker = r.nextMarker ?? r.keys[r.keys.length - 1];
    if (!marker) return keys;
  }
  return keys;
}

export const cosObject: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const bucket of containers(ctx, "tencentcloud_cos_bucket")) {
      const first = await ctx.cos.listObjects({ Bucket: bucket.id, Region: bucket.region! }, {});
      if (!first.keys.length) continue;
      const count = first.truncated ? `${first.keys.length}+` : String(first.keys.length);
      out.push(found(TYPE, bucket.id, { name: `${count} object(s) in ${bucket.id}`, region: bucket.region, container: key(bucket), data: {} }));
    }
    return out;
  },
  async delete(ctx, item) {
    for (let pass = 0; pass < MAX_PAGES; pass++) {
      const keys = await listAll(ctx.cos, item.id, item.region!);
      if (!keys.length) return;
      for (const k of keys) await ctx.cos.deleteObject({ bucket: item.id, region: item.region!, key: k });
    }
  },
  async gone(ctx, item) {
    return (await ctx.cos.listObjects({ Bucket: item.id, Region: item.region! }, {})).keys.length === 0;
  },
};
