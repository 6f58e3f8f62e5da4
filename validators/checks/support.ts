/**
 * What several check areas share: verdict constructors (so a run function reads as assertions with evidence), a
 * predicate over client errors, and the shape of the Live API's domain rules.
 */
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
export const warn = (zh: string, en: string, evidence?: Evidence): Verdict => verdict("warn", zh, en, evidence);
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
