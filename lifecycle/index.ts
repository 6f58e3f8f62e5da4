/**
 * Ephemeral stacks' end of life: `runTeardown` (one stack, from its cdk.tf.json) and `runJanitor` (every expired
 * ephemeral stack of the account), both on the sweep engine (sweep.ts) with one deleter per resource type
 * (deleters/), ownership by two marks (ownership.ts) and a dependency order (order.ts). See docs/lifecycle.md.
 */
export { runTeardown } from "./teardown";
export type { TeardownOptions, Confirmation } from "./teardown";
export { runJanitor } from "./janitor";
export type { JanitorOptions } from "./janitor";
export { parseDuration } from "./duration";
export { Refusal } from "./protection";
export { renderReport, LIFECYCLE_REPORT_VERSION } from "./report";
export type { TeardownReport, JanitorReport, JanitorStack, LifecycleReport, Summary, TerraformRun } from "./report";
export { DELETE_ORDER, DEPENDS, FIND_ORDER } from "./order";
export { REQUIREMENTS } from "./ownership";
export { DELETERS } from "./deleters";
export type { ResourceEntry, ResourceType, Mark, MarkKind, Result } from "./types";
