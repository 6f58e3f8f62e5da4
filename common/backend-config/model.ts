/**
 * What the backend is configured with ({@link BackendConfig}), where its files live, and the one mapping between a
 * BackendConfig and the names the backend itself uses: OutDefine.php's constants and cdn.route.ini's `[DB]` keys.
 */
import * as path from "path";

/** Where the CVM image installs the backend. */
export const DEFAULT_BACKEND_DIR = "/data/live_demo_service";
export const OUT_DEFINE_FILE = path.join("conf", "OutDefine.php");
export const ROUTE_INI_FILE = path.join("conf", "cdn.route.ini");

/** The OutDefine.php keys the validators need (the backend's spelling). */
export const OUT_DEFINE_KEYS = [
  "API_KEY",
  "COSKEY_BUCKET",
  "COSKEY_BUCKET_REGION",
  "COSKEY_APPID",
  "COSKEY_SECRECTID",
  "COSKEY_SECRECTKEY",
] as const;
export type OutDefineKey = (typeof OUT_DEFINE_KEYS)[number];

/** The `[DB]` keys of cdn.route.ini. */
export const ROUTE_DB_KEYS = ["HOST", "PORT", "DBNAME", "USER", "PASSWD"] as const;
export type RouteDbKey = (typeof ROUTE_DB_KEYS)[number];

/** What the backend is configured with, normalised. Secrets: cos.secretKey, db.password, apiKey. */
export interface BackendConfig {
  /** API_KEY: the callback key the backend checks `sign = md5(API_KEY + t)` with. */
  apiKey: string;
  cos: {
    /** COSKEY_BUCKET as written: the short name or `name-appid`. */
    bucket: string;
    /** COSKEY_BUCKET_REGION, e.g. ap-guangzhou. */
    region: string;
    /** COSKEY_APPID as a decimal string ("0" in the untouched template). */
    appid: string;
    /** COSKEY_SECRECTID. */
    secretId: string;
    /** COSKEY_SECRECTKEY. */
    secretKey: string;
  };
  db: { host: string; port: number; name: string; user: string; password: string };
  /** Where the values came from, for messages (files, with the line of each key when known). */
  source: BackendConfigSource;
}

export interface BackendConfigSource {
  kind: "dir" | "json" | "memory";
  /** The backend directory (kind "dir"). */
  dir?: string;
  /** The backend's log directory when known (`<dir>/log`, or `logDir` of the JSON file). */
  logDir?: string;
  /** file:line of each key, e.g. { API_KEY: "conf/OutDefine.php:3", "DB.HOST": "conf/cdn.route.ini:2" }. */
  locations: Record<string, string>;
}

/** Values of the six OutDefine.php keys. */
export interface OutDefineValues {
  API_KEY: string;
  COSKEY_BUCKET: string;
  COSKEY_BUCKET_REGION: string;
  COSKEY_APPID: string;
  COSKEY_SECRECTID: string;
  COSKEY_SECRECTKEY: string;
}

/** Values of cdn.route.ini's `[DB]` section. */
export interface RouteDbValues {
  HOST: string;
  PORT: number;
  DBNAME: string;
  USER: string;
  PASSWD: string;
}

/** The six OutDefine.php values out of any record holding them (other keys dropped, numbers as decimal strings). */
export function pickOutDefineValues(values: Record<OutDefineKey, string | number>): OutDefineValues {
  return Object.fromEntries(OUT_DEFINE_KEYS.map((k) => [k, String(values[k])])) as unknown as OutDefineValues;
}

/** A configuration from the backend's values. */
export function fromBackendValues(od: OutDefineValues, db: RouteDbValues, source: BackendConfigSource): BackendConfig {
  return {
    apiKey: od.API_KEY,
    cos: {
      bucket: od.COSKEY_BUCKET,
      region: od.COSKEY_BUCKET_REGION,
      appid: od.COSKEY_APPID,
      secretId: od.COSKEY_SECRECTID,
      secretKey: od.COSKEY_SECRECTKEY,
    },
    db: { host: db.HOST, port: db.PORT, name: db.DBNAME, user: db.USER, password: db.PASSWD },
    source,
  };
}

/** A configuration as the backend names its values (the inverse of {@link fromBackendValues}). */
export function toBackendValues(cfg: BackendConfig): { outDefine: OutDefineValues; db: RouteDbValues } {
  return {
    outDefine: {
      API_KEY: cfg.apiKey,
      COSKEY_BUCKET: cfg.cos.bucket,
      COSKEY_BUCKET_REGION: cfg.cos.region,
      COSKEY_APPID: cfg.cos.appid,
      COSKEY_SECRECTID: cfg.cos.secretId,
      COSKEY_SECRECTKEY: cfg.cos.secretKey,
    },
    db: { HOST: cfg.db.host, PORT: cfg.db.port, DBNAME: cfg.db.name, USER: cfg.db.user, PASSWD: cfg.db.password },
  };
}

/** True for an integer from 1 to 65535. */
export function isPortNumber(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** Splits COSKEY_BUCKET into short name and APPID suffix (`name-1250000000` → name, "1250000000"). */
export function splitBucketName(bucket: string): { name: string; appid?: string } {
  const m = /^(.+)-(\d{5,})$/.exec(bucket);
  return m ? { name: m[1], appid: m[2] } : { name: bucket };
}
