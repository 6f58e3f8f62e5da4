/**
 * The Terraform half of teardown: with the stack's state (a local state file in the stack folder holding resources,
 * or a configured remote backend) and a `terraform` binary on PATH, run what `cdktf destroy` runs in the stack
 * folder — `terraform init` when the folder was never initialised, then `terraform destroy -auto-approve`. Its output
 * goes to stderr; the sweep runs afterwards either way.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { DeclaredStack } from "./declared";
import type { TerraformRun } from "./report";

export type StateVerdict = { present: true; where: string } | { present: false; why: string };

/** Whether the stack has a Terraform state worth destroying. */
export function stateOf(declared: DeclaredStack): StateVerdict {
  const b = declared.backend;
  if (b && b.kind !== "local") return { present: true, where: `the "${b.kind}" backend configured in ${path.basename(declared.file)}` };
  const candidates = [...new Set([b?.path, "terraform.tfstate"].filter((p): p is string => !!p))].map((p) => path.resolve(declared.dir, p));
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    try {
      const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { resources?: unknown[] };
      if (Array.isArray(doc.resources) && doc.resources.length === 0) return { present: false, why: `${file} holds no resources` };
    } catch {
      // An unreadable state is terraform's to judge.
    }
    return { present: true, where: file };
  }
  return { present: false, why: `no Terraform state in ${declared.dir} (${candidates.map((c) => path.basename(c)).join(", ")})` };
}

/** The `terraform` executable on `PATH`, or undefined. */
export function findTerraform(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === "win32" ? ["terraform.exe", "terraform"] : ["terraform"];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function run(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (chunk: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (c: Buffer) => log(c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => log(c.toString("utf8")));
    child.on("error", (err) => {
      log(`${binary}: ${err.message}\n`);
      resolve(127);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** What a teardown would do with Terraform (for the plan). */
export function terraformPlan(declared: DeclaredStack, env: NodeJS.ProcessEnv): TerraformRun {
  const st = stateOf(declared);
  if (!st.present) return { ran: false, reason: `would not run: ${st.why}` };
  return findTerraform(env)
    ? { ran: false, reason: `would run terraform destroy -auto-approve in ${declared.dir} (state: ${st.where})` }
    : { ran: false, reason: `would not run: no terraform on PATH (state: ${st.where})` };
}

/** Runs init (when needed) and destroy in the stack folder; never throws. */
export async function terraformDestroy(declared: DeclaredStack, env: NodeJS.ProcessEnv, log: (chunk: string) => void): Promise<TerraformRun> {
  const state = stateOf(declared);
  if (!state.present) return { ran: false, reason: `not run: ${state.why}; the sweep deletes everything through the APIs` };
  const binary = findTerraform(env);
  if (!binary) return { ran: false, reason: `not run: no terraform on PATH (state: ${state.where}); the sweep deletes everything through the APIs, the state then still lists them` };
  const commands: string[][] = [];
  const tfEnv = { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  if (!fs.existsSync(path.join(declared.dir, ".terraform"))) {
    const init = ["init", "-input=false"];
    commands.push(["terraform", ...init]);
    const code = await run(binary, init, declared.dir, tfEnv, log);
    if (code !== 0) return { ran: true, commands, exitCode: code, reason: `terraform init failed (exit ${code}); the sweep deletes everything through the APIs` };
  }
  const destroy = ["destroy", "-auto-approve", "-input=false"];
  commands.push(["terraform", ...destroy]);
  const code = await run(binary, destroy, declared.dir, tfEnv, log);
  return {
    ran: true,
    commands,
    exitCode: code,
    reason: code === 0 ? `terraform destroy done (state: ${state.where}); the sweep then checks what is left` : `terraform destroy failed (exit ${code}); the sweep deletes what is left through the APIs`,
  };
}
