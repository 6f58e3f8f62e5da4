/**
 * Host name resolution for the validators: node's `dns.lookup` (the system resolver, /etc/hosts included) with every
 * address (`all: true`) and a per-call timeout, in front of declared overrides — the way curl's
 * `--resolve HOST:ADDR[,ADDR]` declares how a name resolves. The demo and tests declare their names, so nothing is
 * looked up (and nothing is contacted) for them.
 *
 * Overrides come from repeatable `--resolve HOST:ADDR[,ADDR]` flags and from LIVE_INFRA_RESOLVE
 * (`host=addr,addr;host2=addr`); for one host a flag wins over the variable. Host names match without regard to
 * case or a final dot; addresses are IPv4 or IPv6 literals (IPv6 optionally in brackets).
 */
import * as dns from "dns";
import * as net from "net";
import { InputError } from "../../common/errors";

export const RESOLVE_ENV = "LIVE_INFRA_RESOLVE";

/** Per-call timeout when none is given, ms. */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5000;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface Resolution {
  host: string;
  addresses: ResolvedAddress[];
  /** `override`: declared with --resolve / LIVE_INFRA_RESOLVE; `dns`: the system resolver answered. */
  source: "override" | "dns";
}

/**
 * A lookup that did not give addresses. `code` is the resolver's: ENOTFOUND / ENODATA (the name has no address),
 * ETIMEOUT (no answer within the timeout), EAI_AGAIN / ESERVFAIL / … (the resolver failed).
 */
export class ResolveError extends Error {
  constructor(
    readonly host: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ResolveError";
  }

  /** True when the name itself has no address (as opposed to a resolver that failed or did not answer). */
  get notFound(): boolean {
    return NOT_FOUND_CODES.has(this.code);
  }
}

const NOT_FOUND_CODES: ReadonlySet<string> = new Set(["ENOTFOUND", "ENODATA", "EAI_NONAME", "EAI_NODATA", "NXDOMAIN"]);

/** Declared name → addresses (keys normalised by {@link normaliseHostName}). */
export type ResolveOverrides = ReadonlyMap<string, readonly ResolvedAddress[]>;

/** Lower case, without a final dot. */
export function normaliseHostName(host: string): string {
  const h = host.trim().toLowerCase();
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

const HOST_NAME_RE = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function parseAddress(text: string, where: string): ResolvedAddress {
  const t = text.trim();
  const bare = t.startsWith("[") && t.endsWith("]") ? t.slice(1, -1) : t;
  const family = net.isIP(bare);
  if (family === 0) throw new InputError(`${where}: "${t.slice(0, 64)}" is not an IPv4 or IPv6 address`);
  return { address: bare, family: family as 4 | 6 };
}

function parseEntry(hostText: string, addrText: string, where: string, form: string): [string, ResolvedAddress[]] {
  const host = normaliseHostName(hostText);
  if (!host) throw new InputError(`${where}: no host name before the address; expected ${form}`);
  if (net.isIP(host) || !HOST_NAME_RE.test(host)) {
    throw new InputError(`${where}: "${hostText.trim().slice(0, 64)}" is not a host name; expected ${form}`);
  }
  const parts = addrText.split(",").map((a) => a.trim());
  if (parts.length === 0 || parts.some((a) => a === "")) throw new InputError(`${where}: an empty address for ${host}; expected ${form}`);
  return [host, parts.map((a) => parseAddress(a, where))];
}

/** One `--resolve HOST:ADDR[,ADDR]` value (the host is everything before the first ":"). */
export function parseResolveFlag(value: string, label = "--resolve"): [string, ResolvedAddress[]] {
  const form = "HOST:ADDR[,ADDR] (e.g. backend.example.com:81.70.1.10)";
  const i = value.indexOf(":");
  if (i < 0) throw new InputError(`${label}: "${value.trim().slice(0, 64)}" has no ":"; expected ${form}`);
  return parseEntry(value.slice(0, i), value.slice(i + 1), label, form);
}

/** LIVE_INFRA_RESOLVE: `host=addr,addr;host2=addr` (empty entries are ignored). */
export function parseResolveEnv(value: string, label = RESOLVE_ENV): Map<string, ResolvedAddress[]> {
  const form = "host=addr[,addr][;host2=addr…] (e.g. backend.example.com=81.70.1.10)";
  const out = new Map<string, ResolvedAddress[]>();
  for (const entry of value.split(";")) {
    if (!entry.trim()) continue;
    const i = entry.indexOf("=");
    if (i < 0) throw new InputError(`${label}: "${entry.trim().slice(0, 64)}" has no "="; expected ${form}`);
    const [host, addrs] = parseEntry(entry.slice(0, i), entry.slice(i + 1), label, form);
    out.set(host, addrs);
  }
  return out;
}

/**
 * The overrides of a run: LIVE_INFRA_RESOLVE from `env`, then every `--resolve` value (a later flag for the same
 * host wins). A malformed value is an InputError naming the flag or variable.
 */
export function resolveOverrides(flags: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Map<string, ResolvedAddress[]> {
  const out = new Map<string, ResolvedAddress[]>();
  const fromEnv = env[RESOLVE_ENV];
  if (fromEnv && fromEnv.trim()) for (const [h, a] of parseResolveEnv(fromEnv)) out.set(h, a);
  for (const f of flags) {
    const [h, a] = parseResolveFlag(f);
    out.set(h, a);
  }
  return out;
}

type LookupAll = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

export interface ResolverOptions {
  overrides?: ResolveOverrides;
  /** Per-call timeout, ms (default {@link DEFAULT_RESOLVE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** The system lookup (tests inject one); default `dns.lookup`. */
  lookup?: LookupAll;
}

/** Resolves host names: a declared override, else the system resolver (every address, bounded by a timeout). */
export class Resolver {
  private readonly overrides: ResolveOverrides;
  private readonly timeoutMs: number;
  private readonly lookupAll: LookupAll;

  constructor(opts: ResolverOptions = {}) {
    this.overrides = opts.overrides ?? new Map();
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
    this.lookupAll = opts.lookup ?? (dns.lookup as unknown as LookupAll);
  }

  /** The declared addresses of `host`, if any. */
  override(host: string): readonly ResolvedAddress[] | undefined {
    return this.overrides.get(normaliseHostName(host));
  }

  /** Every address of `host`; rejects with a {@link ResolveError} (not found, timeout, resolver failure, aborted). */
  resolve(host: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Resolution> {
    const declared = this.override(host);
    if (declared) return Promise.resolve({ host, addresses: declared.map((a) => ({ ...a })), source: "override" });
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<Resolution>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        f();
      };
      const onAbort = () => finish(() => reject(new ResolveError(host, "EABORTED", `lookup of ${host} abandoned`)));
      const timer = setTimeout(
        () => finish(() => reject(new ResolveError(host, "ETIMEOUT", `DNS lookup of ${host} did not answer within ${timeoutMs} ms`))),
        timeoutMs,
      );
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        this.lookupAll(host, { all: true, verbatim: true }, (err, addresses) => {
          if (err) {
            const code = err.code ?? "EDNS";
            return finish(() =>
              reject(new ResolveError(host, code, NOT_FOUND_CODES.has(code) ? `${host} does not resolve (${code})` : `DNS lookup of ${host} failed (${code})`)),
            );
          }
          const list = (addresses ?? [])
            .filter((a) => a.family === 4 || a.family === 6)
            .map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
          finish(() =>
            list.length ? resolve({ host, addresses: list, source: "dns" }) : reject(new ResolveError(host, "ENODATA", `${host} has no address (ENODATA)`)),
          );
        });
      } catch (err) {
        finish(() => reject(new ResolveError(host, (err as NodeJS.ErrnoException).code ?? "EDNS", `DNS lookup of ${host} failed: ${(err as Error).message}`)));
      }
    });
  }

  /**
   * A `lookup` for net/http connections (e.g. the callback probe's POST) that honours the overrides and the timeout:
   * both callback shapes, (address, family) and, with `all: true`, [{ address, family }].
   */
  lookupFunction(): net.LookupFunction {
    return ((hostname: string, options: dns.LookupOptions | ((...a: unknown[]) => void), callback?: (...a: unknown[]) => void) => {
      const cb = (typeof options === "function" ? options : callback)!;
      const opts = (typeof options === "function" ? {} : options) ?? {};
      this.resolve(hostname).then(
        (r) => {
          const wanted = opts.family === 4 || opts.family === 6 ? r.addresses.filter((a) => a.family === opts.family) : r.addresses;
          if (!wanted.length) return cb(Object.assign(new Error(`${hostname} has no IPv${opts.family} address`), { code: "ENOTFOUND" }));
          if (opts.all) cb(null, wanted);
          else cb(null, wanted[0].address, wanted[0].family);
        },
        (e: ResolveError) => cb(Object.assign(new Error(e.message), { code: e.code, hostname })),
      );
    }) as net.LookupFunction;
  }
}
