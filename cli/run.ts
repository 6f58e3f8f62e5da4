/**
 * Shared plumbing for the `live-infra` commands: exit codes and error printing.
 * Exit codes everywhere: 0 ok, 1 problem found or operation failed, 2 usage or input error.
 */
import { InputError } from "../common/errors";

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/** Prints an error the way every command does: one line, no stack (unless LIVE_INFRA_DEBUG is set). */
export function reportError(err: unknown): number {
  const e = err as Error;
  const message = e && typeof e.message === "string" ? e.message : String(err);
  process.stderr.write(`live-infra: ${message}\n`);
  if (process.env.LIVE_INFRA_DEBUG && e && e.stack) process.stderr.write(`${e.stack}\n`);
  return err instanceof InputError ? EXIT_USAGE : EXIT_FAIL;
}

/**
 * Wraps a command body: its resolved number becomes the exit code; a thrown InputError exits 2, anything else 1.
 * Uses process.exitCode (not process.exit) so pending stdout writes are flushed.
 */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await body(...args);
      process.exitCode = typeof code === "number" ? code : EXIT_OK;
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}

/** Parses an integer option, throwing an InputError that names the flag. */
export function intOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InputError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
    }
    return n;
  };
}

const STACK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Parses a `--stack` value: a stack name as synth makes them (`live-demo-<env>`), never a path — it becomes a folder
 * name under cdktf.out/stacks/ and replaces `{stack}` in paths. With `repeat`, the values collect into a list.
 */
export function stackNameOption(flag = "--stack") {
  return (value: string): string => {
    if (!STACK_NAME_RE.test(value) || value.includes("..")) {
      const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
      throw new InputError(`${flag} ${shown}: not a stack name; use the name synth printed (e.g. live-demo-dev): letters, digits, "-", "_" and "." only`);
    }
    return value;
  };
}

export function stackNamesOption(flag = "--stack") {
  const one = stackNameOption(flag);
  return (value: string, prev: string[] = []): string[] => [...prev, one(value)];
}

/** What `{stack}` in a path flag is replaced by: each stack's name (fleet runs; one stack too). */
export const STACK_PLACEHOLDER = "{stack}";

/** `value` with {stack} replaced by `stack`. */
export const forStack = (value: string, stack: string): string => value.split(STACK_PLACEHOLDER).join(stack);

/**
 * The stacks a fleet run names: every `--stack`, plus with `--all` every stack found by `discover`; a stack named
 * twice is a usage error. Path flags given for several stacks must contain {stack}.
 */
export function fleetStackNames(
  flags: { stack: string[]; all?: boolean },
  discover: () => string[],
  pathFlags: ReadonlyArray<readonly [string, string | undefined]>,
): string[] {
  const named = flags.all ? [...new Set([...discover(), ...flags.stack])] : flags.stack;
  const dup = named.find((s, i) => named.indexOf(s) !== i);
  if (dup) throw new InputError(`--stack ${dup} is named twice`);
  for (const [flag, v] of pathFlags) {
    if (v && !v.includes(STACK_PLACEHOLDER)) {
      throw new InputError(`${flag} with several stacks must contain ${STACK_PLACEHOLDER} (replaced by each stack name), e.g. ${flag} 'out/${STACK_PLACEHOLDER}.json'`);
    }
  }
  return named;
}
