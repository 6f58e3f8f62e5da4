/**
 * COS checks: cos.bucket, cos.secret-id, cos.secret-key, cos.upload. Plain async functions; no printing.
 * Keys are never put in evidence; SecretIds are masked (first 4 + last 4).
 */
import { splitBucketName } from "../common/backend-config";
import { maskSecretId } from "../common/mask";
import { CloudError } from "./clients";
import type { CosCorsRule } from "./clients";
import type { CheckContext, Verdict } from "./types";
import { msg } from "./types";

/** Full bucket name `<name>-<appid>`; `bucket` may already carry a suffix. */
export function fullBucketName(bucket: string, appid: string): string {
  const s = splitBucketName(bucket);
  return s.appid ? bucket : `${bucket}-${appid}`;
}

/** The bucket the backend addresses: COSKEY_BUCKET completed with COSKEY_APPID, in COSKEY_BUCKET_REGION. */
export function backendBucket(ctx: CheckContext): { bucket: string; region: string } {
  const b = ctx.backend.cos;
  return { bucket: fullBucketName(b.bucket, b.appid), region: b.region };
}

function stackBucket(ctx: CheckContext): { bucket: string; region: string } {
  return { bucket: fullBucketName(ctx.outputs.bucket, ctx.outputs.appid), region: ctx.outputs.bucket_region };
}

const APPID_KEYWORD = "ERROR_PROXY_APPID_USERID_NOTMATCH";

/** COS codes that mean the signing keys themselves are wrong (not that they may not access a resource). */
const CONTROL_KEY_REFUSED = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "RequestTimeTooSkewed"]);

export async function checkBucket(ctx: CheckContext): Promise<Verdict> {
  const b = ctx.backend.cos;
  const split = splitBucketName(b.bucket);
  const stack = stackBucket(ctx);
  const evidence: Record<string, unknown> = {
    COSKEY_BUCKET: b.bucket,
    COSKEY_BUCKET_REGION: b.region,
    COSKEY_APPID: b.appid,
    stackBucket: stack.bucket,
    stackBucketRegion: stack.region,
    stackAppid: ctx.outputs.appid,
  };

  // 0. The backend's template as shipped: empty strings and APPID 0.
  const unset = [!b.bucket.trim() && "COSKEY_BUCKET", !b.region.trim() && "COSKEY_BUCKET_REGION", /^0*$/.test(b.appid) && "COSKEY_APPID"].filter(
    (x): x is string => !!x,
  );
  if (unset.length) {
    return {
      status: "fail",
      message: msg(
        `OutDefine.php 中 ${unset.join("、")} 仍是模板的空值：后台无法为上传签名。`,
        `${unset.join(", ")} in OutDefine.php still ${unset.length > 1 ? "hold" : "holds"} the template's empty value: the backend cannot sign uploads.`,
      ),
      evidence,
    };
  }

  // 1. APPID: the suffix of COSKEY_BUCKET, COSKEY_APPID and the account's APPID must agree.
  if (split.appid && split.appid !== b.appid) {
    return {
      status: "fail",
      faqKeyword: APPID_KEYWORD,
      message: msg(
        `COSKEY_BUCKET "${b.bucket}" 的 APPID 后缀 ${split.appid} 与 COSKEY_APPID ${b.appid} 不一致。`,
        `COSKEY_BUCKET "${b.bucket}" ends in APPID ${split.appid}, but COSKEY_APPID is ${b.appid}.`,
      ),
      evidence,
    };
  }
  if (b.appid !== String(ctx.outputs.appid)) {
    return {
      status: "fail",
      faqKeyword: APPID_KEYWORD,
      message: msg(
        `COSKEY_APPID 为 ${b.appid}，但部署账号的 APPID 是 ${ctx.outputs.appid}（栈输出 appid）：上传签名的 APPID 不匹配。`,
        `COSKEY_APPID is ${b.appid}, but the deploying account's APPID is ${ctx.outputs.appid} (stack output appid): upload signatures name the wrong APPID.`,
      ),
      evidence,
    };
  }

  // 2. Existence in the backend's region, with the control-plane keys.
  const ref = backendBucket(ctx);
  evidence.addressedBucket = ref.bucket;
  try {
    const head = await ctx.cosControl.headBucket(ref);
    evidence.exists = true;
    if (head.region) evidence.reportedRegion = head.region;
    if (head.region && head.region !== ref.region) {
      return {
        status: "fail",
        message: msg(
          `存储桶 ${ref.bucket} 位于 ${head.region}，而 COSKEY_BUCKET_REGION 是 ${ref.region}。`,
          `Bucket ${ref.bucket} is in ${head.region}, but COSKEY_BUCKET_REGION is ${ref.region}.`,
        ),
        evidence,
      };
    }
  } catch (err) {
    if (!(err instanceof CloudError) || (err.kind !== "not-found" && err.kind !== "auth")) throw err;
    evidence.exists = false;
    evidence.headBucket = { code: err.code, httpStatus: err.httpStatus ?? null };
    if (err.kind === "auth") {
      // A HEAD answer has no body: the 403 may be about our own keys. GET Service with the same keys tells.
      try {
        const svc = await ctx.cosControl.getService();
        evidence.listedInAccount = svc.buckets.some((x) => x.name === ref.bucket);
      } catch (e) {
        if (e instanceof CloudError && CONTROL_KEY_REFUSED.has(e.code)) {
          throw new Error(
            `COS refuses the control-plane credentials TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (${e.code}), so the bucket could not be looked up`,
          );
        }
        if (!(e instanceof CloudError) || e.kind !== "auth") throw e;
      }
      return {
        status: "fail",
        message: msg(
          `部署账号的密钥无权访问存储桶 ${ref.bucket}（${err.code}）：它可能属于另一个账号。`,
          `The deploying account's keys may not access bucket ${ref.bucket} (${err.code}): it may belong to another account.`,
        ),
        evidence,
      };
    }
    // Not in that region: is it elsewhere in the account?
    let elsewhere: string | undefined;
    try {
      const svc = await ctx.cosControl.getService();
      elsewhere = svc.buckets.find((x) => x.name === ref.bucket)?.region;
    } catch (e) {
      if (!(e instanceof CloudError) || e.kind === "throttled" || e.kind === "server") throw e;
    }
    if (elsewhere) {
      evidence.actualRegion = elsewhere;
      return {
        status: "fail",
        message: msg(
          `存储桶 ${ref.bucket} 不在 COSKEY_BUCKET_REGION（${ref.region}）中，它位于 ${elsewhere}。`,
          `Bucket ${ref.bucket} is not in COSKEY_BUCKET_REGION (${ref.region}); it is in ${elsewhere}.`,
        ),
        evidence,
      };
    }
    return {
      status: "fail",
      message: msg(
        `在 ${ref.region} 找不到存储桶 ${ref.bucket}（${err.code}）。本栈部署的存储桶是 ${stack.bucket}（${stack.region}）。`,
        `Bucket ${ref.bucket} does not exist in ${ref.region} (${err.code}). The stack deployed ${stack.bucket} (${stack.region}).`,
      ),
      evidence,
    };
  }

  // 3. It exists — but is it the stack's?
  if (ref.bucket !== stack.bucket || ref.region !== stack.region) {
    return {
      status: "fail",
      message: msg(
        `后台使用的存储桶 ${ref.bucket}（${ref.region}）不是本栈部署的 ${stack.bucket}（${stack.region}）。`,
        `The backend uses bucket ${ref.bucket} (${ref.region}), not the stack's ${stack.bucket} (${stack.region}).`,
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(
      `存储桶 ${ref.bucket} 存在于 ${ref.region}，属于 APPID ${b.appid}，且是本栈的存储桶。`,
      `Bucket ${ref.bucket} exists in ${ref.region}, belongs to APPID ${b.appid} and is the stack's bucket.`,
    ),
    evidence,
  };
}

/** Outcome of the one signed GET behind cos.secret-id and cos.secret-key. */
export interface AuthProbe {
  outcome: "authenticated" | "denied" | "unknown-id" | "bad-signature" | "expired" | "no-bucket";
  code: string;
  httpStatus: number | null;
  requestId: string | null;
  key: string;
}

/**
 * GET of a probe key that does not exist, signed with the backend's keys. A HEAD carries no error body, so it could
 * not tell InvalidAccessKeyId from SignatureDoesNotMatch; a GET can. NoSuchKey = authenticated.
 */
export function authProbe(ctx: CheckContext): Promise<AuthProbe> {
  return ctx.shared("cos.auth-probe", async ({ cosBackend }) => {
    const ref = backendBucket(ctx);
    const key = `.live-infra-probe/auth-${ctx.runId}`;
    try {
      const r = await cosBackend.getObject({ ...ref, key });
      return { outcome: "authenticated", code: "200", httpStatus: 200, requestId: r.requestId ?? null, key };
    } catch (err) {
      if (!(err instanceof CloudError) || (err.kind !== "not-found" && err.kind !== "auth")) throw err;
      const base = { code: err.code, httpStatus: err.httpStatus ?? null, requestId: err.requestId ?? null, key };
      if (err.code === "NoSuchKey") return { ...base, outcome: "authenticated" };
      if (err.code === "NoSuchBucket") return { ...base, outcome: "no-bucket" };
      if (err.code === "InvalidAccessKeyId") return { ...base, outcome: "unknown-id" };
      if (err.code === "SignatureDoesNotMatch") return { ...base, outcome: "bad-signature" };
      if (err.code === "RequestTimeTooSkewed" || /expired/i.test(err.message)) return { ...base, outcome: "expired" };
      if (err.code === "AccessDenied") return { ...base, outcome: "denied" };
      throw err;
    }
  });
}

function probeEvidence(ctx: CheckContext, p: AuthProbe): Record<string, unknown> {
  return {
    COSKEY_SECRECTID: maskSecretId(ctx.backend.cos.secretId),
    probe: `GET ${backendBucket(ctx).bucket}/${p.key}`,
    answer: p.code,
    httpStatus: p.httpStatus,
    requestId: p.requestId,
  };
}

function inconclusive(p: AuthProbe): never {
  if (p.outcome === "expired") {
    throw new Error(`COS refused the probe signature as expired (${p.code}): this machine's clock is off; fix it and run again`);
  }
  throw new Error(`COS answered the probe with ${p.code}; the bucket check should have caught this`);
}

export async function checkSecretId(ctx: CheckContext): Promise<Verdict> {
  if (!ctx.backend.cos.secretId.trim()) {
    return {
      status: "fail",
      message: msg("OutDefine.php 的 COSKEY_SECRECTID 为空（模板值）。", "COSKEY_SECRECTID in OutDefine.php is empty (the template's value)."),
      evidence: { COSKEY_SECRECTID: "" },
    };
  }
  const p = await authProbe(ctx);
  const evidence = probeEvidence(ctx, p);
  if (p.outcome === "unknown-id") {
    return {
      status: "fail",
      message: msg(
        `COS 不认识 COSKEY_SECRECTID ${maskSecretId(ctx.backend.cos.secretId)}（InvalidAccessKeyId）。`,
        `COS does not know COSKEY_SECRECTID ${maskSecretId(ctx.backend.cos.secretId)} (InvalidAccessKeyId).`,
      ),
      evidence,
    };
  }
  if (p.outcome === "expired" || p.outcome === "no-bucket") inconclusive(p);
  return {
    status: "pass",
    message: msg(
      `COS 认识 SecretId ${maskSecretId(ctx.backend.cos.secretId)}（探测应答 ${p.code}）。`,
      `COS knows SecretId ${maskSecretId(ctx.backend.cos.secretId)} (probe answered ${p.code}).`,
    ),
    evidence,
  };
}

export async function checkSecretKey(ctx: CheckContext): Promise<Verdict> {
  const p = await authProbe(ctx);
  const evidence = probeEvidence(ctx, p);
  if (!ctx.backend.cos.secretKey) {
    return {
      status: "fail",
      message: msg("OutDefine.php 的 COSKEY_SECRECTKEY 为空（模板值）：无法为上传签名。", "COSKEY_SECRECTKEY in OutDefine.php is empty (the template's value): uploads cannot be signed."),
      evidence,
    };
  }
  if (p.outcome === "bad-signature" || p.outcome === "unknown-id") {
    return {
      status: "fail",
      message: msg(
        `用 COSKEY_SECRECTKEY 计算的签名被 COS 拒绝（${p.code}）：SecretKey 与 SecretId ${maskSecretId(ctx.backend.cos.secretId)} 不配对。`,
        `COS rejects signatures made with COSKEY_SECRECTKEY (${p.code}): the SecretKey does not pair with SecretId ${maskSecretId(ctx.backend.cos.secretId)}.`,
      ),
      evidence,
    };
  }
  if (p.outcome === "expired" || p.outcome === "no-bucket") inconclusive(p);
  if (p.outcome === "denied") {
    return {
      status: "pass",
      message: msg(
        "签名已被接受（AccessDenied 表示鉴权通过但策略不允许读取；上传权限见 cos.upload）。",
        "The signature is accepted (AccessDenied means authenticated but not allowed to read; cos.upload tests writing).",
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(`签名已被接受（探测应答 ${p.code}，即已通过鉴权）。`, `The signature is accepted (probe answered ${p.code}, i.e. authenticated).`),
    evidence,
  };
}

/** Origins declared for the bucket's CORS in cdk.tf.json (tencentcloud_cos_bucket.cors_rules.allowed_origins). */
function declaredOrigins(ctx: CheckContext): string[] {
  const res = (ctx.declared?.resource as Record<string, Record<string, Record<string, unknown>>> | undefined)?.tencentcloud_cos_bucket;
  if (!res) return [];
  const out = new Set<string>();
  for (const b of Object.values(res)) {
    const rules = b.cors_rules;
    for (const r of Array.isArray(rules) ? rules : rules ? [rules] : []) {
      const o = (r as Record<string, unknown>).allowed_origins;
      if (Array.isArray(o)) for (const x of o) if (typeof x === "string" && !x.includes("${")) out.add(x);
    }
  }
  return [...out];
}

function originAllowed(rule: CosCorsRule, origin: string): boolean {
  return rule.allowedOrigins.some((p) => {
    if (p === "*" || p === origin) return true;
    const re = new RegExp("^" + p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
    return re.test(origin);
  });
}

function allowsUpload(rule: CosCorsRule): boolean {
  const methods = rule.allowedMethods.map((m) => m.toUpperCase());
  const headers = rule.allowedHeaders.map((h) => h.toLowerCase());
  return (
    (methods.includes("PUT") || methods.includes("POST")) &&
    rule.allowedOrigins.length > 0 &&
    (headers.includes("*") || headers.includes("authorization"))
  );
}

export async function checkUpload(ctx: CheckContext): Promise<Verdict> {
  const ref = backendBucket(ctx);
  const key = `.live-infra-probe/upload-${ctx.runId}.txt`;
  const body = `live-infra upload probe ${ctx.runId}\n`;
  const evidence: Record<string, unknown> = { bucket: ref.bucket, region: ref.region, key };
  const steps: Record<string, string> = {};
  evidence.steps = steps;

  const corsP = ctx.cosControl.getBucketCors(ref).then(
    (r) => ({ ok: true as const, r }),
    (e) => ({ ok: false as const, e }),
  );

  let uploadProblem: Verdict | undefined;
  let put = false;
  try {
    await ctx.cosBackend.putObject({ ...ref, key, body, contentType: "text/plain" });
    put = true;
    steps.put = "ok";
    const head = await ctx.cosBackend.headObject({ ...ref, key });
    steps.head = "ok";
    if (head.contentLength !== Buffer.byteLength(body)) {
      uploadProblem = {
        status: "fail",
        message: msg(
          `上传的探测对象长度为 ${head.contentLength}，应为 ${Buffer.byteLength(body)}。`,
          `The uploaded probe object has length ${head.contentLength}, expected ${Buffer.byteLength(body)}.`,
        ),
      };
    }
  } catch (err) {
    if (!(err instanceof CloudError) || (err.kind !== "auth" && err.kind !== "not-found" && err.kind !== "client")) throw err;
    const step = put ? "HEAD" : "PUT";
    steps[step.toLowerCase()] = err.code;
    uploadProblem = {
      status: "fail",
      message: msg(
        `用后台密钥 ${step} 探测对象被拒绝（${err.code}）：上传签名子用户的策略可能不允许写该存储桶。`,
        `${step} of the probe object with the backend's keys was refused (${err.code}): the upload signer's policy may not allow writing this bucket.`,
      ),
    };
  } finally {
    if (put) {
      try {
        await ctx.cosBackend.deleteObject({ ...ref, key });
        steps.delete = "ok";
      } catch (err) {
        steps.delete = err instanceof CloudError ? err.code : "failed";
        if (!uploadProblem && err instanceof CloudError && (err.kind === "auth" || err.kind === "client")) {
          uploadProblem = {
            status: "fail",
            message: msg(`用后台密钥删除探测对象被拒绝（${err.code}）。`, `DELETE of the probe object with the backend's keys was refused (${err.code}).`),
          };
        } else if (!uploadProblem) {
          throw err;
        }
      }
    }
  }

  const cors = await corsP;
  if (!cors.ok) {
    if (!(cors.e instanceof CloudError) || (cors.e.kind !== "auth" && cors.e.kind !== "not-found")) throw cors.e;
    evidence.cors = { error: cors.e.code };
    return uploadProblem
      ? { ...uploadProblem, evidence }
      : {
          status: "fail",
          message: msg(`无法读取存储桶 CORS（${cors.e.code}）。`, `Could not read the bucket's CORS (${cors.e.code}).`),
          evidence,
        };
  }
  const rules = cors.r.rules;
  evidence.cors = {
    configured: cors.r.configured,
    rules: rules.map((r) => ({ origins: r.allowedOrigins, methods: r.allowedMethods, headers: r.allowedHeaders, expose: r.exposeHeaders })),
  };
  if (uploadProblem) return { ...uploadProblem, evidence };

  const uploadRules = rules.filter(allowsUpload);
  if (uploadRules.length === 0) {
    return {
      status: "fail",
      message: msg(
        rules.length
          ? "上传探测成功，但存储桶的 CORS 规则不允许 App 上传（需要 PUT 或 POST 方法，并允许 Authorization 头或 *）。"
          : "上传探测成功，但存储桶没有 CORS 规则：浏览器/小程序端上传会被拒绝。",
        rules.length
          ? "The probe upload worked, but no CORS rule allows app uploads (PUT or POST, with the Authorization header or *)."
          : "The probe upload worked, but the bucket has no CORS rule: uploads from browsers and mini-programs are refused.",
      ),
      evidence,
    };
  }
  const wanted = declaredOrigins(ctx);
  const missing = wanted.filter((o) => !uploadRules.some((r) => originAllowed(r, o)));
  if (wanted.length) evidence.declaredOrigins = wanted;
  if (missing.length) {
    return {
      status: "fail",
      message: msg(
        `上传探测成功，但 CORS 不允许栈声明的来源上传：${missing.join(", ")}。`,
        `The probe upload worked, but CORS does not allow uploads from the stack's declared origins: ${missing.join(", ")}.`,
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(
      `用后台密钥 PUT、HEAD、DELETE 探测对象均成功，CORS 允许上传（${uploadRules[0].allowedMethods.join("/")}）。`,
      `PUT, HEAD and DELETE of a probe object with the backend's keys succeeded; CORS allows uploads (${uploadRules[0].allowedMethods.join("/")}).`,
    ),
    evidence,
  };
}
