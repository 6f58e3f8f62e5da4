/**
 * A plain JSON POST to a URL of the backend (http or https), for probes that talk to the backend itself rather
 * than to Tencent Cloud. No retries, no keep-alive; the answer body is capped at 64 KiB.
 */
import * as http from "http";
import * as https from "https";
import type { LookupFunction } from "net";

export interface PostResult {
  status: number;
  body: string;
}

const MAX_BODY = 65536;

/**
 * Posts `payload` as JSON; rejects with `code: "ETIMEDOUT"` when no answer comes within `timeoutMs`. `lookup`
 * resolves the URL's host (the validators' resolver, which honours `--resolve`); default the system's.
 */
export function postJson(url: string, payload: unknown, opts: { timeoutMs: number; signal?: AbortSignal; lookup?: LookupFunction }): Promise<PostResult> {
  const u = new URL(url);
  const data = Buffer.from(JSON.stringify(payload));
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": data.length, "User-Agent": "live-infra-validate" },
        timeout: opts.timeoutMs,
        agent: false,
        signal: opts.signal,
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          if (chunks.reduce((n, x) => n + x.length, 0) < MAX_BODY) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(data);
  });
}
