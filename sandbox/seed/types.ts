/** What a per-type state builder sees (kept apart so the builders do not import index.ts, which imports them). */
import type { State } from "../state";
import type { Block } from "./expressions";
import type { Obj } from "./values";

export interface SeedContext {
  /** The stack's `cdk.tf.json`, for messages. */
  file: string;
  appId: string;
  ownerUin: string;
  /** Where the emulated MySQL instances point. */
  mysql: { host: string; port: number };
  /** Creation time stamped on the resources (Beijing time, as the APIs report it). */
  created: string;
  /** The state being built. */
  state: State;
  /** The region of a resource: its provider's (alias or default). */
  regionOf(b: Block): string;
  /** Next value of a named id sequence that starts at `first`; types that share ids share the name. */
  nextId(sequence: string, first: number): number;
  /** The stack's database accounts and grants, for the real server the instances point at (mysql-accounts.ts). */
  db: DbServerPlan;
}

/** A database account as the stack declares it (`tencentcloud_mysql_account`). */
export interface DbAccountPlan {
  user: string;
  host: string;
  password: string;
  /** `<file>: <address>`, for messages. */
  source: string;
}

/** A grant as the stack declares it (`tencentcloud_mysql_privilege`): on `*.*`, `db.*` or `db.table`. */
export interface DbGrantPlan {
  user: string;
  host: string;
  database?: string;
  table?: string;
  privileges: string[];
  source: string;
}

export interface DbServerPlan {
  accounts: DbAccountPlan[];
  grants: DbGrantPlan[];
  /** Parts of the stack's grants the server setup does not apply (column privileges), for a note. */
  skipped: string[];
}

/** One Terraform resource (or `data.` source) type. */
export interface ResourceBuilder {
  /** The attributes the provider computes (ids, keys, addresses), from the evaluated configuration. */
  computed(a: Obj, b: Block, ctx: SeedContext): Obj;
  /** Adds the resource, all attributes evaluated, to the state; types without it only answer references. */
  build?(a: Obj, b: Block, ctx: SeedContext): void;
}

/** Terraform type (`data.<type>` for data sources) → builder. */
export type BuilderTable = Record<string, ResourceBuilder>;
