/** Every resource whose schema has a `tags` attribute carries the standard tags (app, environment, …). */
import { Token } from "cdktf";
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "./rule";

export const standardTags: PolicyRule = {
  id: "LD-TAGS-1",
  level: "error",
  description: "taggable resources carry the standard tags",
  check(subject, context) {
    if (subject.kind !== "resource" || !context.hasTagsAttribute(subject.type)) return NOT_APPLICABLE;
    const tags = subject.attributes.tags;
    if (typeof tags === "string" && Token.isUnresolved(tags)) return COMPLIANT; // computed map: cannot judge at synth
    const present = tags && typeof tags === "object" ? Object.keys(tags as object) : [];
    const missing = context.requiredTags.filter((k) => !present.includes(k));
    return missing.length
      ? nonCompliant(`${subject.type} lacks the standard tag(s) ${missing.join(", ")}; pass the stack's standard tags`)
      : COMPLIANT;
  },
};
