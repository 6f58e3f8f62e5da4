/**
 * The compiled CLI for tests that run `live-infra` as a real process.
 *
 * dist/ is built once per jest run, in test/global-setup.ts (`ensureBuilt`), before any worker starts: test files
 * never build it themselves, so no two tsc runs race on dist/. `npm ci` already builds in `prepare`; the global setup
 * rebuilds only when a source is newer than the compiled CLI (a developer editing between runs).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "./paths";
export { REPO_ROOT };
export const CLI = path.join(REPO_ROOT, "dist", "cli", "index.js");

/** Folders whose .ts/.json files the compiled CLI is built from. */
const SOURCE_ROOMS = ["stacks", "database", "drift", "lifecycle", "validators", "sandbox", "common", "cli", "demo", "handoff", "page", "bench", "environments", "providers"];

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/cli/index.js exists and is newer than every source file. */
export function isBuilt(): boolean {
  if (!fs.existsSync(CLI)) return false;
  const rooms = SOURCE_ROOMS.map((d) => path.join(REPO_ROOT, d)).filter((d) => fs.existsSync(d));
  return fs.statSync(CLI).mtimeMs >= Math.max(...rooms.map(newestSource));
}

/** Runs `npm run build` unless dist/ is up to date. Called only from the jest global setup. */
export function ensureBuilt(log: (line: string) => void = () => undefined): void {
  if (isBuilt()) return;
  log("jest global setup: dist/ is missing or older than the sources; running `npm run build`");
  const r = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
  // tsc emits even with type errors (`npm run typecheck` reports those); only a missing CLI stops the run.
  if (!fs.existsSync(CLI)) throw new Error(`npm run build did not produce dist/cli/index.js:\n${r.stdout}\n${r.stderr}`);
}

/** Fails a suite early with a clear message when the global setup could not build the CLI. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(CLI)) throw new Error("dist/cli/index.js missing: run `npm run build` (or `npm ci`)");
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/index.js ...args` (NO_COLOR set) and collects its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO_ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}
