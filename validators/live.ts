/**
 * Live (CSS) checks: callback rule, callback URL, callback key, callback reachability (opt-in), record rule.
 * Plain async functions over the Live 2018-08-01 API; no printing; the callback key is never put anywhere.
 */
import { createHash, timingSafeEqual } from "crypto";
import * as http from "http";
import * as https from "https";
import { CloudError } from "./clients";
import type { CheckContext, Verdict } from "./types";
import { msg } from "./types";

interface CallbackRule {
  DomainName?: string;
  AppName?: string;
  TemplateId?: number | string;
  CreateTime?: string;
  UpdateTime?: string;
}

interface CallbackTemplate {
  TemplateId?: number;
  TemplateName?: string;
  RecordNotifyUrl?: string;
  CallbackKey?: string;
}

interface RecordRule extends CallbackRule {
  StreamName?: string;
}

const FORMATS = ["Flv", "Hls", "Mp4", "Aac", "Mp3"] as const;

const same = (a: string | undefined, b: string | undefined) => (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

function callbackRules(ctx: CheckContext): Promise<CallbackRule[]> {
  return ctx.shared("live.callback-rules", async ({ api }) => {
    const r = await api.request<{ Rules?: CallbackRule[] }>("live", "DescribeLiveCallbackRules", {});
    return r.Rules ?? [];
  });
}

/** The rule on the push domain + app name, if any. */
function boundRule(ctx: CheckContext, rules: CallbackRule[]): CallbackRule | undefined {
  return rules.find((r) => same(r.DomainName, ctx.outputs.push_domain) && (r.AppName ?? "") === ctx.outputs.app_name);
}

/** The template the push-domain rule binds (falls back to the stack's template id when there is no rule). */
async function boundTemplate(ctx: CheckContext): Promise<{ template: CallbackTemplate | null; templateId: number }> {
  const rules = await callbackRules(ctx);
  const rule = boundRule(ctx, rules);
  const templateId = Number(rule?.TemplateId ?? ctx.outputs.callback_template_id);
  const template = await ctx.shared(`live.callback-template.${templateId}`, async ({ api }) => {
    try {
      const r = await api.request<{ Template?: CallbackTemplate }>("live", "DescribeLiveCallbackTemplate", { TemplateId: templateId });
      return r.Template ?? null;
    } catch (err) {
      if (err instanceof CloudError && err.kind === "not-found") return null;
      throw err;
    }
  });
  return { template, templateId };
}

function ruleEvidence(r: CallbackRule): Record<string, unknown> {
  return { domain: r.DomainName ?? null, appName: r.AppName ?? null, templateId: r.TemplateId ?? null };
}

export async function checkCallbackRule(ctx: CheckContext): Promise<Verdict> {
  const o = ctx.outputs;
  const rules = await callbackRules(ctx);
  const evidence: Record<string, unknown> = {
    pushDomain: o.push_domain,
    playDomain: o.play_domain,
    appName: o.app_name,
    stackTemplateId: Number(o.callback_template_id),
    rules: rules.map(ruleEvidence),
  };
  const rule = boundRule(ctx, rules);
  if (rule) {
    if (Number(rule.TemplateId) !== Number(o.callback_template_id)) {
      return {
        status: "fail",
        message: msg(
          `推流域名 ${o.push_domain}/${o.app_name} 绑定的是回调模板 ${rule.TemplateId}，不是本栈的模板 ${o.callback_template_id}。`,
          `The push domain ${o.push_domain}/${o.app_name} is bound to callback template ${rule.TemplateId}, not the stack's template ${o.callback_template_id}.`,
        ),
        evidence,
      };
    }
    return {
      status: "pass",
      message: msg(
        `回调模板 ${rule.TemplateId} 已绑定到推流域名 ${o.push_domain}，AppName ${o.app_name}。`,
        `Callback template ${rule.TemplateId} is bound to push domain ${o.push_domain}, app name ${o.app_name}.`,
      ),
      evidence,
    };
  }
  const onPlay = rules.find((r) => same(r.DomainName, o.play_domain));
  if (onPlay) {
    return {
      status: "fail",
      message: msg(
        `回调模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上，而回调只对推流域名生效：请改绑到推流域名 ${o.push_domain}（AppName ${o.app_name}）。`,
        `Callback template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; callbacks only fire for the push domain: bind it to ${o.push_domain} (app name ${o.app_name}) instead.`,
      ),
      remediation: msg(
        `删除播放域名上的回调规则（DeleteLiveCallbackRule ${o.play_domain}），在推流域名 ${o.push_domain} 上关联回调模板（或重新部署栈）。`,
        `Delete the rule on the play domain (DeleteLiveCallbackRule ${o.play_domain}) and bind the template to the push domain ${o.push_domain} (or redeploy the stack).`,
      ),
      evidence,
    };
  }
  const otherApp = rules.find((r) => same(r.DomainName, o.push_domain));
  if (otherApp) {
    return {
      status: "fail",
      message: msg(
        `推流域名 ${o.push_domain} 的回调规则绑定的 AppName 是 "${otherApp.AppName}"，而推流地址使用 "${o.app_name}"。`,
        `The push domain ${o.push_domain} has a callback rule for app name "${otherApp.AppName}", but pushes use "${o.app_name}".`,
      ),
      evidence,
    };
  }
  return {
    status: "fail",
    message: msg(
      `推流域名 ${o.push_domain}（AppName ${o.app_name}）没有关联任何回调模板：直播结束后后台收不到录制回调。`,
      `No callback template is bound to the push domain ${o.push_domain} (app name ${o.app_name}): the backend never hears about recordings.`,
    ),
    evidence,
  };
}

function normUrl(u: string): string {
  try {
    const x = new URL(u.trim());
    return x.href;
  } catch {
    return u.trim();
  }
}

export async function checkCallbackUrl(ctx: CheckContext): Promise<Verdict> {
  const { template, templateId } = await boundTemplate(ctx);
  const expected = ctx.outputs.callback_url;
  const evidence: Record<string, unknown> = { templateId, expected };
  if (!template) {
    return {
      status: "fail",
      message: msg(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`),
      evidence,
    };
  }
  const actual = template.RecordNotifyUrl ?? "";
  evidence.recordNotifyUrl = actual;
  if (!actual.trim()) {
    return {
      status: "fail",
      message: msg(
        `回调模板 ${templateId} 没有设置录制回调 URL：应为 ${expected}。`,
        `Callback template ${templateId} has no recording callback URL; it should be ${expected}.`,
      ),
      evidence,
    };
  }
  if (normUrl(actual) !== normUrl(expected)) {
    return {
      status: "fail",
      message: msg(
        `回调模板 ${templateId} 的录制回调 URL 是 ${actual}，应为 ${expected}。`,
        `Callback template ${templateId} sends recording callbacks to ${actual}; it should be ${expected}.`,
      ),
      evidence,
    };
  }
  if (!/\/callback\/tape_callback\.php$/.test(new URL(expected, "http://x").pathname)) {
    return {
      status: "warn",
      message: msg(
        `录制回调 URL 与栈输出一致，但路径不是后台的 /callback/tape_callback.php：${expected}。`,
        `The recording callback URL matches the stack output, but its path is not the backend's /callback/tape_callback.php: ${expected}.`,
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(`录制回调 URL 为 ${actual}。`, `Recording callbacks go to ${actual}.`),
    evidence,
  };
}

/** Constant-time equality of two secrets (through their hashes, so lengths leak nothing either). */
function secretEquals(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

export async function checkCallbackKey(ctx: CheckContext): Promise<Verdict> {
  const { template, templateId } = await boundTemplate(ctx);
  const evidence: Record<string, unknown> = { templateId };
  if (!template) {
    return { status: "fail", message: msg(`找不到回调模板 ${templateId}。`, `Callback template ${templateId} does not exist.`), evidence };
  }
  const key = template.CallbackKey ?? "";
  const apiKey = ctx.backend.apiKey;
  evidence.templateKeySet = key !== "";
  evidence.apiKeySet = apiKey !== "";
  if (!apiKey) {
    return {
      status: "fail",
      message: msg("OutDefine.php 的 API_KEY 为空：后台无法校验任何回调。", "API_KEY in OutDefine.php is empty: the backend cannot verify any callback."),
      evidence,
    };
  }
  if (!key) {
    return {
      status: "fail",
      message: msg(
        `回调模板 ${templateId} 没有设置回调密钥，而后台用 API_KEY 校验 sign：所有回调都会被拒绝。`,
        `Callback template ${templateId} has no callback key, while the backend checks sign against API_KEY: every callback is rejected.`,
      ),
      evidence,
    };
  }
  if (secretEquals(key, apiKey)) {
    return {
      status: "pass",
      message: msg(`回调模板 ${templateId} 的回调密钥与 API_KEY 一致。`, `Callback template ${templateId}'s key equals API_KEY.`),
      evidence,
    };
  }
  const stackKey = ctx.outputs.callback_key;
  if (stackKey !== undefined) evidence.apiKeyEqualsStackOutput = secretEquals(apiKey, stackKey);
  return {
    status: "fail",
    message: msg(
      `回调模板 ${templateId} 的回调密钥与 OutDefine.php 的 API_KEY 不一致（均未显示）：后台会以 check_sign error 拒绝每个录制回调。`,
      `Callback template ${templateId}'s key differs from API_KEY in OutDefine.php (neither shown): the backend rejects every recording callback with "check_sign error".`,
    ),
    evidence,
  };
}

interface PostResult {
  status: number;
  body: string;
}

function postJson(url: string, payload: unknown, timeoutMs: number, signal: AbortSignal): Promise<PostResult> {
  const u = new URL(url);
  const data = Buffer.from(JSON.stringify(payload));
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": data.length, "User-Agent": "live-infra-validate" },
        timeout: timeoutMs,
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          if (chunks.reduce((n, x) => n + x.length, 0) < 65536) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(data);
  });
}

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

export async function checkCallbackReachable(ctx: CheckContext): Promise<Verdict> {
  const { template } = await boundTemplate(ctx);
  const url = (template?.RecordNotifyUrl ?? "").trim() || ctx.outputs.callback_url;
  const key = template?.CallbackKey ?? "";
  const perRequest = Math.max(500, Math.floor(ctx.timeoutMs / 3));
  const evidence: Record<string, unknown> = { url, event_type: 1 };
  let good: PostResult;
  try {
    good = await postJson(url, probeEvent(ctx, key), perRequest, ctx.signal);
  } catch (err) {
    const code = (err as { code?: string }).code ?? "error";
    evidence.signed = { error: code };
    return {
      status: "fail",
      message: msg(`回调地址 ${url} 无应答（${code}）。`, `The callback URL ${url} does not answer (${code}).`),
      evidence,
    };
  }
  evidence.signed = { httpStatus: good.status, code: codeOf(good.body) ?? null };
  if (good.status !== 200 || codeOf(good.body) !== 0) {
    return {
      status: "fail",
      message: msg(
        `正确签名的事件得到 HTTP ${good.status}、code ${JSON.stringify(codeOf(good.body) ?? null)}，应为 HTTP 200 与 {"code":0}。`,
        `A correctly signed event got HTTP ${good.status}, code ${JSON.stringify(codeOf(good.body) ?? null)}; expected HTTP 200 and {"code":0}.`,
      ),
      evidence,
    };
  }
  const wrong = probeEvent(ctx, `${key}-wrong`);
  let bad: PostResult;
  try {
    bad = await postJson(url, wrong, perRequest, ctx.signal);
  } catch (err) {
    // Dropping a wrongly signed callback is a refusal too.
    const code = (err as { code?: string }).code ?? "error";
    evidence.wronglySigned = { error: code };
    bad = { status: 0, body: "" };
  }
  if (!evidence.wronglySigned) evidence.wronglySigned = { httpStatus: bad.status, code: codeOf(bad.body) ?? null };
  if (bad.status === 200 && codeOf(bad.body) === 0) {
    return {
      status: "fail",
      message: msg(
        "错误签名的事件也得到了 {\"code\":0}：回调地址不校验签名，任何人都能伪造录制记录。",
        "A wrongly signed event got {\"code\":0} too: the endpoint does not check signatures, so anyone can forge recordings.",
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(
      `回调地址 ${url} 接受正确签名的事件（{"code":0}），拒绝错误签名的事件。`,
      `The callback URL ${url} accepts a correctly signed event ({"code":0}) and refuses a wrongly signed one.`,
    ),
    evidence,
  };
}

interface RecordParam {
  Enable?: number | string;
}
type RecordTemplate = Record<string, unknown> & { TemplateId?: number };

export async function checkRecordRule(ctx: CheckContext): Promise<Verdict> {
  const o = ctx.outputs;
  const r = await ctx.api.request<{ Rules?: RecordRule[] }>("live", "DescribeLiveRecordRules", {});
  const rules = r.Rules ?? [];
  const evidence: Record<string, unknown> = {
    pushDomain: o.push_domain,
    appName: o.app_name,
    stackTemplateId: Number(o.record_template_id),
    rules: rules.map((x) => ({ ...ruleEvidence(x), streamName: x.StreamName ?? "" })),
  };
  const onPush = rules.filter((x) => same(x.DomainName, o.push_domain) && ((x.AppName ?? "") === o.app_name || (x.AppName ?? "") === ""));
  if (onPush.length === 0) {
    const onPlay = rules.find((x) => same(x.DomainName, o.play_domain));
    if (onPlay) {
      return {
        status: "fail",
        message: msg(
          `录制模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上；录制只对推流域名生效：请绑定到 ${o.push_domain}（AppName ${o.app_name}）。`,
          `Recording template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; recording works on the push domain only: bind it to ${o.push_domain} (app name ${o.app_name}).`,
        ),
        evidence,
      };
    }
    return {
      status: "fail",
      message: msg(
        `推流域名 ${o.push_domain}（AppName ${o.app_name}）没有关联录制模板：直播不会被录制，也就没有录制回调和回看记录。`,
        `No recording template is bound to the push domain ${o.push_domain} (app name ${o.app_name}): streams are not recorded, so no recording callback and no replay row.`,
      ),
      evidence,
    };
  }
  // Prefer a rule covering every stream; a stream-specific rule records one stream only.
  const rule = onPush.find((x) => !x.StreamName) ?? onPush[0];
  const tid = Number(rule.TemplateId);
  let template: RecordTemplate | null = null;
  try {
    const t = await ctx.api.request<{ Template?: RecordTemplate }>("live", "DescribeLiveRecordTemplate", { TemplateId: tid });
    template = t.Template ?? null;
  } catch (err) {
    if (!(err instanceof CloudError && err.kind === "not-found")) throw err;
  }
  evidence.templateId = tid;
  if (!template) {
    return {
      status: "fail",
      message: msg(`推流域名绑定的录制模板 ${tid} 不存在。`, `The recording template ${tid} bound to the push domain does not exist.`),
      evidence,
    };
  }
  const enabled = FORMATS.filter((f) => Number((template![`${f}Param`] as RecordParam | undefined)?.Enable ?? 0) === 1).map((f) => f.toLowerCase());
  evidence.formats = enabled;
  if (enabled.length === 0) {
    return {
      status: "fail",
      message: msg(
        `推流域名绑定的录制模板 ${tid} 没有启用任何格式（HLS/MP4/FLV）：不会产生录制文件。`,
        `Recording template ${tid} bound to the push domain enables no format (HLS/MP4/FLV): nothing is recorded.`,
      ),
      evidence,
    };
  }
  if (!enabled.some((f) => f === "hls" || f === "mp4" || f === "flv")) {
    return {
      status: "warn",
      message: msg(
        `录制模板 ${tid} 只启用了音频格式（${enabled.join(", ")}）：回看只有音频。`,
        `Recording template ${tid} enables audio formats only (${enabled.join(", ")}): replays have no video.`,
      ),
      evidence,
    };
  }
  if (rule.StreamName) {
    return {
      status: "warn",
      message: msg(
        `录制规则只覆盖流 ${rule.StreamName}：其他主播的直播不会被录制。`,
        `The recording rule covers stream ${rule.StreamName} only: other streamers are not recorded.`,
      ),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(
      `录制模板 ${tid}（${enabled.join(", ")}）已绑定到推流域名 ${o.push_domain}，AppName ${rule.AppName || "(全部)"}。`,
      `Recording template ${tid} (${enabled.join(", ")}) is bound to push domain ${o.push_domain}, app name ${rule.AppName || "(all)"}.`,
    ),
    evidence,
  };
}

interface DomainInfo {
  Name?: string;
  Type?: number;
  Status?: number;
  TargetDomain?: string;
  CurrentCName?: string;
}

/** Push and play domains exist in the account, have the right type and are enabled. */
export async function checkDomains(ctx: CheckContext): Promise<Verdict> {
  const o = ctx.outputs;
  const wanted = [
    { role: "push" as const, name: o.push_domain, type: 0 },
    { role: "play" as const, name: o.play_domain, type: 1 },
  ];
  const evidence: Record<string, unknown> = {};
  const problems: { zh: string; en: string }[] = [];
  await Promise.all(
    wanted.map(async (w) => {
      let info: DomainInfo | null = null;
      try {
        const r = await ctx.api.request<{ DomainInfo?: DomainInfo }>("live", "DescribeLiveDomain", { DomainName: w.name });
        info = r.DomainInfo ?? null;
      } catch (err) {
        if (!(err instanceof CloudError && err.kind === "not-found")) throw err;
      }
      const zhRole = w.role === "push" ? "推流" : "播放";
      if (!info) {
        evidence[w.role] = { name: w.name, exists: false };
        problems.push(msg(`${zhRole}域名 ${w.name} 不存在`, `the ${w.role} domain ${w.name} does not exist`));
        return;
      }
      evidence[w.role] = { name: w.name, exists: true, type: info.Type ?? null, status: info.Status ?? null, cname: info.TargetDomain ?? null };
      if (Number(info.Type) !== w.type) {
        problems.push(msg(`${w.name} 不是${zhRole}域名（类型 ${info.Type}）`, `${w.name} is not a ${w.role} domain (type ${info.Type})`));
      }
      if (Number(info.Status) !== 1) {
        problems.push(msg(`${zhRole}域名 ${w.name} 已停用`, `the ${w.role} domain ${w.name} is disabled`));
      }
    }),
  );
  if (problems.length) {
    return {
      status: "fail",
      message: msg(`直播域名有问题：${problems.map((p) => p.zh).join("；")}。`, `Live domains are not usable: ${problems.map((p) => p.en).join("; ")}.`),
      evidence,
    };
  }
  return {
    status: "pass",
    message: msg(
      `推流域名 ${o.push_domain} 与播放域名 ${o.play_domain} 均已添加并启用。`,
      `Push domain ${o.push_domain} and play domain ${o.play_domain} exist and are enabled.`,
    ),
    evidence,
  };
}
