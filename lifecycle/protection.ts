/**
 * Refusals. A stack is protected — and never torn down, whatever the flags — when its declaration says so (the
 * standard tag `protection` of cdk.tf.json), when its environment file says so, or when a live resource of it carries
 * protection=protected. Any doubt (no protection tag, an unreadable environment file) counts as protected.
 * Refusals are InputErrors: exit 2, and nothing was changed.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, parseJsonFile } from "../common/errors";
import type { DeclaredStack } from "./declared";
import type { Found } from "./types";

export class Refusal extends InputError {
  constructor(message: string) {
    super(`refused: ${message}; nothing was changed`);
    this.name = "Refusal";
  }
}

/** What the environment file `<dir>/<env>.json` says about protection: its mode, or undefined when there is none. */
export function envFileProtection(dir: string, env: string): { file: string; mode?: string; problem?: string } | undefined {
  const file = path.join(dir, `${env}.json`);
  if (!fs.existsSync(file)) return undefined;
  try {
    const doc = parseJsonFile(fs.readFileSync(file, "utf8"), file) as { protection?: { mode?: unknown } } | null;
    const mode = doc && typeof doc === "object" ? doc.protection?.mode : undefined;
    return typeof mode === "string" ? { file, mode } : { file, problem: "has no protection.mode" };
  } catch (err) {
    return { file, problem: `cannot be read (${(err as Error).message})` };
  }
}

/** Refuses when the declaration or the environment file protects the stack (or leaves doubt). */
export function checkDeclaredProtection(declared: DeclaredStack, environmentsDir: string): void {
  if (declared.protections.includes("protected")) {
    throw new Refusal(`${declared.stack} is protected: ${declared.file} tags its resources protection=protected`);
  }
  if (declared.tagged === 0 || declared.protections.some((p) => p !== "ephemeral")) {
    throw new Refusal(
      `${declared.file} does not tag every taggable resource protection=ephemeral (found: ${declared.protections.join(", ") || "no tags"}), so ${declared.stack} may be protected`,
    );
  }
  const env = envFileProtection(environmentsDir, declared.env);
  if (env?.problem) throw new Refusal(`${env.file} ${env.problem}, so ${declared.stack} may be protected`);
  if (env && env.mode !== "ephemeral") throw new Refusal(`${declared.stack} is protected: ${env.file} sets protection.mode "${env.mode}"`);
}

/** Refuses when live resources of the stack carry protection=protected. */
export function checkLiveProtection(stack: string, protectedBy: readonly Found[]): void {
  if (!protectedBy.length) return;
  const shown = protectedBy.slice(0, 5).map((f) => `${f.type} ${f.id}`);
  throw new Refusal(`${stack} is protected: ${shown.join(", ")}${protectedBy.length > 5 ? ` and ${protectedBy.length - 5} more` : ""} carry protection=protected`);
}
