/**
 * COS XML request signature ("q-sign", sha1), written from the algorithm in the COS signature documentation
 * (cloud.tencent.com/document/product/436/7778). Pure functions; the handler feeds them what the client declared:
 *
 *   signKey      = hex(HMAC-SHA1(SecretKey, keyTime))
 *   httpString   = lower(method) \n decodedPath \n httpParameters \n httpHeaders \n
 *   stringToSign = "sha1" \n signTime \n hex(SHA1(httpString)) \n
 *   signature    = hex(HMAC-SHA1(signKey as hex text, stringToSign))
 *
 * httpParameters / httpHeaders are `name=encode(value)` joined with `&`, over the names the client listed in
 * q-url-param-list / q-header-list, each value taken from the actual request.
 */
import { createHash, createHmac, timingSafeEqual } from "crypto";

/** encodeURIComponent plus ! ' ( ) * (upper-case hex, as encodeURIComponent already emits). */
export function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The fields of a q-sign Authorization (header form or presigned-URL query form). */
export interface QAuth {
  algorithm: string;
  ak: string;
  signTime: string;
  keyTime: string;
  /** Lower-case names as declared, in declared order. */
  headerList: string[];
  paramList: string[];
  signature: string;
}

const FIELDS = ["q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"] as const;

function splitList(v: string): string[] {
  return v === "" ? [] : v.split(";").map((s) => s.trim().toLowerCase());
}

function fromFields(get: (name: string) => string | undefined): QAuth | undefined {
  const v: Record<string, string> = {};
  for (const f of FIELDS) {
    const x = get(f);
    if (x === undefined) return undefined;
    v[f] = x;
  }
  return {
    algorithm: v["q-sign-algorithm"],
    ak: v["q-ak"],
    signTime: v["q-sign-time"],
    keyTime: v["q-key-time"],
    headerList: splitList(v["q-header-list"]),
    paramList: splitList(v["q-url-param-list"]),
    signature: v["q-signature"].toLowerCase(),
  };
}

/**
 * Parses the `Authorization` header form `q-sign-algorithm=sha1&q-ak=…&…&q-signature=…` (values are not
 * URL-encoded there; `;` separates list items). Undefined when a field is missing.
 */
export function parseAuthorizationHeader(value: string): QAuth | undefined {
  const map = new Map<string, string>();
  for (const part of value.trim().split("&")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    map.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return fromFields((n) => map.get(n));
}

/** Parses the presigned-URL form from already-decoded query parameters. Undefined when a field is missing. */
export function parseAuthorizationQuery(params: Record<string, string>): QAuth | undefined {
  return fromFields((n) => params[n]);
}

/** `start;end` in Unix seconds; undefined when malformed. */
export function parseTimeWindow(v: string): { start: number; end: number } | undefined {
  const m = /^(\d+);(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]) };
}

export interface SignInput {
  method: string;
  /** Percent-decoded path, e.g. `/exampleobject(腾讯云)`. */
  decodedPath: string;
  /** Names (lower case) as the client listed them. */
  paramList: string[];
  /** Decoded query values by lower-case name (missing names count as ""). */
  params: Record<string, string>;
  headerList: string[];
  /** Header values by lower-case name (missing names count as ""). */
  headers: Record<string, string>;
  keyTime: string;
  signTime: string;
  secretKey: string;
}

export interface SignOutput {
  signKey: string;
  httpParameters: string;
  httpHeaders: string;
  httpString: string;
  httpStringSha1: string;
  stringToSign: string;
  signature: string;
}

function pairs(names: string[], values: Record<string, string>): string {
  return names.map((n) => `${n}=${cosEncode(values[n] ?? "")}`).join("&");
}

/** Computes the signature the way the server must, from the declared lists. */
export function computeSignature(i: SignInput): SignOutput {
  const signKey = createHmac("sha1", i.secretKey).update(i.keyTime).digest("hex");
  const httpParameters = pairs(i.paramList, i.params);
  const httpHeaders = pairs(i.headerList, i.headers);
  const httpString = `${i.method.toLowerCase()}\n${i.decodedPath}\n${httpParameters}\n${httpHeaders}\n`;
  const httpStringSha1 = createHash("sha1").update(Buffer.from(httpString, "utf8")).digest("hex");
  const stringToSign = `sha1\n${i.signTime}\n${httpStringSha1}\n`;
  const signature = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  return { signKey, httpParameters, httpHeaders, httpString, httpStringSha1, stringToSign, signature };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}
