/**
 * The verdict on a live database, shared by `live-infra validate` (db.schema) and `live-infra migrate`: both take
 * the differences from compareSchema and sort them here, so what validate says migrate will do is what it does.
 * Needs only a connection's `query` (no runtime import of mysql2).
 */
import { SCHEMA, SchemaDef } from "./schema";
import { ActualSchema, SchemaDifference, compareSchema } from "./compare";
import { SqlQueryable, inspectSchema } from "./introspect";
import { FAQ_TAGS, FaqTag, KIND_NAMES, Text, describeFix } from "./vocabulary";

/** What `live-infra migrate` does with a database in this state. */
export type MigrateOutcome =
  /** Nothing differs: "schema up to date". */
  | "nothing"
  /** Every difference is repaired; exit 0. */
  | "repairs"
  /** A `fail` difference needs a manual fix: migrate stops before changing anything and names it; exit 1. */
  | "refuses"
  /** Migrate repairs what it can, then names the `warn` differences that need a manual fix; exit 1. */
  | "repairs-then-refuses";

export interface SchemaAssessment {
  database: string;
  /** Every difference, in compareSchema order. */
  differences: SchemaDifference[];
  /** Those `live-infra migrate` repairs (fix.kind "migrate"). */
  repairable: SchemaDifference[];
  /** Those only a manual fix corrects (fix.kind "manual"). */
  manual: SchemaDifference[];
  /** The manual ones with severity fail: migrate changes nothing while any is left. */
  blocking: SchemaDifference[];
  /** The verdict: fail when any difference fails, warn when only warnings, pass when none. */
  severity: "pass" | "warn" | "fail";
  /** The FAQ tag of the verdict: `tb_vod 未创建` when tb_vod is missing, else the first failing (or warning)
   *  difference's; null on pass. */
  faq: FaqTag | null;
  /** The manual statements in order, each once (findings on one column share one statement). */
  manualSql: string[];
  migrate: MigrateOutcome;
  /** The whole verdict for a report: what differs, and the one fix of each. */
  message: Text;
}

const MAX_LISTED = 4;

function listed(items: string[], sep: string): string {
  return items.slice(0, MAX_LISTED).join(sep) + (items.length > MAX_LISTED ? `${sep}(+${items.length - MAX_LISTED})` : "");
}

/** Sorts a list of differences (from compareSchema) into the verdict. Pure. */
export function assessDifferences(database: string, differences: SchemaDifference[]): SchemaAssessment {
  const repairable = differences.filter((d) => d.fix.kind === "migrate");
  const manual = differences.filter((d) => d.fix.kind === "manual");
  const blocking = manual.filter((d) => d.severity === "fail");
  const fails = differences.filter((d) => d.severity === "fail");
  const severity = fails.length ? "fail" : differences.length ? "warn" : "pass";
  const vodMissing = differences.find((d) => d.faq.id === FAQ_TAGS.tbVodMissing.id);
  const faq = vodMissing?.faq ?? (fails[0] ?? differences[0])?.faq ?? null;
  const manualSql: string[] = [];
  for (const d of manual) if (d.fix.kind === "manual") for (const s of d.fix.sql) if (!manualSql.includes(s)) manualSql.push(s);
  const migrate: MigrateOutcome =
    differences.length === 0 ? "nothing" : blocking.length ? "refuses" : manual.length ? "repairs-then-refuses" : "repairs";
  return { database, differences, repairable, manual, blocking, severity, faq, manualSql, migrate, message: verdictText(database, differences, repairable, manual, blocking) };
}

/** Compares an actual schema (from inspectSchema) with the declaration and sorts the result. Pure. */
export function assessActual(actual: ActualSchema, schema: SchemaDef = SCHEMA): SchemaAssessment {
  return assessDifferences(actual.database, compareSchema({ ...schema, database: actual.database }, actual));
}

/**
 * Reads `database` through `conn` (any account that can see its tables, e.g. the backend's own) and assesses it.
 * The validators' db.schema check is this call plus the report.
 */
export async function assessSchema(conn: SqlQueryable, database: string, schema: SchemaDef = SCHEMA): Promise<SchemaAssessment> {
  return assessActual(await inspectSchema(conn, database), schema);
}

/** "tb_vod.start_time", "tb_room" or the database name. */
function label(db: string, d: SchemaDifference): string {
  return d.column ? `${d.table}.${d.column}` : d.table ?? db;
}

function verdictText(db: string, all: SchemaDifference[], repairable: SchemaDifference[], manual: SchemaDifference[], blocking: SchemaDifference[]): Text {
  if (all.length === 0) {
    return { zh: `${db} 的 tb_account、tb_room、tb_vod 与声明的结构一致。`, en: `tb_account, tb_room and tb_vod in ${db} match the declared schema.` };
  }
  const what = {
    zh: `${db} 与声明的结构不一致：${listed(all.map((d) => d.description.zh), "；")}。`,
    en: `${db} does not match the declared schema: ${listed(all.map((d) => d.description.en), "; ")}.`,
  };
  if (manual.length === 0) {
    const fix = describeFix({ kind: "migrate" });
    return { zh: `${what.zh}${fix.zh}`, en: `${what.en} ${fix.en}` };
  }
  const hand = manual.map((d) => ({ d, fix: describeFix(d.fix) }));
  const seen = new Set<string>();
  const steps = hand.filter((h) => (seen.has(h.fix.en) ? false : (seen.add(h.fix.en), true)));
  const manualZh = steps.map((h) => `${label(db, h.d)}——${h.fix.zh}`).join("；") + "。";
  const manualEn = steps.map((h) => `${label(db, h.d)}: ${h.fix.en}`).join(" ");
  let rest = { zh: "", en: "" };
  if (repairable.length) {
    const named = (lang: "zh" | "en") =>
      repairable.map((d) => (lang === "zh" ? `${label(db, d)}（${KIND_NAMES[d.kind]?.zh ?? d.kind}）` : `${label(db, d)} (${KIND_NAMES[d.kind]?.en ?? d.kind})`));
    rest = blocking.length
      ? {
          zh: ` 其余差异（${listed(named("zh"), "、")}）由 \`live-infra migrate\` 修复，但在上述手工修复完成之前它不做任何改动。`,
          en: ` \`live-infra migrate\` repairs the rest (${listed(named("en"), ", ")}), but changes nothing until the manual fix above is done.`,
        }
      : {
          zh: ` 其余差异（${listed(named("zh"), "、")}）由 \`live-infra migrate\` 修复。`,
          en: ` \`live-infra migrate\` repairs the rest (${listed(named("en"), ", ")}).`,
        };
  }
  return { zh: `${what.zh}${manualZh}${rest.zh}`, en: `${what.en} ${manualEn}${rest.en}` };
}

/**
 * The English list migrate prints for differences that need a manual fix: each finding, the statement(s) to run
 * by hand, and the data to put right first.
 */
export function manualFixList(manual: SchemaDifference[]): string {
  return manual
    .map((d) => {
      if (d.fix.kind !== "manual") return `  - ${d.message}`;
      const lines = [`  - ${d.message}`, ...d.fix.sql.map((s) => `    fix by hand: ${s};`)];
      if (d.fix.dataFirst) {
        lines.push(`    first: ${d.fix.dataFirst.en}`);
        for (const c of d.fix.dataFirst.checks) lines.push(`    check (must return n = 0): ${c};`);
      }
      return lines.join("\n");
    })
    .join("\n");
}
