/**
 * Synth-time policy, in the cdk-nag style: each rule is a small pure function from a subject (one resource, data
 * source or provider block as it will be synthesized) to a verdict; rules are grouped in a pack applied as an Aspect
 * (./pack.ts). A non-compliant rule at level "error" fails synth.
 */
export interface PolicySubject {
  /** What kind of block this is. */
  readonly kind: "resource" | "data" | "provider";
  /** Terraform type, e.g. tencentcloud_cos_bucket (provider: its name, e.g. tencentcloud). */
  readonly type: string;
  /** Construct path, for messages. */
  readonly path: string;
  /** Top-level arguments as they will be synthesized (snake_case keys; references are unresolved tokens). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** local-exec provisioner environments, when any. */
  readonly provisionerEnvironments?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export interface PolicyContext {
  readonly protection: "protected" | "ephemeral";
  /** Tag keys every taggable resource must carry. */
  readonly requiredTags: readonly string[];
  /** Whether the provider schema gives this resource type a `tags` attribute. */
  readonly hasTagsAttribute: (resourceType: string) => boolean;
}

export type Verdict =
  | { readonly status: "compliant" }
  | { readonly status: "not-applicable" }
  | {
      readonly status: "non-compliant";
      readonly message: string;
      /** Overrides the rule's level for this finding (e.g. an error downgraded to a warning in ephemeral stacks). */
      readonly level?: "error" | "warning";
    };

export interface PolicyRule {
  /** Stable id, shown in messages, e.g. LD-PROTECT-1. */
  readonly id: string;
  readonly level: "error" | "warning";
  /** What the rule asserts. */
  readonly description: string;
  readonly check: (subject: PolicySubject, context: PolicyContext) => Verdict;
}

export const COMPLIANT: Verdict = { status: "compliant" };
export const NOT_APPLICABLE: Verdict = { status: "not-applicable" };
export function nonCompliant(message: string, level?: "error" | "warning"): Verdict {
  return level ? { status: "non-compliant", message, level } : { status: "non-compliant", message };
}
