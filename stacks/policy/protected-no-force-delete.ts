/** A protected environment must not set force_clean / force_delete on anything (they let destroy wipe data). */
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "./rule";

const FORCE_ATTRIBUTES = ["force_clean", "force_delete"] as const;

export const protectedNoForceDelete: PolicyRule = {
  id: "LD-PROTECT-1",
  level: "error",
  description: "protected stacks set neither force_clean nor force_delete",
  check(subject, context) {
    if (subject.kind !== "resource") return NOT_APPLICABLE;
    const set = FORCE_ATTRIBUTES.filter((a) => subject.attributes[a] !== undefined && subject.attributes[a] !== false);
    if (!set.length) return FORCE_ATTRIBUTES.some((a) => a in subject.attributes) ? COMPLIANT : NOT_APPLICABLE;
    if (context.protection !== "protected") return COMPLIANT;
    return nonCompliant(
      `${subject.type} sets ${set.join(" and ")} in a protected environment; remove it or make the environment ephemeral`,
    );
  },
};
