/**
 * What several check areas share: verdict constructors (so a run function reads as assertions with evidence), a
 * predicate over client errors, the Live API's domain rules and which of them apply, and how messages name the
 * backend's configuration (the file the user gave) and a value that differs only by whitespace or letter case.
 */
import * as path from "path";
import { OUT_DEFINE_FILE, ROUTE_INI_FILE } from "../../common/backend-config";
import type { BackendConfigSource, OutDefineKey, RouteDbKey } from "../../common/backend-config";
import { CloudError } from "../clients";
import type { CloudErrorKind } from "../clients";
import type { Msg, Verdict } from "../types";

export type Evidence = Record<string, unknown>;

/** Per-outcome overrides of the control's FAQ keyword or remediation. */
export interface VerdictExtra {
  faqKeyword?: string;
  remediation?: Msg;
}

function verdict(status: Verdict["status"], zh: string, en: string, evidence?: Evidence, extra?: VerdictExtra): Verdict {
  return { status, message: { zh, en }, ...(evidence && { evidence }), ...extra };
}

export const pass = (zh: string, en: string, evidence?: Evidence): Verdict => verdict("pass", zh, en, evidence);
export const warn = (zh: string, en: string, evidence?: Evidence, extra?: VerdictExtra): Verdict => verdict("warn", zh, en, evidence, extra);
export const fail = (zh: string, en: string, evidence?: Evidence, extra?: VerdictExtra): Verdict => verdict("fail", zh, en, evidence, extra);

/** Whether `err` is a client-layer error of one of `kinds` (anything else is usually rethrown: the check errors). */
export function isCloudError(err: unknown, ...kinds: CloudErrorKind[]): err is CloudError {
  return err instanceof CloudError && kinds.includes(err.kind);
}

/** A callback or recording rule as DescribeLiveCallbackRules / DescribeLiveRecordRules list it. */
export interface LiveRule {
  DomainName?: string;
  AppName?: string;
  TemplateId?: number | string;
  CreateTime?: string;
  UpdateTime?: string;
}

/** Domain names compare case-insensitively, ignoring surrounding spaces. */
export const sameDomain = (a: string | undefined, b: string | undefined) => (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

export function ruleEvidence(r: LiveRule): Evidence {
  return { domain: r.DomainName ?? null, appName: r.AppName ?? null, templateId: r.TemplateId ?? null };
}

/**
 * The rules that apply to the push domain and app name: the same domain (DNS names ignore case) with that AppName,
 * or with an empty AppName (a rule for every app). Order-independent: callers judge the whole list.
 */
export function applicableRules<R extends LiveRule>(rules: readonly R[], domain: string, appName: string): R[] {
  return rules.filter((r) => sameDomain(r.DomainName, domain) && ((r.AppName ?? "").trim() === "" || (r.AppName ?? "").trim() === appName.trim()));
}

/** "push.example.com/live" or "push.example.com/(all apps)". */
export function ruleLabel(r: LiveRule): Msg {
  const app = (r.AppName ?? "").trim();
  return { zh: `${r.DomainName ?? ""}/${app || "（全部 App）"}`, en: `${r.DomainName ?? ""}/${app || "(all apps)"}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Naming the backend's configuration as the user gave it: `--backend-dir` → conf/OutDefine.php, conf/cdn.route.ini;
// `--backend-config FILE.json` → that file's fields; values built in memory → the backend's file names.

export type ConfigKey = OutDefineKey | `DB.${RouteDbKey}`;

/** The file that holds `key`, as the user knows it. */
export function configFile(source: BackendConfigSource, key: ConfigKey): string {
  const ini = key.startsWith("DB.");
  if (source.kind === "json") {
    const loc = source.locations[key] ?? Object.values(source.locations)[0] ?? "the backend config JSON";
    return loc.replace(/:\d+$/, "");
  }
  if (source.kind === "dir") return (ini ? ROUTE_INI_FILE : OUT_DEFINE_FILE).split(path.sep).join("/");
  return ini ? "cdn.route.ini" : "OutDefine.php";
}

/** `keys` of one file named as the user gave them: "API_KEY in conf/OutDefine.php", "DB.PASSWD in backend.json". */
export function inConfig(source: BackendConfigSource, ...keys: ConfigKey[]): Msg {
  const file = configFile(source, keys[0]);
  const ini = keys[0].startsWith("DB.");
  const names = keys.map((k) => (source.kind === "json" || !ini ? k : k.slice(3)));
  const prefix = ini && source.kind !== "json" ? "[DB] " : "";
  return { zh: `${file} 中的 ${prefix}${names.join("、")}`, en: `${prefix}${names.join(", ")} in ${file}` };
}

/** file:line of a key, when known (evidence). */
export function configLocation(source: BackendConfigSource, key: ConfigKey): string | null {
  return source.locations[key] ?? null;
}

/** How two values that should be equal differ, without revealing either. */
export type Difference = "equal" | "whitespace" | "case" | "whitespace-and-case" | "value";

export function howDiffers(actual: string, expected: string): Difference {
  if (actual === expected) return "equal";
  const trimmed = actual.trim() === expected.trim();
  if (trimmed) return "whitespace";
  if (actual.toLowerCase() === expected.toLowerCase()) return "case";
  if (actual.trim().toLowerCase() === expected.trim().toLowerCase()) return "whitespace-and-case";
  return "value";
}

/** "differs only by surrounding whitespace", … (for whitespace and case differences; null otherwise). */
export function differenceText(d: Difference): Msg | null {
  switch (d) {
    case "whitespace":
      return { zh: "只差首尾的空白字符", en: "differs only by surrounding whitespace" };
    case "case":
      return { zh: "只差字母大小写", en: "differs only in letter case" };
    case "whitespace-and-case":
      return { zh: "只差首尾的空白字符和字母大小写", en: "differs only by surrounding whitespace and letter case" };
    default:
      return null;
  }
}

/** How to correct a whitespace or case difference of `what` (e.g. "API_KEY in conf/OutDefine.php"). */
export function differenceFix(d: Difference, what: Msg, expected: Msg): Msg {
  const ws = d === "whitespace" || d === "whitespace-and-case";
  const cs = d === "case" || d === "whitespace-and-case";
  return {
    zh: `${ws ? `删除${what.zh}首尾的空格、制表符或换行` : ""}${ws && cs ? "，并" : ""}${cs ? `按${expected.zh}逐字更正${what.zh}的大小写（区分大小写）` : ""}。`,
    en: `${ws ? `Remove the spaces, tabs or line breaks around ${what.en}` : ""}${ws && cs ? ", and" : ""}${cs ? `${ws ? " c" : "C"}opy the letter case of ${expected.en} exactly into ${what.en} (it is case-sensitive)` : ""}.`,
  };
}
