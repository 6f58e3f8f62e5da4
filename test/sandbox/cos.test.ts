// The sandbox's COS XML endpoint, driven by the official cos-nodejs-sdk-v5 over real HTTP (Ip option: the
// connection goes to the sandbox, Host keeps the real virtual host), plus raw HTTP where the wire itself is the
// point (error XML, empty HEAD bodies, headers).
import * as http from "http";
import { createHash } from "crypto";
import COS = require("cos-nodejs-sdk-v5");
import { XMLParser } from "fast-xml-parser";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { Credential, State } from "../../sandbox/state";
import { OWNER, baseState } from "../helpers/sandbox";

const APPID = "1250000000";
const BUCKET = `demo-${APPID}`;
const OTHER = `other-${APPID}`;
const PUBLIC = `pub-${APPID}`;
const REGION = "ap-guangzhou";
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;

/** A sub-user allowed object actions on demo-…/* only. */
const UPLOADER: Credential = {
  secretId: "AKIDsandboxUploader00000000000000000",
  secretKey: "sandboxUploaderSecretKey00000000",
  kind: "sub-user",
  uin: "100000000003",
  policy: {
    version: "2.0",
    statement: [
      {
        effect: "allow",
        action: ["name/cos:PutObject", "name/cos:GetObject", "name/cos:HeadObject", "name/cos:DeleteObject"],
        resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/*`],
      },
    ],
  },
};

function state(): State {
  const s = baseState();
  s.credentials.push(structuredClone(UPLOADER));
  const created = "2026-11-01T00:00:00.000Z";
  s.buckets.push(
    {
      name: BUCKET,
      region: REGION,
      acl: "private",
      createTime: created,
      cors: [{ id: "app", allowedOrigins: ["*"], allowedMethods: ["PUT", "GET", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
      objects: {},
    },
    { name: OTHER, region: REGION, acl: "private", createTime: created, cors: [], objects: {} },
    {
      name: PUBLIC,
      region: "ap-shanghai",
      acl: "public-read",
      createTime: created,
      cors: [],
      objects: { "hello.txt": { body: Buffer.from("hi").toString("base64"), contentType: "text/plain", etag: `"${createHash("md5").update("hi").digest("hex")}"`, lastModified: created, meta: {} } },
    },
  );
  return s;
}

let sb: Sandbox;
const logs: string[] = [];

beforeAll(async () => {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  sb = await startSandbox({ state: state(), log: (l) => logs.push(l) });
});

afterAll(async () => {
  await sb.close();
});

beforeEach(() => {
  sb.store.replace(state());
  sb.faults.set({ rules: {} });
});

function sdk(cred: Pick<Credential, "secretId" | "secretKey"> = OWNER, port = sb.port): COS {
  return new COS({
    SecretId: cred.secretId,
    SecretKey: cred.secretKey,
    Protocol: "http:",
    Ip: `127.0.0.1:${port}`,
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

/** One raw HTTP request to the sandbox with the given Host; signed with the SDK's static signer when `cred` is set. */
function raw(method: string, host: string, path: string, opts: { cred?: Pick<Credential, "secretId" | "secretKey">; headers?: Record<string, string>; body?: string; query?: Record<string, string> } = {}): Promise<Raw> {
  const headers: Record<string, string> = { Host: host, ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(opts.body));
  if (opts.cred) {
    headers.Authorization = COS.getAuthorization({
      SecretId: opts.cred.secretId,
      SecretKey: opts.cred.secretKey,
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

function errorXml(r: Raw): Record<string, string> {
  expect(r.headers["content-type"]).toBe("application/xml");
  const doc = parser.parse(r.body);
  expect(Object.keys(doc.Error).sort()).toEqual(["Code", "Message", "RequestId", "Resource", "TraceId"]);
  expect(doc.Error.RequestId).toBe(r.headers["x-cos-request-id"]);
  return doc.Error;
}

describe("COS operations", () => {
  test("GET Service lists the account's buckets; cos.<region> lists one region's", async () => {
    const all = await sdk().getService({});
    expect(all.Owner).toEqual({ ID: `qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`, DisplayName: OWNER.uin });
    expect(all.Buckets.map((b) => [b.Name, b.Location]).sort()).toEqual([[BUCKET, REGION], [OTHER, REGION], [PUBLIC, "ap-shanghai"]].sort());
    expect(all.Buckets[0].CreationDate).toBe("2026-11-01T00:00:00Z");
    const sh = await sdk().getService({ Region: "ap-shanghai" });
    expect(sh.Buckets.map((b) => b.Name)).toEqual([PUBLIC]);
    expect(all.headers?.["x-cos-request-id"]).toBeTruthy();
  });

  test("HEAD Bucket answers 200 with x-cos-bucket-region", async () => {
    const r = await sdk().headBucket({ Bucket: BUCKET, Region: REGION });
    expect(r.statusCode).toBe(200);
    expect(r.headers?.["x-cos-bucket-region"]).toBe(REGION);
  });

  test("PUT, GET, HEAD, DELETE Object with metadata, content type and ETag (Unicode key)", async () => {
    const key = "uploads/腾讯云 (1).txt";
    const put = await sdk().putObject({ Bucket: BUCKET, Region: REGION, Key: key, Body: Buffer.from("hello"), ContentType: "text/plain", Headers: { "x-cos-meta-room": "42" } });
    const md5 = createHash("md5").update("hello").digest("hex");
    expect(put.ETag).toBe(`"${md5}"`);
    const get = await sdk().getObject({ Bucket: BUCKET, Region: REGION, Key: key });
    expect(get.Body.toString()).toBe("hello");
    expect(get.headers?.["content-type"]).toBe("text/plain");
    expect(get.headers?.["x-cos-meta-room"]).toBe("42");
    expect(get.ETag).toBe(`"${md5}"`);
    const head = await sdk().headObject({ Bucket: BUCKET, Region: REGION, Key: key });
    expect(head.headers?.["content-length"]).toBe("5");
    expect(head.headers?.["last-modified"]).toMatch(/GMT$/);
    const del = await sdk().deleteObject({ Bucket: BUCKET, Region: REGION, Key: key });
    expect(del.statusCode).toBe(204);
    const gone = await sdkErr(sdk().getObject({ Bucket: BUCKET, Region: REGION, Key: key }));
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe("NoSuchKey");
    // DELETE of a missing key is still 204.
    expect((await sdk().deleteObject({ Bucket: BUCKET, Region: REGION, Key: key })).statusCode).toBe(204);
  });

  test("GET Bucket lists objects by prefix", async () => {
    for (const k of ["a/1", "a/2", "b/1"]) await sdk().putObject({ Bucket: BUCKET, Region: REGION, Key: k, Body: "x" });
    const r = await sdk().getBucket({ Bucket: BUCKET, Region: REGION, Prefix: "a/" });
    expect(r.Contents.map((c) => c.Key)).toEqual(["a/1", "a/2"]);
    expect(r.IsTruncated).toBe("false");
    const page = await sdk().getBucket({ Bucket: BUCKET, Region: REGION, MaxKeys: 2 });
    expect(page.Contents).toHaveLength(2);
    expect(page.IsTruncated).toBe("true");
    expect(page.NextMarker).toBe("a/2");
  });

  test("GET Bucket cors returns the rules; without any COS answers 404 NoSuchCORSConfiguration", async () => {
    const r = await sdk().getBucketCors({ Bucket: BUCKET, Region: REGION });
    expect(r.CORSRules).toEqual([
      { ID: "app", AllowedOrigins: ["*"], AllowedMethods: ["PUT", "GET", "POST"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: "600" },
    ]);
    // The SDK turns NoSuchCORSConfiguration into an empty success ...
    const none = await sdk().getBucketCors({ Bucket: OTHER, Region: REGION });
    expect(none.CORSRules).toEqual([]);
    // ... on the wire it is a 404 with an error body.
    const w = await raw("GET", `${OTHER}.cos.${REGION}.myqcloud.com`, "/", { cred: OWNER, query: { cors: "" } });
    expect(w.status).toBe(404);
    expect(errorXml(w)).toMatchObject({ Code: "NoSuchCORSConfiguration" });
  });

  test("GET Bucket acl returns owner, grants and x-cos-acl", async () => {
    const r = await sdk().getBucketAcl({ Bucket: BUCKET, Region: REGION });
    expect(r.ACL).toBe("private");
    expect(r.Owner.ID).toBe(`qcs::cam::uin/${OWNER.uin}:uin/${OWNER.uin}`);
    expect(r.Grants).toHaveLength(1);
    expect(r.Grants[0].Permission).toBe("FULL_CONTROL");
    const pub = await sdk().getBucketAcl({ Bucket: PUBLIC, Region: "ap-shanghai" });
    expect(pub.ACL).toBe("public-read");
    expect(pub.Grants.map((g) => g.Permission)).toEqual(["FULL_CONTROL", "READ"]);
  });

  test("a presigned URL (q-sign in the query) is accepted", async () => {
    await sdk().putObject({ Bucket: BUCKET, Region: REGION, Key: "p.txt", Body: "presigned" });
    const url = new URL(sdk().getObjectUrl({ Bucket: BUCKET, Region: REGION, Key: "p.txt", Sign: true }, () => undefined) as unknown as string);
    expect(url.host).toBe(HOST);
    const r = await new Promise<Raw>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: sb.port, path: url.pathname + url.search, headers: { Host: url.host }, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        })
        .on("error", reject);
    });
    expect(r.status).toBe(200);
    expect(r.body).toBe("presigned");
  });
});

describe("COS errors", () => {
  test("HEAD of a missing bucket: 404 with an empty body and x-cos-request-id", async () => {
    const e = await sdkErr(sdk().headBucket({ Bucket: `nope-${APPID}`, Region: REGION }));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe("404");
    const w = await raw("HEAD", `nope-${APPID}.cos.${REGION}.myqcloud.com`, "/", { cred: OWNER });
    expect(w.status).toBe(404);
    expect(w.body).toBe("");
    expect(w.headers["content-length"]).toBe("0");
    expect(w.headers["x-cos-request-id"]).toBeTruthy();
  });

  test("GET on a missing bucket: 404 NoSuchBucket with the full error XML", async () => {
    const w = await raw("GET", `nope-${APPID}.cos.${REGION}.myqcloud.com`, "/probe", { cred: OWNER });
    expect(w.status).toBe(404);
    const e = errorXml(w);
    expect(e).toMatchObject({ Code: "NoSuchBucket", Message: "The specified bucket does not exist.", Resource: `nope-${APPID}.cos.${REGION}.myqcloud.com/probe` });
    expect(e.TraceId).toBeTruthy();
    expect(w.headers.server).toBe("tencent-cos");
  });

  test("an existing bucket addressed through another region answers NoSuchBucket", async () => {
    const e = await sdkErr(sdk().getObject({ Bucket: BUCKET, Region: "ap-shanghai", Key: "x" }));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe("NoSuchBucket");
    const h = await sdkErr(sdk().headBucket({ Bucket: BUCKET, Region: "ap-beijing" }));
    expect(h.statusCode).toBe(404);
  });

  test("signed GET of a missing key tells unknown SecretId, wrong SecretKey and valid keys apart", async () => {
    const get = (cred: Pick<Credential, "secretId" | "secretKey">) => sdkErr(sdk(cred).getObject({ Bucket: BUCKET, Region: REGION, Key: ".live-infra-probe/x" }));
    const unknown = await get({ secretId: "AKIDdoesNotExist0000000000000000000", secretKey: OWNER.secretKey });
    expect([unknown.statusCode, unknown.code]).toEqual([403, "InvalidAccessKeyId"]);
    expect(unknown.message).toBe("The Access Key Id you provided does not exist in our records.");
    const wrongKey = await get({ secretId: OWNER.secretId, secretKey: OWNER.secretKey.slice(0, -1) + "X" });
    expect([wrongKey.statusCode, wrongKey.code]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(wrongKey.error.Resource).toBe(`${HOST}/.live-infra-probe/x`);
    const ok = await get(OWNER);
    expect([ok.statusCode, ok.code]).toEqual([404, "NoSuchKey"]);
  });

  test("a tampered request (signed header changed after signing) fails the signature", async () => {
    const headers = { "x-cos-meta-a": "1" };
    const auth = COS.getAuthorization({ SecretId: OWNER.secretId, SecretKey: OWNER.secretKey, Method: "PUT", Key: "t", Headers: { Host: HOST, ...headers, "Content-Length": "1" } });
    const w = await raw("PUT", HOST, "/t", { headers: { ...headers, "x-cos-meta-a": "2", Authorization: auth }, body: "x" });
    expect(w.status).toBe(403);
    expect(errorXml(w).Code).toBe("SignatureDoesNotMatch");
  });

  test("an expired signature is AccessDenied 'Request has expired'", async () => {
    const late = await startSandbox({ state: state(), now: () => Date.now() + 2 * 3600_000 });
    try {
      const e = await sdkErr(sdk(OWNER, late.port).getObject({ Bucket: BUCKET, Region: REGION, Key: "x" }));
      expect([e.statusCode, e.code, e.message]).toEqual([403, "AccessDenied", "Request has expired"]);
    } finally {
      await late.close();
    }
  });

  test("a sub-user inside its policy may upload; outside it gets AccessDenied", async () => {
    const up = sdk(UPLOADER);
    await expect(up.putObject({ Bucket: BUCKET, Region: REGION, Key: "uploads/a.jpg", Body: "x" })).resolves.toMatchObject({ statusCode: 200 });
    await expect(up.headObject({ Bucket: BUCKET, Region: REGION, Key: "uploads/a.jpg" })).resolves.toMatchObject({ statusCode: 200 });
    const other = await sdkErr(up.putObject({ Bucket: OTHER, Region: REGION, Key: "a.jpg", Body: "x" }));
    expect([other.statusCode, other.code, other.message]).toEqual([403, "AccessDenied", "Access Denied."]);
    const cors = await sdkErr(up.getBucketCors({ Bucket: BUCKET, Region: REGION }));
    expect([cors.statusCode, cors.code]).toEqual([403, "AccessDenied"]);
    const svc = await sdkErr(up.getService({}));
    expect(svc.code).toBe("AccessDenied");
  });

  test("anonymous requests: AccessDenied on a private bucket, allowed reads on a public-read one", async () => {
    const priv = await raw("GET", HOST, "/x");
    expect(priv.status).toBe(403);
    expect(errorXml(priv).Code).toBe("AccessDenied");
    const pub = await raw("GET", `${PUBLIC}.cos.ap-shanghai.myqcloud.com`, "/hello.txt");
    expect([pub.status, pub.body]).toEqual([200, "hi"]);
    const put = await raw("PUT", `${PUBLIC}.cos.ap-shanghai.myqcloud.com`, "/x", { body: "x" });
    expect(put.status).toBe(403);
  });

  test("a wrong Content-MD5 is BadDigest", async () => {
    const w = await raw("PUT", HOST, "/m", { cred: OWNER, headers: { "Content-MD5": createHash("md5").update("other").digest("base64") }, body: "body" });
    expect(w.status).toBe(400);
    expect(errorXml(w).Code).toBe("BadDigest");
  });

  test("a malformed Authorization is refused with AccessDenied", async () => {
    const w = await raw("GET", HOST, "/x", { headers: { Authorization: "q-sign-algorithm=sha1&q-ak=AKIDx" } });
    expect(w.status).toBe(403);
    expect(errorXml(w).Code).toBe("AccessDenied");
  });
});

describe("COS decision order (table in sandbox/cos/handler.ts)", () => {
  const UNKNOWN = { secretId: "AKIDnobody00000000000000000000000000", secretKey: "x".repeat(32) };
  const WRONG_KEY = { secretId: OWNER.secretId, secretKey: "y".repeat(32) };

  test("bucket lookup and region come before authentication", async () => {
    expect((await sdkErr(sdk(UNKNOWN).getObject({ Bucket: `nope-${APPID}`, Region: REGION, Key: "x" }))).code).toBe("NoSuchBucket");
    expect((await sdkErr(sdk(WRONG_KEY).getObject({ Bucket: BUCKET, Region: "ap-beijing", Key: "x" }))).code).toBe("NoSuchBucket");
    expect((await raw("GET", `nope-${APPID}.cos.${REGION}.myqcloud.com`, "/x")).status).toBe(404); // anonymous too
  });

  test("time window before SecretId, SecretId before signature", async () => {
    const late = await startSandbox({ state: state(), now: () => Date.now() + 2 * 3600_000 });
    try {
      expect((await sdkErr(sdk(UNKNOWN, late.port).getObject({ Bucket: BUCKET, Region: REGION, Key: "x" }))).message).toBe("Request has expired");
    } finally {
      await late.close();
    }
    expect((await sdkErr(sdk({ secretId: UNKNOWN.secretId, secretKey: WRONG_KEY.secretKey }).getObject({ Bucket: BUCKET, Region: REGION, Key: "x" }))).code).toBe("InvalidAccessKeyId");
  });

  test("authorisation before the operation: a sub-user outside its policy never learns whether a key exists", async () => {
    const e = await sdkErr(sdk(UPLOADER).getObject({ Bucket: OTHER, Region: REGION, Key: "missing" }));
    expect([e.statusCode, e.code]).toEqual([403, "AccessDenied"]);
  });

  test("faults come before everything else", async () => {
    sb.faults.set({ rules: { "cos:GetObject": { throttleRate: 1 } } });
    const w = await raw("GET", `nope-${APPID}.cos.${REGION}.myqcloud.com`, "/x", { cred: UNKNOWN });
    expect(w.status).toBe(503);
  });
});

describe("COS faults", () => {
  test("throttling: 503 SlowDown", async () => {
    sb.faults.set({ rules: { "cos:HeadObject": { throttleRate: 1 } } });
    const e = await sdkErr(sdk().headObject({ Bucket: BUCKET, Region: REGION, Key: "x" }));
    expect(e.statusCode).toBe(503);
    const w = await raw("GET", HOST, "/x", { cred: OWNER });
    expect(w.status).toBe(404); // other operations unaffected
    sb.faults.set({ rules: { "cos:GetObject": { throttleRate: 1 } } });
    const g = await raw("GET", HOST, "/x", { cred: OWNER });
    expect(g.status).toBe(503);
    expect(errorXml(g)).toMatchObject({ Code: "SlowDown" });
  });

  test("server errors: 500 InternalError", async () => {
    sb.faults.set({ rules: { "cos:*": { errorRate: 1 } } });
    const g = await raw("GET", HOST, "/x", { cred: OWNER });
    expect(g.status).toBe(500);
    expect(errorXml(g)).toMatchObject({ Code: "InternalError" });
  });

  test("dropped connections: the socket is destroyed without an answer", async () => {
    sb.faults.set({ rules: { "cos:GetObject": { dropRate: 1 } } });
    await expect(raw("GET", HOST, "/x", { cred: OWNER })).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  test("latency: the answer comes no earlier than the injected delay", async () => {
    sb.faults.set({ rules: { "cos:HeadBucket": { latencyMs: 200 } } });
    const t0 = Date.now();
    await sdk().headBucket({ Bucket: BUCKET, Region: REGION });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(195);
  });
});
