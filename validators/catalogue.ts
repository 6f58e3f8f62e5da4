/**
 * The check catalogue: every control, in report order. Each control (checks/<area>.ts) holds all there is about its
 * check; this list only orders them. Ids are a public contract (reports, `--only`, scenario tests); never rename or
 * remove one. Checks added after the thirteen go at the end.
 */
import { cosBucket, cosSecretId, cosSecretKey, cosUpload } from "./checks/cos";
import { dbConnect, dbPrivileges, dbReplayWindow, dbSchema, dbTimezone } from "./checks/db";
import { liveCallbackKey, liveCallbackPublic, liveCallbackReachable, liveCallbackRule, liveCallbackUrl } from "./checks/live-callbacks";
import { liveDomains } from "./checks/live-domains";
import { liveRecordRule } from "./checks/live-recording";
import type { Control } from "./types";

export const CATALOGUE: readonly Control[] = [
  cosBucket,
  cosSecretId,
  cosSecretKey,
  cosUpload,
  liveCallbackRule,
  liveCallbackUrl,
  liveCallbackKey,
  liveCallbackReachable,
  liveRecordRule,
  dbConnect,
  dbSchema,
  dbTimezone,
  dbReplayWindow,
  liveDomains,
  dbPrivileges,
  liveCallbackPublic,
];

export const CHECK_IDS: readonly string[] = CATALOGUE.map((c) => c.id);

/** Ids of the opt-in controls that `flag` (e.g. `--probe-callback`) enables. */
export function optInIds(flag: string): string[] {
  return CATALOGUE.filter((c) => c.optIn?.flag === flag).map((c) => c.id);
}
