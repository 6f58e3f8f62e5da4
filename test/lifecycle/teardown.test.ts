/**
 * `live-infra teardown` through the CLI against the sandbox: the plan, every refusal, the deletion of exactly
 * the stack's resources in an order the sandbox accepts (everything else byte for byte unchanged), a killed run
 * finished by the next one, a second run that finds nothing, and the terraform destroy path with a fake terraform.
 *
 * Most runs go through the built CLI's `main` in this process (`w.cli`). Real processes where only a process shows
 * it: the refusal off a terminal (stdin/stderr not a TTY; also the exit-2 smoke), the two answers on a
 * pseudo-terminal, the run killed with SIGKILL, and the run that finishes it (stdout holding only the JSON report).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { TeardownReport } from "../../lifecycle";
import { DELETE_ORDER } from "../../lifecycle/order";
import { RESOURCE_TYPES } from "../../lifecycle/types";
import type { State } from "../../sandbox/state";
import { CLI } from "../helpers/cli";
import { OWNER, World, resources, startWorld } from "./world";

let w: World;

beforeAll(async () => {
  w = await startWorld("teardown");
}, 60_000);
afterAll(() => w?.close());
beforeEach(() => w.reset());

const OLD = () => w.stacks.old;

/** What was deleted between two states, and the resources that changed although they were kept. */
function diff(before: State, after: State): { deleted: string[]; added: string[]; changed: string[] } {
  const b = resources(before);
  const a = resources(after);
  return {
    deleted: [...b.keys()].filter((k) => !a.has(k)).sort(),
    added: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && b.get(k) !== a.get(k)).sort(),
  };
}

const json = (stdout: string) => JSON.parse(stdout) as TeardownReport;

describe("plan and refusals", () => {
  it("--dry-run prints the plan (every resource of the stack with its marks) and changes nothing", async () => {
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--dry-run", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report).toMatchObject({ version: 1, command: "teardown", stack: OLD().stack, dryRun: true, ok: true });
    expect(report.resources.every((e) => e.action === "delete" && e.result === "planned")).toBe(true);
    expect(new Set(report.resources.map((e) => e.type))).toEqual(new Set(RESOURCE_TYPES));
    // Declared resources carry two marks of their own, contents their container.
    const instance = report.resources.find((e) => e.type === "tencentcloud_mysql_instance")!;
    expect(instance).toMatchObject({ id: OLD().outputs.db_instance_id, address: "tencentcloud_mysql_instance.db" });
    expect(instance.marks.map((m) => m.kind).sort()).toEqual(["id", "name", "tags"]);
    expect(report.resources.find((e) => e.type === "tencentcloud_mysql_account")!.marks).toEqual([{ kind: "container", detail: `in tencentcloud_mysql_instance ${OLD().outputs.db_instance_id}` }]);
    expect(report.terraform).toMatchObject({ ran: false });
    expect(await w.state()).toEqual(w.initial);

    const text = await w.cli(["teardown", "--stack", OLD().stack, "--dry-run"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`teardown ${OLD().stack} (dry run: nothing changed): 18 planned`);
    expect(text.stdout).toMatch(/planned\s+tencentcloud_cos_bucket \S+ = tencentcloud_cos_bucket\.upload_bucket {2}\[tags\+name\+id\]/);
    expect(await w.state()).toEqual(w.initial);
  });

  it("without --yes, not on a terminal: refused with exit 2 before anything is read or changed", async () => {
    const r = await w.cliProcess(["teardown", "--stack", OLD().stack]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: not a terminal and no --yes.*nothing was changed/);
    expect(r.stdout).toBe("");
    expect(await w.state()).toEqual(w.initial);
  });

  it("on a terminal without --yes: shows the plan and asks; anything but y changes nothing (exit 2), y goes ahead", async () => {
    // util-linux `script` runs the CLI on a pseudo-terminal; the answer waits in the terminal's input until asked.
    const onTerminal = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
        const cmd = [process.execPath, CLI, "teardown", "--stack", OLD().stack, ...w.endpointArgs].map(quote).join(" ");
        const child = spawn("/usr/bin/script", ["-qec", cmd, "/dev/null"], { cwd: w.tmp, env: w.env({ SHELL: "/bin/sh", TERM: "dumb" }), stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
        child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, out }));
        child.stdin.end(`${answer}\n`);
      });
    let r = await onTerminal("n");
    expect(r.out).toContain(`teardown ${OLD().stack} (dry run: nothing changed): 18 planned`);
    expect(r.out).toContain(`Delete these 18 resource(s) of ${OLD().stack}? (y/N)`);
    expect(r.out).toContain("refused: not confirmed; nothing was changed");
    expect(r.code).toBe(2);
    expect(await w.state()).toEqual(w.initial);
    r = await onTerminal("y");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/teardown: \[18\/18\] tencentcloud_vpc\.db vpc-\w+ \(live-demo-lc-old-vpc\): deleted/);
    expect(diff(w.initial, await w.state()).deleted).toEqual([...OLD().keys].sort());
  });

  it("a protected stack is refused whatever the flags (declaration and environment file say protected)", async () => {
    for (const flags of [["--yes"], ["--dry-run"]]) {
      const r = await w.cli(["teardown", "--stack", w.stacks.prod.stack, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refused: live-demo-prod is protected: .*protection=protected; nothing was changed/);
    }
    expect(await w.state()).toEqual(w.initial);
  });

  it("refused when the stack's environment file is protected, or cannot be read", async () => {
    const dir = fs.mkdtempSync(path.join(w.tmp, "envs-"));
    fs.writeFileSync(path.join(dir, `${OLD().name}.json`), JSON.stringify({ protection: { mode: "protected" } }));
    let r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--environments", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: live-demo-lc-old is protected: .*lc-old\.json sets protection\.mode "protected"/);
    fs.writeFileSync(path.join(dir, `${OLD().name}.json`), "{ not json");
    r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--environments", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lc-old\.json cannot be read .* may be protected; nothing was changed/);
    expect(await w.state()).toEqual(w.initial);
  });

  it("refused when a live resource of the stack carries protection=protected (the declaration says ephemeral)", async () => {
    const s = structuredClone(w.initial);
    s.cdb.instances.find((i) => i.instanceId === OLD().outputs.db_instance_id)!.tags!.protection = "protected";
    await w.put(s);
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refused: ${OLD().stack} is protected: tencentcloud_mysql_instance ${OLD().outputs.db_instance_id} carry protection=protected`);
    expect(await w.state()).toEqual(s);
  });

  it("a resource with only one ownership mark is reported, never deleted (exit 1); the rest of the stack goes", async () => {
    const s = structuredClone(w.initial);
    const vpc = s.vpc!.vpcs.find((v) => v.vpcName === `live-demo-${OLD().name}-vpc`)!;
    delete vpc.tags; // name only
    const bucket = structuredClone(s.buckets.find((b) => b.name === OLD().outputs.bucket)!);
    s.buckets.push({ ...bucket, name: "imposter-1250000000", objects: {} }); // the stack's tags only
    s.live.callbackTemplates.push({ ...structuredClone(s.live.callbackTemplates.find((t) => t.templateId === 50000)!), templateId: 50002, templateName: `live-demo-${OLD().name}-callbacks` });
    s.live.callbackRules.push({ domainName: "play.other-team.example.org", appName: "live", templateId: 50002, createTime: "2026-01-01 00:00:00", updateTime: "2026-01-01 00:00:00" });
    await w.put(s);
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    const kept = report.resources.filter((e) => e.result === "not-owned");
    expect(kept.map((e) => `${e.type} ${e.id}`).sort()).toEqual([
      "tencentcloud_cos_bucket imposter-1250000000",
      "tencentcloud_css_callback_template 50002",
      `tencentcloud_vpc ${vpc.vpcId}`,
    ]);
    for (const e of kept) {
      expect(e.action).toBe("keep");
      expect(e.reason).toMatch(/^not deleted: only one ownership mark: /);
    }
    expect(kept.find((e) => e.type === "tencentcloud_vpc")!.reason).toMatch(/only one ownership mark: name \(live-demo-lc-old-vpc \(cdk\.tf\.json tencentcloud_vpc\.db\)\); missing: tags$/);
    expect(kept.find((e) => e.type === "tencentcloud_cos_bucket")!.reason).toMatch(/only one ownership mark: tags \(app=live-demo environment=lc-old managed-by=cdktf\); missing: \(name or id\)$/);
    const d = diff(s, await w.state());
    expect(d.deleted).toEqual(OLD().keys.filter((k) => k !== `vpc:${vpc.vpcId}`).sort());
    expect(d.changed).toEqual([]);
    expect(d.added).toEqual([]);
  });
});

describe("deletion", () => {
  it("deletes exactly the stack's resources in dependency order; everything else stays byte for byte; a second run finds nothing", async () => {
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"]);
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report).toMatchObject({ dryRun: false, ok: true, summary: { deleted: 18, failed: 0, blocked: 0, "not-owned": 0 } });
    expect(report.terraform.ran).toBe(false);
    expect(report.terraform.reason).toMatch(/no Terraform state/);
    expect(report.notes).toEqual([expect.stringMatching(/^tencentcloud_dnspod_record: DNSPod records are outside the sweep/)]);
    // The order of the deletions is DELETE_ORDER, and each is on stderr as it happens.
    const types = report.resources.map((e) => e.type);
    expect(types.map((t) => DELETE_ORDER.indexOf(t))).toEqual([...types.map((t) => DELETE_ORDER.indexOf(t))].sort((a, b) => a - b));
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(18);
    expect(lines[0]).toMatch(/^teardown: \[1\/18\] tencentcloud_css_callback_rule_attachment \S+\/live: deleted$/);
    expect(lines[17]).toMatch(/^teardown: \[18\/18\] tencentcloud_vpc\.db vpc-\w+ \(live-demo-lc-old-vpc\): deleted$/);
    const d = diff(w.initial, await w.state());
    expect(d.deleted).toEqual([...OLD().keys].sort());
    expect(d.changed).toEqual([]);
    expect(d.added).toEqual([]);
    // Secrets never appear; SecretIds masked.
    for (const secret of [OWNER.secretKey, OWNER.secretId, OLD().outputs.signer_secret_id!, OLD().outputs.signer_secret_key!, OLD().outputs.db_password!]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(report.resources.find((e) => e.type === "cam_access_key")!.id).toMatch(/^live-demo-lc-old-uploader\/AKID…\w{4}$/);

    const again = await w.cli(["teardown", "--stack", OLD().stack, "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`teardown ${OLD().stack}: nothing`);
    expect(again.stdout).toContain("nothing of this stack was found");
    expect(diff(w.initial, await w.state()).deleted).toEqual([...OLD().keys].sort());
  });

  it("a teardown killed after a few deletions is finished by the next run", async () => {
    await w.faults({ "*": { latencyMs: 25 } });
    const child = spawn(process.execPath, [CLI, "teardown", "--stack", OLD().stack, "--yes", ...w.endpointArgs], { cwd: w.tmp, env: w.env(), stdio: ["ignore", "pipe", "pipe"] });
    let deletions = 0;
    let buffered = "";
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
    child.stderr.on("data", (c: Buffer) => {
      buffered += c.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      deletions += lines.filter((l) => /: deleted$/.test(l)).length;
      if (deletions >= 7) child.kill("SIGKILL");
    });
    expect(await killed).toBe("SIGKILL");
    await w.faults({});
    const half = diff(w.initial, await w.state());
    expect(half.deleted.length).toBeGreaterThan(0);
    expect(half.deleted.length).toBeLessThan(OLD().keys.length);
    expect(half.deleted.every((k) => OLD().keys.includes(k))).toBe(true);

    const rest = await w.cliProcess(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"]);
    expect(rest.code).toBe(0);
    const report = json(rest.stdout);
    expect(report.ok).toBe(true);
    expect(report.summary.deleted).toBeGreaterThan(0);
    expect(report.summary.deleted).toBeLessThan(18);
    const d = diff(w.initial, await w.state());
    expect(d.deleted).toEqual([...OLD().keys].sort());
    expect(d.changed).toEqual([]);

    const third = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"]);
    expect(third.code).toBe(0);
    expect(json(third.stdout).resources).toEqual([]);
  }, 60_000);
});

describe("terraform destroy (a fake terraform on PATH)", () => {
  let bin: string;
  let log: string;
  const stateFile = () => path.join(OLD().dir, `terraform.${OLD().stack}.tfstate`);

  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(w.tmp, "fake-tf-"));
    log = path.join(bin, "calls.log");
    // Records its arguments and working folder; fails the subcommand named by FAKE_TF_FAIL.
    fs.writeFileSync(
      path.join(bin, "terraform"),
      '#!/bin/sh\necho "$PWD|$*" >> "$FAKE_TF_LOG"\necho "fake terraform $1"\nif [ "$1" = "$FAKE_TF_FAIL" ]; then exit 1; fi\nexit 0\n',
      { mode: 0o755 },
    );
  });
  afterEach(() => {
    fs.rmSync(stateFile(), { force: true });
    fs.rmSync(log, { force: true });
  });

  it("with a state, runs init and destroy -auto-approve in the stack folder, then sweeps what is left", async () => {
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 4, resources: [{ mode: "managed", type: "tencentcloud_vpc", name: "db", instances: [] }] }));
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"], { PATH: bin, FAKE_TF_LOG: log });
    expect(r.code).toBe(0);
    const calls = fs.readFileSync(log, "utf8").trim().split("\n");
    expect(calls).toEqual([`${fs.realpathSync(OLD().dir)}|init -input=false`, `${fs.realpathSync(OLD().dir)}|destroy -auto-approve -input=false`]);
    expect(r.stderr).toContain("fake terraform destroy");
    const report = json(r.stdout);
    expect(report.terraform).toMatchObject({ ran: true, exitCode: 0, commands: [["terraform", "init", "-input=false"], ["terraform", "destroy", "-auto-approve", "-input=false"]] });
    // The fake destroyed nothing: the sweep did it all.
    expect(report.summary.deleted).toBe(18);
    expect(diff(w.initial, await w.state()).deleted).toEqual([...OLD().keys].sort());
  });

  it("a failed destroy is reported and the sweep does everything", async () => {
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 4, resources: [{ mode: "managed", type: "tencentcloud_vpc", name: "db", instances: [] }] }));
    const r = await w.cli(["teardown", "--stack", OLD().stack, "--yes", "--format", "json"], { PATH: bin, FAKE_TF_LOG: log, FAKE_TF_FAIL: "destroy" });
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report.terraform).toMatchObject({ ran: true, exitCode: 1 });
    expect(report.terraform.reason).toBe("terraform destroy failed (exit 1); the sweep deletes what is left through the APIs");
    expect(fs.readFileSync(log, "utf8")).toContain("|destroy -auto-approve -input=false");
    expect(report.ok).toBe(true);
    expect(diff(w.initial, await w.state()).deleted).toEqual([...OLD().keys].sort());
  });

  it("an empty state (nothing to destroy) does not run terraform; --dry-run never runs it", async () => {
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 4, resources: [] }));
    let r = await w.cli(["teardown", "--stack", OLD().stack, "--dry-run", "--format", "json"], { PATH: bin, FAKE_TF_LOG: log });
    expect(json(r.stdout).terraform).toEqual({ ran: false, reason: expect.stringMatching(/would not run: .*holds no resources/) });
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 4, resources: [{ type: "tencentcloud_vpc" }] }));
    r = await w.cli(["teardown", "--stack", OLD().stack, "--dry-run", "--format", "json"], { PATH: bin, FAKE_TF_LOG: log });
    expect(json(r.stdout).terraform.reason).toMatch(/^would run terraform destroy -auto-approve in /);
    expect(fs.existsSync(log)).toBe(false);
    expect(await w.state()).toEqual(w.initial);
  });
});

describe("input errors (exit 2)", () => {
  it("names the flag or file", async () => {
    let r = await w.cli(["teardown", "--stack", "prod", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack must be live-demo-<env>');
    r = await w.cli(["teardown", "--stack", "live-demo-nope", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cdktf\.out\/stacks\/live-demo-nope\/cdk\.tf\.json: cannot read the synthesized stack \(ENOENT\)/);
    r = await w.cli(["teardown", "--stack", OLD().stack, "--declared", w.stacks.fresh.declaredFile, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`declares stack "${w.stacks.fresh.stack}", not "${OLD().stack}"`);
    r = await w.cli(["teardown", "--stack", OLD().stack, "--dry-run"], { TENCENTCLOUD_SECRET_KEY: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing: TENCENTCLOUD_SECRET_KEY");
    expect(await w.state()).toEqual(w.initial);
  });
});
