/**
 * The vocabulary of teardown and the janitor: what a sweep finds (`Found`), the ownership marks it carries, what a
 * deleter does, and the report entries.
 */
import type { CosClient, TencentApiClient } from "../validators/clients";
import type { StackIdentity } from "./identity";

/**
 * Resource types the sweep deletes. Terraform types where the stack declares one; `cam_access_key` and `cos_object`
 * are contents the provider manages inside another resource (the user's API key, the bucket's objects).
 */
export const RESOURCE_TYPES = [
  "tencentcloud_css_callback_rule_attachment",
  "tencentcloud_css_record_rule_attachment",
  "tencentcloud_css_callback_template",
  "tencentcloud_css_record_template",
  "tencentcloud_css_domain",
  "cam_access_key",
  "tencentcloud_cam_user_policy_attachment",
  "tencentcloud_cam_user",
  "tencentcloud_cam_policy",
  "cos_object",
  "tencentcloud_cos_bucket",
  "tencentcloud_mysql_account",
  "tencentcloud_mysql_database",
  "tencentcloud_mysql_instance",
  "tencentcloud_security_group",
  "tencentcloud_subnet",
  "tencentcloud_vpc",
] as const;

export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * One independent piece of evidence that a resource belongs to the stack:
 * - `tags`: it carries the stack's standard tags (app, environment, managed-by);
 * - `name`: its name is the one the stack gives it (cdk.tf.json, or the naming rule of an ephemeral copy);
 * - `id`: its id is the one the deploy reported (outputs file);
 * - `binding`: a Live rule binds it to a domain (template) or a template (domain) that carries a `name` mark;
 * - `sibling`: (live domains) the other domain of the stack's push/play pair is the stack's by name and id or binding;
 * - `container`: it lives inside a resource the stack owns (objects, API keys, accounts, rules, ...).
 */
export type MarkKind = "tags" | "name" | "id" | "binding" | "sibling" | "container";

export interface Mark {
  kind: MarkKind;
  /** What matched, e.g. `app=live-demo environment=pr-1 managed-by=cdktf` or `cdk.tf.json tencentcloud_vpc.db`. */
  detail: string;
}

/** A resource a finder came across. */
export interface Found {
  type: ResourceType;
  /** Unique within the type: bucket name, template id, `<domain>/<app>`, `<instance>/<user>@<host>`, ... */
  id: string;
  /** Human name when it differs from the id (template name, CAM user name, ...). */
  name?: string;
  region?: string;
  /** The Terraform address of the declared resource it is, when known. */
  address?: string;
  marks: Mark[];
  /** Its tags, when the service has them. */
  tags?: Record<string, string>;
  /** `type:id` of the resource it lives in (contents only). */
  container?: string;
  /** Creation time, ISO 8601 UTC, when the describe reports one. */
  createdAt?: string;
  /** Whatever the deleter needs later (uin, domain type, instance status, ...). */
  data: Record<string, unknown>;
}

export type Action = "delete" | "keep";

/**
 * - `planned`: would be deleted (dry run);
 * - `deleted`: deleted and a describe no longer shows it;
 * - `gone`: already gone when its turn came (deleted by terraform destroy or with its container);
 * - `failed`: the delete was refused or a describe still shows it;
 * - `blocked`: not attempted because something it depends on was not deleted;
 * - `not-owned`: not deleted: not enough ownership marks.
 */
export type Result = "planned" | "deleted" | "gone" | "failed" | "blocked" | "not-owned";

export interface ResourceEntry {
  stack: string;
  type: ResourceType;
  id: string;
  name?: string;
  address?: string;
  region?: string;
  marks: Mark[];
  action: Action;
  result: Result;
  /** Why it was kept, blocked or failed. */
  reason?: string;
  error?: { code: string; message: string };
}

/** Everything a deleter may use. */
export interface SweepContext {
  identity: StackIdentity;
  /** Retrying views of the clients. */
  api: TencentApiClient;
  cos: CosClient;
  /** APPID and owner UIN of the account the credentials belong to. */
  account(): Promise<{ appId: string; ownerUin: string }>;
  /** The account's resources carrying the stack's `app` and `environment` tags (Tag API, all pages; cached). */
  tagIndex(): Promise<TaggedResource[]>;
  /** Tags of one resource by its six-segment name (Tag API). */
  tagsOf(resource: string): Promise<Record<string, string>>;
  /** Candidates earlier finders returned for `type`. */
  found(type: ResourceType): Found[];
  /** Regions to search for regional resources (CDB, VPC). */
  regions(): Promise<string[]>;
  /** Bound on waiting for an asynchronous change (instance isolation), ms. */
  waitMs: number;
  /** Pause between polls while waiting, ms. */
  pollMs: number;
}

/** One entry of Tag GetResources, parsed. */
export interface TaggedResource {
  /** The six-segment name as the Tag API returned it. */
  resource: string;
  service: string;
  region: string;
  /** Last segment before the id, e.g. `instanceId`, `vpc`, `uin`, `policy`; "" for buckets. */
  prefix: string;
  /** Resource id (bucket: full name `<short>-<appid>`). */
  id: string;
  tags: Record<string, string>;
}

/** find → delete → verify, for one resource type. */
export interface Deleter {
  type: ResourceType;
  /** Finds candidates: by the stack's tags, by its declared names and ids, or inside candidate containers. */
  find(ctx: SweepContext): Promise<Found[]>;
  /** Deletes one resource; an answer saying it does not exist counts as done. */
  delete(ctx: SweepContext, item: Found): Promise<void>;
  /** True when a describe no longer shows it. */
  gone(ctx: SweepContext, item: Found): Promise<boolean>;
}
