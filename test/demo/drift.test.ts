/**
 * The demo's drift step, in-process on one shared synth (test/helpers/demo.ts): every scenario's expected findings
 * are well formed, the healthy environment is in sync, and a change validate does not look at (the bucket's tags)
 * makes drift's findings differ from the scenario's, which fails the demo (exit 1) naming the unexpected finding —
 * never a secret.
 */
import { mutateSandboxState } from "../../demo/parts";
import { SCENARIOS } from "../../demo/scenarios";
import { READERS } from "../../drift";
import { inProcessDemo } from "../helpers/demo";

const demo = inProcessDemo({ format: "text", lang: "en" });

test("each scenario's expected findings name a read type, a kind, and no duplicate", () => {
  const types = new Set([...READERS.map((r) => r.type), "terraform_data"]);
  for (const s of SCENARIOS) {
    const keys = s.expect.drift.map((f) => `${f.address} ${f.attribute ?? "-"} ${f.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of s.expect.drift) {
      expect(types).toContain(f.address.split(".")[0]);
      expect(["changed", "missing", "unmanaged"]).toContain(f.kind);
    }
  }
  // Breakage of the stack's own resources is drift; of the backend's files only, none.
  expect(SCENARIOS.find((s) => s.name === "healthy")!.expect.drift).toEqual([]);
  expect(SCENARIOS.find((s) => s.name === "wrong-secret-key")!.expect.drift).toEqual([]);
  expect(SCENARIOS.find((s) => s.name === "record-rule-missing")!.expect.drift.length).toBe(1);
});

test("healthy: validate passes and drift is in sync; both reports on stdout, each with its verdict", async () => {
  const r = await demo({ scenario: "healthy" });
  expect(r.exitCode).toBe(0);
  expect(r.drift.findings).toEqual([]);
  expect(r.drift.errors).toEqual([]);
  expect(r.driftMismatch).toEqual([]);
  expect(r.out).toMatch(/Verdict: in sync \(\d+ attributes of \d+ resources compared\)/);
  expect(r.log.join("\n")).toMatch(/\[9\/9\] drift: done/);
}, 120_000);

test("drift the scenario does not expect fails the demo, though validate passes", async () => {
  const r = await demo({
    scenario: "healthy",
    format: "json",
    beforeValidate: (ctx) =>
      mutateSandboxState(ctx.endpoints.control, (s) => {
        const b = s.buckets.find((x) => x.name === ctx.outputs.bucket)!;
        b.tags = { ...(b.tags ?? {}), "edited-by": "console" };
      }),
  });
  expect(r.result.checks.every((c) => c.status === "pass")).toBe(true);
  expect(r.driftMismatch).toEqual(["unexpected finding: tencentcloud_cos_bucket.upload_bucket tags changed"]);
  expect(r.exitCode).toBe(1);
  const log = r.log.join("\n");
  expect(log).toContain("drift differs from the scenario: unexpected finding: tencentcloud_cos_bucket.upload_bucket tags changed");
  // json: stdout holds validate's report only; drift's text report went to the log.
  expect(JSON.parse(r.out).version).toBe(1);
  expect(log).toMatch(/Verdict: drift found/);
}, 120_000);
