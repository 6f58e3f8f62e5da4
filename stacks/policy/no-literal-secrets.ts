/**
 * Secrets are references, never literals: callback keys, passwords and keys must come from random_password,
 * variables or other resources; provider credentials come only from TENCENTCLOUD_* environment variables.
 */
import { Token } from "cdktf";
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "./rule";

/** Arguments that hold secrets on any resource. */
export const SECRET_ATTRIBUTES = ["callback_key", "password", "root_password", "secret_key", "secret_id", "security_token", "api_key"] as const;
/** Provider arguments that must not be set at all (credentials come from the environment). */
export const PROVIDER_CREDENTIALS = ["secret_id", "secret_key", "security_token"] as const;
/** Provisioner environment names that hold secrets. */
const SECRET_ENV_RE = /(PASSWORD|SECRET|TOKEN|_KEY)$/i;

function isLiteral(value: unknown): boolean {
  return typeof value === "string" ? value !== "" && !Token.isUnresolved(value) : value !== undefined && value !== null;
}

export const noLiteralSecrets: PolicyRule = {
  id: "LD-SECRET-1",
  level: "error",
  description: "secret arguments are references, never literal values",
  check(subject) {
    if (subject.kind === "provider") {
      const set = PROVIDER_CREDENTIALS.filter((a) => subject.attributes[a] !== undefined);
      return set.length
        ? nonCompliant(`provider ${subject.type} sets ${set.join(", ")}; credentials come only from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY`)
        : COMPLIANT;
    }
    const literal = SECRET_ATTRIBUTES.filter((a) => a in subject.attributes && isLiteral(subject.attributes[a]));
    for (const env of subject.provisionerEnvironments ?? []) {
      for (const [k, v] of Object.entries(env)) if (SECRET_ENV_RE.test(k) && isLiteral(v)) literal.push(`provisioner environment ${k}` as never);
    }
    if (literal.length) {
      return nonCompliant(`${subject.type} has a literal secret in ${literal.join(", ")}; use random_password, a sensitive variable or a resource attribute`);
    }
    const relevant = SECRET_ATTRIBUTES.some((a) => a in subject.attributes) || (subject.provisionerEnvironments?.length ?? 0) > 0;
    return relevant ? COMPLIANT : NOT_APPLICABLE;
  },
};
