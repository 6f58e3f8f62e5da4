/**
 * Live event callbacks as Tencent sends them (reference §2.6, §7.3): a JSON POST to the URL of the callback template
 * bound to the push domain + AppName, signed with `t` (expiry, now + 600 s) and `sign` = md5(CallbackKey + t).
 * Used by the control route POST /_sandbox/live/callbacks so tests and the demo can play Tencent's part.
 */
import * as http from "http";
import * as https from "https";
import { createHash, randomBytes } from "crypto";
import { InputError } from "../common/errors";
import { CallbackTemplate, State } from "./state";

/** Which template URL carries which event_type. */
const URL_FIELD: Record<number, keyof CallbackTemplate> = {
  0: "streamEndNotifyUrl",
  1: "streamBeginNotifyUrl",
  100: "recordNotifyUrl",
  200: "snapshotNotifyUrl",
  315: "audioAuditNotifyUrl",
  317: "pornCensorshipNotifyUrl",
  321: "pushExceptionNotifyUrl",
  332: "recordStatusNotifyUrl",
  341: "recordExceptionNotifyUrl",
};

export interface CallbackRequest {
  domainName: string;
  appName?: string;
  streamName: string;
  /** Default 100 (recording file generated). */
  eventType?: number;
  /** Extra or overriding payload fields. */
  fields?: Record<string, unknown>;
  /** Send a wrong sign (for negative tests). */
  badSign?: boolean;
}

export interface CallbackResult {
  url: string;
  status: number;
  body: string;
  event: Record<string, unknown>;
}

export const callbackSign = (key: string, t: number) => createHash("md5").update(key + String(t)).digest("hex");

/** Builds the signed event for a request against the state; throws InputError when no rule/template/URL applies. */
export function buildCallback(state: State, req: CallbackRequest, nowMs: number): { url: string; event: Record<string, unknown> } {
  const appName = req.appName ?? "live";
  const eventType = req.eventType ?? 100;
  const field = URL_FIELD[eventType];
  if (!field) throw new InputError(`eventType: ${eventType} is not one of ${Object.keys(URL_FIELD).join(", ")}`);
  const rule = state.live.callbackRules.find((r) => r.domainName === req.domainName && r.appName === appName);
  if (!rule) throw new InputError(`no callback rule binds ${req.domainName}/${appName}`);
  const tpl = state.live.callbackTemplates.find((t) => t.templateId === rule.templateId);
  if (!tpl) throw new InputError(`the callback rule of ${req.domainName}/${appName} names template ${rule.templateId}, which does not exist`);
  const url = tpl[field] as string;
  if (!url) throw new InputError(`template ${tpl.templateId} has no ${field} (event_type ${eventType})`);

  const now = Math.floor(nowMs / 1000);
  const t = now + 600;
  const base = { appid: Number(state.appId), app: req.domainName, appname: appName, stream_id: req.streamName, channel_id: req.streamName };
  let event: Record<string, unknown>;
  if (eventType === 100) {
    const fileId = String(BigInt("0x" + randomBytes(7).toString("hex")));
    const recordRule = state.live.recordRules.find((r) => r.domainName === req.domainName && (r.appName === appName || r.appName === ""));
    event = {
      ...base, event_type: 100, file_id: fileId, record_file_id: fileId, record_temp_id: recordRule ? String(recordRule.templateId) : "",
      file_format: "mp4", task_id: "", start_time: now - 60, end_time: now, start_time_usec: 0, end_time_usec: 0, duration: 60,
      file_size: 1048576, stream_param: "", media_start_time: 0, record_bps: 0,
      video_url: `http://${state.appId}.vod2.myqcloud.com/sandbox/${fileId}/f0.mp4`, video_id: `${state.appId}_${fileId}`,
      callback_ext: JSON.stringify({ video_codec: "h264", resolution: "640x480", session_id: fileId }),
    };
  } else if (eventType === 0 || eventType === 1) {
    event = {
      ...base, event_type: eventType, event_time: now, sequence: randomBytes(8).toString("hex"), node: "127.0.0.1", user_ip: "127.0.0.1",
      stream_param: "", set_id: 2, width: 640, height: 480, ...(eventType === 0 ? { push_duration: 60000, errcode: 1, errmsg: "recv rtmp deleteStream" } : {}),
    };
  } else {
    event = { ...base, event_type: eventType, event_time: now };
  }
  Object.assign(event, req.fields ?? {});
  event.t = t;
  event.sign = req.badSign ? callbackSign(tpl.callbackKey + "x", t) : callbackSign(tpl.callbackKey, t);
  return { url, event };
}

/** POSTs the event (no proxy). The whole exchange is bounded by `timeoutMs`; the answer's first 4 KB are kept. */
export function postCallback(url: string, event: Record<string, unknown>, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(event);
  const u = new URL(url);
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method: "POST", agent: false, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < 4096) text += c;
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: text.slice(0, 4096) });
        });
        res.on("error", reject);
      },
    );
    // A whole-exchange bound: a socket idle timeout would let a receiver that trickles bytes hold the call forever.
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer from ${u.origin} within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
