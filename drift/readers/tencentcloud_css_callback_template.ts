/**
 * tencentcloud_css_callback_template: DescribeLiveCallbackTemplate. Every notify URL is compared (an undeclared one
 * must be empty, as Terraform would set it) and so is the key — never printed.
 */
import type { AttributeSpec, Reader } from "../types";
import { knownText } from "./support";

type Obj = Record<string, unknown>;

/** Terraform attribute → CallBackTemplateInfo field. */
const URLS: Record<string, string> = {
  stream_begin_notify_url: "StreamBeginNotifyUrl",
  stream_end_notify_url: "StreamEndNotifyUrl",
  record_notify_url: "RecordNotifyUrl",
  snapshot_notify_url: "SnapshotNotifyUrl",
  porn_censorship_notify_url: "PornCensorshipNotifyUrl",
  push_exception_notify_url: "PushExceptionNotifyUrl",
};

export const reader: Reader = {
  type: "tencentcloud_css_callback_template",
  service: "live",
  attributes: {
    template_name: { compare: "exact", from: "DescribeLiveCallbackTemplate: Template.TemplateName" },
    description: { compare: "exact", from: "DescribeLiveCallbackTemplate: Template.Description", expected: "" },
    ...Object.fromEntries(
      Object.entries(URLS).map(([attr, field]): [string, AttributeSpec] => [attr, { compare: "url", from: `DescribeLiveCallbackTemplate: Template.${field}`, expected: "" }]),
    ),
    callback_key: { compare: "secret", from: "DescribeLiveCallbackTemplate: Template.CallbackKey (compared, never printed)", expected: "" },
  },
  notComparable: {},

  identity: (d) => knownText(d, "id"),

  async read(ctx, _d, id) {
    const r = await ctx.api.request<{ Template?: Obj }>("live", "DescribeLiveCallbackTemplate", { TemplateId: Number(id) });
    const t = r.Template;
    if (!t) return { exists: false };
    const attrs: Record<string, unknown> = {
      template_name: String(t.TemplateName ?? ""),
      description: String(t.Description ?? ""),
      callback_key: String(t.CallbackKey ?? ""),
    };
    for (const [attr, field] of Object.entries(URLS)) attrs[attr] = String(t[field] ?? "");
    return { exists: true, id, attrs };
  },
};
