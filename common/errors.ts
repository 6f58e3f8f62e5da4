/**
 * Errors every room can throw without importing the CLI. The CLI maps them to exit codes:
 * InputError → 2 (usage or input error), anything else → 1. Messages are shown as they are, never with a stack,
 * so they must name the bad file/field and the fix — and never contain a secret.
 */
import type { ParseError } from "jsonc-parser";
import { lazyModule } from "./lazy";

// Only a malformed JSON file needs the error-locating parser.
const jsonc = lazyModule(() => require("jsonc-parser") as typeof import("jsonc-parser"));

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

/** Plain words for jsonc-parser's error codes (it names them like "InvalidSymbol"). */
const JSON_ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: "unexpected character (strings must be in double quotes)",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end of the document",
  InvalidCommentToken: "comments are not allowed",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in a string",
};

/** Longest value a reader accepts in a configuration field (keys, passwords and URLs are far shorter). */
export const MAX_VALUE_LENGTH = 4096;
/** Largest configuration file a reader accepts, in characters (outputs, backend config); ≈ 1 MiB. */
export const MAX_INPUT_FILE_CHARS = 1024 * 1024;
/** Largest file a reader opens at all (UTF-8 needs up to 4 bytes a character). */
export const MAX_INPUT_FILE_BYTES = 4 * MAX_INPUT_FILE_CHARS;
/** Deepest nesting parseJsonFile accepts; the shared formats need fewer than 10 levels. */
export const MAX_JSON_DEPTH = 100;

/** Throws an InputError naming `file` when `text` is longer than {@link MAX_INPUT_FILE_CHARS}. */
export function checkInputSize(text: string, file: string, max = MAX_INPUT_FILE_CHARS): void {
  if (text.length > max) {
    throw new InputError(`${file}: the file is longer than ${max} characters; it is not a configuration file of this kind`);
  }
}

/** True when some array or object in `doc` is nested deeper than `max` levels (iterative: no recursion). */
function nestedDeeperThan(doc: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[doc, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * JSON.parse with an InputError that names the file, the line and column of the first syntax error, and what was
 * expected — but never quotes the file's text: outputs and backend-config files hold passwords and keys, and Node's
 * own messages quote the text around the error. A leading byte-order mark is ignored; documents nested deeper than
 * {@link MAX_JSON_DEPTH} levels are refused (they would overflow the stack of whatever walks them next).
 */
export function parseJsonFile(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    const errors: ParseError[] = [];
    try {
      jsonc().parse(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    } catch {
      // jsonc-parser recurses per nesting level: only absurdly deep text gets here.
      throw new InputError(`${file}: not valid JSON (nested more than ${MAX_JSON_DEPTH} levels deep)`);
    }
    const first = errors[0];
    if (!first) throw new InputError(`${file}: not valid JSON`);
    const line = lineOf(body, first.offset);
    const column = first.offset - body.lastIndexOf("\n", first.offset - 1);
    const code = jsonc().printParseErrorCode(first.error);
    throw new InputError(`${file}:${line}: not valid JSON (column ${column}: ${JSON_ERROR_WORDS[code] ?? code})`);
  }
  if (nestedDeeperThan(doc, MAX_JSON_DEPTH)) {
    throw new InputError(`${file}: JSON nested more than ${MAX_JSON_DEPTH} levels deep; this is not a configuration file of this kind`);
  }
  return doc;
}
