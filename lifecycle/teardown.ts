/**
 * `live-infra teardown`: refuse protected stacks, show the plan, get the go-ahead, run `terraform destroy` when the
 * stack has a state, then sweep whatever is left through the APIs and report each resource.
 */
import * as fs from "fs";
import { InputError } from "../common/errors";
import { StackOutputs, readStackOutputs } from "../common/outputs";
import { CosClient, EndpointOptions, RetryPolicy, TencentApiClient, resolveEndpoints, retrying } from "../validators/clients";
import { loadDeclaredStack } from "./declared";
import { NOT_SWEPT } from "./deleters";
import { Refusal, checkDeclaredProtection, checkLiveProtection } from "./protection";
import { TeardownReport, TerraformRun, clean, scrub, summarise } from "./report";
import { SweepSetup, accountOf, discover, execute } from "./sweep";
import { terraformDestroy, terraformPlan } from "./terraform";

/** `yes`: go ahead; `prompt`: show the plan and ask; `refuse`: no --yes and nobody to ask. */
export type Confirmation = { kind: "yes" } | { kind: "prompt"; ask(plan: TeardownReport): Promise<boolean> } | { kind: "refuse" };

export interface TeardownOptions {
  stack: string;
  declaredFile: string;
  /** The outputs file; `outputsRequired` makes a missing one an error (an explicit --outputs). */
  outputsFile: string;
  outputsRequired: boolean;
  /** Folder of environment files (`<env>.json` is checked for protection). */
  environmentsDir: string;
  credentials: { secretId: string; secretKey: string };
  endpoints?: EndpointOptions;
  dryRun: boolean;
  confirmation: Confirmation;
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
  /** Terraform's own output. */
  onTerraformOutput?: (chunk: string) => void;
  retry?: RetryPolicy;
  waitMs?: number;
  pollMs?: number;
  timeoutMs?: number;
}

export async function runTeardown(o: TeardownOptions): Promise<TeardownReport> {
  const started = Date.now();
  const env = o.env ?? process.env;
  const declared = loadDeclaredStack(o.declaredFile, o.stack);
  checkDeclaredProtection(declared, o.environmentsDir);
  if (!o.dryRun && o.confirmation.kind === "refuse") {
    throw new Refusal("not a terminal and no --yes: a teardown deletes every resource of the stack, pass --yes to go ahead (or --dry-run to see the plan)");
  }
  let outputs: StackOutputs | undefined;
  if (o.outputsRequired || fs.existsSync(o.outputsFile)) outputs = readStackOutputs(o.outputsFile, o.stack);
  const notes: string[] = [];
  if (!outputs) notes.push(`no outputs file (${o.outputsFile}): ownership relies on names, tags and bindings, without the deploy's ids`);
  for (const [type, what] of Object.entries(NOT_SWEPT)) if (declared.types.includes(type)) notes.push(`${type}: ${what}`);

  const endpoints = resolveEndpoints(o.endpoints ?? {}, env);
  const api = new TencentApiClient({ ...o.credentials, region: declared.region, endpoints, timeoutMs: o.timeoutMs });
  const cos = new CosClient({ ...o.credentials, endpoints, timeoutMs: o.timeoutMs });
  try {
    const account = await accountOf(retrying(api, { policy: o.retry }));
    if (outputs?.appid && outputs.appid !== account.appId) {
      throw new InputError(`${o.outputsFile}: appid ${outputs.appid} is not the APPID of the account the credentials belong to (${account.appId})`);
    }
    const setup: SweepSetup = {
      identity: declared.identity(account.appId, outputs),
      api,
      cos,
      account: async () => account,
      retry: o.retry,
      waitMs: o.waitMs,
      pollMs: o.pollMs,
    };
    const report = (terraform: TerraformRun, resources: TeardownReport["resources"], dryRun: boolean): TeardownReport => {
      const summary = summarise(resources);
      return scrub(
        {
          version: 1,
          command: "teardown",
          stack: o.stack,
          time: new Date(started).toISOString(),
          durationMs: Date.now() - started,
          dryRun,
          declaredFile: o.declaredFile,
          ...(outputs ? { outputsFile: o.outputsFile } : {}),
          terraform,
          notes,
          resources,
          summary,
          ok: clean(summary),
        },
        [o.credentials.secretKey, outputs?.db_password, outputs?.db_root_password, outputs?.callback_key, outputs?.signer_secret_key],
        [o.credentials.secretId, outputs?.signer_secret_id],
      );
    };

    let found = await discover(setup);
    checkLiveProtection(o.stack, found.protectedBy);
    const plan = report(terraformPlan(declared, env), await execute(setup, found, { dryRun: true }), true);
    if (o.dryRun) return plan;
    if (o.confirmation.kind === "prompt" && !(await o.confirmation.ask(plan))) throw new Refusal("not confirmed");

    const terraform = await terraformDestroy(declared, env, o.onTerraformOutput ?? (() => undefined));
    if (terraform.ran) {
      o.onProgress?.(terraform.reason);
      found = await discover(setup);
      checkLiveProtection(o.stack, found.protectedBy);
    }
    return report(terraform, await execute(setup, found, { dryRun: false, onProgress: o.onProgress }), false);
  } finally {
    api.close();
    cos.close();
  }
}

