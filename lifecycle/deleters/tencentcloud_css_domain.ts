/**
 * Live push and play domains: found by the stack's domain names (and the deploy's outputs), deleted with their type,
 * play domains first (a play domain may owe its `sibling` mark to the push domain, so the push domain goes last).
 */
import { nameAndIdMarks } from "../identity";
import type { Deleter, Found, SweepContext } from "../types";
import { beijingToIso, found, unlessGone } from "./support";

const TYPE = "tencentcloud_css_domain";
const PAGE = 100;

interface DomainInfo {
  Name: string;
  Type: number;
  CreateTime?: string;
}

async function allDomains(ctx: SweepContext): Promise<DomainInfo[]> {
  const out: DomainInfo[] = [];
  for (let page = 1; ; page++) {
    const r = await ctx.api.request<{ AllCount?: number; DomainList?: DomainInfo[] }>("live", "DescribeLiveDomains", { PageSize: PAGE, PageNum: page });
    out.push(...(r.DomainList ?? []));
    if ((r.DomainList ?? []).length < PAGE || out.length >= (r.AllCount ?? 0)) return out;
  }
}

export const cssDomain: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const d of await allDomains(ctx)) {
      const { marks, address } = nameAndIdMarks(ctx.identity, TYPE, d.Name, d.Name);
      if (!marks.length) continue;
      out.push(found(TYPE, d.Name, { address, marks, createdAt: beijingToIso(d.CreateTime), data: { domainType: d.Type } }));
    }
    return out.sort((a, b) => Number(b.data.domainType) - Number(a.data.domainType));
  },
  async delete(ctx, item) {
    await ctx.api.request("live", "DeleteLiveDomain", { DomainName: item.id, DomainType: item.data.domainType });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.api.request("live", "DescribeLiveDomain", { DomainName: item.id }))) === undefined;
  },
};
