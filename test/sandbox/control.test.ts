// Control API hardening: what a web page open in the operator's browser could send to 127.0.0.1 is refused
// (foreign Origin / Sec-Fetch-Site, non-JSON writes), and bodies over 1 MiB are answered 413 without being read.
import * as http from "http";
import { MAX_CONTROL_BODY } from "../../sandbox/control";
import { baseState, startTestSandbox, TestSandbox } from "../helpers/sandbox";

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.close());

interface Answer {
  status: number;
  json: any;
}

function call(method: string, route: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.sb.control}${route}`, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || "null") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const resetBody = JSON.stringify({ appId: "1300000009" });
const appId = () => t.sb.store.get().appId;

beforeEach(() => t.sb.store.replace(baseState()));

describe("origin", () => {
  test("a foreign Origin is refused with 403 for writes and reads, and nothing changes", async () => {
    const port = t.sb.port;
    for (const origin of ["http://evil.example.com", `http://127.0.0.1:${port + 1}`, "null", `http://live.tencentcloudapi.com:${port}`]) {
      const w = await call("POST", "/state/reset", { Origin: origin, "Content-Type": "application/json" }, resetBody);
      expect([origin, w.status]).toEqual([origin, 403]);
      expect(w.json.error).toMatch(/^cross-origin request refused: Origin ".*" is not this control server \(http:\/\/127\.0\.0\.1:\d+\)/);
      const r = await call("GET", "/state", { Origin: origin });
      expect([origin, r.status]).toEqual([origin, 403]);
      expect(JSON.stringify(r.json)).not.toContain("secretKey");
    }
    expect(appId()).toBe("1250000000");
  });

  test("Sec-Fetch-Site cross-site / same-site is refused; the server's own loopback origins are accepted", async () => {
    for (const site of ["cross-site", "same-site"]) {
      const r = await call("POST", "/state/reset", { "Sec-Fetch-Site": site, "Content-Type": "application/json" }, resetBody);
      expect([site, r.status, r.json.error]).toEqual([site, 403, expect.stringContaining(`Sec-Fetch-Site "${site}"`)]);
    }
    expect(appId()).toBe("1250000000");
    for (const origin of [`http://127.0.0.1:${t.sb.port}`, `http://localhost:${t.sb.port}`, `http://[::1]:${t.sb.port}`]) {
      const r = await call("POST", "/state/reset", { Origin: origin, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json" }, resetBody);
      expect([origin, r.status]).toEqual([origin, 200]);
    }
    expect(appId()).toBe("1300000009");
  });
});

describe("content type", () => {
  test("writes a page can send without a preflight (text/plain, forms) are refused with 415", async () => {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await call("POST", "/state/reset", { "Content-Type": type }, resetBody);
      expect([type, r.status]).toEqual([type, 415]);
      expect(r.json.error).toMatch(/^Content-Type ".*" refused: control writes take application\/json only$/);
    }
    const none = await call("PUT", "/faults", { "Content-Length": "12" }, '{"rules":{}}');
    expect(none).toEqual({ status: 415, json: { error: "a request body needs Content-Type: application/json" } });
    expect(appId()).toBe("1250000000");
  });

  test("JSON writes (with a charset, or +json) and body-less writes are accepted", async () => {
    expect((await call("PUT", "/faults", { "Content-Type": "application/json; charset=utf-8" }, '{"rules":{}}')).status).toBe(200);
    expect((await call("PUT", "/faults", { "Content-Type": "application/merge-patch+json" }, '{"rules":{}}')).status).toBe(200);
    expect((await call("POST", "/state/reset", {})).status).toBe(200);
    expect(t.sb.store.get().credentials).toEqual([]);
  });
});

describe("body size", () => {
  test("a body just under the limit is read; a declared body over it is answered 413 before any of it is read", async () => {
    const state = baseState();
    (state.live.domains as unknown[]) = [];
    const pad = " ".repeat(MAX_CONTROL_BODY - JSON.stringify(state).length - 1);
    expect((await call("PUT", "/state", { "Content-Type": "application/json" }, JSON.stringify(state) + pad)).status).toBe(200);

    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${t.sb.control}/state`, {
        method: "PUT", agent: false, headers: { "Content-Type": "application/json", "Content-Length": String(300 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on("error", reject);
      req.flushHeaders(); // headers only: the server must answer without waiting for 300 MB
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `request body is larger than the control API accepts (${MAX_CONTROL_BODY} bytes)` });
  });

  test("a streamed 300 MB body is cut off after the limit: 413, the sender is stopped early, memory does not grow", async () => {
    const total = 300 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const rssBefore = process.memoryUsage().rss;
    const result = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      let done = false;
      const req = http.request(`${t.sb.control}/state`, { method: "PUT", agent: false, headers: { "Content-Type": "application/json" } });
      const finish = (status: number, body: string) => {
        if (done) return;
        done = true;
        req.destroy();
        resolve({ status, body, sent });
      };
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => finish(res.statusCode!, body));
      });
      // The server closes the connection after answering; a write racing that close may fail.
      req.on("error", (err) => (done ? undefined : sent > MAX_CONTROL_BODY ? undefined : reject(err)));
      const pump = () => {
        while (!done && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        if (!done) req.end();
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toMatch(/larger than the control API accepts/);
    // The server stopped reading: the sender was held by backpressure long before 300 MB.
    expect(result.sent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    // The sandbox still answers.
    expect((await call("GET", "/health", {})).json).toEqual({ ok: true });
  });
});
