/** Short stable hashes for derived names. */
import { createHash } from "crypto";

/** `length` base-36 characters of the SHA-256 of `text` (its first 128 bits, zero-padded). */
export function shortHash(text: string, length: number): string {
  const digest = createHash("sha256").update(text).digest();
  let n = 0n;
  for (const b of digest.subarray(0, 16)) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(length, "0").slice(-length);
}
