/**
 * Control API under `/_sandbox/` (loopback peers only; see server.ts). JSON in, JSON out; errors are
 * `{"error": "..."}` with 400 (bad input), 403 (cross-origin), 404 (unknown route), 413 (body over 1 MiB) or 415
 * (a write whose body is not JSON).
 *
 * A web page the operator has open can send requests to 127.0.0.1 too. Browsers mark them: `Origin` (every POST/PUT
 * and cross-origin fetch) and `Sec-Fetch-Site`. A request naming another origin is refused, and writes must be
 * `application/json` (text/plain and form types are what a page can send without a CORS preflight). Node and curl
 * send neither header. Bodies are read up to 1 MiB; a larger declared or streamed body is answered 413 at once and
 * the rest is never read.
 *
 * Routes:
 *   GET  /_sandbox                      → route list
 *   GET  /_sandbox/health               → {"ok": true}
 *   GET  /_sandbox/state                → the state document
 *   PUT  /_sandbox/state                → replace it (validated against state.schema.json)
 *   POST /_sandbox/state/reset          → empty state (optional body {"appId", "ownerUin"})
 *   GET  /_sandbox/faults               → {"seed": N, "rules": {...}}
 *   PUT  /_sandbox/faults               → {"rules": {...}, "seed"?: N} replaces the rules (a seed restarts the PRNG)
 *   GET  /_sandbox/rate-limits          → {"perAction"?, "actions", "windowMs", "counters": {"<service>:<Action>":
 *                                          {"requests", "limited"}}} (rate-limit.ts)
 *   PUT  /_sandbox/rate-limits          → {"perAction"?, "actions"?, "windowMs"?} replaces the limits ({} = none); counters stay
 *   POST /_sandbox/rate-limits/reset    → zeroes the counters and restarts the windows
 *   POST /_sandbox/credentials          → {"kind", "uin"?, "policy"?, "secretId"?, "secretKey"?} adds a key pair, returns it
 *   POST /_sandbox/live/callback-rules  → {"domainName", "appName", "templateId"} plants a callback rule as is
 *                                         (no checks: lets tests create states the API would refuse)
 *   POST /_sandbox/live/record-rules    → {"domainName", "appName"?, "streamName"?, "templateId"} likewise
 *   POST /_sandbox/live/callbacks       → {"domainName", "appName"? (live), "streamName", "eventType"? (100),
 *                                          "fields"?, "badSign"?} sends a signed event as Tencent would to the URL of
 *                                          the bound template; answers {"url", "status", "body", "event"} (502 when
 *                                          the receiver cannot be reached)
 */
import type { IncomingMessage, ServerResponse } from "http";
import { randomBytes } from "crypto";
import { InputError } from "../common/errors";
import { SandboxContext } from "./context";
import { Credential, beijingTime, emptyState, validateState } from "./state";
import { buildCallback, postCallback } from "./callbacks";
import { isEmulatedAction } from "./api";

const ROUTES = [
  "GET /_sandbox/health",
  "GET /_sandbox/state",
  "PUT /_sandbox/state",
  "POST /_sandbox/state/reset",
  "GET /_sandbox/faults",
  "PUT /_sandbox/faults",
  "GET /_sandbox/rate-limits",
  "PUT /_sandbox/rate-limits",
  "POST /_sandbox/rate-limits/reset",
  "POST /_sandbox/credentials",
  "POST /_sandbox/live/callback-rules",
  "POST /_sandbox/live/record-rules",
  "POST /_sandbox/live/callbacks",
];

/** A random key pair shaped like Tencent's (AKID + 32 chars, 32-char key). */
export function newKeyPair(): { secretId: string; secretKey: string } {
  const alnum = (n: number) =>
    Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("");
  return { secretId: `AKID${alnum(32)}`, secretKey: alnum(32) };
}

/** Largest control request body read. */
export const MAX_CONTROL_BODY = 1024 * 1024;

/** A refusal with its own HTTP status (403, 413, 415). */
class ControlRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const tooLarge = () => new ControlRefusal(413, `request body is larger than the control API accepts (${MAX_CONTROL_BODY} bytes)`);

/** Reads the body up to MAX_CONTROL_BODY; past it, stops reading (the caller answers 413 and drops the connection). */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_CONTROL_BODY) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_CONTROL_BODY) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        reject(tooLarge());
      } else chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size > MAX_CONTROL_BODY) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text.trim()) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new InputError(`request body is not valid JSON (${(err as Error).message})`));
      }
    });
    req.on("error", reject);
  });
}

/** The origins of this control server: its loopback names with its own port. */
function ownOrigins(req: IncomingMessage): string[] {
  const port = req.socket.localPort;
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

/** Refuses what a browser sends on behalf of another site: a foreign Origin, or Sec-Fetch-Site cross-site/same-site. */
function checkOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins(req).includes(origin.toLowerCase())) {
    throw new ControlRefusal(
      403,
      `cross-origin request refused: Origin "${origin}" is not this control server (${ownOrigins(req)[0]}); call it from a local client, not a web page`,
    );
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw new ControlRefusal(403, `cross-origin request refused: Sec-Fetch-Site "${site}"; call the control API from a local client, not a web page`);
  }
}

/** Writes must carry JSON: application/json (or +json); no Content-Type only with an empty body. */
function checkJsonWrite(req: IncomingMessage): void {
  const type = req.headers["content-type"];
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (type === undefined) {
    if (hasBody) throw new ControlRefusal(415, "a request body needs Content-Type: application/json");
    return;
  }
  const media = type.split(";")[0].trim().toLowerCase();
  if (media !== "application/json" && !/^application\/[a-z0-9.+-]*\+json$/.test(media)) {
    throw new ControlRefusal(415, `Content-Type "${media}" refused: control writes take application/json only`);
  }
}

function reply(res: ServerResponse, status: number, doc: unknown, close = false): void {
  const body = JSON.stringify(doc);
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  if (close) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(body);
}

const str = (v: unknown, field: string, optional = false): string | undefined => {
  if (v === undefined && optional) return undefined;
  if (typeof v !== "string") throw new InputError(`${field}: must be a string`);
  return v;
};
const int = (v: unknown, field: string): number => {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new InputError(`${field}: must be an integer`);
  return n;
};

export async function handleControl(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox");
  const path = url.pathname.replace(/\/+$/, "");
  const route = `${req.method} ${path}`;
  const write = req.method === "PUT" || req.method === "POST";
  try {
    checkOrigin(req);
    if (write) checkJsonWrite(req);
    const body = write ? ((await readJson(req)) as Record<string, unknown>) : {};
    switch (route) {
      case "GET /_sandbox":
        return reply(res, 200, { routes: ROUTES });
      case "GET /_sandbox/health":
        return reply(res, 200, { ok: true });
      case "GET /_sandbox/state":
        return reply(res, 200, ctx.store.get());
      case "PUT /_sandbox/state":
        ctx.store.replace(body, "PUT /_sandbox/state");
        ctx.log("control: state replaced");
        return reply(res, 200, { ok: true });
      case "POST /_sandbox/state/reset": {
        const appId = str(body.appId, "appId", true);
        const ownerUin = str(body.ownerUin, "ownerUin", true);
        ctx.store.replace(emptyState(appId, ownerUin));
        ctx.log("control: state reset");
        return reply(res, 200, { ok: true });
      }
      case "GET /_sandbox/faults":
        return reply(res, 200, { seed: ctx.faults.seed, ...ctx.faults.get() });
      case "PUT /_sandbox/faults": {
        const { seed, ...config } = body;
        const newSeed = seed === undefined ? undefined : int(seed, "seed"); // checked first: a bad seed changes nothing
        ctx.faults.set(config, "PUT /_sandbox/faults");
        if (newSeed !== undefined) ctx.faults.reseed(newSeed);
        ctx.log(`control: faults set (${Object.keys(ctx.faults.get().rules).length} rule(s))`);
        return reply(res, 200, { ok: true });
      }
      case "GET /_sandbox/rate-limits": {
        const rl = ctx.rateLimits;
        return reply(res, 200, { actions: {}, ...rl?.get(), windowMs: rl?.windowMs ?? 1000, counters: rl?.counters() ?? {} });
      }
      case "PUT /_sandbox/rate-limits": {
        if (!ctx.rateLimits) throw new InputError("this sandbox was started without a rate limiter");
        ctx.rateLimits.set(body, "PUT /_sandbox/rate-limits", isEmulatedAction);
        ctx.log("control: rate limits set");
        return reply(res, 200, { ok: true });
      }
      case "POST /_sandbox/rate-limits/reset":
        ctx.rateLimits?.reset();
        ctx.log("control: rate-limit counters reset");
        return reply(res, 200, { ok: true });
      case "POST /_sandbox/credentials": {
        const kind = body.kind ?? "sub-user";
        if (kind !== "owner" && kind !== "sub-user") throw new InputError(`kind: must be "owner" or "sub-user"`);
        const state = ctx.store.get();
        const pair = newKeyPair();
        const cred: Credential = {
          secretId: str(body.secretId, "secretId", true) ?? pair.secretId,
          secretKey: str(body.secretKey, "secretKey", true) ?? pair.secretKey,
          kind,
          uin: str(body.uin, "uin", true) ?? (kind === "owner" ? state.ownerUin : String(100000000000 + Math.floor(Math.random() * 1e9))),
          createTime: beijingTime(),
          ...(body.policy !== undefined ? { policy: body.policy as Credential["policy"] } : {}),
        };
        const next = structuredClone(state);
        next.credentials.push(cred);
        validateState(next, "POST /_sandbox/credentials");
        ctx.store.mutate((s) => s.credentials.push(cred));
        ctx.log(`control: ${kind} key added`);
        return reply(res, 200, cred);
      }
      case "POST /_sandbox/live/callback-rules": {
        const now = beijingTime();
        const rule = {
          domainName: str(body.domainName, "domainName")!,
          appName: str(body.appName, "appName")!,
          templateId: int(body.templateId, "templateId"),
          createTime: now,
          updateTime: now,
        };
        ctx.store.mutate((s) => {
          s.live.callbackRules = s.live.callbackRules.filter((r) => !(r.domainName === rule.domainName && r.appName === rule.appName));
          s.live.callbackRules.push(rule);
        });
        return reply(res, 200, rule);
      }
      case "POST /_sandbox/live/record-rules": {
        const now = beijingTime();
        const rule = {
          domainName: str(body.domainName, "domainName")!,
          appName: str(body.appName, "appName", true) ?? "",
          streamName: str(body.streamName, "streamName", true) ?? "",
          templateId: int(body.templateId, "templateId"),
          createTime: now,
          updateTime: now,
        };
        ctx.store.mutate((s) => {
          s.live.recordRules = s.live.recordRules.filter(
            (r) => !(r.domainName === rule.domainName && r.appName === rule.appName && r.streamName === rule.streamName),
          );
          s.live.recordRules.push(rule);
        });
        return reply(res, 200, rule);
      }
      case "POST /_sandbox/live/callbacks": {
        const eventType = body.eventType === undefined ? undefined : int(body.eventType, "eventType");
        if (body.fields !== undefined && (typeof body.fields !== "object" || body.fields === null || Array.isArray(body.fields))) {
          throw new InputError("fields: must be an object");
        }
        const { url, event } = buildCallback(
          ctx.store.get(),
          {
            domainName: str(body.domainName, "domainName")!,
            appName: str(body.appName, "appName", true),
            streamName: str(body.streamName, "streamName")!,
            eventType,
            fields: body.fields as Record<string, unknown> | undefined,
            badSign: body.badSign === true,
          },
          (ctx.now ?? Date.now)(),
        );
        try {
          const r = await postCallback(url, event);
          ctx.log(`control: callback event ${event.event_type} → ${url}: HTTP ${r.status}`);
          return reply(res, 200, { url, ...r, event });
        } catch (err) {
          return reply(res, 502, { error: `callback POST to ${url} failed: ${(err as Error).message}`, url, event });
        }
      }
      default:
        return reply(res, 404, { error: `unknown control route "${route}"`, routes: ROUTES });
    }
  } catch (err) {
    if (err instanceof InputError) return reply(res, 400, { error: err.message });
    if (err instanceof ControlRefusal) {
      ctx.log(`control: ${route} refused (${err.status})`);
      // An unread body stays unread: the connection is closed once the answer had time to leave.
      const unread = write && !req.complete;
      reply(res, err.status, { error: err.message }, unread);
      if (unread) setTimeout(() => req.socket.destroy(), 200).unref();
      return;
    }
    throw err;
  }
}
