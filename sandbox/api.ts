/**
 * API 3.0 endpoint: TC3 verification, Tencent's response envelope (always HTTP 200 except injected 5xx), parameter
 * checking, CAM authorisation, then the action tables of live.ts, cdb.ts, cam.ts, tag.ts and vpc.ts.
 *
 * Order of checks (the docs do not state the real order; this one puts cheap gateway checks first):
 *   1. X-TC-Action present                      → MissingParameter
 *   2. faults: delay, drop, throttle, 5xx       → (connection destroyed) / RequestLimitExceeded / HTTP 500
 *   3. X-TC-Timestamp present and numeric       → MissingParameter / InvalidParameter
 *   4. Authorization well-formed, signs host and content-type → AuthFailure.InvalidAuthorization
 *   5. |now − timestamp| ≤ 300 s                → AuthFailure.SignatureExpire
 *   6. SecretId known and active                → AuthFailure.SecretIdNotFound
 *   7. scope date/service, signature            → AuthFailure.SignatureFailure
 *   8. product, version, action                 → InvalidAction / MissingParameter / NoSuchVersion
 *  8b. per-action rate limit of the account     → RequestLimitExceeded (rate-limit.ts; requests counted here)
 *   9. X-TC-Region where the product needs it   → MissingParameter (cdb, vpc)
 *  10. CAM policy of a sub-user key             → AuthFailure.UnauthorizedOperation
 *  11. parameters                               → InvalidParameter / UnknownParameter / MissingParameter / ...
 */
import type { IncomingMessage, ServerResponse } from "http";
import { randomUUID, timingSafeEqual } from "crypto";
import { maskSecretId } from "../common/mask";
import { getOwn, hasOwn } from "../common/records";
import { SandboxContext } from "./context";
import { Credential, State, findCredential, isAllowed } from "./state";
import { ApiError, ServiceDef, Spec } from "./api-types";
import { canonicalRequest, parseAuthorization, stringToSign, tc3Date, tc3Signature } from "./tc3";
import { sleep } from "./faults";
import { LIVE } from "./live";
import { CDB } from "./cdb";
import { CAM, STS } from "./cam";
import { TAG } from "./tag";
import { VPC } from "./vpc";

export { ApiError } from "./api-types";

export const SERVICES: Record<string, ServiceDef> = { live: LIVE, cdb: CDB, cam: CAM, sts: STS, tag: TAG, vpc: VPC };

/** True when the sandbox emulates `action` (in `service`, or in any service when it is undefined). */
export function isEmulatedAction(service: string | undefined, action: string): boolean {
  const has = (s: ServiceDef | undefined) => !!s && hasOwn(s.actions, action);
  return service === undefined ? Object.values(SERVICES).some(has) : has(getOwn(SERVICES, service) as ServiceDef | undefined);
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError("InvalidParameter", "The request body is larger than the sandbox accepts (10 MB)."));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, payload: Record<string, unknown>, traceId: string | undefined, status = 200): void {
  const body = JSON.stringify({ Response: payload });
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  if (traceId) headers["X-TC-TraceId"] = traceId;
  res.writeHead(status, headers);
  res.end(body);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

// ---------------------------------------------------------------------------------------------------------------
// Parameters

/** `A.0.B=v&C=w` (GET form) → `{A: [{B: "v"}], C: "w"}`. */
export function unflattenQuery(query: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const path = k.split(".");
    let cur: Record<string, unknown> | unknown[] = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const key = /^\d+$/.test(seg) && Array.isArray(cur) ? Number(seg) : seg;
      const c = cur as Record<string | number, unknown>;
      if (last) c[key] = v;
      else {
        if (c[key] === undefined) c[key] = /^\d+$/.test(path[i + 1]) ? [] : {};
        cur = c[key] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function typeName(spec: Spec): string {
  if (typeof spec === "string") return spec === "int" ? "an integer" : spec === "bool" ? "a boolean" : `a ${spec}`;
  if (Array.isArray(spec)) return "an array";
  return "an object";
}

/** Checks and coerces one value; numeric and boolean strings are accepted (the official examples send them). */
function coerce(value: unknown, spec: Spec, name: string): unknown {
  const bad = () => new ApiError("InvalidParameter", `The parameter \`${name}\` must be ${typeName(spec)}.`);
  if (spec === "any") return value;
  if (spec === "string") {
    if (typeof value === "string") return value;
    if (typeof value === "number") return String(value);
    throw bad();
  }
  if (spec === "int") {
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
    throw bad();
  }
  if (spec === "bool") {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === 1 || value === "1") return true;
    if (value === "false" || value === 0 || value === "0") return false;
    throw bad();
  }
  if (Array.isArray(spec)) {
    let arr = value;
    if (arr && typeof arr === "object" && !Array.isArray(arr)) arr = Object.values(arr); // sparse GET indices
    if (!Array.isArray(arr)) throw bad();
    return arr.filter((x) => x !== null && x !== undefined).map((x, i) => coerce(x, spec[0], `${name}.${i}`));
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw bad();
  return checkObject(value as Record<string, unknown>, spec, `${name}.`);
}

export function checkObject(value: Record<string, unknown>, spec: { [field: string]: Spec }, prefix = ""): Record<string, unknown> {
  const fields = new Map(Object.entries(spec).map(([k, s]) => [k.replace(/!$/, ""), { s, required: k.endsWith("!") }]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const f = fields.get(k);
    if (!f) throw new ApiError("UnknownParameter", `The parameter \`${prefix}${k}\` is not recognized.`);
    if (v === null || v === undefined) continue;
    out[k] = coerce(v, f.s, prefix + k);
  }
  for (const [k, f] of fields) {
    if (f.required && (out[k] === undefined || out[k] === "")) {
      throw new ApiError("MissingParameter", `The request is missing a required parameter \`${prefix}${k}\`.`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Handler

function safeEqualHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Verifies TC3 and returns the credential, or throws the AuthFailure.* error Tencent would send. */
function authenticate(req: IncomingMessage, body: Buffer, service: string, state: State, now: number): Credential {
  const tsText = header(req, "x-tc-timestamp");
  if (!tsText) throw new ApiError("MissingParameter", "The request is missing a required parameter `Timestamp`.");
  if (!/^\d+$/.test(tsText)) throw new ApiError("InvalidParameter", "The parameter `Timestamp` must be a Unix time in seconds.");
  const ts = Number(tsText);
  const auth = parseAuthorization(header(req, "authorization"));
  if (typeof auth === "string") throw new ApiError("AuthFailure.InvalidAuthorization", `Authorization header is invalid: ${auth}.`);
  for (const h of ["content-type", "host"]) {
    if (!auth.signedHeaders.includes(h)) {
      throw new ApiError("AuthFailure.InvalidAuthorization", `Authorization header is invalid: SignedHeaders must include ${h}.`);
    }
  }
  if (Math.abs(now - ts) > 300) {
    throw new ApiError(
      "AuthFailure.SignatureExpire",
      `Signature expired. Timestamp ${ts} is more than 5 minutes away from server time ${now}.`,
    );
  }
  const cred = findCredential(state, auth.secretId);
  if (!cred) throw new ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");
  const failure = (why: string) =>
    new ApiError("AuthFailure.SignatureFailure", `The provided credentials could not be validated. Please check your signature is correct. (${why})`);
  if (auth.date !== tc3Date(ts)) throw failure(`credential date ${auth.date} is not the UTC date of the timestamp`);
  if (auth.service !== service) throw failure(`credential scope service "${auth.service}" does not match the host's service "${service}"`);
  const headers: Record<string, string> = {};
  for (const h of auth.signedHeaders) {
    const v = h === "host" ? (header(req, "host") ?? "").replace(/:\d+$/, "") : header(req, h);
    if (v === undefined) throw failure(`signed header ${h} is not in the request`);
    headers[h] = v;
  }
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const method = (req.method ?? "POST").toUpperCase();
  const canonical = canonicalRequest({
    method,
    query: method === "GET" && q >= 0 ? url.slice(q + 1) : "",
    headers,
    signedHeaders: auth.signedHeaders,
    body: method === "GET" ? "" : body,
  });
  const expected = tc3Signature(cred.secretKey, auth.date, service, stringToSign(ts, auth.date, service, canonical));
  if (!safeEqualHex(expected, auth.signature)) throw failure("signature mismatch");
  return cred;
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext, service: string): Promise<void> {
  const requestId = randomUUID();
  const traceId = header(req, "x-tc-traceid");
  const action = header(req, "x-tc-action") ?? "";
  let who = "-";
  try {
    const body = await readBody(req);
    if (!action) throw new ApiError("MissingParameter", "The request is missing a required parameter `Action`.");

    const d = ctx.faults.decide(service, action);
    if (d.delayMs > 0) await sleep(d.delayMs);
    if (d.drop) {
      ctx.log(`api ${service}:${action} → dropped (fault)`);
      req.socket.destroy();
      return;
    }
    if (d.throttle) throw new ApiError("RequestLimitExceeded", "Your current request times exceeds the limit, please try again later. (sandbox fault)");
    if (d.serverError) {
      ctx.log(`api ${service}:${action} → HTTP 500 (fault)`);
      send(res, { Error: { Code: "InternalError", Message: "An internal error occurred. (sandbox fault)" }, RequestId: requestId }, traceId, 500);
      return;
    }

    const state = ctx.store.get();
    const cred = authenticate(req, body, service, state, Math.floor((ctx.now ?? Date.now)() / 1000));
    who = maskSecretId(cred.secretId);

    const svc = SERVICES[service];
    if (!svc) throw new ApiError("InvalidAction", `The product \`${service}\` is not emulated by the sandbox (only ${Object.keys(SERVICES).join(", ")}).`);
    const def = svc.actions[action];
    if (!def) throw new ApiError("InvalidAction", `The action \`${action}\` is not supported for ${service}.`);
    const version = header(req, "x-tc-version");
    if (!version) throw new ApiError("MissingParameter", "The request is missing a required parameter `Version`.");
    if (version !== svc.version) throw new ApiError("NoSuchVersion", `The API version \`${version}\` of ${service} does not exist (use ${svc.version}).`);
    const limit = ctx.rateLimits?.admit(state.ownerUin, service, action);
    if (limit !== undefined) {
      throw new ApiError(
        "RequestLimitExceeded",
        `Your current request times exceeds the limit, please try again later. (sandbox rate limit: ${limit} requests per ${ctx.rateLimits!.windowMs} ms for ${service}:${action})`,
      );
    }
    const region = header(req, "x-tc-region") ?? "";
    if ((def.needsRegion ?? svc.needsRegion) && !region) throw new ApiError("MissingParameter", "The request is missing a required parameter `Region`.");
    if (!def.noAuthz && !isAllowed(state, cred, `${service}:${action}`, "*")) {
      throw new ApiError(
        "AuthFailure.UnauthorizedOperation",
        `You are not authorized to perform operation (${service}:${action}). Check your CAM policies, and ensure that you are using the correct access keys.`,
      );
    }

    let raw: unknown;
    if ((req.method ?? "").toUpperCase() === "GET") {
      const url = req.url ?? "/";
      raw = unflattenQuery(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
    } else {
      try {
        raw = body.length ? JSON.parse(body.toString("utf8")) : {};
      } catch {
        throw new ApiError("InvalidParameter", "The request body is not valid JSON.");
      }
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
    const params = checkObject(raw as Record<string, unknown>, def.params ?? {});
    const result = def.run(params, { state, store: ctx.store, cred, region, log: ctx.log });
    ctx.log(`api ${service}:${action} ${who} → ok`);
    send(res, { ...result, RequestId: requestId }, traceId);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    ctx.log(`api ${service}:${action || "-"} ${who} → ${err.code}`);
    send(res, { Error: { Code: err.code, Message: err.message }, RequestId: requestId }, traceId);
  }
}
