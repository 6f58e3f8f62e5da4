// The sandbox's COS bucket writes (what drift tests and teardown need), driven by the official cos-nodejs-sdk-v5 over
// real HTTP exactly as test/sandbox/cos.test.ts does (Ip option: the connection goes to the sandbox, Host keeps the
// real virtual host), plus raw HTTP where the wire is the point (status codes, error XML, bodies the SDK never sends).
import * as http from "http";
import { createHash } from "crypto";
import COS = require("cos-nodejs-sdk-v5");
import { XMLParser } from "fast-xml-parser";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { Credential, State, validateState } from "../../sandbox/state";
import { OWNER, baseState, loopbackAgent, VERSIONS } from "../helpers/sandbox";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";

const APPID = "1250000000";
const BUCKET = `demo-${APPID}`;
const EMPTY = `empty-${APPID}`;
const REGION = "ap-guangzhou";
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;
const EMPTY_HOST = `${EMPTY}.cos.${REGION}.myqcloud.com`;

/** A sub-user that may change CORS (spelled as the brief does: CAM actions match case-insensitively) and delete under tmp/. */
const OPERATOR: Credential = {
  secretId: "AKIDsandboxOperator0000000000000000",
  secretKey: "sandboxOperatorSecretKey000000000",
  kind: "sub-user",
  uin: "100000000004",
  policy: {
    version: "2.0",
    statement: [
      { effect: "allow", action: ["name/cos:PutBucketCors", "name/cos:GetBucketCORS"], resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/`] },
      { effect: "allow", action: ["name/cos:DeleteMultipleObjects"], resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/tmp/*`] },
    ],
  },
};

const obj = (body: string) => ({
  body: Buffer.from(body).toString("base64"),
  contentType: "text/plain",
  etag: `"${createHash("md5").update(body).digest("hex")}"`,
  lastModified: "2026-11-01T00:00:00.000Z",
  meta: {},
});

function state(): State {
  const s = baseState();
  s.credentials.push(structuredClone(OPERATOR));
  s.buckets.push(
    {
      name: BUCKET,
      region: REGION,
      acl: "private",
      createTime: "2026-11-01T00:00:00.000Z",
      cors: [],
      objects: { "a/1": obj("1"), "a/2": obj("2"), "a/sub/3": obj("3"), "b/1": obj("4"), "tmp/x": obj("5") },
    },
    { name: EMPTY, region: REGION, acl: "private", createTime: "2026-11-10T00:00:00Z", cors: [], objects: {} },
    { name: `old-${APPID}`, region: "ap-shanghai", acl: "private", createTime: "2025-01-01T00:00:00Z", cors: [], tags: { "owner-run": "r1" }, objects: {} },
  );
  return s;
}

let sb: Sandbox;

beforeAll(async () => {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  sb = await startSandbox({ state: state(), log: () => undefined });
});

afterAll(async () => {
  await sb.close();
});

beforeEach(() => {
  sb.store.replace(state());
  sb.faults.set({ rules: {} });
});

function sdk(cred: Pick<Credential, "secretId" | "secretKey"> = OWNER): COS {
  return new COS({
    SecretId: cred.secretId,
    SecretKey: cred.secretKey,
    Protocol: "http:",
    Ip: `127.0.0.1:${sb.port}`,
    KeepAlive: false,
    AutoSwitchHost: false,
    CorrectClockSkew: false,
    Timeout: 10_000,
  });
}

async function sdkErr(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw request with the given Host, signed by the SDK's static signer (all headers signed). */
function raw(method: string, host: string, path: string, opts: { headers?: Record<string, string>; body?: string; query?: Record<string, string>; anonymous?: boolean } = {}): Promise<Raw> {
  const headers: Record<string, string> = { Host: host, ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(opts.body));
  if (!opts.anonymous) {
    headers.Authorization = COS.getAuthorization({
      SecretId: OWNER.secretId,
      SecretKey: OWNER.secretKey,
      Method: method as COS.Method,
      Key: decodeURIComponent(path.slice(1)),
      Query: opts.query ?? {},
      Headers: headers,
    });
  }
  const qs = opts.query ? "?" + Object.entries(opts.query).map(([k, v]) => (v === "" ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&") : "";
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: sb.port, method, path: path + qs, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const errorCode = (r: Raw): string => {
  expect(r.headers["content-type"]).toBe("application/xml");
  return parser.parse(r.body).Error.Code;
};
const md5 = (s: string) => createHash("md5").update(s).digest("base64");
const B = { Bucket: BUCKET, Region: REGION };

describe("PUT / DELETE Bucket cors", () => {
  test("the SDK's rules round-trip through GET Bucket cors; the PUT answers 200 with an empty body", async () => {
    const put = await sdk().putBucketCors({
      ...B,
      CORSRules: [
        // The SDK accepts plural keys, an ID and single values too (the typings name neither).
        { ID: "app", AllowedOrigins: ["https://app.example.com", "http://localhost:8080"], AllowedMethods: ["PUT", "get"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 } as unknown as COS.CORSRule,
        { AllowedOrigin: "*", AllowedMethod: "HEAD" } as unknown as COS.CORSRule,
      ],
    });
    expect(put.statusCode).toBe(200);
    const got = await sdk().getBucketCors(B);
    expect(got.CORSRules).toEqual([
      { ID: "app", AllowedOrigins: ["https://app.example.com", "http://localhost:8080"], AllowedMethods: ["PUT", "GET"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: "600" },
      { AllowedOrigins: ["*"], AllowedMethods: ["HEAD"], AllowedHeaders: [], ExposeHeaders: [] },
    ]);
    expect(sb.store.get().buckets[0].cors[0]).toEqual({
      id: "app", allowedOrigins: ["https://app.example.com", "http://localhost:8080"], allowedMethods: ["PUT", "GET"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600,
    });
    const body = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`;
    const w = await raw("PUT", HOST, "/", { query: { cors: "" }, body, headers: { "Content-MD5": md5(body) } });
    expect([w.status, w.body, w.headers["content-length"]]).toEqual([200, "", "0"]);
  });

  test("DELETE Bucket cors answers 204 (also with nothing configured); afterwards GET is 404 NoSuchCORSConfiguration", async () => {
    await sdk().putBucketCors({ ...B, CORSRules: [{ AllowedOrigin: ["*"], AllowedMethod: ["GET"] }] });
    expect((await sdk().deleteBucketCors(B)).statusCode).toBe(204);
    expect((await sdk().getBucketCors(B)).CORSRules).toEqual([]);
    const w = await raw("GET", HOST, "/", { query: { cors: "" } });
    expect([w.status, errorCode(w)]).toEqual([404, "NoSuchCORSConfiguration"]);
    expect((await raw("DELETE", HOST, "/", { query: { cors: "" } })).status).toBe(204);
  });

  test("bad configurations: no rule / no origin is MalformedXML, an unknown method or age InvalidArgument, ResponseVary true NotImplemented", async () => {
    const put = (xml: string) => raw("PUT", HOST, "/", { query: { cors: "" }, body: xml, headers: { "Content-MD5": md5(xml) } });
    const none = await sdkErr(sdk().putBucketCors({ ...B, CORSRules: [] }));
    expect([none.statusCode, none.code]).toEqual([400, "MalformedXML"]);
    const noOrigin = await put("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>");
    expect([noOrigin.status, errorCode(noOrigin)]).toEqual([400, "MalformedXML"]);
    const method = await sdkErr(sdk().putBucketCors({ ...B, CORSRules: [{ AllowedOrigin: ["*"], AllowedMethod: ["PATCH"] }] }));
    expect([method.statusCode, method.code]).toEqual([400, "InvalidArgument"]);
    expect(method.message).toContain("PATCH");
    const age = await put("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>");
    expect([age.status, errorCode(age)]).toEqual([400, "InvalidArgument"]);
    const vary = await sdkErr(sdk().putBucketCors({ ...B, CORSRules: [{ AllowedOrigin: ["*"], AllowedMethod: ["GET"] }], ResponseVary: "true" }));
    expect([vary.statusCode, vary.code]).toEqual([501, "NotImplemented"]);
    const notXml = await put("{not xml");
    expect([notXml.status, errorCode(notXml)]).toEqual([400, "MalformedXML"]);
    const wrongRoot = await put("<Tagging/>");
    expect([wrongRoot.status, errorCode(wrongRoot)]).toEqual([400, "MalformedXML"]);
    // Nothing was stored by any of them.
    expect(sb.store.get().buckets[0].cors).toEqual([]);
  });

  test("a Content-MD5 that does not match the body is BadDigest", async () => {
    const xml = "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    const w = await raw("PUT", HOST, "/", { query: { cors: "" }, body: xml, headers: { "Content-MD5": md5("other") } });
    expect([w.status, errorCode(w)]).toEqual([400, "BadDigest"]);
  });
});

describe("PUT Bucket acl", () => {
  test("x-cos-acl public-read opens anonymous reads; an AccessControlPolicy body with only the owner closes them again", async () => {
    expect((await raw("GET", HOST, "/a/1", { anonymous: true })).status).toBe(403);
    expect((await sdk().putBucketAcl({ ...B, ACL: "public-read" })).statusCode).toBe(200);
    expect((await sdk().getBucketAcl(B)).ACL).toBe("public-read");
    const anon = await raw("GET", HOST, "/a/1", { anonymous: true });
    expect([anon.status, anon.body]).toEqual([200, "1"]);
    const owner = `qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`;
    await sdk().putBucketAcl({ ...B, AccessControlPolicy: { Owner: { ID: owner }, Grants: [{ Grantee: { ID: owner }, Permission: "FULL_CONTROL" }] } });
    expect((await sdk().getBucketAcl(B)).ACL).toBe("private");
    expect((await raw("GET", HOST, "/a/1", { anonymous: true })).status).toBe(403);
  });

  test("an AccessControlPolicy granting AllUsers READ and WRITE is public-read-write (and the header may repeat it)", async () => {
    const owner = `qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`;
    const all = "http://cam.qcloud.com/groups/global/AllUsers";
    await sdk().putBucketAcl({
      ...B,
      ACL: "public-read-write",
      AccessControlPolicy: { Owner: { ID: owner }, Grants: [{ Grantee: { ID: owner }, Permission: "FULL_CONTROL" }, { Grantee: { URI: all }, Permission: "READ" }, { Grantee: { URI: all }, Permission: "WRITE" }] },
    });
    const acl = await sdk().getBucketAcl(B);
    expect(acl.ACL).toBe("public-read-write");
    expect(acl.Grants.map((g) => g.Permission)).toEqual(["FULL_CONTROL", "READ", "WRITE"]);
    expect((await raw("PUT", HOST, "/anon.txt", { anonymous: true, body: "x" })).status).toBe(200);
    const xml = "<Delete><Object><Key>anon.txt</Key></Object></Delete>";
    const del = await raw("POST", HOST, "/", { query: { delete: "" }, body: xml, headers: { "Content-MD5": md5(xml) }, anonymous: true });
    expect(parser.parse(del.body).DeleteResult.Deleted.Key).toBe("anon.txt");
    expect(Object.keys(sb.store.get().buckets[0].objects)).not.toContain("anon.txt");
  });

  test("what a canned ACL cannot hold is NotImplemented; a bad or conflicting value InvalidArgument; nothing changes", async () => {
    const grant = await sdkErr(sdk().putBucketAcl({ ...B, GrantRead: 'id="100000000002"' }));
    expect([grant.statusCode, grant.code]).toEqual([501, "NotImplemented"]);
    const auth = await sdkErr(sdk().putBucketAcl({ ...B, ACL: "authenticated-read" }));
    expect([auth.statusCode, auth.code]).toEqual([501, "NotImplemented"]);
    const other = await sdkErr(
      sdk().putBucketAcl({ ...B, AccessControlPolicy: { Owner: { ID: "x" }, Grants: [{ Grantee: { ID: "qcs::cam::uin/100000000009:uin/100000000009" }, Permission: "READ" }] } }),
    );
    expect([other.statusCode, other.code]).toEqual([501, "NotImplemented"]);
    const bad = await raw("PUT", HOST, "/", { query: { acl: "" }, headers: { "x-cos-acl": "public-write" } });
    expect([bad.status, errorCode(bad)]).toEqual([400, "InvalidArgument"]);
    const owner = `qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`;
    const conflict = await sdkErr(
      sdk().putBucketAcl({ ...B, ACL: "public-read", AccessControlPolicy: { Owner: { ID: owner }, Grants: [{ Grantee: { ID: owner }, Permission: "FULL_CONTROL" }] } }),
    );
    expect([conflict.statusCode, conflict.code]).toEqual([400, "InvalidArgument"]);
    const nothing = await raw("PUT", HOST, "/", { query: { acl: "" } });
    expect([nothing.status, errorCode(nothing)]).toEqual([400, "InvalidArgument"]);
    expect(sb.store.get().buckets[0].acl).toBe("private");
  });
});

describe("GET Bucket (list objects)", () => {
  test("prefix, marker, max-keys and delimiter through the SDK", async () => {
    const a = await sdk().getBucket({ ...B, Prefix: "a/" });
    expect(a.Contents.map((c) => c.Key)).toEqual(["a/1", "a/2", "a/sub/3"]);
    expect(a.Contents[0]).toMatchObject({ Size: "1", ETag: `"${createHash("md5").update("1").digest("hex")}"`, StorageClass: "STANDARD" });
    const page1 = await sdk().getBucket({ ...B, MaxKeys: 2 });
    expect([page1.Contents.map((c) => c.Key), page1.IsTruncated, page1.NextMarker]).toEqual([["a/1", "a/2"], "true", "a/2"]);
    const page2 = await sdk().getBucket({ ...B, Marker: page1.NextMarker, MaxKeys: 10 });
    expect([page2.Contents.map((c) => c.Key), page2.IsTruncated]).toEqual([["a/sub/3", "b/1", "tmp/x"], "false"]);
    const dirs = await sdk().getBucket({ ...B, Delimiter: "/" });
    expect(dirs.CommonPrefixes.map((p) => p.Prefix)).toEqual(["a/", "b/", "tmp/"]);
    expect(dirs.Contents).toEqual([]);
    const nested = await sdk().getBucket({ ...B, Prefix: "a/", Delimiter: "/", MaxKeys: 3 });
    expect([nested.Contents.map((c) => c.Key), nested.CommonPrefixes.map((p) => p.Prefix), nested.IsTruncated]).toEqual([["a/1", "a/2"], ["a/sub/"], "false"]);
  });

  test("a max-keys that is not a number is InvalidArgument", async () => {
    const w = await raw("GET", HOST, "/", { query: { "max-keys": "many" } });
    expect([w.status, errorCode(w)]).toEqual([400, "InvalidArgument"]);
  });
});

describe("DELETE Bucket and DeleteMultipleObjects", () => {
  test("refused with 409 BucketNotEmpty while it holds objects; 204 once emptied; NoSuchBucket afterwards", async () => {
    const busy = await sdkErr(sdk().deleteBucket(B));
    expect([busy.statusCode, busy.code, busy.message]).toEqual([409, "BucketNotEmpty", "The bucket you tried to delete is not empty."]);
    const keys = Object.keys(sb.store.get().buckets[0].objects);
    const del = await sdk().deleteMultipleObject({ ...B, Objects: keys.map((Key) => ({ Key })) });
    expect(del.statusCode).toBe(200);
    expect(del.Deleted.map((d) => d.Key).sort()).toEqual(keys.sort());
    expect(del.Error).toEqual([]);
    expect((await sdk().deleteBucket(B)).statusCode).toBe(204);
    const head = await sdkErr(sdk().headBucket(B));
    expect(head.statusCode).toBe(404);
    const list = await sdkErr(sdk().getBucket(B));
    expect([list.statusCode, list.code]).toEqual([404, "NoSuchBucket"]);
    expect((await sdkErr(sdk().deleteBucket(B))).code).toBe("NoSuchBucket");
    expect((await sdk().getService({})).Buckets.map((b) => b.Name)).not.toContain(BUCKET);
    // The state stays a valid state document.
    expect(() => validateState(sb.store.snapshot())).not.toThrow();
  });

  test("an empty bucket is deleted at once", async () => {
    const w = await raw("DELETE", EMPTY_HOST, "/");
    expect([w.status, w.body]).toEqual([204, ""]);
    expect(sb.store.get().buckets.map((b) => b.name)).not.toContain(EMPTY);
  });

  test("multi-delete: missing keys count as deleted, Quiet lists only errors, a sub-user is checked key by key", async () => {
    const quiet = await sdk().deleteMultipleObject({ ...B, Objects: [{ Key: "a/1" }, { Key: "never-there" }], Quiet: true });
    expect([quiet.Deleted, quiet.Error]).toEqual([[], []]);
    expect(Object.keys(sb.store.get().buckets[0].objects)).not.toContain("a/1");
    const op = await sdk(OPERATOR).deleteMultipleObject({ ...B, Objects: [{ Key: "tmp/x" }, { Key: "a/2" }] });
    expect(op.Deleted).toEqual([{ Key: "tmp/x" }]);
    expect(op.Error).toEqual([{ Key: "a/2", Code: "AccessDenied", Message: "Access Denied." }]);
    expect(Object.keys(sb.store.get().buckets[0].objects).sort()).toEqual(["a/2", "a/sub/3", "b/1"]);
  });

  test("multi-delete needs Content-MD5 and a well-formed Delete document; anonymous callers are refused", async () => {
    const xml = "<Delete><Object><Key>a/1</Key></Object></Delete>";
    const noMd5 = await raw("POST", HOST, "/", { query: { delete: "" }, body: xml });
    expect([noMd5.status, errorCode(noMd5)]).toEqual([400, "InvalidRequest"]);
    const empty = "<Delete><Quiet>false</Quiet></Delete>";
    const none = await raw("POST", HOST, "/", { query: { delete: "" }, body: empty, headers: { "Content-MD5": md5(empty) } });
    expect([none.status, errorCode(none)]).toEqual([400, "MalformedXML"]);
    const anon = await raw("POST", HOST, "/", { query: { delete: "" }, body: xml, headers: { "Content-MD5": md5(xml) }, anonymous: true });
    expect([anon.status, errorCode(anon)]).toEqual([403, "AccessDenied"]);
    expect(Object.keys(sb.store.get().buckets[0].objects)).toContain("a/1");
  });
});

describe("PUT / GET / DELETE Bucket tagging", () => {
  test("tags round-trip, replace the set, show in the Tag API (GetResources) and go away with DELETE", async () => {
    // Untagged: the SDK turns 404 NoSuchTagSet into an empty list.
    expect((await sdk().getBucketTagging(B)).Tags).toEqual([]);
    const none = await raw("GET", HOST, "/", { query: { tagging: "" } });
    expect([none.status, errorCode(none)]).toEqual([404, "NoSuchTagSet"]);

    const put = await sdk().putBucketTagging({ ...B, Tags: [{ Key: "managed-by", Value: "live-infra" }, { Key: "run", Value: "ci 2026-11-01T00:00:00Z" }] });
    expect(put.statusCode).toBe(204);
    expect((await sdk().getBucketTagging(B)).Tags).toEqual([{ Key: "managed-by", Value: "live-infra" }, { Key: "run", Value: "ci 2026-11-01T00:00:00Z" }]);
    expect(sb.store.get().buckets[0].tags).toEqual({ "managed-by": "live-infra", run: "ci 2026-11-01T00:00:00Z" });

    const agent = loopbackAgent();
    try {
      const tag = new CommonClient("tag.tencentcloudapi.com", VERSIONS.tag, {
        credential: { secretId: OWNER.secretId, secretKey: OWNER.secretKey },
        region: "",
        profile: { httpProfile: { endpoint: `tag.tencentcloudapi.com:${sb.port}`, protocol: "http://", agent, reqTimeout: 10 } },
      });
      const res = await tag.request("GetResources", { TagFilters: [{ TagKey: "managed-by", TagValue: ["live-infra"] }] });
      expect(res.ResourceTagMappingList.map((m: { Resource: string }) => m.Resource)).toEqual([`qcs::cos:${REGION}:uid/${APPID}:prefix//${APPID}/demo`]);
    } finally {
      agent.destroy();
    }

    await sdk().putBucketTagging({ ...B, Tags: [{ Key: "managed-by", Value: "someone-else" }] });
    expect(sb.store.get().buckets[0].tags).toEqual({ "managed-by": "someone-else" });
    const emptySet = "<Tagging><TagSet/></Tagging>";
    expect((await raw("PUT", HOST, "/", { query: { tagging: "" }, body: emptySet, headers: { "Content-MD5": md5(emptySet) } })).status).toBe(204);
    expect(sb.store.get().buckets[0].tags).toBeUndefined();
    await sdk().putBucketTagging({ ...B, Tags: [{ Key: "managed-by", Value: "someone-else" }] });
    expect((await sdk().deleteBucketTagging(B)).statusCode).toBe(204);
    expect(sb.store.get().buckets[0].tags).toBeUndefined();
    expect((await sdk().getBucketTagging(B)).Tags).toEqual([]);
    expect((await raw("DELETE", HOST, "/", { query: { tagging: "" } })).status).toBe(204);
  });

  test("bad tag sets are refused and change nothing", async () => {
    const badChar = await sdkErr(sdk().putBucketTagging({ ...B, Tags: [{ Key: "owner", Value: "me@example.com" }] }));
    expect([badChar.statusCode, badChar.code]).toEqual([400, "InvalidArgument"]);
    const long = await sdkErr(sdk().putBucketTagging({ ...B, Tags: [{ Key: "k".repeat(129), Value: "v" }] }));
    expect(long.code).toBe("InvalidArgument");
    const dup = await sdkErr(sdk().putBucketTagging({ ...B, Tags: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] }));
    expect(dup.code).toBe("InvalidArgument");
    const many = await sdkErr(sdk().putBucketTagging({ ...B, Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }));
    expect(many.code).toBe("InvalidArgument");
    const xml = "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>";
    const noKey = await raw("PUT", HOST, "/", { query: { tagging: "" }, body: xml, headers: { "Content-MD5": md5(xml) } });
    expect([noKey.status, errorCode(noKey)]).toEqual([400, "MalformedXML"]);
    expect(sb.store.get().buckets[0].tags).toBeUndefined();
  });
});

describe("GET Service for a janitor", () => {
  test("CreationDate per bucket; create-time/range and tagkey/tagvalue filters", async () => {
    const all = await sdk().getService({});
    expect(Object.fromEntries(all.Buckets.map((b) => [b.Name, b.CreationDate]))).toEqual({
      [BUCKET]: "2026-11-01T00:00:00Z",
      [EMPTY]: "2026-11-10T00:00:00Z",
      [`old-${APPID}`]: "2025-01-01T00:00:00Z",
    });
    const cutoff = String(Date.parse("2026-11-05T00:00:00Z") / 1000);
    const older = await sdk().getService({ CreateTime: Number(cutoff), CreateRange: "lt" });
    expect(older.Buckets.map((b) => b.Name).sort()).toEqual([BUCKET, `old-${APPID}`]);
    const tagged = await sdk().getService({ TagKey: "owner-run", TagValue: "r1" });
    expect(tagged.Buckets.map((b) => b.Name)).toEqual([`old-${APPID}`]);
    const bad = await raw("GET", "service.cos.myqcloud.com", "/", { query: { "create-time": "1", range: "around" } });
    expect([bad.status, errorCode(bad)]).toEqual([400, "InvalidArgument"]);
  });

  test("max-keys and marker page through the list with NextMarker", async () => {
    const p1 = await raw("GET", "service.cos.myqcloud.com", "/", { query: { "max-keys": "2" } });
    const doc1 = parser.parse(p1.body).ListAllMyBucketsResult;
    expect(doc1.Buckets.Bucket.map((b: { Name: string }) => b.Name)).toEqual([BUCKET, EMPTY]);
    expect(doc1.NextMarker).toBe(EMPTY);
    const p2 = parser.parse((await raw("GET", "service.cos.myqcloud.com", "/", { query: { "max-keys": "2", marker: EMPTY } })).body).ListAllMyBucketsResult;
    expect(p2.Buckets.Bucket.Name).toBe(`old-${APPID}`);
    expect(p2.NextMarker).toBeUndefined();
  });
});

describe("routing, CAM and faults for the write operations", () => {
  test("unmodelled sub-resources are NotImplemented, a served one with another method MethodNotAllowed", async () => {
    const lifecycle = await raw("PUT", HOST, "/", { query: { lifecycle: "" }, body: "<LifecycleConfiguration/>" });
    expect([lifecycle.status, errorCode(lifecycle)]).toEqual([501, "NotImplemented"]);
    // PUT Bucket (creation) is not modelled: routing (step 1) answers before the bucket lookup.
    const putBucket = await raw("PUT", `new-${APPID}.cos.${REGION}.myqcloud.com`, "/");
    expect([putBucket.status, errorCode(putBucket)]).toEqual([501, "NotImplemented"]);
    const post = await raw("POST", HOST, "/", { query: { cors: "" } });
    expect([post.status, errorCode(post)]).toEqual([405, "MethodNotAllowed"]);
    const objectAcl = await raw("PUT", HOST, "/a/1", { query: { acl: "" }, body: "<AccessControlPolicy/>" });
    expect([objectAcl.status, errorCode(objectAcl)]).toEqual([501, "NotImplemented"]);
    expect(Buffer.from(sb.store.get().buckets[0].objects["a/1"].body, "base64").toString()).toBe("1");
  });

  test("a sub-user needs the operation in its policy: PutBucketCORS allowed, PutBucketTagging and DeleteBucket denied", async () => {
    await expect(sdk(OPERATOR).putBucketCors({ ...B, CORSRules: [{ AllowedOrigin: ["*"], AllowedMethod: ["GET"] }] })).resolves.toMatchObject({ statusCode: 200 });
    const tag = await sdkErr(sdk(OPERATOR).putBucketTagging({ ...B, Tags: [{ Key: "a", Value: "b" }] }));
    expect([tag.statusCode, tag.code]).toEqual([403, "AccessDenied"]);
    const del = await sdkErr(sdk(OPERATOR).deleteBucket({ Bucket: EMPTY, Region: REGION }));
    expect([del.statusCode, del.code]).toEqual([403, "AccessDenied"]);
    const acl = await sdkErr(sdk(OPERATOR).putBucketAcl({ ...B, ACL: "public-read" }));
    expect(acl.code).toBe("AccessDenied");
    expect(sb.store.get().buckets.map((b) => b.name)).toContain(EMPTY);
  });

  test("faults are keyed by the operation name (cos:PutBucketTagging, cos:DeleteBucket)", async () => {
    sb.faults.set({ rules: { "cos:PutBucketTagging": { throttleRate: 1 }, "cos:deletebucket": { errorRate: 1 } } });
    const t = await raw("PUT", HOST, "/", { query: { tagging: "" }, body: "<Tagging><TagSet/></Tagging>" });
    expect([t.status, errorCode(t)]).toEqual([503, "SlowDown"]);
    const d = await raw("DELETE", EMPTY_HOST, "/");
    expect([d.status, errorCode(d)]).toEqual([500, "InternalError"]);
    expect((await raw("GET", HOST, "/", { query: { tagging: "" } })).status).toBe(404); // other operations unaffected
  });
});
