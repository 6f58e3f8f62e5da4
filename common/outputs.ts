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
import { checkInputSize, InputError, lineOf, MAX_INPUT_FILE_BYTES, MAX_VALUE_LENGTH, parseJsonFile } from "./errors";
import { hasOwn, isJsonObject, jsonKind, ownEntries, showName } from "./records";

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

/** Output ids as a set, for recognising the `terraform output -json` shape. */
const OUTPUT_ID_SET: ReadonlySet<string> = new Set(OUTPUT_IDS);

/**
 * `terraform output -json` when every top-level value is `{ "value": … }`, or when a top-level key is an output
 * id (then a malformed entry is reported as that output, not as a stack).
 */
function isTerraformOutputShape(top: Map<string, unknown>): boolean {
  if (top.size === 0) return false;
  if ([...top.keys()].some((k) => OUTPUT_ID_SET.has(k))) return true;
  return [...top.values()].every((v) => isJsonObject(v) && hasOwn(v, "value"));
}

/** Up to 10 names from the file, quoted and cut short, for "the file has: …" messages. */
function listNames(names: string[]): string {
  if (!names.length) return "none";
  const shown = names.slice(0, 10).map((n) => (/^[A-Za-z0-9_.-]{1,64}$/.test(n) ? n : showName(n)));
  return shown.join(", ") + (names.length > 10 ? ` and ${names.length - 10} more` : "");
}

/**
 * Reads and normalises an outputs file. `stack` picks the stack in the cdktf shape; when the file holds exactly one
 * stack it may be omitted. Errors are InputErrors naming the file and the offending output id.
 */
export function readStackOutputs(file: string, stack?: string): StackOutputs {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_INPUT_FILE_BYTES) {
      throw new InputError(`${file}: larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB; this is not an outputs file`);
    }
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read the outputs file (${code ?? (err as Error).message}). ` +
        `Deploy with \`cdktf deploy --outputs-file ${file} --outputs-file-include-sensitive-outputs\`, ` +
        `or pass --outputs FILE.`,
    );
  }
  return parseStackOutputs(text, file, stack);
}

/**
 * Like readStackOutputs, for a text already in memory; `file` is used in messages. Stack names and output ids are
 * read as own keys only (a stack or output called `__proto__` or `toString` is just an unknown name), and every
 * value of the wrong shape (null, an array, an object where a string belongs, over 4096 characters) is an
 * InputError naming the output; values are never quoted.
 */
export function parseStackOutputs(text: string, file: string, stack?: string): StackOutputs {
  checkInputSize(text, file);
  const doc = parseJsonFile(text, file);
  if (!isJsonObject(doc)) {
    throw new InputError(`${file}:1: an outputs file must be a JSON object (got ${jsonKind(doc)})`);
  }
  const top = ownEntries(doc);
  const keyLine = (key: string): string => {
    const at = text.indexOf(JSON.stringify(key));
    return at >= 0 ? `${file}:${lineOf(text, at)}` : file;
  };
  const flat = new Map<string, unknown>();
  if (isTerraformOutputShape(top)) {
    for (const [id, entry] of top) {
      if (!OUTPUT_ID_SET.has(id)) continue; // other outputs of a wider configuration
      if (!isJsonObject(entry) || !hasOwn(entry, "value")) {
        throw new InputError(
          `${keyLine(id)}: output "${id}" must be an object with a "value" (the \`terraform output -json\` shape; got ${jsonKind(entry)})`,
        );
      }
      flat.set(id, entry.value);
    }
  } else {
    const stacks = [...top.keys()];
    const name = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
    if (name === undefined) {
      throw new InputError(
        stacks.length
          ? `${file}: holds the outputs of ${stacks.length} stacks (${listNames(stacks)}); name one with --stack`
          : `${file}: holds no outputs (an empty JSON object); deploy with --outputs-file-include-sensitive-outputs`,
      );
    }
    if (!top.has(name)) {
      throw new InputError(`${file}: no outputs for stack ${showName(name)} (the file has: ${listNames(stacks)})`);
    }
    const inner = top.get(name);
    if (!isJsonObject(inner)) {
      throw new InputError(
        `${keyLine(name)}: the outputs of stack ${showName(name)} must be an object of output id → value (got ${jsonKind(inner)})`,
      );
    }
    for (const [id, v] of ownEntries(inner)) flat.set(id, v);
  }
  return normalise(flat, file, text);
}

function normalise(flat: Map<string, unknown>, file: string, text: string): StackOutputs {
  const out: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const id of OUTPUT_IDS) {
    const v = flat.get(id);
    const where = () => {
      const at = text.indexOf(`"${id}"`);
      return at >= 0 ? `${file}:${lineOf(text, at)}` : file;
    };
    if (v === undefined || v === null || v === "") {
      if (!OPTIONAL_OUTPUTS.has(id)) missing.push(id);
      continue;
    }
    if (NUMERIC_OUTPUTS.has(id)) {
      const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,5}$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        throw new InputError(`${where()}: output "${id}" must be a port number (0-65535; got ${typeof v === "number" ? "a number out of range" : jsonKind(v)})`);
      }
      out[id] = n;
    } else {
      if (typeof v === "number" && Number.isSafeInteger(v)) {
        out[id] = String(v);
        continue;
      }
      if (typeof v !== "string") throw new InputError(`${where()}: output "${id}" must be a string (got ${jsonKind(v)})`);
      if (v.length > MAX_VALUE_LENGTH) {
        throw new InputError(`${where()}: output "${id}" is longer than ${MAX_VALUE_LENGTH} characters`);
      }
      out[id] = v;
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
