/** What every sandbox handler (API 3.0, COS, control) receives. Kept in its own file so handlers can import it. */
import type { StateStore } from "./state";
import type { Faults } from "./faults";
import type { RateLimiter } from "./rate-limit";

export interface SandboxContext {
  store: StateStore;
  faults: Faults;
  /** API 3.0 per-action rate limits and request counters (rate-limit.ts); absent = no limits, no counters. */
  rateLimits?: RateLimiter;
  /** One log line (no trailing newline); goes to stderr in the CLI. Never pass a secret. */
  log(line: string): void;
  /** Server clock in ms (tests shift it to provoke expiry errors); absent = Date.now. */
  now?: () => number;
}
