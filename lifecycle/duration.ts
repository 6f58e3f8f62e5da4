/** `--older-than` durations: one or more `<n><unit>` with units s, m, h, d, w (e.g. `6h`, `1h30m`, `2d`). */
import { InputError } from "../common/errors";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string, flag = "--older-than"): number {
  const t = text.trim();
  const re = /(\d+)([smhdw])/gy;
  let ms = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(t))) {
    ms += Number(m[1]) * UNIT_MS[m[2]];
    end = re.lastIndex;
  }
  if (!t || end !== t.length || !Number.isSafeInteger(ms)) {
    throw new InputError(`${flag} must be a duration such as 90m, 6h, 1h30m or 2d (units s, m, h, d, w; got "${text}")`);
  }
  return ms;
}
