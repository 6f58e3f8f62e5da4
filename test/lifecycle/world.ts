/**
 * One account for the lifecycle tests, in an in-process sandbox: two ephemeral copies of dev (`old` expired nine days
 * ago, `fresh` two hours old with a day to live), dev itself (ephemeral, 72 h, not a copy: no expiry tags), the
 * protected prod stack, each seeded from its synthesized cdk.tf.json (ids renumbered so the stacks share one account,
 * three objects in the expired copy's bucket), plus resources that are not any stack's: another team's live domains,
 * templates and rules (the same AppName on other domains), an untagged bucket, CAM user and VPC.
 *
 * `reset()` puts that state back (control API); `resources(state)` flattens a state into one JSON text per resource,
 * so tests can compare what was left untouched byte for byte.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackOutputs, writeStackOutputs } from "../../common/outputs";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { State, emptyState, beijingTime } from "../../sandbox/state";
import { loadEnvironment } from "../../stacks/config";
import { makeEphemeralEnvironment } from "../../stacks/ephemeral";
import { environmentsDir } from "../../stacks/paths";
import { synthesize } from "../../stacks/synth";
import { CliRun, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";

export const OWNER = { secretId: "AKIDlifecycleTestOwner00000000000001", secretKey: "lifecycleTestOwnerSecretKey00001" };
export const APPID = "1250000000";
export const OWNER_UIN = "100000000001";
const HOUR = 3_600_000;

export interface WorldStack {
  name: string;
  stack: string;
  dir: string;
  declaredFile: string;
  outputsFile: string;
  outputs: StackOutputs;
  /** Keys (see `resources`) of everything this stack has in the initial state. */
  keys: string[];
}

export interface World {
  tmp: string;
  sb: Sandbox;
  initial: State;
  stacks: { old: WorldStack; fresh: WorldStack; prod: WorldStack; dev: WorldStack };
  /** Keys of the resources no stack owns. */
  foreign: string[];
  /** An empty folder to use as PATH (no terraform), and the environment every CLI run gets. */
  bin: string;
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** `live-infra <args> --api-endpoint … --cos-endpoint …` in the test process (the built CLI's `main`). */
  cli(args: string[], extra?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** The same command line as a real process, for what only a process shows (not a terminal, stdout = the report). */
  cliProcess(args: string[], extra?: NodeJS.ProcessEnv): Promise<CliRun>;
  endpointArgs: string[];
  state(): Promise<State>;
  put(state: State): Promise<void>;
  reset(): Promise<void>;
  faults(rules: Record<string, unknown>): Promise<void>;
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

/** One JSON text per resource of the state, keyed `<kind>:<id>` (credentials by SecretId). */
export function resources(s: State): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: string, v: unknown) => out.set(k, JSON.stringify(v));
  for (const c of s.credentials) put(`credential:${c.secretId}`, c);
  for (const u of s.cam.users) put(`camUser:${u.name}`, u);
  for (const p of s.cam.policies) put(`camPolicy:${p.policyId}`, p);
  for (const b of s.buckets) put(`bucket:${b.name}`, b);
  for (const d of s.live.domains) put(`domain:${d.name}`, d);
  for (const t of s.live.callbackTemplates) put(`callbackTemplate:${t.templateId}`, t);
  for (const t of s.live.recordTemplates) put(`recordTemplate:${t.templateId}`, t);
  for (const r of s.live.callbackRules) put(`callbackRule:${r.domainName}/${r.appName}`, r);
  for (const r of s.live.recordRules) put(`recordRule:${r.domainName}/${r.appName}/${r.streamName}`, r);
  for (const i of s.cdb.instances) put(`instance:${i.instanceId}`, i);
  for (const v of s.vpc?.vpcs ?? []) put(`vpc:${v.vpcId}`, v);
  for (const v of s.vpc?.subnets ?? []) put(`subnet:${v.subnetId}`, v);
  for (const v of s.vpc?.securityGroups ?? []) put(`sg:${v.securityGroupId}`, v);
  return out;
}

/** Merges one seeded stack into `into`, its template, policy and CAM ids renumbered by `k` so the stacks share one account. */
function merge(into: State, seeded: State, k: number, outputs: StackOutputs): StackOutputs {
  const s = structuredClone(seeded);
  const tplShift = 1000 * (k + 1);
  for (const t of s.live.callbackTemplates) t.templateId += tplShift;
  for (const t of s.live.recordTemplates) t.templateId += tplShift;
  for (const r of [...s.live.callbackRules, ...s.live.recordRules]) r.templateId += tplShift;
  for (const p of s.cam.policies) p.policyId += k + 1;
  for (const u of s.cam.users) {
    u.policyIds = u.policyIds.map((id) => id + k + 1);
    const uin = String(BigInt(u.uin) + BigInt(100 * (k + 1)));
    for (const c of s.credentials) if (c.uin === u.uin && c.kind === "sub-user") c.uin = uin;
    u.uin = uin;
    u.uid += 100 * (k + 1);
  }
  into.credentials.push(...s.credentials.filter((c) => c.kind === "sub-user"));
  into.cam.users.push(...s.cam.users);
  into.cam.policies.push(...s.cam.policies);
  into.buckets.push(...s.buckets);
  for (const key of Object.keys(into.live) as Array<keyof State["live"]>) (into.live[key] as unknown[]).push(...s.live[key]);
  into.cdb.instances.push(...s.cdb.instances);
  into.vpc!.vpcs.push(...s.vpc!.vpcs);
  into.vpc!.subnets.push(...s.vpc!.subnets);
  into.vpc!.securityGroups.push(...s.vpc!.securityGroups);
  return {
    ...outputs,
    callback_template_id: String(Number(outputs.callback_template_id) + tplShift),
    record_template_id: String(Number(outputs.record_template_id) + tplShift),
  };
}

/** What no stack owns: another team's Live setup (same AppName, other domains), an untagged bucket, user and VPC. */
function addForeign(s: State): void {
  const now = beijingTime();
  const domain = (name: string, type: 0 | 1) => ({
    name, type, status: 1 as const, playType: 1, isDelayLive: 0, isMiniProgramLive: 0, createTime: now, targetDomain: `${name}.cdn`, currentCName: `${name}.cdn.`,
  });
  s.live.domains.push(domain("push.other-team.example.org", 0), domain("play.other-team.example.org", 1));
  s.live.callbackTemplates.push({
    templateId: 50000, templateName: "other-team-callbacks", description: "theirs", streamBeginNotifyUrl: "", streamEndNotifyUrl: "", streamMixNotifyUrl: "",
    recordNotifyUrl: "https://other-team.example.org/cb", recordStatusNotifyUrl: "", snapshotNotifyUrl: "", pornCensorshipNotifyUrl: "", callbackKey: "theirKey",
    pushExceptionNotifyUrl: "", audioAuditNotifyUrl: "", recordExceptionNotifyUrl: "", recordExceptionLevels: [],
  });
  s.live.recordTemplates.push({ templateId: 50001, templateName: "other-team-recording", description: "theirs", isDelayLive: 0, removeWatermark: false, cosStore: 0, hlsParam: { enable: 1 } });
  s.live.callbackRules.push({ domainName: "push.other-team.example.org", appName: "live", templateId: 50000, createTime: now, updateTime: now });
  s.live.recordRules.push({ domainName: "push.other-team.example.org", appName: "live", streamName: "", templateId: 50001, createTime: now, updateTime: now });
  s.buckets.push({ name: `scratch-${APPID}`, region: "ap-guangzhou", acl: "private", cors: [], createTime: "2026-01-01T00:00:00Z", objects: { "keep.txt": object("keep me") } });
  s.cam.users.push({ name: "ops-admin", uin: "100000009001", uid: 9001, createTime: now, policyIds: [] });
  s.vpc!.vpcs.push({ vpcId: "vpc-ffff0001", vpcName: "shared-vpc", cidrBlock: "172.16.0.0/16", region: "ap-guangzhou", createTime: now });
}

export function object(body: string) {
  return {
    body: Buffer.from(body).toString("base64"),
    contentType: "text/plain",
    etag: '"0123456789abcdef0123456789abcdef"',
    lastModified: "2026-01-01T00:00:00.000Z",
    meta: {},
  };
}

export async function startWorld(tag: string): Promise<World> {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `lifecycle-${tag}-`));
  const now = Date.now();
  const copy = (name: string, createdMsAgo: number, ttlHours: number) =>
    makeEphemeralEnvironment({ from: "dev", fromSource: "test", name, ttlHours, now: new Date(now - createdMsAgo) }, environmentsDir()).config;
  const shipped = (env: string) => loadEnvironment(path.join(environmentsDir(), `${env}.json`));
  const configs = [copy("lc-old", 240 * HOUR, 24), copy("lc-new", 2 * HOUR, 24), shipped("prod"), shipped("dev")];
  const synth = synthesize({ configs, outdir: path.join(tmp, "cdktf.out") });
  const state = emptyState(APPID, OWNER_UIN);
  state.credentials.push({ ...OWNER, kind: "owner", uin: OWNER_UIN });
  const stacks: WorldStack[] = [];
  for (const [k, s] of synth.stacks.entries()) {
    const dir = path.dirname(s.file);
    const seed = await seedFromStack({ stackDir: dir, owner: OWNER, appId: APPID, ownerUin: OWNER_UIN, env: {}, variables: { live_callback_key: "prodCallbackKey0000000000000000a" } });
    const before = new Set(resources(state).keys());
    const outputs = merge(state, seed.state, k, seed.outputs);
    writeStackOutputs(seed.outputsFile, seed.stack, outputs);
    const keys = [...resources(state).keys()].filter((x) => !before.has(x));
    stacks.push({ name: s.env, stack: s.stackName, dir, declaredFile: s.file, outputsFile: seed.outputsFile, outputs, keys });
  }
  const old = stacks[0];
  const bucket = state.buckets.find((b) => b.name === old.outputs.bucket)!;
  for (const k of ["uploads/a.jpg", "uploads/b.jpg", "c.txt"]) bucket.objects[k] = object(k);
  const before = new Set(resources(state).keys());
  addForeign(state);
  const foreign = [...resources(state).keys()].filter((x) => !before.has(x));

  const sb = await startSandbox({ state });
  const initial = structuredClone(state);
  const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
  const endpointArgs = ["--api-endpoint", sb.api, "--cos-endpoint", sb.cos];
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOME: process.env.HOME,
    PATH: bin,
    TENCENTCLOUD_SECRET_ID: OWNER.secretId,
    TENCENTCLOUD_SECRET_KEY: OWNER.secretKey,
    ...extra,
  });
  const world: World = {
    tmp,
    sb,
    initial,
    stacks: { old: stacks[0], fresh: stacks[1], prod: stacks[2], dev: stacks[3] },
    foreign,
    bin,
    env,
    endpointArgs,
    cli: (args, extra) => runCliInProcess([...args, ...endpointArgs], env(extra), tmp),
    cliProcess: (args, extra) => runCli([...args, ...endpointArgs], env(extra), tmp),
    state: async () => (await control(sb.control, "GET", "/state")) as State,
    put: async (s) => {
      await control(sb.control, "PUT", "/state", s);
    },
    reset: async () => {
      await control(sb.control, "PUT", "/state", initial);
      await control(sb.control, "PUT", "/faults", { rules: {} });
    },
    faults: async (rules) => {
      await control(sb.control, "PUT", "/faults", { rules });
    },
    async close() {
      await sb.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return world;
}
