/** tencentcloud_css_domain: DescribeLiveDomain (type, play region, delay/mini-program flags, enabled). */
import type { Reader } from "../types";
import { knownText } from "./support";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_css_domain",
  service: "live",
  attributes: {
    domain_name: { compare: "case-insensitive", from: "DescribeLiveDomain: DomainInfo.Name" },
    domain_type: { compare: "number", from: "DescribeLiveDomain: DomainInfo.Type (0 push, 1 play)" },
    play_type: { compare: "number", from: "DescribeLiveDomain: DomainInfo.PlayType (1 mainland, 2 global, 3 outside mainland)" },
    is_delay_live: { compare: "number", from: "DescribeLiveDomain: DomainInfo.IsDelayLive", expected: 0 },
    is_mini_program_live: { compare: "number", from: "DescribeLiveDomain: DomainInfo.IsMiniProgramLive", expected: 0 },
    enable: { compare: "bool", from: "DescribeLiveDomain: DomainInfo.Status (1 enabled)", expected: true },
  },
  notComparable: {
    verify_owner_type: "used only when the domain is added (ownership check); not returned",
  },

  identity: (d) => knownText(d, "domain_name"),

  async read(ctx, _d, name) {
    const r = await ctx.api.request<{ DomainInfo?: Obj }>("live", "DescribeLiveDomain", { DomainName: name });
    const i = r.DomainInfo;
    if (!i) return { exists: false };
    return {
      exists: true,
      id: name,
      attrs: {
        domain_name: String(i.Name),
        domain_type: Number(i.Type),
        play_type: Number(i.PlayType),
        is_delay_live: Number(i.IsDelayLive ?? 0),
        is_mini_program_live: Number(i.IsMiniProgramLive ?? 0),
        enable: Number(i.Status) === 1,
      },
    };
  },
};
