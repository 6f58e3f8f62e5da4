// Several stacks in one sandbox account: cloneStackForFleet renames exactly the account-unique names, seedStacks
// puts every stack's resources into one state (ids never repeat) and writes each stack's outputs.json, clashing names
// are refused naming both stacks; then the real CLI with a repeated --seed-from-stack, served to the official SDK.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { readStackOutputs } from "../../common/outputs";
import { cloneStackForFleet, fleetStacks, seedStacks } from "../../sandbox/seed";
import { synthesize } from "../../stacks/synth";
import { requireBuiltCli } from "../helpers/cli";
import { loopbackAgent, startSandboxProcess } from "../helpers/sandbox";

let tmp: string;
let dev: Record<string, any>;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sbx-multi-seed-"));
  const result = synthesize({
    envNames: ["dev"],
    outdir: path.join(tmp, "cdktf.out"),
    stackOptions: { schemaHash: "0".repeat(64), cliEntry: "/pkg/dist/cli/index.js" },
    conformance: false,
  });
  dev = JSON.parse(fs.readFileSync(result.stacks[0].file, "utf8"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a stack document as `<tmp>/cdktf.out/stacks/<name>/cdk.tf.json`; returns the folder. */
function writeStack(name: string, doc: object): string {
  const dir = path.join(tmp, "cdktf.out", "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc));
  return dir;
}

/** Every JSON path (a.b.0.c) where two documents differ, with both values. */
function differences(a: unknown, b: unknown, at = ""): Array<[string, unknown, unknown]> {
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
  }
  return a === b ? [] : [[at, a, b]];
}

describe("cloneStackForFleet", () => {
  test("renames only the bucket, the live domains (and the DNSPod record that follows one), the CAM user and policy names", () => {
    const before = JSON.stringify(dev);
    const copy = cloneStackForFleet(dev, "f07");
    expect(JSON.stringify(dev)).toBe(before); // input untouched
    const r = dev.resource;
    const key = (type: string) => Object.keys(r[type])[0];
    const [push, play] = ["push_domain", "play_domain"].map((n) => r.tencentcloud_css_domain[n].domain_name as string);
    const dns = key("tencentcloud_dnspod_record");
    const expected: Array<[string, unknown, unknown]> = [
      [`resource.tencentcloud_cam_policy.${key("tencentcloud_cam_policy")}.name`, r.tencentcloud_cam_policy[key("tencentcloud_cam_policy")].name, `${r.tencentcloud_cam_policy[key("tencentcloud_cam_policy")].name}-f07`],
      [`resource.tencentcloud_cam_user.${key("tencentcloud_cam_user")}.name`, r.tencentcloud_cam_user[key("tencentcloud_cam_user")].name, `${r.tencentcloud_cam_user[key("tencentcloud_cam_user")].name}-f07`],
      [
        `resource.tencentcloud_cos_bucket.${key("tencentcloud_cos_bucket")}.bucket`,
        "livedemo-dev-upload-${data.tencentcloud_user_info.user_info.app_id}",
        "livedemo-dev-upload-f07-${data.tencentcloud_user_info.user_info.app_id}",
      ],
      ["resource.tencentcloud_css_domain.play_domain.domain_name", play, play.replace(/^play\./, "play-f07.")],
      ["resource.tencentcloud_css_domain.push_domain.domain_name", push, push.replace(/^push\./, "push-f07.")],
      [`resource.tencentcloud_dnspod_record.${dns}.sub_domain`, "play.dev.live-demo", "play-f07.dev.live-demo"],
      [`resource.tencentcloud_dnspod_record.${dns}.value`, `${play}.livecdn.com`, `${play.replace(/^play\./, "play-f07.")}.livecdn.com`],
    ];
    expect(differences(dev, copy).sort(([a], [b]) => a.localeCompare(b))).toEqual(expected.sort(([a], [b]) => a.localeCompare(b)));
  });

  test("a literal copy of a renamed name is renamed too; bad suffixes are refused", () => {
    const doc = structuredClone(dev);
    doc.resource.tencentcloud_css_callback_rule_attachment.callbacks.domain_name = "push.dev.live-demo.example.com";
    expect(cloneStackForFleet(doc, "x1").resource.tencentcloud_css_callback_rule_attachment.callbacks.domain_name).toBe("push-x1.dev.live-demo.example.com");
    for (const bad of ["", "F1", "a_b", "-a", "a".repeat(21)]) expect(() => cloneStackForFleet(dev, bad)).toThrow(/suffix .* must be 1-20 lower-case letters/);
    expect(fleetStacks(dev, "live-demo-dev", 3).map((f) => [f.stack, f.suffix])).toEqual([
      ["live-demo-dev-f01", "f01"],
      ["live-demo-dev-f02", "f02"],
      ["live-demo-dev-f03", "f03"],
    ]);
    expect(() => fleetStacks(dev, "x", 0)).toThrow("fleetStacks: count must be a positive integer (got 0)");
  });
});

describe("seedStacks", () => {
  test("50 copies of the dev stack share one account: one owner key, distinct ids, an outputs file each", async () => {
    const fleet = fleetStacks(dev, "live-demo-dev", 50);
    const outRoot = path.join(tmp, "fleet");
    const r = await seedStacks({ stacks: fleet.map((f) => ({ stack: f.stack, tfJson: f.tfJson, outDir: path.join(outRoot, f.stack) })), env: {} });
    expect(r.stacks.map((s) => s.stack)).toEqual(fleet.map((f) => f.stack));
    expect(r.state.credentials.filter((c) => c.kind === "owner")).toEqual([r.owner]);
    expect(r.state.buckets).toHaveLength(50);
    expect(r.state.live.domains).toHaveLength(100);
    expect(r.state.cdb.instances).toHaveLength(50);
    const templateIds = [...r.state.live.callbackTemplates, ...r.state.live.recordTemplates].map((t) => t.templateId);
    expect(new Set(templateIds).size).toBe(100);
    expect(new Set(r.state.cam.users.map((u) => u.uin)).size).toBe(50);
    expect(new Set(r.state.cam.policies.map((p) => p.policyId)).size).toBe(50);
    // Each outputs file names its own stack's resources, as they are in the shared state.
    const last = readStackOutputs(path.join(outRoot, "live-demo-dev-f50", "outputs.json"), "live-demo-dev-f50");
    expect(last.bucket).toBe("livedemo-dev-upload-f50-1250000000");
    expect(last.push_domain).toBe("push-f50.dev.live-demo.example.com");
    expect(r.state.live.callbackRules.find((x) => x.domainName === last.push_domain)?.templateId).toBe(Number(last.callback_template_id));
    expect(r.state.cam.users.find((u) => u.name === "live-demo-dev-uploader-f50")?.uin).toBe(
      r.state.credentials.find((c) => c.secretId === last.signer_secret_id)?.uin,
    );
    expect(fs.statSync(path.join(outRoot, "live-demo-dev-f01", "outputs.json")).mode & 0o777).toBe(0o600);
  });

  test("51 copies would hold more templates than one account may (50 of each): refused, nothing written", async () => {
    const fleet = fleetStacks(dev, "live-demo-dev", 51);
    const outRoot = path.join(tmp, "over-quota");
    await expect(seedStacks({ stacks: fleet.map((f) => ({ stack: f.stack, tfJson: f.tfJson, outDir: path.join(outRoot, f.stack) })), env: {} })).rejects.toThrow(
      /the 51 stack\(s\) declare 51 callback templates; one account holds at most 50 \(Tencent Cloud answers InternalError.ConfOutLimit\)/,
    );
    expect(fs.existsSync(outRoot)).toBe(false);
  });

  test("a name two stacks declare is refused naming both stacks and the name; nothing is written", async () => {
    const outA = path.join(tmp, "clash", "a");
    const outB = path.join(tmp, "clash", "b");
    const docA = cloneStackForFleet(dev, "a");
    const docB = cloneStackForFleet(dev, "b");
    docB.resource.tencentcloud_css_domain = structuredClone(docA.resource.tencentcloud_css_domain); // B declares A's domains
    const err = await seedStacks({
      stacks: [
        { stack: "stack-a", tfJson: docA, outDir: outA },
        { stack: "stack-b", tfJson: docB, outDir: outB },
      ],
      env: {},
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^seedStacks: stacks "stack-a" .* and "stack-b" .* both declare the live domain "p(ush|lay)-a\.dev\.live-demo\.example\.com"/);
    expect(fs.existsSync(outA) || fs.existsSync(outB)).toBe(false);
    await expect(seedStacks({ stacks: [{ stack: "x", tfJson: dev }], env: {} })).rejects.toThrow('seedStacks: stack "x" has no folder for outputs.json; give it outDir');
    await expect(seedStacks({ stacks: [{ tfJson: dev }], env: {} })).rejects.toThrow("seedStacks: a stack given as a document needs a name (stack)");
    await expect(seedStacks({ stacks: [] })).rejects.toThrow("seedStacks: no stack to seed");

    // With mysqlAccounts every instance stands for the one server: the shared account name clashes, before connecting.
    const db = await seedStacks({
      stacks: fleetStacks(dev, "s", 2).map((f) => ({ stack: f.stack, tfJson: f.tfJson })),
      mysqlUrl: "mysql://root:pw@127.0.0.1:1/",
      mysqlAccounts: true,
      writeOutputs: false,
      env: {},
    }).catch((e: Error) => e);
    expect((db as Error).message).toMatch(/stacks "s-f01" .* and "s-f02" .* both declare the database account \(on 127\.0\.0\.1:1, .*\) "live_user@%"/);
    expect((db as Error).message).toContain("--no-mysql-accounts");
    expect((db as Error).message).not.toContain("pw@");
  });
});

describe("live-infra sandbox --seed-from-stack A --seed-from-stack B (the real CLI)", () => {
  beforeAll(requireBuiltCli);

  const start = startSandboxProcess;

  test("two stacks in one account, each with its own outputs.json, served to the SDK", async () => {
    const a = writeStack("cli-a", dev);
    const b = writeStack("cli-b", cloneStackForFleet(dev, "b2"));
    const id = "AKIDmultiSeedCli00000000000000000000";
    const key = "multiSeedCliKey00000000000000000";
    const stateFile = path.join(tmp, "cli-state.json");
    const s = start(["--seed-from-stack", a, "--seed-from-stack", b, "--write-state", stateFile], { TENCENTCLOUD_SECRET_ID: id, TENCENTCLOUD_SECRET_KEY: key });
    const agent = loopbackAgent();
    try {
      const urls = JSON.parse(await s.line);
      const outA = readStackOutputs(path.join(a, "outputs.json"), "cli-a");
      const outB = readStackOutputs(path.join(b, "outputs.json"), "cli-b");
      expect(outA.bucket).toBe("livedemo-dev-upload-1250000000");
      expect(outB.bucket).toBe("livedemo-dev-upload-b2-1250000000");
      expect(outB.push_domain).toBe("push-b2.dev.live-demo.example.com");
      expect(outA.callback_template_id).not.toBe(outB.callback_template_id);
      expect(outA.callback_key).not.toBe(outB.callback_key);
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(state.buckets.map((x: any) => x.name).sort()).toEqual([outA.bucket, outB.bucket].sort());

      const port = new URL(urls.api).port;
      const live = new CommonClient("live.tencentcloudapi.com", "2018-08-01", {
        credential: { secretId: id, secretKey: key },
        region: "",
        profile: { httpProfile: { endpoint: `live.tencentcloudapi.com:${port}`, protocol: "http://", agent, reqTimeout: 10 } },
      });
      const domains = await live.request("DescribeLiveDomains", {});
      expect(domains.DomainList.map((d: any) => d.Name).sort()).toEqual([outA.push_domain, outA.play_domain, outB.push_domain, outB.play_domain].sort());
      const tpl = await live.request("DescribeLiveCallbackTemplate", { TemplateId: Number(outB.callback_template_id) });
      expect(tpl.Template.CallbackKey).toBe(outB.callback_key);
      const rules = await live.request("DescribeLiveCallbackRules", {});
      expect(rules.Rules.find((x: any) => x.DomainName === outB.push_domain).TemplateId).toBe(Number(outB.callback_template_id));
      expect(s.stderr()).toContain(`seeded from ${a}; outputs written to ${path.join(a, "outputs.json")}`);
      expect(s.stderr()).toContain(`seeded from ${b}; outputs written to ${path.join(b, "outputs.json")}`);
    } finally {
      agent.destroy();
      s.child.kill("SIGTERM");
    }
    expect(await s.exit).toBe(0);
    expect(s.stderr()).not.toContain(key);
  });

  test("two stacks declaring the same names: exit 2 naming both stacks and the name; nothing written", async () => {
    const a = writeStack("clash-a", dev);
    const b = writeStack("clash-b", dev);
    const clash = start(["--seed-from-stack", a, "--seed-from-stack", b]);
    const twice = start(["--seed-from-stack", a, "--seed-from-stack", a]);
    expect(await clash.exit).toBe(2);
    expect(clash.stderr()).toMatch(
      /--seed-from-stack: stacks "clash-a" \(.*clash-a\/cdk\.tf\.json\) and "clash-b" \(.*clash-b\/cdk\.tf\.json\) both declare the COS bucket "livedemo-dev-upload-1250000000"/,
    );
    expect(clash.stderr()).toContain("cloneStackForFleet");
    expect(clash.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    expect(clash.stdout()).toBe("");
    expect(await twice.exit).toBe(2);
    expect(twice.stderr()).toMatch(/--seed-from-stack: stack "clash-a" is given twice/);
    expect(fs.existsSync(path.join(a, "outputs.json")) || fs.existsSync(path.join(b, "outputs.json"))).toBe(false);
  });

  test("--help documents the repeatable flag", async () => {
    const h = start(["--help"]);
    expect(await h.exit).toBe(0);
    expect(h.stdout()).toMatch(/--seed-from-stack <dir>[\s\S]*repeatable/);
  });
});
