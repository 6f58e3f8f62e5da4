// Live 2018-08-01 through the official SDK: every action succeeds on valid input and returns the documented error
// on unknown ids (reference §2, §9.1–9.3).
import { sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

let t: TestSandbox;
let live: ReturnType<TestSandbox["client"]>;

beforeAll(async () => {
  t = await startTestSandbox();
  live = t.client("live");
});
afterAll(() => t.close());

const PUSH = "push.sandbox.example.com";
const PLAY = "play.sandbox.example.com";

describe("domains", () => {
  test("AddLiveDomain, DescribeLiveDomain(s), filters, paging", async () => {
    await live.request("AddLiveDomain", { DomainName: PUSH, DomainType: 0 });
    await live.request("AddLiveDomain", { DomainName: PLAY, DomainType: 1, PlayType: 2 });
    const one = await live.request("DescribeLiveDomain", { DomainName: PUSH });
    expect(one.DomainInfo).toMatchObject({ Name: PUSH, Type: 0, Status: 1, IsDelayLive: 0, BCName: 1 });
    expect(one.DomainInfo.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const all = await live.request("DescribeLiveDomains", {});
    expect(all.AllCount).toBe(2);
    expect(all.CreateLimitCount).toBe(98);
    expect(all.PlayTypeCount).toEqual([0, 1, 0]);
    const play = await live.request("DescribeLiveDomains", { DomainType: 1 });
    expect(play.DomainList.map((d: { Name: string }) => d.Name)).toEqual([PLAY]);
    const prefix = await live.request("DescribeLiveDomains", { DomainPrefix: "push." });
    expect(prefix.AllCount).toBe(1);
    const page2 = await live.request("DescribeLiveDomains", { PageNum: 2 });
    expect(page2).toMatchObject({ AllCount: 2, DomainList: [] });
  });

  test("AddLiveDomain errors: duplicate, bad format", async () => {
    expect((await sdkError(live.request("AddLiveDomain", { DomainName: PUSH, DomainType: 0 }))).code).toBe("InvalidParameter.DomainAlreadyExist");
    expect((await sdkError(live.request("AddLiveDomain", { DomainName: "not a domain", DomainType: 0 }))).code).toBe("InvalidParameter.DomainFormatError");
  });

  test("ModifyLivePlayDomain, ForbidLiveDomain, EnableLiveDomain", async () => {
    await live.request("ModifyLivePlayDomain", { DomainName: PLAY, PlayType: 3 });
    expect((await live.request("DescribeLiveDomain", { DomainName: PLAY })).DomainInfo.PlayType).toBe(3);
    await live.request("ForbidLiveDomain", { DomainName: PLAY });
    expect((await live.request("DescribeLiveDomain", { DomainName: PLAY })).DomainInfo.Status).toBe(0);
    expect((await live.request("DescribeLiveDomains", { DomainStatus: 0 })).AllCount).toBe(1);
    await live.request("EnableLiveDomain", { DomainName: PLAY });
    expect((await live.request("DescribeLiveDomain", { DomainName: PLAY })).DomainInfo.Status).toBe(1);
  });

  test("unknown domain → ResourceNotFound.DomainNotExist (Enable/Forbid: plain ResourceNotFound, as documented)", async () => {
    for (const [action, req] of [
      ["DescribeLiveDomain", { DomainName: "nope.example.com" }],
      ["DeleteLiveDomain", { DomainName: "nope.example.com", DomainType: 0 }],
      ["ModifyLivePlayDomain", { DomainName: "nope.example.com", PlayType: 1 }],
    ] as const) {
      expect([action, (await sdkError(live.request(action, req))).code]).toEqual([action, "ResourceNotFound.DomainNotExist"]);
    }
    for (const action of ["EnableLiveDomain", "ForbidLiveDomain"]) {
      expect([action, (await sdkError(live.request(action, { DomainName: "nope.example.com" }))).code]).toEqual([action, "ResourceNotFound"]);
    }
    expect((await sdkError(live.request("EnableLiveDomain", { DomainName: "not a domain" }))).code).toBe("InvalidParameter.DomainFormatError");
  });
});

describe("callback templates and rules", () => {
  let id: number;

  test("Create / Describe(s) / Modify", async () => {
    const created = await live.request("CreateLiveCallbackTemplate", {
      TemplateName: "demo_callbacks", Description: "回调模版", RecordNotifyUrl: "http://backend.example.com/tape_callback.php", CallbackKey: "adafas1412423432",
    });
    id = created.TemplateId;
    expect(Number.isInteger(id)).toBe(true);
    const one = await live.request("DescribeLiveCallbackTemplate", { TemplateId: id });
    expect(one.Template).toMatchObject({ TemplateId: id, TemplateName: "demo_callbacks", CallbackKey: "adafas1412423432", RecordNotifyUrl: "http://backend.example.com/tape_callback.php", StreamBeginNotifyUrl: "" });
    expect(one.Template.RecordStatusNotifyUrl).toBeUndefined();
    await live.request("ModifyLiveCallbackTemplate", { TemplateId: String(id), StreamEndNotifyUrl: "http://backend.example.com/end" });
    const all = await live.request("DescribeLiveCallbackTemplates", {});
    expect(all.Templates).toHaveLength(1);
    expect(all.Templates[0]).toMatchObject({ TemplateId: id, StreamEndNotifyUrl: "http://backend.example.com/end", CallbackKey: "adafas1412423432" });
  });

  test("Create errors: bad name, no URL", async () => {
    expect((await sdkError(live.request("CreateLiveCallbackTemplate", { TemplateName: "bad name!", RecordNotifyUrl: "http://x" }))).code).toBe("InvalidParameter.ArgsNotMatch");
    expect((await sdkError(live.request("CreateLiveCallbackTemplate", { TemplateName: "empty" }))).code).toBe("InvalidParameter");
  });

  test("CreateLiveCallbackRule / DescribeLiveCallbackRules; a bound template cannot be deleted", async () => {
    await live.request("CreateLiveCallbackRule", { DomainName: PUSH, AppName: "live", TemplateId: id });
    const rules = await live.request("DescribeLiveCallbackRules", {});
    expect(rules.Rules).toEqual([expect.objectContaining({ DomainName: PUSH, AppName: "live", TemplateId: id })]);
    expect(rules.Rules[0].CreateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect((await sdkError(live.request("DeleteLiveCallbackTemplate", { TemplateId: id }))).code).toBe("FailedOperation.ConfInUsed");
  });

  test("unknown template id → InternalError.ConfNotFound; unknown rule → FailedOperation.NotFound", async () => {
    for (const [action, req] of [
      ["DescribeLiveCallbackTemplate", { TemplateId: 999 }],
      ["ModifyLiveCallbackTemplate", { TemplateId: 999, Description: "x" }],
      ["DeleteLiveCallbackTemplate", { TemplateId: 999 }],
      ["CreateLiveCallbackRule", { DomainName: PUSH, AppName: "other", TemplateId: 999 }],
    ] as const) {
      expect([action, (await sdkError(live.request(action, req))).code]).toEqual([action, "InternalError.ConfNotFound"]);
    }
    expect((await sdkError(live.request("DeleteLiveCallbackRule", { DomainName: PUSH, AppName: "nope" }))).code).toBe("FailedOperation.NotFound");
  });

  test("DeleteLiveCallbackRule, then DeleteLiveCallbackTemplate", async () => {
    await live.request("DeleteLiveCallbackRule", { DomainName: PUSH, AppName: "live" });
    expect((await live.request("DescribeLiveCallbackRules", {})).Rules).toEqual([]);
    await live.request("DeleteLiveCallbackTemplate", { TemplateId: id });
    expect((await live.request("DescribeLiveCallbackTemplates", {})).Templates).toEqual([]);
  });
});

describe("record templates and rules", () => {
  let id: number;

  test("Create / Describe(s) / Modify", async () => {
    const created = await live.request("CreateLiveRecordTemplate", {
      TemplateName: "demo_record", Description: "hls+mp4",
      HlsParam: { Enable: 1, RecordInterval: 1800, StorageTime: 0 },
      Mp4Param: { Enable: "1", RecordInterval: "3600", StorageTime: 0, CosBucketPath: "/live" },
      FlvSpecialParam: { UploadInRecording: true },
    });
    id = created.TemplateId;
    const one = await live.request("DescribeLiveRecordTemplate", { TemplateId: id });
    expect(one.Template).toMatchObject({
      TemplateId: id, TemplateName: "demo_record", IsDelayLive: 0, CosStore: 0, RemoveWatermark: false,
      HlsParam: { Enable: 1, RecordInterval: 1800, StorageTime: 0 }, Mp4Param: { Enable: 1, RecordInterval: 3600 },
      FlvSpecialParam: { UploadInRecording: true },
    });
    await live.request("ModifyLiveRecordTemplate", { TemplateId: id, Description: "changed", FlvParam: { Enable: 1, RecordInterval: 600 } });
    const all = await live.request("DescribeLiveRecordTemplates", {});
    // Every format and field is answered, as in the official example; unset ones read as their defaults.
    const unset = { RecordInterval: 1800, StorageTime: 0, Enable: 0, VodSubAppId: 0, VodFileName: "", Procedure: "", StorageMode: "normal", ClassId: 0, CosBucketName: "", CosBucketRegion: "", CosBucketPath: "" };
    expect(all.Templates).toEqual([
      expect.objectContaining({
        TemplateId: id, Description: "changed", FlvParam: { ...unset, Enable: 1, RecordInterval: 600 }, AacParam: unset, Mp3Param: unset,
        HlsSpecialParam: { FlowContinueDuration: 0 }, FlvSpecialParam: { UploadInRecording: true },
      }),
    ]);
    expect((await live.request("DescribeLiveRecordTemplates", { IsDelayLive: 1 })).Templates).toEqual([]);
  });

  test("Create/Modify value errors", async () => {
    expect((await sdkError(live.request("CreateLiveRecordTemplate", { TemplateName: "x", FlvParam: { RecordInterval: 10 } }))).code).toBe("InvalidParameterValue");
    expect((await sdkError(live.request("ModifyLiveRecordTemplate", { TemplateId: id, CosStore: 1 }))).code).toBe("UnknownParameter");
  });

  test("CreateLiveRecordRule / DescribeLiveRecordRules; duplicates refused; bound template not deletable", async () => {
    await live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: id, AppName: "live" });
    expect((await sdkError(live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: id, AppName: "live" }))).code).toBe("FailedOperation.RuleAlreadyExist");
    const rules = await live.request("DescribeLiveRecordRules", {});
    expect(rules.Rules).toEqual([expect.objectContaining({ DomainName: PUSH, AppName: "live", StreamName: "", TemplateId: id })]);
    expect((await sdkError(live.request("DeleteLiveRecordTemplate", { TemplateId: id }))).code).toBe("FailedOperation.ConfInUsed");
  });

  test("unknown template id → InternalError.ConfNotFound; rule delete needs an exact match → FailedOperation.NotFound", async () => {
    for (const [action, req] of [
      ["DescribeLiveRecordTemplate", { TemplateId: 999 }],
      ["ModifyLiveRecordTemplate", { TemplateId: 999, Description: "x" }],
      ["DeleteLiveRecordTemplate", { TemplateId: 999 }],
      ["CreateLiveRecordRule", { DomainName: PUSH, TemplateId: 999, AppName: "x" }],
    ] as const) {
      expect([action, (await sdkError(live.request(action, req))).code]).toEqual([action, "InternalError.ConfNotFound"]);
    }
    expect((await sdkError(live.request("DeleteLiveRecordRule", { DomainName: PUSH }))).code).toBe("FailedOperation.NotFound");
  });

  test("DeleteLiveRecordRule, DeleteLiveRecordTemplate", async () => {
    await live.request("DeleteLiveRecordRule", { DomainName: PUSH, AppName: "live", StreamName: "" });
    expect((await live.request("DescribeLiveRecordRules", {})).Rules).toEqual([]);
    await live.request("DeleteLiveRecordTemplate", { TemplateId: id });
    expect((await sdkError(live.request("DescribeLiveRecordTemplate", { TemplateId: id }))).code).toBe("InternalError.ConfNotFound");
  });
});

describe("rule keys", () => {
  let cb1: number;
  let cb2: number;
  let rec: number;

  beforeAll(async () => {
    cb1 = (await live.request("CreateLiveCallbackTemplate", { TemplateName: "keys_a", RecordNotifyUrl: "http://a.example.com/cb" })).TemplateId;
    cb2 = (await live.request("CreateLiveCallbackTemplate", { TemplateName: "keys_b", RecordNotifyUrl: "http://b.example.com/cb" })).TemplateId;
    rec = (await live.request("CreateLiveRecordTemplate", { TemplateName: "keys_rec", HlsParam: { Enable: 1 } })).TemplateId;
  });

  test("a callback rule is keyed by DomainName + AppName: the same key rebinds (CreateTime kept), another AppName adds", async () => {
    await live.request("CreateLiveCallbackRule", { DomainName: PUSH, AppName: "live", TemplateId: cb1 });
    const first = (await live.request("DescribeLiveCallbackRules", {})).Rules;
    expect(first).toEqual([expect.objectContaining({ DomainName: PUSH, AppName: "live", TemplateId: cb1 })]);
    await live.request("CreateLiveCallbackRule", { DomainName: PUSH, AppName: "live", TemplateId: cb2 });
    const rebound = (await live.request("DescribeLiveCallbackRules", {})).Rules;
    expect(rebound).toEqual([expect.objectContaining({ DomainName: PUSH, AppName: "live", TemplateId: cb2, CreateTime: first[0].CreateTime })]);
    await live.request("CreateLiveCallbackRule", { DomainName: PUSH, AppName: "other", TemplateId: cb1 });
    expect((await live.request("DescribeLiveCallbackRules", {})).Rules.map((r: { AppName: string; TemplateId: number }) => [r.AppName, r.TemplateId])).toEqual([
      ["live", cb2],
      ["other", cb1],
    ]);
    // The replaced template is free again; the bound one is not.
    expect((await sdkError(live.request("DeleteLiveCallbackTemplate", { TemplateId: cb2 }))).code).toBe("FailedOperation.ConfInUsed");
    expect((await sdkError(live.request("CreateLiveCallbackRule", { DomainName: "bad domain", AppName: "live", TemplateId: cb1 }))).code).toBe("InvalidParameter.DomainFormatError");
  });

  test("a recording rule is keyed by DomainName + AppName + StreamName: another stream adds, the same key is refused", async () => {
    await live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: rec, AppName: "live" });
    await live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: rec, AppName: "live", StreamName: "s1" });
    await live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: rec });
    const keys = (await live.request("DescribeLiveRecordRules", {})).Rules.map((r: { AppName: string; StreamName: string }) => [r.AppName, r.StreamName]);
    expect(keys).toEqual([["live", ""], ["live", "s1"], ["", ""]]);
    for (const req of [{ AppName: "live" }, { AppName: "live", StreamName: "s1" }, {}]) {
      expect((await sdkError(live.request("CreateLiveRecordRule", { DomainName: PUSH, TemplateId: rec, ...req }))).code).toBe("FailedOperation.RuleAlreadyExist");
    }
    expect((await sdkError(live.request("DeleteLiveRecordRule", { DomainName: "bad domain" }))).code).toBe("InvalidParameter.DomainFormatError");
  });

  test("teardown order: a template is deletable only after every rule binding it is gone", async () => {
    for (const req of [{ AppName: "live", StreamName: "" }, { AppName: "live", StreamName: "s1" }]) {
      await live.request("DeleteLiveRecordRule", { DomainName: PUSH, ...req });
      expect((await sdkError(live.request("DeleteLiveRecordTemplate", { TemplateId: rec }))).code).toBe("FailedOperation.ConfInUsed");
    }
    await live.request("DeleteLiveRecordRule", { DomainName: PUSH, AppName: "", StreamName: "" });
    await live.request("DeleteLiveRecordTemplate", { TemplateId: rec });
    for (const app of ["live", "other"]) await live.request("DeleteLiveCallbackRule", { DomainName: PUSH, AppName: app });
    for (const id of [cb1, cb2]) await live.request("DeleteLiveCallbackTemplate", { TemplateId: id });
    expect((await live.request("DescribeLiveCallbackTemplates", {})).Templates).toEqual([]);
    expect((await live.request("DescribeLiveRecordRules", {})).Rules).toEqual([]);
  });
});

describe("domain deletion", () => {
  test("DeleteLiveDomain removes the domain (type must match)", async () => {
    expect((await sdkError(live.request("DeleteLiveDomain", { DomainName: PLAY, DomainType: 0 }))).code).toBe("ResourceNotFound.DomainNotExist");
    await live.request("DeleteLiveDomain", { DomainName: PLAY, DomainType: 1 });
    expect((await sdkError(live.request("DescribeLiveDomain", { DomainName: PLAY }))).code).toBe("ResourceNotFound.DomainNotExist");
    expect(t.sb.store.get().live.domains.map((d) => d.name)).toEqual([PUSH]);
  });
});
