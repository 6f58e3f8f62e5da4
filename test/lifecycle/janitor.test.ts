/**
 * `live-infra janitor` through the CLI against the sandbox: only the expired ephemeral copy is swept; the live
 * copy, dev (its age from creation times), the protected stack, untagged and foreign resources (another team's
 * domains, templates and rules with the same AppName) stay byte for byte; a second run finds nothing; --older-than
 * replaces the TTL.
 *
 * Most runs go through the built CLI's `main` in this process (`w.cli`). Real processes: the first --dry-run
 * (stdout holding only the JSON report) and the bad --older-than (the exit-2 smoke).
 */
import type { JanitorReport } from "../../lifecycle";
import type { State } from "../../sandbox/state";
import { World, resources, startWorld } from "./world";

let w: World;

beforeAll(async () => {
  w = await startWorld("janitor");
}, 60_000);
afterAll(() => w?.close());
beforeEach(() => w.reset());

const json = (stdout: string) => JSON.parse(stdout) as JanitorReport;

function deletedBetween(before: State, after: State): { deleted: string[]; changed: string[] } {
  const b = resources(before);
  const a = resources(after);
  return {
    deleted: [...b.keys()].filter((k) => !a.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.get(k) !== a.get(k)).sort(),
  };
}

it("--dry-run: the expired copy would be swept; the live copy and the protected stack are left alone; nothing changes", async () => {
  const r = await w.cliProcess(["janitor", "--dry-run", "--format", "json"]);
  expect(r.code).toBe(0);
  const report = json(r.stdout);
  expect(report).toMatchObject({ version: 1, command: "janitor", dryRun: true, ok: true });
  const by = Object.fromEntries(report.stacks.map((s) => [s.stack, s]));
  expect(Object.keys(by).sort()).toEqual(["live-demo-dev", "live-demo-lc-new", "live-demo-lc-old", "live-demo-prod"]);
  expect(by["live-demo-lc-old"]).toMatchObject({ expired: true, swept: true, reason: expect.stringMatching(/^expired \S+ \(expires-at tag\)$/) });
  expect(by["live-demo-lc-old"].resources).toHaveLength(18);
  expect(by["live-demo-lc-old"].resources.every((e) => e.result === "planned")).toBe(true);
  expect(by["live-demo-lc-new"]).toMatchObject({ expired: false, swept: false, resources: [], reason: expect.stringMatching(/^expires \S+ \(expires-at tag\)$/) });
  expect(by["live-demo-prod"]).toMatchObject({ swept: false, resources: [], reason: expect.stringMatching(/^protected: \d+ resource\(s\) carry protection=protected$/) });
  // dev is not a copy: no created-at / expires-at tags, so its age comes from the creation times the describes report.
  expect(by["live-demo-dev"]).toMatchObject({ swept: false, resources: [], reason: expect.stringMatching(/^expires \S+ \(earliest creation time \+ ttl-hours 72\)$/) });
  expect(await w.state()).toEqual(w.initial);
});

it("sweeps exactly the expired copy; the live copy, prod, untagged and foreign resources stay byte for byte; a second run finds nothing", async () => {
  const r = await w.cli(["janitor"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("live-demo-lc-old: swept — expired");
  expect(r.stdout).toContain("live-demo-lc-new: left alone — expires");
  expect(r.stdout).toContain("live-demo-prod: left alone — protected");
  expect(r.stderr).toMatch(/janitor: live-demo-lc-old: \[18\/18\] tencentcloud_vpc vpc-\w+ \(live-demo-lc-old-vpc\): deleted/);
  const d = deletedBetween(w.initial, await w.state());
  expect(d.deleted).toEqual([...w.stacks.old.keys].sort());
  expect(d.changed).toEqual([]);
  for (const k of [...w.stacks.fresh.keys, ...w.stacks.prod.keys, ...w.stacks.dev.keys, ...w.foreign]) expect(d.deleted).not.toContain(k);

  const again = await w.cli(["janitor", "--format", "json"]);
  expect(again.code).toBe(0);
  const report = json(again.stdout);
  expect(report.stacks.map((s) => s.stack).sort()).toEqual(["live-demo-dev", "live-demo-lc-new", "live-demo-prod"]);
  expect(report.stacks.every((s) => !s.swept && s.resources.length === 0)).toBe(true);
});

it("--older-than replaces the TTL (the two-hour-old copy is included); prod never is", async () => {
  const r = await w.cli(["janitor", "--dry-run", "--older-than", "1h", "--format", "json"]);
  expect(r.code).toBe(0);
  const by = Object.fromEntries(json(r.stdout).stacks.map((s) => [s.stack, s]));
  expect(by["live-demo-lc-new"]).toMatchObject({ swept: true, reason: expect.stringMatching(/created-at tag\); --older-than 1h passed$/) });
  expect(by["live-demo-lc-old"].swept).toBe(true);
  expect(by["live-demo-prod"].swept).toBe(false);
  expect(by["live-demo-dev"].swept).toBe(false);
  const later = await w.cli(["janitor", "--dry-run", "--older-than", "3h", "--format", "json"]);
  expect(json(later.stdout).stacks.find((s) => s.stack === "live-demo-lc-new")).toMatchObject({ swept: false, reason: expect.stringMatching(/--older-than 3h not passed$/) });
  // dev's names come from environments/dev.json, its age from the creation times: everything it owns, nothing else.
  const now = json((await w.cli(["janitor", "--dry-run", "--older-than", "0s", "--format", "json"])).stdout);
  const dev = now.stacks.find((s) => s.stack === "live-demo-dev")!;
  expect(dev).toMatchObject({ swept: true, reason: expect.stringMatching(/\(earliest creation time\); --older-than 0s passed$/) });
  expect(dev.resources.map((e) => e.result)).toEqual(Array(17).fill("planned"));
  expect(dev.resources.find((e) => e.type === "tencentcloud_cos_bucket")!.marks.map((m) => m.detail)).toEqual([
    "app=live-demo environment=dev managed-by=cdktf",
    expect.stringMatching(/^livedemo-dev-upload-1250000000 \(.*environments\/dev\.json\)$/),
  ]);
  const bad = await w.cliProcess(["janitor", "--older-than", "soon"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--older-than must be a duration such as 90m, 6h, 1h30m or 2d (units s, m, h, d, w; got "soon")');
  expect(await w.state()).toEqual(w.initial);
});

it("another team's template with the copy's name (bound to their domain) and a domain of the same first label elsewhere stay; the template is reported", async () => {
  const s = structuredClone(w.initial);
  const theirs = structuredClone(s.live.callbackTemplates.find((t) => t.templateId === 50000)!);
  s.live.callbackTemplates.push({ ...theirs, templateId: 50002, templateName: "live-demo-lc-old-callbacks" });
  s.live.callbackRules.push({ domainName: "play.other-team.example.org", appName: "live", templateId: 50002, createTime: "2026-01-01 00:00:00", updateTime: "2026-01-01 00:00:00" });
  const domain = structuredClone(s.live.domains.find((d) => d.name === "push.other-team.example.org")!);
  s.live.domains.push({ ...domain, name: "lc-old.push.other-team.example.org" });
  s.live.callbackRules.push({ domainName: "lc-old.push.other-team.example.org", appName: "live", templateId: 50000, createTime: "2026-01-01 00:00:00", updateTime: "2026-01-01 00:00:00" });
  await w.put(s);
  const r = await w.cli(["janitor", "--format", "json"]);
  expect(r.code).toBe(1);
  const old = json(r.stdout).stacks.find((x) => x.stack === "live-demo-lc-old")!;
  expect(old.resources.filter((e) => e.result === "not-owned")).toEqual([
    expect.objectContaining({ type: "tencentcloud_css_callback_template", id: "50002", action: "keep", reason: expect.stringMatching(/^not deleted: only one ownership mark: name .*; missing: \(id or binding\)$/) }),
  ]);
  const d = deletedBetween(s, await w.state());
  expect(d.deleted).toEqual([...w.stacks.old.keys].sort());
  expect(d.changed).toEqual([]);
});

it("an expired copy is left alone when in doubt: a resource without a protection tag", async () => {
  const s = structuredClone(w.initial);
  delete s.cdb.instances.find((i) => i.instanceId === w.stacks.old.outputs.db_instance_id)!.tags!.protection;
  await w.put(s);
  const r = await w.cli(["janitor", "--format", "json"]);
  expect(r.code).toBe(0);
  expect(json(r.stdout).stacks.find((x) => x.stack === "live-demo-lc-old")).toMatchObject({
    swept: false,
    resources: [],
    reason: "doubt: protection tags (none), ephemeral (every resource must say ephemeral)",
  });
  expect(await w.state()).toEqual(s);
});
