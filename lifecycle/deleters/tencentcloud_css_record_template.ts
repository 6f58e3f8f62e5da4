/**
 * Live recording templates (standard and slow live): no tags and no creation time in any answer. Found by the
 * stack's template name with its reported id or a binding to the stack's domain (ownership.ts); deleted once no
 * rule binds them.
 */
import { nameAndIdMarks } from "../identity";
import type { Deleter, Found } from "../types";
import { found, unlessGone } from "./support";

const TYPE = "tencentcloud_css_record_template";

export const cssRecordTemplate: Deleter = {
  type: TYPE,
  async find(ctx) {
    const out: Found[] = [];
    for (const IsDelayLive of [0, 1]) {
      const r = await ctx.api.request<{ Templates?: Array<{ TemplateId: number; TemplateName?: string }> }>("live", "DescribeLiveRecordTemplates", { IsDelayLive });
      for (const t of r.Templates ?? []) {
        const { marks, address } = nameAndIdMarks(ctx.identity, TYPE, t.TemplateName, String(t.TemplateId));
        if (marks.length && !out.some((f) => f.id === String(t.TemplateId))) out.push(found(TYPE, String(t.TemplateId), { name: t.TemplateName, address, marks }));
      }
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("live", "DeleteLiveRecordTemplate", { TemplateId: Number(item.id) });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.api.request("live", "DescribeLiveRecordTemplate", { TemplateId: Number(item.id) }))) === undefined;
  },
};
