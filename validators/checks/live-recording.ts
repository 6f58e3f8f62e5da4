/**
 * Live recording control: a recording template with a video format is bound to the push domain (no recording, no
 * recording callback, no replay row).
 */
import type { Control } from "../types";
import { Evidence, LiveRule, fail, isCloudError, pass, ruleEvidence, sameDomain, warn } from "./support";

export const liveRecordRule: Control = {
  id: "live.record-rule",
  severity: "critical",
  title: { zh: "录制模板已关联推流域名", en: "Recording template is bound to the push domain" },
  description: {
    zh: "DescribeLiveRecordRules 中有规则把启用了至少一种格式的录制模板绑定到推流域名和 AppName；没有录制就没有录制回调，也就没有回看记录。",
    en: "DescribeLiveRecordRules has a rule binding a recording template with at least one format enabled to the push domain and app name; no recording means no recording callback and no replay row.",
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
    const r = await ctx.api.request<{ Rules?: RecordRule[] }>("live", "DescribeLiveRecordRules", {});
    const rules = r.Rules ?? [];
    const evidence: Evidence = {
      pushDomain: o.push_domain,
      appName: o.app_name,
      stackTemplateId: Number(o.record_template_id),
      rules: rules.map((x) => ({ ...ruleEvidence(x), streamName: x.StreamName ?? "" })),
    };
    const onPush = rules.filter((x) => sameDomain(x.DomainName, o.push_domain) && ((x.AppName ?? "") === o.app_name || (x.AppName ?? "") === ""));
    if (onPush.length === 0) {
      const onPlay = rules.find((x) => sameDomain(x.DomainName, o.play_domain));
      if (onPlay) {
        return fail(
          `录制模板 ${onPlay.TemplateId} 绑定在播放域名 ${o.play_domain} 上；录制只对推流域名生效：请绑定到 ${o.push_domain}（AppName ${o.app_name}）。`,
          `Recording template ${onPlay.TemplateId} is bound to the PLAY domain ${o.play_domain}; recording works on the push domain only: bind it to ${o.push_domain} (app name ${o.app_name}).`,
          evidence,
        );
      }
      return fail(
        `推流域名 ${o.push_domain}（AppName ${o.app_name}）没有关联录制模板：直播不会被录制，也就没有录制回调和回看记录。`,
        `No recording template is bound to the push domain ${o.push_domain} (app name ${o.app_name}): streams are not recorded, so no recording callback and no replay row.`,
        evidence,
      );
    }
    // Prefer a rule covering every stream; a stream-specific rule records one stream only.
    const rule = onPush.find((x) => !x.StreamName) ?? onPush[0];
    const tid = Number(rule.TemplateId);
    let template: RecordTemplate | null = null;
    try {
      const t = await ctx.api.request<{ Template?: RecordTemplate }>("live", "DescribeLiveRecordTemplate", { TemplateId: tid });
      template = t.Template ?? null;
    } catch (err) {
      if (!isCloudError(err, "not-found")) throw err;
    }
    evidence.templateId = tid;
    if (!template) {
      return fail(`推流域名绑定的录制模板 ${tid} 不存在。`, `The recording template ${tid} bound to the push domain does not exist.`, evidence);
    }
    const enabled = enabledFormats(template);
    evidence.formats = enabled;
    if (enabled.length === 0) {
      return fail(
        `推流域名绑定的录制模板 ${tid} 没有启用任何格式（HLS/MP4/FLV）：不会产生录制文件。`,
        `Recording template ${tid} bound to the push domain enables no format (HLS/MP4/FLV): nothing is recorded.`,
        evidence,
      );
    }
    if (!enabled.some((f) => f === "hls" || f === "mp4" || f === "flv")) {
      return warn(
        `录制模板 ${tid} 只启用了音频格式（${enabled.join(", ")}）：回看只有音频。`,
        `Recording template ${tid} enables audio formats only (${enabled.join(", ")}): replays have no video.`,
        evidence,
      );
    }
    if (rule.StreamName) {
      return warn(
        `录制规则只覆盖流 ${rule.StreamName}：其他主播的直播不会被录制。`,
        `The recording rule covers stream ${rule.StreamName} only: other streamers are not recorded.`,
        evidence,
      );
    }
    return pass(
      `录制模板 ${tid}（${enabled.join(", ")}）已绑定到推流域名 ${o.push_domain}，AppName ${rule.AppName || "(全部)"}。`,
      `Recording template ${tid} (${enabled.join(", ")}) is bound to push domain ${o.push_domain}, app name ${rule.AppName || "(all)"}.`,
      evidence,
    );
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface RecordRule extends LiveRule {
  StreamName?: string;
}

type RecordTemplate = Record<string, unknown> & { TemplateId?: number };

const FORMATS = ["Flv", "Hls", "Mp4", "Aac", "Mp3"] as const;

/** Lower-case names of the formats a template enables (`<Format>Param.Enable` = 1). */
function enabledFormats(template: RecordTemplate): string[] {
  return FORMATS.filter((f) => Number((template[`${f}Param`] as { Enable?: number | string } | undefined)?.Enable ?? 0) === 1).map((f) =>
    f.toLowerCase(),
  );
}
