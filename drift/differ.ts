/**
 * The generic differ: one declared resource, its reader's attribute declarations and what the reader found →
 * findings (changed / missing / unmanaged, each with its one true fix) and the resource's coverage (what was
 * compared, what stayed computed, what cannot be compared and why). Secrets are never put into a finding.
 */
import { display, equal } from "./compare";
import type { DeclaredResource, Finding, Fix, FixRule, ReadResult, Reader, Text } from "./types";

export interface ResourceCoverage {
  address: string;
  type: string;
  /** `compared`: read and compared; `missing`: not found live; `error`: could not be read; `not-read`: no reader. */
  status: "compared" | "missing" | "error" | "not-read";
  /** Attributes compared (declared, from the outputs, learned, or an expected value). */
  compared: string[];
  /** Declared attributes whose value stayed computed (never compared), with their expression. */
  computed: Array<{ attribute: string; expression: string }>;
  /** Declared attributes the reader cannot read back, with why. */
  notComparable: Array<{ attribute: string; reason: string }>;
  /** Declared attributes the reader does not know (listed so that nothing is dropped silently). */
  unknown: string[];
  /** Attributes the reader could not compare in this run, with why. */
  skipped: Array<{ attribute: string; reason: Text }>;
  /** Why the resource was not read (status not-read or error). */
  reason?: string;
  /** Line of the resource's block in cdk.tf.json. */
  line?: number;
}

export function deployFix(stack: string): Fix {
  const command = `cdktf deploy ${stack}`;
  return {
    kind: "deploy",
    command,
    text: {
      zh: `重新部署：\`${command}\`（Terraform 会恢复声明的配置）。`,
      en: `Re-apply the stack: \`${command}\` (Terraform puts the declared configuration back).`,
    },
  };
}

export function fixOf(rule: FixRule | undefined, stack: string): Fix {
  if (!rule || rule === "deploy") return deployFix(stack);
  return { kind: "manual", text: rule.manual };
}

/** A value in a message: compact JSON, cut at 160 characters. */
export function shown(v: unknown): string {
  if (v === null || v === undefined) return "(none)";
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

function withNote(m: Text, note: Text | undefined): Text {
  return note ? { zh: `${m.zh.replace(/。$/, "")}（${note.zh}）。`, en: `${m.en.replace(/\.$/, "")} (${note.en}).` } : m;
}

export function diffResource(stack: string, d: DeclaredResource, reader: Reader, result: ReadResult): { findings: Finding[]; coverage: ResourceCoverage } {
  const base = { address: d.address, type: d.type, name: d.name };
  const coverage: ResourceCoverage = {
    address: d.address,
    type: d.type,
    status: result.exists ? "compared" : "missing",
    compared: [],
    computed: [],
    notComparable: [],
    unknown: [],
    skipped: [],
  };
  for (const [attr, a] of Object.entries(d.attrs)) {
    if (attr in reader.attributes) {
      if (!a.known) coverage.computed.push({ attribute: attr, expression: a.expression });
    } else if (attr in reader.notComparable) {
      if (attr !== "id") coverage.notComparable.push({ attribute: attr, reason: reader.notComparable[attr] });
    } else if (attr !== "id") {
      coverage.unknown.push(attr);
    }
  }
  if (!result.exists) {
    return {
      findings: [
        {
          ...base,
          attribute: null,
          kind: "missing",
          declared: d.address,
          live: null,
          message: {
            zh: `${d.address} 在云上不存在${result.note ? `（${result.note.zh}）` : ""}。`,
            en: `${d.address} does not exist${result.note ? ` (${result.note.en})` : ""}.`,
          },
          fix: deployFix(stack),
        },
        ...(result.unmanaged ?? []).map((u): Finding => ({ ...base, attribute: u.attribute, kind: "unmanaged", declared: null, live: u.live, message: u.message, fix: fixOf(u.fix, stack) })),
      ],
      coverage,
    };
  }
  const findings: Finding[] = [];
  for (const [attr, reason] of Object.entries(result.skipped ?? {})) coverage.skipped.push({ attribute: attr, reason });
  for (const [attr, spec] of Object.entries(reader.attributes)) {
    const a = d.attrs[attr];
    if (a && !a.known) continue;
    if (result.skipped && attr in result.skipped) continue;
    let declared: unknown;
    if (a?.known) declared = a.value;
    else if (spec.expected !== undefined) declared = spec.expected;
    else continue;
    coverage.compared.push(attr);
    const live = result.attrs[attr];
    if (equal(spec.compare, declared, live, spec)) continue;
    const secret = spec.compare === "secret";
    const dv = display(spec.compare, declared, spec);
    const lv = display(spec.compare, live, spec);
    findings.push({
      ...base,
      attribute: attr,
      kind: "changed",
      declared: dv,
      live: secret ? (live === undefined || live === null ? null : "***") : lv,
      message: withNote(
        secret
          ? {
              zh: `${d.address} 的 ${attr} 与声明的值不一致（不显示其值）。`,
              en: `${d.address}: ${attr} differs from the declared value (values not shown).`,
            }
          : {
              zh: `${d.address} 的 ${attr}：声明为 ${shown(dv)}，实际为 ${shown(lv)}。`,
              en: `${d.address}: ${attr} is ${shown(lv)} live, declared ${shown(dv)}.`,
            },
        result.notes?.[attr],
      ),
      fix: fixOf(spec.fix, stack),
    });
  }
  for (const f of result.findings ?? []) findings.push({ ...base, ...f });
  for (const c of result.compared ?? []) if (!coverage.compared.includes(c)) coverage.compared.push(c);
  for (const u of result.unmanaged ?? []) {
    findings.push({ ...base, attribute: u.attribute, kind: "unmanaged", declared: null, live: u.live, message: u.message, fix: fixOf(u.fix, stack) });
  }
  return { findings, coverage };
}
