/**
 * Keeps stdout for the report alone: while the guard is up, anything written to process.stdout in this process
 * (console.log of an in-process part, a stray progress line) goes to stderr instead. The report is written through
 * the returned `writeStdout`, which bypasses the guard. Child processes are separate: the demo spawns them with
 * their stdout piped or sent to stderr.
 */
export interface StdoutGuard {
  /** Writes to the real stdout. */
  writeStdout(text: string): Promise<void>;
  /** Puts process.stdout.write back. */
  release(): void;
}

export function guardStdout(): StdoutGuard {
  const stdout = process.stdout;
  const original = stdout.write;
  const toStderr = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    return (process.stderr.write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  };
  stdout.write = toStderr as typeof stdout.write;
  let released = false;
  return {
    writeStdout(text: string): Promise<void> {
      return new Promise((resolve, reject) =>
        (original as (chunk: string, cb: (err?: Error | null) => void) => boolean).call(stdout, text, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
    release(): void {
      if (released) return;
      released = true;
      if (stdout.write === (toStderr as unknown)) stdout.write = original;
    },
  };
}
