/**
 * Step 10 of the COS request pipeline (handler.ts): one handler per operation, keyed by its name. A handler runs
 * once the request is routed, authenticated and authorised; it answers a status with an XML document or raw headers
 * and body, or a CosError. The common headers (request id, trace id, Server, Date) are the pipeline's.
 */
import type { IncomingHttpHeaders } from "http";
import { createHash } from "crypto";
import type { Bucket, CosObject, State, StateStore } from "../state";
import { COS_ERRORS as E, CosError } from "./errors";

/** The operation names: fault keys (`cos:<Operation>`) and CAM actions (`cos:<Operation>`). */
export type CosOperation =
  | "GetService"
  | "HeadBucket"
  | "GetBucket"
  | "GetBucketCORS"
  | "GetBucketACL"
  | "PutObject"
  | "GetObject"
  | "HeadObject"
  | "DeleteObject";

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

// ---------------------------------------------------------------------------------------------------------------
// Service

const getService: CosOperationHandler = ({ state, hostRegion }) => {
  const buckets = state.buckets.filter((b) => !hostRegion || b.region === hostRegion);
  return {
    status: 200,
    xml: {
      ListAllMyBucketsResult: {
        Owner: { ID: ownerId(state), DisplayName: state.ownerUin },
        Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, Location: b.region, CreationDate: b.createTime.replace(/\.\d+Z$/, "Z") })) },
      },
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Bucket

const headBucket: CosOperationHandler = ({ bucket }) => ({ status: 200, headers: { "x-cos-bucket-region": bucket!.region, "Content-Length": "0" } });

const getBucket: CosOperationHandler = ({ state, bucket, query }) => {
  const prefix = query["prefix"] ?? "";
  const marker = query["marker"] ?? "";
  const delimiter = query["delimiter"] ?? "";
  const maxKeys = Math.max(0, Math.min(1000, Number(query["max-keys"] ?? 1000) || 0));
  const keys = Object.keys(bucket!.objects).filter((k) => k.startsWith(prefix) && k > marker).sort();
  const contents: Record<string, unknown>[] = [];
  const prefixes = new Set<string>();
  let truncated = false;
  let last = "";
  for (const k of keys) {
    if (contents.length + prefixes.size >= maxKeys) {
      truncated = true;
      break;
    }
    const rest = k.slice(prefix.length);
    const di = delimiter ? rest.indexOf(delimiter) : -1;
    if (di >= 0) prefixes.add(prefix + rest.slice(0, di + delimiter.length));
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

// ---------------------------------------------------------------------------------------------------------------
// Bucket configuration: CORS and ACL

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

const getBucketAcl: CosOperationHandler = ({ state, bucket }) => {
  const owner = { "@_xsi:type": "CanonicalUser", ID: ownerId(state), DisplayName: ownerId(state) };
  const grants: Record<string, unknown>[] = [{ Grantee: owner, Permission: "FULL_CONTROL" }];
  const allUsers = { "@_xsi:type": "Group", URI: "http://cam.qcloud.com/groups/global/AllUsers" };
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

// ---------------------------------------------------------------------------------------------------------------
// Object

const putObject: CosOperationHandler = ({ store, now, bucket, key, headers, body }) => {
  const digest = createHash("md5").update(body).digest();
  const sentMd5 = headers["content-md5"];
  if (typeof sentMd5 === "string" && sentMd5 !== digest.toString("base64"))
    return new CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received.");
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith("x-cos-meta-") && typeof v === "string") meta[k] = v;
  const etag = `"${digest.toString("hex")}"`;
  const ct = headers["content-type"];
  store.mutate((s) => {
    const b = s.buckets.find((x) => x.name === bucket!.name);
    if (b)
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
const deleteObject: CosOperationHandler = ({ store, bucket, key }) => {
  store.mutate((s) => {
    const b = s.buckets.find((x) => x.name === bucket!.name);
    if (b) delete b.objects[key];
  });
  return { status: 204 };
};

export const OPERATIONS: Record<CosOperation, CosOperationHandler> = {
  GetService: getService,
  HeadBucket: headBucket,
  GetBucket: getBucket,
  GetBucketCORS: getBucketCors,
  GetBucketACL: getBucketAcl,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
};
