/**
 * Starts an in-process sandbox for a test file and builds official-SDK clients (CommonClient) that reach it over
 * real HTTP while keeping the real host names on the wire: the endpoint is `<service>.tencentcloudapi.com:<port>`
 * and an http.Agent whose `lookup` answers 127.0.0.1 (reference §5.2 (b)).
 */
import { spawn } from "child_process";
import * as http from "http";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { Sandbox, SandboxOptions, startSandbox } from "../../sandbox/server";
import { Credential, PolicyDocument, State, emptyState } from "../../sandbox/state";
import { CLI, REPO_ROOT } from "./cli";

export const VERSIONS: Record<string, string> = {
  live: "2018-08-01",
  cdb: "2017-03-20",
  cam: "2019-01-16",
  sts: "2018-08-13",
  tag: "2018-08-13",
  vpc: "2017-03-12",
};

export const OWNER: Credential = {
  secretId: "AKIDsandboxOwner00000000000000000000",
  secretKey: "sandboxOwnerSecretKey00000000000",
  kind: "owner",
  uin: "100000000001",
};

export const READONLY_POLICY: PolicyDocument = {
  version: "2.0",
  statement: [{ effect: "allow", action: ["name/cos:PutObject"], resource: ["*"] }],
};

/** A sub-user allowed only cos:PutObject (no live/cdb permissions). */
export const SIGNER: Credential = {
  secretId: "AKIDsandboxSigner0000000000000000000",
  secretKey: "sandboxSignerSecretKey0000000000",
  kind: "sub-user",
  uin: "100000000002",
  policy: READONLY_POLICY,
};

export function baseState(): State {
  const s = emptyState("1250000000", OWNER.uin);
  s.credentials.push(structuredClone(OWNER), structuredClone(SIGNER));
  return s;
}

/** An agent that resolves every host name to 127.0.0.1 (both lookup callback shapes). */
export function loopbackAgent(): http.Agent {
  return new http.Agent({
    keepAlive: false,
    lookup: ((_host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
      if (options && options.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
      else cb(null, "127.0.0.1", 4);
    }) as unknown as http.AgentOptions["lookup"],
  });
}

export interface TestSandbox {
  sb: Sandbox;
  agent: http.Agent;
  /** A CommonClient for `service`, signed with `cred` (default: the owner key). */
  client(service: string, opts?: { cred?: Pick<Credential, "secretId" | "secretKey">; region?: string; method?: "GET" | "POST" }): CommonClient;
  close(): Promise<void>;
}

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  const sb = await startSandbox({ state: baseState(), ...opts });
  const agent = loopbackAgent();
  return {
    sb,
    agent,
    client(service, o = {}) {
      const cred = o.cred ?? OWNER;
      return new CommonClient(`${service}.tencentcloudapi.com`, VERSIONS[service], {
        credential: { secretId: cred.secretId, secretKey: cred.secretKey },
        region: o.region ?? (service === "cdb" ? "ap-guangzhou" : ""),
        profile: {
          httpProfile: {
            endpoint: `${service}.tencentcloudapi.com:${sb.port}`,
            protocol: "http://",
            reqMethod: o.method ?? "POST",
            reqTimeout: 10,
            agent,
          },
        },
      });
    },
    async close() {
      agent.destroy();
      await sb.close();
    },
  };
}

/** Runs a call that must fail and returns the SDK error (code, message, requestId, httpCode). */
export async function sdkError(p: Promise<unknown>): Promise<{ code: string; message: string; requestId?: string; httpCode?: number }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; requestId?: string; httpCode?: number };
  }
  throw new Error("expected the call to fail, it succeeded");
}

/**
 * Starts `live-infra sandbox ARGS` as a real process with a minimal environment (PATH, HOME, NO_COLOR and `env`):
 * `line` resolves with its first stdout line (the JSON of its addresses), `exit` with its exit code.
 */
export function startSandboxProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, "sandbox", ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => out.includes("\n") && resolve(out));
    exit.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  line.catch(() => undefined); // awaited only where a running server is expected
  return { child, exit, line, stdout: () => out, stderr: () => err };
}
