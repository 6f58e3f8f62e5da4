/**
 * COS controls: the bucket the backend names, its upload keys (one signed probe GET behind both key checks) and a
 * real upload with CORS. Keys never go into evidence; SecretIds are masked (first 4 + last 4).
 */
import { splitBucketName } from "../../common/backend-config";
import { maskSecretId } from "../../common/mask";
import { CloudError } from "../clients";
import type { CosCorsRule } from "../clients";
import type { CheckContext, Control, Msg, Verdict } from "../types";
import { msg } from "../types";
import { ConfigKey, Evidence, differenceFix, differenceText, fail, howDiffers, inConfig, isCloudError, pass, warn } from "./support";

const COS_CONFIG_DOC = "https://cloud.tencent.com/document/product/454/15187";
const COS_AUTH_DOC = "https://cloud.tencent.com/document/product/436/40105";
const APPID_KEYWORD = "ERROR_PROXY_APPID_USERID_NOTMATCH";

export const cosBucket: Control = {
  id: "cos.bucket",
  severity: "critical",
  title: { zh: "COS 存储桶配置正确", en: "COS bucket is the stack's and exists" },
  description: {
    zh: "用部署账号的密钥查询后台配置（conf/OutDefine.php 或 --backend-config 的 JSON）中 COSKEY_BUCKET / COSKEY_BUCKET_REGION / COSKEY_APPID 指向的存储桶：它必须存在于该地域、属于该 APPID，并且就是本栈部署的存储桶。",
    en: "With the deploying account's keys, looks up the bucket that COSKEY_BUCKET / COSKEY_BUCKET_REGION / COSKEY_APPID of the backend's configuration (conf/OutDefine.php, or the --backend-config JSON) name: it must exist in that region, belong to that APPID and be the bucket this stack deployed.",
  },
  faqItem: { zh: "头像或封面上传失败 › Bucket 错误", en: "Avatar or cover upload fails › wrong bucket" },
  faqKeyword: "ERROR_PROXY_SIGN_BUCKET_NOTMATCH",
  remediation: {
    zh: "把后台配置的 COSKEY_BUCKET、COSKEY_BUCKET_REGION、COSKEY_APPID 改为栈输出 bucket、bucket_region、appid 的值（可用 live-infra 渲染的配置），然后重启 PHP-FPM。",
    en: "Set the backend's COSKEY_BUCKET, COSKEY_BUCKET_REGION and COSKEY_APPID to the stack outputs bucket, bucket_region and appid (or use the configuration live-infra renders), then restart PHP-FPM.",
  },
  docUrl: COS_CONFIG_DOC,
  prerequisites: [],

  async run(ctx) {
    const v = await bucketVerdict(ctx);
    if (v.status === "pass" || v.remediation) return v;
    return { ...v, remediation: bucketFix(ctx, v.faqKeyword === APPID_KEYWORD) };
  },
};

/** The fix of a cos.bucket finding, naming the file the user gave. */
function bucketFix(ctx: CheckContext, appidOnly: boolean): Msg {
  const o = ctx.outputs;
  const src = ctx.backend.source;
  if (appidOnly) {
    const ref = inConfig(src, "COSKEY_APPID");
    return {
      zh: `把 ${ref.zh} 改为部署账号的 APPID（栈输出 appid：${o.appid}），COSKEY_BUCKET 若带 APPID 后缀也要一致，然后重启 PHP-FPM。`,
      en: `Set ${ref.en} to the deploying account's APPID (stack output appid: ${o.appid}), with the same suffix on COSKEY_BUCKET if it has one, then restart PHP-FPM.`,
    };
  }
  const ref = inConfig(src, "COSKEY_BUCKET", "COSKEY_BUCKET_REGION", "COSKEY_APPID");
  return {
    zh: `把 ${ref.zh} 改为栈输出 bucket、bucket_region、appid（${o.bucket}、${o.bucket_region}、${o.appid}），然后重启 PHP-FPM。`,
    en: `Set ${ref.en} to the stack outputs bucket, bucket_region and appid (${o.bucket}, ${o.bucket_region}, ${o.appid}), then restart PHP-FPM.`,
  };
}

async function bucketVerdict(ctx: CheckContext): Promise<Verdict> {
  const b = ctx.backend.cos;
  const src = ctx.backend.source;
  const split = splitBucketName(b.bucket);
  const stack = stackBucket(ctx);
  const evidence: Evidence = {
    COSKEY_BUCKET: b.bucket,
    COSKEY_BUCKET_REGION: b.region,
    COSKEY_APPID: b.appid,
    stackBucket: stack.bucket,
    stackBucketRegion: stack.region,
    stackAppid: ctx.outputs.appid,
  };

  // The backend's template as shipped: empty strings and APPID 0.
  const unset = [!b.bucket.trim() && "COSKEY_BUCKET", !b.region.trim() && "COSKEY_BUCKET_REGION", /^0*$/.test(b.appid) && "COSKEY_APPID"].filter(
    (x): x is string => !!x,
  );
  if (unset.length) {
    const ref = inConfig(src, ...(unset as ConfigKey[]));
    return fail(
      `${ref.zh} 仍是模板的空值：后台无法为上传签名。`,
      `${ref.en} still ${unset.length > 1 ? "hold" : "holds"} the template's empty value: the backend cannot sign uploads.`,
      evidence,
    );
  }

  // The backend builds the bucket's host name from the values as written: anything outside COS's alphabet
  // (surrounding whitespace, capitals, dots, …) names no bucket.
  const malformed = [!/^[a-z0-9-]+$/.test(b.bucket) && "COSKEY_BUCKET", !/^[a-z0-9-]+$/.test(b.region) && "COSKEY_BUCKET_REGION"].filter(
    (x): x is string => !!x,
  );
  if (malformed.length) {
    const ref = inConfig(src, ...(malformed as ConfigKey[]));
    const written: Record<string, string> = { COSKEY_BUCKET: b.bucket, COSKEY_BUCKET_REGION: b.region };
    const ws = malformed.some((k) => written[k] !== written[k].trim());
    return fail(
      `${ref.zh} 含有 COS 存储桶名称或地域不允许的字符${ws ? "（首尾空白）" : ""}：后台按原样使用该值，找不到存储桶。`,
      `${ref.en} ${malformed.length > 1 ? "hold" : "holds"} characters a COS bucket name or region never has${ws ? " (surrounding whitespace)" : ""} (only a-z, 0-9 and -): the backend uses the value as written and addresses no bucket.`,
      evidence,
    );
  }

  // APPID: the suffix of COSKEY_BUCKET, COSKEY_APPID and the account's APPID must agree.
  if (split.appid && split.appid !== b.appid) {
    return fail(
      `COSKEY_BUCKET "${b.bucket}" 的 APPID 后缀 ${split.appid} 与 COSKEY_APPID ${b.appid} 不一致。`,
      `COSKEY_BUCKET "${b.bucket}" ends in APPID ${split.appid}, but COSKEY_APPID is ${b.appid}.`,
      evidence,
      { faqKeyword: APPID_KEYWORD },
    );
  }
  if (b.appid !== String(ctx.outputs.appid)) {
    return fail(
      `COSKEY_APPID 为 ${b.appid}，但部署账号的 APPID 是 ${ctx.outputs.appid}（栈输出 appid）：上传签名的 APPID 不匹配。`,
      `COSKEY_APPID is ${b.appid}, but the deploying account's APPID is ${ctx.outputs.appid} (stack output appid): upload signatures name the wrong APPID.`,
      evidence,
      { faqKeyword: APPID_KEYWORD },
    );
  }

  // It exists in the backend's region (looked up with the control-plane keys) ...
  const ref = backendBucket(ctx);
  evidence.addressedBucket = ref.bucket;
  const missing = await lookUpBucket(ctx, ref, evidence);
  if (missing) return missing;

  // ... and it is the stack's.
  if (ref.bucket !== stack.bucket || ref.region !== stack.region) {
    return fail(
      `后台使用的存储桶 ${ref.bucket}（${ref.region}）不是本栈部署的 ${stack.bucket}（${stack.region}）。`,
      `The backend uses bucket ${ref.bucket} (${ref.region}), not the stack's ${stack.bucket} (${stack.region}).`,
      evidence,
    );
  }
  return pass(
    `存储桶 ${ref.bucket} 存在于 ${ref.region}，属于 APPID ${b.appid}，且是本栈的存储桶。`,
    `Bucket ${ref.bucket} exists in ${ref.region}, belongs to APPID ${b.appid} and is the stack's bucket.`,
    evidence,
  );
}

export const cosSecretId: Control = {
  id: "cos.secret-id",
  severity: "critical",
  title: { zh: "COS SecretId 有效", en: "COS SecretId is known" },
  description: {
    zh: "用后台的 COSKEY_SECRECTID / COSKEY_SECRECTKEY 对存储桶中一个不存在的探测对象发起签名 GET：COS 不应以 InvalidAccessKeyId 拒绝。",
    en: "Sends a GET for a probe object that does not exist, signed with the backend's COSKEY_SECRECTID / COSKEY_SECRECTKEY: COS must not refuse it with InvalidAccessKeyId.",
  },
  faqItem: { zh: "头像或封面上传失败 › SecretId 错误", en: "Avatar or cover upload fails › wrong SecretId" },
  faqKeyword: "PROXY_AUTH_SECRETID_NOEXIST",
  remediation: {
    zh: "把后台配置的 COSKEY_SECRECTID（注意拼写 SECRECT）改为上传签名子用户的 SecretId（栈输出 signer_secret_id）；若它已经是该值，说明密钥被禁用或删除：重新启用或轮换它。",
    en: "Set the backend's COSKEY_SECRECTID (mind the spelling SECRECT) to the upload signer's SecretId (stack output signer_secret_id); if it already is, the key was disabled or deleted: re-enable or rotate it.",
  },
  docUrl: COS_AUTH_DOC,
  prerequisites: ["cos.bucket"],

  async run(ctx) {
    const src = ctx.backend.source;
    const ref = inConfig(src, "COSKEY_SECRECTID");
    const signerId = ctx.outputs.signer_secret_id;
    const setId: Msg = {
      zh: `把 ${ref.zh}（注意拼写 SECRECT）改为上传签名子用户的 SecretId（栈输出 signer_secret_id），并与 COSKEY_SECRECTKEY（signer_secret_key）成对更新，然后重启 PHP-FPM。`,
      en: `Set ${ref.en} (mind the spelling SECRECT) to the upload signer's SecretId (stack output signer_secret_id), together with COSKEY_SECRECTKEY (signer_secret_key), then restart PHP-FPM.`,
    };
    if (!ctx.backend.cos.secretId.trim()) {
      return fail(`${ref.zh} 为空（模板值）。`, `${ref.en} is empty (the template's value).`, { COSKEY_SECRECTID: "" }, { remediation: setId });
    }
    const p = await authProbe(ctx);
    const evidence = probeEvidence(ctx, p);
    const id = maskSecretId(ctx.backend.cos.secretId);
    if (p.outcome === "unknown-id") {
      const diff = signerId ? howDiffers(ctx.backend.cos.secretId, signerId) : "value";
      evidence.equalsSignerSecretId = diff === "equal";
      if (diff === "equal") {
        // The stack's own key, refused: it was disabled or deleted after the deploy. Setting it again fixes nothing.
        return fail(
          `COS 拒绝了 ${ref.zh} ${id}（InvalidAccessKeyId），而它正是栈输出的 signer_secret_id：这把密钥已被禁用或删除。`,
          `COS refuses ${ref.en} ${id} (InvalidAccessKeyId) although it is the stack's signer_secret_id: the key has been disabled or deleted.`,
          evidence,
          {
            remediation: {
              zh: `在【访问管理】> 用户 > 上传签名子用户 >【API 密钥】中重新启用这把密钥；若已删除则轮换：cdktf deploy 会重新创建签名密钥，然后用新的栈输出重新生成后台配置（${ref.zh} 与 COSKEY_SECRECTKEY）并重启 PHP-FPM。`,
              en: `Re-enable the key (CAM console › Users › the upload signer › API Keys); if it was deleted, rotate it: \`cdktf deploy\` recreates the signer's key, then re-render the backend configuration from the new outputs (${ref.en} and COSKEY_SECRECTKEY) and restart PHP-FPM.`,
            },
          },
        );
      }
      const kind = differenceText(diff);
      if (kind) {
        evidence.difference = diff;
        return fail(
          `COS 不认识 ${ref.zh} ${id}（InvalidAccessKeyId）：它与栈输出 signer_secret_id 相比${kind.zh}。`,
          `COS does not know ${ref.en} ${id} (InvalidAccessKeyId): it ${kind.en} from the stack output signer_secret_id.`,
          evidence,
          { remediation: differenceFix(diff, ref, { zh: "栈输出 signer_secret_id", en: "the stack output signer_secret_id" }) },
        );
      }
      return fail(`COS 不认识 ${ref.zh} ${id}（InvalidAccessKeyId）。`, `COS does not know ${ref.en} ${id} (InvalidAccessKeyId).`, evidence, { remediation: setId });
    }
    if (p.outcome === "expired" || p.outcome === "no-bucket") inconclusive(p);
    const padded = paddedValue(ctx.backend.cos.secretId, signerId, ref, { zh: "栈输出 signer_secret_id", en: "the stack output signer_secret_id" }, p.code);
    if (padded) return { ...padded, evidence: { ...evidence, ...padded.evidence } };
    return pass(`COS 认识 SecretId ${id}（探测应答 ${p.code}）。`, `COS knows SecretId ${id} (probe answered ${p.code}).`, evidence);
  },
};

export const cosSecretKey: Control = {
  id: "cos.secret-key",
  severity: "critical",
  title: { zh: "COS SecretKey 与 SecretId 配对", en: "COS SecretKey matches the SecretId" },
  description: {
    zh: "同一个探测请求的签名被 COS 接受（NoSuchKey 表示已通过鉴权），而不是 SignatureDoesNotMatch。",
    en: "The same probe request's signature is accepted by COS (NoSuchKey means authenticated) rather than refused with SignatureDoesNotMatch.",
  },
  faqItem: { zh: "头像或封面上传失败 › Secretkey 错误", en: "Avatar or cover upload fails › wrong SecretKey" },
  faqKeyword: "ERROR_PROXY_AUTH_FAILED",
  remediation: {
    zh: "把后台配置的 COSKEY_SECRECTKEY 改为与 COSKEY_SECRECTID 配对的 SecretKey（栈输出 signer_secret_key），然后重启 PHP-FPM。",
    en: "Set the backend's COSKEY_SECRECTKEY to the SecretKey paired with COSKEY_SECRECTID (stack output signer_secret_key), then restart PHP-FPM.",
  },
  docUrl: COS_AUTH_DOC,
  prerequisites: ["cos.secret-id"],

  async run(ctx) {
    const p = await authProbe(ctx);
    const evidence = probeEvidence(ctx, p);
    const ref = inConfig(ctx.backend.source, "COSKEY_SECRECTKEY");
    const setKey: Msg = {
      zh: `把 ${ref.zh} 改为与 COSKEY_SECRECTID 配对的 SecretKey（栈输出 signer_secret_key），然后重启 PHP-FPM。`,
      en: `Set ${ref.en} to the SecretKey paired with COSKEY_SECRECTID (stack output signer_secret_key), then restart PHP-FPM.`,
    };
    if (!ctx.backend.cos.secretKey) {
      return fail(`${ref.zh} 为空（模板值）：无法为上传签名。`, `${ref.en} is empty (the template's value): uploads cannot be signed.`, evidence, { remediation: setKey });
    }
    if (p.outcome === "bad-signature" || p.outcome === "unknown-id") {
      const id = maskSecretId(ctx.backend.cos.secretId);
      const signerKey = ctx.outputs.signer_secret_key;
      const diff = signerKey !== undefined ? howDiffers(ctx.backend.cos.secretKey, signerKey) : "value";
      const kind = differenceText(diff);
      if (kind) {
        evidence.difference = diff;
        return fail(
          `用 ${ref.zh} 计算的签名被 COS 拒绝（${p.code}）：它与栈输出 signer_secret_key 相比${kind.zh}（均未显示）。`,
          `COS rejects signatures made with ${ref.en} (${p.code}): it ${kind.en} from the stack output signer_secret_key (neither shown).`,
          evidence,
          { remediation: differenceFix(diff, ref, { zh: "栈输出 signer_secret_key", en: "the stack output signer_secret_key" }) },
        );
      }
      return fail(
        `用 ${ref.zh} 计算的签名被 COS 拒绝（${p.code}）：SecretKey 与 SecretId ${id} 不配对。`,
        `COS rejects signatures made with ${ref.en} (${p.code}): the SecretKey does not pair with SecretId ${id}.`,
        evidence,
        { remediation: setKey },
      );
    }
    if (p.outcome === "expired" || p.outcome === "no-bucket") inconclusive(p);
    if (p.outcome === "denied") {
      const padded = paddedValue(ctx.backend.cos.secretKey, ctx.outputs.signer_secret_key, ref, { zh: "栈输出 signer_secret_key", en: "the stack output signer_secret_key" }, p.code);
      if (padded) return { ...padded, evidence: { ...evidence, ...padded.evidence } };
      return pass(
        "签名已被接受（AccessDenied 表示鉴权通过但策略不允许读取；上传权限见 cos.upload）。",
        "The signature is accepted (AccessDenied means authenticated but not allowed to read; cos.upload tests writing).",
        evidence,
      );
    }
    const padded = paddedValue(ctx.backend.cos.secretKey, ctx.outputs.signer_secret_key, ref, { zh: "栈输出 signer_secret_key", en: "the stack output signer_secret_key" }, p.code);
    if (padded) return { ...padded, evidence: { ...evidence, ...padded.evidence } };
    return pass(`签名已被接受（探测应答 ${p.code}，即已通过鉴权）。`, `The signature is accepted (probe answered ${p.code}, i.e. authenticated).`, evidence);
  },
};

export const cosUpload: Control = {
  id: "cos.upload",
  severity: "critical",
  title: { zh: "COS 上传可用", en: "COS upload works" },
  description: {
    zh: "用后台的密钥在 .live-infra-probe/ 下 PUT、HEAD、DELETE 一个探测对象；并用部署账号的密钥读取存储桶 CORS，确认允许 App 上传（PUT/POST）。",
    en: "PUTs, HEADs and DELETEs a probe object under .live-infra-probe/ with the backend's keys, and reads the bucket's CORS with the deploying account's keys to confirm app uploads (PUT/POST) are allowed.",
  },
  faqItem: { zh: "头像或封面上传失败", en: "Avatar or cover upload fails" },
  faqKeyword: null,
  remediation: {
    zh: "上传探测被拒绝：让上传签名子用户的策略允许该存储桶的对象读写（栈的 UploadSigner）；CORS 不允许上传：为存储桶配置允许 PUT/POST 的 CORS 规则（栈的 UploadBucket）。重新部署栈即可恢复。",
    en: "A refused probe: let the upload signer's policy allow object reads and writes on the bucket (the stack's UploadSigner); CORS that does not allow uploads: give the bucket a CORS rule allowing PUT/POST (the stack's UploadBucket). Redeploying the stack restores both.",
  },
  docUrl: COS_CONFIG_DOC,
  prerequisites: ["cos.secret-key"],

  async run(ctx) {
    const ref = backendBucket(ctx);
    const key = `.live-infra-probe/upload-${ctx.runId}.txt`;
    const steps: Record<string, string> = {};
    const evidence: Evidence = { bucket: ref.bucket, region: ref.region, key, steps };

    // The CORS read overlaps the probe upload.
    const corsP = ctx.cosControl.getBucketCors(ref).then(
      (r) => ({ ok: true as const, r }),
      (e) => ({ ok: false as const, e }),
    );
    const uploadProblem = await probeUpload(ctx, ref, key, steps);
    const wanted = declaredOrigins(ctx);
    if (wanted.length) evidence.declaredOrigins = wanted;

    const cors = await corsP;
    if (!cors.ok) {
      // Unread CORS is not a finding about the bucket: the check cannot tell (error), unless the upload itself failed.
      evidence.cors = { error: cors.e instanceof CloudError ? cors.e.code : "error" };
      if (uploadProblem) return { ...uploadProblem, evidence, remediation: policyFix(ref) };
      throw cors.e instanceof CloudError
        ? new Error(`the bucket's CORS could not be read with the control-plane keys (${cors.e.code}), so app uploads could not be checked`)
        : cors.e;
    }
    const rules = cors.r.rules;
    evidence.cors = {
      configured: cors.r.configured,
      rules: rules.map((r) => ({ origins: r.allowedOrigins, methods: r.allowedMethods, headers: r.allowedHeaders, expose: r.exposeHeaders })),
    };
    const uploadRules = rules.filter(allowsUpload);
    const missingOrigins = uploadRules.length ? wanted.filter((o) => !uploadRules.some((r) => originAllowed(r, o))) : wanted;
    const corsProblem: Msg | null =
      uploadRules.length === 0
        ? rules.length
          ? msg("存储桶的 CORS 规则不允许 App 上传（需要 PUT 或 POST 方法，并允许 Authorization 头或 *）", "no CORS rule of the bucket allows app uploads (PUT or POST, with the Authorization header or *)")
          : msg("存储桶没有 CORS 规则：浏览器/小程序端上传会被拒绝", "the bucket has no CORS rule: uploads from browsers and mini-programs are refused")
        : missingOrigins.length
          ? msg(`CORS 不允许栈声明的来源上传：${missingOrigins.join(", ")}`, `CORS does not allow uploads from the stack's declared origins: ${missingOrigins.join(", ")}`)
          : null;
    if (uploadProblem) {
      // The fix leads with what the evidence shows first: the signer's policy refused the probe.
      const also = corsProblem ? msg(`另外，${corsProblem.zh}。`, ` Also, ${corsProblem.en}.`) : msg("", "");
      return {
        ...uploadProblem,
        message: msg(`${uploadProblem.message.zh}${also.zh}`, `${uploadProblem.message.en}${also.en}`),
        evidence,
        remediation: corsProblem ? joinFix(policyFix(ref), corsFix(ref, wanted)) : policyFix(ref),
      };
    }
    if (corsProblem) {
      return fail(`上传探测成功，但${corsProblem.zh}。`, `The probe upload worked, but ${corsProblem.en}.`, evidence, { remediation: corsFix(ref, wanted) });
    }
    const methods = uploadRules[0].allowedMethods.join("/");
    return pass(
      `用后台密钥 PUT、HEAD、DELETE 探测对象均成功，CORS 允许上传（${methods}）。`,
      `PUT, HEAD and DELETE of a probe object with the backend's keys succeeded; CORS allows uploads (${methods}).`,
      evidence,
    );
  },
};

/**
 * A key the probe accepted although it has surrounding whitespace: the probe's HTTP stack may trim it, but the
 * backend uses (and hands the app) the value as written. Against the stack's value that is a finding (fail);
 * without the stack's value to compare, it cannot be told (warn). Undefined when there is no whitespace.
 */
function paddedValue(value: string, stackValue: string | undefined, ref: Msg, stackName: Msg, answer: string): Verdict | undefined {
  if (value === value.trim()) return undefined;
  const diff = stackValue !== undefined ? howDiffers(value, stackValue) : "value";
  const evidence: Evidence = { surroundingWhitespace: true, ...(stackValue !== undefined ? { difference: diff } : {}) };
  const fix = differenceFix("whitespace", ref, stackName);
  if (diff === "whitespace") {
    return fail(
      `${ref.zh} 与${stackName.zh}相比只差首尾的空白字符（均未显示）：探测请求（应答 ${answer}）去掉了空白，但后台按原样使用并下发给 App，COS 不认识带空白的值。`,
      `${ref.en} differs only by surrounding whitespace from ${stackName.en} (neither shown): the probe (answered ${answer}) went out without it, but the backend uses the value as written and hands it to the app, and COS does not know it with the whitespace.`,
      evidence,
      { remediation: fix },
    );
  }
  return warn(
    `${ref.zh} 首尾有空白字符：探测请求（应答 ${answer}）去掉了空白，无法判断后台按原样使用时 COS 是否接受。`,
    `${ref.en} has surrounding whitespace: the probe (answered ${answer}) went out without it, so whether COS accepts the value as the backend uses it cannot be told.`,
    evidence,
    { remediation: fix },
  );
}

/** Fix for a probe refused with the backend's keys: the upload signer's policy first. */
function policyFix(ref: BucketAt): Msg {
  return {
    zh: `让上传签名子用户的策略允许对存储桶 ${ref.bucket} 的对象执行 PutObject、HeadObject、DeleteObject（资源 qcs::cos:${ref.region}:uid/<APPID>:${ref.bucket}/*；即栈的 UploadSigner 策略，重新部署栈即可恢复）。`,
    en: `Let the upload signer's policy allow PutObject, HeadObject and DeleteObject on the objects of bucket ${ref.bucket} (resource qcs::cos:${ref.region}:uid/<APPID>:${ref.bucket}/*: the stack's UploadSigner policy; redeploying the stack restores it).`,
  };
}

/** Fix for CORS that does not allow app uploads: the bucket's CORS rule first. */
function corsFix(ref: BucketAt, origins: string[]): Msg {
  const from = origins.length ? origins.join(", ") : "*";
  return {
    zh: `为存储桶 ${ref.bucket} 添加 CORS 规则：来源 ${from}，方法 PUT、POST（及 GET、HEAD），允许头 *（或至少 Authorization、Content-Type）——即栈的 UploadBucket 的 cors_rules，重新部署栈即可恢复。`,
    en: `Add a CORS rule to bucket ${ref.bucket}: origins ${from}, methods PUT and POST (plus GET, HEAD), allowed headers * (or at least Authorization and Content-Type) — the stack's UploadBucket cors_rules; redeploying the stack restores it.`,
  };
}

function joinFix(first: Msg, then: Msg): Msg {
  return { zh: `${first.zh}然后：${then.zh}`, en: `${first.en} Then: ${then.en}` };
}

// ---------------------------------------------------------------------------------------------------------------

/** COS codes that mean the signing keys themselves are wrong (not that they may not access a resource). */
const CONTROL_KEY_REFUSED = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "RequestTimeTooSkewed"]);

type BucketAt = { bucket: string; region: string };

/** Full bucket name `<name>-<appid>`; `bucket` may already carry a suffix. */
export function fullBucketName(bucket: string, appid: string): string {
  const s = splitBucketName(bucket);
  return s.appid ? bucket : `${bucket}-${appid}`;
}

/** The bucket the backend addresses: COSKEY_BUCKET completed with COSKEY_APPID, in COSKEY_BUCKET_REGION. */
function backendBucket(ctx: CheckContext): BucketAt {
  const b = ctx.backend.cos;
  return { bucket: fullBucketName(b.bucket, b.appid), region: b.region };
}

function stackBucket(ctx: CheckContext): BucketAt {
  return { bucket: fullBucketName(ctx.outputs.bucket, ctx.outputs.appid), region: ctx.outputs.bucket_region };
}

/**
 * HEAD Bucket with the control-plane keys: undefined when the bucket exists in `ref.region`, otherwise the failing
 * verdict (elsewhere in the account, in another region, or not reachable with these keys).
 */
async function lookUpBucket(ctx: CheckContext, ref: BucketAt, evidence: Evidence): Promise<Verdict | undefined> {
  try {
    const head = await ctx.cosControl.headBucket(ref);
    evidence.exists = true;
    if (head.region) evidence.reportedRegion = head.region;
    if (head.region && head.region !== ref.region) {
      return fail(
        `存储桶 ${ref.bucket} 位于 ${head.region}，而 COSKEY_BUCKET_REGION 是 ${ref.region}。`,
        `Bucket ${ref.bucket} is in ${head.region}, but COSKEY_BUCKET_REGION is ${ref.region}.`,
        evidence,
      );
    }
    return undefined;
  } catch (err) {
    if (!isCloudError(err, "not-found", "auth")) throw err;
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
        if (!isCloudError(e, "auth")) throw e;
      }
      return fail(
        `部署账号的密钥无权访问存储桶 ${ref.bucket}（${err.code}）：它可能属于另一个账号。`,
        `The deploying account's keys may not access bucket ${ref.bucket} (${err.code}): it may belong to another account.`,
        evidence,
      );
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
      return fail(
        `存储桶 ${ref.bucket} 不在 COSKEY_BUCKET_REGION（${ref.region}）中，它位于 ${elsewhere}。`,
        `Bucket ${ref.bucket} is not in COSKEY_BUCKET_REGION (${ref.region}); it is in ${elsewhere}.`,
        evidence,
      );
    }
    const stack = stackBucket(ctx);
    return fail(
      `在 ${ref.region} 找不到存储桶 ${ref.bucket}（${err.code}）。本栈部署的存储桶是 ${stack.bucket}（${stack.region}）。`,
      `Bucket ${ref.bucket} does not exist in ${ref.region} (${err.code}). The stack deployed ${stack.bucket} (${stack.region}).`,
      evidence,
    );
  }
}

/** Outcome of the one signed GET behind cos.secret-id and cos.secret-key. */
interface AuthProbe {
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
function authProbe(ctx: CheckContext): Promise<AuthProbe> {
  return ctx.shared("cos.auth-probe", async ({ cosBackend }) => {
    const ref = backendBucket(ctx);
    const key = `.live-infra-probe/auth-${ctx.runId}`;
    try {
      const r = await cosBackend.getObject({ ...ref, key });
      return { outcome: "authenticated", code: "200", httpStatus: 200, requestId: r.requestId ?? null, key };
    } catch (err) {
      if (!isCloudError(err, "not-found", "auth")) throw err;
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

function probeEvidence(ctx: CheckContext, p: AuthProbe): Evidence {
  return {
    COSKEY_SECRECTID: maskSecretId(ctx.backend.cos.secretId),
    probe: `GET ${backendBucket(ctx).bucket}/${p.key}`,
    answer: p.code,
    httpStatus: p.httpStatus,
    requestId: p.requestId,
  };
}

/** A probe answer that says nothing about the keys: the check cannot tell (error), it does not fail. */
function inconclusive(p: AuthProbe): never {
  if (p.outcome === "expired") {
    throw new Error(`COS refused the probe signature as expired (${p.code}): this machine's clock is off; fix it and run again`);
  }
  throw new Error(`COS answered the probe with ${p.code}; the bucket check should have caught this`);
}

/** PUT, HEAD and DELETE of the probe object with the backend's keys; the failing verdict (no evidence yet), if any. */
async function probeUpload(ctx: CheckContext, ref: BucketAt, key: string, steps: Record<string, string>): Promise<Verdict | undefined> {
  const body = `live-infra upload probe ${ctx.runId}\n`;
  let problem: Verdict | undefined;
  let put = false;
  try {
    await ctx.cosBackend.putObject({ ...ref, key, body, contentType: "text/plain" });
    put = true;
    steps.put = "ok";
    const head = await ctx.cosBackend.headObject({ ...ref, key });
    steps.head = "ok";
    if (head.contentLength !== Buffer.byteLength(body)) {
      problem = fail(
        `上传的探测对象长度为 ${head.contentLength}，应为 ${Buffer.byteLength(body)}。`,
        `The uploaded probe object has length ${head.contentLength}, expected ${Buffer.byteLength(body)}.`,
      );
    }
  } catch (err) {
    if (!isCloudError(err, "auth", "not-found", "client")) throw err;
    const step = put ? "HEAD" : "PUT";
    steps[step.toLowerCase()] = err.code;
    problem = fail(
      `用后台密钥 ${step} 探测对象被拒绝（${err.code}）：上传签名子用户的策略可能不允许写该存储桶。`,
      `${step} of the probe object with the backend's keys was refused (${err.code}): the upload signer's policy may not allow writing this bucket.`,
    );
  } finally {
    if (put) {
      try {
        await ctx.cosBackend.deleteObject({ ...ref, key });
        steps.delete = "ok";
      } catch (err) {
        steps.delete = err instanceof CloudError ? err.code : "failed";
        if (!problem && isCloudError(err, "auth", "client")) {
          problem = fail(`用后台密钥删除探测对象被拒绝（${err.code}）。`, `DELETE of the probe object with the backend's keys was refused (${err.code}).`);
        } else if (!problem) {
          throw err;
        }
      }
    }
  }
  return problem;
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
