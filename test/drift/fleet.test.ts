/**
 * `live-infra drift` with several stacks: two copies of the dev stack seeded into one sandbox account, read in one
 * process through the real CLI (--skip-schema: no MySQL here). One report with a section per stack; drift in one
 * stack shows in its section only; exit codes keep the single-stack contract (2 unreadable beats 1 drift beats 0).
 * One real-process run (the drifted `--format json --output junit=… --output sarif=…` case); every other CLI run goes
 * through the built CLI's main in this process (runCliInProcess).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import type { StackOutputs } from "../../common/outputs";
import { fleetStacks, seedStacks } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import type { State } from "../../sandbox/state";
import { synthesize } from "../../stacks/synth";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { loopbackAgent } from "../helpers/sandbox";

const OWNER = { secretId: "AKIDdriftFleetOwner00000000000000001", secretKey: "driftFleetOwnerSecretKey00000001" };

let tmp: string;
let root: string;
let sb: Sandbox;
let seeded: State;
let names: string[];
const outputs = new Map<string, StackOutputs>();

beforeAll(async () => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-fleet-"));
  const synth = synthesize({ envNames: ["dev"], outdir: path.join(tmp, "synth") });
  const tfJson = JSON.parse(fs.readFileSync(synth.stacks[0].file, "utf8")) as object;
  root = path.join(tmp, "stacks");
  const fleet = fleetStacks(tfJson, synth.stacks[0].stackName, 2);
  names = fleet.map((f) => f.stack);
  const r = await seedStacks({ stacks: fleet.map((f) => ({ stack: f.stack, tfJson: f.tfJson, outDir: path.join(root, f.stack) })), owner: OWNER });
  for (const [i, f] of fleet.entries()) {
    fs.writeFileSync(path.join(root, f.stack, "cdk.tf.json"), JSON.stringify(f.tfJson, null, 2));
    outputs.set(f.stack, r.stacks[i].outputs);
  }
  seeded = r.state;
  sb = await startSandbox({ state: structuredClone(seeded), rateLimits: { perAction: 5 } });
}, 180_000);

afterAll(async () => {
  await sb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `live-infra drift ARGS` in-process; `{ process: true }` spawns the built CLI instead. */
function drift(args: string[], opts: { process?: boolean; env?: Record<string, string> } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_MYSQL_URL", "LIVE_INFRA_MYSQL_PASSWORD", "GITHUB_STEP_SUMMARY"]) {
    delete env[v];
  }
  // Each run starts with empty sandbox windows, as its own limiter does: in-process runs follow each other faster
  // than processes, and the previous run's requests would otherwise be refused and retried.
  sb.rateLimits.reset();
  return (opts.process ? runCli : runCliInProcess)(["drift", ...args], { ...env, ...opts.env });
}

const common = () => ["--outputs-dir", root, "--api-endpoint", sb.api, "--cos-endpoint", sb.cos, "--skip-schema", "--lang", "en", "--rate-limit", "5"];

it("two stacks in one run: a fleet document, drift in one stack shows in its section only, exit 1; paced under the sandbox's limit", async () => {
  const before = await drift([...names.flatMap((n) => ["--stack", n]), ...common(), "--format", "json"]);
  const clean = JSON.parse(before.stdout);
  expect(clean).toMatchObject({ version: 1, kind: "fleet", summary: { stacks: 2, notRead: 0 } });
  expect(clean.stacks.map((s: { stack: string }) => s.stack)).toEqual(names);
  expect(clean.stacks.map((s: { findings: unknown[] }) => s.findings)).toEqual([[], []]);
  expect(before.code).toBe(clean.stacks.some((s: { errors: unknown[] }) => s.errors.length) ? 2 : 0);
  expect(before.code).toBe(0);

  const live = new CommonClient("live.tencentcloudapi.com", "2018-08-01", {
    credential: OWNER,
    profile: { httpProfile: { endpoint: `live.tencentcloudapi.com:${sb.port}`, protocol: "http://", reqMethod: "POST", reqTimeout: 10, agent: loopbackAgent() } },
  });
  await live.request("ForbidLiveDomain", { DomainName: outputs.get(names[1])!.push_domain });
  sb.rateLimits.reset();
  const r = await drift([...names.flatMap((n) => ["--stack", n]), ...common(), "--format", "json", "--output", `junit=${path.join(tmp, "d.xml")}`, "--output", `sarif=${path.join(tmp, "d.sarif")}`], { process: true });
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(doc.summary).toMatchObject({ stacks: 2, inSync: 1, drifted: 1, unreadable: 0, notRead: 0 });
  expect(doc.stacks[0].findings).toEqual([]);
  expect(doc.stacks[1].findings.map((f: { address: string }) => f.address)).toEqual([expect.stringMatching(/^tencentcloud_css_domain\./)]);
  expect(r.stderr.trim().split("\n").pop()).toMatch(new RegExp(`^Fleet: 2 stacks, 1 in sync, 1 drifted \\(${names[1]}\\)`));
  for (const n of names) expect(r.stderr).toContain(`stack ${n}: done`);
  expect(Object.values(sb.rateLimits.counters()).reduce((n, c) => n + c.limited, 0)).toBe(0);
  const junit = fs.readFileSync(path.join(tmp, "d.xml"), "utf8");
  expect(XMLValidator.validate(junit)).toBe(true);
  const suites = new XMLParser({ ignoreAttributes: false }).parse(junit).testsuites.testsuite;
  expect(suites.map((s: Record<string, string>) => [s["@_name"], s["@_failures"]])).toEqual([
    [`drift ${names[0]}`, "0"],
    [`drift ${names[1]}`, "1"],
  ]);
  const sarif = JSON.parse(fs.readFileSync(path.join(tmp, "d.sarif"), "utf8"));
  expect(sarif.runs.map((x: { results: unknown[] }) => x.results.length)).toEqual([0, 1]);
  for (const t of [r.stdout, r.stderr, junit]) for (const s of [OWNER.secretKey, OWNER.secretId]) expect(t).not.toContain(s);

  // Text: a section per stack, the fleet verdict last.
  const t = await drift(["--all", ...common()]);
  expect(t.code).toBe(1);
  for (const n of names) expect(t.stdout).toContain(`live-infra drift · ${n} ·`);
  expect(t.stdout.trim().split("\n").pop()).toMatch(/^Fleet: 2 stacks, 1 in sync, 1 drifted/);
}, 120_000);

it("drift found beside an unreadable resource is still counted and named as drift (never hidden behind 'could not be read')", async () => {
  // Without --skip-schema and without MySQL, every stack's terraform_data.db_schema is unreadable; names[1] also
  // has the forbidden domain from the test above.
  const r = await drift([...names.flatMap((n) => ["--stack", n]), ...common().filter((a) => a !== "--skip-schema"), "--format", "json"]);
  expect(r.code).toBe(2);
  const doc = JSON.parse(r.stdout);
  expect(doc.summary).toMatchObject({ stacks: 2, inSync: 0, drifted: 1, unreadable: 2, notRead: 0 });
  expect(r.stderr.trim().split("\n").pop()).toMatch(new RegExp(`^Fleet: 2 stacks, 0 in sync, 1 drifted \\(${names[1]}\\), 2 could not be read`));
}, 60_000);

it("one stack's unusable outputs (no db_password) make it 'not read' while the others are still read; {stack} works for one stack too", async () => {
  const alt = path.join(tmp, "alt");
  for (const n of names) {
    fs.mkdirSync(path.join(alt, n), { recursive: true });
    fs.copyFileSync(path.join(root, n, "cdk.tf.json"), path.join(alt, n, "cdk.tf.json"));
    const out = JSON.parse(fs.readFileSync(path.join(root, n, "outputs.json"), "utf8"));
    if (n === names[1]) for (const stackOutputs of Object.values(out) as Array<Record<string, unknown>>) delete stackOutputs.db_password;
    fs.writeFileSync(path.join(alt, n, "outputs.json"), JSON.stringify(out));
  }
  const paths = ["--outputs", path.join(alt, "{stack}", "outputs.json"), "--declared", path.join(alt, "{stack}", "cdk.tf.json")];
  const noSkip = common().filter((a) => a !== "--skip-schema");
  const r = await drift([...names.flatMap((n) => ["--stack", n]), ...noSkip, ...paths, "--format", "json"]);
  expect(r.code).toBe(2);
  const doc = JSON.parse(r.stdout);
  expect(doc.stacks.map((x: { stack: string }) => x.stack)).toEqual([names[0]]);
  expect(doc.notRead).toEqual([{ stack: names[1], reason: expect.stringContaining("db_password") }]);
  const one = await drift(["--stack", names[0], ...common(), ...paths, "--format", "json"]);
  expect(JSON.parse(one.stdout).stack).toBe(names[0]);
  const env = await drift([...names.flatMap((n) => ["--stack", n]), ...common()], { env: { LIVE_INFRA_MYSQL_URL: "mysql://root@127.0.0.1:1/" } });
  expect(env.code).toBe(2);
  expect(env.stderr).toContain("LIVE_INFRA_MYSQL_URL names one server, but several stacks are read");
}, 60_000);

it("a stack whose inputs cannot be read is listed as not read and makes the fleet exit 2; usage errors exit 2", async () => {
  const r = await drift(["--stack", names[0], "--stack", "live-demo-gone", ...common(), "--format", "json"]);
  expect(r.code).toBe(2);
  const doc = JSON.parse(r.stdout);
  expect(doc.stacks.map((s: { stack: string }) => s.stack)).toEqual([names[0]]);
  expect(doc.notRead).toEqual([{ stack: "live-demo-gone", reason: expect.stringContaining("live-demo-gone") }]);
  let u = await drift(["--stack", names[0], "--stack", names[1], ...common(), "--format", "html"]);
  expect(u.code).toBe(2);
  expect(u.stderr).toContain("--format html is for one stack only");
  u = await drift(["--lang", "en"]);
  expect(u.code).toBe(2);
  expect(u.stderr).toContain("name a stack");
  u = await drift(["--stack", names[0], "--stack", names[1], ...common(), "--declared", path.join(tmp, "one.json")]);
  expect(u.code).toBe(2);
  expect(u.stderr).toContain("--declared with several stacks must contain {stack}");
}, 60_000);
