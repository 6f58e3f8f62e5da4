import { InputError } from "./errors";

/** The checks every fleet run (validate, drift) makes before any request: unique stack names, a sane concurrency. */
export function checkFleetOptions(stacks: ReadonlyArray<{ stack: string }>, concurrency: number): void {
  const seen = new Set<string>();
  for (const s of stacks) {
    if (seen.has(s.stack)) throw new InputError(`stack ${s.stack} is named twice`);
    seen.add(s.stack);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency must be a positive integer (got ${concurrency})`);
}
