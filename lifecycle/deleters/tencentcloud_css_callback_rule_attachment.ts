/**
 * Live callback rules (domain + AppName → template). Contents of their domain: a rule on the stack's domain goes
 * with it; a rule on another domain that binds the stack's template is found too, so that ownership can name it
 * as what keeps the template (it is never deleted).
 */
import type { Deleter, Found } from "../types";
import { beijingToIso, containers, found, key } from "./support";

const TYPE = "tencentcloud_css_callback_rule_attachment";

interface Rule {
  DomainName: string;
  AppName: string;
  TemplateId: number;
  CreateTime?: string;
}

async function rules(ctx: Parameters<Deleter["find"]>[0]): Promise<Rule[]> {
  return (await ctx.api.request<{ Rules?: Rule[] }>("live", "DescribeLiveCallbackRules", {})).Rules ?? [];
}

export const cssCallbackRule: Deleter = {
  type: TYPE,
  async find(ctx) {
    const domains = new Set(containers(ctx, "tencentcloud_css_domain").map((d) => d.id));
    const templates = new Set(containers(ctx, "tencentcloud_css_callback_template").map((t) => t.id));
    const out: Found[] = [];
    for (const r of await rules(ctx)) {
      if (!domains.has(r.DomainName) && !templates.has(String(r.TemplateId))) continue;
      out.push(
        found(TYPE, `${r.DomainName}/${r.AppName}`, {
          container: key({ type: "tencentcloud_css_domain", id: r.DomainName }),
          createdAt: beijingToIso(r.CreateTime),
          data: { domain: r.DomainName, app: r.AppName, refersTo: key({ type: "tencentcloud_css_callback_template", id: String(r.TemplateId) }) },
        }),
      );
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("live", "DeleteLiveCallbackRule", { DomainName: item.data.domain, AppName: item.data.app });
  },
  async gone(ctx, item) {
    return !(await rules(ctx)).some((r) => r.DomainName === item.data.domain && r.AppName === item.data.app);
  },
};
