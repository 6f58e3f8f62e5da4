/**
 * tencentcloud_css_callback_rule_attachment: DescribeLiveCallbackRules (one call per run). The rule is found by its
 * domain and app name. Unmanaged: other callback rules on the same domain, and the declared template bound to
 * another domain (e.g. the play domain, the FAQ's "回调模板未关联域名" mistake).
 */
import type { Reader, Unmanaged } from "../types";
import { callbackRules, key, knownText, manual } from "./support";

export const reader: Reader = {
  type: "tencentcloud_css_callback_rule_attachment",
  service: "live",
  attributes: {
    domain_name: { compare: "case-insensitive", from: "DescribeLiveCallbackRules: Rules[].DomainName" },
    app_name: { compare: "exact", from: "DescribeLiveCallbackRules: Rules[].AppName" },
    template_id: { compare: "exact", from: "DescribeLiveCallbackRules: Rules[].TemplateId" },
  },
  notComparable: {},
  unmanaged: ["other callback rules on the declared domain", "the declared template bound to another domain or app"],

  identity: (d) => key(knownText(d, "domain_name"), knownText(d, "app_name") ?? ""),

  async read(ctx, d, id) {
    const [domain, app] = id.split("#");
    const rules = await callbackRules(ctx);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const mine = rules.find((r) => same(r.DomainName, domain) && r.AppName === app);
    const template = knownText(d, "template_id");
    const unmanaged: Unmanaged[] = rules
      .filter((r) => r !== mine && (same(r.DomainName, domain) || (template !== undefined && String(r.TemplateId) === template)))
      .map((r) => ({
        attribute: "rule",
        live: { domain_name: r.DomainName, app_name: r.AppName, template_id: String(r.TemplateId) },
        message: same(r.DomainName, domain)
          ? {
              zh: `推流域名 ${domain} 上还有一条未声明的回调规则（AppName "${r.AppName}"，模板 ${r.TemplateId}）。`,
              en: `the push domain ${domain} has another, undeclared callback rule (AppName "${r.AppName}", template ${r.TemplateId}).`,
            }
          : {
              zh: `声明的回调模板 ${r.TemplateId} 还绑定在 ${r.DomainName}（AppName "${r.AppName}"）上：回调只对推流域名生效。`,
              en: `the declared callback template ${r.TemplateId} is also bound to ${r.DomainName} (AppName "${r.AppName}"): callbacks work on the push domain only.`,
            },
        fix: manual(
          `确认不需要后删除：DeleteLiveCallbackRule DomainName=${r.DomainName} AppName=${r.AppName}（或控制台 › 域名管理 › 模板配置）；Terraform 不管理这条规则。`,
          `If it is not wanted, delete it: DeleteLiveCallbackRule DomainName=${r.DomainName} AppName=${r.AppName} (or console › Domain Management › Template Configuration); Terraform does not manage this rule.`,
        ),
      }));
    if (!mine) return { exists: false, note: { zh: `${domain} / "${app}" 上没有回调规则`, en: `no callback rule on ${domain} / "${app}"` }, unmanaged };
    return {
      exists: true,
      id: `${mine.TemplateId}#${mine.DomainName}#${mine.AppName}`,
      attrs: { domain_name: mine.DomainName, app_name: mine.AppName, template_id: String(mine.TemplateId) },
      unmanaged,
    };
  },
};
