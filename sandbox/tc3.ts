/**
 * TC3-HMAC-SHA256, written from the algorithm in the Tencent Cloud API 3.0 "Signature v3" documentation
 * (cloud.tencent.com/document/api/213/30654): canonical request → string to sign → HMAC chain keyed "TC3"+SecretKey.
 * Used by the API 3.0 endpoint to verify requests; never imports SDK signing code.
 */
import { createHash, createHmac } from "crypto";

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";

export const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, msg: string) => createHmac("sha256", key).update(msg).digest();

export interface CanonicalInput {
  method: string;
  /** Query string after "?" (GET), "" for POST. */
  query: string;
  /** Lower-case header name → value, for the signed headers. */
  headers: Record<string, string>;
  signedHeaders: string[];
  body: string | Buffer;
}

/** The canonical request (§1.2): header names and values lower-cased and trimmed, names sorted. */
export function canonicalRequest(input: CanonicalInput): string {
  const names = [...input.signedHeaders].map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(input.headers[n] ?? "").trim().toLowerCase()}\n`).join("");
  return [input.method.toUpperCase(), "/", input.query, canonicalHeaders, names.join(";"), sha256Hex(input.body)].join("\n");
}

/** UTC calendar date of a Unix timestamp, `YYYY-MM-DD`. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function stringToSign(timestamp: number, date: string, service: string, canonical: string): string {
  return `${TC3_ALGORITHM}\n${timestamp}\n${date}/${service}/tc3_request\n${sha256Hex(canonical)}`;
}

export function tc3Signature(secretKey: string, date: string, service: string, toSign: string): string {
  const kDate = hmac("TC3" + secretKey, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, "tc3_request");
  return createHmac("sha256", kSigning).update(toSign).digest("hex");
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b, Signature=<hex>`.
 * Returns a reason string when the header is malformed.
 */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | string {
  if (!header) return "the Authorization header is missing";
  const m = /^TC3-HMAC-SHA256\s+(.*)$/.exec(header.trim());
  if (!m) return "the Authorization header does not start with TC3-HMAC-SHA256";
  const parts: Record<string, string> = {};
  for (const p of m[1].split(",")) {
    const i = p.indexOf("=");
    if (i > 0) parts[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  const cred = (parts.Credential ?? "").split("/");
  if (cred.length !== 4 || !cred[0] || cred[3] !== "tc3_request" || !/^\d{4}-\d{2}-\d{2}$/.test(cred[1]) || !cred[2]) {
    return "Credential must be <SecretId>/<YYYY-MM-DD>/<service>/tc3_request";
  }
  if (!parts.SignedHeaders) return "SignedHeaders is missing";
  if (!/^[0-9a-f]{64}$/.test(parts.Signature ?? "")) return "Signature must be 64 lower-case hex digits";
  return {
    secretId: cred[0],
    date: cred[1],
    service: cred[2],
    signedHeaders: parts.SignedHeaders.split(";").map((h) => h.trim().toLowerCase()),
    signature: parts.Signature,
  };
}

/** Builds a full Authorization header; used by tests to craft requests the SDK would not send. */
export function signTc3(opts: {
  secretId: string;
  secretKey: string;
  service: string;
  timestamp: number;
  method?: string;
  query?: string;
  headers: Record<string, string>;
  body: string | Buffer;
}): string {
  const signedHeaders = Object.keys(opts.headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(opts.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = canonicalRequest({ method: opts.method ?? "POST", query: opts.query ?? "", headers: lower, signedHeaders, body: opts.body });
  const date = tc3Date(opts.timestamp);
  const sig = tc3Signature(opts.secretKey, date, opts.service, stringToSign(opts.timestamp, date, opts.service, canonical));
  return `${TC3_ALGORITHM} Credential=${opts.secretId}/${date}/${opts.service}/tc3_request, SignedHeaders=${signedHeaders.join(";")}, Signature=${sig}`;
}
