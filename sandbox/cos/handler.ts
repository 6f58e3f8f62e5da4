/**
 * COS XML endpoint of the sandbox, the request pipeline: virtual-host routing, injected faults, q-sign verification,
 * CAM authorisation of sub-users, then the operation's handler from the OPERATIONS table (operations.ts), and the
 * answer with Tencent's common headers and error XML.
 *
 * ORDER IN WHICH A REQUEST IS DECIDED. This table is the one place the order is defined (docs/cos-and-clients.md
 * summarises it without the sources).
 * Sources: [7730] = COS error codes (cloud.tencent.com/document/api/436/7730); [7778] = COS request signature
 * (436/7778); [40105] = COS 403 troubleshooting (436/40105); [HEAD] = HEAD Bucket / HEAD Object API pages;
 * [3p] = third-party reports quoted in the project's API reference (§4.4, §9.7); "silent" = no documentation found,
 * the order is the sandbox's choice.
 *
 * | # | step                                   | outcome when it fails                                     | source             |
 * |---|----------------------------------------|-----------------------------------------------------------|--------------------|
 * | 0 | every answer                           | carries x-cos-request-id, x-cos-trace-id, Server: tencent-cos | [7730], SDK retry logic (§4.5) |
 * | 1 | Host → bucket + region, or service host; method/sub-resource → operation | 400 InvalidURI / 405 MethodNotAllowed (a served sub-resource with another method, anything but GET on the service host) / 501 NotImplemented (sub-resources and methods not modelled, e.g. ?lifecycle, PUT Bucket) | silent |
 * | 2 | injected faults (ctx.faults.decide("cos", Operation)): delay, then drop, throttle, 5xx | socket destroyed / 503 SlowDown / 500 InternalError | sandbox feature; codes [7730] |
 * | 3 | bucket lookup (bucket host only)       | 404 NoSuchBucket "The specified bucket does not exist."   | [7730]; deciding it before authentication: silent |
 * | 4 | region: the bucket exists but in another region than the Host names | 404 NoSuchBucket (no redirect, no x-cos-bucket-region) | [3p] AceDataCloud/Nexior#804, zfile-dev/zfile#200; official docs silent |
 * | 5 | authentication present and well-formed (header, or q-* query of a presigned URL), q-sign-algorithm=sha1 | anonymous: goes on to 9 (only public buckets admit it); malformed: 403 AccessDenied | [7778]; the code for a malformed header is silent |
 * | 6 | q-sign-time / q-key-time window        | end < now: 403 AccessDenied "Request has expired"; start > now + 60 s: 403 RequestTimeTooSkewed | [7730], SDK clock-skew logic (§4.5); the 60 s tolerance and the order of 6 before 7 are silent |
 * | 7 | q-ak (SecretId) known and active       | 403 InvalidAccessKeyId "The Access Key Id you provided does not exist in our records." | [40105], [3p] cos-php-sdk-v5#57 |
 * | 8 | signature over the declared q-header-list / q-url-param-list, the decoded path | 403 SignatureDoesNotMatch "The Signature you specified is invalid." | [7778]; message [3p] cloud.tencent.com/developer/ask/25123 |
 * | 9 | authorisation: owner keys always; sub-user keys by CAM policy, action `cos:<Operation>`, resource `qcs::cos:<region>:uid/<appid>:<bucket>/<key>` (bucket operations: `.../<bucket>/`); anonymous only on public-read(-write) buckets. DeleteMultipleObjects: keys are authorised one by one in step 10 | 403 AccessDenied "Access Denied." | [7730]; resource format: COS CAM docs (§6.1); evaluation details and the per-key check: silent |
 * | 10| the operation itself (operations.ts)    | 404 NoSuchKey / NoSuchCORSConfiguration / NoSuchTagSet, 409 BucketNotEmpty, 400 BadDigest / MalformedXML / InvalidArgument / InvalidRequest / EntityTooLarge, 501 NotImplemented (ACL grants and ResponseVary the state cannot hold) | [7730], §4.3, §9.7; PUT/DELETE Bucket tagging 204, PUT cors/acl 200 (COS API pages); MalformedXML vs InvalidArgument for a bad value: silent |
 *
 * HEAD answers never carry a body: a HEAD error is the status code alone (404 for NoSuchBucket/NoSuchKey) [HEAD].
 * DELETE of a missing key answers 204 (S3-like; unconfirmed for COS); so do DELETE Bucket cors and DELETE Bucket
 * tagging when nothing is configured (unconfirmed).
 */
import type { IncomingMessage, ServerResponse } from "http";
import { randomBytes } from "crypto";
import { XMLBuilder } from "fast-xml-parser";
import { maskSecretId } from "../../common/mask";
import type { SandboxContext } from "../context";
import { Bucket, Credential, State, findCredential, isAllowed } from "../state";
import { COS_ERRORS as E, CosError } from "./errors";
import { CosAnswer, CosOperation, OPERATIONS } from "./operations";
import { QAuth, computeSignature, cosEncode, parseAuthorizationHeader, parseAuthorizationQuery, parseTimeWindow, signaturesEqual } from "./qsign";

export { CosError } from "./errors";
export type { CosOperation } from "./operations";

/** Largest object body the sandbox keeps (it holds objects in memory, base64 in the state). */
export const MAX_OBJECT_BYTES = 10 * 1024 * 1024;
/** How far a signature's start may lie in the future (client clock ahead), seconds. */
export const START_TOLERANCE_S = 60;

const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: false });

function toXml(doc: Record<string, unknown>): string {
  return `<?xml version='1.0' encoding='utf-8' ?>\n${xml.build(doc)}`;
}

/** A request id shaped like COS's (base64 of `<hex>_<hex>_<n>_<n>`). */
function newRequestId(): string {
  return Buffer.from(`${randomBytes(4).toString("hex")}_${randomBytes(4).toString("hex")}_${randomBytes(2).readUInt16BE()}_${Date.now() % 10_000_000}`).toString("base64");
}

interface Target {
  host: string;
  /** Bucket host: full bucket name and region; service host: region filter (may be empty). */
  bucket?: string;
  region?: string;
  serviceHost: boolean;
}

/** Classifies the Host header (port ignored). */
export function parseCosHost(hostHeader: string | undefined): Target | undefined {
  const host = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase().replace(/\.$/, "");
  if (/^service\.cos\.(myqcloud\.com|tencentcos\.cn)$/.test(host)) return { host, serviceHost: true };
  let m = /^cos\.([a-z0-9-]+)\.(myqcloud\.com|tencentcos\.cn)$/.exec(host);
  if (m) return { host, serviceHost: true, region: m[1] };
  m = /^([a-z0-9][a-z0-9-]*)\.cos\.([a-z0-9-]+)\.(myqcloud\.com|tencentcos\.cn)$/.exec(host);
  if (m) return { host, serviceHost: false, bucket: m[1], region: m[2] };
  return undefined;
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Query parameters, decoded, keyed by their lower-cased encoded name (as q-url-param-list names them). */
function parseQuery(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const name = safeDecode(i < 0 ? part : part.slice(0, i));
    const value = safeDecode(i < 0 ? "" : part.slice(i + 1));
    if (name === undefined || value === undefined) return undefined;
    out[cosEncode(name).toLowerCase()] = value;
  }
  return out;
}

/** Sub-resources the sandbox serves, by method; another method on them is MethodNotAllowed. */
const BUCKET_SUBRESOURCES: Record<string, Partial<Record<string, CosOperation>>> = {
  cors: { GET: "GetBucketCORS", PUT: "PutBucketCORS", DELETE: "DeleteBucketCORS" },
  acl: { GET: "GetBucketACL", PUT: "PutBucketACL" },
  tagging: { GET: "GetBucketTagging", PUT: "PutBucketTagging", DELETE: "DeleteBucketTagging" },
  delete: { POST: "DeleteMultipleObjects" },
};

/**
 * COS sub-resources the sandbox does not model: answered NotImplemented instead of being taken for a plain
 * GET/PUT of the bucket or object (query names as q-url-param-list spells them, lower case).
 */
const UNMODELLED_SUBRESOURCES = [
  "accelerate", "acl", "append", "domain", "encryption", "intelligenttiering", "inventory", "lifecycle", "location",
  "logging", "notification", "object-lock", "origin", "partnumber", "policy", "referer", "replication", "restore",
  "select", "tagging", "uploadid", "uploads", "versioning", "versions", "website",
];

function operationOf(method: string, target: Target, key: string, query: Record<string, string>): CosOperation | CosError {
  if (target.serviceHost) {
    if (method === "GET" && key === "") return "GetService";
    return E.methodNotAllowed();
  }
  if (key === "") {
    for (const [sub, byMethod] of Object.entries(BUCKET_SUBRESOURCES)) {
      if (sub in query) return byMethod[method] ?? E.methodNotAllowed();
    }
    const other = UNMODELLED_SUBRESOURCES.find((sub) => sub in query);
    if (other) return E.notImplemented(`The sandbox does not implement the bucket sub-resource ?${other}.`);
    switch (method) {
      case "HEAD":
        return "HeadBucket";
      case "GET":
        return "GetBucket";
      case "DELETE":
        return "DeleteBucket";
      default:
        return E.notImplemented(`The sandbox does not implement ${method} on a bucket.`);
    }
  }
  const other = UNMODELLED_SUBRESOURCES.find((sub) => sub in query);
  if (other) return E.notImplemented(`The sandbox does not implement the object sub-resource ?${other}.`);
  switch (method) {
    case "PUT":
      return "PutObject";
    case "GET":
      return "GetObject";
    case "HEAD":
      return "HeadObject";
    case "DELETE":
      return "DeleteObject";
    default:
      return E.notImplemented(`The sandbox does not implement ${method} on an object.`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | CosError> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_OBJECT_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () =>
      resolve(tooLarge ? new CosError(400, "EntityTooLarge", `Your proposed upload exceeds the sandbox's limit of ${MAX_OBJECT_BYTES} bytes.`) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

/** Waits `ms`, or less when the client disconnects first (then resolves false); no timer outlives the request. */
function delay(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}

function appIdOf(bucket: string, state: State): string {
  const m = /-(\d+)$/.exec(bucket);
  return m ? m[1] : state.appId;
}

const invalidUri = () => new CosError(400, "InvalidURI", "Could not parse the specified URI.");

type Caller = { kind: "anonymous" } | { kind: "key"; cred: Credential };

/** Steps 5–8: who signed the request (or anonymous), or the authentication error. */
function authenticate(
  req: IncomingMessage,
  state: State,
  nowS: number,
  decodedPath: string,
  query: Record<string, string>,
): Caller | CosError {
  let auth: QAuth | undefined;
  let params = query;
  const header = req.headers.authorization;
  if (typeof header === "string" && header.trim() !== "") {
    auth = parseAuthorizationHeader(header);
    if (!auth) return E.malformedAuth("a q-sign field is missing");
  } else if ("q-sign-algorithm" in query || "q-ak" in query || "q-signature" in query) {
    auth = parseAuthorizationQuery(query);
    if (!auth) return E.malformedAuth("a q-sign query parameter is missing");
    // The signature's own fields are not part of what it signs.
    params = Object.fromEntries(Object.entries(query).filter(([k]) => !k.startsWith("q-")));
  } else {
    return { kind: "anonymous" };
  }
  if (auth.algorithm.toLowerCase() !== "sha1") return E.malformedAuth(`q-sign-algorithm must be sha1`);
  const signWindow = parseTimeWindow(auth.signTime);
  const keyWindow = parseTimeWindow(auth.keyTime);
  if (!signWindow || !keyWindow) return E.malformedAuth("q-sign-time / q-key-time must be <start>;<end> in Unix seconds");
  if (signWindow.end < nowS || keyWindow.end < nowS) return E.expired();
  if (signWindow.start > nowS + START_TOLERANCE_S || keyWindow.start > nowS + START_TOLERANCE_S) return E.skewed();
  const cred = findCredential(state, auth.ak);
  if (!cred) return E.unknownKey();
  const headers: Record<string, string> = {};
  for (const name of auth.headerList) {
    const v = req.headers[name];
    headers[name] = Array.isArray(v) ? v.join(",") : (v ?? "");
  }
  const expected = computeSignature({
    method: req.method ?? "GET",
    decodedPath,
    paramList: auth.paramList,
    params,
    headerList: auth.headerList,
    headers,
    keyTime: auth.keyTime,
    signTime: auth.signTime,
    secretKey: cred.secretKey,
  });
  if (!signaturesEqual(expected.signature, auth.signature)) return E.badSignature();
  return { kind: "key", cred };
}

const PUBLIC_READ_OPS: ReadonlySet<CosOperation> = new Set(["HeadBucket", "GetBucket", "GetObject", "HeadObject"]);
const PUBLIC_WRITE_OPS: ReadonlySet<CosOperation> = new Set(["PutObject", "DeleteObject", "DeleteMultipleObjects"]);
/** Operations a key holder is authorised for key by key in the handler (step 10), not as a whole in step 9. */
const PER_KEY_OPS: ReadonlySet<CosOperation> = new Set(["DeleteMultipleObjects"]);

/** The CAM resource of a bucket (`key` "") or of one of its objects. */
function resourceOf(state: State, bucket: Bucket, key: string): string {
  return `qcs::cos:${bucket.region}:uid/${appIdOf(bucket.name, state)}:${bucket.name}/${key}`;
}

/** Whether `caller` may do `op` on `key` (bucket operations: key ""). */
function permits(state: State, caller: Caller, op: CosOperation, bucket: Bucket | undefined, key: string): boolean {
  if (caller.kind === "anonymous") {
    if (!bucket) return false;
    if (bucket.acl !== "private" && PUBLIC_READ_OPS.has(op)) return true;
    return bucket.acl === "public-read-write" && PUBLIC_WRITE_OPS.has(op);
  }
  // GET Service has no resource of its own ("*").
  return isAllowed(state, caller.cred, `cos:${op}`, bucket ? resourceOf(state, bucket, key) : "*");
}

/** Step 9. */
function authorize(state: State, caller: Caller, op: CosOperation, bucket: Bucket | undefined, key: string): CosError | undefined {
  if (caller.kind === "key" && PER_KEY_OPS.has(op)) return undefined;
  return permits(state, caller, op, bucket, key) ? undefined : E.accessDenied();
}

/**
 * Serves one COS request (the server routes `*.cos.<region>.myqcloud.com`, `cos.<region>.myqcloud.com` and
 * `service.cos.myqcloud.com` here, port ignored).
 */
export async function handleCos(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  const requestId = newRequestId();
  const traceId = Buffer.from(randomBytes(24)).toString("base64");
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const qi = rawUrl.indexOf("?");
  const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const target = parseCosHost(req.headers.host);
  let who = "-";
  let opName = "-";
  const now = () => (ctx.now ? ctx.now() : Date.now());

  const baseHeaders = (): Record<string, string> => ({
    "x-cos-request-id": requestId,
    "x-cos-trace-id": traceId,
    Server: "tencent-cos",
    Date: new Date(now()).toUTCString(),
  });

  const sendError = (err: CosError) => {
    ctx.log(`cos ${opName} ${target?.host ?? req.headers.host ?? "-"}${rawPath} ${who} → ${err.status} ${err.code}`);
    if (method === "HEAD") {
      res.writeHead(err.status, { ...baseHeaders(), "Content-Length": "0" });
      res.end();
      return;
    }
    const resource = target ? `${target.host}${rawPath === "/" ? "" : rawPath}` : rawPath;
    const body = toXml({ Error: { Code: err.code, Message: err.message, Resource: resource, RequestId: requestId, TraceId: traceId } });
    res.writeHead(err.status, { ...baseHeaders(), "Content-Type": "application/xml", "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const send = (a: CosAnswer) => {
    if (a.xml) {
      const body = toXml(a.xml);
      res.writeHead(a.status, { ...baseHeaders(), "Content-Type": "application/xml", "Content-Length": String(Buffer.byteLength(body)), ...a.headers });
      res.end(method === "HEAD" ? undefined : body);
    } else {
      res.writeHead(a.status, { ...baseHeaders(), ...a.headers });
      res.end(method === "HEAD" ? undefined : a.body);
    }
  };

  try {
    const body = await readBody(req);
    // Step 1: what is addressed.
    if (!target) return sendError(invalidUri());
    const decodedPath = safeDecode(rawPath);
    const query = parseQuery(qi < 0 ? "" : rawUrl.slice(qi + 1));
    if (decodedPath === undefined || query === undefined || !decodedPath.startsWith("/")) return sendError(invalidUri());
    const key = decodedPath.slice(1);
    const op = operationOf(method, target, key, query);
    if (op instanceof CosError) return sendError(op);
    opName = op;

    // Step 2: injected faults.
    const d = ctx.faults.decide("cos", op);
    if (d.delayMs > 0 && !(await delay(d.delayMs, res))) return; // the client gave up while we waited
    if (d.drop) {
      ctx.log(`cos ${op} ${target.host}${rawPath} → dropped (fault)`);
      req.socket.destroy();
      return;
    }
    if (d.throttle) return sendError(E.slowDown());
    if (d.serverError) return sendError(E.internal());
    if (body instanceof CosError) return sendError(body);

    const state = ctx.store.get();
    // Steps 3–4: bucket lookup, then its region.
    let bucket: Bucket | undefined;
    if (!target.serviceHost) {
      bucket = state.buckets.find((b) => b.name === target.bucket);
      if (!bucket) return sendError(E.noSuchBucket());
      if (bucket.region !== target.region) return sendError(E.noSuchBucket());
    }
    // Steps 5–8: authentication.
    const nowS = Math.floor(now() / 1000);
    const caller = authenticate(req, state, nowS, decodedPath, query);
    if (caller instanceof CosError) return sendError(caller);
    who = caller.kind === "anonymous" ? "anonymous" : maskSecretId(caller.cred.secretId);
    // Step 9: authorisation.
    const denied = authorize(state, caller, op, bucket, key);
    if (denied) return sendError(denied);

    // Step 10: the operation.
    const allowed = (action: CosOperation, k: string) => permits(state, caller, action, bucket, k);
    const answer = OPERATIONS[op]({ state, store: ctx.store, now, bucket, key, query, hostRegion: target.region, headers: req.headers, body, allowed });
    if (answer instanceof CosError) return sendError(answer);
    send(answer);
    ctx.log(`cos ${op} ${target.host}${rawPath} ${who} → ${answer.status}`);
  } catch (err) {
    ctx.log(`cos: internal error on ${method} ${req.headers.host}${rawPath}: ${(err as Error)?.message ?? err}`);
    if (!res.headersSent) sendError(E.internal());
    else res.end();
  }
}
