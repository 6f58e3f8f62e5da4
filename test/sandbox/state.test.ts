// State document (JSON Schema via ajv), StateStore file round trip, Host routing, and the control API.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as http from "http";
import { createHash } from "crypto";
import { InputError } from "../../common/errors";
import { State, StateStore, credentialPolicy, emptyState, isAllowed, validateState } from "../../sandbox/state";
import stateSchema from "../../sandbox/state.schema.json";
import { route } from "../../sandbox/server";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { OWNER, baseState, sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

/** Every property path the schema documents (`a.b[].c`, `{}` for map values). */
function schemaPaths(schema: any, path = ""): string[] {
  const out: string[] = [];
  if (schema.properties) {
    for (const [k, sub] of Object.entries<any>(schema.properties)) out.push(`${path}${k}`, ...schemaPaths(sub, `${path}${k}.`));
  }
  if (schema.items) out.push(...schemaPaths(schema.items, `${path.replace(/\.$/, "")}[].`));
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.push(...schemaPaths(schema.additionalProperties, `${path.replace(/\.$/, "")}{}.`));
  }
  return out;
}

/** The schema property paths a document actually uses. */
function usedPaths(schema: any, value: any, path = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value) && schema.items) for (const v of value) usedPaths(schema.items, v, `${path.replace(/\.$/, "")}[].`, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties?.[k]) {
        out.add(`${path}${k}`);
        usedPaths(schema.properties[k], v, `${path}${k}.`, out);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        usedPaths(schema.additionalProperties, v, `${path.replace(/\.$/, "")}{}.`, out);
      }
    }
  }
  return out;
}

describe("state schema", () => {
  test("the empty and the base state are valid", () => {
    expect(() => validateState(emptyState())).not.toThrow();
    expect(() => validateState(baseState())).not.toThrow();
  });

  test("a state using every optional field of the TypeScript types validates (types and schema agree)", () => {
    const rules = [
      { protocol: "TCP", port: "3306", cidrBlock: "10.0.0.0/8", action: "ACCEPT" as const, policyDescription: "d", modifyTime: "t" },
      { protocol: "ALL", port: "ALL", ipv6CidrBlock: "::/0", action: "DROP" as const },
      { protocol: "ALL", port: "ALL", securityGroupId: "sg-abcd1234", action: "ACCEPT" as const },
    ];
    const rp = { recordInterval: 1800, storageTime: 0, enable: 1, vodSubAppId: 1, vodFileName: "f", procedure: "p", storageMode: "normal", classId: 1, cosBucketName: "b", cosBucketRegion: "ap-guangzhou", cosBucketPath: "/p" };
    const full: State = {
      version: 1, appId: "1250000000", ownerUin: "1",
      credentials: [{ secretId: "AKIDx", secretKey: "k", kind: "sub-user", uin: "2", status: "Active", createTime: "t",
        policy: { version: "2.0", statement: [{ effect: "deny", action: ["a"], resource: ["r"], condition: { ip_equal: { "qcs:ip": "1.2.3.4" } } }] } }],
      cam: {
        users: [{ name: "u", uin: "2", uid: 3, remark: "r", consoleLogin: 1, createTime: "t", policyIds: [4], tags: { a: "b" } }],
        policies: [{ policyId: 4, policyName: "p", description: "d", type: 2, addTime: "t", updateTime: "t", tags: { a: "b" },
          document: { version: "2.0", statement: [{ effect: "allow", action: ["name/cos:*"], resource: ["*"], condition: { ip_equal: { "qcs:ip": "1.2.3.4" } } }] } }],
      },
      buckets: [{ name: "b-1250000000", region: "ap-guangzhou", acl: "public-read-write", createTime: "t", tags: { a: "b" },
        cors: [{ id: "r1", allowedOrigins: ["*"], allowedMethods: ["GET"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 5 }],
        objects: { "a/b.txt": { body: "aGk=", contentType: "text/plain", etag: '"49f68a5c8493ec2c0bf489821c21fc3b"', lastModified: "t", meta: { "x-cos-meta-a": "b" } } } }],
      live: {
        domains: [{ name: "d.example.com", type: 1, status: 0, playType: 2, isDelayLive: 1, isMiniProgramLive: 1, createTime: "t", targetDomain: "x", currentCName: "y" }],
        callbackTemplates: [{ templateId: 1, templateName: "n", description: "d", streamBeginNotifyUrl: "u", streamEndNotifyUrl: "u", streamMixNotifyUrl: "u", recordNotifyUrl: "u",
          recordStatusNotifyUrl: "u", snapshotNotifyUrl: "u", pornCensorshipNotifyUrl: "u", callbackKey: "k", pushExceptionNotifyUrl: "u", audioAuditNotifyUrl: "u",
          recordExceptionNotifyUrl: "u", recordExceptionLevels: ["error"] }],
        callbackRules: [{ domainName: "d", appName: "a", templateId: 1, createTime: "t", updateTime: "t" }],
        recordTemplates: [{ templateId: 2, templateName: "n", description: "d", flvParam: rp, hlsParam: rp, mp4Param: rp, aacParam: rp, mp3Param: rp, isDelayLive: 0,
          hlsSpecialParam: { flowContinueDuration: 5 }, removeWatermark: true, cosStore: 1, flvSpecialParam: { uploadInRecording: true } }],
        recordRules: [{ domainName: "d", appName: "a", streamName: "s", templateId: 2, createTime: "t", updateTime: "t" }],
      },
      cdb: { instances: [{ instanceId: "cdb-1", instanceName: "n", region: "r", zone: "z", status: 1, taskStatus: 0, vip: "v", vport: 1, wanStatus: 2, wanDomain: "w",
        wanPort: 2, engineVersion: "8.0", engineType: "InnoDB", memory: 1, volume: 1, charset: "utf8", createTime: "t", params: { a: "b" },
        databases: [{ name: "d", characterSet: "c" }], tags: { a: "b" }, vpcId: "vpc-abcd1234", subnetId: "subnet-abcd1234", securityGroupIds: ["sg-abcd1234"],
        accounts: [{ user: "u", host: "%", description: "d", createTime: "t", modifyTime: "t", privileges: {
          global: ["PROCESS"], databases: [{ database: "d", privileges: ["SELECT"] }], tables: [{ database: "d", table: "t", privileges: ["INSERT"] }],
          columns: [{ database: "d", table: "t", column: "c", privileges: ["UPDATE"] }] } }] }] },
      vpc: {
        vpcs: [{ vpcId: "vpc-abcd1234", vpcName: "n", cidrBlock: "10.0.0.0/16", region: "r", createTime: "t", isDefault: false, tags: { a: "b" } }],
        subnets: [{ subnetId: "subnet-abcd1234", vpcId: "vpc-abcd1234", subnetName: "n", cidrBlock: "10.0.1.0/24", zone: "z", region: "r", createTime: "t", isDefault: false, tags: { a: "b" } }],
        securityGroups: [{ securityGroupId: "sg-abcd1234", securityGroupName: "n", securityGroupDesc: "d", region: "r", createTime: "t", updateTime: "t", projectId: "0",
          tags: { a: "b" }, policyVersion: 2,
          ingress: rules, egress: rules }],
      },
    };
    expect(() => validateState(full)).not.toThrow();
    // Every field the schema documents is used above, so the schema has none the TypeScript types lack (and the
    // literal type-checks as State, so the types have none the schema refuses).
    expect(schemaPaths(stateSchema).filter((p) => !usedPaths(stateSchema, full).has(p))).toEqual([]);
  });

  test("a state file written before the VPC part and the write-action fields existed still loads and serves", async () => {
    const old = baseState() as Partial<State>;
    delete old.vpc;
    const st = validateState(structuredClone(old));
    expect(st.vpc).toBeUndefined();
    const t = await startTestSandbox({ state: st });
    try {
      const vpc = new CommonClient("vpc.tencentcloudapi.com", "2017-03-12", {
        credential: OWNER, region: "ap-guangzhou",
        profile: { httpProfile: { endpoint: `vpc.tencentcloudapi.com:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
      });
      expect(await vpc.request("DescribeVpcs", {})).toMatchObject({ TotalCount: 0, VpcSet: [] });
      expect((await t.client("cdb").request("DescribeDBInstances", {})).TotalCount).toBe(0);
    } finally {
      await t.close();
    }
  });

  test("errors name the field", () => {
    const bad = baseState() as any;
    bad.credentials[1].kind = "admin";
    expect(() => validateState(bad, "s.json")).toThrow(/s\.json: .*credentials\.1\.kind: must be one of "owner", "sub-user"/);
    const missing = baseState() as any;
    delete missing.live.callbackRules;
    expect(() => validateState(missing)).toThrow(/live\.callbackRules: is required/);
    const extra = baseState() as any;
    extra.buckets.push({ name: "b-1250000000", region: "ap-guangzhou", acl: "private", cors: [], createTime: "x", objects: {}, colour: "red" });
    expect(() => validateState(extra)).toThrow(/buckets\.0\.colour: is not a known field/);
    const badName = baseState() as any;
    badName.buckets.push({ name: "No_Such", region: "ap-guangzhou", acl: "private", cors: [], createTime: "x", objects: {} });
    expect(() => validateState(badName)).toThrow(/buckets\.0\.name/);
    expect(() => validateState(badName)).toThrow(InputError);
  });

  test("duplicate keys are refused; a duplicate SecretId is named masked, never in full", () => {
    const dup = baseState();
    dup.credentials.push({ ...dup.credentials[0] });
    expect(() => validateState(dup)).toThrow(/credentials secretId "AKID…0000" appears twice/);
    expect(() => validateState(dup)).not.toThrow(new RegExp(dup.credentials[0].secretId));
    const dupSg = baseState();
    const sg = { securityGroupId: "sg-abcd1234", securityGroupName: "n", securityGroupDesc: "", region: "ap-guangzhou", createTime: "t" };
    dupSg.vpc!.securityGroups.push(sg, { ...sg });
    expect(() => validateState(dupSg)).toThrow(/vpc\.securityGroups securityGroupId "sg-abcd1234" appears twice/);
  });

  test("StateStore save/load round trip; a bad file names itself", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sbx-state-"));
    try {
      const file = path.join(dir, "state.json");
      new StateStore(baseState()).save(file);
      expect(StateStore.load(file).get()).toEqual(baseState());
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      fs.chmodSync(file, 0o644);
      new StateStore(baseState()).save(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600); // an existing file is narrowed too
      expect(() => new StateStore(baseState()).save(dir)).toThrow(/: cannot write the state file \(EISDIR\); pass a writable file path/);
      fs.writeFileSync(file, "{ nope");
      expect(() => StateStore.load(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1: not valid JSON`));
      expect(() => StateStore.load(path.join(dir, "missing.json"))).toThrow(/cannot read the state file \(ENOENT\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("policies: inline policy, else the CAM user's attached policies; owner unrestricted", () => {
    const s = baseState();
    s.credentials.push({ secretId: "AKIDattached", secretKey: "k", kind: "sub-user", uin: "100000000009" });
    s.cam.users.push({ name: "u", uin: "100000000009", uid: 1, createTime: "", policyIds: [5] });
    s.cam.policies.push({ policyId: 5, policyName: "p", addTime: "", updateTime: "", document: { statement: [{ effect: "allow", action: ["name/cos:GetObject"], resource: ["qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/*"] }] } });
    const attached = s.credentials[2];
    expect(credentialPolicy(s, attached)?.statement).toHaveLength(1);
    expect(isAllowed(s, attached, "cos:GetObject", "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/a.txt")).toBe(true);
    expect(isAllowed(s, attached, "cos:GetObject", "qcs::cos:ap-guangzhou:uid/1250000000:other-1250000000/a.txt")).toBe(false);
    expect(isAllowed(s, attached, "cos:PutObject", "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/a.txt")).toBe(false);
    expect(isAllowed(s, s.credentials[0], "live:DeleteLiveDomain", "*")).toBe(true);
  });
});

describe("Host routing", () => {
  test("API, COS, control and unknown hosts", () => {
    expect(route("live.tencentcloudapi.com:8080", "/", true)).toEqual({ kind: "api", service: "live" });
    expect(route("cdb.ap-guangzhou.tencentcloudapi.com", "/", true)).toEqual({ kind: "api", service: "cdb" });
    expect(route("b-1250000000.cos.ap-guangzhou.myqcloud.com:1", "/key", true)).toEqual({ kind: "cos" });
    expect(route("service.cos.myqcloud.com", "/", true)).toEqual({ kind: "cos" });
    expect(route("cos.ap-beijing.myqcloud.com", "/", true)).toEqual({ kind: "cos" });
    expect(route("127.0.0.1:9", "/_sandbox/state", true)).toEqual({ kind: "control" });
    expect(route("live.tencentcloudapi.com", "/_sandbox/state", true)).toEqual({ kind: "control" });
    // An object key under _sandbox/ on a bucket host stays COS; non-loopback peers never reach the control API.
    expect(route("b-1250000000.cos.ap-guangzhou.myqcloud.com", "/_sandbox/state", true)).toEqual({ kind: "cos" });
    expect(route("127.0.0.1", "/_sandbox/state", false)).toEqual({ kind: "unknown", host: "127.0.0.1" });
    expect(route("example.com", "/", true)).toEqual({ kind: "unknown", host: "example.com" });
    // DNS rebinding: a foreign name pointed at 127.0.0.1 never reaches the control API.
    expect(route("evil.example.com:9", "/_sandbox/state", true)).toEqual({ kind: "unknown", host: "evil.example.com" });
    expect(route("localhost:9", "/_sandbox/state", true)).toEqual({ kind: "control" });
    expect(route("[::1]:9", "/_sandbox/state", true)).toEqual({ kind: "control" });
  });
});

describe("control API", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${t.sb.control}${p}`, { method, agent: false, headers: { "Content-Type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || "null") }));
      });
      req.on("error", reject);
      req.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
    });
  }

  test("a port in use is an OperationError naming it", async () => {
    const { startSandbox } = await import("../../sandbox/server");
    await expect(startSandbox({ port: t.sb.port })).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${t.sb.port} \\(EADDRINUSE\\)`));
  });

  test("health and route list", async () => {
    expect(await call("GET", "/health")).toEqual({ status: 200, json: { ok: true } });
    expect((await call("GET", "")).json.routes).toContain("PUT /_sandbox/state");
    expect((await call("GET", "/nope")).status).toBe(404);
  });

  test("GET/PUT state; the SDK sees the new state", async () => {
    const got = await call("GET", "/state");
    expect(got.json).toEqual(baseState());
    const next = baseState();
    next.live.domains.push({ name: "push.put.example.com", type: 0, status: 1, playType: 1, isDelayLive: 0, isMiniProgramLive: 0, createTime: "2026-11-24 10:00:00", targetDomain: "t", currentCName: "" });
    expect((await call("PUT", "/state", next)).status).toBe(200);
    expect((await t.client("live").request("DescribeLiveDomain", { DomainName: "push.put.example.com" })).DomainInfo.Name).toBe("push.put.example.com");
  });

  test("PUT of an invalid state → 400 naming the field; the old state stays", async () => {
    const bad = baseState() as any;
    bad.cdb.instances.push({ instanceId: "cdb-x" });
    const r = await call("PUT", "/state", bad);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/cdb\.instances\.0\.instanceName: is required/);
    expect((await call("PUT", "/state", "{ not json")).status).toBe(400);
    expect(t.sb.store.get().live.domains).toHaveLength(1);
  });

  test("POST credentials creates a working key; a sub-user without live rights is refused", async () => {
    const owner = (await call("POST", "/credentials", { kind: "owner" })).json;
    expect(owner.secretId).toMatch(/^AKID/);
    expect((await t.client("live", { cred: owner }).request("DescribeLiveCallbackRules", {})).Rules).toEqual([]);
    const sub = (await call("POST", "/credentials", { kind: "sub-user", policy: { statement: [{ effect: "allow", action: ["name/cos:*"], resource: ["*"] }] } })).json;
    expect((await sdkError(t.client("live", { cred: sub }).request("DescribeLiveCallbackRules", {}))).code).toBe("AuthFailure.UnauthorizedOperation");
    expect((await call("POST", "/credentials", { kind: "root" })).status).toBe(400);
    expect((await call("POST", "/credentials", { kind: "sub-user", policy: { statement: "all" } })).status).toBe(400);
  });

  test("POST live/callback-rules plants a rule as is (even with an unknown template)", async () => {
    const r = await call("POST", "/live/callback-rules", { domainName: "push.put.example.com", appName: "live", templateId: 4242 });
    expect(r.status).toBe(200);
    const rules = await t.client("live").request("DescribeLiveCallbackRules", {});
    expect(rules.Rules).toEqual([expect.objectContaining({ DomainName: "push.put.example.com", AppName: "live", TemplateId: 4242 })]);
    expect((await call("POST", "/live/record-rules", { domainName: "push.put.example.com", templateId: "7" })).status).toBe(200);
    expect((await t.client("live").request("DescribeLiveRecordRules", {})).Rules).toEqual([expect.objectContaining({ TemplateId: 7, AppName: "", StreamName: "" })]);
    expect((await call("POST", "/live/callback-rules", { domainName: "x" })).json.error).toMatch(/appName: must be a string/);
  });

  test("state/reset empties the account", async () => {
    expect((await call("POST", "/state/reset", { appId: "1300000000" })).status).toBe(200);
    expect(t.sb.store.get()).toEqual(emptyState("1300000000"));
    // No keys any more: the SDK's key is unknown.
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.SecretIdNotFound");
  });
});

describe("control API: Live callbacks as Tencent sends them", () => {
  let t: TestSandbox;
  let receiver: http.Server;
  let receiverUrl: string;
  const seen: Array<Record<string, any>> = [];
  const KEY = "adafas1412423432";

  beforeAll(async () => {
    t = await startTestSandbox();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const ev = JSON.parse(Buffer.concat(chunks).toString());
        seen.push(ev);
        const ok = ev.sign === createHash("md5").update(KEY + String(ev.t)).digest("hex") && ev.t > Date.now() / 1000;
        res.writeHead(ok ? 200 : 403, { "Content-Type": "application/json" });
        res.end(ok ? '{"code":0}' : '{"code":-1}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as import("net").AddressInfo).port}/callback/tape_callback.php`;
    const live = t.client("live");
    await live.request("AddLiveDomain", { DomainName: "push.cb.example.com", DomainType: 0 });
    const { TemplateId } = await live.request("CreateLiveCallbackTemplate", { TemplateName: "cb", RecordNotifyUrl: receiverUrl, StreamBeginNotifyUrl: receiverUrl, CallbackKey: KEY });
    await live.request("CreateLiveCallbackRule", { DomainName: "push.cb.example.com", AppName: "live", TemplateId });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const send = (body: unknown) =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = http.request(`${t.sb.control}/live/callbacks`, { method: "POST", agent: false, headers: { "Content-Type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });

  test("callbackSign matches the reference illustration", async () => {
    const { callbackSign } = await import("../../sandbox/callbacks");
    expect(callbackSign("adafas1412423432", 1496221502)).toBe("65b0d9b65b8273a26501f62d79e02342");
  });

  test("a recording event (100) is signed md5(CallbackKey + t) with t = now + 600 and reaches RecordNotifyUrl", async () => {
    const r = await send({ domainName: "push.cb.example.com", streamName: "stream1", fields: { file_format: "hls" } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ url: receiverUrl, status: 200, body: '{"code":0}' });
    const ev = seen[seen.length - 1];
    expect(ev).toMatchObject({ event_type: 100, appid: 1250000000, app: "push.cb.example.com", appname: "live", stream_id: "stream1", channel_id: "stream1", file_format: "hls" });
    expect(ev.t - Math.floor(Date.now() / 1000)).toBeGreaterThan(500);
    expect(typeof ev.video_url).toBe("string");
    expect(JSON.stringify(r.json)).not.toContain(KEY);
  });

  test("stream start (1), a wrong sign, and the errors", async () => {
    expect((await send({ domainName: "push.cb.example.com", streamName: "s", eventType: 1 })).json.status).toBe(200);
    expect(seen[seen.length - 1].event_type).toBe(1);
    expect((await send({ domainName: "push.cb.example.com", streamName: "s", badSign: true })).json.status).toBe(403);
    const noRule = await send({ domainName: "push.cb.example.com", appName: "other", streamName: "s" });
    expect(noRule.status).toBe(400);
    expect(noRule.json.error).toContain("no callback rule binds push.cb.example.com/other");
    expect((await send({ domainName: "push.cb.example.com", streamName: "s", eventType: 200 })).json.error).toContain("no snapshotNotifyUrl");
  });

  test("an unreachable receiver → 502", async () => {
    const tpl = t.sb.store.get().live.callbackTemplates[0];
    const { closedLoopbackPort } = await import("../../sandbox/seed");
    tpl.recordNotifyUrl = `http://127.0.0.1:${await closedLoopbackPort()}/x`;
    const r = await send({ domainName: "push.cb.example.com", streamName: "s" });
    expect(r.status).toBe(502);
    expect(r.json.error).toMatch(/callback POST to .* failed: .*ECONNREFUSED/);
  });

  test("a receiver that trickles its answer is cut off at the bound (not kept alive by each byte)", async () => {
    const { postCallback } = await import("../../sandbox/callbacks");
    const timers: NodeJS.Timeout[] = [];
    const slow = http.createServer((_req, res) => {
      res.writeHead(200);
      timers.push(setInterval(() => res.write("."), 50));
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    try {
      const port = (slow.address() as import("net").AddressInfo).port;
      await expect(postCallback(`http://127.0.0.1:${port}/cb`, { event_type: 100 }, 300)).rejects.toThrow(/no complete answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
    } finally {
      timers.forEach(clearInterval);
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});
