/**
 * Stack outputs: the one reader/writer for what a deploy produced.
 *
 * Two shapes are accepted on read:
 *  - `cdktf deploy --outputs-file F --outputs-file-include-sensitive-outputs`: `{ "<stack>": { "<id>": value } }`
 *  - `terraform output -json`: `{ "<id>": { "value": value, "type": ..., "sensitive": bool } }`
 * The writer produces the first shape (what the sandbox seeder writes for offline runs).
 * Output ids are a public contract fixed by the stacks (see README, "Outputs").
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, parseJsonFile } from "./errors";

/** Non-sensitive output ids, in README order. */
export const PLAIN_OUTPUT_IDS = [
  "appid",
  "region",
  "bucket",
  "bucket_region",
  "push_domain",
  "play_domain",
  "app_name",
  "callback_url",
  "callback_template_id",
  "record_template_id",
  "db_instance_id",
  "db_host",
  "db_port",
  "db_public_host",
  "db_public_port",
  "db_name",
  "db_user",
] as const;

/** Sensitive output ids: written only with --outputs-file-include-sensitive-outputs, never printed. */
export const SENSITIVE_OUTPUT_IDS = [
  "db_password",
  "db_root_password",
  "callback_key",
  "signer_secret_id",
  "signer_secret_key",
] as const;

export const OUTPUT_IDS = [...PLAIN_OUTPUT_IDS, ...SENSITIVE_OUTPUT_IDS] as const;
export type OutputId = (typeof OUTPUT_IDS)[number];

/** Outputs that are numbers on the wire; everything else is read as a string. */
const NUMERIC_OUTPUTS: ReadonlySet<OutputId> = new Set<OutputId>(["db_port", "db_public_port"]);

/** Outputs that may be absent or empty (e.g. no public MySQL access, or a deploy without sensitive outputs). */
const OPTIONAL_OUTPUTS: ReadonlySet<OutputId> = new Set<OutputId>([
  "db_public_host",
  "db_public_port",
  ...SENSITIVE_OUTPUT_IDS,
]);

export interface StackOutputs {
  appid: string;
  region: string;
  bucket: string;
  bucket_region: string;
  push_domain: string;
  play_domain: string;
  app_name: string;
  callback_url: string;
  callback_template_id: string;
  record_template_id: string;
  db_instance_id: string;
  db_host: string;
  db_port: number;
  db_public_host?: string;
  db_public_port?: number;
  db_name: string;
  db_user: string;
  db_password?: string;
  db_root_password?: string;
  callback_key?: string;
  signer_secret_id?: string;
  signer_secret_key?: string;
}

/** Default location of a stack's outputs file. */
export function defaultOutputsFile(stack: string, outdir = "cdktf.out"): string {
  return path.join(outdir, "stacks", stack, "outputs.json");
}

function isTerraformOutputShape(doc: Record<string, unknown>): boolean {
  const values = Object.values(doc);
  return (
    values.length > 0 &&
    values.every((v) => v !== null && typeof v === "object" && !Array.isArray(v) && "value" in (v as object))
  );
}

/**
 * Reads and normalises an outputs file. `stack` picks the stack in the cdktf shape; when the file holds exactly one
 * stack it may be omitted. Errors are InputErrors naming the file and the offending output id.
 */
export function readStackOutputs(file: string, stack?: string): StackOutputs {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read the outputs file (${code ?? (err as Error).message}). ` +
        `Deploy with \`cdktf deploy --outputs-file ${file} --outputs-file-include-sensitive-outputs\`, ` +
        `or pass --outputs FILE.`,
    );
  }
  return parseStackOutputs(text, file, stack);
}

/** Like readStackOutputs, for a text already in memory; `file` is used in messages. */
export function parseStackOutputs(text: string, file: string, stack?: string): StackOutputs {
  const doc = parseJsonFile(text, file);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new InputError(`${file}:1: an outputs file must be a JSON object`);
  }
  const obj = doc as Record<string, unknown>;
  let flat: Record<string, unknown>;
  if (isTerraformOutputShape(obj)) {
    flat = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, (v as { value: unknown }).value]));
  } else {
    const stacks = Object.keys(obj);
    const name = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
    if (!name) {
      throw new InputError(`${file}: holds the outputs of ${stacks.length} stacks (${stacks.join(", ")}); name one with --stack`);
    }
    const inner = obj[name];
    if (inner === undefined) {
      throw new InputError(`${file}: no outputs for stack "${name}" (the file has: ${stacks.join(", ") || "none"})`);
    }
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) {
      throw new InputError(`${file}: the outputs of stack "${name}" must be an object of output id → value`);
    }
    flat = inner as Record<string, unknown>;
  }
  return normalise(flat, file, text);
}

function normalise(flat: Record<string, unknown>, file: string, text: string): StackOutputs {
  const out: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const id of OUTPUT_IDS) {
    const v = flat[id];
    const where = () => {
      const at = text.indexOf(`"${id}"`);
      return at >= 0 ? `${file}:${text.slice(0, at).split("\n").length}` : file;
    };
    if (v === undefined || v === null || v === "") {
      if (!OPTIONAL_OUTPUTS.has(id)) missing.push(id);
      continue;
    }
    if (NUMERIC_OUTPUTS.has(id)) {
      const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        throw new InputError(`${where()}: output "${id}" must be a port number (0-65535)`);
      }
      out[id] = n;
    } else {
      if (typeof v !== "string" && typeof v !== "number") {
        throw new InputError(`${where()}: output "${id}" must be a string`);
      }
      out[id] = String(v);
    }
  }
  if (missing.length) {
    throw new InputError(
      `${file}: missing output(s) ${missing.join(", ")}. The file must come from a deploy of a live-demo stack ` +
        `(ids are listed in the README under "Outputs").`,
    );
  }
  return out as unknown as StackOutputs;
}

/** Writes outputs in the `cdktf deploy --outputs-file` shape (sensitive values included, mode 0600), creating the folder. */
export function writeStackOutputs(file: string, stack: string, outputs: StackOutputs): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const ordered: Record<string, unknown> = {};
  for (const id of OUTPUT_IDS) if (outputs[id] !== undefined) ordered[id] = outputs[id];
  fs.writeFileSync(file, JSON.stringify({ [stack]: ordered }, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(file, 0o600); // the write's mode applies to a new file only; an existing one may have been opened up
}
