/**
 * Fleet validation: three copies of the dev stack seeded into one sandbox account (sandbox/seed seedStacks +
 * fleetStacks), validated through the real CLI (repeated --stack, --all) and the programmatic API. A broken stack
 * shows up in its own section only; the fleet JSON follows validators/fleet-report.schema.json; the sandbox's
 * per-action limit is never exceeded when the CLI paces at the same rate.
 * One real-process run (the `--stack ×3 --format json` case: exit code and stdout holding nothing but the report, as
 * a process shows them); every other CLI run goes through the built CLI's main in this process (runCliInProcess).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { backendConfigFromOutputs, writeBackendDir } from "../../common/backend-config";
import type { StackOutputs } from "../../common/outputs";
import { fleetStacks, seedStacks } from "../../sandbox/seed";
import { Sandbox, startSandbox } from "../../sandbox/server";
import { synthesize } from "../../stacks/synth";
import { discoverStacks, fleetExitCode, runFleetValidation } from "../../validators/fleet";
import { renderFleetReport } from "../../validators/fleet-render";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { REPO_ROOT } from "../helpers/paths";

const OWNER = { secretId: "AKIDvalidateFleetOwner00000000000001", secretKey: "validateFleetOwnerSecretKey00001" };
/** Cloud checks only (no MySQL here): 8 checks per stack with their prerequisites. */
const ONLY = "cos.upload,live.callback-key,live.record-rule,live.domains";
const CHECKS = 8;

let tmp: string;
let root: string;
let sb: Sandbox;
let names: string[];
const outputs = new Map<string, StackOutputs>();

beforeAll(async () => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-fleet-"));
  const synth = synthesize({ envNames: ["dev"], outdir: path.join(tmp, "synth") });
  const base = synth.stacks[0];
  const tfJson = JSON.parse(fs.readFileSync(base.file, "utf8")) as object;
  root = path.join(tmp, "stacks");
  const fleet = fleetStacks(tfJson, base.stackName, 3);
  names = fleet.map((f) => f.stack);
  const seeded = await seedStacks({ stacks: fleet.map((f) => ({ stack: f.stack, tfJson: f.tfJson, outDir: path.join(root, f.stack) })), owner: OWNER });
  for (const [i, f] of fleet.entries()) {
    fs.writeFileSync(path.join(root, f.stack, "cdk.tf.json"), JSON.stringify(f.tfJson));
    outputs.set(f.stack, seeded.stacks[i].outputs);
    writeBackendDir(path.join(tmp, "backend", f.stack), backendConfigFromOutputs(seeded.stacks[i].outputs));
  }
  // The second stack's backend names a bucket that does not exist: cos.bucket fails there, nowhere else.
  const broken = backendConfigFromOutputs(seeded.stacks[1].outputs);
  broken.cos.bucket = `nope-${broken.cos.bucket}`;
  writeBackendDir(path.join(tmp, "backend", names[1]), broken);
  fs.mkdirSync(path.join(root, "not-a-stack")); // no outputs.json: --all leaves it out
  sb = await startSandbox({ state: seeded.state, rateLimits: { perAction: 5 } });
}, 180_000);

afterAll(async () => {
  await sb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `live-infra validate ARGS` in-process; `{ process: true }` spawns the built CLI instead. */
function cli(args: string[], opts: { process?: boolean } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT"]) delete env[v];
  // Each run starts with empty sandbox windows, as its own limiter does: in-process runs follow each other faster
  // than processes, and the previous run's requests would otherwise be refused and retried.
  sb.rateLimits.reset();
  return (opts.process ? runCli : runCliInProcess)(["validate", ...args], env);
}

const common = () => [
  "--outputs-dir", root,
  "--backend-dir", path.join(tmp, "backend", "{stack}"),
  "--api-endpoint", sb.api,
  "--cos-endpoint", sb.cos,
  "--only", ONLY,
  "--lang", "en",
  "--rate-limit", "5",
];

function fleetSchema() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "validators", "report.schema.json"), "utf8")));
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "validators", "fleet-report.schema.json"), "utf8")));
}

const statuses = (r: { checks: Array<{ id: string; status: string }> }) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

describe("live-infra validate with several stacks", () => {
  it("--stack ×3 --format json: one fleet document (schema-valid), the broken stack failing in its own section only; paced under the sandbox's limit", async () => {
    sb.rateLimits.reset();
    const r = await cli([...names.flatMap((n) => ["--stack", n]), ...common(), "--format", "json"], { process: true });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const validate = fleetSchema();
    expect(validate(doc)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(doc).toMatchObject({ version: 1, kind: "fleet", summary: { stacks: 3, validated: 3, ok: 2, problems: 1, notValidated: 0 } });
    expect(doc.stacks.map((s: { stack: string }) => s.stack)).toEqual(names);
    for (const [i, s] of doc.stacks.entries()) {
      expect(s.checks).toHaveLength(CHECKS);
      const st = statuses(s);
      if (i === 1) {
        expect(st["cos.bucket"]).toBe("fail");
        expect(st["cos.upload"]).toBe("skip");
      } else {
        expect(Object.values(st).every((x) => x === "pass")).toBe(true);
      }
      expect(st["live.domains"]).toBe("pass");
    }
    // Paced at 5/s per action: the sandbox (limit 5/s per action) never had to refuse a request.
    const counters = sb.rateLimits.counters();
    expect(Object.values(counters).reduce((n, c) => n + c.limited, 0)).toBe(0);
    expect(counters["live:DescribeLiveDomain"].requests).toBe(6);
    expect(doc.requests.find((q: { action: string }) => q.action === "live.DescribeLiveDomain")).toMatchObject({ limit: 5, requests: 6 });
    // Progress per stack on stderr, the fleet verdict last.
    for (const n of names) expect(r.stderr).toContain(`stack ${n}: ${CHECKS}/${CHECKS} done`);
    expect(r.stderr.trim().split("\n").pop()).toMatch(new RegExp(`^Fleet: 3 stacks, 2 all good, 1 with problems \\(${names[1]}\\)`));
    for (const t of [r.stdout, r.stderr]) {
      for (const secret of [OWNER.secretKey, OWNER.secretId, outputs.get(names[0])!.signer_secret_key!]) expect(t).not.toContain(secret);
    }
  }, 120_000);

  it("--all: discovers the stack folders; text has a heading per stack and the fleet line; a stack without backend config is not validated (exit 2), the others are", async () => {
    expect(discoverStacks(root)).toEqual(names);
    const orphan = path.join(root, "live-demo-orphan");
    fs.mkdirSync(orphan);
    fs.writeFileSync(path.join(orphan, "outputs.json"), JSON.stringify({ "live-demo-orphan": outputs.get(names[0]) }));
    try {
      const r = await cli(["--all", ...common()]);
      expect(r.code).toBe(2);
      for (const n of names) expect(r.stdout).toContain(`live-infra post-deploy checks — stack ${n}`);
      expect(r.stdout).toMatch(/✖ NOT VALIDATED live-demo-orphan: .*backend.*live-demo-orphan/);
      expect(r.stdout.trim().split("\n").pop()).toMatch(/^Fleet: 4 stacks, 2 all good, 1 with problems .*1 not validated \(live-demo-orphan\)/);
      const broken = r.stdout.split("=".repeat(72)).find((sec) => sec.includes(`stack ${names[1]}`))!;
      expect(broken).toMatch(/✘ FAIL +cos\.bucket/);
      const healthy = r.stdout.split("=".repeat(72)).find((sec) => sec.includes(`stack ${names[0]}`))!;
      expect(healthy).not.toMatch(/FAIL/);
    } finally {
      fs.rmSync(orphan, { recursive: true, force: true });
    }
  }, 120_000);

  it("junit: one testsuite per stack; markdown: a section per stack", async () => {
    const j = await cli(["--stack", names[0], "--stack", names[1], ...common(), "--format", "junit"]);
    expect(j.code).toBe(1);
    expect(XMLValidator.validate(j.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(j.stdout);
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s: Record<string, string>) => s["@_name"])).toEqual(names.slice(0, 2).map((n) => `live-infra validate: ${n}`));
    expect(suites.map((s: Record<string, string>) => s["@_failures"])).toEqual(["0", "1"]);
    const m = await cli(["--stack", names[0], "--stack", names[2], ...common(), "--format", "markdown"]);
    expect(m.code).toBe(0);
    expect(m.stdout.startsWith("# live-infra post-deploy checks — 2 stacks")).toBe(true);
    for (const n of [names[0], names[2]]) expect(m.stdout).toContain(`## live-infra post-deploy checks — \`${n}\``);
  }, 120_000);

  it("one --stack stays the single-stack report (also with --rate-limit and --outputs-dir)", async () => {
    const r = await cli(["--stack", names[0], ...common(), "--format", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kind).toBeUndefined();
    expect(doc).toMatchObject({ version: 1, stack: names[0], summary: { pass: CHECKS } });
    expect(r.stderr.trim().split("\n").pop()).toMatch(/^Verdict: all good/);
  }, 60_000);

  it("usage errors: --fix with two stacks, html, no backend flag, --outputs without {stack}, no stack at all (exit 2, nothing run)", async () => {
    const two = ["--stack", names[0], "--stack", names[1]];
    let r = await cli([...two, ...common(), "--fix"]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("--fix works on one stack at a time");
    r = await cli([...two, ...common(), "--format", "html"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format html is for one stack only");
    r = await cli([...two, "--outputs-dir", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("with several stacks, name each stack's backend config");
    r = await cli([...two, ...common(), "--outputs", path.join(root, "x.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--outputs with several stacks must contain {stack}");
    r = await cli(["--lang", "en"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("name a stack: --stack NAME (repeatable), or --all");
    r = await cli(["--all", "--outputs-dir", path.join(tmp, "nothing-here"), "--backend-dir", "x/{stack}"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--all: cannot read the outputs folder");
  }, 60_000);
});

describe("runFleetValidation (programmatic)", () => {
  it("shares the clients, reports per-action requests at the documented limits, exit code and renderers agree", async () => {
    const { loadBackendDir } = await import("../../common/backend-config");
    const progress: string[] = [];
    sb.rateLimits.reset();
    const report = await runFleetValidation({
      stacks: [
        ...names.map((n) => ({ stack: n, outputs: outputs.get(n)!, backend: loadBackendDir(path.join(tmp, "backend", n)) })),
        { stack: "live-demo-missing", error: "outputs.json: cannot read (ENOENT)" },
      ],
      credentials: OWNER,
      endpoints: { apiEndpoint: sb.api, cosEndpoint: sb.cos },
      only: ONLY.split(","),
      concurrency: 2,
      lang: "en",
      onProgress: (p) => p.event.type === "done" && p.done === p.total && progress.push(p.stack),
    });
    expect(report.summary).toMatchObject({ stacks: 4, validated: 3, problems: 1, notValidated: 1 });
    expect(report.notValidated).toEqual([{ stack: "live-demo-missing", reason: "outputs.json: cannot read (ENOENT)" }]);
    expect(progress.sort()).toEqual([...names].sort());
    expect(fleetExitCode(report)).toBe(2);
    expect(fleetExitCode({ ...report, notValidated: [] })).toBe(1);
    expect(report.stacks.map((s) => s.summary.fail + s.summary.error)).toEqual([0, 1, 0]);
    // Default pacing: the documented table (DescribeLiveDomain 500/s), COS counted but not paced. The sandbox allows
    // only 5/s, so some requests were refused with RequestLimitExceeded and retried: every attempt is counted.
    const sandboxSide = sb.rateLimits.counters()["live:DescribeLiveDomain"];
    expect(sandboxSide.limited).toBeGreaterThan(0);
    expect(report.requests.find((q) => q.action === "live.DescribeLiveDomain")).toMatchObject({ limit: 500, requests: 6 + sandboxSide.limited });
    expect(report.requests.find((q) => q.action.startsWith("cos."))).toMatchObject({ limit: null });
    expect(() => renderFleetReport(report, "html", { lang: "en" })).toThrow(/not available for several stacks/);
    await expect(runFleetValidation({ stacks: [{ stack: "a", error: "x" }, { stack: "a", error: "y" }], credentials: OWNER, lang: "en" })).rejects.toThrow(/named twice/);
  }, 60_000);
});
