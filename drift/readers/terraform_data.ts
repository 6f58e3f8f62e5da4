/**
 * terraform_data: Terraform-only (no cloud object). The stack's `terraform_data` runs `live-infra migrate` when the
 * schema hash changes; what it owns is the `live_demo` schema, so that is what is read: the tables through MySQL,
 * judged by the one comparison in database/ (assessSchema). Each difference keeps database/'s fix: `live-infra
 * migrate` when migrate repairs it, else the exact SQL to run by hand.
 */
import { assessSchema, describeFix, type SchemaDifference } from "../../database";
import type { Fix, FindingKind, Reader } from "../types";

type Obj = Record<string, unknown>;

const KIND: Partial<Record<SchemaDifference["kind"], FindingKind>> = {
  missing_database: "missing",
  missing_table: "missing",
  missing_column: "missing",
  extra_column: "unmanaged",
};

function where(d: SchemaDifference, database: string): string {
  return d.column ? `schema.${d.table}.${d.column}` : d.table ? `schema.${d.table}` : `schema.${database}`;
}

export const reader: Reader = {
  type: "terraform_data",
  service: "mysql",
  attributes: {},
  notComparable: {
    triggers_replace: "Terraform state only: the schema hash and database id the migration last ran for; the schema itself is compared",
    input: "Terraform state only",
  },

  /** Only the stack's schema migration (its triggers carry the schema hash) is read. */
  identity: (d) => {
    const t = d.config.triggers_replace as Obj | undefined;
    return t && typeof t === "object" && "schema_hash" in t ? "schema" : undefined;
  },

  async read(ctx, _d, _id) {
    const access = await ctx.mysql();
    if (!access) return { exists: true, attrs: {}, skipped: { schema: { zh: "已用 --skip-schema 跳过", en: "skipped with --skip-schema" } } };
    if (!access.ok) {
      return {
        exists: true,
        attrs: {},
        skipped: {
          schema: {
            zh: `数据库拒绝了账号 ${access.account.user}（${access.code}），无法读取表结构`,
            en: `the database refused the account ${access.account.user} (${access.code}); the schema could not be read`,
          },
        },
      };
    }
    const a = await assessSchema(access.conn, access.database);
    const command = `live-infra migrate --stack ${ctx.stack}`;
    const findings = a.differences.map((diff) => {
      const fixText = describeFix(diff.fix);
      const fix: Fix =
        diff.fix.kind === "migrate"
          ? { kind: "migrate", command, text: { zh: `运行 \`${command}\`（自动修复，不改动任何行）。`, en: `Run \`${command}\` (repairs it without changing a row).` } }
          : { kind: "manual", sql: diff.fix.sql, text: fixText };
      return {
        attribute: where(diff, access.database),
        kind: KIND[diff.kind] ?? ("changed" as FindingKind),
        declared: diff.expected ?? null,
        live: diff.actual ?? null,
        message: { zh: `${access.database}：${diff.description.zh}。`, en: `${access.database}: ${diff.description.en}.` },
        fix,
      };
    });
    return { exists: true, attrs: {}, findings, compared: ["schema"] };
  },
};
