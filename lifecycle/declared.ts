/**
 * Teardown's view of the synthesized stack (cdk.tf.json): the names it gives its resources, its standard tags and
 * protection, its Terraform backend, and — with the outputs file — the ids the deploy reported.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, parseJsonFile } from "../common/errors";
import type { StackOutputs } from "../common/outputs";
import { IdRule, NameRule, StackIdentity, envOf, exactRule, ownerTags } from "./identity";
import type { ResourceType } from "./types";

type Obj = Record<string, unknown>;

/** The attribute holding the name of each declared type the sweep knows. */
const NAME_ATTRS: Partial<Record<ResourceType, string>> = {
  tencentcloud_cos_bucket: "bucket",
  tencentcloud_cam_user: "name",
  tencentcloud_cam_policy: "name",
  tencentcloud_css_domain: "domain_name",
  tencentcloud_css_callback_template: "template_name",
  tencentcloud_css_record_template: "template_name",
  tencentcloud_mysql_instance: "instance_name",
  tencentcloud_vpc: "name",
  tencentcloud_subnet: "name",
  tencentcloud_security_group: "name",
};

/** Attributes whose output value identifies the resource (an output `${type.name.<attr>}` gives an `id` mark). */
const ID_ATTRS: Partial<Record<ResourceType, readonly string[]>> = {
  tencentcloud_cos_bucket: ["bucket", "id"],
  tencentcloud_css_domain: ["domain_name", "id"],
  tencentcloud_css_callback_template: ["id"],
  tencentcloud_css_record_template: ["id"],
  tencentcloud_mysql_instance: ["id"],
};

const APPID_REF = /\$\{data\.tencentcloud_user_info\.[A-Za-z0-9_-]+\.app_id\}/g;
const SINGLE_REF = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/;

export type TerraformBackend = { kind: "local"; path: string } | { kind: string; path?: undefined };

export interface DeclaredStack {
  file: string;
  /** The stack folder (where terraform runs). */
  dir: string;
  stack: string;
  env: string;
  region: string;
  /** Declared resource types. */
  types: string[];
  /** Distinct `protection` tag values of the declared resources ("(none)" for tags without it). */
  protections: string[];
  /** Declared resources carrying tags. */
  tagged: number;
  /** The `terraform.backend` block: local (with its state path) or remote (`cos`, ...); undefined = local default. */
  backend?: TerraformBackend;
  /** The identity, with `${...app_id}` resolved to `appId` and the ids the outputs report. */
  identity(appId: string, outputs?: StackOutputs): StackIdentity;
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** Reads `file` (cdk.tf.json of `stack`); a missing, malformed or foreign file is an InputError naming it. */
export function loadDeclaredStack(file: string, stack: string): DeclaredStack {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `${file}: cannot read the synthesized stack (${(err as NodeJS.ErrnoException).code ?? "error"}); run \`live-infra synth\` (or the synth --env-from that made it) or pass --declared FILE`,
    );
  }
  const doc = parseJsonFile(text, file);
  if (!isObj(doc) || !isObj(doc.resource)) throw new InputError(`${file}: not a synthesized Terraform JSON stack (no "resource")`);
  const meta = isObj(doc["//"]) && isObj((doc["//"] as Obj).metadata) ? ((doc["//"] as Obj).metadata as Obj) : undefined;
  const declaredName = typeof meta?.stackName === "string" ? meta.stackName : undefined;
  if (declaredName !== stack) {
    throw new InputError(`${file}: declares stack ${declaredName ? `"${declaredName}"` : "(no //.metadata.stackName)"}, not "${stack}"; pass the right --declared FILE`);
  }
  const env = envOf(stack);
  if (!env) throw new InputError(`--stack: "${stack}" is not a stack name of this project (live-demo-<env>)`);

  const providers = ((): Obj[] => {
    const p = isObj(doc.provider) ? (doc.provider as Obj).tencentcloud : undefined;
    return (Array.isArray(p) ? p : p ? [p] : []).filter(isObj);
  })();
  const region = String(providers.find((p) => !p.alias)?.region ?? "");
  if (!region) throw new InputError(`${file}: provider.tencentcloud has no region`);
  const regionOf = (block: Obj): string => {
    const alias = typeof block.provider === "string" ? block.provider.split(".")[1] : undefined;
    return String((alias ? providers.find((p) => p.alias === alias)?.region : undefined) ?? region);
  };

  const resources: Array<{ type: string; name: string; block: Obj }> = [];
  for (const [type, byName] of Object.entries(doc.resource as Obj)) {
    if (!isObj(byName)) continue;
    for (const [name, block] of Object.entries(byName)) if (isObj(block)) resources.push({ type, name, block });
  }

  const protections = new Set<string>();
  let tagged = 0;
  const envTags: string[] = [];
  for (const r of resources) {
    const tags = r.block.tags;
    if (!isObj(tags)) continue;
    tagged++;
    if (typeof tags.protection === "string") protections.add(tags.protection);
    else protections.add("(none)");
    if (typeof tags.environment === "string") envTags.push(tags.environment);
  }
  const foreignEnv = envTags.find((e) => e !== env);
  if (foreignEnv) throw new InputError(`${file}: a resource is tagged environment=${foreignEnv}, not ${env}; this is not the declaration of ${stack}`);

  const terraform = isObj(doc.terraform) ? (doc.terraform as Obj) : undefined;
  let backend: TerraformBackend | undefined;
  if (terraform && isObj(terraform.backend)) {
    const [kind, conf] = Object.entries(terraform.backend as Obj)[0] ?? [];
    if (kind === "local") backend = { kind: "local", path: String((isObj(conf) && conf.path) || "terraform.tfstate") };
    else if (kind) backend = { kind };
  }

  const appNameOf = (): string => {
    for (const r of resources) {
      if (r.type.endsWith("_rule_attachment") && typeof r.block.app_name === "string" && !r.block.app_name.includes("${")) return r.block.app_name;
    }
    return "live";
  };

  return {
    file,
    dir: path.dirname(path.resolve(file)),
    stack,
    env,
    region,
    types: [...new Set(resources.map((r) => r.type))],
    protections: [...protections],
    tagged,
    backend,
    identity(appId: string, outputs?: StackOutputs): StackIdentity {
      const names: NameRule[] = [];
      for (const r of resources) {
        const attr = NAME_ATTRS[r.type as ResourceType];
        const raw = attr ? r.block[attr] : undefined;
        if (typeof raw !== "string") continue;
        const value = raw.replace(APPID_REF, appId);
        if (value.includes("${")) continue; // computed: no name to match
        names.push(exactRule(r.type as ResourceType, value, `cdk.tf.json ${r.type}.${r.name}`, `${r.type}.${r.name}`, regionOf(r.block)));
      }
      const ids: IdRule[] = [];
      if (outputs) {
        for (const [outputId, out] of Object.entries(isObj(doc.output) ? (doc.output as Obj) : {})) {
          const m = isObj(out) && typeof out.value === "string" ? SINGLE_REF.exec(out.value) : null;
          if (!m) continue;
          const [, type, name, attr] = m;
          if (!ID_ATTRS[type as ResourceType]?.includes(attr)) continue;
          const value = (outputs as unknown as Obj)[outputId];
          if (value === undefined || value === null || value === "") continue;
          ids.push({ type: type as ResourceType, address: `${type}.${name}`, id: String(value), source: `outputs ${outputId}` });
        }
      }
      return { stack, env, region, appName: outputs?.app_name || appNameOf(), tags: ownerTags(env), names, ids };
    },
  };
}
