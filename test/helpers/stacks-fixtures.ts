/**
 * Fixtures for the stacks tests: environment configs built from the shipped dev/prod files, and synth helpers that
 * run the policy pack (Testing.synth runs Aspects but, unlike app.synth(), does not throw on error annotations).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import { parseEnvironment, type EnvConfig } from "../../stacks/config";
import { LiveDemoStack, type LiveDemoStackOptions } from "../../stacks/live-demo-stack";
import { collectAnnotations, type Annotation } from "../../stacks/synth";

Testing.setupJest();

import { REPO_ROOT } from "./paths";
export { REPO_ROOT };
export const ENV_DIR = path.join(REPO_ROOT, "environments");
/** A fixed schema hash and CLI path so the tests do not depend on the database helper's schema or this machine. */
export const TEST_STACK_OPTIONS: LiveDemoStackOptions = { schemaHash: "0".repeat(64), cliEntry: "/pkg/dist/cli/index.js" };

/** The raw JSON of a shipped environment file (a fresh copy to mutate). */
export function envDoc(env = "dev"): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(ENV_DIR, `${env}.json`), "utf8"));
}

/** A validated config from a shipped file, after `mutate` edits the raw JSON. */
export function envConfig(env = "dev", mutate?: (doc: Record<string, any>) => void): EnvConfig {
  const doc = envDoc(env);
  mutate?.(doc);
  return parseEnvironment(doc, `environments/${env}.json`, env);
}

// Testing.app() makes a cdktf.outdir.* folder in the temp folder per call and never removes it; one folder per test
// file instead (Testing.synth works in memory, so it stays empty), removed after the file's tests.
let appOutdir: string | undefined;
afterAll(() => {
  if (appOutdir) fs.rmSync(appOutdir, { recursive: true, force: true });
  appOutdir = undefined;
});

/** `Testing.app(options)` whose output folder is removed after the test file. */
export function testApp(options: Parameters<typeof Testing.app>[0] = {}): ReturnType<typeof Testing.app> {
  appOutdir ??= fs.mkdtempSync(path.join(os.tmpdir(), "cdktf.outdir."));
  return Testing.app({ outdir: appOutdir, ...options });
}

/** `Testing.synthScope(fn)` in a {@link testApp}. */
export function synthScope(fn: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(testApp(), "stack");
  fn(stack);
  return Testing.synth(stack);
}

/** A LiveDemoStack in a Testing app. */
export function buildStack(config: EnvConfig, options: LiveDemoStackOptions = TEST_STACK_OPTIONS): LiveDemoStack {
  const app = testApp({ stackTraces: false });
  return new LiveDemoStack(app, config, options);
}

/** Synthesized JSON text of a stack (Aspects applied) and its parsed form. */
export function synthStack(stack: TerraformStack): { text: string; json: Record<string, any> } {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

/** Error / warning annotations after a synth. */
export function annotations(stack: TerraformStack): Annotation[] {
  return collectAnnotations(stack);
}

/** The one resource of a type (fails when there is not exactly one). */
export function onlyResource(json: Record<string, any>, type: string): Record<string, any> {
  const byName = json.resource?.[type] ?? {};
  const names = Object.keys(byName);
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return byName[names[0]];
}
