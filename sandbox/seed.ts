/**
 * Seeder: builds the state a stack would have after a successful deploy, from its synthesized `cdk.tf.json`
 * (never from the constructs), and the outputs file a `cdktf deploy --outputs-file` would write.
 *
 * Generic over references: every string is evaluated as Terraform would for plain references and interpolations
 * (`${type.name.attr}`, `${data.type.name.attr}`, `${var.x}`, `${local.x}`, indexes `[0]`/`["k"]`, `$${` escapes).
 * Terraform functions are not evaluated (an InputError names the expression). Attributes the provider computes
 * (ids, passwords, keys, addresses) are filled in per resource type; unknown types get a synthetic `id`.
 * A resource is evaluated only when the state or an output needs it, so unrelated resources never block seeding.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { randomBytes, randomInt } from "crypto";
import { InputError, parseJsonFile } from "../common/errors";
import { OUTPUT_IDS, OutputId, StackOutputs, writeStackOutputs } from "../common/outputs";
import {
  Bucket, CamPolicy, CamUser, CallbackTemplate, Credential, DbInstance, PolicyDocument, RecordTemplate, State,
  beijingTime, emptyState, validateState,
} from "./state";
import { newCallbackTemplate, newDomain } from "./live";

export interface SeedOptions {
  /** `cdktf.out/stacks/<stack>`: holds cdk.tf.json; outputs.json is written here. */
  stackDir: string;
  /** MySQL the DB instance points at (`mysql://user:pass@host:port/db`); without it a closed loopback port. */
  mysqlUrl?: string;
  appId?: string;
  ownerUin?: string;
  /** Owner key pair; default: TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY when both are set, else a new pair. */
  owner?: { secretId: string; secretKey: string };
  /** Values for Terraform variables without defaults (else TF_VAR_<name>, else a random 32-character string). */
  variables?: Record<string, string>;
  /** Write outputs.json (default true). */
  writeOutputs?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface SeedResult {
  stack: string;
  state: State;
  outputs: StackOutputs;
  outputsFile: string;
  owner: Credential;
  /** Resource addresses whose computed attributes were synthesised generically (unknown types). */
  notes: string[];
}

type Json = unknown;
type Obj = Record<string, Json>;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomString = (n: number, chars = ALNUM) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join("");
const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);

export function newSecretPair(): { secretId: string; secretKey: string } {
  return { secretId: `AKID${randomString(32)}`, secretKey: randomString(32) };
}

/** random_password as the random provider builds it: class minimums first, then any allowed character. */
function randomPassword(cfg: Obj): string {
  const length = Number(cfg.length ?? 16);
  const classes: Array<{ on: boolean; chars: string; min: number }> = [
    { on: cfg.upper !== false, chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min: Number(cfg.min_upper ?? 0) },
    { on: cfg.lower !== false, chars: "abcdefghijklmnopqrstuvwxyz", min: Number(cfg.min_lower ?? 0) },
    { on: cfg.numeric !== false && cfg.number !== false, chars: "0123456789", min: Number(cfg.min_numeric ?? 0) },
    { on: cfg.special !== false, chars: String(cfg.override_special ?? "!@#$%&*()-_=+[]{}<>:?"), min: Number(cfg.min_special ?? 0) },
  ];
  const out: string[] = [];
  for (const c of classes) if (c.on && c.chars) for (let i = 0; i < c.min; i++) out.push(c.chars[randomInt(c.chars.length)]);
  const all = classes.filter((c) => c.on).map((c) => c.chars).join("") || ALNUM;
  while (out.length < length) out.push(all[randomInt(all.length)]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, Math.max(length, 0)).join("");
}

/** A free-then-closed loopback port: nothing listens there, so connections are refused at once. */
export async function closedLoopbackPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function parseMysqlUrl(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Mask up to the last "@": a password may itself hold "/" or "@" (that is often why the URL does not parse).
    throw new InputError(`--mysql-url: "${url.replace(/\/\/.*@/s, "//***@")}" is not a URL; use mysql://user:password@host:port/db`);
  }
  if (u.protocol !== "mysql:") {
    throw new InputError(`--mysql-url: the scheme must be mysql:// (got ${u.protocol})`);
  }
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: u.port ? Number(u.port) : 3306 };
}

// ---------------------------------------------------------------------------------------------------------------
// Reference evaluation

interface Block {
  mode: "resource" | "data";
  type: string;
  name: string;
  config: Obj;
}

class Evaluator {
  private blocks = new Map<string, Block>();
  private values = new Map<string, Obj>();
  private active: string[] = [];
  notes: string[] = [];

  constructor(
    private doc: Obj,
    private file: string,
    private variables: Record<string, string>,
    private fill: (b: Block, attrs: Obj) => Obj,
  ) {
    for (const mode of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries((doc[mode] ?? {}) as Record<string, Obj>)) {
        for (const [name, config] of Object.entries(byName)) {
          const addr = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          this.blocks.set(addr, { mode, type, name, config: config as Obj });
        }
      }
    }
  }

  block(addr: string): Block {
    return this.blocks.get(addr)!;
  }

  /** Addresses of the resources of one type, in file order. */
  ofType(type: string, mode: "resource" | "data" = "resource"): string[] {
    return [...this.blocks.entries()].filter(([, b]) => b.type === type && b.mode === mode).map(([a]) => a);
  }

  /** All attributes (configured, evaluated, plus computed) of a resource or data source. */
  attrs(addr: string): Obj {
    const done = this.values.get(addr);
    if (done) return done;
    const b = this.blocks.get(addr);
    if (!b) throw new InputError(`${this.file}: reference to ${addr}, which the stack does not define`);
    if (this.active.includes(addr)) throw new InputError(`${this.file}: reference cycle ${[...this.active, addr].join(" → ")}`);
    this.active.push(addr);
    try {
      const evaluated: Obj = {};
      for (const [k, v] of Object.entries(b.config)) {
        if (["//", "depends_on", "provisioner", "lifecycle", "provider", "connection", "count", "for_each"].includes(k)) continue;
        evaluated[k] = this.value(v, `${addr}.${k}`);
      }
      const all = { ...evaluated, ...this.fill(b, evaluated) };
      this.values.set(addr, all);
      return all;
    } finally {
      this.active.pop();
    }
  }

  /** Evaluates a configuration value (strings interpolated, containers recursed). */
  value(v: Json, where: string): Json {
    if (typeof v === "string") return this.interpolate(v, where);
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${where}[${i}]`));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v as Obj).filter(([k]) => k !== "//").map(([k, x]) => [k, this.value(x, `${where}.${k}`)]));
    }
    return v;
  }

  interpolate(s: string, where: string): Json {
    if (!s.includes("${")) return s;
    const whole = /^\$\{([^{}]*)\}$/.exec(s);
    if (whole && !s.startsWith("$${")) return this.expr(whole[1], where);
    let out = "";
    let i = 0;
    while (i < s.length) {
      if (s.startsWith("$${", i)) {
        out += "${";
        i += 3;
      } else if (s.startsWith("${", i)) {
        const end = s.indexOf("}", i);
        if (end < 0) throw new InputError(`${this.file}: ${where}: unterminated "\${" in ${JSON.stringify(s)}`);
        const v = this.expr(s.slice(i + 2, end), where);
        out += typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
        i = end + 1;
      } else {
        out += s[i++];
      }
    }
    return out;
  }

  private expr(text: string, where: string): Json {
    const e = text.trim();
    const m = /^([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\])*)$/.exec(e);
    if (!m) {
      throw new InputError(
        `${this.file}: ${where}: "\${${e}}" is not a plain reference; the sandbox seeder evaluates references and interpolations only, not Terraform functions`,
      );
    }
    const segs: Array<string | number> = [m[1]];
    for (const s of m[2].match(/\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\]/g) ?? []) {
      if (s.startsWith(".")) segs.push(s.slice(1));
      else if (s.startsWith('["')) segs.push(s.slice(2, -2));
      else segs.push(Number(s.slice(1, -1)));
    }
    let base: Json;
    let rest: Array<string | number>;
    if (segs[0] === "var") {
      base = this.variable(String(segs[1]), where);
      rest = segs.slice(2);
    } else if (segs[0] === "local") {
      const locals = (this.doc.locals ?? {}) as Obj;
      if (!(String(segs[1]) in locals)) throw new InputError(`${this.file}: ${where}: local.${segs[1]} is not defined`);
      base = this.value(locals[String(segs[1])], `local.${segs[1]}`);
      rest = segs.slice(2);
    } else if (segs[0] === "data") {
      base = this.attrs(`data.${segs[1]}.${segs[2]}`);
      rest = segs.slice(3);
    } else {
      base = this.attrs(`${segs[0]}.${segs[1]}`);
      rest = segs.slice(2);
    }
    let cur = base;
    for (const s of rest) {
      if (Array.isArray(cur) && typeof s === "number") cur = cur[s];
      else if (Array.isArray(cur) && cur.length === 1 && typeof s === "string") cur = (cur[0] as Obj)[s]; // nested block list
      else if (cur && typeof cur === "object") cur = (cur as Obj)[String(s)];
      else cur = undefined;
      if (cur === undefined) throw new InputError(`${this.file}: ${where}: "\${${e}}" refers to an attribute the sandbox does not know (${s})`);
    }
    return cur;
  }

  private variable(name: string, where: string): Json {
    const decl = ((this.doc.variable ?? {}) as Obj)[name] as Obj | undefined;
    if (!decl) throw new InputError(`${this.file}: ${where}: var.${name} is not declared`);
    if (name in this.variables) return this.variables[name];
    if (decl.default !== undefined) return decl.default;
    this.variables[name] = randomString(32);
    this.notes.push(`var.${name}: no value given (TF_VAR_${name}); used a random string`);
    return this.variables[name];
  }
}

// ---------------------------------------------------------------------------------------------------------------

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const firstBlock = (v: Json): Obj | undefined => (Array.isArray(v) ? (v[0] as Obj | undefined) : (v as Obj | undefined));
const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const camelKeys = (o: Obj | undefined): Obj | undefined =>
  o ? Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [camel(k), v])) : undefined;
const num = (v: Json, dflt: number): number => (v === undefined || v === null || v === "" ? dflt : Number(v));
const tagsOf = (v: Json): Record<string, string> | undefined =>
  v && typeof v === "object" ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, String(x)])) : undefined;

function normalisePolicy(text: Json, where: string): PolicyDocument {
  let doc: Obj;
  try {
    doc = (typeof text === "string" ? JSON.parse(text) : text) as Obj;
  } catch {
    throw new InputError(`${where}: the policy document is not JSON`);
  }
  return {
    version: String(doc.version ?? "2.0"),
    statement: asArray(doc.statement as Obj[]).map((s) => ({
      effect: String(s.effect ?? "allow").toLowerCase() === "deny" ? "deny" : "allow",
      action: asArray(s.action as string[]).map(String),
      resource: asArray(s.resource as string[]).map(String),
      ...(s.condition ? { condition: s.condition as Record<string, unknown> } : {}),
    })),
  };
}

/** Seeds state and outputs from `<stackDir>/cdk.tf.json`. */
export async function seedFromStack(opts: SeedOptions): Promise<SeedResult> {
  const env = opts.env ?? process.env;
  const file = path.join(opts.stackDir, "cdk.tf.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run \`live-infra synth\` first and pass --seed-from-stack cdktf.out/stacks/<stack>`,
    );
  }
  const doc = parseJsonFile(text, file) as Obj;
  if (!doc || typeof doc !== "object" || (!doc.resource && !doc.output)) throw new InputError(`${file}: not a synthesized Terraform JSON stack (no "resource" or "output")`);
  const stack = path.basename(path.resolve(opts.stackDir));

  const appId = opts.appId ?? "1250000000";
  const ownerUin = opts.ownerUin ?? "100000000001";
  const ownerPair =
    opts.owner ?? (env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY ? { secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY } : newSecretPair());
  const mysql = opts.mysqlUrl ? parseMysqlUrl(opts.mysqlUrl) : { host: "127.0.0.1", port: await closedLoopbackPort() };
  const variables: Record<string, string> = { ...(opts.variables ?? {}) };
  for (const name of Object.keys((doc.variable ?? {}) as Obj)) {
    const v = env[`TF_VAR_${name}`];
    if (v !== undefined && !(name in variables)) variables[name] = v;
  }

  // Provider regions (default provider and aliases) for resources without a region attribute.
  const providers = asArray(((doc.provider ?? {}) as Obj).tencentcloud as Obj | Obj[]);
  const defaultRegion = String(providers.find((p) => !p.alias)?.region ?? env.TENCENTCLOUD_REGION ?? "ap-guangzhou");
  const regionOf = (b: Block): string => {
    const alias = typeof b.config.provider === "string" ? b.config.provider.split(".")[1] : undefined;
    const p = alias ? providers.find((x) => x.alias === alias) : undefined;
    return String(p?.region ?? defaultRegion);
  };

  let nextUin = Number(ownerUin) + 1000;
  let nextPolicyId = 200000000;
  let nextTemplateId = 10000;
  const created = beijingTime();

  const fill = (b: Block, a: Obj): Obj => {
    const t = b.mode === "data" ? `data.${b.type}` : b.type;
    switch (t) {
      case "data.tencentcloud_user_info":
        return { app_id: Number(appId), owner_uin: ownerUin, uin: ownerUin, name: "", id: `user-info-${appId}` };
      case "random_password":
      case "random_string": {
        const result = randomPassword(a);
        return { result, id: b.type === "random_string" ? result : "none", bcrypt_hash: "" };
      }
      case "random_id":
        return { hex: hex(Number(a.byte_length ?? 8) * 2), id: randomString(11), dec: String(randomInt(1e9)) };
      case "tencentcloud_cam_user": {
        const uin = String(nextUin++);
        const keys = a.use_api === true ? newSecretPair() : { secretId: "", secretKey: "" };
        return { id: a.name, uin, uid: Number(uin.slice(-6)) + 1000000, secret_id: keys.secretId, secret_key: keys.secretKey };
      }
      case "tencentcloud_cam_policy":
        return { id: String(nextPolicyId++), type: 1, create_time: created, update_time: created };
      case "tencentcloud_cam_user_policy_attachment":
        return { id: `${a.user_name}#${a.policy_id}`, create_mode: 2, policy_type: "User", create_time: created };
      case "tencentcloud_cos_bucket":
        return { id: a.bucket, cos_bucket_url: `${a.bucket}.cos.${regionOf(b)}.myqcloud.com` };
      case "tencentcloud_css_domain":
        return { id: a.domain_name };
      case "tencentcloud_css_callback_template":
      case "tencentcloud_css_record_template":
        return { id: String(nextTemplateId++) };
      case "tencentcloud_css_callback_rule_attachment":
        return { id: `${a.template_id}#${a.domain_name}#${a.app_name}` };
      case "tencentcloud_css_record_rule_attachment":
        return { id: `${a.template_id}#${a.domain_name}` };
      case "tencentcloud_mysql_instance": {
        const wan = Number(a.internet_service ?? 0) === 1;
        return {
          id: `cdb-${hex(8)}`, intranet_ip: mysql.host, intranet_port: mysql.port, internet_host: wan ? mysql.host : "",
          internet_port: wan ? mysql.port : 0, status: 1, task_status: 0, locked: 0, gtid: 0, engine_type: a.engine_type ?? "InnoDB",
        };
      }
      case "tencentcloud_mysql_database":
        return { id: `${a.instance_id}#${a.db_name}` };
      case "tencentcloud_mysql_account":
        return { id: `${a.mysql_id}#${a.name}#${a.host ?? "%"}` };
      case "tencentcloud_mysql_privilege":
        return { id: `${a.mysql_id}#${a.account_name}#${a.account_host ?? "%"}` };
      case "tencentcloud_vpc":
        return { id: `vpc-${hex(8)}` };
      case "tencentcloud_subnet":
        return { id: `subnet-${hex(8)}` };
      case "tencentcloud_security_group":
        return { id: `sg-${hex(8)}` };
      default:
        if (a.id === undefined) {
          evaluator.notes.push(`${t}.${b.name}: unknown type; synthesised id only`);
          return { id: `${b.type.replace(/^tencentcloud_/, "").replace(/_/g, "-")}-${hex(8)}` };
        }
        return {};
    }
  };
  const evaluator = new Evaluator(doc, file, variables, fill);
  const A = (addr: string) => evaluator.attrs(addr);

  const state = emptyState(appId, ownerUin);
  const owner: Credential = { ...ownerPair, kind: "owner", uin: ownerUin, createTime: created };
  state.credentials.push(owner);

  // CAM: policies, users (with their keys), attachments.
  for (const addr of evaluator.ofType("tencentcloud_cam_policy")) {
    const a = A(addr);
    const pol: CamPolicy = {
      policyId: Number(a.id), policyName: String(a.name), description: String(a.description ?? ""), type: 1,
      document: normalisePolicy(a.document, `${file}: ${addr}.document`), addTime: created, updateTime: created,
    };
    state.cam.policies.push(pol);
  }
  for (const addr of evaluator.ofType("tencentcloud_cam_user")) {
    const a = A(addr);
    const user: CamUser = {
      name: String(a.name), uin: String(a.uin), uid: Number(a.uid), remark: String(a.remark ?? ""),
      consoleLogin: a.console_login === true ? 1 : 0, createTime: created, policyIds: [],
    };
    state.cam.users.push(user);
    if (a.secret_id) {
      state.credentials.push({ secretId: String(a.secret_id), secretKey: String(a.secret_key), kind: "sub-user", uin: user.uin, createTime: created });
    }
  }
  for (const addr of evaluator.ofType("tencentcloud_cam_user_policy_attachment")) {
    const a = A(addr);
    const user = state.cam.users.find((u) => u.name === a.user_name);
    if (user) user.policyIds.push(Number(a.policy_id));
  }

  // COS buckets.
  for (const addr of evaluator.ofType("tencentcloud_cos_bucket")) {
    const a = A(addr);
    const bucket: Bucket = {
      name: String(a.bucket), region: regionOf(evaluator.block(addr)),
      acl: (["private", "public-read", "public-read-write"].includes(String(a.acl)) ? a.acl : "private") as Bucket["acl"],
      cors: asArray(a.cors_rules as Obj[]).map((r) => ({
        allowedOrigins: asArray(r.allowed_origins as string[]), allowedMethods: asArray(r.allowed_methods as string[]),
        allowedHeaders: asArray(r.allowed_headers as string[]), exposeHeaders: asArray(r.expose_headers as string[]),
        ...(r.max_age_seconds !== undefined ? { maxAgeSeconds: Number(r.max_age_seconds) } : {}),
      })),
      createTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
      objects: {},
    };
    state.buckets.push(bucket);
  }

  // Live.
  for (const addr of evaluator.ofType("tencentcloud_css_domain")) {
    const a = A(addr);
    const type = num(a.domain_type, 0) === 1 ? 1 : 0;
    state.live.domains.push(
      newDomain(String(a.domain_name), type, {
        playType: num(a.play_type, 1), isDelayLive: num(a.is_delay_live, 0), isMiniProgramLive: num(a.is_mini_program_live, 0),
        createTime: created,
      }),
    );
  }
  for (const addr of evaluator.ofType("tencentcloud_css_callback_template")) {
    const a = A(addr);
    const fields = camelKeys(a) as Partial<CallbackTemplate> & Obj;
    delete fields.id;
    state.live.callbackTemplates.push(
      newCallbackTemplate(Number(a.id), { ...fields, templateName: String(a.template_name), recordExceptionLevels: asArray(a.record_exception_levels as string[]) }),
    );
  }
  for (const addr of evaluator.ofType("tencentcloud_css_record_template")) {
    const a = A(addr);
    const param = (k: string) => camelKeys(firstBlock(a[k]));
    const t: RecordTemplate = {
      templateId: Number(a.id), templateName: String(a.template_name), description: String(a.description ?? ""),
      isDelayLive: num(a.is_delay_live, 0), removeWatermark: a.remove_watermark === true, cosStore: num(a.cos_store, 0),
    };
    for (const k of ["flv_param", "hls_param", "mp4_param", "aac_param", "mp3_param"] as const) {
      const p = param(k);
      if (p) (t as unknown as Obj)[camel(k)] = p;
    }
    const hls = camelKeys(firstBlock(a.hls_special_param));
    if (hls) t.hlsSpecialParam = hls as RecordTemplate["hlsSpecialParam"];
    const flv = camelKeys(firstBlock(a.flv_special_param));
    if (flv) t.flvSpecialParam = flv as RecordTemplate["flvSpecialParam"];
    state.live.recordTemplates.push(t);
  }
  for (const addr of evaluator.ofType("tencentcloud_css_callback_rule_attachment")) {
    const a = A(addr);
    state.live.callbackRules.push({ domainName: String(a.domain_name), appName: String(a.app_name ?? "live"), templateId: Number(a.template_id), createTime: created, updateTime: created });
  }
  for (const addr of evaluator.ofType("tencentcloud_css_record_rule_attachment")) {
    const a = A(addr);
    state.live.recordRules.push({
      domainName: String(a.domain_name), appName: String(a.app_name ?? ""), streamName: String(a.stream_name ?? ""),
      templateId: Number(a.template_id), createTime: created, updateTime: created,
    });
  }

  // CDB.
  for (const addr of evaluator.ofType("tencentcloud_mysql_instance")) {
    const a = A(addr);
    const params = Object.fromEntries(Object.entries((a.parameters ?? {}) as Obj).map(([k, v]) => [k, String(v)]));
    const inst: DbInstance = {
      instanceId: String(a.id), instanceName: String(a.instance_name ?? a.id), region: regionOf(evaluator.block(addr)),
      zone: String(a.availability_zone ?? `${regionOf(evaluator.block(addr))}-1`), status: 1, taskStatus: 0,
      vip: String(a.intranet_ip), vport: Number(a.intranet_port), wanStatus: Number(a.internet_service ?? 0) === 1 ? 1 : 0,
      wanDomain: String(a.internet_host ?? ""), wanPort: Number(a.internet_port ?? 0), engineVersion: String(a.engine_version ?? "8.0"),
      engineType: String(a.engine_type ?? "InnoDB"), memory: num(a.mem_size, 1000), volume: num(a.volume_size, 50),
      charset: params.character_set_server ?? "utf8mb4", createTime: created, params, databases: [], accounts: [],
      ...(tagsOf(a.tags) ? { tags: tagsOf(a.tags) } : {}),
    };
    state.cdb.instances.push(inst);
  }
  for (const addr of evaluator.ofType("tencentcloud_mysql_database")) {
    const a = A(addr);
    const inst = state.cdb.instances.find((i) => i.instanceId === a.instance_id);
    inst?.databases.push({ name: String(a.db_name), characterSet: String(a.character_set_name ?? "utf8mb4") });
  }
  for (const addr of evaluator.ofType("tencentcloud_mysql_account")) {
    const a = A(addr);
    const inst = state.cdb.instances.find((i) => i.instanceId === a.mysql_id);
    inst?.accounts.push({ user: String(a.name), host: String(a.host ?? "%"), ...(a.description ? { description: String(a.description) } : {}) });
  }

  // Outputs (sensitive included), in the shape of `cdktf deploy --outputs-file`.
  const outputs: Record<string, unknown> = {};
  for (const [id, out] of Object.entries((doc.output ?? {}) as Record<string, Obj>)) {
    if (!(OUTPUT_IDS as readonly string[]).includes(id)) continue;
    const v = evaluator.value(out.value, `output.${id}`);
    outputs[id] = id === "db_port" || id === "db_public_port" ? (v === "" || v === undefined ? undefined : Number(v)) : v === undefined ? undefined : String(v);
  }
  const finalOutputs = outputs as unknown as StackOutputs;
  const outFile = path.join(opts.stackDir, "outputs.json");
  if (opts.writeOutputs !== false) writeStackOutputs(outFile, stack, finalOutputs); // mode 0600: it holds keys

  return { stack, state: validateState(state, `${file} (seeded state)`), outputs: finalOutputs, outputsFile: outFile, owner, notes: evaluator.notes };
}

/** Output ids a seeded stack did not define (for a warning). */
export function missingOutputs(outputs: Partial<Record<OutputId, unknown>>): OutputId[] {
  return OUTPUT_IDS.filter((id) => outputs[id] === undefined);
}
