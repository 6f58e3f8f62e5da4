/**
 * The live-demo policy pack: every rule, applied to every resource, data source and provider as a cdktf Aspect.
 * Error findings become error annotations (synth fails); warnings become warning annotations.
 */
import { IConstruct } from "constructs";
import { Annotations, IAspect, TerraformDataSource, TerraformProvider, TerraformResource } from "cdktf";
import { loadProviderSchema, resourceHasTags } from "../provider-schema";
import { backendReachable } from "./backend-reachable";
import { noLiteralSecrets } from "./no-literal-secrets";
import { protectedNoForceDelete } from "./protected-no-force-delete";
import { publicMysqlWarning } from "./public-mysql";
import type { PolicyContext, PolicyRule, PolicySubject } from "./rule";
import { standardTags } from "./standard-tags";

export const LIVE_DEMO_RULES: readonly PolicyRule[] = [
  protectedNoForceDelete,
  noLiteralSecrets,
  standardTags,
  publicMysqlWarning,
  backendReachable,
];

export interface PolicyPackOptions {
  readonly protection: "protected" | "ephemeral";
  readonly requiredTags: readonly string[];
  /** Default: LIVE_DEMO_RULES. */
  readonly rules?: readonly PolicyRule[];
}

/** Builds the subject a rule sees from a construct, or undefined for constructs no rule looks at. */
export function subjectOf(node: IConstruct): PolicySubject | undefined {
  const attrs = (n: unknown) => ((n as { synthesizeAttributes(): Record<string, unknown> }).synthesizeAttributes() ?? {});
  if (node instanceof TerraformResource) {
    const envs = (node.provisioners ?? [])
      .filter((p) => p.type === "local-exec")
      .map((p) => ((p as { environment?: Record<string, unknown> }).environment ?? {}));
    return { kind: "resource", type: node.terraformResourceType, path: node.node.path, attributes: attrs(node), provisionerEnvironments: envs };
  }
  if (node instanceof TerraformDataSource) {
    return { kind: "data", type: node.terraformResourceType, path: node.node.path, attributes: attrs(node) };
  }
  if (node instanceof TerraformProvider) {
    return { kind: "provider", type: node.terraformResourceType, path: node.node.path, attributes: attrs(node) };
  }
  return undefined;
}

export class LiveDemoPolicyPack implements IAspect {
  private readonly context: PolicyContext;
  private readonly rules: readonly PolicyRule[];

  constructor(options: PolicyPackOptions) {
    const schema = loadProviderSchema();
    this.context = {
      protection: options.protection,
      requiredTags: options.requiredTags,
      hasTagsAttribute: (t) => resourceHasTags(t, schema),
    };
    this.rules = options.rules ?? LIVE_DEMO_RULES;
  }

  visit(node: IConstruct): void {
    const subject = subjectOf(node);
    if (!subject) return;
    for (const rule of this.rules) {
      const verdict = rule.check(subject, this.context);
      if (verdict.status !== "non-compliant") continue;
      const text = `[${rule.id}] ${verdict.message}`;
      if ((verdict.level ?? rule.level) === "error") Annotations.of(node).addError(text);
      else Annotations.of(node).addWarning(text);
    }
  }
}
