/**
 * Live callback templates: no tags and no creation time in any answer. Found by the stack's template name with its
 * reported id or a binding to the stack's domain (ownership.ts); deleted once no rule binds them.
 */
import { nameAndIdMarks } from "../identity";
import type { Deleter, Found } from "../types";
import { found, unlessGone } from "./support";

const TYPE = "tencentcloud_css_callback_template";

export const cssCallbackTemplate: Deleter = {
  type: TYPE,
  async find(ctx) {
    const r = await ctx.api.request<{ Templates?: Array<{ TemplateId: number; TemplateName?: string }> }>("live", "DescribeLiveCallbackTemplates", {});
    const out: Found[] = [];
    for (const t of r.Templates ?? []) {
      const { marks, address } = nameAndIdMarks(ctx.identity, TYPE, t.TemplateName, String(t.TemplateId));
      if (marks.length) out.push(found(TYPE, String(t.TemplateId), { name: t.TemplateName, address, marks }));
    }
    return out;
  },
  async delete(ctx, item) {
    await ctx.api.request("live", "DeleteLiveCallbackTemplate", { TemplateId: Number(item.id) });
  },
  async gone(ctx, item) {
    return (await unlessGone(ctx.api.request("live", "DescribeLiveCallbackTemplate", { TemplateId: Number(item.id) }))) === undefined;
  },
};
