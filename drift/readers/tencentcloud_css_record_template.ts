/**
 * tencentcloud_css_record_template: DescribeLiveRecordTemplate. Each format block (hls, mp4, flv, aac, mp3) is
 * compared with Tencent's defaults filled in; a disabled format reads as no block, so a format enabled behind
 * Terraform's back shows up against an undeclared (empty) one.
 */
import type { AttributeSpec, Reader } from "../types";
import { knownText, oneBlock } from "./support";

type Obj = Record<string, unknown>;

/** Terraform block → RecordTemplateInfo field. */
const FORMATS: Record<string, string> = { hls_param: "HlsParam", mp4_param: "Mp4Param", flv_param: "FlvParam", aac_param: "AacParam", mp3_param: "Mp3Param" };

/** What an unset RecordParam field reads as (DescribeLiveRecordTemplate answers every field). */
const PARAM_DEFAULTS: Obj = { enable: 0, record_interval: 1800, storage_time: 0, vod_sub_app_id: 0, vod_file_name: "", procedure: "", storage_mode: "normal", class_id: 0 };
const NUMERIC = new Set(["enable", "record_interval", "storage_time", "vod_sub_app_id", "class_id"]);

export function paramElement(b: Obj): Obj {
  const out: Obj = {};
  for (const [k, dflt] of Object.entries(PARAM_DEFAULTS)) {
    const v = b[k] ?? dflt;
    out[k] = NUMERIC.has(k) ? Number(v) : String(v);
  }
  return out;
}

const fromApi = (p: Obj | undefined): Obj[] => {
  if (!p || Number(p.Enable ?? 0) !== 1) return [];
  return [
    {
      enable: Number(p.Enable), record_interval: Number(p.RecordInterval ?? 1800), storage_time: Number(p.StorageTime ?? 0),
      vod_sub_app_id: Number(p.VodSubAppId ?? 0), vod_file_name: String(p.VodFileName ?? ""), procedure: String(p.Procedure ?? ""),
      storage_mode: String(p.StorageMode || "normal"), class_id: Number(p.ClassId ?? 0),
    },
  ];
};

export const reader: Reader = {
  type: "tencentcloud_css_record_template",
  service: "live",
  attributes: {
    template_name: { compare: "exact", from: "DescribeLiveRecordTemplate: Template.TemplateName" },
    description: { compare: "exact", from: "DescribeLiveRecordTemplate: Template.Description", expected: "" },
    is_delay_live: { compare: "number", from: "DescribeLiveRecordTemplate: Template.IsDelayLive", expected: 0 },
    remove_watermark: { compare: "bool", from: "DescribeLiveRecordTemplate: Template.RemoveWatermark", expected: false },
    ...Object.fromEntries(
      Object.entries(FORMATS).map(([attr, field]): [string, AttributeSpec] => [
        attr,
        {
          compare: "object-list",
          from: `DescribeLiveRecordTemplate: Template.${field} (Enable, RecordInterval, StorageTime, VodSubAppId, VodFileName, Procedure, StorageMode, ClassId)`,
          element: paramElement,
          expected: [],
        },
      ]),
    ),
    hls_special_param: {
      compare: "object-list",
      from: "DescribeLiveRecordTemplate: Template.HlsSpecialParam.FlowContinueDuration",
      element: (b) => ({ flow_continue_duration: Number(b.flow_continue_duration ?? 0) }),
      expected: [],
    },
    flv_special_param: {
      compare: "object-list",
      from: "DescribeLiveRecordTemplate: Template.FlvSpecialParam.UploadInRecording",
      element: (b) => ({ upload_in_recording: b.upload_in_recording === true || b.upload_in_recording === "true" }),
      expected: [],
    },
  },
  notComparable: {},

  identity: (d) => knownText(d, "id"),

  async read(ctx, _d, id) {
    const r = await ctx.api.request<{ Template?: Obj }>("live", "DescribeLiveRecordTemplate", { TemplateId: Number(id) });
    const t = r.Template;
    if (!t) return { exists: false };
    const hls = oneBlock(t.HlsSpecialParam);
    const flv = oneBlock(t.FlvSpecialParam);
    const attrs: Record<string, unknown> = {
      template_name: String(t.TemplateName ?? ""),
      description: String(t.Description ?? ""),
      is_delay_live: Number(t.IsDelayLive ?? 0),
      remove_watermark: t.RemoveWatermark === true,
      hls_special_param: Number(hls?.FlowContinueDuration ?? 0) ? [{ flow_continue_duration: Number(hls?.FlowContinueDuration) }] : [],
      flv_special_param: flv?.UploadInRecording === true ? [{ upload_in_recording: true }] : [],
    };
    for (const [attr, field] of Object.entries(FORMATS)) attrs[attr] = fromApi(t[field] as Obj | undefined);
    return { exists: true, id, attrs };
  },
};
