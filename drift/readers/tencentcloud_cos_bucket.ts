/**
 * tencentcloud_cos_bucket, as the provider reads it: HEAD Bucket (exists), GET Bucket acl (the canned ACL from the
 * grants), GET Bucket cors (cors_rules), GET Bucket tagging (tags). CORS rules that are live but not declared are
 * reported as unmanaged (the first matching rule wins in COS, so one placed before ours can shadow it).
 */
import type { CosCorsRule, CosGrant } from "../../validators/clients";
import { canonical } from "../compare";
import type { Reader, Unmanaged } from "../types";
import { asList, knownText, sortedSet, upperSet } from "./support";

type Obj = Record<string, unknown>;

const ALL_USERS = /\/groups\/global\/AllUsers$/;

/** The canned ACL that the grants amount to (as the provider's GetBucketPublicACL does). */
export function cannedAcl(grants: CosGrant[]): string {
  const pub = grants.filter((g) => ALL_USERS.test(g.grantee.uri ?? ""));
  const can = (p: string) => pub.some((g) => g.permission === p || g.permission === "FULL_CONTROL");
  return can("READ") && can("WRITE") ? "public-read-write" : can("READ") ? "public-read" : "private";
}

/** One CORS rule in comparable form: methods upper-cased, lists sorted, max age a number (0 when unset). */
export function corsElement(b: Obj): Obj {
  return {
    allowed_origins: sortedSet(b.allowed_origins),
    allowed_methods: upperSet(b.allowed_methods),
    allowed_headers: sortedSet(asList(b.allowed_headers).map((h) => String(h).toLowerCase())),
    expose_headers: sortedSet(asList(b.expose_headers).map((h) => String(h).toLowerCase())),
    max_age_seconds: b.max_age_seconds === undefined || b.max_age_seconds === null || b.max_age_seconds === "" ? 0 : Number(b.max_age_seconds),
  };
}

function fromCos(r: CosCorsRule): Obj {
  return {
    allowed_origins: r.allowedOrigins,
    allowed_methods: r.allowedMethods,
    allowed_headers: r.allowedHeaders,
    expose_headers: r.exposeHeaders,
    ...(r.maxAgeSeconds !== undefined ? { max_age_seconds: r.maxAgeSeconds } : {}),
  };
}

function overlaps(a: Obj, b: Obj): boolean {
  const ao = a.allowed_origins as string[];
  const bo = b.allowed_origins as string[];
  const am = a.allowed_methods as string[];
  const bm = b.allowed_methods as string[];
  return ao.some((o) => o === "*" || bo.includes(o) || bo.includes("*")) && am.some((m) => bm.includes(m));
}

export const reader: Reader = {
  type: "tencentcloud_cos_bucket",
  service: "cos",
  attributes: {
    bucket: { compare: "exact", from: "HEAD Bucket (the bucket answers in the declared region)" },
    acl: { compare: "exact", from: "GET Bucket acl: the grants to AllUsers (private / public-read / public-read-write)", expected: "private" },
    cors_rules: { compare: "object-list", from: "GET Bucket cors: CORSRule (AllowedOrigin, AllowedMethod, AllowedHeader, ExposeHeader, MaxAgeSeconds)", element: corsElement, expected: [] },
    tags: { compare: "map", from: "GET Bucket tagging: TagSet", expected: {} },
  },
  notComparable: {
    force_clean: "provider-side switch for deletion (empty the bucket first); COS does not store it",
    acl_body: "the full ACL XML; the canned `acl` is compared instead",
  },
  unmanaged: ["CORS rules that are live but not declared (named when they come before, and overlap, a declared rule)"],

  identity: (d) => knownText(d, "bucket"),

  async read(ctx, d, bucket) {
    const ref = { bucket, region: d.region };
    await ctx.cos.headBucket(ref);
    const [acl, cors, tagging] = await Promise.all([ctx.cos.getBucketAcl(ref), ctx.cos.getBucketCors(ref), ctx.cos.getBucketTagging(ref)]);
    const live = cors.rules.map(fromCos);
    const declaredRules = asList<Obj>(d.attrs.cors_rules?.known ? d.attrs.cors_rules.value : []).map(corsElement);
    const liveNorm = live.map(corsElement);
    // The declared rules, in order, among the live ones: the rest are extras rather than a changed list.
    const matched: number[] = [];
    let from = 0;
    for (const want of declaredRules) {
      const at = liveNorm.findIndex((r, i) => i >= from && canonical(r) === canonical(want));
      if (at < 0) break;
      matched.push(at);
      from = at + 1;
    }
    const allFound = matched.length === declaredRules.length;
    const unmanaged: Unmanaged[] = [];
    if (allFound && live.length > matched.length) {
      liveNorm.forEach((rule, i) => {
        if (matched.includes(i)) return;
        const shadowed = matched.filter((m) => m > i && overlaps(rule, liveNorm[m]));
        unmanaged.push({
          attribute: "cors_rules",
          live: rule,
          message: shadowed.length
            ? {
                zh: `存储桶 ${bucket} 有一条未声明的 CORS 规则排在声明的规则之前，且源与方法重叠：COS 按第一条匹配的规则应答，声明的规则被它遮蔽。`,
                en: `bucket ${bucket} has an undeclared CORS rule before a declared one with overlapping origins and methods: COS answers with the first matching rule, so it shadows ours.`,
              }
            : {
                zh: `存储桶 ${bucket} 有一条未声明的 CORS 规则。`,
                en: `bucket ${bucket} has an undeclared CORS rule.`,
              },
          fix: "deploy",
        });
      });
    }
    return {
      exists: true,
      id: bucket,
      attrs: {
        bucket,
        acl: cannedAcl(acl.grants),
        cors_rules: allFound ? matched.map((i) => live[i]) : live,
        tags: tagging.tags,
      },
      unmanaged,
    };
  },
};
