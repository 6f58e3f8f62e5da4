/**
 * Live recording rules (domain + AppName + StreamName → template, matched exactly). Contents of their domain, like
 * callback rules.
 */
import type { Deleter, Found } from "../types";
import { beijingToIso, containers, found, key } from "./support";

const TYPE = "tencentcloud_css_record_rule_attachment";

interface Rule {
  DomainName: string;
  AppName?: string;
  StreamName?: string;
  TemplateId: number;
  CreateTime?: string;
}

async function rules(ctx: Parameters<Deleter["find"]>[0]): Promise<Rule[]> {
  return (await ctx.api.request<{ Rules?: Rule[] }>("live", "DescribeLiveRecordRules", {})).Rules ?? [];
}

const same = (r: Rule, d: Record<string, unknown>) => r.DomainName === d.domain && (r.AppName ?? "") === d.app && (r.StreamName ?? "") === d.stream;

export const cssRecordRule: Deleter = {
  type: TYPE,
  async find(ctx) {
    const domains = new Set(containers(ctx, "tencentcloud_css_domain").map((d) => d.id));
    const templates = new Set(containers(ctx, "tencentcloud_css_record_template").map((t) => t.id));
    const out: Found[] = [];
    for (const r of await rules(ctx)) {
      if (!domains.has(r.DomainName) && !templates.has(String(r.TemplateId))) continue;
      const app = r.AppName ?? "";
      const stream = r.StreamName ?? "";
      out.push(
        found(TYPE, `${r.DomainName}/${app}${stream ? `/${stream}` : ""}`, {
          container: key({ type: "tencentcloud_css_domain", id: r.DomainName }),
          createdAt: beijingToIso(r.CreateTime),
          data: { domain: r.DomainName, app, stream, refersTo: key({ type: "tencentcloud_css_record_template", id: String(r.TemplateId) }) },
        }),
      );
    }
    return out;
  },
  async delete(ctx, item) {
    // Deletion needs an exact match: empty AppName / StreamName are sent as "".
    await ctx.api.request("live", "DeleteLiveRecordRule", { DomainName: item.data.domain, AppName: item.data.app, StreamName: item.data.stream });
  },
  async gone(ctx, item) {
    return !(await rules(ctx)).some((r) => same(r, item.data));
  },
};
