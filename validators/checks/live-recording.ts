/**
 * Live recording control: a recording template with a video format is bound to the push domain (no recording, no
 * recording callback, no replay row).
 */
import type { Control } from "../types";
import { Evidence, LiveRule, applicableRules, fail, isCloudError, pass, ruleEvidence, ruleLabel, sameDomain, warn } from "./support";

export const liveRecordRule: Control = {
  id: "live.record-rule",
  severity: "critical",
  title: { zh: "录制模板已关联推流域名", en: "Recording template is bound to the push domain" },
  description: {
    zh: "DescribeLiveRecordRules 中适用于推流域名和 AppName 的规则（含 AppName 为空、对所有 App 生效的规则，域名不区分大小写）都绑定本栈的录制模板，且它启用了至少一种视频格式；没有录制就没有录制回调，也就没有回看记录。",
    en: "Every DescribeLiveRecordRules rule that applies to the push domain and app name (rules with an empty AppName apply to all apps; domains match in any letter case) binds the stack's recording template, which enables a video format; no recording means no recording callback and no replay row.",
  },
  faqItem: { zh: "回看列表拉取失败 › 录制模板", en: "Replay list fails › recording template" },
  faqKeyword: null,
  remediation: {
    zh: "在推流域名的【模板配置】中关联录制模板（启用 HLS、MP4 或 FLV），或重新部署栈（LiveRecording）。",
    en: "Bind a recording template (HLS, MP4 or FLV enabled) under the push domain's Template Configuration, or redeploy the stack (LiveRecording).",
  },
  docUrl: "https://cloud.tencent.com/document/product/267/47026",
  prerequisites: [],

  async run(ctx) {
    const o = ctx.outputs;
    const stackTid = Number(o.record_template_id);
    const r = await ctx.api.request<{ Rules?: RecordRule[] }>("live", "DescribeLiveRecordRules", {});
    const rules = r.Rules ?? [];
    const evidence: Evidence = {
      pushDomain: o.push_domain,
      appName: o.app_name,
      stackTemplateId: stackTid,
      rules: rules.map((x) => ({ ...ruleEvidence(x), streamName: x.StreamName ?? "" })),
    };
    // Every rule for the push domain (any letter case) and the app name or all apps applies, whatever the order.
    const applicable = applicableRules(rules, o.push_domain, o.app_name);
    if (applicable.length === 0) {
      const onPlay = rules.find((x) => sameDomain(x.DomainName, o.play_domain));
      if (onPlay) {
        return fail(
          `录制模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上；录制只对推流域名生效，推流域名 ${o.push_domain}（AppName ${o.app_name}）没有录制规则。`,
          `Recording template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; recording works on the push domain only, and the push domain ${o.push_domain} (app name ${o.app_name}) has no recording rule.`,
          evidence,
          {
            remediation: {
              zh: `删除播放域名上的录制规则（DeleteLiveRecordRule ${o.play_domain}），把录制模板 ${stackTid} 关联到推流域名 ${o.push_domain}（AppName ${o.app_name}），或重新部署栈。`,
              en: `Delete the recording rule on the play domain (DeleteLiveRecordRule ${o.play_domain}) and bind recording template ${stackTid} to the push domain ${o.push_domain} (app name ${o.app_name}), or redeploy the stack.`,
            },
          },
        );
      }
      return fail(
        `推流域名 ${o.push_domain}（AppName ${o.app_name}）没有关联录制模板：直播不会被录制，也就没有录制回调和回看记录。`,
        `No recording template is bound to the push domain ${o.push_domain} (app name ${o.app_name}): streams are not recorded, so no recording callback and no replay row.`,
        evidence,
      );
    }
    const label = (x: RecordRule, lang: "zh" | "en") => `${ruleLabel(x)[lang]}${x.StreamName ? `/${x.StreamName}` : ""}`;
    const foreign = sortRecordRules(applicable.filter((x) => Number(x.TemplateId) !== stackTid));
    evidence.applicableRules = applicable.map((x) => ({ ...ruleEvidence(x), streamName: x.StreamName ?? "" }));
    if (foreign.length) {
      const list = (lang: "zh" | "en") => foreign.map((x) => `${label(x, lang)} → ${lang === "zh" ? "模板" : "template"} ${x.TemplateId}`).join(lang === "zh" ? "、" : ", ");
      return fail(
        `适用于推流域名 ${o.push_domain}（AppName ${o.app_name}）的录制规则绑定了其他录制模板（${list("zh")}），不是本栈的模板 ${stackTid}：录制按那个模板进行（格式、回调可能都不对）。`,
        `A recording rule that applies to the push domain ${o.push_domain} (app name ${o.app_name}) binds another recording template (${list("en")}), not the stack's template ${stackTid}: streams are recorded by that template (formats and callbacks may differ).`,
        evidence,
        {
          remediation: {
            zh: `删除这些录制规则（DeleteLiveRecordRule：${foreign.map((x) => label(x, "zh")).join("、")}），保留本栈模板 ${stackTid} 的规则（或重新部署栈）。`,
            en: `Delete those recording rules (DeleteLiveRecordRule: ${foreign.map((x) => label(x, "en")).join(", ")}) and keep the rule for the stack's template ${stackTid} (or redeploy the stack).`,
          },
        },
      );
    }
    let template: RecordTemplate | null = null;
    try {
      const t = await ctx.api.request<{ Template?: RecordTemplate }>("live", "DescribeLiveRecordTemplate", { TemplateId: stackTid });
      template = t.Template ?? null;
    } catch (err) {
      if (!isCloudError(err, "not-found")) throw err;
    }
    evidence.templateId = stackTid;
    if (!template) {
      return fail(`推流域名绑定的录制模板 ${stackTid} 不存在。`, `The recording template ${stackTid} bound to the push domain does not exist.`, evidence);
    }
    const enabled = enabledFormats(template);
    evidence.formats = enabled;
    if (enabled.length === 0) {
      return fail(
        `推流域名绑定的录制模板 ${stackTid} 没有启用任何格式（HLS/MP4/FLV）：不会产生录制文件。`,
        `Recording template ${stackTid} bound to the push domain enables no format (HLS/MP4/FLV): nothing is recorded.`,
        evidence,
      );
    }
    if (!enabled.some((f) => f === "hls" || f === "mp4" || f === "flv")) {
      return warn(
        `录制模板 ${stackTid} 只启用了音频格式（${enabled.join(", ")}）：回看只有音频。`,
        `Recording template ${stackTid} enables audio formats only (${enabled.join(", ")}): replays have no video.`,
        evidence,
      );
    }
    const whole = applicable.filter((x) => !x.StreamName);
    if (whole.length === 0) {
      const streams = [...new Set(applicable.map((x) => x.StreamName))].sort().join(", ");
      return warn(
        `录制规则只覆盖流 ${streams}：其他主播的直播不会被录制。`,
        `The recording rules cover stream(s) ${streams} only: other streamers are not recorded.`,
        evidence,
      );
    }
    const apps = [...new Set(whole.map((x) => (x.AppName ?? "").trim()))].sort();
    return pass(
      `录制模板 ${stackTid}（${enabled.join(", ")}）已绑定到推流域名 ${o.push_domain}，AppName ${apps.map((a) => a || "(全部)").join("、")}。`,
      `Recording template ${stackTid} (${enabled.join(", ")}) is bound to push domain ${o.push_domain}, app name ${apps.map((a) => a || "(all)").join(", ")}.`,
      evidence,
    );
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface RecordRule extends LiveRule {
  StreamName?: string;
}

type RecordTemplate = Record<string, unknown> & { TemplateId?: number };

function sortRecordRules(rules: RecordRule[]): RecordRule[] {
  const k = (r: RecordRule) => `${(r.DomainName ?? "").toLowerCase()}\u0000${r.AppName ?? ""}\u0000${r.StreamName ?? ""}\u0000${String(r.TemplateId ?? "").padStart(12, "0")}`;
  return [...rules].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

const FORMATS = ["Flv", "Hls", "Mp4", "Aac", "Mp3"] as const;

/** Lower-case names of the formats a template enables (`<Format>Param.Enable` = 1). */
function enabledFormats(template: RecordTemplate): string[] {
  return FORMATS.filter((f) => Number((template[`${f}Param`] as { Enable?: number | string } | undefined)?.Enable ?? 0) === 1).map((f) =>
    f.toLowerCase(),
  );
}
