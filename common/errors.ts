/**
 * Errors every room can throw without importing the CLI. The CLI maps them to exit codes:
 * InputError → 2 (usage or input error), anything else → 1. Messages are shown as they are, never with a stack,
 * so they must name the bad file/field and the fix — and never contain a secret.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** An operation that ran and failed (exit 1), with a message fit for the user. */
export class OperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OperationError";
  }
}

/** Line (1-based) of a character offset in a text, for "file:line" messages. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse with an InputError that names the file and the line of the syntax error. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    // Node 20: "... in JSON at position 123 (line 4 column 5)" or just "at position 123".
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const line = lc ? Number(lc[1]) : pos ? lineOf(text, Number(pos[1])) : text.length ? lineOf(text, text.length) : 1;
    throw new InputError(`${file}:${line}: not valid JSON (${msg.replace(/^.*?: /, "")})`);
  }
}
