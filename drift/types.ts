/**
 * The vocabulary of drift detection: what a reader declares about its resource type, what it returns, and what the
 * differ makes of it. Readers are pure mappings from one API's answer onto Terraform attribute names (as the
 * provider's Read functions are); everything else (scheduling, comparison, fixes, reports) is generic.
 */
import type { StackOutputs } from "../common/outputs";
import type { CosClient, TencentApiClient } from "../validators/clients";
import type { SqlQueryable } from "../database";

export type Lang = "zh" | "en";

export interface Text {
  zh: string;
  en: string;
}

/**
 * How one attribute is compared.
 * - `exact`: scalars as text (`10001` equals `"10001"`).
 * - `number`, `bool` (`true` = `1` = `"true"`), `case-insensitive`.
 * - `set`: an unordered list of scalars (duplicates ignored).
 * - `map`: a string map compared key by key (tags).
 * - `policy-json`: CAM policy documents by meaning (parsed; statement/action/resource as array or string; order of
 *   statements, actions and resources ignored; effect case ignored).
 * - `secret`: compared, never printed (a finding says "differs").
 * - `secret-id`: compared; printed masked (first 4 + last 4).
 * - `url`: scheme and host case-insensitive, default port ignored.
 * - `object-list`: an ordered list of blocks (each normalised by the attribute's `element`).
 * - `object-set`: an unordered list of blocks.
 */
export type CompareMode =
  | "exact"
  | "number"
  | "bool"
  | "case-insensitive"
  | "set"
  | "map"
  | "policy-json"
  | "secret"
  | "secret-id"
  | "url"
  | "object-list"
  | "object-set";

/** The one true fix of a finding. */
export type Fix =
  /** Terraform owns it: re-applying the stack puts it back. */
  | { kind: "deploy"; command: string; text: Text }
  /** Schema drift `live-infra migrate` repairs. */
  | { kind: "migrate"; command: string; text: Text }
  /** Nothing automatic puts it right: the manual step (and, for the database, the exact SQL). */
  | { kind: "manual"; sql?: string[]; text: Text };

/** How a finding's fix is chosen: the stack's re-apply (default), or a manual step in words. */
export type FixRule = "deploy" | { manual: Text };

export interface AttributeSpec {
  compare: CompareMode;
  /** Where the live value comes from (API action and field), for the coverage table. */
  from: string;
  /**
   * Compared even when the declaration omits it: the provider's default, or what a computed attribute must be
   * (e.g. an instance's status "running").
   */
  expected?: unknown;
  /** Normalises one block of an object-list / object-set (sorting inner lists, upper-casing enums, defaults). */
  element?: (block: Record<string, unknown>) => Record<string, unknown>;
  fix?: FixRule;
}

/** A declared attribute: a value (from the configuration, an output, or learned from a live read) or computed. */
export type DeclaredAttr =
  | { known: true; value: unknown; source: string }
  | { known: false; expression: string };

export interface DeclaredResource {
  /** `type.name`. */
  address: string;
  type: string;
  name: string;
  /** Region of the resource's provider block (or alias). */
  region: string;
  /** Top-level attributes and blocks as declared, resolved where possible. */
  attrs: Record<string, DeclaredAttr>;
  /** The block as written in cdk.tf.json (meta-arguments removed). */
  config: Record<string, unknown>;
}

/** What a reader found. Attribute values use the Terraform names and shapes (blocks as lists of objects). */
export type ReadResult =
  | { exists: false; note?: Text; unmanaged?: Unmanaged[] }
  | {
      exists: true;
      /** The resource's id as Terraform would hold it (learned for others that reference `<address>.id`). */
      id?: string;
      attrs: Record<string, unknown>;
      /** Live things next to the resource that break the FAQ and that the declaration does not manage. */
      unmanaged?: Unmanaged[];
      /** Attributes the reader could not compare this time, with why (e.g. the backend account was refused). */
      skipped?: Record<string, Text>;
      /** More about a live value, added to the finding's message when the attribute differs. */
      notes?: Record<string, Text>;
      /** Findings the reader classifies itself, with their own fix (schema drift: migrate or the manual SQL). */
      findings?: Array<Pick<Finding, "attribute" | "kind" | "declared" | "live" | "message" | "fix">>;
      /** Aspects the reader compared that are not Terraform attributes (e.g. the schema's tables), for coverage. */
      compared?: string[];
    };

export interface Unmanaged {
  /** The attribute (or aspect) it concerns, e.g. `cors_rules`, `callback_rule`. */
  attribute: string;
  /** What is there, printable (never a secret). */
  live: unknown;
  message: Text;
  fix: FixRule;
}

/** The clients a reader uses; every call retries transient failures (validate's policy) and stops with the run. */
export interface ReadContext {
  stack: string;
  outputs: StackOutputs;
  api: TencentApiClient;
  cos: CosClient;
  /**
   * The MySQL connection with the backend account (or LIVE_INFRA_MYSQL_URL), opened once. Resolves with `refused`
   * when the server rejected the credentials, with undefined under --skip-schema; rejects when it cannot be reached.
   */
  mysql(): Promise<MysqlAccess | undefined>;
  /** One API answer shared by several readers (e.g. DescribeLiveCallbackRules), fetched once per run. */
  shared<T>(key: string, load: () => Promise<T>): Promise<T>;
  signal: AbortSignal;
}

export type MysqlAccess =
  | { ok: true; conn: SqlQueryable; database: string; account: { user: string; fromOutputs: boolean } }
  | { ok: false; refused: true; database: string; account: { user: string; fromOutputs: boolean }; code: string };

/** One reader per Terraform resource type. */
export interface Reader {
  type: string;
  /** `cos`, `cam`, `live`, `cdb`, `vpc`, `tag`, `mysql`. */
  service: string;
  /** The attributes compared, by Terraform name. */
  attributes: Record<string, AttributeSpec>;
  /** Attributes that are declared (or declarable) but cannot be read back, and why. */
  notComparable: Record<string, string>;
  /** What the reader also reports as `unmanaged`, for the coverage table. */
  unmanaged?: string[];
  /**
   * The live identity from the declaration (an id, a name, a composite key), or undefined while something it needs
   * is still computed. The scheduler retries once other reads taught it more.
   */
  identity(d: DeclaredResource): string | undefined;
  /** Finds the identity by another key (usually the declared name) when `identity` stays undefined. */
  lookup?(ctx: ReadContext, d: DeclaredResource): Promise<string | undefined>;
  read(ctx: ReadContext, d: DeclaredResource, id: string): Promise<ReadResult>;
}

/** A resource type that is declared but not read, and why (coverage table). */
export interface NotRead {
  type: string;
  reason: string;
}

export type FindingKind = "changed" | "missing" | "unmanaged";

export interface Finding {
  address: string;
  type: string;
  name: string;
  /** Terraform attribute; null for a missing resource. */
  attribute: string | null;
  kind: FindingKind;
  /** Printable values: secrets are "***", SecretIds masked; null when absent. */
  declared: unknown;
  live: unknown;
  message: Text;
  fix: Fix;
}

export interface ReadError {
  address: string;
  type: string;
  name: string;
  service: string;
  operation: string | null;
  code: string;
  kind: string;
  message: string;
}
