/**
 * Live callback controls: the callback template is bound to the push domain, its recording callback URL and key
 * are the backend's, and (opt-in) the backend answers a signed event. One DescribeLiveCallbackRules and one
 * DescribeLiveCallbackTemplate serve all four. The callback key is never put anywhere.
 */
import { createHash, timingSafeEqual } from "crypto";
import { classifyHost, isPublic } from "../../common/net-address";
import { postJson } from "../clients";
import type { PostResult } from "../clients";
import { ResolveError } from "../clients/resolve";
import type { Resolution } from "../clients/resolve";
import type { CheckContext, Control, Msg, Verdict } from "../types";
import {
  Evidence,
  LiveRule,
  applicableRules,
  configLocation,
  differenceFix,
  differenceText,
  fail,
  howDiffers,
  inConfig,
  isCloudError,
  pass,
  ruleEvidence,
  ruleLabel,
  sameDomain,
  warn,
} from "./support";

const CALLBACK_DOC = "https://cloud.tencent.com/document/product/267/32744";

export const liveCallbackRule: Control = {
  id: "live.callback-rule",
  severity: "critical",
  title: { zh: "回调模板已关联推流域名", en: "Callback template is bound to the push domain" },
  description: {
    zh: "DescribeLiveCallbackRules 中适用于推流域名和 AppName 的规则（含 AppName 为空、对所有 App 生效的规则，域名不区分大小写）至少有一条，且全部绑定本栈的回调模板；绑定在播放域名上的规则无效。",
    en: "At least one DescribeLiveCallbackRules rule applies to the push domain and app name (rules with an empty AppName apply to all apps; domains match in any letter case), and every such rule binds this stack's callback template; a rule on the play domain does not count.",
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
    const stackTid = Number(o.callback_template_id);
    const evidence: Evidence = {
      pushDomain: o.push_domain,
      playDomain: o.play_domain,
      appName: o.app_name,
      stackTemplateId: stackTid,
      rules: rules.map(ruleEvidence),
    };
    // Every rule for the push domain (any letter case) and the app name, or for all apps, applies; one binding
    // another template is enough to fail, whatever the order the API lists them in.
    const applicable = applicableRules(rules, o.push_domain, o.app_name);
    evidence.applicableRules = applicable.map(ruleEvidence);
    const foreign = sortRules(applicable.filter((r) => Number(r.TemplateId) !== stackTid));
    if (foreign.length) {
      const list = (lang: "zh" | "en") => foreign.map((r) => `${ruleLabel(r)[lang]} → ${lang === "zh" ? "模板" : "template"} ${r.TemplateId}`).join(lang === "zh" ? "、" : ", ");
      return fail(
        `适用于推流域名 ${o.push_domain}（AppName ${o.app_name}）的回调规则绑定了其他回调模板（${list("zh")}），不是本栈的模板 ${stackTid}：录制回调会按那个模板发送。`,
        `A callback rule that applies to the push domain ${o.push_domain} (app name ${o.app_name}) binds another callback template (${list("en")}), not the stack's template ${stackTid}: recording callbacks follow that template.`,
        evidence,
        {
          remediation: {
            zh: `删除这些规则（DeleteLiveCallbackRule：${foreign.map((r) => ruleLabel(r).zh).join("、")}），并把本栈的回调模板 ${stackTid} 关联到推流域名 ${o.push_domain}、AppName ${o.app_name}（或重新部署栈）。`,
            en: `Delete those rules (DeleteLiveCallbackRule: ${foreign.map((r) => ruleLabel(r).en).join(", ")}) and bind the stack's callback template ${stackTid} to push domain ${o.push_domain}, app name ${o.app_name} (or redeploy the stack).`,
          },
        },
      );
    }
    if (applicable.length) {
      const labels = sortRules(applicable).map((r) => ruleLabel(r));
      return pass(
        `回调模板 ${stackTid} 已绑定到推流域名 ${o.push_domain}，AppName ${o.app_name}（规则：${labels.map((l) => l.zh).join("、")}）。`,
        `Callback template ${stackTid} is bound to push domain ${o.push_domain}, app name ${o.app_name} (rules: ${labels.map((l) => l.en).join(", ")}).`,
        evidence,
      );
    }
    const onPlay = sortRules(rules.filter((r) => sameDomain(r.DomainName, o.play_domain)))[0];
    if (onPlay) {
      return fail(
        `回调模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上，而回调只对推流域名生效；推流域名 ${o.push_domain}（AppName ${o.app_name}）没有回调规则。`,
        `Callback template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; callbacks only fire for the push domain, and the push domain ${o.push_domain} (app name ${o.app_name}) has no callback rule.`,
        evidence,
        {
          remediation: {
            zh: `删除播放域名上的回调规则（DeleteLiveCallbackRule ${o.play_domain}），在推流域名 ${o.push_domain}（AppName ${o.app_name}）上关联回调模板 ${stackTid}（或重新部署栈）。`,
            en: `Delete the rule on the play domain (DeleteLiveCallbackRule ${o.play_domain}) and bind callback template ${stackTid} to the push domain ${o.push_domain}, app name ${o.app_name} (or redeploy the stack).`,
          },
        },
      );
    }
    const otherApp = sortRules(rules.filter((r) => sameDomain(r.DomainName, o.push_domain)));
    if (otherApp.length) {
      const apps = otherApp.map((r) => `"${r.AppName}"`).join(", ");
      return fail(
        `推流域名 ${o.push_domain} 的回调规则绑定的 AppName 是 ${apps}，而推流地址使用 "${o.app_name}"。`,
        `The push domain ${o.push_domain} has callback rules for app name ${apps} only, but pushes use "${o.app_name}".`,
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
    zh: "适用于推流域名的规则所绑定的每个回调模板的录制回调 URL（RecordNotifyUrl）等于后台地址 /callback/tape_callback.php（栈输出 callback_url）。",
    en: "The recording callback URL (RecordNotifyUrl) of every callback template a rule for the push domain binds equals the backend's /callback/tape_callback.php (stack output callback_url).",
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
    const bound = await boundTemplates(ctx);
    const expected = ctx.outputs.callback_url;
    const evidence: Evidence = { expected, templates: bound.map((b) => ({ templateId: b.templateId, recordNotifyUrl: b.template?.RecordNotifyUrl ?? null })) };
    if (bound.length === 1) {
      evidence.templateId = bound[0].templateId;
      if (bound[0].template) evidence.recordNotifyUrl = bound[0].template.RecordNotifyUrl ?? "";
    }
    // Every bound template is judged; the first problem in template-id order is reported, the rest are in evidence.
    for (const { template, templateId } of bound) {
      if (!template) return fail(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`, evidence);
      const actual = template.RecordNotifyUrl ?? "";
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
    }
    if (!/\/callback\/tape_callback\.php$/.test(new URL(expected, "http://x").pathname)) {
      return warn(
        `录制回调 URL 与栈输出一致，但路径不是后台的 /callback/tape_callback.php：${expected}。`,
        `The recording callback URL matches the stack output, but its path is not the backend's /callback/tape_callback.php: ${expected}.`,
        evidence,
      );
    }
    const urls = [...new Set(bound.map((b) => (b.template!.RecordNotifyUrl ?? "").trim()))];
    return pass(`录制回调 URL 为 ${urls.join("、")}。`, `Recording callbacks go to ${urls.join(", ")}.`, evidence);
  },
};

export const liveCallbackKey: Control = {
  id: "live.callback-key",
  severity: "critical",
  title: { zh: "回调密钥与 API_KEY 一致", en: "Callback key equals API_KEY" },
  description: {
    zh: "适用于推流域名的规则所绑定的每个回调模板的回调密钥（CallbackKey）等于后台配置的 API_KEY（比较时不输出任何一方；只差空白或大小写时会指明）。",
    en: "The key (CallbackKey) of every callback template a rule for the push domain binds equals the backend's API_KEY (compared without printing either; a difference only in whitespace or letter case is named as such).",
  },
  faqItem: { zh: "回看列表拉取失败 › 回调鉴权失败", en: "Replay list fails › callback verification fails" },
  faqKeyword: "回调鉴权失败",
  remediation: {
    zh: "把后台配置的 API_KEY 改为回调模板的回调密钥（栈输出 callback_key），或反过来修改模板；后台日志 component_error 中的 check_sign error 即此问题。",
    en: "Set the backend's API_KEY to the callback template's key (stack output callback_key), or change the template; `check_sign error` lines in the backend's component_error log are this problem.",
  },
  docUrl: CALLBACK_DOC,
  prerequisites: ["live.callback-rule"],

  async run(ctx) {
    const bound = await boundTemplates(ctx);
    const apiKey = ctx.backend.apiKey;
    const src = ctx.backend.source;
    const ref = inConfig(src, "API_KEY");
    const evidence: Evidence = { templateIds: bound.map((b) => b.templateId), apiKeySet: apiKey !== "" };
    const location = configLocation(src, "API_KEY");
    if (location) evidence.apiKeyAt = location;
    if (bound.length === 1) evidence.templateId = bound[0].templateId;
    const stackKey = ctx.outputs.callback_key;
    const setApiKey: Msg = {
      zh: `把 ${ref.zh} 改为回调模板的回调密钥（栈输出 callback_key），然后重启 PHP-FPM；后台日志 component_error 中的 check_sign error 即此问题。`,
      en: `Set ${ref.en} to the callback template's key (stack output callback_key), then restart PHP-FPM; \`check_sign error\` lines in the backend's component_error log are this problem.`,
    };
    if (!apiKey) {
      return fail(`${ref.zh} 为空：后台无法校验任何回调。`, `${ref.en} is empty: the backend cannot verify any callback.`, evidence, { remediation: setApiKey });
    }
    for (const { template, templateId } of bound) {
      if (!template) return fail(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`, evidence);
      const key = template.CallbackKey ?? "";
      evidence.templateKeySet = key !== "";
      if (!key) {
        return fail(
          `回调模板 ${templateId} 没有设置回调密钥，而后台用 API_KEY 校验 sign：所有回调都会被拒绝。`,
          `Callback template ${templateId} has no callback key, while the backend checks sign against API_KEY: every callback is rejected.`,
          evidence,
          {
            remediation: {
              zh: `重新部署栈（cdktf deploy）恢复模板 ${templateId} 的回调密钥，或在控制台为它设置与 ${ref.zh} 相同的回调密钥。`,
              en: `Redeploy the stack (\`cdktf deploy\`) to restore template ${templateId}'s callback key, or set it in the console to the value of ${ref.en}.`,
            },
          },
        );
      }
      if (secretEquals(key, apiKey)) continue;
      const diff = howDiffers(apiKey, key);
      const kind = differenceText(diff);
      if (stackKey !== undefined) evidence.apiKeyEqualsStackOutput = secretEquals(apiKey, stackKey);
      if (kind) {
        evidence.difference = diff;
        return fail(
          `${ref.zh} 与回调模板 ${templateId} 的回调密钥相比${kind.zh}（均未显示）：sign = md5(key + t) 逐字节比较，后台会以 check_sign error 拒绝每个录制回调。`,
          `${ref.en} ${kind.en} from callback template ${templateId}'s key (neither shown): sign = md5(key + t) compares byte for byte, so the backend rejects every recording callback with "check_sign error".`,
          evidence,
          { remediation: differenceFix(diff, ref, { zh: "回调模板的回调密钥（栈输出 callback_key）", en: "the template's callback key (stack output callback_key)" }) },
        );
      }
      // API_KEY still holds what the stack deployed: the template's key was changed behind the stack's back.
      const templateChanged = stackKey !== undefined && secretEquals(apiKey, stackKey);
      return fail(
        `回调模板 ${templateId} 的回调密钥与 ${ref.zh} 不一致（均未显示）：后台会以 check_sign error 拒绝每个录制回调。`,
        `Callback template ${templateId}'s key differs from ${ref.en} (neither shown): the backend rejects every recording callback with "check_sign error".`,
        evidence,
        templateChanged
          ? {
              remediation: {
                zh: `${ref.zh} 仍是栈部署的 callback_key，而模板 ${templateId} 的回调密钥在部署后被改过：重新部署栈（cdktf deploy）恢复它，或把 ${ref.zh} 改为模板现在的密钥。`,
                en: `${ref.en} still holds the stack's callback_key, but template ${templateId}'s key was changed after the deploy: redeploy the stack (\`cdktf deploy\`) to restore it, or set ${ref.en} to the template's current key.`,
              },
            }
          : { remediation: setApiKey },
      );
    }
    const ids = bound.map((b) => b.templateId).join(", ");
    return pass(`回调模板 ${ids} 的回调密钥与 ${ref.zh} 一致。`, `Callback template ${ids}'s key equals ${ref.en}.`, evidence);
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
    const [{ template }] = await boundTemplates(ctx);
    const url = (template?.RecordNotifyUrl ?? "").trim() || ctx.outputs.callback_url;
    const key = template?.CallbackKey ?? "";
    const post = { timeoutMs: Math.max(500, Math.floor(ctx.timeoutMs / 3)), signal: ctx.signal, lookup: ctx.lookup };
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

export const liveCallbackPublic: Control = {
  id: "live.callback-public",
  severity: "critical",
  title: { zh: "录制回调地址是公网地址", en: "Recording callback URL points at a public address" },
  description: {
    zh: "腾讯云从公网发送录制回调：已绑定回调模板的录制回调 URL（未设置时用栈输出 callback_url）的主机必须是公网地址——IP 直接判断，域名则判断解析出的每一个地址（回环、内网、链路本地、CGNAT、保留与文档地址都到达不了）。只解析，不向该地址发送任何请求；解析可用 --resolve / LIVE_INFRA_RESOLVE 声明。",
    en: "Tencent Cloud sends recording callbacks from the internet: the host of the bound template's recording callback URL (the stack output callback_url when the template has none) must be public — an IP literal itself, a name through every address it resolves to (loopback, private, link-local, CGNAT, reserved and documentation addresses are never reached). Only resolves; nothing is sent to the host. Names can be declared with --resolve / LIVE_INFRA_RESOLVE.",
  },
  faqItem: { zh: "回看列表拉取失败 › 检查 URL 设置是否正确", en: "Replay list fails › is the callback URL right" },
  faqKeyword: "回调 URL 未设置/错误",
  remediation: {
    zh: "把录制回调 URL 的主机改为后台的公网 IP 或解析到公网 IP 的域名（栈的后台地址配置，再重新部署）；回环、内网等地址收不到腾讯云的回调。",
    en: "Point the recording callback URL at the backend's public IP or a name that resolves to public addresses only (the stack's backend address setting, then redeploy); loopback, private and similar addresses never receive Tencent Cloud's callbacks.",
  },
  docUrl: "https://cloud.tencent.com/document/product/267/20388",
  prerequisites: ["live.callback-rule"],

  async run(ctx) {
    const bound = await boundTemplates(ctx);
    const targets = new Map<string, "template" | "stack-output">();
    for (const b of bound) {
      const u = (b.template?.RecordNotifyUrl ?? "").trim();
      if (u) targets.set(u, "template");
    }
    // A template without a URL (live.callback-url fails on that) is judged by where it should send.
    if (!targets.size) targets.set(ctx.outputs.callback_url.trim(), "stack-output");
    const verdicts: Verdict[] = [];
    for (const [url, source] of [...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      verdicts.push(await judgeCallbackHost(ctx, url, source));
    }
    const order = { fail: 0, warn: 1, pass: 2 } as const;
    const worst = [...verdicts].sort((a, b) => order[a.status] - order[b.status])[0];
    if (verdicts.length === 1) return worst;
    return { ...worst, evidence: { urls: verdicts.map((v) => v.evidence) } };
  },
};

const PUBLIC_FIX = (host: string, why: Msg): Msg => ({
  zh: `把录制回调 URL 的主机 ${host}（现为${why.zh}）改为后台的公网 IP，或只解析到公网 IP 的域名；然后重新部署栈（或在【事件中心】>【直播回调】中修改模板）。`,
  en: `Replace the recording callback URL's host ${host} (now ${why.en}) with the backend's public IP or a name that resolves to public addresses only; then redeploy the stack (or edit the template under Event Center › Live Callback).`,
});

/** One URL's verdict: its host (IP literal, or every address the name resolves to) must be public. */
async function judgeCallbackHost(ctx: CheckContext, url: string, source: "template" | "stack-output"): Promise<Verdict> {
  const evidence: Evidence = { url, source };
  const whose: Msg =
    source === "template"
      ? { zh: "录制回调 URL", en: "The recording callback URL" }
      : { zh: "回调模板没有录制回调 URL；栈输出 callback_url", en: "The callback template has no recording callback URL; the stack output callback_url" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`${whose.zh} "${url}" 不是合法的 URL：回调无法送达。`, `${whose.en} "${url}" is not a valid URL: callbacks cannot be delivered.`, evidence);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return fail(`${whose.zh} ${url} 不是 http(s) 地址：回调无法送达。`, `${whose.en} ${url} is not an http(s) URL: callbacks cannot be delivered.`, evidence);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const cls = classifyHost(host);
  evidence.host = cls.host;
  evidence.hostKind = cls.kind;
  if (cls.ip || cls.kind !== "public") {
    const what = cls.ip ? { zh: "地址", en: "address" } : { zh: "名称", en: "name" };
    if (isPublic(cls)) {
      return pass(`${whose.zh} ${url} 的主机 ${cls.host} 是公网地址。`, `${whose.en} ${url} has a public host address, ${cls.host}.`, evidence);
    }
    evidence.reason = cls.reason;
    const why = { zh: kindZh(cls.kind), en: cls.reason };
    return fail(
      `${whose.zh} ${url} 的主机 ${cls.host} 不是公网${what.zh}（${why.zh}）：腾讯云从公网发出的录制回调到达不了后台，回看列表为空。`,
      `${whose.en} ${url} has a host that is not a public ${what.en}: ${cls.host} is ${why.en}. Tencent Cloud sends callbacks from the internet, so they never reach the backend and the replay list stays empty.`,
      evidence,
      { remediation: PUBLIC_FIX(cls.host, why) },
    );
  }
  let r: Resolution;
  try {
    r = await ctx.resolve(cls.host);
  } catch (err) {
    if (err instanceof ResolveError && err.notFound) {
      evidence.resolve = { error: err.code };
      return warn(
        `${whose.zh} ${url} 的主机 ${cls.host} 在本机解析不到地址（${err.code}）：若公网 DNS 也没有它，回调无法送达；无法判断它是否是公网地址。`,
        `${whose.en} ${url} names ${cls.host}, which does not resolve here (${err.code}): if public DNS has no address for it either, no callback arrives; whether it is public cannot be told.`,
        evidence,
        {
          remediation: {
            zh: `为 ${cls.host} 添加指向后台公网 IP 的 DNS 记录；若只是本机解析不同，可用 --resolve ${cls.host}:<公网IP> 声明它的地址后重新检查。`,
            en: `Give ${cls.host} a DNS record pointing at the backend's public IP; if only this machine resolves names differently, declare its address with --resolve ${cls.host}:<public IP> and check again.`,
          },
        },
      );
    }
    throw err;
  }
  const addrs = r.addresses.map((a) => ({ ...a, class: classifyHost(a.address) }));
  evidence.resolvedBy = r.source;
  evidence.addresses = addrs.map((a) => ({ address: a.class.host, kind: a.class.kind, ...(a.class.kind !== "public" ? { reason: a.class.reason } : {}) }));
  const bad = addrs.filter((a) => !isPublic(a.class));
  const via = r.source === "override" ? { zh: "（按 --resolve / LIVE_INFRA_RESOLVE 的声明）", en: " (as declared with --resolve / LIVE_INFRA_RESOLVE)" } : { zh: "", en: "" };
  if (bad.length) {
    const list = (lang: "zh" | "en") => bad.map((a) => `${a.class.host}（${lang === "zh" ? kindZh(a.class.kind) : a.class.reason}）`).join(lang === "zh" ? "、" : ", ");
    const listEn = bad.map((a) => `${a.class.host} (${a.class.reason})`).join(", ");
    const why = { zh: list("zh"), en: listEn };
    return fail(
      `${whose.zh} ${url} 的主机 ${cls.host} 解析到非公网地址${via.zh}：${list("zh")}：腾讯云的录制回调到达不了这些地址，回看列表可能为空。`,
      `${whose.en} ${url} names ${cls.host}, which resolves${via.en} to addresses that are not public: ${listEn}. Tencent Cloud's recording callbacks never reach such an address, so replays can go missing.`,
      evidence,
      { remediation: PUBLIC_FIX(cls.host, why) },
    );
  }
  const list = addrs.map((a) => a.class.host).join(", ");
  return pass(
    `${whose.zh} ${url} 的主机 ${cls.host} 只解析到公网地址${via.zh}：${list}。`,
    `${whose.en} ${url} names ${cls.host}, which resolves${via.en} to public addresses only: ${list}.`,
    evidence,
  );
}

const KIND_ZH: Record<string, string> = {
  loopback: "回环地址",
  private: "内网地址",
  "link-local": "链路本地地址",
  cgnat: "运营商级 NAT 共享地址",
  documentation: "文档保留地址",
  benchmarking: "基准测试保留地址",
  multicast: "组播地址",
  unspecified: "未指定地址",
  broadcast: "广播地址",
  reserved: "保留地址",
  invalid: "无效的主机",
};

function kindZh(kind: string): string {
  return KIND_ZH[kind] ?? kind;
}

// ---------------------------------------------------------------------------------------------------------------

export interface CallbackTemplate {
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

/** Rules in a stable order (domain, app name, template id), so messages never depend on the API's order. */
function sortRules<R extends LiveRule>(rules: R[]): R[] {
  const k = (r: LiveRule) => `${(r.DomainName ?? "").toLowerCase()}\u0000${r.AppName ?? ""}\u0000${String(r.TemplateId ?? "").padStart(12, "0")}`;
  return [...rules].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

export interface BoundTemplate {
  templateId: number;
  template: CallbackTemplate | null;
}

/**
 * Every callback template a rule for the push domain and app name binds (rules for all apps included), in
 * template-id order; the stack's template when no rule applies (live.callback-rule reports that).
 */
export async function boundTemplates(ctx: CheckContext): Promise<BoundTemplate[]> {
  const applicable = applicableRules(await callbackRules(ctx), ctx.outputs.push_domain, ctx.outputs.app_name);
  const ids = [...new Set(applicable.map((r) => Number(r.TemplateId)))].sort((a, b) => a - b);
  if (!ids.length) ids.push(Number(ctx.outputs.callback_template_id));
  return Promise.all(ids.map(async (templateId) => ({ templateId, template: await callbackTemplate(ctx, templateId) })));
}

function callbackTemplate(ctx: CheckContext, templateId: number): Promise<CallbackTemplate | null> {
  return ctx.shared(`live.callback-template.${templateId}`, async ({ api }) => {
    try {
      const r = await api.request<{ Template?: CallbackTemplate }>("live", "DescribeLiveCallbackTemplate", { TemplateId: templateId });
      return r.Template ?? null;
    } catch (err) {
      if (isCloudError(err, "not-found")) return null;
      throw err;
    }
  });
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
