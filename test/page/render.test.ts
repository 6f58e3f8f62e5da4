import { CATALOGUE, CHECK_IDS } from "../../validators/catalogue";
import { buildReport } from "../../validators/report";
import { renderReport } from "../../validators/render";
import { READERS } from "../../drift/readers";
import { SCENARIOS } from "../../demo/scenarios";
import { CHECK_NODE, DRIFT_TYPE_NODE, NODES, renderHtmlPage, statusText } from "../../page";
import { driftReport, fixOf, nodeStatuses, NO_SECRETS, scenarioReport } from "./fixtures";

/** The node(s) each scenario breaks, as a person would point at them on the drawing. */
const BROKEN: Record<string, string[]> = {
  healthy: [],
  "wrong-bucket": ["cos-bucket"],
  "wrong-region": ["cos-bucket"],
  "wrong-appid": ["cos-bucket"],
  "wrong-secret-id": ["signing-key"],
  "wrong-secret-key": ["signing-key"],
  "callback-url-missing": ["callback-template"],
  "callback-url-wrong": ["callback-template"],
  "callback-rule-missing": ["callback-rule"],
  "callback-rule-on-play-domain": ["callback-rule"],
  "callback-key-mismatch": ["callback-template"],
  "record-rule-missing": ["record-rule"],
  "db-unreachable": ["tb-vod"],
  "db-timezone": ["tb-vod"],
  "tb-vod-missing": ["tb-vod"],
  "tb-vod-zero-date": ["tb-vod"],
  "no-room-row": [],
  "db-privileges": ["tb-vod"],
  "callback-url-private": ["callback-template", "backend-url"],
};

describe("mapping", () => {
  it("every check id of the catalogue and every drift reader type belongs to a node of the drawing", () => {
    const nodes = new Set(NODES.map((n) => n.id));
    for (const id of CHECK_IDS) expect({ id, node: nodes.has(CHECK_NODE[id]) }).toEqual({ id, node: true });
    for (const r of READERS) expect({ type: r.type, node: nodes.has(DRIFT_TYPE_NODE[r.type]) }).toEqual({ type: r.type, node: true });
  });

  it("every demo scenario has its broken nodes listed here", () => {
    expect(Object.keys(BROKEN).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });
});

describe.each(["en", "zh"] as const)("validate page per demo scenario (%s)", (lang) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: exactly its broken node(s) fail, every other node passes", (_name, s) => {
    const html = renderHtmlPage({ validate: scenarioReport(s, lang), lang });
    const nodes = nodeStatuses(html);
    expect(Object.keys(nodes).sort()).toEqual(NODES.map((n) => n.id).sort());
    const failing = Object.entries(nodes).filter(([, v]) => v.status === "fail").map(([k]) => k).sort();
    expect(failing).toEqual([...BROKEN[s.name]].sort());
    for (const [id, v] of Object.entries(nodes)) {
      const label = NODES.find((n) => n.id === id)!.label[lang];
      // Skipped and warned checks show as such; the record template has no validate check (drift reads it).
      const checks = CHECK_IDS.filter((c) => CHECK_NODE[c] === id);
      const expected = BROKEN[s.name].includes(id)
        ? "fail"
        : checks.some((c) => s.expect.warn.includes(c))
          ? "warn"
          : checks.some((c) => s.expect.skip.includes(c))
            ? "skip"
            : id === "record-template"
              ? "unchecked"
              : "pass";
      expect({ id, status: v.status }).toEqual({ id, status: expected });
      expect(v.aria).toBe(`${label}: ${statusText(expected, lang)}`);
      expect(v.shown).toBe(statusText(expected, lang));
    }
    for (const id of s.expect.fail) {
      expect(html).toContain(fixOf(id));
      const kw = CATALOGUE.find((c) => c.id === id)!.faqKeyword;
      if (kw) expect(html).toContain(kw);
    }
    const problems = html.split('<section class="problems"')[1].split("</section>")[0];
    expect((problems.match(/<article /g) ?? []).length).toBe(s.expect.fail.length + s.expect.warn.length);
    if (!s.expect.fail.length && !s.expect.warn.length) expect(problems).toContain(lang === "zh" ? "没有需要处理的问题" : "Nothing to fix");
  });
});

describe("drift on the drawing", () => {
  it("findings, read errors and compared resources colour the nodes they belong to", () => {
    const drift = driftReport({ changed: ["tencentcloud_css_record_template"], errors: ["tencentcloud_mysql_instance"], unmanaged: ["tencentcloud_cos_bucket"] });
    const html = renderHtmlPage({ drift, lang: "en" });
    const nodes = nodeStatuses(html);
    expect(nodes["record-template"].status).toBe("fail");
    expect(nodes["tb-vod"].status).toBe("error");
    expect(nodes["tb-vod"].aria).toBe("tb_vod: ? error");
    expect(nodes["cos-bucket"].status).toBe("warn");
    expect(nodes["signing-key"].status).toBe("pass");
    // Nothing in a drift report speaks about these.
    for (const id of ["app", "backend-url", "replay-list"]) expect(nodes[id].status).toBe("unchecked");
    expect(html).toContain("Re-apply the stack: `cdktf deploy live-demo-dev`.");
    expect(html).toContain("tencentcloud_css_record_template differs from its declaration");
    expect(html).toContain("AuthFailure");
  });

  it("validate and drift together: the worst of both", () => {
    const healthy = SCENARIOS.find((s) => s.name === "healthy")!;
    const html = renderHtmlPage({ validate: scenarioReport(healthy), drift: driftReport({ changed: ["tencentcloud_css_callback_template"] }), lang: "en" });
    const nodes = nodeStatuses(html);
    expect(Object.entries(nodes).filter(([, v]) => v.status !== "pass").map(([k, v]) => [k, v.status])).toEqual([["callback-template", "fail"]]);
    expect(html).toContain("Verdict: all good");
    expect(html).toContain("Verdict: drift found");
  });
});

describe("safety", () => {
  const CANARY = { key: "CanaryPageSecretKey0000000001", id: "AKIDCanaryPageSecretId00000002" };
  const hostile = () =>
    buildReport(
      [
        {
          id: "cos.bucket",
          status: "fail",
          skippedBecause: null,
          durationMs: 1,
          retries: 0,
          verdict: {
            status: "fail",
            faqKeyword: "<b>kw</b>",
            message: { zh: `<script>alert(1)</script> & "q" 'a' ${CANARY.key}`, en: `<script>alert(1)</script> & "q" 'a' ${CANARY.key}` },
            evidence: { html: "</pre><img src=x onerror=alert(1)>", secretId: CANARY.id },
            remediation: { zh: "Set <COSKEY_BUCKET> & restart", en: "Set <COSKEY_BUCKET> & restart" },
          },
        },
      ],
      { stack: "s<i>", startedAt: new Date(), durationMs: 1, lang: "en", secrets: NO_SECRETS },
    );

  it("escapes every text from the reports", () => {
    const html = renderHtmlPage({ validate: hostile(), lang: "en" });
    expect(html).not.toMatch(/<script|<img|<b>kw|<i>/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;");
    expect(html).toContain("&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("Set &lt;COSKEY_BUCKET&gt; &amp; restart");
    expect(html).toContain("&lt;b&gt;kw&lt;/b&gt;");
  });

  it("fetches nothing: CSP meta, no script, no external URL in any attribute or style", () => {
    const s = SCENARIOS.find((x) => x.name === "callback-url-private")!;
    for (const lang of ["en", "zh"] as const) {
      const html = renderHtmlPage({ validate: scenarioReport(s, lang), drift: driftReport({ changed: ["tencentcloud_cos_bucket"] }), lang });
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
      expect(html).toContain(`<html lang="${lang === "zh" ? "zh-CN" : "en"}">`);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|@font-face|\bsrc\s*=|\bhref\s*=/i);
      // The only url() is the SVG's own arrow marker.
      expect([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1])).toEqual(expect.arrayContaining(["#arrow"]));
      expect([...html.matchAll(/url\(([^)]*)\)/g)].every((m) => m[1] === "#arrow")).toBe(true);
      expect(html).toMatch(/<svg [^>]*role="img"/);
      expect(html).toMatch(/<title id="chains-title">[^<]+<\/title>/);
      expect(html).toMatch(/<desc id="chains-desc">[^<]+<\/desc>/);
    }
  });

  it("no secret canary: scrubbed with the given SecretSet; through validate's html format too", () => {
    const secrets = { secrets: [CANARY.key], secretIds: [CANARY.id] };
    const html = renderHtmlPage({ validate: hostile(), lang: "en", secrets, title: `report ${CANARY.key}` });
    expect(html).not.toContain(CANARY.key);
    expect(html).not.toContain(CANARY.id);
    expect(html).toContain("AKID…0002");
    const scrubbed = buildReport(
      [{ id: "db.connect", status: "fail", skippedBecause: null, durationMs: 1, retries: 0, verdict: { status: "fail", message: { zh: CANARY.key, en: CANARY.key } } }],
      { stack: "s", startedAt: new Date(), durationMs: 1, lang: "en", secrets },
    );
    const out = renderReport(scrubbed, "html", { lang: "en" });
    expect(out.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(out).not.toContain(CANARY.key);
    expect(nodeStatuses(out)["tb-vod"].status).toBe("fail");
  });
});
