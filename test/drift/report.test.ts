/**
 * The report and its renderers, pure: JSON against drift/report.schema.json, JUnit well-formed with the right
 * counts, SARIF 2.1.0's required structure (one rule per type/kind, logical locations = Terraform addresses),
 * markdown and text in both languages, exit codes, and the scrub that keeps secrets out of every format.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { DRIFT_FORMATS, DriftReport, exitCodeOf, renderDriftReport, scrub, verdictLine } from "../../drift";
import { deployFix } from "../../drift/differ";
import { summarise } from "../../drift/report";
import type { ResourceCoverage } from "../../drift/differ";
import { REPO_ROOT } from "../helpers/paths";

const CANARY_KEY = "canary-secret-key-0001";
const CANARY_ID = "AKIDcanaryCanaryCanary00000000000042";

function coverage(): ResourceCoverage[] {
  const base = { computed: [], notComparable: [], unknown: [], skipped: [] };
  return [
    { ...base, address: "tencentcloud_cos_bucket.upload_bucket", type: "tencentcloud_cos_bucket", status: "compared", compared: ["acl", "cors_rules"], line: 12 },
    { ...base, address: "tencentcloud_css_callback_rule_attachment.callbacks", type: "tencentcloud_css_callback_rule_attachment", status: "missing", compared: [], line: 40 },
    { ...base, address: "tencentcloud_mysql_instance.db", type: "tencentcloud_mysql_instance", status: "error", compared: [], reason: "AuthFailure", line: 80 },
    { ...base, address: "random_password.k", type: "random_password", status: "not-read", compared: [], reason: "no cloud object", line: 3 },
    {
      ...base,
      address: "tencentcloud_vpc.db",
      type: "tencentcloud_vpc",
      status: "compared",
      compared: ["name"],
      computed: [{ attribute: "id", expression: "tencentcloud_vpc.db.id" }],
      line: 90,
    },
  ];
}

function report(over: Partial<DriftReport> = {}): DriftReport {
  const cov = coverage();
  return {
    version: 1,
    stack: "live-demo-dev",
    time: "2026-11-24T03:00:00.000Z",
    durationMs: 123,
    inSync: false,
    declaredFile: path.join("cdktf.out", "stacks", "live-demo-dev", "cdk.tf.json"),
    findings: [
      {
        address: "tencentcloud_cos_bucket.upload_bucket",
        type: "tencentcloud_cos_bucket",
        name: "upload_bucket",
        attribute: "acl",
        kind: "changed",
        declared: "private",
        live: "public-read",
        message: { zh: "acl：声明为 private | 实际为 public-read", en: `acl is "public-read" live | declared "private" (${CANARY_ID})` },
        fix: deployFix("live-demo-dev"),
      },
      {
        address: "tencentcloud_cos_bucket.upload_bucket",
        type: "tencentcloud_cos_bucket",
        name: "upload_bucket",
        attribute: "cors_rules",
        kind: "unmanaged",
        declared: null,
        live: { allowed_origins: ["*"] },
        message: { zh: "多余的 CORS 规则", en: "an undeclared CORS rule <shadows> ours & more" },
        fix: deployFix("live-demo-dev"),
      },
      {
        address: "tencentcloud_css_callback_rule_attachment.callbacks",
        type: "tencentcloud_css_callback_rule_attachment",
        name: "callbacks",
        attribute: null,
        kind: "missing",
        declared: "tencentcloud_css_callback_rule_attachment.callbacks",
        live: null,
        message: { zh: "不存在", en: "does not exist" },
        fix: { kind: "manual", text: { zh: "手工", en: "by hand" } },
      },
    ],
    errors: [
      {
        address: "tencentcloud_mysql_instance.db",
        type: "tencentcloud_mysql_instance",
        name: "db",
        service: "cdb",
        operation: "DescribeDBInstances",
        code: "AuthFailure.SignatureFailure",
        kind: "auth",
        message: `signature of ${CANARY_KEY} did not match`,
      },
    ],
    coverage: { summary: summarise(cov), resources: cov },
    ...over,
  };
}

const scrubbed = () => scrub(report(), { secrets: [CANARY_KEY], secretIds: [CANARY_ID] });

describe("report", () => {
  it("JSON follows drift/report.schema.json (also in sync, and an empty coverage)", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "drift", "report.schema.json"), "utf8"));
    const validate = new Ajv({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
    for (const r of [scrubbed(), report({ findings: [], errors: [], inSync: true })]) {
      const doc = JSON.parse(renderDriftReport(r, "json", { lang: "en" }));
      expect(validate(doc) ? [] : validate.errors).toEqual([]);
    }
    expect(validate({ ...JSON.parse(renderDriftReport(scrubbed(), "json", { lang: "en" })), version: 2 })).toBe(false);
  });

  it("exit codes: errors 2 (even with drift), drift 1, in sync 0; the verdict says which", () => {
    expect(exitCodeOf(report())).toBe(2);
    expect(exitCodeOf(report({ errors: [] }))).toBe(1);
    expect(exitCodeOf(report({ errors: [], findings: [] }))).toBe(0);
    expect(verdictLine(report(), "en")).toMatch(/could not be read in full .*not "in sync"/);
    expect(verdictLine(report({ errors: [] }), "en")).toBe("Verdict: drift found (3 finding(s) in 2 resource(s)).");
    expect(verdictLine(report({ errors: [], findings: [] }), "zh")).toMatch(/^结论：与声明一致/);
  });

  it("the scrub masks SecretIds and removes secrets in every format", () => {
    for (const format of DRIFT_FORMATS) {
      for (const lang of ["zh", "en"] as const) {
        const text = renderDriftReport(scrubbed(), format, { lang });
        expect(text).not.toContain(CANARY_KEY);
        expect(text).not.toContain(CANARY_ID);
      }
    }
    expect(JSON.stringify(scrubbed())).toContain("AKID…0042");
  });

  it("junit: well-formed, one test case per declared resource, failure/error/skipped by status", () => {
    const xml = renderDriftReport(scrubbed(), "junit", { lang: "en" });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect([suite.tests, suite.failures, suite.errors, suite.skipped]).toEqual(["5", "2", "1", "1"]);
    const cases = suite.testcase as Array<Record<string, any>>;
    expect(cases.map((c) => c.name)).toEqual(coverage().map((c) => c.address));
    expect(cases[0].failure.type).toBe("changed,unmanaged");
    expect(cases[2].error.type).toBe("AuthFailure.SignatureFailure");
    expect(cases[3].skipped.message).toBe("no cloud object");
  });

  it("sarif 2.1.0: required structure, one rule per type and kind, results at their Terraform address", () => {
    const sarif = JSON.parse(renderDriftReport(scrubbed(), "sarif", { lang: "en", cwd: REPO_ROOT }));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("live-infra drift");
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(["tencentcloud_cos_bucket/changed", "tencentcloud_cos_bucket/unmanaged", "tencentcloud_css_callback_rule_attachment/missing"]);
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text).toEqual(expect.any(String));
      expect(["error", "warning", "note", "none"]).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results).toHaveLength(3);
    for (const res of run.results) {
      expect(typeof res.message.text).toBe("string");
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(["error", "warning", "note", "none"]).toContain(res.level);
      const loc = res.locations[0];
      expect(loc.logicalLocations[0]).toEqual(expect.objectContaining({ kind: "resource" }));
      expect(loc.physicalLocation.artifactLocation.uri).toBe("cdktf.out/stacks/live-demo-dev/cdk.tf.json");
      expect(loc.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(run.results.map((r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName)).toEqual([
      "tencentcloud_cos_bucket.upload_bucket",
      "tencentcloud_cos_bucket.upload_bucket",
      "tencentcloud_css_callback_rule_attachment.callbacks",
    ]);
    expect(run.results[0].locations[0].physicalLocation.region.startLine).toBe(12);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain("tencentcloud_mysql_instance.db");
  });

  it("markdown reads as a job summary: heading with the verdict, a findings table with escaped cells", () => {
    const md = renderDriftReport(scrubbed(), "markdown", { lang: "en" });
    expect(md.startsWith("## live-infra drift: live-demo-dev — ⚠️ could not read\n")).toBe(true);
    const rows = md.split("\n").filter((l) => l.startsWith("| CHANGED") || l.startsWith("| UNMANAGED") || l.startsWith("| MISSING"));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.replace(/\\\|/g, "").split("|").length).toBe(8);
    expect(md).toContain("### Could not read");
    expect(md).toContain("<details>");
    expect(renderDriftReport(report({ findings: [], errors: [] }), "markdown", { lang: "zh" })).toMatch(/^## live-infra drift: live-demo-dev — ✅ 一致/);
  });

  it("text: each finding with its fix, errors, coverage and what was not compared, verdict last (zh and en)", () => {
    const en = renderDriftReport(scrubbed(), "text", { lang: "en" });
    expect(en).toMatch(/✘ CHANGED +tencentcloud_cos_bucket\.upload_bucket · acl/);
    expect(en).toContain("fix: Re-apply the stack: `cdktf deploy live-demo-dev`");
    expect(en).toMatch(/! ERROR +tencentcloud_mysql_instance\.db/);
    expect(en).toContain("not read: random_password.k — no cloud object");
    expect(en).toContain("computed (not compared): tencentcloud_vpc.db.id = ${tencentcloud_vpc.db.id}");
    expect(en.trim().split("\n").pop()).toMatch(/^Verdict: /);
    const zh = renderDriftReport(scrubbed(), "text", { lang: "zh" });
    expect(zh).toContain("✘ 变更");
    expect(zh.trim().split("\n").pop()).toMatch(/^结论：/);
  });
});
