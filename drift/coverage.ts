/**
 * The coverage table of docs/drift.md, generated from the readers' declarations (a test holds the document to it):
 * per resource type, the attributes compared (with how and from where), those that cannot be compared and why,
 * what is reported as unmanaged, and the declared types that are not read.
 */
import { NOT_READ, READERS } from "./readers";
import type { NotRead, Reader } from "./types";

export interface CoverageRow {
  type: string;
  compared: string[];
  notComparable: string[];
}

export function coverageRows(readers: readonly Reader[] = READERS, notRead: readonly NotRead[] = NOT_READ): CoverageRow[] {
  const rows = readers.map((r) => ({
    type: r.type,
    compared:
      r.type === "terraform_data"
        ? ["the `live_demo` schema (tb_account, tb_room, tb_vod) through database/ assessSchema"]
        : Object.entries(r.attributes).map(([a, s]) => `\`${a}\` (${s.compare})`),
    notComparable: [
      ...Object.entries(r.notComparable).map(([a, why]) => `\`${a}\`: ${why}`),
      ...(r.unmanaged ?? []).map((u) => `unmanaged: ${u}`),
    ],
  }));
  return [...rows, ...notRead.map((n) => ({ type: n.type, compared: [], notComparable: [`not read: ${n.reason}`] }))];
}

/** The table as markdown, between the markers in docs/drift.md. */
export function coverageMarkdown(readers: readonly Reader[] = READERS, notRead: readonly NotRead[] = NOT_READ): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = ["| resource type | attributes compared | not compared, and why |", "|---|---|---|"];
  for (const r of coverageRows(readers, notRead)) {
    lines.push(`| \`${r.type}\` | ${esc(r.compared.join(", ") || "—")} | ${esc(r.notComparable.join("; ") || "—")} |`);
  }
  return lines.join("\n");
}
