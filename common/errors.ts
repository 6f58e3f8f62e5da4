/**
 * Errors every room can throw without importing the CLI. The CLI maps them to exit codes:
 * InputError → 2 (usage or input error), anything else → 1. Messages are shown as they are, never with a stack,
 * so they must name the bad file/field and the fix — and never contain a secret.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";

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

/**
 * JSON.parse with an InputError that names the file, the line and column of the first syntax error, and what was
 * expected — but never quotes the file's text: outputs and backend-config files hold passwords and keys, and Node's
 * own messages quote the text around the error.
 */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new InputError(`${file}: not valid JSON`);
    const line = lineOf(text, first.offset);
    const column = first.offset - text.lastIndexOf("\n", first.offset - 1);
    const code = printParseErrorCode(first.error);
    throw new InputError(`${file}:${line}: not valid JSON (column ${column}: ${JSON_ERROR_WORDS[code] ?? code})`);
  }
}
