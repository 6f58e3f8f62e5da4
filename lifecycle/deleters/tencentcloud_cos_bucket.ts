/**
 * COS buckets: found by the stack's tags (Tag API) and by the stack's bucket name; their tags come from GET Bucket
 * tagging. Deleted once empty (COS refuses a bucket with objects: BucketNotEmpty).
 */
import { exactNames, nameAndIdMarks, tagMark } from "../identity";
import type { Deleter, Found, Mark } from "../types";
import { found, isoOf, unlessGone } from "./support";

const TYPE = "tencentcloud_cos_bucket";

export const cosBucket: Deleter = {
  type: TYPE,
  async find(ctx) {
    const candidates = new Map<string, string>();
    for (const r of await ctx.tagIndex()) if (r.service === "cos") candidates.set(r.id, r.region);
    for (const n of exactNames(ctx.identity, TYPE)) if (!candidates.has(n.name)) candidates.set(n.name, n.region);
    const out: Found[] = [];
    let listed: Map<string, string> | undefined;
    for (const [bucket, region] of candidates) {
      const tagging = await unlessGone(ctx.cos.getBucketTagging({ bucket, region }));
      if (!tagging) continue;
      const id = nameAndIdMarks(ctx.identity, TYPE, bucket, bucket);
      const marks = [tagMark(ctx.identity, tagging.tags), ...id.marks].filter((m): m is Mark => !!m);
      if (!marks.length) continue;
      listed ??= new Map((await ctx.cos.getService({})).buckets.map((b) => [b.name, b.creationDate]));
      out.push(found(TYPE, bucket, { region, address: id.address, marks, tags: tagging.tags, createdAt: isoOf(listed.get(bucket)) }));
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.cos.deleteBucket({ Bucket: item.id, Region: item.region! });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.cos.headBucket({ bucket: item.id, region: item.region! }))) === undefined;
  },
};
