/**
 * Live (CSS) 2018-08-01: domains, callback templates/rules, recording templates/rules. Field lists follow the SDK
 * typings (live_models.d.ts); error codes follow the per-action lists of the Go SDK (reference §2.5, §9.3).
 * Where several codes are documented for one case the first listed is used; choices the docs leave open are
 * marked "unconfirmed", and codes chosen where the docs name none for the case are marked "silent".
 *
 * Rule keys: a callback rule is keyed by DomainName + AppName, a recording rule by DomainName + AppName +
 * StreamName (exact strings, omitted = ""). CreateLiveRecordRule on an existing key → FailedOperation.RuleAlreadyExist
 * (documented). CreateLiveCallbackRule on an existing key replaces the binding: its documented error list (Go SDK
 * live/v20180801 client.go; API page 267/30816) has no "already exists" code, unlike CreateLiveRecordRule's
 * (unconfirmed).
 */
import { ActionContext, ApiError, ServiceDef, Spec, fromApi, toApi } from "./api-types";
import { CallbackTemplate, LiveDomain, RecordTemplate, State, beijingTime } from "./state";

/** Callback and recording templates an account may hold, each (Tencent Cloud answers InternalError.ConfOutLimit). */
export const TEMPLATE_LIMIT = 50;
const DOMAIN_LIMIT = 100;

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/i;
const TEMPLATE_NAME_RE = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;

/** Next free numeric template id (shared by both template kinds, as on the real service ids never collide). */
export function nextTemplateId(state: State): number {
  const ids = [...state.live.callbackTemplates, ...state.live.recordTemplates].map((t) => t.templateId);
  return Math.max(10000, ...ids) + 1;
}

export function targetDomainFor(name: string, type: 0 | 1): string {
  return type === 0 ? `${name}.tlivepush.com` : `${name}.liveplay.myqcloud.com`;
}

/** A domain as the state stores it, with the defaults AddLiveDomain applies. */
export function newDomain(name: string, type: 0 | 1, opts: Partial<LiveDomain> = {}): LiveDomain {
  const target = targetDomainFor(name, type);
  return {
    name, type, status: 1, playType: 1, isDelayLive: 0, isMiniProgramLive: 0,
    createTime: beijingTime(), targetDomain: target, currentCName: `${target}.`, ...opts,
  };
}

function domainInfo(d: LiveDomain) {
  return {
    Name: d.name, Type: d.type, Status: d.status, CreateTime: d.createTime, BCName: 1, TargetDomain: d.targetDomain,
    PlayType: d.playType, IsDelayLive: d.isDelayLive, CurrentCName: d.currentCName, RentTag: 0,
    RentExpireTime: "0000-00-00 00:00:00", IsMiniProgramLive: d.isMiniProgramLive,
  };
}

function requireDomain(state: State, name: string, code = "ResourceNotFound.DomainNotExist"): LiveDomain {
  const d = state.live.domains.find((x) => x.name === name);
  if (!d) throw new ApiError(code, `The domain ${name} does not exist or does not match.`);
  return d;
}

function checkDomainFormat(name: string): void {
  if (!DOMAIN_RE.test(name)) throw new ApiError("InvalidParameter.DomainFormatError", `The domain ${name} is not a valid domain name.`);
}

function checkTemplateName(name: string | undefined, required: boolean): void {
  if (name === undefined && !required) return;
  if (!name || Buffer.byteLength(name) > 255 || !TEMPLATE_NAME_RE.test(name)) {
    throw new ApiError("InvalidParameter.ArgsNotMatch", "TemplateName must be 1-255 bytes of Chinese characters, letters, digits, _ and -.");
  }
}

function checkDescription(d: string | undefined): void {
  if (d !== undefined && Buffer.byteLength(d) > 1024) throw new ApiError("InvalidParameter.ArgsNotMatch", "Description must be at most 1024 bytes.");
}

function confNotFound(id: number): ApiError {
  return new ApiError("InternalError.ConfNotFound", `The template ${id} does not exist.`);
}

// ---------------------------------------------------------------------------------------------------------------
// Callback templates

const CALLBACK_URLS = [
  "StreamBeginNotifyUrl", "StreamEndNotifyUrl", "RecordNotifyUrl", "RecordStatusNotifyUrl", "SnapshotNotifyUrl",
  "PornCensorshipNotifyUrl", "PushExceptionNotifyUrl", "AudioAuditNotifyUrl", "RecordExceptionNotifyUrl",
] as const;

const CALLBACK_FIELDS: Record<string, Spec> = {
  Description: "string",
  ...Object.fromEntries(CALLBACK_URLS.map((u) => [u, "string" as Spec])),
  CallbackKey: "string",
  RecordExceptionLevels: ["string"],
};

export function newCallbackTemplate(templateId: number, p: Partial<CallbackTemplate> & { templateName: string }): CallbackTemplate {
  const defaults: CallbackTemplate = {
    templateId, templateName: "", description: "",
    streamBeginNotifyUrl: "", streamEndNotifyUrl: "", streamMixNotifyUrl: "", recordNotifyUrl: "", recordStatusNotifyUrl: "",
    snapshotNotifyUrl: "", pornCensorshipNotifyUrl: "", callbackKey: "", pushExceptionNotifyUrl: "", audioAuditNotifyUrl: "",
    recordExceptionNotifyUrl: "", recordExceptionLevels: [],
  };
  return { ...defaults, ...p, templateId };
}

function callbackTemplateInfo(t: CallbackTemplate) {
  // RecordStatusNotifyUrl is accepted on Create/Modify but is not part of CallBackTemplateInfo.
  const { recordStatusNotifyUrl: _omit, ...rest } = t;
  return toApi(rest);
}

// ---------------------------------------------------------------------------------------------------------------
// Record templates

const RECORD_PARAM: Spec = {
  RecordInterval: "int", StorageTime: "int", Enable: "int", VodSubAppId: "int", VodFileName: "string", Procedure: "string",
  StorageMode: "string", ClassId: "int", CosBucketName: "string", CosBucketRegion: "string", CosBucketPath: "string",
};

const RECORD_FIELDS: Record<string, Spec> = {
  Description: "string",
  FlvParam: RECORD_PARAM, HlsParam: RECORD_PARAM, Mp4Param: RECORD_PARAM, AacParam: RECORD_PARAM, Mp3Param: RECORD_PARAM,
  HlsSpecialParam: { FlowContinueDuration: "int" },
  RemoveWatermark: "bool",
  FlvSpecialParam: { UploadInRecording: "bool" },
};

function checkRecordParams(p: Record<string, unknown>): void {
  for (const f of ["FlvParam", "HlsParam", "Mp4Param", "AacParam", "Mp3Param"]) {
    const rp = p[f] as Record<string, unknown> | undefined;
    if (!rp) continue;
    const interval = rp.RecordInterval as number | undefined;
    const max = f === "AacParam" || f === "Mp3Param" ? 7200 : 43200;
    if (interval !== undefined && f !== "HlsParam" && (interval < 60 || interval > max)) {
      throw new ApiError("InvalidParameterValue", `${f}.RecordInterval must be between 60 and ${max} seconds.`);
    }
    const st = rp.StorageTime as number | undefined;
    if (st !== undefined && (st < 0 || st > 1500 * 86400)) throw new ApiError("InvalidParameterValue", `${f}.StorageTime must be between 0 and 1500 days.`);
    const path = rp.CosBucketPath as string | undefined;
    if (path !== undefined && path !== "" && !path.startsWith("/")) throw new ApiError("InvalidParameterValue", `${f}.CosBucketPath must start with "/".`);
  }
  const hls = p.HlsSpecialParam as { FlowContinueDuration?: number } | undefined;
  if (hls?.FlowContinueDuration !== undefined && (hls.FlowContinueDuration < 0 || hls.FlowContinueDuration > 1800)) {
    throw new ApiError("InvalidParameterValue", "HlsSpecialParam.FlowContinueDuration must be between 0 and 1800.");
  }
}

/** What an unset RecordParam field reads as (the official DescribeLiveRecordTemplates example shows every field). */
const RECORD_PARAM_DEFAULTS = {
  RecordInterval: 1800, StorageTime: 0, Enable: 0, VodSubAppId: 0, VodFileName: "", Procedure: "", StorageMode: "normal",
  ClassId: 0, CosBucketName: "", CosBucketRegion: "", CosBucketPath: "",
};

/** RecordTemplateInfo as Tencent answers it: all five formats (disabled ones with Enable 0) and both special params. */
function recordTemplateInfo(t: RecordTemplate) {
  const info = toApi(t) as Record<string, Record<string, unknown> | unknown>;
  for (const f of ["FlvParam", "HlsParam", "Mp4Param", "AacParam", "Mp3Param"]) {
    info[f] = { ...RECORD_PARAM_DEFAULTS, ...(info[f] as object | undefined) };
  }
  info.HlsSpecialParam = { FlowContinueDuration: 0, ...(info.HlsSpecialParam as object | undefined) };
  info.FlvSpecialParam = { UploadInRecording: false, ...(info.FlvSpecialParam as object | undefined) };
  return info;
}

function templateInUse(state: State, id: number, kind: "callback" | "record"): boolean {
  const rules = kind === "callback" ? state.live.callbackRules : state.live.recordRules;
  return rules.some((r) => r.templateId === id);
}

// ---------------------------------------------------------------------------------------------------------------

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const LIVE: ServiceDef = {
  version: "2018-08-01",
  actions: {
    // ---- domains
    DescribeLiveDomains: {
      params: { DomainStatus: "int", DomainType: "int", PageSize: "int", PageNum: "int", IsDelayLive: "int", DomainPrefix: "string", PlayType: "int" },
      run(p: P, { state }: ActionContext) {
        const size = p.PageSize ?? 10;
        const num = p.PageNum ?? 1;
        if (size < 10 || size > 100) throw new ApiError("InvalidParameterValue", "PageSize must be between 10 and 100.");
        if (num < 1 || num > 100000) throw new ApiError("InvalidParameterValue", "PageNum must be between 1 and 100000.");
        const list = state.live.domains.filter(
          (d) =>
            (p.DomainStatus === undefined || d.status === p.DomainStatus) &&
            (p.DomainType === undefined || d.type === p.DomainType) &&
            (p.IsDelayLive === undefined || d.isDelayLive === p.IsDelayLive) &&
            (p.DomainPrefix === undefined || d.name.startsWith(p.DomainPrefix)) &&
            (p.PlayType === undefined || p.DomainType !== 1 || d.playType === p.PlayType),
        );
        const enabledPlay = state.live.domains.filter((d) => d.type === 1 && d.status === 1);
        return {
          AllCount: list.length,
          DomainList: list.slice((num - 1) * size, num * size).map(domainInfo),
          CreateLimitCount: Math.max(0, DOMAIN_LIMIT - state.live.domains.length),
          PlayTypeCount: [1, 2, 3].map((t) => enabledPlay.filter((d) => d.playType === t).length),
        };
      },
    },
    DescribeLiveDomain: {
      params: { "DomainName!": "string" },
      run: (p: P, { state }) => ({ DomainInfo: domainInfo(requireDomain(state, p.DomainName)) }),
    },
    AddLiveDomain: {
      params: { "DomainName!": "string", "DomainType!": "int", PlayType: "int", IsDelayLive: "int", IsMiniProgramLive: "int", VerifyOwnerType: "string" },
      run(p: P, { state }) {
        const name = String(p.DomainName).toLowerCase();
        if (!DOMAIN_RE.test(name)) throw new ApiError("InvalidParameter.DomainFormatError", `The domain ${p.DomainName} is not a valid domain name.`);
        if (p.DomainType !== 0 && p.DomainType !== 1) throw new ApiError("InvalidParameterValue", "DomainType must be 0 (push) or 1 (play).");
        if (p.PlayType !== undefined && ![1, 2, 3].includes(p.PlayType)) throw new ApiError("InvalidParameterValue", "PlayType must be 1, 2 or 3.");
        if (p.VerifyOwnerType !== undefined && !["dnsCheck", "fileCheck", "dbCheck"].includes(p.VerifyOwnerType)) {
          throw new ApiError("InvalidParameterValue", "VerifyOwnerType must be dnsCheck, fileCheck or dbCheck.");
        }
        if (state.live.domains.some((d) => d.name === name)) throw new ApiError("InvalidParameter.DomainAlreadyExist", `The domain ${name} has already been added.`);
        if (state.live.domains.length >= DOMAIN_LIMIT) throw new ApiError("FailedOperation.HostOutLimit", "The account already has 100 domains.");
        state.live.domains.push(
          newDomain(name, p.DomainType, { playType: p.PlayType ?? 1, isDelayLive: p.IsDelayLive ?? 0, isMiniProgramLive: p.IsMiniProgramLive ?? 0 }),
        );
        return {};
      },
    },
    DeleteLiveDomain: {
      params: { "DomainName!": "string", "DomainType!": "int" },
      run(p: P, { state }) {
        const d = requireDomain(state, p.DomainName);
        if (d.type !== p.DomainType) throw new ApiError("ResourceNotFound.DomainNotExist", `The domain ${p.DomainName} does not exist or does not match.`);
        state.live.domains = state.live.domains.filter((x) => x !== d);
        // Rules bound to the domain go with it (unconfirmed).
        state.live.callbackRules = state.live.callbackRules.filter((r) => r.domainName !== d.name);
        state.live.recordRules = state.live.recordRules.filter((r) => r.domainName !== d.name);
        return {};
      },
    },
    ModifyLivePlayDomain: {
      params: { "DomainName!": "string", "PlayType!": "int" },
      run(p: P, { state }) {
        const d = requireDomain(state, p.DomainName);
        if (d.type !== 1) throw new ApiError("ResourceNotFound.DomainNotExist", `${p.DomainName} is not a play domain.`);
        if (![1, 2, 3].includes(p.PlayType)) throw new ApiError("InvalidParameterValue", "PlayType must be 1, 2 or 3.");
        d.playType = p.PlayType;
        return {};
      },
    },
    // Enable/Forbid document plain `ResourceNotFound` for an unknown domain (no DomainNotExist sub-code).
    EnableLiveDomain: {
      params: { "DomainName!": "string" },
      run(p: P, { state }) {
        checkDomainFormat(p.DomainName);
        requireDomain(state, p.DomainName, "ResourceNotFound").status = 1;
        return {};
      },
    },
    ForbidLiveDomain: {
      params: { "DomainName!": "string" },
      run(p: P, { state }) {
        requireDomain(state, p.DomainName, "ResourceNotFound").status = 0;
        return {};
      },
    },

    // ---- callback templates
    DescribeLiveCallbackTemplates: {
      run: (_p: P, { state }) => ({ Templates: state.live.callbackTemplates.map(callbackTemplateInfo) }),
    },
    DescribeLiveCallbackTemplate: {
      params: { "TemplateId!": "int" },
      run(p: P, { state }) {
        const t = state.live.callbackTemplates.find((x) => x.templateId === p.TemplateId);
        if (!t) throw confNotFound(p.TemplateId);
        return { Template: callbackTemplateInfo(t) };
      },
    },
    CreateLiveCallbackTemplate: {
      params: { "TemplateName!": "string", ...CALLBACK_FIELDS, StreamMixNotifyUrl: "string" },
      run(p: P, { state }) {
        checkTemplateName(p.TemplateName, true);
        checkDescription(p.Description);
        if (!CALLBACK_URLS.some((u) => p[u]) && !p.StreamMixNotifyUrl) {
          throw new ApiError("InvalidParameter", "At least one callback URL must be given.");
        }
        if (state.live.callbackTemplates.length >= TEMPLATE_LIMIT) throw new ApiError("InternalError.ConfOutLimit", "The account already has 50 callback templates.");
        const id = nextTemplateId(state);
        state.live.callbackTemplates.push(newCallbackTemplate(id, fromApi(p) as CallbackTemplate));
        return { TemplateId: id };
      },
    },
    ModifyLiveCallbackTemplate: {
      params: { "TemplateId!": "int", TemplateName: "string", ...CALLBACK_FIELDS },
      run(p: P, { state }) {
        const t = state.live.callbackTemplates.find((x) => x.templateId === p.TemplateId);
        if (!t) throw confNotFound(p.TemplateId);
        checkTemplateName(p.TemplateName, false);
        checkDescription(p.Description);
        Object.assign(t, fromApi(p));
        return {};
      },
    },
    DeleteLiveCallbackTemplate: {
      params: { "TemplateId!": "int" },
      run(p: P, { state }) {
        if (!state.live.callbackTemplates.some((x) => x.templateId === p.TemplateId)) throw confNotFound(p.TemplateId);
        if (templateInUse(state, p.TemplateId, "callback")) {
          throw new ApiError("FailedOperation.ConfInUsed", `The template ${p.TemplateId} is still bound to a callback rule.`);
        }
        state.live.callbackTemplates = state.live.callbackTemplates.filter((x) => x.templateId !== p.TemplateId);
        return {};
      },
    },

    // ---- callback rules (keyed by DomainName + AppName)
    DescribeLiveCallbackRules: {
      run: (_p: P, { state }) => ({ Rules: toApi(state.live.callbackRules) }),
    },
    CreateLiveCallbackRule: {
      params: { "DomainName!": "string", "AppName!": "string", "TemplateId!": "int" },
      run(p: P, { state }) {
        checkDomainFormat(p.DomainName);
        if (!state.live.callbackTemplates.some((t) => t.templateId === p.TemplateId)) throw confNotFound(p.TemplateId);
        requireDomain(state, p.DomainName); // unconfirmed: the error list of this action names no domain error
        const now = beijingTime();
        const existing = state.live.callbackRules.find((r) => r.domainName === p.DomainName && r.appName === p.AppName);
        // Same key: the binding is replaced, CreateTime kept (see the header; unconfirmed).
        if (existing) Object.assign(existing, { templateId: p.TemplateId, updateTime: now });
        else state.live.callbackRules.push({ domainName: p.DomainName, appName: p.AppName, templateId: p.TemplateId, createTime: now, updateTime: now });
        return {};
      },
    },
    DeleteLiveCallbackRule: {
      params: { "DomainName!": "string", "AppName!": "string" },
      run(p: P, { state }) {
        const i = state.live.callbackRules.findIndex((r) => r.domainName === p.DomainName && r.appName === p.AppName);
        if (i < 0) throw new ApiError("FailedOperation.NotFound", `No callback rule for ${p.DomainName}/${p.AppName}.`);
        state.live.callbackRules.splice(i, 1);
        return {};
      },
    },

    // ---- record templates
    DescribeLiveRecordTemplates: {
      params: { IsDelayLive: "int" },
      run: (p: P, { state }) => ({
        Templates: state.live.recordTemplates.filter((t) => t.isDelayLive === (p.IsDelayLive ?? 0)).map(recordTemplateInfo),
      }),
    },
    DescribeLiveRecordTemplate: {
      params: { "TemplateId!": "int" },
      run(p: P, { state }) {
        const t = state.live.recordTemplates.find((x) => x.templateId === p.TemplateId);
        if (!t) throw confNotFound(p.TemplateId);
        return { Template: recordTemplateInfo(t) };
      },
    },
    CreateLiveRecordTemplate: {
      params: { "TemplateName!": "string", ...RECORD_FIELDS, IsDelayLive: "int", CosStore: "int" },
      run(p: P, { state }) {
        checkTemplateName(p.TemplateName, true);
        checkDescription(p.Description);
        checkRecordParams(p);
        if (state.live.recordTemplates.length >= TEMPLATE_LIMIT) throw new ApiError("InternalError.ConfOutLimit", "The account already has 50 recording templates.");
        const id = nextTemplateId(state);
        const defaults = { description: "", isDelayLive: 0, removeWatermark: false, cosStore: 0 };
        state.live.recordTemplates.push(Object.assign(defaults, fromApi(p) as Omit<RecordTemplate, "templateId">, { templateId: id }));
        return { TemplateId: id };
      },
    },
    ModifyLiveRecordTemplate: {
      params: { "TemplateId!": "int", TemplateName: "string", ...RECORD_FIELDS },
      run(p: P, { state }) {
        const t = state.live.recordTemplates.find((x) => x.templateId === p.TemplateId);
        if (!t) throw confNotFound(p.TemplateId);
        checkTemplateName(p.TemplateName, false);
        checkDescription(p.Description);
        checkRecordParams(p);
        Object.assign(t, fromApi(p));
        return {};
      },
    },
    DeleteLiveRecordTemplate: {
      params: { "TemplateId!": "int" },
      run(p: P, { state }) {
        if (!state.live.recordTemplates.some((x) => x.templateId === p.TemplateId)) throw confNotFound(p.TemplateId);
        if (templateInUse(state, p.TemplateId, "record")) {
          throw new ApiError("FailedOperation.ConfInUsed", `The template ${p.TemplateId} is still bound to a recording rule.`);
        }
        state.live.recordTemplates = state.live.recordTemplates.filter((x) => x.templateId !== p.TemplateId);
        return {};
      },
    },

    // ---- record rules (keyed by DomainName + AppName + StreamName, exact match; omitted = "")
    DescribeLiveRecordRules: {
      run: (_p: P, { state }) => ({ Rules: toApi(state.live.recordRules) }),
    },
    CreateLiveRecordRule: {
      params: { "DomainName!": "string", "TemplateId!": "int", AppName: "string", StreamName: "string" },
      run(p: P, { state }) {
        checkDomainFormat(p.DomainName);
        if (!state.live.recordTemplates.some((t) => t.templateId === p.TemplateId)) throw confNotFound(p.TemplateId);
        const key = { domainName: p.DomainName as string, appName: (p.AppName ?? "") as string, streamName: (p.StreamName ?? "") as string };
        if (state.live.recordRules.some((r) => r.domainName === key.domainName && r.appName === key.appName && r.streamName === key.streamName)) {
          throw new ApiError("FailedOperation.RuleAlreadyExist", "A recording rule for this domain, AppName and StreamName already exists.");
        }
        const now = beijingTime();
        state.live.recordRules.push({ ...key, templateId: p.TemplateId, createTime: now, updateTime: now });
        return {};
      },
    },
    DeleteLiveRecordRule: {
      params: { "DomainName!": "string", AppName: "string", StreamName: "string" },
      run(p: P, { state }) {
        checkDomainFormat(p.DomainName);
        const i = state.live.recordRules.findIndex(
          (r) => r.domainName === p.DomainName && r.appName === (p.AppName ?? "") && r.streamName === (p.StreamName ?? ""),
        );
        if (i < 0) throw new ApiError("FailedOperation.NotFound", "No recording rule matches DomainName, AppName and StreamName exactly.");
        state.live.recordRules.splice(i, 1);
        return {};
      },
    },
  },
};
