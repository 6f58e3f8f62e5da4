/** Live (CSS): domains, callback and record templates (one id sequence, as the API shares it), rule attachments. */
import type { CallbackTemplate, RecordTemplate } from "../state";
import { newCallbackTemplate, newDomain } from "../live";
import type { BuilderTable } from "./types";
import { Obj, asArray, camel, camelKeys, firstBlock, num } from "./values";

const TEMPLATE_IDS = "css-template";
const FIRST_TEMPLATE_ID = 10000;

/** Domains, templates, then the rules attaching templates to domains. */
export const LIVE: BuilderTable = {
  tencentcloud_css_domain: {
    computed: (a) => ({ id: a.domain_name }),
    build: (a, _b, ctx) => {
      const type = num(a.domain_type, 0) === 1 ? 1 : 0;
      ctx.state.live.domains.push(
        newDomain(String(a.domain_name), type, {
          playType: num(a.play_type, 1), isDelayLive: num(a.is_delay_live, 0), isMiniProgramLive: num(a.is_mini_program_live, 0),
          createTime: ctx.created,
        }),
      );
    },
  },
  tencentcloud_css_callback_template: {
    computed: (_a, _b, ctx) => ({ id: String(ctx.nextId(TEMPLATE_IDS, FIRST_TEMPLATE_ID)) }),
    build: (a, _b, ctx) => {
      const fields = camelKeys(a) as Partial<CallbackTemplate> & Obj;
      delete fields.id;
      ctx.state.live.callbackTemplates.push(
        newCallbackTemplate(Number(a.id), { ...fields, templateName: String(a.template_name), recordExceptionLevels: asArray(a.record_exception_levels as string[]) }),
      );
    },
  },
  tencentcloud_css_record_template: {
    computed: (_a, _b, ctx) => ({ id: String(ctx.nextId(TEMPLATE_IDS, FIRST_TEMPLATE_ID)) }),
    build: (a, _b, ctx) => {
      const param = (k: string) => camelKeys(firstBlock(a[k]));
      const t: RecordTemplate = {
        templateId: Number(a.id), templateName: String(a.template_name), description: String(a.description ?? ""),
        isDelayLive: num(a.is_delay_live, 0), removeWatermark: a.remove_watermark === true, cosStore: num(a.cos_store, 0),
      };
      for (const k of ["flv_param", "hls_param", "mp4_param", "aac_param", "mp3_param"] as const) {
        const p = param(k);
        if (p) (t as unknown as Obj)[camel(k)] = p;
      }
      const hls = camelKeys(firstBlock(a.hls_special_param));
      if (hls) t.hlsSpecialParam = hls as RecordTemplate["hlsSpecialParam"];
      const flv = camelKeys(firstBlock(a.flv_special_param));
      if (flv) t.flvSpecialParam = flv as RecordTemplate["flvSpecialParam"];
      ctx.state.live.recordTemplates.push(t);
    },
  },
  tencentcloud_css_callback_rule_attachment: {
    computed: (a) => ({ id: `${a.template_id}#${a.domain_name}#${a.app_name}` }),
    build: (a, _b, ctx) => {
      ctx.state.live.callbackRules.push({
        domainName: String(a.domain_name), appName: String(a.app_name ?? "live"), templateId: Number(a.template_id), createTime: ctx.created, updateTime: ctx.created,
      });
    },
  },
  tencentcloud_css_record_rule_attachment: {
    computed: (a) => ({ id: `${a.template_id}#${a.domain_name}` }),
    build: (a, _b, ctx) => {
      ctx.state.live.recordRules.push({
        domainName: String(a.domain_name), appName: String(a.app_name ?? ""), streamName: String(a.stream_name ?? ""),
        templateId: Number(a.template_id), createTime: ctx.created, updateTime: ctx.created,
      });
    },
  },
};
