/**
 * COS XML client over `cos-nodejs-sdk-v5`. Each operation returns plain data or throws a `CloudError`.
 *
 * How the SDK is tamed (3.0.0, see its `sdk/base.js`):
 * - Endpoint override: the `Ip` option sends the connection to the override while the `Host` header (and the
 *   signature) keep the real virtual host `<bucket>.cos.<region>.myqcloud.com`.
 * - Proxy: the SDK's `before-send` hook sets our agent and an explicit `proxy: null` on every request, so the
 *   underlying request module never reads `HTTP_PROXY` / `HTTPS_PROXY`.
 * - Retries: the SDK retries 5xx and network errors up to 3 times and has no option to stop that. Each operation
 *   uses its own (cheap) COS instance; its first attempt goes out, later attempts get an agent that fails them
 *   locally, and the operation reports the first attempt's outcome. So one call = one HTTP request.
 * - Host switching and clock-skew correction are disabled (they would retry as well).
 */
import * as http from "http";
import * as https from "https";
import type COS = require("cos-nodejs-sdk-v5");
import type { XMLParser } from "fast-xml-parser";
import { lazyModule } from "../../common/lazy";
import { redact } from "../../common/mask";
import { CloudError, CloudErrorKind, cosErrorKind, transportCode, transportKind } from "./errors";
import { Endpoints, createAgent, endpointPort } from "./endpoints";
import type { RateLimiter } from "./rate-limit";
import { DEFAULT_TIMEOUT_MS, abortedError } from "./tencent-api";

export interface CosClientOptions {
  secretId: string;
  secretKey: string;
  /** From `resolveEndpoints`; `endpoints.cos` redirects the connections. Default: the real cloud (HTTPS). */
  endpoints?: Endpoints;
  /** Upper bound for one request, connection to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Paces every request (each attempt) per operation (see clients/rate-limit.ts). Default: no pacing. */
  rateLimiter?: RateLimiter;
  /**
   * Whose limits the requests count against (the account; sub-users share their root account's). Default: this
   * client's SecretId. A fleet passes the control-plane SecretId, so the backend's sub-user keys count with it.
   */
  rateLimitAccount?: string;
}

/** A bucket in full form `<name>-<appid>` and its region. */
export interface BucketRef {
  bucket: string;
  region: string;
}

export interface ObjectRef extends BucketRef {
  key: string;
}

export interface CosOwner {
  /** `qcs::cam::uin/<OwnerUin>:uin/<OwnerUin>` */
  id: string;
  displayName: string;
}

export interface CosBucketInfo {
  name: string;
  region: string;
  creationDate: string;
}

export interface CosCorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface CosGrant {
  grantee: { type: string; id?: string; displayName?: string; uri?: string };
  permission: string;
}

export interface CosObjectInfo {
  contentType?: string;
  contentLength: number;
  /** Quoted, as COS sends it: `"0cc175b9c0f1b6a831c399e269772661"`. */
  etag?: string;
  lastModified?: string;
  /** `x-cos-meta-*` headers without the prefix, lower-case names. */
  meta: Record<string, string>;
  requestId?: string;
}

interface Attempt {
  err?: unknown;
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
}

const cosSdk = lazyModule(() => require("cos-nodejs-sdk-v5") as typeof COS);
const xmlParser = lazyModule((): XMLParser => {
  const { XMLParser: Parser } = require("fast-xml-parser") as typeof import("fast-xml-parser");
  return new Parser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
});

/** An agent that fails every request locally: used for the SDK's own retries. */
function refusingAgent(protocol: string): http.Agent {
  const agent = protocol === "https:" ? new https.Agent() : new http.Agent();
  // Node's Agent calls createConnection(options, oncreate) and fails the request when oncreate gets an error.
  (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb?: (err: Error) => void) => {
    const err = Object.assign(new Error("SDK retry suppressed by the client layer"), { code: "ERETRYSUPPRESSED" });
    process.nextTick(() => cb?.(err));
    return undefined;
  };
  return agent;
}

function arr<T>(v: T | T[] | undefined | null): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function header(h: http.IncomingHttpHeaders | undefined, name: string): string | undefined {
  const v = h?.[name];
  return Array.isArray(v) ? v[0] : v;
}

function metaOf(h: http.IncomingHttpHeaders | undefined): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (k.startsWith("x-cos-meta-") && v !== undefined) meta[k.slice(11)] = Array.isArray(v) ? v.join(",") : v;
  return meta;
}

/**
 * Reaches COS with the official SDK. Bucket names are full (`name-appid`). Every call is one HTTP request,
 * bounded by `timeoutMs`, never retried.
 */
export class CosClient {
  private readonly agent: http.Agent;
  private readonly refusing: http.Agent;
  private readonly timeoutMs: number;
  /** Shared with the views {@link withSignal} makes, so closing any of them closes all. */
  private readonly state = { closed: false };
  /** The caller's abort signal of a {@link withSignal} view. */
  private signal: AbortSignal | undefined;

  constructor(private readonly opts: CosClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.agent = createAgent(opts.endpoints?.cos);
    this.refusing = refusingAgent(opts.endpoints?.cos?.protocol ?? "https:");
  }

  private newSdk(): COS {
    const override = this.opts.endpoints?.cos;
    const Sdk = cosSdk();
    return new Sdk({
      SecretId: this.opts.secretId,
      SecretKey: this.opts.secretKey,
      Protocol: override?.protocol === "http:" ? "http:" : "https:",
      ...(override ? { Ip: `${override.hostname}:${endpointPort(override)}` } : {}),
      // Our own timer (run) decides timeouts and ends the request; the SDK's is a later second line.
      Timeout: this.timeoutMs + 1000,
      KeepAlive: false,
      AutoSwitchHost: false,
      CorrectClockSkew: false,
      FollowRedirect: false,
    });
  }

  /** Runs one SDK call as exactly one HTTP request, in a rate-limiter slot when paced; maps failures to CloudError. */
  private run<T>(operation: string, call: (sdk: COS) => Promise<T>): Promise<T> {
    const limiter = this.opts.rateLimiter;
    if (!limiter || this.state.closed) return this.runNow(operation, call);
    // The wait for a slot is not part of the request's own time bound; the slot is freed when the answer is in (or
    // when nothing could be sent: a synchronous failure before the request exists frees it at once).
    return limiter.acquire("cos", operation, this.opts.rateLimitAccount ?? this.opts.secretId, this.signal).then(
      (release) => {
        let sent: Promise<T> | undefined;
        try {
          sent = this.runNow(operation, call);
          return sent.finally(release);
        } finally {
          if (!sent) release();
        }
      },
      (err) => {
        throw abortedError(err, "cos", operation);
      },
    );
  }

  /**
   * A view of this client whose calls carry `signal` (a check's or a run's): once aborted, a call still waiting for
   * a rate-limit slot is never sent and rejects with a CloudError of kind `timeout` (code `Aborted`). Shares the
   * client's agents and state.
   */
  withSignal(signal: AbortSignal): CosClient {
    const view = Object.create(this) as CosClient;
    view.signal = signal;
    return view;
  }

  private runNow<T>(operation: string, call: (sdk: COS) => Promise<T>): Promise<T> {
    if (this.state.closed) return Promise.reject(new CloudError({ code: "ClientClosed", message: "the COS client was closed", kind: "client", service: "cos", operation }));
    const sdk = this.newSdk();
    let attempts = 0;
    let first: Attempt | undefined;
    let inflight: http.ClientRequest | undefined;
    sdk.on("before-send", (opt: any) => {
      attempts++;
      opt.proxy = null; // an own property stops the request module from reading proxy env vars
      delete opt.forever;
      if (attempts === 1) {
        // Observe the first attempt at the HTTP level (the SDK drops the request module's own callbacks).
        const tap = Object.create(this.agent) as { addRequest: unknown };
        tap.addRequest = ((req: http.ClientRequest, options: unknown) => {
          inflight = req;
          let complete = false;
          const broken = (err: unknown) => {
            if (!complete) first = { err };
          };
          req.once("error", broken);
          req.once("response", (res) => {
            first = { status: res.statusCode, headers: res.headers };
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              if (!res.complete) return; // Node also ends a cut-off answer; 'aborted' / 'error' said why
              complete = true;
              first = { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") };
            });
            res.on("aborted", () => broken(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" })));
            res.on("error", broken);
          });
          return (this.agent as any).addRequest(req, options);
        }) as never;
        opt.agent = tap;
      } else {
        opt.agent = this.refusing;
      }
    });
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        inflight?.destroy(); // nothing of a timed-out call lingers
        reject(new CloudError({ code: "Timeout", message: `no answer within ${this.timeoutMs} ms`, kind: "timeout", service: "cos", operation }));
      }, this.timeoutMs);
      call(sdk).then(
        (v) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(v);
        },
        (err) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          reject(this.toCloudError(operation, err, attempts > 0 ? first : undefined));
        },
      );
    });
  }

  private toCloudError(operation: string, sdkErr: unknown, first: Attempt | undefined): CloudError {
    const clean = (s: string) => redact(s, [this.opts.secretKey]);
    const base = { service: "cos", operation };
    if (first?.err) {
      const code = transportCode(first.err) ?? "NetworkError";
      const kind: CloudErrorKind = transportKind(code);
      const message = kind === "timeout" ? `no answer within ${this.timeoutMs} ms` : clean(String((first.err as Error).message ?? first.err));
      return new CloudError({ ...base, code, message, kind });
    }
    if (first?.status !== undefined && (first.status < 200 || first.status >= 300)) {
      const status = first.status;
      let code = String(status);
      let message = http.STATUS_CODES[status] ?? `HTTP ${status}`;
      let requestId = header(first.headers, "x-cos-request-id");
      if (first.body) {
        try {
          const doc = xmlParser().parse(first.body) as { Error?: { Code?: string; Message?: string; RequestId?: string } };
          if (doc?.Error?.Code) {
            code = String(doc.Error.Code);
            message = String(doc.Error.Message ?? message);
            requestId = requestId ?? (doc.Error.RequestId ? String(doc.Error.RequestId) : undefined);
          }
        } catch {
          // not XML: keep the status
        }
      }
      return new CloudError({ ...base, code, message: clean(message), kind: cosErrorKind(status, code), httpStatus: status, requestId });
    }
    const e = sdkErr as { code?: unknown; message?: unknown; statusCode?: number };
    const message = clean(String(e?.message ?? sdkErr));
    if (first) return new CloudError({ ...base, code: "InvalidResponse", message: `unreadable answer: ${message}`, kind: "server", httpStatus: first.status });
    // Nothing was sent: the SDK refused the parameters (e.g. a bucket name without "-<appid>").
    return new CloudError({ ...base, code: typeof e?.code === "string" && e.code ? e.code : "InvalidArgument", message, kind: "client" });
  }

  /** HEAD Bucket. Resolves when the bucket exists and the caller may read it; `region` from `x-cos-bucket-region`. */
  headBucket(ref: BucketRef): Promise<{ region?: string; requestId?: string }> {
    return this.run("HeadBucket", async (sdk) => {
      const r = await sdk.headBucket({ Bucket: ref.bucket, Region: ref.region });
      return { region: header(r.headers as never, "x-cos-bucket-region"), requestId: header(r.headers as never, "x-cos-request-id") };
    });
  }

  /**
   * GET Bucket cors. `configured: false` with no rules when COS answers NoSuchCORSConfiguration (the SDK turns
   * that 404 into success).
   */
  getBucketCors(ref: BucketRef): Promise<{ configured: boolean; rules: CosCorsRule[]; requestId?: string }> {
    return this.run("GetBucketCors", async (sdk) => {
      const r = (await sdk.getBucketCors({ Bucket: ref.bucket, Region: ref.region })) as any;
      const rules: CosCorsRule[] = arr<any>(r.CORSRules).map((x) => ({
        ...(x.ID !== undefined ? { id: String(x.ID) } : {}),
        allowedOrigins: arr<string>(x.AllowedOrigins).map(String),
        allowedMethods: arr<string>(x.AllowedMethods).map(String),
        allowedHeaders: arr<string>(x.AllowedHeaders).map(String),
        exposeHeaders: arr<string>(x.ExposeHeaders).map(String),
        ...(x.MaxAgeSeconds !== undefined && x.MaxAgeSeconds !== "" ? { maxAgeSeconds: Number(x.MaxAgeSeconds) } : {}),
      }));
      return { configured: r.statusCode !== 404, rules, requestId: header(r.headers, "x-cos-request-id") };
    });
  }

  /** GET Bucket acl: owner, grants and the canned ACL (`x-cos-acl`) when COS sends one. */
  getBucketAcl(ref: BucketRef): Promise<{ owner: CosOwner; grants: CosGrant[]; acl?: string; requestId?: string }> {
    return this.run("GetBucketAcl", async (sdk) => {
      const r = (await sdk.getBucketAcl({ Bucket: ref.bucket, Region: ref.region })) as any;
      const grants: CosGrant[] = arr<any>(r.AccessControlPolicy?.AccessControlList?.Grant ?? r.Grants).map((g) => ({
        grantee: {
          type: String(g.Grantee?.["xsi:type"] ?? g.Grantee?.["@_xsi:type"] ?? (g.Grantee?.URI ? "Group" : "CanonicalUser")),
          ...(g.Grantee?.ID !== undefined ? { id: String(g.Grantee.ID) } : {}),
          ...(g.Grantee?.DisplayName !== undefined ? { displayName: String(g.Grantee.DisplayName) } : {}),
          ...(g.Grantee?.URI !== undefined ? { uri: String(g.Grantee.URI) } : {}),
        },
        permission: String(g.Permission),
      }));
      const owner = r.Owner ?? r.AccessControlPolicy?.Owner ?? {};
      return {
        owner: { id: String(owner.ID ?? ""), displayName: String(owner.DisplayName ?? "") },
        grants,
        ...(r.ACL ? { acl: String(r.ACL) } : {}),
        requestId: header(r.headers, "x-cos-request-id"),
      };
    });
  }

  /**
   * GET Bucket tagging: the bucket's tags as a map (empty when COS answers NoSuchTagSet: the SDK turns that 404 into
   * success).
   */
  getBucketTagging(ref: BucketRef): Promise<{ tags: Record<string, string>; requestId?: string }> {
    return this.run("GetBucketTagging", async (sdk) => {
      const r = (await sdk.getBucketTagging({ Bucket: ref.bucket, Region: ref.region })) as any;
      const tags: Record<string, string> = {};
      for (const t of arr<any>(r.Tags)) if (t && t.Key !== undefined) tags[String(t.Key)] = String(t.Value ?? "");
      return { tags, requestId: header(r.headers, "x-cos-request-id") };
    });
  }

  /**
   * GET Service: the buckets the credentials can list. With `region`, asks `cos.<region>.myqcloud.com` (that
   * region's buckets); without, `service.cos.myqcloud.com` (all).
   */
  getService(opts: { region?: string } = {}): Promise<{ owner: CosOwner; buckets: CosBucketInfo[]; requestId?: string }> {
    return this.run("GetService", async (sdk) => {
      const r = (await sdk.getService(opts.region ? { Region: opts.region } : {})) as any;
      return {
        owner: { id: String(r.Owner?.ID ?? ""), displayName: String(r.Owner?.DisplayName ?? "") },
        buckets: arr<any>(r.Buckets).map((b) => ({ name: String(b.Name), region: String(b.Location), creationDate: String(b.CreationDate ?? "") })),
        requestId: header(r.headers, "x-cos-request-id"),
      };
    });
  }

  /** GET Object: body as a Buffer plus the object's headers. */
  getObject(ref: ObjectRef): Promise<CosObjectInfo & { body: Buffer }> {
    return this.run("GetObject", async (sdk) => {
      const r = (await sdk.getObject({ Bucket: ref.bucket, Region: ref.region, Key: ref.key })) as any;
      const body: Buffer = Buffer.isBuffer(r.Body) ? r.Body : Buffer.from(r.Body ?? "");
      return { ...objectInfo(r.headers), body };
    });
  }

  /** PUT Object. `meta` becomes `x-cos-meta-<name>` headers. */
  putObject(ref: ObjectRef & { body: Buffer | string; contentType?: string; meta?: Record<string, string> }): Promise<{ etag?: string; requestId?: string }> {
    return this.run("PutObject", async (sdk) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(ref.meta ?? {})) headers[`x-cos-meta-${k}`] = v;
      const r = (await sdk.putObject({
        Bucket: ref.bucket,
        Region: ref.region,
        Key: ref.key,
        Body: typeof ref.body === "string" ? Buffer.from(ref.body) : ref.body,
        ...(ref.contentType ? { ContentType: ref.contentType } : {}),
        ...(Object.keys(headers).length ? { Headers: headers } : {}),
      })) as any;
      return { etag: r.ETag ?? header(r.headers, "etag"), requestId: header(r.headers, "x-cos-request-id") };
    });
  }

  /** HEAD Object. A missing key is a CloudError with kind `not-found` and code `"404"` (no body on HEAD). */
  headObject(ref: ObjectRef): Promise<CosObjectInfo> {
    return this.run("HeadObject", async (sdk) => {
      const r = (await sdk.headObject({ Bucket: ref.bucket, Region: ref.region, Key: ref.key })) as any;
      return objectInfo(r.headers);
    });
  }

  /** DELETE Object (204, also for a missing key). */
  deleteObject(ref: ObjectRef): Promise<{ requestId?: string }> {
    return this.run("DeleteObject", async (sdk) => {
      const r = (await sdk.deleteObject({ Bucket: ref.bucket, Region: ref.region, Key: ref.key })) as any;
      return { requestId: header(r.headers, "x-cos-request-id") };
    });
  }

  /** GET Bucket: one page of object keys (teardown empties a bucket before deleting it). */
  listObjects(
    ref: { Bucket: string; Region: string },
    opts: { prefix?: string; marker?: string } = {},
  ): Promise<{ keys: string[]; nextMarker?: string; truncated: boolean }> {
    return this.run("GetBucket", async (sdk) => {
      const r = (await sdk.getBucket({ Bucket: ref.Bucket, Region: ref.Region, Prefix: opts.prefix, Marker: opts.marker })) as any;
      const truncated = String(r.IsTruncated) === "true";
      return { keys: arr<any>(r.Contents).map((c) => String(c.Key)), nextMarker: truncated ? String(r.NextMarker ?? "") || undefined : undefined, truncated };
    });
  }

  /** DELETE Bucket (COS refuses a bucket that still holds objects with BucketNotEmpty). */
  deleteBucket(ref: { Bucket: string; Region: string }): Promise<{ requestId?: string }> {
    return this.run("DeleteBucket", async (sdk) => {
      const r = (await sdk.deleteBucket({ Bucket: ref.Bucket, Region: ref.Region })) as any;
      return { requestId: header(r.headers, "x-cos-request-id") };
    });
  }

  /** Destroys the agents' sockets; further calls fail with code `ClientClosed`. Idempotent. */
  close(): void {
    this.state.closed = true;
    this.agent.destroy();
    this.refusing.destroy();
  }
}

function objectInfo(h: http.IncomingHttpHeaders | undefined): CosObjectInfo {
  return {
    contentType: header(h, "content-type"),
    contentLength: Number(header(h, "content-length") ?? 0),
    etag: header(h, "etag"),
    lastModified: header(h, "last-modified"),
    meta: metaOf(h),
    requestId: header(h, "x-cos-request-id"),
  };
}
