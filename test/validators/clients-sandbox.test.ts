// The client layer against the in-process sandbox: every COS operation and error the validators rely on, the
// API 3.0 client's error kinds, and injected faults as the validators' runner sees them (one HTTP request per call).
import { createHash } from "crypto";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { Credential, State } from "../../sandbox/state";
import { CloudError, CosClient, TencentApiClient, isRetryable, resolveEndpoints } from "../../validators/clients";
import { OWNER, baseState } from "../helpers/sandbox";

const APPID = "1250000000";
const BUCKET = `demo-${APPID}`;
const OTHER = `other-${APPID}`;
const REGION = "ap-guangzhou";
const B = { bucket: BUCKET, region: REGION };
const PROBE = { ...B, key: ".live-infra-probe/secret-check" };

const SIGNER: Credential = {
  secretId: "AKIDclientsSigner0000000000000000000",
  secretKey: "clientsSignerSecretKey0000000000",
  kind: "sub-user",
  uin: "100000000009",
  policy: {
    version: "2.0",
    statement: [{ effect: "allow", action: ["name/cos:PutObject", "name/cos:GetObject", "name/cos:HeadObject", "name/cos:DeleteObject"], resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/*`] }],
  },
};

function state(): State {
  const s = baseState();
  s.credentials.push(structuredClone(SIGNER));
  s.buckets.push(
    {
      name: BUCKET,
      region: REGION,
      acl: "private",
      createTime: "2026-11-01T00:00:00.000Z",
      cors: [{ allowedOrigins: ["*"], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
      objects: {},
    },
    { name: OTHER, region: REGION, acl: "public-read", createTime: "2026-11-01T00:00:00.000Z", cors: [], objects: {} },
  );
  return s;
}

let sb: Sandbox;
const logs: string[] = [];
const SAVED_ENV = { ...process.env };

beforeAll(async () => {
  // Proxy variables pointing nowhere: the clients must not use them.
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) process.env[v] = "http://127.0.0.1:9";
  delete process.env.NO_PROXY;
  delete process.env.no_proxy;
  sb = await startSandbox({ state: state(), log: (l) => logs.push(l) });
});

afterAll(async () => {
  process.env = SAVED_ENV;
  await sb.close();
});

beforeEach(() => {
  sb.store.replace(state());
  sb.faults.set({ rules: {} });
  logs.length = 0;
});

function cos(cred: Pick<Credential, "secretId" | "secretKey"> = OWNER, timeoutMs = 5000, endpoint = sb.cos): CosClient {
  return new CosClient({ ...cred, endpoints: resolveEndpoints({}, { LIVE_INFRA_COS_ENDPOINT: endpoint }), timeoutMs });
}

function api(cred: Pick<Credential, "secretId" | "secretKey"> = OWNER, timeoutMs = 5000): TencentApiClient {
  return new TencentApiClient({ ...cred, endpoints: resolveEndpoints({ apiEndpoint: sb.api }, {}), timeoutMs });
}

async function fails(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error("expected a CloudError");
}

const cosRequests = () => logs.filter((l) => l.startsWith("cos "));

describe("CosClient against the sandbox", () => {
  let c: CosClient;
  beforeEach(() => (c = cos()));
  afterEach(() => c.close());

  test("every operation returns plain data", async () => {
    expect(await c.headBucket(B)).toEqual({ region: REGION, requestId: expect.any(String) });
    const svc = await c.getService();
    expect(svc.owner).toEqual({ id: `qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`, displayName: OWNER.uin });
    expect(svc.buckets.map((b) => b.name).sort()).toEqual([BUCKET, OTHER]);
    expect((await c.getService({ region: "ap-beijing" })).buckets).toEqual([]);
    expect(await c.getBucketCors(B)).toEqual({
      configured: true,
      rules: [{ allowedOrigins: ["*"], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
      requestId: expect.any(String),
    });
    expect(await c.getBucketCors({ bucket: OTHER, region: REGION })).toMatchObject({ configured: false, rules: [] });
    const acl = await c.getBucketAcl({ bucket: OTHER, region: REGION });
    expect(acl.acl).toBe("public-read");
    expect(acl.owner.id).toBe(`qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`);
    expect(acl.grants).toEqual([
      { grantee: { type: "CanonicalUser", id: acl.owner.id, displayName: acl.owner.id }, permission: "FULL_CONTROL" },
      { grantee: { type: "Group", uri: "http://cam.qcloud.com/groups/global/AllUsers" }, permission: "READ" },
    ]);

    const key = ".live-infra-probe/你好 1.txt";
    const md5 = `"${createHash("md5").update("probe").digest("hex")}"`;
    expect(await c.putObject({ ...B, key, body: "probe", contentType: "text/plain", meta: { source: "live-infra" } })).toEqual({ etag: md5, requestId: expect.any(String) });
    const head = await c.headObject({ ...B, key });
    expect(head).toMatchObject({ contentType: "text/plain", contentLength: 5, etag: md5, meta: { source: "live-infra" } });
    const got = await c.getObject({ ...B, key });
    expect(got.body.toString()).toBe("probe");
    expect(got.meta).toEqual({ source: "live-infra" });
    expect(await c.deleteObject({ ...B, key })).toEqual({ requestId: expect.any(String) });
    const gone = await fails(c.headObject({ ...B, key }));
    expect(gone).toMatchObject({ kind: "not-found", code: "404", httpStatus: 404 });
  });

  test("a signed GET of a missing key: NoSuchKey means authenticated; unknown SecretId and wrong SecretKey differ", async () => {
    expect(await fails(c.getObject(PROBE))).toMatchObject({ kind: "not-found", code: "NoSuchKey", httpStatus: 404, requestId: expect.any(String) });
    const unknownId = cos({ secretId: "AKIDnotInTheSandbox0000000000000000", secretKey: OWNER.secretKey });
    const wrongKey = cos({ secretId: OWNER.secretId, secretKey: "wrongSecretKeyCanary000000000000" });
    try {
      const e1 = await fails(unknownId.getObject(PROBE));
      expect(e1).toMatchObject({ kind: "auth", code: "InvalidAccessKeyId", httpStatus: 403 });
      const e2 = await fails(wrongKey.getObject(PROBE));
      expect(e2).toMatchObject({ kind: "auth", code: "SignatureDoesNotMatch", httpStatus: 403 });
      expect(e2.message).not.toContain("wrongSecretKeyCanary");
      expect(isRetryable(e1) || isRetryable(e2)).toBe(false);
    } finally {
      unknownId.close();
      wrongKey.close();
    }
  });

  test("missing bucket, wrong region, sub-user outside its policy", async () => {
    const head = await fails(c.headBucket({ bucket: `nope-${APPID}`, region: REGION }));
    expect(head).toMatchObject({ kind: "not-found", code: "404", httpStatus: 404 });
    expect(await fails(c.getObject({ bucket: `nope-${APPID}`, region: REGION, key: "x" }))).toMatchObject({ kind: "not-found", code: "NoSuchBucket" });
    expect(await fails(c.headBucket({ bucket: BUCKET, region: "ap-shanghai" }))).toMatchObject({ kind: "not-found", httpStatus: 404 });
    expect(await fails(c.getObject({ bucket: BUCKET, region: "ap-shanghai", key: "x" }))).toMatchObject({ kind: "not-found", code: "NoSuchBucket" });
    const signer = cos(SIGNER);
    try {
      await expect(signer.putObject({ ...B, key: "uploads/a.jpg", body: "x" })).resolves.toBeDefined();
      expect(await fails(signer.putObject({ bucket: OTHER, region: REGION, key: "a.jpg", body: "x" }))).toMatchObject({ kind: "auth", code: "AccessDenied", httpStatus: 403 });
      expect(await fails(signer.getBucketCors(B))).toMatchObject({ kind: "auth", code: "AccessDenied" });
    } finally {
      signer.close();
    }
  });

  test("an expired signature (server clock ahead) is kind auth, AccessDenied", async () => {
    const late = await startSandbox({ state: state(), now: () => Date.now() + 3600_000 });
    const lc = cos(OWNER, 5000, late.cos);
    try {
      expect(await fails(lc.getObject(PROBE))).toMatchObject({ kind: "auth", code: "AccessDenied", message: "Request has expired" });
    } finally {
      lc.close();
      await late.close();
    }
  });

  test("faults: throttling, 5xx and drops are retryable kinds, each call is one request", async () => {
    sb.faults.set({ rules: { "cos:HeadObject": { throttleRate: 1 } } });
    const t = await fails(c.headObject(PROBE));
    expect(t).toMatchObject({ kind: "throttled", httpStatus: 503 });
    expect(isRetryable(t)).toBe(true);
    sb.faults.set({ rules: { "cos:GetObject": { throttleRate: 1 } } });
    expect(await fails(c.getObject(PROBE))).toMatchObject({ kind: "throttled", code: "SlowDown", httpStatus: 503 });
    sb.faults.set({ rules: { "cos:*": { errorRate: 1 } } });
    const s = await fails(c.putObject({ ...PROBE, body: "x" }));
    expect(s).toMatchObject({ kind: "server", code: "InternalError", httpStatus: 500 });
    expect(isRetryable(s)).toBe(true);
    sb.faults.set({ rules: { "cos:DeleteObject": { dropRate: 1 } } });
    const d = await fails(c.deleteObject(PROBE));
    expect(d.kind).toBe("network");
    expect(isRetryable(d)).toBe(true);
    // No SDK retry reached the sandbox: four calls, four requests.
    expect(cosRequests()).toHaveLength(4);
  });

  test("faults: latency delays the answer; latency beyond the timeout is kind timeout", async () => {
    sb.faults.set({ rules: { "cos:HeadBucket": { latencyMs: 150 } } });
    const t0 = Date.now();
    await c.headBucket(B);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    sb.faults.set({ rules: { "cos:HeadBucket": { latencyMs: 700 } } });
    const quick = cos(OWNER, 200);
    try {
      const e = await fails(quick.headBucket(B));
      expect(e).toMatchObject({ kind: "timeout", code: "Timeout" });
      expect(isRetryable(e)).toBe(true);
    } finally {
      quick.close();
    }
  });
});

describe("TencentApiClient against the sandbox", () => {
  test("success, auth failures and throttling map to kinds", async () => {
    const c = api();
    const wrong = api({ secretId: OWNER.secretId, secretKey: "wrongApiSecretKeyCanary000000000" });
    const unknown = api({ secretId: "AKIDunknownApi0000000000000000000000", secretKey: OWNER.secretKey });
    try {
      const r = await c.request("live", "DescribeLiveDomains", {});
      expect(r).toMatchObject({ AllCount: 0, DomainList: [], RequestId: expect.any(String) });
      await expect(c.request("cdb", "DescribeDBInstances", { Limit: 1 }, { region: REGION })).resolves.toMatchObject({ TotalCount: 0 });
      const e1 = await fails(wrong.request("live", "DescribeLiveDomains", {}));
      expect(e1).toMatchObject({ kind: "auth", code: "AuthFailure.SignatureFailure", service: "live", operation: "DescribeLiveDomains", requestId: expect.any(String) });
      expect(e1.message).not.toContain("wrongApiSecretKeyCanary");
      expect(await fails(unknown.request("live", "DescribeLiveDomains", {}))).toMatchObject({ kind: "auth", code: "AuthFailure.SecretIdNotFound" });
      expect(await fails(c.request("live", "DescribeLiveCallbackTemplate", { TemplateId: 999 }))).toMatchObject({ kind: expect.stringMatching(/not-found|client/) });
      sb.faults.set({ rules: { "live:DescribeLiveDomains": { throttleRate: 1 } } });
      const t = await fails(c.request("live", "DescribeLiveDomains", {}));
      expect(t).toMatchObject({ kind: "throttled", code: expect.stringMatching(/^RequestLimitExceeded/) });
      sb.faults.set({ rules: { "live:*": { errorRate: 1 } } });
      expect(await fails(c.request("live", "DescribeLiveDomains", {}))).toMatchObject({ kind: "server", httpStatus: 500 });
      sb.faults.set({ rules: { "live:*": { dropRate: 1 } } });
      expect(await fails(c.request("live", "DescribeLiveDomains", {}))).toMatchObject({ kind: "network" });
      sb.faults.set({ rules: { "live:*": { latencyMs: 700 } } });
      const quick = api(OWNER, 200);
      try {
        expect(await fails(quick.request("live", "DescribeLiveDomains", {}))).toMatchObject({ kind: "timeout" });
      } finally {
        quick.close();
      }
    } finally {
      c.close();
      wrong.close();
      unknown.close();
    }
  });
});
