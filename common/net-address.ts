/**
 * Classifies a host (an IP literal or a DNS name) by whether the public internet can reach it — pure, no DNS.
 *
 * Hosts are normalised the way a WHATWG URL parser does (what Node's `URL`, browsers and most HTTP clients use), so
 * `0x7f.1`, `2130706433`, `017700000001` and `127.1` are all 127.0.0.1, and `[::ffff:127.0.0.1]` is loopback too.
 * Address ranges follow the IANA IPv4/IPv6 special-purpose address registries (RFC 6890 and its updates); names
 * follow the special-use domain names (RFC 6761, 6762, 8375, 2606, 7686, 9476) plus `.internal` and `.lan`.
 */

export type HostKind =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "documentation"
  | "benchmarking"
  | "multicast"
  | "unspecified"
  | "broadcast"
  | "reserved"
  | "invalid";

export interface HostClass {
  readonly kind: HostKind;
  /** Why, in words fit for a message, e.g. "loopback (127.0.0.0/8)". */
  readonly reason: string;
  /** The normalised host: dotted-quad IPv4, RFC 5952 IPv6 (no brackets), or the lower-case name without a final dot. */
  readonly host: string;
  /** Present when the host is an IP literal. */
  readonly ip?: { readonly family: 4 | 6; readonly address: string };
}

/** Kinds nothing on the public internet can reach (everything but "public"). */
export function isPublic(c: HostClass): boolean {
  return c.kind === "public";
}

// ---------------------------------------------------------------------------------------------------------------
// IPv4

interface Range4 {
  readonly cidr: string;
  readonly kind: HostKind;
  readonly what: string;
}

/** Most specific first: the first range that contains an address decides. */
const IPV4_RANGES: readonly Range4[] = [
  { cidr: "0.0.0.0/32", kind: "unspecified", what: "the unspecified address" },
  { cidr: "0.0.0.0/8", kind: "reserved", what: '"this network"' },
  { cidr: "10.0.0.0/8", kind: "private", what: "private network (RFC 1918)" },
  { cidr: "100.64.0.0/10", kind: "cgnat", what: "carrier-grade NAT shared space (RFC 6598)" },
  { cidr: "127.0.0.0/8", kind: "loopback", what: "loopback" },
  { cidr: "169.254.0.0/16", kind: "link-local", what: "link-local" },
  { cidr: "172.16.0.0/12", kind: "private", what: "private network (RFC 1918)" },
  { cidr: "192.0.0.0/24", kind: "reserved", what: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", kind: "documentation", what: "documentation TEST-NET-1 (RFC 5737)" },
  { cidr: "192.88.99.0/24", kind: "reserved", what: "6to4 relay anycast (deprecated)" },
  { cidr: "192.168.0.0/16", kind: "private", what: "private network (RFC 1918)" },
  { cidr: "198.18.0.0/15", kind: "benchmarking", what: "benchmarking (RFC 2544)" },
  { cidr: "198.51.100.0/24", kind: "documentation", what: "documentation TEST-NET-2 (RFC 5737)" },
  { cidr: "203.0.113.0/24", kind: "documentation", what: "documentation TEST-NET-3 (RFC 5737)" },
  { cidr: "224.0.0.0/4", kind: "multicast", what: "multicast" },
  { cidr: "255.255.255.255/32", kind: "broadcast", what: "limited broadcast" },
  { cidr: "240.0.0.0/4", kind: "reserved", what: "reserved for future use (class E)" },
];

/** Parses a canonical dotted-quad IPv4 address (four decimal octets) into a 32-bit unsigned number. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

function inRange4(n: number, cidr: string): boolean {
  const [base, len] = cidr.split("/");
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((n & mask) >>> 0) === parseIPv4(base);
}

/** Classifies a 32-bit IPv4 address. */
export function classifyIPv4(n: number): { kind: HostKind; reason: string } {
  const r = IPV4_RANGES.find((x) => inRange4(n, x.cidr));
  return r ? { kind: r.kind, reason: `${r.what} (${r.cidr})` } : { kind: "public", reason: "public IPv4 address" };
}

// ---------------------------------------------------------------------------------------------------------------
// IPv6

/** Parses an IPv6 address (with `::` compression and an optional trailing dotted IPv4) into a 128-bit number. */
export function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    // "::1.2.3.4" and "a::1.2.3.4" keep their "::"; "a:b:…:1.2.3.4" loses the separator before the IPv4 part.
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const parseGroups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const parts = s.split(":");
    if (parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return undefined;
    return parts.map((p) => parseInt(p, 16));
  };
  let groups: number[];
  const dbl = head.indexOf("::");
  if (dbl >= 0) {
    if (head.indexOf("::", dbl + 1) >= 0) return undefined;
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return undefined;
    const missing = 8 - left.length - right.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
  } else {
    const all = parseGroups(head);
    if (!all) return undefined;
    groups = [...all, ...tail];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952 text of a 128-bit IPv6 address (lower case, longest run of two or more zero groups as `::`). */
export function formatIPv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

interface Range6 {
  readonly prefix: bigint;
  readonly bits: number;
  readonly text: string;
  readonly kind: HostKind | "embedded-ipv4";
  readonly what: string;
}

const range6 = (text: string, kind: Range6["kind"], what: string): Range6 => {
  const [addr, len] = text.split("/");
  return { prefix: parseIPv6(addr)!, bits: Number(len), text, kind, what };
};

/** Most specific first. "embedded-ipv4": classified by the IPv4 address in the low 32 bits. */
const IPV6_RANGES: readonly Range6[] = [
  range6("::/128", "unspecified", "the unspecified address"),
  range6("::1/128", "loopback", "loopback"),
  range6("::ffff:0:0/96", "embedded-ipv4", "IPv4-mapped IPv6 address"),
  range6("::/96", "reserved", "IPv4-compatible IPv6 address (deprecated)"),
  range6("64:ff9b::/96", "embedded-ipv4", "NAT64 well-known prefix"),
  range6("64:ff9b:1::/48", "private", "local-use NAT64 (RFC 8215)"),
  range6("100::/64", "reserved", "discard-only (RFC 6666)"),
  range6("2001:2::/48", "benchmarking", "benchmarking (RFC 5180)"),
  range6("2001:db8::/32", "documentation", "documentation (RFC 3849)"),
  range6("2001::/23", "reserved", "IETF protocol assignments"),
  range6("2002::/16", "reserved", "6to4 (deprecated)"),
  range6("3fff::/20", "documentation", "documentation (RFC 9637)"),
  range6("5f00::/16", "reserved", "segment routing SIDs (RFC 9602)"),
  range6("fc00::/7", "private", "unique local address (RFC 4193)"),
  range6("fe80::/10", "link-local", "link-local"),
  range6("fec0::/10", "private", "site-local (deprecated)"),
  range6("ff00::/8", "multicast", "multicast"),
];
const GLOBAL_UNICAST = range6("2000::/3", "public", "global unicast");

function inRange6(n: bigint, r: Range6): boolean {
  const shift = BigInt(128 - r.bits);
  return n >> shift === r.prefix >> shift;
}

/** Classifies a 128-bit IPv6 address. */
export function classifyIPv6(n: bigint): { kind: HostKind; reason: string } {
  const r = IPV6_RANGES.find((x) => inRange6(n, x));
  if (r?.kind === "embedded-ipv4") {
    const v4 = Number(n & 0xffffffffn);
    const inner = classifyIPv4(v4);
    return { kind: inner.kind, reason: `${r.what} of ${formatIPv4(v4)}: ${inner.reason}` };
  }
  if (r) return { kind: r.kind, reason: `${r.what} (${r.text})` };
  if (inRange6(n, GLOBAL_UNICAST)) return { kind: "public", reason: "public IPv6 address" };
  return { kind: "reserved", reason: "outside the global unicast range 2000::/3" };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

interface NameRule {
  /** The name itself or any name below it. */
  readonly suffix: string;
  readonly kind: HostKind;
  readonly what: string;
}

const NAME_RULES: readonly NameRule[] = [
  { suffix: "localhost", kind: "loopback", what: "localhost names resolve to loopback (RFC 6761)" },
  { suffix: "local", kind: "link-local", what: ".local is multicast DNS on the local link (RFC 6762)" },
  { suffix: "home.arpa", kind: "private", what: ".home.arpa is for home networks (RFC 8375)" },
  { suffix: "internal", kind: "private", what: ".internal is reserved for private use" },
  { suffix: "lan", kind: "private", what: ".lan is a local-network convention, not a public top-level domain" },
  { suffix: "test", kind: "reserved", what: ".test is reserved for testing (RFC 6761)" },
  { suffix: "invalid", kind: "reserved", what: ".invalid never resolves (RFC 6761)" },
  { suffix: "example", kind: "documentation", what: ".example is reserved for documentation (RFC 2606)" },
  { suffix: "onion", kind: "reserved", what: ".onion names are reachable only through Tor (RFC 7686)" },
  { suffix: "alt", kind: "reserved", what: ".alt is for non-DNS namespaces (RFC 9476)" },
];

function classifyName(name: string): { kind: HostKind; reason: string } {
  for (const r of NAME_RULES) {
    if (name === r.suffix || name.endsWith(`.${r.suffix}`)) return { kind: r.kind, reason: r.what };
  }
  if (!name.includes(".")) {
    return { kind: "private", reason: "a single-label name resolves only through a local search domain or hosts file" };
  }
  return { kind: "public", reason: "a public DNS name (not resolved here)" };
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

const invalid = (host: string, why: string): HostClass => ({ kind: "invalid", reason: why, host });

function ipv6Class(text: string): HostClass {
  // A zone id ("fe80::1%eth0", "%25" in URLs) names a local interface: the address part decides.
  const addr = text.split("%")[0];
  const n = parseIPv6(addr);
  if (n === undefined) return invalid(text, "not a valid IPv6 address");
  const address = formatIPv6(n);
  return { ...classifyIPv6(n), host: address, ip: { family: 6, address } };
}

/**
 * Classifies `host` as a URL's host part: an IPv4 literal in any form a WHATWG URL accepts, an IPv6 literal with or
 * without brackets, or a DNS name. Never resolves names and never throws; anything unusable is kind "invalid".
 */
export function classifyHost(host: string): HostClass {
  const raw = String(host).trim();
  if (!raw) return invalid(raw, "empty host");
  if (raw.startsWith("[") && raw.endsWith("]")) return ipv6Class(raw.slice(1, -1));
  if (raw.includes(":")) return ipv6Class(raw);
  // Only a host: no userinfo, port, path, query, fragment or whitespace (the URL parser would strip them silently).
  if (/[\s/?#@\\[\]]/.test(raw)) return invalid(raw, "not a host name (it holds a character such as / ? # @ or a space)");
  let normalised: string;
  try {
    normalised = new URL(`http://${raw}/`).hostname;
  } catch {
    return invalid(raw, "not a valid host name or IPv4 address");
  }
  const v4 = parseIPv4(normalised);
  if (v4 !== undefined) return { ...classifyIPv4(v4), host: normalised, ip: { family: 4, address: normalised } };
  const name = normalised.endsWith(".") ? normalised.slice(0, -1) : normalised;
  if (!name || name.startsWith(".") || name.includes("..")) return invalid(raw, "not a valid host name (empty label)");
  return { ...classifyName(name), host: name };
}
