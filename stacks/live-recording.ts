/**
 * LiveRecording: the CSS record template (the configured formats enabled) and its rule on the push domain and app
 * name. Without recording there is no record callback and so no tb_vod row (no replay list).
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { CssRecordRuleAttachment } from "../.gen/providers/tencentcloud/css-record-rule-attachment";
import { CssRecordTemplate, type CssRecordTemplateConfig } from "../.gen/providers/tencentcloud/css-record-template";

export type RecordingFormat = "hls" | "mp4" | "flv" | "aac" | "mp3";

export interface LiveRecordingProps {
  /** Template name prefix (`<prefix>-recording`). */
  readonly namePrefix: string;
  /** The push domain the rule binds to (normally `LiveDomains.pushDomainName`). */
  readonly pushDomain: string;
  /** Live app name. Default: "live". */
  readonly appName?: string;
  /** Formats to record; at least one. */
  readonly formats: readonly RecordingFormat[];
  /** Seconds per recorded file (record_interval). Default: 1800. */
  readonly recordIntervalSeconds?: number;
  /** Days recordings are kept in VOD; 0 = forever. Default: 0. */
  readonly storageDays?: number;
}

const PARAM_KEY: Record<RecordingFormat, keyof CssRecordTemplateConfig> = {
  hls: "hlsParam",
  mp4: "mp4Param",
  flv: "flvParam",
  aac: "aacParam",
  mp3: "mp3Param",
};

export class LiveRecording extends Construct {
  readonly template: CssRecordTemplate;
  readonly rule: CssRecordRuleAttachment;
  /** Template id (string token). */
  readonly templateId: string;

  constructor(scope: Construct, id: string, props: LiveRecordingProps) {
    super(scope, id);
    if (!props.formats.length) throw new Error("LiveRecording: props.formats must name at least one format");
    for (const f of props.formats) {
      if (!(f in PARAM_KEY)) throw new Error(`LiveRecording: props.formats has unknown format "${f}" (allowed: ${Object.keys(PARAM_KEY).join(", ")})`);
    }
    const interval = props.recordIntervalSeconds ?? 1800;
    const storageDays = props.storageDays ?? 0;
    if (!Number.isInteger(storageDays) || storageDays < 0) throw new Error(`LiveRecording: props.storageDays must be a whole number ≥ 0 (got ${storageDays})`);
    const params: Partial<Record<keyof CssRecordTemplateConfig, unknown>> = {};
    for (const f of new Set(props.formats)) {
      params[PARAM_KEY[f]] = { enable: 1, recordInterval: interval, storageTime: storageDays * 86400 };
    }
    this.template = new CssRecordTemplate(this, "template", {
      templateName: `${props.namePrefix}-recording`,
      description: `live-demo: record ${[...new Set(props.formats)].join(", ")}`,
      isDelayLive: 0,
      ...(params as Partial<CssRecordTemplateConfig>),
    });
    this.template.overrideLogicalId("recording");
    this.templateId = this.template.id;
    this.rule = new CssRecordRuleAttachment(this, "rule", {
      domainName: props.pushDomain,
      appName: props.appName ?? "live",
      templateId: Token.asNumber(this.template.id),
    });
    this.rule.overrideLogicalId("recording");
  }
}
