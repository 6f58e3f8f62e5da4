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
