/**
 * Step 10 of the COS request pipeline (handler.ts): one handler per operation, keyed by its name. A handler runs
 * once the request is routed, authenticated and authorised; it answers a status with an XML document or raw headers
 * and body, or a CosError. The common headers (request id, trace id, Server, Date) are the pipeline's.
 *
 * Everything a write changes lives in the existing Bucket fields of the state (acl, cors, tags, objects); a bucket
 * deleted here is removed from `state.buckets`.
 */
import type { IncomingHttpHeaders } from "http";
import { createHash } from "crypto";
import type { Bucket, CorsRule, CosObject, State, StateStore } from "../state";
import { COS_ERRORS as E, CosError } from "./errors";
import { XmlNode, checkContentMd5, listOf, nodeOf, parseXmlBody, textOf } from "./xml";

/**
 * The operation names: fault keys (`cos:<Operation>`) and CAM actions (`cos:<Operation>`), spelled as the official
 * SDK names them in its CAM scope (`name/cos:PutBucketCORS`, ...); both matches are case-insensitive.
 */
export type CosOperation =
  | "GetService"
  | "HeadBucket"
  | "GetBucket"
  | "DeleteBucket"
  | "GetBucketCORS"
  | "PutBucketCORS"
  | "DeleteBucketCORS"
  | "GetBucketACL"
  | "PutBucketACL"
  | "GetBucketTagging"
  | "PutBucketTagging"
  | "DeleteBucketTagging"
  | "PutObject"
  | "GetObject"
  | "HeadObject"
  | "DeleteObject"
  | "DeleteMultipleObjects";

export interface CosRequest {
  state: State;
  store: StateStore;
  /** Server clock, ms. */
  now(): number;
  /** The addressed bucket, found in its region (every operation but GetService). */
  bucket?: Bucket;
  /** Object key, decoded ("" for bucket and service operations). */
  key: string;
  /** Query parameters, decoded. */
  query: Record<string, string>;
  /** The region the Host names (GetService: the filter; undefined on service.cos.myqcloud.com). */
  hostRegion?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Whether the caller may do `action` on `key` of the bucket (per-key checks of DeleteMultipleObjects). */
  allowed(action: CosOperation, key: string): boolean;
}

export interface CosAnswer {
  status: number;
  /** A document sent as application/xml (with its Content-Length). */
  xml?: Record<string, unknown>;
  /** Headers after the common ones (and after Content-Type and Content-Length of an XML answer). */
  headers?: Record<string, string>;
  /** Raw body; never sent on HEAD. */
  body?: Buffer;
}

export type CosOperationHandler = (r: CosRequest) => CosAnswer | CosError;

function ownerId(state: State): string {
  return `qcs::cam::uin/${state.ownerUin}:uin/${state.ownerUin}`;
}

function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/** ISO 8601 without fractions, as COS prints dates. */
function isoSeconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}

/** 200 with an empty body. */
const EMPTY_OK: CosAnswer = { status: 200, headers: { "Content-Length": "0" } };
const NO_CONTENT: CosAnswer = { status: 204 };

/** Applies a change to the addressed bucket in the store. */
function changeBucket(r: CosRequest, fn: (b: Bucket) => void): void {
  r.store.mutate((s) => {
    const b = s.buckets.find((x) => x.name === r.bucket!.name);
    if (b) fn(b);
  });
}

/** A numeric query parameter: `dflt` when absent or empty, capped at `max`; InvalidArgument when not a whole number. */
function countParam(query: Record<string, string>, name: string, dflt: number, max: number): number | CosError {
  const v = query[name];
  if (v === undefined || v === "") return dflt;
  if (!/^\d+$/.test(v)) return E.invalidArgument(`${name} must be a whole number (got "${v}")`);
  return Math.min(Number(v), max);
}

/** A query parameter, "" counting as absent (the SDK leaves unset ones out, curl users may not). */
function param(query: Record<string, string>, name: string): string | undefined {
  const v = query[name];
  return v === undefined || v === "" ? undefined : v;
}

// ---------------------------------------------------------------------------------------------------------------
// Service

const CREATE_RANGES: Record<string, (created: number, t: number) => boolean> = {
  lt: (c, t) => c < t,
  gt: (c, t) => c > t,
  lte: (c, t) => c <= t,
  gte: (c, t) => c >= t,
};

/**
 * GET Service: the account's buckets (one region's on `cos.<region>.myqcloud.com`), by name, with the documented
 * filters `tagkey`+`tagvalue`, `region`, `create-time`+`range` (Unix seconds; lt/gt/lte/gte) and paging
 * `marker`/`max-keys` (default and maximum 2000; `NextMarker` when truncated).
 */
const getService: CosOperationHandler = ({ state, hostRegion, query }) => {
  const tagKey = param(query, "tagkey");
  const tagValue = param(query, "tagvalue");
  if ((tagKey === undefined) !== (tagValue === undefined)) return E.invalidArgument("tagkey and tagvalue must be given together");
  const createTime = param(query, "create-time");
  const range = param(query, "range");
  if ((createTime === undefined) !== (range === undefined)) return E.invalidArgument("create-time and range must be given together");
  if (createTime !== undefined && !/^\d+$/.test(createTime)) return E.invalidArgument(`create-time must be Unix seconds (got "${createTime}")`);
  if (range !== undefined && !Object.hasOwn(CREATE_RANGES, range)) return E.invalidArgument(`range must be lt, gt, lte or gte (got "${range}")`);
  const maxKeys = countParam(query, "max-keys", 2000, 2000);
  if (maxKeys instanceof CosError) return maxKeys;
  const region = param(query, "region");
  const marker = param(query, "marker") ?? "";
  const matching = state.buckets
    .filter((b) => (!hostRegion || b.region === hostRegion) && (!region || b.region === region))
    .filter((b) => tagKey === undefined || b.tags?.[tagKey] === tagValue)
    .filter((b) => createTime === undefined || CREATE_RANGES[range!](Math.floor(Date.parse(b.createTime) / 1000), Number(createTime)))
    .filter((b) => b.name > marker)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = matching.slice(0, maxKeys);
  const truncated = matching.length > page.length;
  return {
    status: 200,
    xml: {
      ListAllMyBucketsResult: {
        Owner: { ID: ownerId(state), DisplayName: state.ownerUin },
        Buckets: { Bucket: page.map((b) => ({ Name: b.name, Location: b.region, CreationDate: isoSeconds(b.createTime) })) },
        ...(truncated && page.length ? { NextMarker: page[page.length - 1].name } : {}),
      },
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Bucket

const headBucket: CosOperationHandler = ({ bucket }) => ({ status: 200, headers: { "x-cos-bucket-region": bucket!.region, "Content-Length": "0" } });

/** GET Bucket (list objects): `prefix`, `marker`, `max-keys` (default and maximum 1000), `delimiter`. */
const getBucket: CosOperationHandler = ({ state, bucket, query }) => {
  const prefix = query["prefix"] ?? "";
  const marker = query["marker"] ?? "";
  const delimiter = query["delimiter"] ?? "";
  const maxKeys = countParam(query, "max-keys", 1000, 1000);
  if (maxKeys instanceof CosError) return maxKeys;
  const keys = Object.keys(bucket!.objects).filter((k) => k.startsWith(prefix) && k > marker).sort();
  const contents: Record<string, unknown>[] = [];
  const prefixes = new Set<string>();
  let truncated = false;
  let last = "";
  for (const k of keys) {
    const rest = k.slice(prefix.length);
    const di = delimiter ? rest.indexOf(delimiter) : -1;
    const common = di >= 0 ? prefix + rest.slice(0, di + delimiter.length) : undefined;
    if (common !== undefined && prefixes.has(common)) {
      last = k; // rolled up into a prefix already listed
      continue;
    }
    if (contents.length + prefixes.size >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) prefixes.add(common);
    else {
      const o = bucket!.objects[k];
      contents.push({ Key: k, LastModified: o.lastModified, ETag: o.etag, Size: Buffer.from(o.body, "base64").length, Owner: { ID: state.ownerUin, DisplayName: state.ownerUin }, StorageClass: "STANDARD" });
    }
    last = k;
  }
  return {
    status: 200,
    xml: {
      ListBucketResult: {
        Name: bucket!.name,
        Prefix: prefix,
        Marker: marker,
        MaxKeys: maxKeys,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        IsTruncated: truncated ? "true" : "false",
        ...(truncated ? { NextMarker: last } : {}),
        ...(prefixes.size ? { CommonPrefixes: [...prefixes].map((p) => ({ Prefix: p })) } : {}),
        ...(contents.length ? { Contents: contents } : {}),
      },
    },
  };
};

/** DELETE Bucket: refused while the bucket holds objects; afterwards every request to it answers NoSuchBucket. */
const deleteBucket: CosOperationHandler = (r) => {
  if (Object.keys(r.bucket!.objects).length) return E.bucketNotEmpty();
  r.store.mutate((s) => {
    s.buckets = s.buckets.filter((b) => b.name !== r.bucket!.name);
  });
  return NO_CONTENT;
};

// ---------------------------------------------------------------------------------------------------------------
// Bucket configuration: CORS

const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"];
const MAX_CORS_RULES = 100;

const getBucketCors: CosOperationHandler = ({ bucket }) => {
  if (!bucket!.cors.length) return E.noCors();
  return {
    status: 200,
    xml: {
      CORSConfiguration: {
        CORSRule: bucket!.cors.map((r) => ({
          ...(r.id !== undefined ? { ID: r.id } : {}),
          AllowedOrigin: r.allowedOrigins,
          AllowedMethod: r.allowedMethods,
          AllowedHeader: r.allowedHeaders,
          ExposeHeader: r.exposeHeaders,
          ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
        })),
        ResponseVary: "false",
      },
    },
  };
};

function corsRule(node: XmlNode, n: number): CorsRule | CosError {
  const strings = (name: string): string[] | CosError => {
    const out: string[] = [];
    for (const v of listOf(node[name])) {
      const t = textOf(v);
      if (t === undefined) return E.malformedXml(`CORSRule ${n}: ${name} must hold text`);
      out.push(t);
    }
    return out;
  };
  const origins = strings("AllowedOrigin");
  const methods = strings("AllowedMethod");
  const headers = strings("AllowedHeader");
  const expose = strings("ExposeHeader");
  for (const v of [origins, methods, headers, expose]) if (v instanceof CosError) return v;
  const [o, m, h, x] = [origins, methods, headers, expose] as string[][];
  if (!o.filter(Boolean).length) return E.malformedXml(`CORSRule ${n} has no AllowedOrigin`);
  if (!m.length) return E.malformedXml(`CORSRule ${n} has no AllowedMethod`);
  const upper = m.map((v) => v.trim().toUpperCase());
  const bad = upper.find((v) => !CORS_METHODS.includes(v));
  if (bad !== undefined) return E.invalidArgument(`CORSRule ${n}: AllowedMethod "${bad}" is not one of ${CORS_METHODS.join(", ")}`);
  const rule: CorsRule = { allowedOrigins: o, allowedMethods: upper, allowedHeaders: h, exposeHeaders: x };
  const id = textOf(node["ID"]);
  if (id !== undefined) rule.id = id;
  if (node["MaxAgeSeconds"] !== undefined) {
    const age = textOf(node["MaxAgeSeconds"]) ?? "";
    if (!/^\d+$/.test(age.trim())) return E.invalidArgument(`CORSRule ${n}: MaxAgeSeconds must be a whole number of seconds (got "${age}")`);
    rule.maxAgeSeconds = Number(age.trim());
  }
  return rule;
}

/** PUT Bucket cors: replaces the rules (1–100 CORSRule). ResponseVary true is refused: the state cannot hold it. */
const putBucketCors: CosOperationHandler = (r) => {
  const md5 = checkContentMd5(r.headers, r.body);
  if (md5) return md5;
  const doc = parseXmlBody(r.body, "CORSConfiguration", ["CORSRule", "AllowedOrigin", "AllowedMethod", "AllowedHeader", "ExposeHeader"]);
  if (doc instanceof CosError) return doc;
  const nodes = listOf(doc["CORSRule"]);
  if (!nodes.length || nodes.length > MAX_CORS_RULES) return E.malformedXml(`CORSConfiguration must hold 1 to ${MAX_CORS_RULES} CORSRule elements (got ${nodes.length})`);
  const vary = doc["ResponseVary"] === undefined ? "false" : (textOf(doc["ResponseVary"]) ?? "").trim().toLowerCase();
  if (vary !== "true" && vary !== "false") return E.invalidArgument(`ResponseVary must be true or false`);
  if (vary === "true") return E.notImplemented("The sandbox does not model ResponseVary true (it always answers false).");
  const rules: CorsRule[] = [];
  for (const [i, node] of nodes.entries()) {
    const rule = nodeOf(node) ? corsRule(nodeOf(node)!, i + 1) : E.malformedXml(`CORSRule ${i + 1} is empty`);
    if (rule instanceof CosError) return rule;
    rules.push(rule);
  }
  changeBucket(r, (b) => {
    b.cors = rules;
  });
  return EMPTY_OK;
};

/** DELETE Bucket cors: 204, also when none was configured. */
const deleteBucketCors: CosOperationHandler = (r) => {
  changeBucket(r, (b) => {
    b.cors = [];
  });
  return NO_CONTENT;
};

// ---------------------------------------------------------------------------------------------------------------
// Bucket configuration: ACL

const ALL_USERS = "http://cam.qcloud.com/groups/global/AllUsers";
type CannedAcl = Bucket["acl"];
const CANNED: readonly CannedAcl[] = ["private", "public-read", "public-read-write"];

const getBucketAcl: CosOperationHandler = ({ state, bucket }) => {
  const owner = { "@_xsi:type": "CanonicalUser", ID: ownerId(state), DisplayName: ownerId(state) };
  const grants: Record<string, unknown>[] = [{ Grantee: owner, Permission: "FULL_CONTROL" }];
  const allUsers = { "@_xsi:type": "Group", URI: ALL_USERS };
  if (bucket!.acl !== "private") grants.push({ Grantee: allUsers, Permission: "READ" });
  if (bucket!.acl === "public-read-write") grants.push({ Grantee: allUsers, Permission: "WRITE" });
  return {
    status: 200,
    xml: {
      AccessControlPolicy: {
        "@_xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        Owner: { ID: ownerId(state), DisplayName: ownerId(state) },
        AccessControlList: { Grant: grants },
      },
    },
    headers: { "x-cos-acl": bucket!.acl },
  };
};

const NOT_CANNED = "The sandbox models the canned bucket ACLs private, public-read and public-read-write only";

/** The canned ACL an AccessControlPolicy amounts to: the owner's FULL_CONTROL plus AllUsers READ (and WRITE). */
function aclOfPolicy(doc: XmlNode, state: State): CannedAcl | CosError {
  const owners = new Set([ownerId(state), state.ownerUin, `qcs::cam::uin/${state.ownerUin}`]);
  const list = nodeOf(doc["AccessControlList"]);
  if (!list) return E.malformedXml("AccessControlPolicy has no AccessControlList");
  const allUsers = new Set<string>();
  for (const [i, g] of listOf(list["Grant"]).entries()) {
    const grant = nodeOf(g);
    const grantee = grant && nodeOf(grant["Grantee"]);
    const permission = grant && textOf(grant["Permission"])?.trim();
    if (!grant || !grantee || !permission) return E.malformedXml(`Grant ${i + 1} needs a Grantee and a Permission`);
    if (!["READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"].includes(permission)) return E.invalidArgument(`Grant ${i + 1}: unknown Permission "${permission}"`);
    const id = textOf(grantee["ID"])?.trim();
    const uri = textOf(grantee["URI"])?.trim();
    if (id !== undefined && owners.has(id)) {
      if (permission !== "FULL_CONTROL") return E.notImplemented(`${NOT_CANNED}: the owner's grant must be FULL_CONTROL`);
    } else if (uri === ALL_USERS && (permission === "READ" || permission === "WRITE")) allUsers.add(permission);
    else if (id === undefined && uri === undefined) return E.malformedXml(`Grant ${i + 1}: the Grantee needs an ID or a URI`);
    else return E.notImplemented(`${NOT_CANNED}: grant ${i + 1} (${permission} to ${id ?? uri}) has no canned equivalent`);
  }
  if (allUsers.has("WRITE")) return allUsers.has("READ") ? "public-read-write" : E.notImplemented(`${NOT_CANNED}: AllUsers WRITE without READ`);
  return allUsers.has("READ") ? "public-read" : "private";
}

/**
 * PUT Bucket acl: the canned ACL from `x-cos-acl`, or from an AccessControlPolicy body (both: they must agree).
 * Grants to particular accounts (`x-cos-grant-*`, CanonicalUser grantees other than the owner) and
 * authenticated-read are NotImplemented: the state holds a canned ACL only.
 */
const putBucketAcl: CosOperationHandler = (r) => {
  const md5 = checkContentMd5(r.headers, r.body);
  if (md5) return md5;
  const grantHeader = Object.keys(r.headers).find((h) => h.startsWith("x-cos-grant-"));
  if (grantHeader) return E.notImplemented(`${NOT_CANNED}; ${grantHeader} is not supported`);
  const header = r.headers["x-cos-acl"];
  let fromHeader: CannedAcl | undefined;
  if (typeof header === "string" && header !== "") {
    const v = header.trim();
    if (v === "authenticated-read") return E.notImplemented(`${NOT_CANNED}; x-cos-acl authenticated-read is not supported`);
    if (!(CANNED as readonly string[]).includes(v)) return E.invalidArgument(`x-cos-acl must be one of private, public-read, public-read-write (got "${v}")`);
    fromHeader = v as CannedAcl;
  }
  let fromBody: CannedAcl | undefined;
  if (r.body.length) {
    const doc = parseXmlBody(r.body, "AccessControlPolicy", ["Grant"]);
    if (doc instanceof CosError) return doc;
    const acl = aclOfPolicy(doc, r.state);
    if (acl instanceof CosError) return acl;
    fromBody = acl;
  }
  if (fromHeader === undefined && fromBody === undefined) return E.invalidArgument("PUT Bucket acl needs the x-cos-acl header or an AccessControlPolicy body");
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody)
    return E.invalidArgument(`x-cos-acl (${fromHeader}) and the AccessControlPolicy body (${fromBody}) disagree; send one of them`);
  const acl = (fromHeader ?? fromBody)!;
  changeBucket(r, (b) => {
    b.acl = acl;
  });
  return EMPTY_OK;
};

// ---------------------------------------------------------------------------------------------------------------
// Bucket configuration: tagging (tags are also what the Tag API's GetResources serves for the bucket)

const MAX_TAGS = 50;
/** Letters, digits, spaces and + - _ = . : / (the documented character set of bucket tags). */
const TAG_CHARS = /^[\p{L}\p{N} +\-_=.:/]*$/u;

const getBucketTagging: CosOperationHandler = ({ bucket }) => {
  const tags = Object.entries(bucket!.tags ?? {});
  if (!tags.length) return E.noTagSet();
  return { status: 200, xml: { Tagging: { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } } } };
};

/** PUT Bucket tagging: replaces the tag set (at most 50; keys 1–128, values up to 256 characters). 204. */
const putBucketTagging: CosOperationHandler = (r) => {
  const md5 = checkContentMd5(r.headers, r.body);
  if (md5) return md5;
  const doc = parseXmlBody(r.body, "Tagging", ["Tag"]);
  if (doc instanceof CosError) return doc;
  const set = nodeOf(doc["TagSet"]);
  if (!set) return E.malformedXml("Tagging has no TagSet");
  const tags: Record<string, string> = {};
  const list = listOf(set["Tag"]);
  if (list.length > MAX_TAGS) return E.invalidArgument(`a bucket holds at most ${MAX_TAGS} tags (got ${list.length})`);
  for (const [i, t] of list.entries()) {
    const tag = nodeOf(t);
    const key = tag && textOf(tag["Key"]);
    const value = tag && (tag["Value"] === undefined ? undefined : textOf(tag["Value"]));
    if (key === undefined || value === undefined) return E.malformedXml(`Tag ${i + 1} needs a Key and a Value`);
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) return E.invalidArgument(`Tag ${i + 1}: the key must be 1-128 letters, digits, spaces or + - _ = . : /`);
    if (value.length > 256 || !TAG_CHARS.test(value)) return E.invalidArgument(`Tag ${i + 1} (${key}): the value must be at most 256 letters, digits, spaces or + - _ = . : /`);
    if (Object.hasOwn(tags, key)) return E.invalidArgument(`Tag ${i + 1}: the key "${key}" appears twice`);
    tags[key] = value;
  }
  changeBucket(r, (b) => {
    if (Object.keys(tags).length) b.tags = tags;
    else delete b.tags;
  });
  return NO_CONTENT;
};

/** DELETE Bucket tagging: 204, also when the bucket had no tags. */
const deleteBucketTagging: CosOperationHandler = (r) => {
  changeBucket(r, (b) => {
    delete b.tags;
  });
  return NO_CONTENT;
};

// ---------------------------------------------------------------------------------------------------------------
// Object

const putObject: CosOperationHandler = (r) => {
  const { now, key, headers, body } = r;
  const md5 = checkContentMd5(headers, body);
  if (md5) return md5;
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith("x-cos-meta-") && typeof v === "string") meta[k] = v;
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  const ct = headers["content-type"];
  changeBucket(r, (b) => {
    b.objects[key] = {
      body: body.toString("base64"),
      contentType: typeof ct === "string" && ct ? ct : "application/octet-stream",
      etag,
      lastModified: new Date(now()).toISOString(),
      meta,
    };
  });
  return { status: 200, headers: { ETag: etag, "Content-Length": "0" } };
};

/** GET and HEAD Object: the same headers; the body for GET only. */
function objectAnswer(o: CosObject, withBody: boolean): CosAnswer {
  const data = Buffer.from(o.body, "base64");
  return {
    status: 200,
    headers: {
      "Content-Type": o.contentType,
      "Content-Length": String(data.length),
      ETag: o.etag,
      "Last-Modified": httpDate(o.lastModified),
      "x-cos-storage-class": "STANDARD",
      ...o.meta,
    },
    ...(withBody ? { body: data } : {}),
  };
}

const getObject: CosOperationHandler = ({ bucket, key }) => {
  const o = bucket!.objects[key];
  return o ? objectAnswer(o, true) : E.noSuchKey();
};

const headObject: CosOperationHandler = ({ bucket, key }) => {
  const o = bucket!.objects[key];
  return o ? objectAnswer(o, false) : E.noSuchKey();
};

/** A missing key answers 204 too. */
const deleteObject: CosOperationHandler = (r) => {
  changeBucket(r, (b) => {
    delete b.objects[r.key];
  });
  return NO_CONTENT;
};

const MAX_DELETE_KEYS = 1000;

/**
 * POST /?delete (DeleteMultipleObjects): up to 1000 keys; Content-MD5 is required. Each key is authorised on its
 * own (`cos:DeleteMultipleObjects` on the object's resource); a refused key is reported in an Error element and the
 * others are deleted. A missing key counts as deleted. `Quiet` true lists only the errors.
 */
const deleteMultipleObjects: CosOperationHandler = (r) => {
  if (typeof r.headers["content-md5"] !== "string") return E.invalidRequest("Missing required header for this request: Content-MD5");
  const md5 = checkContentMd5(r.headers, r.body);
  if (md5) return md5;
  const doc = parseXmlBody(r.body, "Delete", ["Object"]);
  if (doc instanceof CosError) return doc;
  const objects = listOf(doc["Object"]);
  if (!objects.length || objects.length > MAX_DELETE_KEYS) return E.malformedXml(`Delete must name 1 to ${MAX_DELETE_KEYS} Object elements (got ${objects.length})`);
  const quietText = doc["Quiet"] === undefined ? "false" : (textOf(doc["Quiet"]) ?? "").trim().toLowerCase();
  if (quietText !== "true" && quietText !== "false") return E.malformedXml("Quiet must be true or false");
  const keys: string[] = [];
  for (const [i, o] of objects.entries()) {
    const key = nodeOf(o) && textOf(nodeOf(o)!["Key"]);
    if (!key) return E.malformedXml(`Object ${i + 1} has no Key`);
    keys.push(key);
  }
  const deleted: Array<{ Key: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  const removable: string[] = [];
  for (const key of keys) {
    if (r.allowed("DeleteMultipleObjects", key)) {
      removable.push(key);
      deleted.push({ Key: key });
    } else errors.push({ Key: key, Code: "AccessDenied", Message: "Access Denied." });
  }
  changeBucket(r, (b) => {
    for (const key of removable) delete b.objects[key];
  });
  return {
    status: 200,
    xml: {
      DeleteResult: {
        ...(quietText === "true" || !deleted.length ? {} : { Deleted: deleted }),
        ...(errors.length ? { Error: errors } : {}),
      },
    },
  };
};

export const OPERATIONS: Record<CosOperation, CosOperationHandler> = {
  GetService: getService,
  HeadBucket: headBucket,
  GetBucket: getBucket,
  DeleteBucket: deleteBucket,
  GetBucketCORS: getBucketCors,
  PutBucketCORS: putBucketCors,
  DeleteBucketCORS: deleteBucketCors,
  GetBucketACL: getBucketAcl,
  PutBucketACL: putBucketAcl,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  DeleteMultipleObjects: deleteMultipleObjects,
};
