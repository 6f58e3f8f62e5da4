/**
 * The emulated account: one JSON document (documented by sandbox/state.schema.json) holding everything the
 * API 3.0 and COS endpoints serve. Field names are camelCase; the API layer maps them to Tencent's PascalCase
 * (`templateId` ↔ `TemplateId`). UINs and the APPID are decimal strings here; responses convert them to the JSON
 * type each action uses.
 */
import * as fs from "fs";
import * as path from "path";
import type { ErrorObject, ValidateFunction } from "ajv";
import { lazyModule } from "../common/lazy";
import { InputError, parseJsonFile } from "../common/errors";
import { maskSecretId } from "../common/mask";
import stateSchema from "./state.schema.json";

export const STATE_VERSION = 1;

/** A CAM policy document (lower-case keys, as CAM stores it). Actions look like `name/cos:PutObject`. */
export interface PolicyDocument {
  version?: string;
  statement: PolicyStatement[];
}

export interface PolicyStatement {
  effect: "allow" | "deny";
  action: string[];
  resource: string[];
  condition?: Record<string, unknown>;
}

/** An API key pair. `kind: "owner"` keys act as the root account (everything allowed). */
export interface Credential {
  secretId: string;
  secretKey: string;
  kind: "owner" | "sub-user";
  /** UIN of the account (owner) or of the sub-user the key belongs to. */
  uin: string;
  /**
   * Inline policy of a sub-user key. When absent, the policies attached to the CAM user with this `uin` apply
   * (see `credentialPolicy`). Owner keys ignore it.
   */
  policy?: PolicyDocument;
  /** Inactive keys are rejected like unknown ones. Default "Active". */
  status?: "Active" | "Inactive";
  createTime?: string;
}

export interface CamUser {
  name: string;
  uin: string;
  uid: number;
  remark?: string;
  consoleLogin?: 0 | 1;
  createTime: string;
  /** Ids of the CAM policies attached directly to the user. */
  policyIds: number[];
  /** Tags (resource `qcs::cam::uin/<owner>:uin/<uin>`). Default none. */
  tags?: Record<string, string>;
}

export interface CamPolicy {
  policyId: number;
  policyName: string;
  description?: string;
  /** 1 custom, 2 preset. */
  type?: 1 | 2;
  document: PolicyDocument;
  addTime: string;
  updateTime: string;
  /** Tags (resource `qcs::cam::uin/<owner>:policy/<id>`), returned by GetPolicy. Default none. */
  tags?: Record<string, string>;
}

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface CosObject {
  /** Body, base64. */
  body: string;
  contentType: string;
  /** Quoted hex MD5, as COS returns it: `"\"0cc1…\""`. */
  etag: string;
  /** ISO 8601 (UTC). */
  lastModified: string;
  /** `x-cos-meta-*` headers, lower-case names. */
  meta: Record<string, string>;
}

export interface Bucket {
  /** Full name `<base>-<appid>`. */
  name: string;
  region: string;
  acl: "private" | "public-read" | "public-read-write";
  cors: CorsRule[];
  /** ISO 8601 (UTC). */
  createTime: string;
  tags?: Record<string, string>;
  objects: Record<string, CosObject>;
}

export interface LiveDomain {
  name: string;
  /** 0 push, 1 play. */
  type: 0 | 1;
  /** 0 disabled, 1 enabled. */
  status: 0 | 1;
  /** 1 mainland China, 2 global, 3 outside mainland. */
  playType: number;
  isDelayLive: number;
  isMiniProgramLive: number;
  /** Beijing time `YYYY-MM-DD hh:mm:ss`. */
  createTime: string;
  targetDomain: string;
  currentCName: string;
}

export interface CallbackTemplate {
  templateId: number;
  templateName: string;
  description: string;
  streamBeginNotifyUrl: string;
  streamEndNotifyUrl: string;
  streamMixNotifyUrl: string;
  recordNotifyUrl: string;
  recordStatusNotifyUrl: string;
  snapshotNotifyUrl: string;
  pornCensorshipNotifyUrl: string;
  callbackKey: string;
  pushExceptionNotifyUrl: string;
  audioAuditNotifyUrl: string;
  recordExceptionNotifyUrl: string;
  recordExceptionLevels: string[];
}

export interface CallbackRule {
  domainName: string;
  appName: string;
  templateId: number;
  createTime: string;
  updateTime: string;
}

/** Live `RecordParam` in camelCase. */
export interface RecordParam {
  recordInterval?: number;
  storageTime?: number;
  enable?: number;
  vodSubAppId?: number;
  vodFileName?: string;
  procedure?: string;
  storageMode?: string;
  classId?: number;
  cosBucketName?: string;
  cosBucketRegion?: string;
  cosBucketPath?: string;
}

export interface RecordTemplate {
  templateId: number;
  templateName: string;
  description: string;
  flvParam?: RecordParam;
  hlsParam?: RecordParam;
  mp4Param?: RecordParam;
  aacParam?: RecordParam;
  mp3Param?: RecordParam;
  isDelayLive: number;
  hlsSpecialParam?: { flowContinueDuration?: number };
  removeWatermark: boolean;
  cosStore: number;
  flvSpecialParam?: { uploadInRecording?: boolean };
}

export interface RecordRule {
  domainName: string;
  appName: string;
  streamName: string;
  templateId: number;
  createTime: string;
  updateTime: string;
}

export interface DbDatabase {
  name: string;
  characterSet: string;
}

/** Privileges of a database account as DescribeAccountPrivileges returns them (upper-case MySQL privilege names). */
export interface DbPrivileges {
  global?: string[];
  databases?: Array<{ database: string; privileges: string[] }>;
  tables?: Array<{ database: string; table: string; privileges: string[] }>;
  columns?: Array<{ database: string; table: string; column: string; privileges: string[] }>;
}

export interface DbAccount {
  user: string;
  host: string;
  description?: string;
  /** Beijing time; default "" (unknown). */
  createTime?: string;
  /** Beijing time of the last change; default "". */
  modifyTime?: string;
  /** Default none. */
  privileges?: DbPrivileges;
}

export interface DbInstance {
  instanceId: string;
  instanceName: string;
  region: string;
  zone: string;
  /** 0 creating, 1 running, 4 isolating, 5 isolated. */
  status: number;
  taskStatus: number;
  /** Private address/port; the seeder points them at a real MySQL. */
  vip: string;
  vport: number;
  /** 0 never enabled, 1 enabled, 2 closed. */
  wanStatus: number;
  wanDomain: string;
  wanPort: number;
  engineVersion: string;
  engineType: string;
  memory: number;
  volume: number;
  charset: string;
  /** Beijing time `YYYY-MM-DD hh:mm:ss`. */
  createTime: string;
  /** Instance parameters (`time_zone`, `sql_mode`, ...), values as strings. */
  params: Record<string, string>;
  databases: DbDatabase[];
  accounts: DbAccount[];
  tags?: Record<string, string>;
  /** VPC and subnet (`vpc-…`, `subnet-…`) the instance sits in. Default none (basic network). */
  vpcId?: string;
  subnetId?: string;
  /** Security groups bound to the instance (`sg-…`). Default none. */
  securityGroupIds?: string[];
}

/** A VPC security group rule, as SecurityGroupPolicy carries it (camelCase; ServiceTemplate/AddressTemplate not modelled). */
export interface SecurityGroupRule {
  /** TCP, UDP, ICMP, ICMPV6, GRE or ALL. */
  protocol: string;
  /** "80", "8000-8010", "80,443" or "ALL". */
  port: string;
  /** Exactly one source/destination: cidrBlock, ipv6CidrBlock or securityGroupId. */
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  securityGroupId?: string;
  /** ACCEPT or DROP. */
  action: "ACCEPT" | "DROP";
  policyDescription?: string;
  /** Beijing time. Default "". */
  modifyTime?: string;
}

export interface VpcNetwork {
  vpcId: string;
  vpcName: string;
  cidrBlock: string;
  region: string;
  /** Beijing time `YYYY-MM-DD hh:mm:ss`. */
  createTime: string;
  isDefault?: boolean;
  tags?: Record<string, string>;
}

export interface VpcSubnet {
  subnetId: string;
  vpcId: string;
  subnetName: string;
  cidrBlock: string;
  /** Availability zone, e.g. ap-guangzhou-3. */
  zone: string;
  region: string;
  createTime: string;
  isDefault?: boolean;
  tags?: Record<string, string>;
}

export interface VpcSecurityGroup {
  securityGroupId: string;
  securityGroupName: string;
  securityGroupDesc: string;
  region: string;
  createTime: string;
  /** Beijing time of the last rule or attribute change; default createTime. */
  updateTime?: string;
  /** Project id as a decimal string; default "0". */
  projectId?: string;
  tags?: Record<string, string>;
  /** Rule-set version, +1 on every rule change; default 0 (no rules yet). */
  policyVersion?: number;
  /** Inbound and outbound rules in order; default none. */
  ingress?: SecurityGroupRule[];
  egress?: SecurityGroupRule[];
}

export interface State {
  version: 1;
  appId: string;
  ownerUin: string;
  credentials: Credential[];
  cam: { users: CamUser[]; policies: CamPolicy[] };
  buckets: Bucket[];
  live: {
    domains: LiveDomain[];
    callbackTemplates: CallbackTemplate[];
    callbackRules: CallbackRule[];
    recordTemplates: RecordTemplate[];
    recordRules: RecordRule[];
  };
  cdb: { instances: DbInstance[] };
  /** VPC networking (region-scoped). Absent in older state files: read as empty (`vpcOf`). */
  vpc?: { vpcs: VpcNetwork[]; subnets: VpcSubnet[]; securityGroups: VpcSecurityGroup[] };
}

export function emptyState(appId = "1250000000", ownerUin = "100000000001"): State {
  return {
    version: 1,
    appId,
    ownerUin,
    credentials: [],
    cam: { users: [], policies: [] },
    buckets: [],
    live: { domains: [], callbackTemplates: [], callbackRules: [], recordTemplates: [], recordRules: [] },
    cdb: { instances: [] },
    vpc: { vpcs: [], subnets: [], securityGroups: [] },
  };
}

/** The VPC part of the state, created empty on first use (state files written before it existed lack it). */
export function vpcOf(state: State): NonNullable<State["vpc"]> {
  state.vpc ??= { vpcs: [], subnets: [], securityGroups: [] };
  return state.vpc;
}

/** Beijing time (UTC+8) as `YYYY-MM-DD hh:mm:ss`, the format of Live and CDB timestamps. */
export function beijingTime(d: Date = new Date()): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

export function findCredential(state: State, secretId: string): Credential | undefined {
  return state.credentials.find((c) => c.secretId === secretId && (c.status ?? "Active") === "Active");
}

/**
 * The policy that governs a sub-user key: its inline `policy`, else the union of the statements of the CAM
 * policies attached to the CAM user with the same UIN. Owner keys: undefined (everything allowed).
 */
export function credentialPolicy(state: State, cred: Credential): PolicyDocument | undefined {
  if (cred.kind === "owner") return undefined;
  if (cred.policy) return cred.policy;
  const user = state.cam.users.find((u) => u.uin === cred.uin);
  const statement: PolicyStatement[] = [];
  for (const id of user?.policyIds ?? []) {
    const p = state.cam.policies.find((x) => x.policyId === id);
    if (p) statement.push(...p.document.statement);
  }
  return { version: "2.0", statement };
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
  return re.test(value);
}

/**
 * CAM evaluation: an explicit deny wins, otherwise some allow must match. `action` is `<service>:<Action>`
 * (e.g. `cos:PutObject`, `live:DescribeLiveDomains`); policy actions may carry the `name/` prefix and `*`.
 * `resource` is the six-segment resource name, or "*" when the caller has none to offer (API 3.0 reads).
 * Owner keys are always allowed. Conditions are not evaluated (a statement with a condition never matches).
 */
export function isAllowed(state: State, cred: Credential, action: string, resource: string): boolean {
  const doc = credentialPolicy(state, cred);
  if (!doc) return true;
  const matches = (s: PolicyStatement) =>
    !s.condition &&
    s.action.some((a) => globMatch(a.replace(/^name\//, "").toLowerCase(), action.toLowerCase())) &&
    s.resource.some((r) => resource === "*" || globMatch(r, resource));
  if (doc.statement.some((s) => s.effect === "deny" && matches(s))) return false;
  return doc.statement.some((s) => s.effect === "allow" && matches(s));
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (JSON Schema in state.schema.json, checked with ajv)

// Compiled on first use: `live-infra sandbox --help` and the demo's in-memory states never pay for ajv.
const stateValidator = lazyModule((): ValidateFunction<State> => {
  const { default: Ajv } = require("ajv") as typeof import("ajv");
  return new Ajv({ allErrors: true, strict: false }).compile<State>(stateSchema as object);
});

function describeError(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(root)";
  if (e.keyword === "required") return `${where === "(root)" ? "" : where + "."}${(e.params as { missingProperty: string }).missingProperty}: is required`;
  if (e.keyword === "additionalProperties")
    return `${where === "(root)" ? "" : where + "."}${(e.params as { additionalProperty: string }).additionalProperty}: is not a known field`;
  if (e.keyword === "enum") return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  return `${where}: ${e.message}`;
}

/** Validates a parsed document against the state schema; throws an InputError naming each bad field. */
export function validateState(doc: unknown, source = "state"): State {
  const validate = stateValidator();
  if (!validate(doc)) {
    const errs = (validate.errors ?? []).slice(0, 10).map(describeError);
    throw new InputError(`${source}: not a valid sandbox state (see sandbox/state.schema.json): ${errs.join("; ")}`);
  }
  const st: State = doc;
  const dup = (what: string, keys: string[], show: (k: string) => string = (k) => k) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) throw new InputError(`${source}: ${what} "${show(k)}" appears twice`);
      seen.add(k);
    }
  };
  dup("credentials secretId", st.credentials.map((c) => c.secretId), maskSecretId);
  dup("buckets name", st.buckets.map((b) => b.name));
  dup("live.domains name", st.live.domains.map((d) => d.name));
  dup("live.callbackTemplates templateId", st.live.callbackTemplates.map((t) => String(t.templateId)));
  dup("live.recordTemplates templateId", st.live.recordTemplates.map((t) => String(t.templateId)));
  dup("cdb.instances instanceId", st.cdb.instances.map((i) => i.instanceId));
  dup("cam.users name", st.cam.users.map((u) => u.name));
  dup("cam.policies policyId", st.cam.policies.map((p) => String(p.policyId)));
  if (st.vpc) {
    dup("vpc.vpcs vpcId", st.vpc.vpcs.map((v) => v.vpcId));
    dup("vpc.subnets subnetId", st.vpc.subnets.map((v) => v.subnetId));
    dup("vpc.securityGroups securityGroupId", st.vpc.securityGroups.map((v) => v.securityGroupId));
  }
  return st;
}

/** Holds the live state. Handlers read with get() and change it with mutate(); tests swap it with replace(). */
export class StateStore {
  private state: State;

  constructor(state: State = emptyState()) {
    this.state = validateState(structuredClone(state));
  }

  get(): State {
    return this.state;
  }

  /** Replaces the whole state after validating it (InputError naming the field when invalid). */
  replace(state: unknown, source = "state"): void {
    this.state = validateState(structuredClone(state), source);
  }

  /** Applies a change in place; the function may also return a value (e.g. a new id). */
  mutate<T>(fn: (state: State) => T): T {
    return fn(this.state);
  }

  /** A deep copy, for callers that must not see later changes. */
  snapshot(): State {
    return structuredClone(this.state);
  }

  static load(file: string): StateStore {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new InputError(`${file}: cannot read the state file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return new StateStore(validateState(parseJsonFile(text, file), file));
  }

  /** Writes the state (it holds keys) readable by the owner only, also when the file already existed. */
  save(file: string): void {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(this.state, null, 2) + "\n", { mode: 0o600 });
      fs.chmodSync(file, 0o600); // writeFileSync's mode applies only to a new file
    } catch (err) {
      throw new InputError(`${file}: cannot write the state file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a writable file path`);
    }
  }
}
