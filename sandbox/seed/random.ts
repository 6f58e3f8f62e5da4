/** The random provider: random_password, random_string, random_id. */
import { randomInt } from "crypto";
import type { BuilderTable } from "./types";
import { ALNUM, Obj, hex, randomString } from "./values";

/** random_password as the random provider builds it: class minimums first, then any allowed character. */
export function randomPassword(cfg: Obj): string {
  const length = Number(cfg.length ?? 16);
  const classes: Array<{ on: boolean; chars: string; min: number }> = [
    { on: cfg.upper !== false, chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min: Number(cfg.min_upper ?? 0) },
    { on: cfg.lower !== false, chars: "abcdefghijklmnopqrstuvwxyz", min: Number(cfg.min_lower ?? 0) },
    { on: cfg.numeric !== false && cfg.number !== false, chars: "0123456789", min: Number(cfg.min_numeric ?? 0) },
    { on: cfg.special !== false, chars: String(cfg.override_special ?? "!@#$%&*()-_=+[]{}<>:?"), min: Number(cfg.min_special ?? 0) },
  ];
  const out: string[] = [];
  for (const c of classes) if (c.on && c.chars) for (let i = 0; i < c.min; i++) out.push(c.chars[randomInt(c.chars.length)]);
  const all = classes.filter((c) => c.on).map((c) => c.chars).join("") || ALNUM;
  while (out.length < length) out.push(all[randomInt(all.length)]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, Math.max(length, 0)).join("");
}

export const RANDOM: BuilderTable = {
  random_password: {
    computed: (a) => ({ result: randomPassword(a), id: "none", bcrypt_hash: "" }),
  },
  random_string: {
    computed: (a) => {
      const result = randomPassword(a);
      return { result, id: result, bcrypt_hash: "" };
    },
  },
  random_id: {
    computed: (a) => ({ hex: hex(Number(a.byte_length ?? 8) * 2), id: randomString(11), dec: String(randomInt(1e9)) }),
  },
};
