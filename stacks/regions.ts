/**
 * The one list of Tencent Cloud region ids an environment may name (`region`, `state.region`).
 *
 * Source: the union of the Go SDK's region constants (tencentcloud/common/regions/regions.go) and the official CVM
 * DescribeRegions example output (tccli services/region examples) — see the README, "Environments". Live (CSS) is
 * region-less; per-region availability of TencentDB for MySQL is not documented in full, so a region here is a valid
 * id, not a promise that every product is sold there.
 */
export const REGIONS = [
  "ap-guangzhou",
  "ap-shanghai",
  "ap-nanjing",
  "ap-beijing",
  "ap-chengdu",
  "ap-chongqing",
  "ap-xian-ec",
  "ap-guiyang",
  "ap-hongkong",
  "ap-singapore",
  "ap-jakarta",
  "ap-bangkok",
  "ap-seoul",
  "ap-tokyo",
  "na-siliconvalley",
  "na-ashburn",
  "eu-frankfurt",
  "sa-saopaulo",
  "ap-mumbai",
  "eu-moscow",
  "na-toronto",
  "ap-shanghai-fsi",
  "ap-shenzhen-fsi",
  "ap-guangzhou-open",
] as const;

export type Region = (typeof REGIONS)[number];

export function isRegion(value: unknown): value is Region {
  return typeof value === "string" && (REGIONS as readonly string[]).includes(value);
}
