/**
 * Synthesis of environments into `cdk.tf.json` files, followed by the schema conformance check. Used by
 * `live-infra synth`, the cdktf app entry (stacks/main.ts) and the synth benchmark.
 */
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { IConstruct } from "constructs";
import { InputError, OperationError } from "../common/errors";
import { loadEnvironments, type EnvConfig } from "./config";
import { checkSynthesizedFile, type Violation } from "./conformance";
import { LiveDemoStack, type LiveDemoStackOptions } from "./live-demo-stack";
import { environmentsDir } from "./paths";

export interface SynthOptions {
  /** Environment names; default: every `<env>.json` in the environments folder. */
  readonly envNames?: readonly string[];
  /** Output folder; stacks land in `<outdir>/stacks/<stack>/cdk.tf.json`. Default: cdktf.out. */
  readonly outdir?: string;
  /** Folder of environment files. Default: the package's environments/. */
  readonly environmentsDir?: string;
  /** How that folder is named in messages. Default: "environments". */
  readonly environmentsLabel?: string;
  /** Already loaded configs (skips reading files). */
  readonly configs?: readonly EnvConfig[];
  /** Progress lines (stderr in the CLI). */
  readonly onProgress?: (line: string) => void;
  readonly stackOptions?: LiveDemoStackOptions;
  /** Run the schema conformance check. Default: true. */
  readonly conformance?: boolean;
}

export interface Annotation {
  readonly level: "error" | "warning" | "info";
  readonly path: string;
  readonly message: string;
}

export interface SynthesizedStack {
  readonly env: string;
  readonly stackName: string;
  /** Path of the written cdk.tf.json. */
  readonly file: string;
  readonly resourceCount: number;
  readonly warnings: readonly Annotation[];
  readonly violations: readonly Violation[];
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly SynthesizedStack[];
  /** Total conformance violations over all stacks. */
  readonly violationCount: number;
}

/** Synth failed because the policy pack reported errors. */
export class PolicyError extends OperationError {
  constructor(readonly annotations: readonly Annotation[]) {
    super(
      `policy check failed (${annotations.length} error${annotations.length === 1 ? "" : "s"}):\n` +
        annotations.map((a) => `  ${a.path}: ${a.message}`).join("\n"),
    );
    this.name = "PolicyError";
  }
}

/** Error / warning annotations recorded on a construct tree. */
export function collectAnnotations(root: IConstruct): Annotation[] {
  const level = (t: string): Annotation["level"] | undefined =>
    t === "@cdktf/error" ? "error" : t === "@cdktf/warn" ? "warning" : t === "@cdktf/info" ? "info" : undefined;
  const out: Annotation[] = [];
  for (const node of root.node.findAll()) {
    for (const m of node.node.metadata) {
      const l = level(m.type);
      if (l) out.push({ level: l, path: node.node.path, message: String(m.data) });
    }
  }
  return out;
}

function countResources(doc: Record<string, any>): number {
  return Object.values(doc.resource ?? {}).reduce((n: number, byName: any) => n + Object.keys(byName).length, 0);
}

/** Synthesizes the environments and checks each stack against the provider schema. */
export function synthesize(options: SynthOptions = {}): SynthResult {
  const progress = options.onProgress ?? (() => undefined);
  const outdir = path.resolve(options.outdir ?? "cdktf.out");
  const configs =
    options.configs ??
    loadEnvironments(options.environmentsDir ?? environmentsDir(), options.envNames ?? [], options.environmentsLabel ?? "environments");
  try {
    fs.mkdirSync(outdir, { recursive: true });
  } catch (err) {
    throw new InputError(`${outdir}: cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? err}); choose another --outdir`);
  }
  // skipValidation: cdktf's built-in validations include running `terraform version` for terraform_data, and
  // nothing here may need a terraform binary. The schema conformance check below stands in for them.
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const stacks = configs.map((c) => {
    progress(`synth: ${c.file} → stack ${c.stackName}`);
    return new LiveDemoStack(app, c, options.stackOptions);
  });
  try {
    app.synth();
  } catch (err) {
    const errors = collectAnnotations(app).filter((a) => a.level === "error");
    if (errors.length) throw new PolicyError(errors);
    throw err;
  }
  const result: SynthesizedStack[] = stacks.map((stack) => {
    const file = path.join(outdir, "stacks", stack.config.stackName, "cdk.tf.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const violations = options.conformance === false ? [] : checkSynthesizedFile(file);
    return {
      env: stack.config.env,
      stackName: stack.config.stackName,
      file,
      resourceCount: countResources(doc),
      warnings: collectAnnotations(stack).filter((a) => a.level === "warning"),
      violations,
    };
  });
  return { outdir, stacks: result, violationCount: result.reduce((n, s) => n + s.violations.length, 0) };
}
