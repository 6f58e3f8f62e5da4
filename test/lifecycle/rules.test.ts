/**
 * The rules of the sweep without a cloud: the dependency order, one deleter per type, the ownership verdicts, the
 * janitor's naming rule pinned against a synthesized copy, durations, six-segment names and the declaration reader.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../common/errors";
import { loadDeclaredStack } from "../../lifecycle/declared";
import { DELETERS } from "../../lifecycle/deleters";
import { parseDuration } from "../../lifecycle/duration";
import { nameMark } from "../../lifecycle/identity";
import { copyBucketHash, copyIdentity, envNamesOf } from "../../lifecycle/names";
import { DELETE_ORDER, DEPENDS, FIND_NEEDS, FIND_ORDER } from "../../lifecycle/order";
import { REQUIREMENTS, heldByForeign, judge } from "../../lifecycle/ownership";
import { parseResourceName } from "../../lifecycle/tags";
import { stateOf } from "../../lifecycle/terraform";
import { mysqlInstance } from "../../lifecycle/deleters/tencentcloud_mysql_instance";
import { Found, RESOURCE_TYPES, ResourceType, SweepContext } from "../../lifecycle/types";
import { ephemeralBucketBase, makeEphemeralEnvironment } from "../../stacks/ephemeral";
import { environmentsDir } from "../../stacks/paths";
import { synthesize } from "../../stacks/synth";

const before = (a: ResourceType, b: ResourceType) => DELETE_ORDER.indexOf(a) < DELETE_ORDER.indexOf(b);

describe("order", () => {
  it("DELETE_ORDER puts every type after what it depends on", () => {
    expect([...DELETE_ORDER].sort()).toEqual([...RESOURCE_TYPES].sort());
    for (const t of RESOURCE_TYPES) for (const d of DEPENDS[t]) expect(`${d} before ${t}: ${before(d, t)}`).toBe(`${d} before ${t}: true`);
  });

  it("the orders the cloud insists on", () => {
    expect(before("tencentcloud_css_callback_rule_attachment", "tencentcloud_css_callback_template")).toBe(true);
    expect(before("tencentcloud_css_record_rule_attachment", "tencentcloud_css_record_template")).toBe(true);
    for (const first of ["cam_access_key", "tencentcloud_cam_user_policy_attachment"] as const) expect(before(first, "tencentcloud_cam_user")).toBe(true);
    expect(before("tencentcloud_cam_user_policy_attachment", "tencentcloud_cam_policy")).toBe(true);
    expect(before("cos_object", "tencentcloud_cos_bucket")).toBe(true);
    for (const first of ["tencentcloud_mysql_account", "tencentcloud_mysql_database"] as const) expect(before(first, "tencentcloud_mysql_instance")).toBe(true);
    for (const net of ["tencentcloud_security_group", "tencentcloud_subnet", "tencentcloud_vpc"] as const) expect(before("tencentcloud_mysql_instance", net)).toBe(true);
    expect(before("tencentcloud_subnet", "tencentcloud_vpc")).toBe(true);
  });

  it("FIND_ORDER runs every finder after the finders it reads", () => {
    for (const t of RESOURCE_TYPES) for (const d of FIND_NEEDS[t]) expect(FIND_ORDER.indexOf(d)).toBeLessThan(FIND_ORDER.indexOf(t));
  });

  it("one deleter per resource type, each with an ownership requirement", () => {
    expect(DELETERS.map((d) => d.type).sort()).toEqual([...RESOURCE_TYPES].sort());
    for (const t of RESOURCE_TYPES) expect(REQUIREMENTS[t]).toBeDefined();
  });
});

const item = (type: ResourceType, id: string, marks: Found["marks"], extra: Partial<Found> = {}): Found => ({ type, id, marks, data: {}, ...extra });
const tags = { kind: "tags" as const, detail: "app=live-demo environment=x managed-by=cdktf" };
const name = { kind: "name" as const, detail: "declared" };
const id = { kind: "id" as const, detail: "outputs" };

describe("ownership", () => {
  it("taggable types need the tags and a name or id", () => {
    const both = item("tencentcloud_vpc", "vpc-1", [tags, name]);
    const tagsOnly = item("tencentcloud_vpc", "vpc-2", [tags]);
    const nameOnly = item("tencentcloud_cos_bucket", "b-1", [name]);
    const v = judge([both, tagsOnly, nameOnly]);
    expect(v.get(both)).toEqual({ owned: true });
    expect(v.get(tagsOnly)).toEqual({ owned: false, report: true, reason: "not deleted: only one ownership mark: tags (app=live-demo environment=x managed-by=cdktf); missing: (name or id)" });
    expect(v.get(nameOnly)).toEqual({ owned: false, report: true, reason: "not deleted: only one ownership mark: name (declared); missing: tags" });
  });

  it("templates need their name and the reported id or a rule binding them to a domain of the stack; play domains a sibling", () => {
    const push = item("tencentcloud_css_domain", "p.example.com", [name], { data: { domainType: 0 } });
    const play = item("tencentcloud_css_domain", "v.example.com", [name], { data: { domainType: 1 } });
    const tpl = item("tencentcloud_css_callback_template", "10", [name], { name: "x-callbacks" });
    const lone = item("tencentcloud_css_record_template", "11", [name], { name: "x-recording" });
    const rule = item("tencentcloud_css_callback_rule_attachment", "p.example.com/live", [], {
      container: "tencentcloud_css_domain:p.example.com",
      data: { refersTo: "tencentcloud_css_callback_template:10" },
    });
    const v = judge([push, play, tpl, lone, rule]);
    expect(v.get(tpl)).toEqual({ owned: true });
    expect(tpl.marks.map((m) => m.kind)).toEqual(["name", "binding"]);
    expect(v.get(push)).toEqual({ owned: true });
    expect(v.get(play)).toEqual({ owned: true });
    expect(play.marks.map((m) => m.kind)).toEqual(["name", "sibling"]);
    expect(v.get(lone)).toMatchObject({ owned: false, reason: expect.stringMatching(/only one ownership mark: name \(declared\); missing: \(id or binding\)$/) });
    expect(v.get(rule)).toEqual({ owned: true });
    expect(rule.marks).toEqual([{ kind: "container", detail: "in tencentcloud_css_domain p.example.com" }]);
  });

  it("a rule on a domain that is not the stack's is never the stack's, and it blocks the template it binds", () => {
    const foreignDomainRule = item("tencentcloud_css_callback_rule_attachment", "other.example.org/live", [], {
      container: "tencentcloud_css_domain:other.example.org",
      data: { refersTo: "tencentcloud_css_callback_template:10" },
    });
    const tpl = item("tencentcloud_css_callback_template", "10", [name, id]);
    const v = judge([tpl, foreignDomainRule]);
    expect(v.get(tpl)).toEqual({ owned: true });
    expect(v.get(foreignDomainRule)).toMatchObject({ owned: false, report: false });
    expect(heldByForeign(tpl, [tpl, foreignDomainRule], v)).toBe(
      "still bound by tencentcloud_css_callback_rule_attachment other.example.org/live, which is not the stack's (delete or rebind it first)",
    );
  });

  it("contents go with an owned container only", () => {
    const user = item("tencentcloud_cam_user", "u", [tags]);
    const key = item("cam_access_key", "u/AKID…", [], { container: "tencentcloud_cam_user:u" });
    const v = judge([user, key]);
    expect(v.get(key)).toMatchObject({ owned: false, report: false });
  });
});

describe("the janitor's naming rule matches what the stacks synthesize", () => {
  let tmp: string;
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it("every declared name of an ephemeral copy carries a name mark under copyIdentity", () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lifecycle-names-"));
    const config = makeEphemeralEnvironment({ from: "dev", fromSource: "test", name: "pin-names", ttlHours: 2 }, environmentsDir()).config;
    const file = synthesize({ configs: [config], outdir: tmp, conformance: false }).stacks[0].file;
    const declared = loadDeclaredStack(file, "live-demo-pin-names").identity("1250000000");
    const template = JSON.parse(fs.readFileSync(path.join(environmentsDir(), "dev.json"), "utf8"));
    const derived = copyIdentity("pin-names", "1250000000", "ap-guangzhou", { file: "dev.json", names: envNamesOf(template) });
    expect(declared.names.length).toBe(11);
    for (const n of declared.names) expect(`${n.type} ${n.exact}: ${!!nameMark(derived, n.type, n.exact)}`).toBe(`${n.type} ${n.exact}: true`);
    // Without the template file, any <env>.<domain> is the copy's domain by name.
    const bare = copyIdentity("pin-names", "1250000000", "ap-guangzhou");
    expect(nameMark(bare, "tencentcloud_css_domain", "pin-names.push.example.org")).toBeDefined();
    expect(nameMark(bare, "tencentcloud_css_domain", "push.pin-names.example.org")).toBeUndefined();
  });

  it("the bucket hash is the one stacks/ephemeral.ts uses", () => {
    for (const n of ["a", "ci-7ghn4r6-1-k2v9", "tmp-0000abcd", "pr-42"]) {
      expect(ephemeralBucketBase("livedemo-dev-upload", "ap-guangzhou", n).endsWith(`-${copyBucketHash(n)}`)).toBe(true);
    }
  });
});

describe("small parsers", () => {
  it("durations", () => {
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("2d")).toBe(2 * 86_400_000);
    expect(parseDuration("1w")).toBe(604_800_000);
    for (const bad of ["", "6", "h", "1.5h", "6 h", "-1h", "1y"]) expect(() => parseDuration(bad)).toThrow(InputError);
  });

  it("six-segment names (as the Tag API returns them)", () => {
    expect(parseResourceName("qcs::cos:ap-guangzhou:uid/1250000000:prefix//1250000000/livedemo-x")).toMatchObject({ service: "cos", region: "ap-guangzhou", id: "livedemo-x-1250000000" });
    expect(parseResourceName("qcs::cdb:ap-guangzhou:uin/100:instanceId/cdb-12345678")).toMatchObject({ service: "cdb", prefix: "instanceId", id: "cdb-12345678" });
    expect(parseResourceName("qcs::cam::uin/100:policy/200000001")).toMatchObject({ service: "cam", region: "", prefix: "policy", id: "200000001" });
    expect(parseResourceName("qcs::cvm:ap-guangzhou:uin/:sg/sg-12345678")).toMatchObject({ service: "cvm", prefix: "sg", id: "sg-12345678" });
    expect(parseResourceName("not-a-name")).toBeUndefined();
  });
});

describe("the declaration and the Terraform state", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lifecycle-declared-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (doc: unknown) => {
    const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc));
    return path.join(dir, "cdk.tf.json");
  };
  const minimal = (extra: Record<string, unknown> = {}) => ({
    "//": { metadata: { stackName: "live-demo-x" } },
    provider: { tencentcloud: [{ region: "ap-guangzhou" }] },
    resource: { tencentcloud_vpc: { db: { name: "live-demo-x-vpc", tags: { app: "live-demo", environment: "x", "managed-by": "cdktf", protection: "ephemeral" } } } },
    ...extra,
  });

  it("refuses a file of another stack or without a region, naming the file", () => {
    expect(() => loadDeclaredStack(write(minimal()), "live-demo-y")).toThrow(/declares stack "live-demo-x", not "live-demo-y"/);
    expect(() => loadDeclaredStack(write({ ...minimal(), provider: {} }), "live-demo-x")).toThrow(/cdk\.tf\.json: provider\.tencentcloud has no region/);
    expect(() => loadDeclaredStack(path.join(tmp, "nope.json"), "live-demo-x")).toThrow(/nope\.json: cannot read the synthesized stack \(ENOENT\)/);
  });

  it("finds a local state with resources, ignores an empty one, trusts a remote backend", () => {
    const file = write(minimal({ terraform: { backend: { local: { path: "terraform.live-demo-x.tfstate" } } } }));
    const d = loadDeclaredStack(file, "live-demo-x");
    expect(stateOf(d)).toMatchObject({ present: false });
    fs.writeFileSync(path.join(d.dir, "terraform.live-demo-x.tfstate"), JSON.stringify({ resources: [] }));
    expect(stateOf(d)).toMatchObject({ present: false, why: expect.stringMatching(/holds no resources/) });
    fs.writeFileSync(path.join(d.dir, "terraform.live-demo-x.tfstate"), JSON.stringify({ resources: [{}] }));
    expect(stateOf(d)).toMatchObject({ present: true });
    const remote = loadDeclaredStack(write(minimal({ terraform: { backend: { cos: { bucket: "b" } } } })), "live-demo-x");
    expect(stateOf(remote)).toEqual({ present: true, where: 'the "cos" backend configured in cdk.tf.json' });
  });
});

describe("the instance deleter waits for the isolation before taking the instance offline", () => {
  const ctxWith = (statuses: number[], calls: string[]): SweepContext => {
    let i = 0;
    const api = {
      request: async (_svc: string, action: string) => {
        calls.push(action);
        if (action === "DescribeDBInstances") {
          const status = statuses[Math.min(i++, statuses.length - 1)];
          return { Items: status < 0 ? [] : [{ InstanceId: "cdb-1", Status: status }] };
        }
        return {};
      },
    };
    return { api, waitMs: 50, pollMs: 1 } as unknown as SweepContext;
  };
  const inst: Found = { type: "tencentcloud_mysql_instance", id: "cdb-1", region: "ap-guangzhou", marks: [], data: {} };

  it("running → isolate → isolating … isolated → offline", async () => {
    const calls: string[] = [];
    await mysqlInstance.delete(ctxWith([1, 4, 4, 5], calls), inst);
    expect(calls.filter((c) => c !== "DescribeDBInstances")).toEqual(["IsolateDBInstance", "OfflineIsolatedInstances"]);
  });

  it("an isolated instance (a killed run) is only taken offline; a gone one is left", async () => {
    let calls: string[] = [];
    await mysqlInstance.delete(ctxWith([5], calls), inst);
    expect(calls.filter((c) => c !== "DescribeDBInstances")).toEqual(["OfflineIsolatedInstances"]);
    calls = [];
    await mysqlInstance.delete(ctxWith([-1], calls), inst);
    expect(calls).toEqual(["DescribeDBInstances"]);
  });

  it("still isolating after the wait, or in another state: an error, never an offline call", async () => {
    const calls: string[] = [];
    await expect(mysqlInstance.delete(ctxWith([1, 4], calls), inst)).rejects.toThrow(/cdb-1 is not isolated \(still isolating after 50 ms\)/);
    await expect(mysqlInstance.delete(ctxWith([0], calls), inst)).rejects.toThrow(/cdb-1 is not isolated \(Status 0\)/);
    expect(calls).not.toContain("OfflineIsolatedInstances");
  });
});
