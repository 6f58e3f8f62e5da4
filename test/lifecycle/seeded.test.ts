/**
 * A stock seeded ephemeral stack (the seeder's state as is, nothing completed by hand) carries both ownership marks
 * on everything a deploy leaves, so `runTeardown` deletes all of it — the CAM user and policy included — and a
 * second run finds nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTeardown, type TeardownOptions } from "../../lifecycle";
import { seedFromStack } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import type { State } from "../../sandbox/state";
import { makeEphemeralEnvironment } from "../../stacks/ephemeral";
import { environmentsDir } from "../../stacks/paths";
import { synthesize } from "../../stacks/synth";

const OWNER = { secretId: "AKIDlifecycleSeededOwner000000000001", secretKey: "lifecycleSeededOwnerSecretKey001" };

let tmp: string;
let sb: Sandbox;
let opts: TeardownOptions;

async function state(): Promise<State> {
  const res = await fetch(`${sb.control}/state`);
  return (await res.json()) as State;
}

beforeAll(async () => {
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete process.env[v];
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lifecycle-seeded-"));
  const config = makeEphemeralEnvironment({ from: "dev", fromSource: "test", name: "lc-seeded", ttlHours: 24 }, environmentsDir()).config;
  const synth = synthesize({ configs: [config], outdir: path.join(tmp, "cdktf.out") });
  const file = synth.stacks[0].file;
  const seed = await seedFromStack({ stackDir: path.dirname(file), owner: OWNER, env: {} });
  sb = await startSandbox({ state: seed.state });
  opts = {
    stack: seed.stack,
    declaredFile: file,
    outputsFile: seed.outputsFile,
    outputsRequired: true,
    environmentsDir: environmentsDir(),
    credentials: OWNER,
    endpoints: { apiEndpoint: sb.api, cosEndpoint: sb.cos },
    dryRun: false,
    confirmation: { kind: "yes" },
    env: {},
    waitMs: 5_000,
    pollMs: 20,
    timeoutMs: 10_000,
  };
}, 60_000);

afterAll(async () => {
  await sb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it("deletes everything the seeder built, CAM user and policy included; a second run finds nothing", async () => {
  const before = await state();
  expect(before.cam.users.length).toBe(1);
  expect(before.cam.policies.length).toBe(1);
  expect(before.vpc?.securityGroups.length).toBe(1);

  const first = await runTeardown(opts);
  const notDeleted = first.resources.filter((e) => e.result !== "deleted");
  expect(notDeleted.map((e) => `${e.type} ${e.id} ${e.result}`)).toEqual([]);
  expect(first.ok).toBe(true);
  const types = new Set(first.resources.map((e) => e.type));
  for (const t of ["tencentcloud_cam_user", "tencentcloud_cam_policy", "tencentcloud_vpc", "tencentcloud_subnet", "tencentcloud_security_group", "tencentcloud_mysql_instance"]) {
    expect(types).toContain(t);
  }

  const after = await state();
  expect(after.cam).toEqual({ users: [], policies: [] });
  expect(after.credentials.map((c) => c.kind)).toEqual(["owner"]);
  expect(after.buckets).toEqual([]);
  expect(after.live).toEqual({ domains: [], callbackTemplates: [], callbackRules: [], recordTemplates: [], recordRules: [] });
  expect(after.cdb.instances).toEqual([]);
  expect(after.vpc).toEqual({ vpcs: [], subnets: [], securityGroups: [] });

  const second = await runTeardown(opts);
  expect(second.resources).toEqual([]);
  expect(second.ok).toBe(true);
  expect(await state()).toEqual(after);
});
