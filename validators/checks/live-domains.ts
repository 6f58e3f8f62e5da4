/**
 * Live domains control: the stack's push and play domains exist in the account, have the right type and are
 * enabled. CNAME resolution is not checked (it cannot be offline).
 */
import type { Control, Msg } from "../types";
import { msg } from "../types";
import { Evidence, fail, isCloudError, pass } from "./support";

export const liveDomains: Control = {
  id: "live.domains",
  severity: "critical",
  title: { zh: "直播域名已添加并启用", en: "Live domains exist and are enabled" },
  description: {
    zh: "DescribeLiveDomain：栈输出的推流域名（类型 0）和播放域名（类型 1）存在于账号中并已启用。CNAME 解析无法离线验证，不在此检查。",
    en: "DescribeLiveDomain: the stack's push domain (type 0) and play domain (type 1) exist in the account and are enabled. CNAME resolution cannot be verified offline and is not checked.",
  },
  faqItem: null,
  faqKeyword: null,
  remediation: {
    zh: "在【云直播控制台】>【域名管理】中添加或启用推流/播放域名（或重新部署栈的 LiveDomains），并按控制台提示配置 CNAME。",
    en: "Add or enable the push/play domains under Live console › Domain Management (or redeploy the stack's LiveDomains) and set the CNAME the console shows.",
  },
  docUrl: null,
  prerequisites: [],

  async run(ctx) {
    const o = ctx.outputs;
    const wanted = [
      { role: "push" as const, name: o.push_domain, type: 0 },
      { role: "play" as const, name: o.play_domain, type: 1 },
    ];
    const evidence: Evidence = {};
    const problems: Msg[] = [];
    await Promise.all(
      wanted.map(async (w) => {
        let info: DomainInfo | null = null;
        try {
          const r = await ctx.api.request<{ DomainInfo?: DomainInfo }>("live", "DescribeLiveDomain", { DomainName: w.name });
          info = r.DomainInfo ?? null;
        } catch (err) {
          if (!isCloudError(err, "not-found")) throw err;
        }
        const zhRole = w.role === "push" ? "推流" : "播放";
        if (!info) {
          evidence[w.role] = { name: w.name, exists: false };
          problems.push(msg(`${zhRole}域名 ${w.name} 不存在`, `the ${w.role} domain ${w.name} does not exist`));
          return;
        }
        evidence[w.role] = { name: w.name, exists: true, type: info.Type ?? null, status: info.Status ?? null, cname: info.TargetDomain ?? null };
        if (Number(info.Type) !== w.type) {
          problems.push(msg(`${w.name} 不是${zhRole}域名（类型 ${info.Type}）`, `${w.name} is not a ${w.role} domain (type ${info.Type})`));
        }
        if (Number(info.Status) !== 1) {
          problems.push(msg(`${zhRole}域名 ${w.name} 已停用`, `the ${w.role} domain ${w.name} is disabled`));
        }
      }),
    );
    if (problems.length) {
      return fail(
        `直播域名有问题：${problems.map((p) => p.zh).join("；")}。`,
        `Live domains are not usable: ${problems.map((p) => p.en).join("; ")}.`,
        evidence,
      );
    }
    return pass(
      `推流域名 ${o.push_domain} 与播放域名 ${o.play_domain} 均已添加并启用。`,
      `Push domain ${o.push_domain} and play domain ${o.play_domain} exist and are enabled.`,
      evidence,
    );
  },
};

interface DomainInfo {
  Name?: string;
  Type?: number;
  Status?: number;
  TargetDomain?: string;
  CurrentCName?: string;
}
