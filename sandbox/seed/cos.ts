/** COS buckets: name, region (from the provider), ACL, CORS rules, tags; no objects. */
import type { Bucket } from "../state";
import type { BuilderTable } from "./types";
import { Obj, asArray, tagsOf } from "./values";

export const COS: BuilderTable = {
  tencentcloud_cos_bucket: {
    computed: (a, b, ctx) => ({ id: a.bucket, cos_bucket_url: `${a.bucket}.cos.${ctx.regionOf(b)}.myqcloud.com` }),
    build: (a, b, ctx) => {
      const bucket: Bucket = {
        name: String(a.bucket), region: ctx.regionOf(b),
        acl: (["private", "public-read", "public-read-write"].includes(String(a.acl)) ? a.acl : "private") as Bucket["acl"],
        cors: asArray(a.cors_rules as Obj[]).map((r) => ({
          allowedOrigins: asArray(r.allowed_origins as string[]), allowedMethods: asArray(r.allowed_methods as string[]),
          allowedHeaders: asArray(r.allowed_headers as string[]), exposeHeaders: asArray(r.expose_headers as string[]),
          ...(r.max_age_seconds !== undefined ? { maxAgeSeconds: Number(r.max_age_seconds) } : {}),
        })),
        createTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
        objects: {},
      };
      ctx.state.buckets.push(bucket);
    },
  },
};
