/**
 * Live callback controls: the callback template is bound to the push domain, its recording callback URL and key
 * are the backend's, and (opt-in) the backend answers a signed event. One DescribeLiveCallbackRules and one
 * DescribeLiveCallbackTemplate serve all four. The callback key is never put anywhere.
 */
import { createHash, timingSafeEqual } from "crypto";
import { postJson } from "../clients";
import type { PostResult } from "../clients";
import type { CheckContext, Control } from "../types";
import { Evidence, LiveRule, fail, isCloudError, pass, ruleEvidence, sameDomain, warn } from "./support";

const CALLBACK_DOC = "https://cloud.tencent.com/document/product/267/32744";

export const liveCallbackRule: Control = {
  id: "live.callback-rule",
  severity: "critical",
  title: { zh: "回调模板已关联推流域名", en: "Callback template is bound to the push domain" },
  description: {
    zh: "DescribeLiveCallbackRules 中有一条规则把本栈的回调模板绑定到推流域名和 AppName；绑定在播放域名上的规则无效。",
    en: "DescribeLiveCallbackRules has a rule binding this stack's callback template to the push domain and app name; a rule on the play domain does not count.",
  },
  faqItem: { zh: "回看列表拉取失败 › 检查回调模板是否关联域名", en: "Replay list fails › is the callback template bound to the domain" },
  faqKeyword: "回调模板未关联域名",
  remediation: {
    zh: "在【云直播控制台】>【域名管理】> 推流域名 >【模板配置】中关联回调模板（或重新部署栈，CreateLiveCallbackRule 绑定推流域名与 AppName）；绑定约 5–10 分钟生效。",
    en: "Bind the callback template under Live console › Domain Management › push domain › Template Configuration (or redeploy the stack: CreateLiveCallbackRule on the push domain and app name); bindings take 5–10 minutes to take effect.",
  },
  docUrl: "https://cloud.tencent.com/document/product/267/35254",
  prerequisites: [],

  async run(ctx) {
    const o = ctx.outputs;
    const rules = await callbackRules(ctx);
    const evidence: Evidence = {
      pushDomain: o.push_domain,
      playDomain: o.play_domain,
      appName: o.app_name,
      stackTemplateId: Number(o.callback_template_id),
      rules: rules.map(ruleEvidence),
    };
    const rule = boundRule(ctx, rules);
    if (rule && Number(rule.TemplateId) !== Number(o.callback_template_id)) {
      return fail(
        `推流域名 ${o.push_domain}/${o.app_name} 绑定的是回调模板 ${rule.TemplateId}，不是本栈的模板 ${o.callback_template_id}。`,
        `The push domain ${o.push_domain}/${o.app_name} is bound to callback template ${rule.TemplateId}, not the stack's template ${o.callback_template_id}.`,
        evidence,
      );
    }
    if (rule) {
      return pass(
        `回调模板 ${rule.TemplateId} 已绑定到推流域名 ${o.push_domain}，AppName ${o.app_name}。`,
        `Callback template ${rule.TemplateId} is bound to push domain ${o.push_domain}, app name ${o.app_name}.`,
        evidence,
      );
    }
    const onPlay = rules.find((r) => sameDomain(r.DomainName, o.play_domain));
    if (onPlay) {
      return fail(
        `回调模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上，而回调只对推流域名生效：请改绑到推流域名 ${o.push_domain}（AppName ${o.app_name}）。`,
        `Callback template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; callbacks only fire for the push domain: bind it to ${o.push_domain} (app name ${o.app_name}) instead.`,
        evidence,
        {
          remediation: {
            zh: `删除播放域名上的回调规则（DeleteLiveCallbackRule ${o.play_domain}），在推流域名 ${o.push_domain} 上关联回调模板（或重新部署栈）。`,
            en: `Delete the rule on the play domain (DeleteLiveCallbackRule ${o.play_domain}) and bind the template to the push domain ${o.push_domain} (or redeploy the stack).`,
          },
        },
      );
    }
    const otherApp = rules.find((r) => sameDomain(r.DomainName, o.push_domain));
    if (otherApp) {
      return fail(
        `推流域名 ${o.push_domain} 的回调规则绑定的 AppName 是 "${otherApp.AppName}"，而推流地址使用 "${o.app_name}"。`,
        `The push domain ${o.push_domain} has a callback rule for app name "${otherApp.AppName}", but pushes use "${o.app_name}".`,
        evidence,
      );
    }
    return fail(
      `推流域名 ${o.push_domain}（AppName ${o.app_name}）没有关联任何回调模板：直播结束后后台收不到录制回调。`,
      `No callback template is bound to the push domain ${o.push_domain} (app name ${o.app_name}): the backend never hears about recordings.`,
      evidence,
    );
  },
};

export const liveCallbackUrl: Control = {
  id: "live.callback-url",
  severity: "critical",
  title: { zh: "录制回调 URL 正确", en: "Recording callback URL is right" },
  description: {
    zh: "已绑定回调模板的录制回调 URL（RecordNotifyUrl）等于后台地址 /callback/tape_callback.php（栈输出 callback_url）。",
    en: "The bound callback template's recording callback URL (RecordNotifyUrl) equals the backend's /callback/tape_callback.php (stack output callback_url).",
  },
  faqItem: { zh: "回看列表拉取失败 › 检查 URL 设置是否正确", en: "Replay list fails › is the callback URL right" },
  faqKeyword: "回调 URL 未设置/错误",
  remediation: {
    zh: "在【云直播控制台】>【事件中心】>【直播回调】中把录制回调 URL 设为栈输出 callback_url（http://<后台地址>/callback/tape_callback.php），或重新部署栈。",
    en: "Set the template's recording callback URL to the stack output callback_url (http://<backend>/callback/tape_callback.php) under Live console › Event Center › Live Callback, or redeploy the stack.",
  },
  docUrl: "https://cloud.tencent.com/document/product/267/20388",
  prerequisites: ["live.callback-rule"],

  async run(ctx) {
    const { template, templateId } = await boundTemplate(ctx);
    const expected = ctx.outputs.callback_url;
    const evidence: Evidence = { templateId, expected };
    if (!template) return fail(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`, evidence);
    const actual = template.RecordNotifyUrl ?? "";
    evidence.recordNotifyUrl = actual;
    if (!actual.trim()) {
      return fail(
        `回调模板 ${templateId} 没有设置录制回调 URL：应为 ${expected}。`,
        `Callback template ${templateId} has no recording callback URL; it should be ${expected}.`,
        evidence,
      );
    }
    if (normUrl(actual) !== normUrl(expected)) {
      return fail(
        `回调模板 ${templateId} 的录制回调 URL 是 ${actual}，应为 ${expected}。`,
        `Callback template ${templateId} sends recording callbacks to ${actual}; it should be ${expected}.`,
        evidence,
      );
    }
    if (!/\/callback\/tape_callback\.php$/.test(new URL(expected, "http://x").pathname)) {
      return warn(
        `录制回调 URL 与栈输出一致，但路径不是后台的 /callback/tape_callback.php：${expected}。`,
        `The recording callback URL matches the stack output, but its path is not the backend's /callback/tape_callback.php: ${expected}.`,
        evidence,
      );
    }
    return pass(`录制回调 URL 为 ${actual}。`, `Recording callbacks go to ${actual}.`, evidence);
  },
};

export const liveCallbackKey: Control = {
  id: "live.callback-key",
  severity: "critical",
  title: { zh: "回调密钥与 API_KEY 一致", en: "Callback key equals API_KEY" },
  description: {
    zh: "已绑定回调模板的回调密钥（CallbackKey）等于后台 OutDefine.php 的 API_KEY（比较时不输出任何一方）。",
    en: "The bound callback template's key (CallbackKey) equals API_KEY in the backend's OutDefine.php (compared without printing either).",
  },
  faqItem: { zh: "回看列表拉取失败 › 回调鉴权失败", en: "Replay list fails › callback verification fails" },
  faqKeyword: "回调鉴权失败",
  remediation: {
    zh: "把 OutDefine.php 的 API_KEY 改为回调模板的回调密钥（栈输出 callback_key），或反过来修改模板；后台日志 component_error 中的 check_sign error 即此问题。",
    en: "Set API_KEY in OutDefine.php to the callback template's key (stack output callback_key), or change the template; `check_sign error` lines in the backend's component_error log are this problem.",
  },
  docUrl: CALLBACK_DOC,
  prerequisites: ["live.callback-rule"],

  async run(ctx) {
    const { template, templateId } = await boundTemplate(ctx);
    const evidence: Evidence = { templateId };
    if (!template) return fail(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`, evidence);
    const key = template.CallbackKey ?? "";
    const apiKey = ctx.backend.apiKey;
    evidence.templateKeySet = key !== "";
    evidence.apiKeySet = apiKey !== "";
    if (!apiKey) {
      return fail("OutDefine.php 的 API_KEY 为空：后台无法校验任何回调。", "API_KEY in OutDefine.php is empty: the backend cannot verify any callback.", evidence);
    }
    if (!key) {
      return fail(
        `回调模板 ${templateId} 没有设置回调密钥，而后台用 API_KEY 校验 sign：所有回调都会被拒绝。`,
        `Callback template ${templateId} has no callback key, while the backend checks sign against API_KEY: every callback is rejected.`,
        evidence,
      );
    }
    if (secretEquals(key, apiKey)) {
      return pass(`回调模板 ${templateId} 的回调密钥与 API_KEY 一致。`, `Callback template ${templateId}'s key equals API_KEY.`, evidence);
    }
    const stackKey = ctx.outputs.callback_key;
    if (stackKey !== undefined) evidence.apiKeyEqualsStackOutput = secretEquals(apiKey, stackKey);
    return fail(
      `回调模板 ${templateId} 的回调密钥与 OutDefine.php 的 API_KEY 不一致（均未显示）：后台会以 check_sign error 拒绝每个录制回调。`,
      `Callback template ${templateId}'s key differs from API_KEY in OutDefine.php (neither shown): the backend rejects every recording callback with "check_sign error".`,
      evidence,
    );
  },
};

export const liveCallbackReachable: Control = {
  id: "live.callback-reachable",
  severity: "high",
  title: { zh: "回调地址可达且校验签名", en: "Callback URL answers and checks signatures" },
  description: {
    zh: "（需 --probe-callback）向回调 URL 发送一个无害的推流事件（event_type 1）：正确签名应得到 {\"code\":0}，错误签名不应得到。",
    en: "(opt-in, --probe-callback) Posts a harmless stream-start event (event_type 1) to the callback URL: a correctly signed one must get {\"code\":0}, a wrongly signed one must not.",
  },
  faqItem: { zh: "回看列表拉取失败 › 回调到达后台", en: "Replay list fails › callbacks reach the backend" },
  faqKeyword: null,
  remediation: {
    zh: "确认后台的 Web 服务对外开放、nginx 把 /callback/tape_callback.php 交给 PHP，且 API_KEY 与回调密钥一致；检查 log/component_info 中是否出现 callback report request para。",
    en: "Make sure the backend's web server is reachable from the internet, nginx hands /callback/tape_callback.php to PHP, and API_KEY equals the callback key; look for `callback report request para` in log/component_info.",
  },
  docUrl: CALLBACK_DOC,
  prerequisites: ["live.callback-url", "live.callback-key"],
  optIn: { flag: "--probe-callback" },

  async run(ctx) {
    const { template } = await boundTemplate(ctx);
    const url = (template?.RecordNotifyUrl ?? "").trim() || ctx.outputs.callback_url;
    const key = template?.CallbackKey ?? "";
    const post = { timeoutMs: Math.max(500, Math.floor(ctx.timeoutMs / 3)), signal: ctx.signal };
    const evidence: Evidence = { url, event_type: 1 };

    let good: PostResult;
    try {
      good = await postJson(url, probeEvent(ctx, key), post);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "error";
      evidence.signed = { error: code };
      return fail(`回调地址 ${url} 无应答（${code}）。`, `The callback URL ${url} does not answer (${code}).`, evidence);
    }
    evidence.signed = { httpStatus: good.status, code: codeOf(good.body) ?? null };
    if (good.status !== 200 || codeOf(good.body) !== 0) {
      const code = JSON.stringify(codeOf(good.body) ?? null);
      return fail(
        `正确签名的事件得到 HTTP ${good.status}、code ${code}，应为 HTTP 200 与 {"code":0}。`,
        `A correctly signed event got HTTP ${good.status}, code ${code}; expected HTTP 200 and {"code":0}.`,
        evidence,
      );
    }

    let bad: PostResult;
    try {
      bad = await postJson(url, probeEvent(ctx, `${key}-wrong`), post);
      evidence.wronglySigned = { httpStatus: bad.status, code: codeOf(bad.body) ?? null };
    } catch (err) {
      // Dropping a wrongly signed callback is a refusal too.
      evidence.wronglySigned = { error: (err as { code?: string }).code ?? "error" };
      bad = { status: 0, body: "" };
    }
    if (bad.status === 200 && codeOf(bad.body) === 0) {
      return fail(
        "错误签名的事件也得到了 {\"code\":0}：回调地址不校验签名，任何人都能伪造录制记录。",
        "A wrongly signed event got {\"code\":0} too: the endpoint does not check signatures, so anyone can forge recordings.",
        evidence,
      );
    }
    return pass(
      `回调地址 ${url} 接受正确签名的事件（{"code":0}），拒绝错误签名的事件。`,
      `The callback URL ${url} accepts a correctly signed event ({"code":0}) and refuses a wrongly signed one.`,
      evidence,
    );
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface CallbackTemplate {
  TemplateId?: number;
  TemplateName?: string;
  RecordNotifyUrl?: string;
  CallbackKey?: string;
}

function callbackRules(ctx: CheckContext): Promise<LiveRule[]> {
  return ctx.shared("live.callback-rules", async ({ api }) => {
    const r = await api.request<{ Rules?: LiveRule[] }>("live", "DescribeLiveCallbackRules", {});
    return r.Rules ?? [];
  });
}

/** The rule on the push domain + app name, if any. */
function boundRule(ctx: CheckContext, rules: LiveRule[]): LiveRule | undefined {
  return rules.find((r) => sameDomain(r.DomainName, ctx.outputs.push_domain) && (r.AppName ?? "") === ctx.outputs.app_name);
}

/** The template the push-domain rule binds (falls back to the stack's template id when there is no rule). */
async function boundTemplate(ctx: CheckContext): Promise<{ template: CallbackTemplate | null; templateId: number }> {
  const rule = boundRule(ctx, await callbackRules(ctx));
  const templateId = Number(rule?.TemplateId ?? ctx.outputs.callback_template_id);
  const template = await ctx.shared(`live.callback-template.${templateId}`, async ({ api }) => {
    try {
      const r = await api.request<{ Template?: CallbackTemplate }>("live", "DescribeLiveCallbackTemplate", { TemplateId: templateId });
      return r.Template ?? null;
    } catch (err) {
      if (isCloudError(err, "not-found")) return null;
      throw err;
    }
  });
  return { template, templateId };
}

function normUrl(u: string): string {
  try {
    return new URL(u.trim()).href;
  } catch {
    return u.trim();
  }
}

/** Constant-time equality of two secrets (through their hashes, so lengths leak nothing either). */
function secretEquals(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/** The `code` of the backend's JSON answer, if it is one. */
function codeOf(body: string): unknown {
  try {
    const j = JSON.parse(body) as { code?: unknown };
    return j && typeof j === "object" ? j.code : undefined;
  } catch {
    return undefined;
  }
}

/** A harmless stream-start event (event_type 1), as Tencent sends it, for the given key. */
export function probeEvent(ctx: CheckContext, key: string, nowSec = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const t = nowSec + 600;
  const stream = `live_infra_probe_${ctx.runId}`;
  return {
    appid: Number(ctx.outputs.appid) || ctx.outputs.appid,
    app: ctx.outputs.push_domain,
    appname: ctx.outputs.app_name,
    stream_id: stream,
    channel_id: stream,
    event_type: 1,
    event_time: nowSec,
    sequence: `live-infra-${ctx.runId}`,
    node: "127.0.0.1",
    user_ip: "127.0.0.1",
    stream_param: "",
    errcode: 0,
    errmsg: "ok",
    t,
    sign: createHash("md5").update(key + String(t)).digest("hex"),
  };
}
