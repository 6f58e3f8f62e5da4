/**
 * tencentcloud_css_record_rule_attachment: DescribeLiveRecordRules (one call per run), the rule found by domain, app
 * and stream name. Unmanaged: other recording rules on the same domain whose app name is the declared one or empty
 * (they apply to the same streams and can record them with another template).
 */
import type { Reader, Unmanaged } from "../types";
import { key, knownText, manual, recordRules } from "./support";

export const reader: Reader = {
  type: "tencentcloud_css_record_rule_attachment",
  service: "live",
  attributes: {
    domain_name: { compare: "case-insensitive", from: "DescribeLiveRecordRules: Rules[].DomainName" },
    app_name: { compare: "exact", from: "DescribeLiveRecordRules: Rules[].AppName", expected: "" },
    stream_name: { compare: "exact", from: "DescribeLiveRecordRules: Rules[].StreamName", expected: "" },
    template_id: { compare: "exact", from: "DescribeLiveRecordRules: Rules[].TemplateId" },
  },
  notComparable: {},
  unmanaged: ["other recording rules on the declared domain for the same (or every) app name"],

  identity: (d) => key(knownText(d, "domain_name"), knownText(d, "app_name") ?? "", knownText(d, "stream_name") ?? ""),

  async read(ctx, _d, id) {
    const [domain, app, stream] = id.split("#");
    const rules = await recordRules(ctx);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const mine = rules.find((r) => same(r.DomainName, domain) && r.AppName === app && (r.StreamName ?? "") === stream);
    const unmanaged: Unmanaged[] = rules
      .filter((r) => r !== mine && same(r.DomainName, domain) && (r.AppName === app || r.AppName === ""))
      .map((r) => ({
        attribute: "rule",
        live: { domain_name: r.DomainName, app_name: r.AppName, stream_name: r.StreamName ?? "", template_id: String(r.TemplateId) },
        message: {
          zh: `推流域名 ${domain} 上还有一条未声明的录制规则（AppName "${r.AppName}"，StreamName "${r.StreamName ?? ""}"，模板 ${r.TemplateId}）。`,
          en: `the push domain ${domain} has another, undeclared recording rule (AppName "${r.AppName}", StreamName "${r.StreamName ?? ""}", template ${r.TemplateId}).`,
        },
        fix: manual(
          `确认不需要后删除：DeleteLiveRecordRule DomainName=${r.DomainName} AppName=${r.AppName} StreamName=${r.StreamName ?? ""}；Terraform 不管理这条规则。`,
          `If it is not wanted, delete it: DeleteLiveRecordRule DomainName=${r.DomainName} AppName=${r.AppName} StreamName=${r.StreamName ?? ""}; Terraform does not manage this rule.`,
        ),
      }));
    if (!mine) return { exists: false, note: { zh: `${domain} / "${app}" 上没有录制规则`, en: `no recording rule on ${domain} / "${app}"` }, unmanaged };
    return {
      exists: true,
      id: `${mine.TemplateId}#${mine.DomainName}`,
      attrs: { domain_name: mine.DomainName, app_name: mine.AppName, stream_name: mine.StreamName ?? "", template_id: String(mine.TemplateId) },
      unmanaged,
    };
  },
};
