/** Helpers the seeder's parts share: random identifiers and keys, and coercions of evaluated Terraform values. */
import { randomBytes, randomInt } from "crypto";

export type Json = unknown;
export type Obj = Record<string, Json>;

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const randomString = (n: number, chars = ALNUM) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join("");
export const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);

export function newSecretPair(): { secretId: string; secretKey: string } {
  return { secretId: `AKID${randomString(32)}`, secretKey: randomString(32) };
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
/** A nested block, whether the JSON holds it as a one-element list or as an object. */
export const firstBlock = (v: Json): Obj | undefined => (Array.isArray(v) ? (v[0] as Obj | undefined) : (v as Obj | undefined));
export const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
export const camelKeys = (o: Obj | undefined): Obj | undefined =>
  o ? Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [camel(k), v])) : undefined;
export const num = (v: Json, dflt: number): number => (v === undefined || v === null || v === "" ? dflt : Number(v));
export const tagsOf = (v: Json): Record<string, string> | undefined =>
  v && typeof v === "object" ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, String(x)])) : undefined;
