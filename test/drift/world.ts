/**
 * One seeded world for a drift test file: the dev stack synthesized into a temp folder, the sandbox seeded from it
 * (outputs written beside it), and a real MariaDB database + backend account of the file's own (outputs and the
 * emulated instance renamed to them, as the demo does), migrated to the declared schema. `reset()` puts the
 * sandbox back to the seeded state through the control API; `change` clients are the official SDKs.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import COS = require("cos-nodejs-sdk-v5");
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { StackOutputs, readStackOutputs, writeStackOutputs } from "../../common/outputs";
import { migrate } from "../../database/migrate";
import { DriftOptions, DriftReport, Finding, loadDeclaration, runDrift } from "../../drift";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import type { State } from "../../sandbox/state";
import { synthesize } from "../../stacks/synth";
import { testServer, uniqueName, withRootConnection } from "../helpers/mysql";
import { loopbackAgent } from "../helpers/sandbox";

export const OWNER = { secretId: "AKIDdriftTestOwner000000000000000001", secretKey: "driftTestOwnerSecretKey0000000001" };

const VERSIONS: Record<string, string> = { live: "2018-08-01", cdb: "2017-03-20", cam: "2019-01-16", tag: "2018-08-13", vpc: "2017-03-12" };

export interface World {
  tmp: string;
  stack: string;
  declaredFile: string;
  outputsFile: string;
  outputs: StackOutputs;
  sb: Sandbox;
  seeded: State;
  db: string;
  user: string;
  /** An official API 3.0 client (CommonClient) signed with the owner key. */
  api(service: string): CommonClient;
  /** The official COS SDK, owner key. */
  cos: COS;
  /** The seeded state back (control API). */
  reset(): Promise<void>;
  /** GET state → change → PUT state (control API), for what no API action can do. */
  mutate(change: (s: State) => void): Promise<void>;
  state(): Promise<State>;
  /** runDrift in-process with this world's inputs. */
  drift(extra?: Partial<DriftOptions>): Promise<DriftReport>;
  close(): Promise<void>;
}

async function control(base: string, method: "GET" | "PUT", route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export async function startWorld(tag: string): Promise<World> {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `drift-${tag}-`));
  const synth = synthesize({ envNames: ["dev"], outdir: tmp });
  const declaredFile = synth.stacks[0].file;
  const stackDir = path.dirname(declaredFile);
  const server = await testServer();
  const seed = await seedFromStack({
    stackDir,
    mysqlUrl: `mysql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/`,
    owner: OWNER,
  });
  // A database and backend account of this file's own on the shared server.
  const db = uniqueName(`drift_${tag}`);
  const user = uniqueName("du").slice(0, 32);
  const outputs: StackOutputs = { ...seed.outputs, db_name: db, db_user: user };
  writeStackOutputs(seed.outputsFile, seed.stack, outputs);
  for (const inst of seed.state.cdb.instances) {
    for (const d of inst.databases) if (d.name === seed.outputs.db_name) d.name = db;
    for (const a of inst.accounts) {
      if (a.user === seed.outputs.db_user) a.user = user;
      for (const d of a.privileges?.databases ?? []) if (d.database === seed.outputs.db_name) d.database = db;
      for (const t of a.privileges?.tables ?? []) if (t.database === seed.outputs.db_name) t.database = db;
    }
  }
  await migrate({
    account: { host: server.host, port: server.port, user: server.user, password: server.password },
    database: db,
    createUser: { user, password: outputs.db_password!, host: "%" },
  });
  const seeded = structuredClone(seed.state);
  const sb = await startSandbox({ state: seed.state });
  const agent = loopbackAgent();
  const world: World = {
    tmp,
    stack: seed.stack,
    declaredFile,
    outputsFile: seed.outputsFile,
    outputs: readStackOutputs(seed.outputsFile, seed.stack),
    sb,
    seeded,
    db,
    user,
    api(service) {
      return new CommonClient(`${service}.tencentcloudapi.com`, VERSIONS[service], {
        credential: OWNER,
        region: service === "cdb" || service === "vpc" ? outputs.region : "",
        profile: { httpProfile: { endpoint: `${service}.tencentcloudapi.com:${sb.port}`, protocol: "http://", reqTimeout: 10, agent: agent as http.Agent } },
      });
    },
    cos: new COS({ SecretId: OWNER.secretId, SecretKey: OWNER.secretKey, Protocol: "http:", Ip: `127.0.0.1:${sb.port}`, AutoSwitchHost: false, CorrectClockSkew: false, KeepAlive: false }),
    reset: async () => {
      await control(sb.control, "PUT", "/state", seeded);
    },
    mutate: async (change) => {
      const s = (await control(sb.control, "GET", "/state")) as State;
      change(s);
      await control(sb.control, "PUT", "/state", s);
    },
    state: async () => (await control(sb.control, "GET", "/state")) as State,
    drift: (extra = {}) =>
      runDrift({
        stack: seed.stack,
        outputs: world.outputs,
        declaration: loadDeclaration(declaredFile, world.outputs),
        credentials: OWNER,
        endpoints: { apiEndpoint: sb.api, cosEndpoint: sb.cos },
        timeoutMs: 20_000,
        env: {},
        ...extra,
      }),
    async close() {
      agent.destroy();
      await sb.close();
      await withRootConnection(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
        await c.query("DROP USER IF EXISTS ?@'%'", [user]);
      }).catch(() => undefined);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return world;
}

/** A finding as a short key for comparisons: `address attribute kind`. */
export const keyOf = (f: Pick<Finding, "address" | "attribute" | "kind">) => `${f.address} ${f.attribute ?? "-"} ${f.kind}`;

/** The findings of `r` that the baseline run did not have. */
export function newFindings(r: DriftReport, baseline: DriftReport): Finding[] {
  const before = new Set(baseline.findings.map(keyOf));
  return r.findings.filter((f) => !before.has(keyOf(f)));
}
