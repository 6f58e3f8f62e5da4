// Client layer against throwaway loopback servers that record what arrives: real host names on the wire, the
// override's port, no proxy, timeouts, no SDK retries, agents closed. (Behaviour against the emulator itself is
// covered in clients-sandbox.test.ts.)
import * as http from "http";
import { AddressInfo } from "net";
import { InputError } from "../../common/errors";
import { CloudError, CosClient, TencentApiClient, isRetryable, resolveEndpoints } from "../../validators/clients";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function recordingServer(handler: Handler): Promise<{ url: string; seen: Seen[]; server: http.Server; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const KEYS = { secretId: "AKIDtransporttest0000000000000000", secretKey: "transportSecretKeyCanary12345678" };
const SAVED_ENV = { ...process.env };

let proxy: Awaited<ReturnType<typeof recordingServer>>;

beforeAll(async () => {
  // A proxy that must never be used: if either SDK honoured the proxy env vars, requests would land here.
  proxy = await recordingServer((_req, res) => {
    res.writeHead(502).end();
  });
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) process.env[v] = proxy.url;
  delete process.env.NO_PROXY;
  delete process.env.no_proxy;
});

afterAll(async () => {
  process.env = SAVED_ENV;
  await proxy.close();
});

afterEach(() => {
  expect(proxy.seen).toEqual([]);
});

describe("resolveEndpoints", () => {
  test("explicit options win over the environment; empty values are unset", () => {
    const env = { LIVE_INFRA_API_ENDPOINT: "http://127.0.0.1:1111", LIVE_INFRA_COS_ENDPOINT: "" };
    const e = resolveEndpoints({ cosEndpoint: "http://127.0.0.1:2222" }, env);
    expect(e.api?.port).toBe("1111");
    expect(e.cos?.port).toBe("2222");
    const e2 = resolveEndpoints({ apiEndpoint: "http://localhost:3333" }, env);
    expect(e2.api?.hostname).toBe("localhost");
    expect(e2.cos).toBeUndefined();
    expect(resolveEndpoints({}, {})).toEqual({});
  });

  test("a bare host:port means http", () => {
    expect(resolveEndpoints({ apiEndpoint: "127.0.0.1:4444" }, {}).api?.href).toBe("http://127.0.0.1:4444/");
  });

  test("a bad URL is an InputError naming the flag or variable", () => {
    expect(() => resolveEndpoints({ apiEndpoint: "ftp://x" }, {})).toThrow(InputError);
    expect(() => resolveEndpoints({ apiEndpoint: "ftp://x" }, {})).toThrow(/--api-endpoint/);
    expect(() => resolveEndpoints({}, { LIVE_INFRA_COS_ENDPOINT: "http://a b" })).toThrow(/LIVE_INFRA_COS_ENDPOINT/);
    expect(() => resolveEndpoints({ cosEndpoint: "http://127.0.0.1:1/some/path" }, {})).toThrow(/--cos-endpoint.*without a path/);
  });
});

describe("TencentApiClient transport", () => {
  test("real host name and service scope on the wire, connection to the override's port", async () => {
    const srv = await recordingServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ Response: { TotalNum: 0, RequestId: "r-1" } }));
    });
    const client = new TencentApiClient({ ...KEYS, endpoints: resolveEndpoints({ apiEndpoint: srv.url }, {}), timeoutMs: 5000 });
    try {
      const port = new URL(srv.url).port;
      await expect(client.request("live", "DescribeLiveDomains", { DomainType: 0 })).resolves.toEqual({ TotalNum: 0, RequestId: "r-1" });
      await client.request("cdb", "DescribeDBInstances", { Limit: 1 }, { region: "ap-guangzhou" });
      const [live, cdb] = srv.seen;
      expect(live.headers.host).toBe(`live.tencentcloudapi.com:${port}`);
      expect(live.method).toBe("POST");
      expect(live.url).toBe("/");
      expect(live.headers["x-tc-action"]).toBe("DescribeLiveDomains");
      expect(live.headers["x-tc-version"]).toBe("2018-08-01");
      expect(live.headers["x-tc-region"]).toBeUndefined();
      expect(live.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtransporttest0000000000000000\/\d{4}-\d\d-\d\d\/live\/tc3_request/);
      expect(JSON.parse(live.body)).toEqual({ DomainType: 0 });
      expect(cdb.headers.host).toBe(`cdb.tencentcloudapi.com:${port}`);
      expect(cdb.headers["x-tc-version"]).toBe("2017-03-20");
      expect(cdb.headers["x-tc-region"]).toBe("ap-guangzhou");
    } finally {
      client.close();
      await srv.close();
    }
  });

  test("error envelope, HTTP status and dropped connections map to CloudError kinds; no retries", async () => {
    let n = 0;
    const answers: Array<(res: http.ServerResponse) => void> = [
      (res) => res.writeHead(200).end(JSON.stringify({ Response: { Error: { Code: "AuthFailure.SignatureFailure", Message: `bad ${KEYS.secretKey}` }, RequestId: "r-a" } })),
      (res) => res.writeHead(200).end(JSON.stringify({ Response: { Error: { Code: "RequestLimitExceeded", Message: "slow down" }, RequestId: "r-b" } })),
      (res) => res.writeHead(200).end(JSON.stringify({ Response: { Error: { Code: "ResourceNotFound.DomainNotExist", Message: "no" }, RequestId: "r-c" } })),
      (res) => res.writeHead(200).end(JSON.stringify({ Response: { Error: { Code: "InvalidParameterValue", Message: "no" }, RequestId: "r-d" } })),
      (res) => res.writeHead(502).end("bad gateway"),
      (res) => res.socket?.destroy(),
    ];
    const srv = await recordingServer((_req, res) => answers[n++](res));
    const client = new TencentApiClient({ ...KEYS, endpoints: resolveEndpoints({ apiEndpoint: srv.url }, {}), timeoutMs: 5000 });
    const call = () => client.request("live", "DescribeLiveDomains", {}).then(() => undefined, (e) => e as CloudError);
    try {
      const auth = await call();
      expect(auth).toBeInstanceOf(CloudError);
      expect(auth).toMatchObject({ code: "AuthFailure.SignatureFailure", kind: "auth", requestId: "r-a", httpStatus: 200, service: "live", operation: "DescribeLiveDomains" });
      expect(auth!.message).not.toContain(KEYS.secretKey);
      expect(isRetryable(auth)).toBe(false);
      const thr = await call();
      expect(thr).toMatchObject({ code: "RequestLimitExceeded", kind: "throttled" });
      expect(isRetryable(thr)).toBe(true);
      expect(await call()).toMatchObject({ code: "ResourceNotFound.DomainNotExist", kind: "not-found" });
      expect(await call()).toMatchObject({ code: "InvalidParameterValue", kind: "client" });
      const s5 = await call();
      expect(s5).toMatchObject({ kind: "server", httpStatus: 502 });
      expect(isRetryable(s5)).toBe(true);
      const drop = await call();
      expect(drop).toMatchObject({ kind: "network" });
      expect(isRetryable(drop)).toBe(true);
      expect(srv.seen).toHaveLength(6); // one request per call
    } finally {
      client.close();
      await srv.close();
    }
  });

  test("an answer cut off mid-body fails retryably (node-fetch may only notice at the timeout)", async () => {
    const srv = await recordingServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"Response":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const client = new TencentApiClient({ ...KEYS, endpoints: resolveEndpoints({ apiEndpoint: srv.url }, {}), timeoutMs: 500 });
    try {
      const err = await client.request("live", "DescribeLiveDomains", {}).catch((e) => e);
      expect(err).toBeInstanceOf(CloudError);
      expect(["network", "timeout"]).toContain(err.kind);
      expect(isRetryable(err)).toBe(true);
    } finally {
      client.close();
      await srv.close();
    }
  });

  test("a hung endpoint fails with kind timeout", async () => {
    const srv = await recordingServer(() => {
      /* never answers */
    });
    const client = new TencentApiClient({ ...KEYS, endpoints: resolveEndpoints({ apiEndpoint: srv.url }, {}), timeoutMs: 300 });
    try {
      const started = Date.now();
      const err = await client.request("live", "DescribeLiveDomains", {}).catch((e) => e);
      expect(err).toMatchObject({ code: "Timeout", kind: "timeout" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(isRetryable(err)).toBe(true);
    } finally {
      client.close();
      await srv.close();
    }
  });

  test("close() aborts a request in flight and leaves no connection open", async () => {
    const srv = await recordingServer(() => {
      /* never answers */
    });
    const client = new TencentApiClient({ ...KEYS, endpoints: resolveEndpoints({ apiEndpoint: srv.url }, {}), timeoutMs: 30_000 });
    const pending = client.request("live", "DescribeLiveDomains", {}).catch((e) => e);
    while (srv.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    client.close();
    expect(await pending).toMatchObject({ kind: "network" });
    const open = () => new Promise<number>((r) => srv.server.getConnections((_e, c) => r(c)));
    while ((await open()) > 0) await new Promise((r) => setTimeout(r, 10));
    await expect(client.request("live", "DescribeLiveDomains", {})).rejects.toMatchObject({ code: "ClientClosed", kind: "client" });
    await srv.close();
  });
});

describe("CosClient transport", () => {
  const BUCKET = { bucket: "examplebucket-1250000000", region: "ap-guangzhou" };

  test("virtual host in Host, q-sign over it, connection to the override", async () => {
    const srv = await recordingServer((req, res) => {
      res.setHeader("x-cos-request-id", "cos-r-1");
      if (req.method === "PUT") res.writeHead(200, { etag: '"abc"' }).end();
      else if (req.method === "HEAD") res.writeHead(200, { "x-cos-bucket-region": "ap-guangzhou" }).end();
      else res.writeHead(200, { "content-type": "application/xml" }).end(
        "<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/1:uin/1</ID><DisplayName>1</DisplayName></Owner><Buckets><Bucket><Name>a-1250000000</Name><Location>ap-guangzhou</Location><CreationDate>2026-01-01T00:00:00Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>",
      );
    });
    const cos = new CosClient({ ...KEYS, endpoints: resolveEndpoints({ cosEndpoint: srv.url }, {}), timeoutMs: 5000 });
    try {
      await expect(cos.headBucket(BUCKET)).resolves.toEqual({ region: "ap-guangzhou", requestId: "cos-r-1" });
      await expect(cos.putObject({ ...BUCKET, key: "dir/腾讯云.txt", body: "hello", contentType: "text/plain", meta: { probe: "1" } })).resolves.toEqual({ etag: '"abc"', requestId: "cos-r-1" });
      const svc = await cos.getService();
      expect(svc.buckets).toEqual([{ name: "a-1250000000", region: "ap-guangzhou", creationDate: "2026-01-01T00:00:00Z" }]);
      const [head, put, get] = srv.seen;
      expect(head.headers.host).toBe("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com");
      expect(head.method).toBe("HEAD");
      expect(head.headers.authorization).toMatch(/^q-sign-algorithm=sha1&q-ak=AKIDtransporttest0000000000000000&q-sign-time=\d+;\d+&q-key-time=\d+;\d+&q-header-list=[^&]*host[^&]*&q-url-param-list=&q-signature=[0-9a-f]{40}$/);
      expect(put.url).toBe("/dir/%E8%85%BE%E8%AE%AF%E4%BA%91.txt");
      expect(put.headers["x-cos-meta-probe"]).toBe("1");
      expect(put.headers["content-type"]).toBe("text/plain");
      expect(put.body).toBe("hello");
      expect(get.headers.host).toBe("service.cos.myqcloud.com");
    } finally {
      cos.close();
      await srv.close();
    }
  });

  test("errors map to kinds, and the SDK's own retries never reach the network", async () => {
    let n = 0;
    const answers: Array<(res: http.ServerResponse) => void> = [
      (res) => res.writeHead(503, { "content-type": "application/xml" }).end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>q1</RequestId></Error>"),
      (res) => res.writeHead(500, { "content-type": "application/xml" }).end("<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"),
      (res) => res.socket?.destroy(),
      (res) => res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>SignatureDoesNotMatch</Code><Message>The Signature you specified is invalid.</Message><RequestId>q4</RequestId></Error>"),
      (res) => res.writeHead(404, { "content-type": "application/xml" }).end("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"),
      (res) => res.writeHead(404).end(),
    ];
    const srv = await recordingServer((_req, res) => {
      res.setHeader("x-cos-request-id", `hdr-${n}`);
      answers[n++](res);
    });
    const cos = new CosClient({ ...KEYS, endpoints: resolveEndpoints({ cosEndpoint: srv.url }, {}), timeoutMs: 5000 });
    const obj = { ...BUCKET, key: "probe" };
    try {
      const slow = await cos.getObject(obj).catch((e) => e);
      expect(slow).toMatchObject({ code: "SlowDown", kind: "throttled", httpStatus: 503, requestId: "hdr-0", service: "cos", operation: "GetObject" });
      expect(srv.seen).toHaveLength(1);
      expect(await cos.getObject(obj).catch((e) => e)).toMatchObject({ code: "InternalError", kind: "server", httpStatus: 500 });
      expect(srv.seen).toHaveLength(2);
      const drop = await cos.headObject(obj).catch((e) => e);
      expect(drop).toMatchObject({ kind: "network" });
      expect(isRetryable(drop)).toBe(true);
      expect(srv.seen).toHaveLength(3);
      expect(await cos.getObject(obj).catch((e) => e)).toMatchObject({ code: "SignatureDoesNotMatch", kind: "auth", httpStatus: 403 });
      expect(await cos.getObject(obj).catch((e) => e)).toMatchObject({ code: "NoSuchKey", kind: "not-found", httpStatus: 404 });
      expect(await cos.headBucket(BUCKET).catch((e) => e)).toMatchObject({ code: "404", kind: "not-found", httpStatus: 404 });
      expect(srv.seen).toHaveLength(6);
    } finally {
      cos.close();
      await srv.close();
    }
  });

  test("a connection cut in the middle of an answer is kind network", async () => {
    const srv = await recordingServer((_req, res) => {
      res.writeHead(200, { "content-length": "100", "x-cos-request-id": "r" });
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const cos = new CosClient({ ...KEYS, endpoints: resolveEndpoints({ cosEndpoint: srv.url }, {}), timeoutMs: 5000 });
    try {
      const e = await cos.getObject({ ...BUCKET, key: "k" }).catch((x) => x);
      expect(e).toMatchObject({ kind: "network", code: "ECONNRESET" });
      expect(srv.seen).toHaveLength(1);
    } finally {
      cos.close();
      await srv.close();
    }
  });

  test("close() aborts a request in flight and leaves no connection open", async () => {
    const srv = await recordingServer(() => {
      /* never answers */
    });
    const cos = new CosClient({ ...KEYS, endpoints: resolveEndpoints({ cosEndpoint: srv.url }, {}), timeoutMs: 30_000 });
    const pending = cos.headBucket(BUCKET).catch((e) => e);
    while (srv.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    cos.close();
    expect(await pending).toMatchObject({ kind: "network" });
    const open = () => new Promise<number>((r) => srv.server.getConnections((_e, c) => r(c)));
    while ((await open()) > 0) await new Promise((r) => setTimeout(r, 10));
    await expect(cos.headBucket(BUCKET)).rejects.toMatchObject({ code: "ClientClosed", kind: "client" });
    await srv.close();
  });

  test("a hung endpoint fails with kind timeout; bad parameters fail locally with kind client", async () => {
    const srv = await recordingServer(() => {
      /* never answers */
    });
    const cos = new CosClient({ ...KEYS, endpoints: resolveEndpoints({ cosEndpoint: srv.url }, {}), timeoutMs: 300 });
    try {
      const err = await cos.headBucket(BUCKET).catch((e) => e);
      expect(err).toMatchObject({ code: "Timeout", kind: "timeout" });
      const bad = await cos.headBucket({ bucket: "no-appid", region: "ap-guangzhou" }).catch((e) => e);
      expect(bad).toBeInstanceOf(CloudError);
      expect(bad.kind).toBe("client");
      expect(srv.seen).toHaveLength(1);
    } finally {
      cos.close();
      await srv.close();
    }
  });
});
