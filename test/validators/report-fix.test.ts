/**
 * A check's fix is printed once, in every human format: a message that ends with its own fix (db.schema's
 * assessment: "… Fix: run `live-infra migrate` …") shows it on the one Fix line; a message that states its fix
 * elsewhere gets no second Fix line; any other message is followed by the remediation.
 */
import { buildReport, presentFix } from "../../validators/report";
import { renderReport } from "../../validators/render";
import type { CheckOutcome } from "../../validators/runner";
import type { Msg } from "../../validators/types";

const MIGRATE: Msg = { zh: "运行 `live-infra migrate`（自动修复，不改动任何行）。", en: "run `live-infra migrate` (repairs it without changing a row)." };

function outcome(id: string, message: Msg, remediation?: Msg, status: "fail" | "warn" = "fail"): CheckOutcome {
  return { id, status, skippedBecause: null, durationMs: 1, retries: 0, verdict: { status, message, ...(remediation ? { remediation } : {}), evidence: { n: 1 } } };
}

function reports(outcomes: CheckOutcome[]) {
  return (["en", "zh"] as const).map((lang) => ({
    lang,
    report: buildReport(outcomes, { stack: "s", startedAt: new Date(0), durationMs: 1, lang, secrets: { secrets: [], secretIds: [] } }),
  }));
}

/** Occurrences of `needle` in a rendering, evidence left out. */
const count = (text: string, needle: string) =>
  text
    .replace(/<details>[\s\S]*?<\/details>/g, "")
    .replace(/^(Evidence|证据)[:：].*$/gm, "")
    .split(needle).length - 1;

describe("presentFix", () => {
  test("a message ending with its fix after a Fix label: message without it, the fix once", () => {
    expect(presentFix({ message: `db differs: tb_vod is missing. Fix: ${MIGRATE.en}`, remediation: MIGRATE.en })).toEqual({ message: "db differs: tb_vod is missing.", fix: MIGRATE.en });
    expect(presentFix({ message: `库与声明不一致：缺 tb_vod。修复：${MIGRATE.zh}`, remediation: MIGRATE.zh })).toEqual({ message: "库与声明不一致：缺 tb_vod。", fix: MIGRATE.zh });
    // The first letter's case does not matter ("Run …" in the remediation, "run …" in the message).
    expect(presentFix({ message: `x. Fix: ${MIGRATE.en}`, remediation: "Run `live-infra migrate` (repairs it without changing a row)." }).fix).toMatch(/^Run /);
  });

  test("a message that states the fix elsewhere: no separate fix", () => {
    const fix = "Fix by hand (migrate does not do this): run ALTER TABLE `d`.`t` ADD PRIMARY KEY (`id`);";
    expect(presentFix({ message: `d differs: t has no primary key. t: ${fix} \`live-infra migrate\` repairs the rest (x).`, remediation: fix }).fix).toBeNull();
  });

  test("any other message: the remediation follows", () => {
    expect(presentFix({ message: "No callback template is bound.", remediation: "Bind it." })).toEqual({ message: "No callback template is bound.", fix: "Bind it." });
  });
});

describe("renderers print a fix once", () => {
  const migrateMsg: Msg = { zh: `live_demo 与声明的结构不一致：表 tb_vod 不存在。修复：${MIGRATE.zh}`, en: `live_demo does not match the declared schema: table tb_vod is missing. Fix: ${MIGRATE.en}` };
  const manualFix: Msg = { zh: "需手工修复（migrate 不会做），执行：RENAME TABLE `d`.`TB_VOD` TO `d`.`tb_vod`;", en: "Fix by hand (migrate does not do this): run RENAME TABLE `d`.`TB_VOD` TO `d`.`tb_vod`;" };
  const manualMsg: Msg = { zh: `d 与声明的结构不一致：表 TB_VOD 存在。tb_vod——${manualFix.zh}。`, en: `d does not match the declared schema: table TB_VOD exists. tb_vod: ${manualFix.en}` };

  test.each([
    ["a fix at the end of the message", outcome("db.schema", migrateMsg, MIGRATE), "live-infra migrate"],
    ["a fix inside the message", outcome("db.schema", manualMsg, manualFix), "RENAME TABLE"],
    ["a fix only in the remediation", outcome("live.callback-rule", { zh: "没有回调规则。", en: "No callback rule." }, { zh: "关联回调模板 (bind-it)。", en: "Bind the template (bind-it)." }), "bind-it"],
    ["a warning", outcome("db.schema", migrateMsg, MIGRATE, "warn"), "live-infra migrate"],
  ])("%s: once in text, markdown and JUnit, in both languages", (_n, o, needle) => {
    for (const { lang, report } of reports([o])) {
      for (const format of ["text", "markdown", "junit"] as const) {
        expect({ format, lang, n: count(renderReport(report, format, { lang }), needle) }).toEqual({ format, lang, n: 1 });
      }
    }
  });

  test("text: the migrate fix is the check's one Fix line, after the message", () => {
    const [{ report }] = reports([outcome("db.schema", migrateMsg, MIGRATE)]);
    const lines = renderReport(report, "text", { lang: "en" }).split("\n");
    const i = lines.findIndex((l) => l.includes("does not match the declared schema"));
    expect(lines[i].trim()).toBe("live_demo does not match the declared schema: table tb_vod is missing.");
    expect(lines[i + 1].trim()).toBe(`Fix: ${MIGRATE.en}`);
    expect(lines.filter((l) => /^\s+Fix: /.test(l))).toHaveLength(1);
  });

  test("JSON keeps the whole message and the remediation (the report's data)", () => {
    const [{ report }] = reports([outcome("db.schema", migrateMsg, MIGRATE)]);
    const json = JSON.parse(renderReport(report, "json", { lang: "en" }));
    expect(json.checks[0].message).toBe(migrateMsg.en);
    expect(json.checks[0].remediation).toBe(MIGRATE.en);
  });
});
