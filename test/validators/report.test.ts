import * as fs from "fs";
import { REPO_ROOT } from "../helpers/paths";
import * as path from "path";
import Ajv from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { CATALOGUE, CHECK_IDS } from "../../validators/catalogue";
import { buildReport, exitCodeOf, Report, scrub } from "../../validators/report";
import { createProgressPrinter, displayWidth, renderReport, REPORT_FORMATS, truncateToWidth, useColor, xmlEscape } from "../../validators/render";
import type { CheckOutcome } from "../../validators/runner";

/** Canary secrets: none may appear in any rendering. */
const CANARY = {
  secretKey: "CanarySecretKeyDoNotPrint0000001",
  dbPassword: "CanaryDbPasswordDoNotPrint0002",
  apiKey: "CanaryApiKeyDoNotPrint00000003",
  secretId: "AKIDCanarySecretIdDoNotPrint00000004",
};
const SECRETS = { secrets: [CANARY.secretKey, CANARY.dbPassword, CANARY.apiKey], secretIds: [CANARY.secretId] };

function reportSchemaValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "validators", "report.schema.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
  return ajv.compile(schema);
}

/** Outcomes covering every status, with secrets planted in messages and evidence. */
function outcomes(): CheckOutcome[] {
  const m = (en: string) => ({ zh: `中文 ${en}`, en });
  return [
    { id: "cos.bucket", status: "pass", skippedBecause: null, durationMs: 12.4, retries: 0,
      verdict: { status: "pass", message: m(`bucket ok (key ${CANARY.secretKey})`), evidence: { secretId: CANARY.secretId, nested: [{ pw: CANARY.dbPassword }] } } },
    { id: "cos.secret-id", status: "fail", skippedBecause: null, durationMs: 30, retries: 2,
      verdict: { status: "fail", message: m(`unknown id ${CANARY.secretId} <&> "quotes" | pipe`), evidence: { [CANARY.apiKey]: "as a key" } } },
    { id: "cos.secret-key", status: "skip", skippedBecause: "cos.secret-id", durationMs: 30, retries: 0, message: m("skipped: prerequisite cos.secret-id did not pass (fail).") },
    { id: "live.callback-rule", status: "error", skippedBecause: null, durationMs: 20000, retries: 7, message: m("throttled past retries: live DescribeLiveCallbackRules: RequestLimitExceeded") },
    { id: "db.replay-window", status: "warn", skippedBecause: null, durationMs: 3, retries: 0,
      verdict: { status: "warn", message: m("1 account(s) have no tb_room row\u0007"), evidence: { accountsWithoutRoom: 1 } } },
    { id: "cos.bucket-typo-not-in-catalogue", status: "pass", skippedBecause: null, durationMs: 1, retries: 0 } as CheckOutcome,
  ];
}

function report(lang: "zh" | "en" = "en"): Report {
  return buildReport(outcomes(), { stack: "live-demo-test", startedAt: new Date("2026-11-24T03:00:00Z"), durationMs: 1234.5, lang, secrets: SECRETS });
}

describe("report v1", () => {
  it("has the documented shape, catalogue order, summary and skippedBecause only on skip", () => {
    const r = report();
    expect(r.version).toBe(1);
    expect(r.checks.map((c) => c.id)).toEqual(["cos.bucket", "cos.secret-id", "cos.secret-key", "live.callback-rule", "db.replay-window"]);
    expect(r.summary).toEqual({ pass: 1, fail: 1, warn: 1, error: 1, skip: 1 });
    expect(r.checks[2].skippedBecause).toBe("cos.secret-id");
    expect(r.checks.filter((c) => c.status !== "skip").every((c) => c.skippedBecause === null)).toBe(true);
    expect(r.checks[0].faqKeyword).toBe("ERROR_PROXY_SIGN_BUCKET_NOTMATCH");
    expect(r.checks.find((c) => c.id === "db.replay-window")!.faqKeyword).toBeNull();
    expect(r.checks[1].evidence.retries).toBe(2);
    expect(r.durationMs).toBe(1235);
    expect(exitCodeOf(r)).toBe(1);
    expect(exitCodeOf({ summary: { pass: 3, fail: 0, warn: 2, error: 0, skip: 1 } })).toBe(0);
  });

  it("validates against validators/report.schema.json (both languages)", () => {
    const validate = reportSchemaValidator();
    for (const lang of ["en", "zh"] as const) {
      const ok = validate(report(lang));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    const broken = { ...report(), checks: [{ ...report().checks[0], skippedBecause: "x" }] };
    expect(validate(broken)).toBe(false);
  });

  it("strings follow --lang", () => {
    const zh = report("zh");
    expect(zh.checks[0].title).toBe(CATALOGUE[0].title.zh);
    expect(zh.checks[0].message.startsWith("中文")).toBe(true);
    expect(zh.checks[0].remediation).toBe(CATALOGUE[0].remediation.zh);
  });

  it("an error gets could-not-finish advice, not the check's own fix", () => {
    for (const lang of ["en", "zh"] as const) {
      const c = report(lang).checks.find((x) => x.id === "live.callback-rule")!;
      expect(c.status).toBe("error");
      expect(c.remediation).not.toBe(CATALOGUE.find((x) => x.id === "live.callback-rule")!.remediation[lang]);
      expect(c.remediation).toContain("TENCENTCLOUD_SECRET_ID");
      expect(c.remediation).toContain("--timeout");
    }
  });

  it("scrubs secrets in keys and values and masks SecretIds", () => {
    const r = report();
    const text = JSON.stringify(r);
    for (const c of Object.values(CANARY)) expect(text).not.toContain(c);
    expect(text).toContain("AKID…0004");
    expect(scrub({ a: "x-secret-x" }, { secrets: ["secret"], secretIds: [] })).toEqual({ a: "x-***-x" });
  });
});

describe("renderers", () => {
  it.each(REPORT_FORMATS.flatMap((f) => [[f, "en"], [f, "zh"]] as const))("%s (%s) never contains a canary", (format, lang) => {
    const out = renderReport(report(lang), format, { lang, color: true });
    for (const c of Object.values(CANARY)) expect(out).not.toContain(c);
  });

  it("JUnit is well-formed XML with one testcase per check", () => {
    const xml = renderReport(report(), "junit", { lang: "en" });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite["@tests"]).toBe("5");
    expect(suite["@failures"]).toBe("1");
    expect(suite["@errors"]).toBe("1");
    expect(suite["@skipped"]).toBe("1");
    const cases = suite.testcase as Array<Record<string, unknown>>;
    expect(cases).toHaveLength(5);
    expect(cases[1].failure).toBeDefined();
    expect((cases[1].failure as Record<string, string>)["@type"]).toBe("PROXY_AUTH_SECRETID_NOEXIST");
    expect(cases[2].skipped).toBeDefined();
    expect(cases[3].error).toBeDefined();
    expect(String(cases[4]["system-out"])).toMatch(/^WARN: /);
    expect(xmlEscape("a\u0000b<\u0007")).toBe("ab&lt;");
  });

  it("JUnit of a zh report is well-formed too", () => {
    expect(XMLValidator.validate(renderReport(report("zh"), "junit", { lang: "zh" }))).toBe(true);
  });

  it("Markdown has a table row per check and a section per problem; pipes are escaped", () => {
    const md = renderReport(report(), "markdown", { lang: "en" });
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| |"));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(7);
    expect(md).toContain("## Problems");
    expect(md).toContain("### ❌ `cos.secret-id`");
    expect(md).not.toMatch(/<&>/);
  });

  it("text: plain without colour, ANSI with colour, remediation under problems", () => {
    const plain = renderReport(report(), "text", { lang: "en", color: false });
    expect(plain).not.toContain("\x1b[");
    expect(plain).toMatch(/✘ FAIL +cos\.secret-id/);
    expect(plain).toContain("Fix: ");
    expect(plain.trim().split("\n").pop()).toMatch(/^Verdict: problems found \(cos\.secret-id, live\.callback-rule\)/);
    expect(renderReport(report(), "text", { lang: "en", color: true })).toContain("\x1b[31m");
    expect(renderReport(report("zh"), "text", { lang: "zh" })).toContain("结论：发现问题");
  });

  it("JSON is the report itself", () => {
    expect(JSON.parse(renderReport(report(), "json", { lang: "en" }))).toEqual(report());
  });

  it("colour only on a TTY and never with NO_COLOR", () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it.each(["en", "zh"] as const)("live checklist lines fit the terminal width, so the redraw stays aligned (%s)", (lang) => {
    let out = "";
    const stream = { columns: 50, isTTY: true, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const p = createProgressPrinter(stream, { lang, live: true, color: true });
    p.onProgress({ type: "plan", ids: [...CHECK_IDS] });
    for (const id of CHECK_IDS) p.onProgress({ type: "retry", id, attempt: 1, reason: "RequestLimitExceeded" });
    for (const id of CHECK_IDS) p.onProgress({ type: "done", id, status: "pass", durationMs: 12345 });
    const lines = out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split(/[\r\n]+/).filter(Boolean);
    expect(lines.length).toBeGreaterThan(CHECK_IDS.length);
    for (const l of lines) expect(displayWidth(l)).toBeLessThan(50);
    // With room to spare nothing is cut.
    expect(truncateToWidth("回调模板已关联推流域名", 40)).toBe("回调模板已关联推流域名");
    expect(displayWidth(truncateToWidth("回调模板已关联推流域名", 9))).toBeLessThanOrEqual(9);
  });

  it("progress printer: plain lines per finished check; live mode redraws and clears", () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream;
    const plain = createProgressPrinter(stream, { lang: "en", live: false, color: false });
    plain.onProgress({ type: "plan", ids: ["cos.bucket", "db.connect"] });
    plain.onProgress({ type: "start", id: "cos.bucket" });
    plain.onProgress({ type: "done", id: "cos.bucket", status: "pass", durationMs: 5 });
    expect(chunks).toEqual([expect.stringMatching(/^✔ PASS +cos\.bucket .*\(5 ms\)\n$/)]);
    chunks.length = 0;
    const live = createProgressPrinter(stream, { lang: "en", live: true, color: false });
    live.onProgress({ type: "plan", ids: ["cos.bucket", "db.connect"] });
    live.onProgress({ type: "done", id: "db.connect", status: "fail", durationMs: 7 });
    live.clear();
    expect(chunks.join("")).toContain("\x1b[2A");
    expect(chunks[chunks.length - 1]).toBe("\x1b[2A\r\x1b[J");
  });
});

describe("catalogue", () => {
  it("has exactly the public ids of the issue, in order, each with both languages", () => {
    expect(CHECK_IDS.slice(0, 13)).toEqual([
      "cos.bucket", "cos.secret-id", "cos.secret-key", "cos.upload",
      "live.callback-rule", "live.callback-url", "live.callback-key", "live.callback-reachable", "live.record-rule",
      "db.connect", "db.schema", "db.timezone", "db.replay-window",
    ]);
    expect(CHECK_IDS.slice(13)).toEqual(["live.domains", "db.privileges", "live.callback-public"]);
    // Every control carries its own run function; ids are unique.
    expect(CATALOGUE.filter((c) => typeof c.run === "function").map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    for (const c of CATALOGUE) {
      expect(c.title.zh && c.title.en && c.remediation.zh && c.remediation.en && c.description.zh && c.description.en).toBeTruthy();
      for (const p of c.prerequisites) expect(CHECK_IDS.indexOf(p)).toBeLessThan(CHECK_IDS.indexOf(c.id));
    }
    expect(CATALOGUE.filter((c) => c.optIn).map((c) => c.id)).toEqual(["live.callback-reachable"]);
  });
});
