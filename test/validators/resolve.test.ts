/**
 * The validators' resolver (validators/clients/resolve.ts): `--resolve HOST:ADDR[,ADDR]` and LIVE_INFRA_RESOLVE
 * parsing, overrides before the system resolver, every address, a per-call timeout, and the lookup handed to
 * connections. The system lookup is injected: nothing here touches DNS.
 */
import * as http from "http";
import type { LookupAddress } from "dns";
import { InputError } from "../../common/errors";
import { ResolveError, Resolver, parseResolveEnv, parseResolveFlag, resolveOverrides } from "../../validators/clients/resolve";

type Answer = { err?: { code: string }; addresses?: LookupAddress[]; never?: boolean };

/** A stand-in for dns.lookup(all: true) answering from a table; records what it was asked. */
function fakeLookup(table: Record<string, Answer>) {
  const asked: string[] = [];
  const lookup = (host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    asked.push(host);
    const a = table[host] ?? { err: { code: "ENOTFOUND" } };
    if (a.never) return;
    setImmediate(() => (a.err ? cb(Object.assign(new Error(a.err.code), a.err), []) : cb(null, a.addresses ?? [])));
  };
  return { lookup, asked };
}

describe("--resolve and LIVE_INFRA_RESOLVE", () => {
  test("HOST:ADDR[,ADDR] with IPv4 and IPv6 (bare or bracketed); names match without case or a final dot", () => {
    expect(parseResolveFlag("Backend.Example.com.:81.70.1.10,2400:da00::1,[2001:4860::8888]")).toEqual([
      "backend.example.com",
      [
        { address: "81.70.1.10", family: 4 },
        { address: "2400:da00::1", family: 6 },
        { address: "2001:4860::8888", family: 6 },
      ],
    ]);
  });

  test("env form host=addr,addr;host2=addr; a flag wins for its host", () => {
    expect([...parseResolveEnv("a.example.com=1.1.1.1,8.8.8.8; ;b.example.com=9.9.9.9")]).toEqual([
      ["a.example.com", [{ address: "1.1.1.1", family: 4 }, { address: "8.8.8.8", family: 4 }]],
      ["b.example.com", [{ address: "9.9.9.9", family: 4 }]],
    ]);
    const o = resolveOverrides(["a.example.com:10.0.0.1"], { LIVE_INFRA_RESOLVE: "a.example.com=1.1.1.1;b.example.com=9.9.9.9" });
    expect(o.get("a.example.com")).toEqual([{ address: "10.0.0.1", family: 4 }]);
    expect(o.get("b.example.com")).toEqual([{ address: "9.9.9.9", family: 4 }]);
    expect(resolveOverrides([], {}).size).toBe(0);
  });

  test.each([
    ["no colon", "backend.example.com", /--resolve: .* has no ":"/],
    ["not an address", "backend.example.com:not-an-ip", /--resolve: "not-an-ip" is not an IPv4 or IPv6 address/],
    ["empty address", "backend.example.com:1.1.1.1,", /--resolve: an empty address/],
    ["IP as host", "127.0.0.1:1.1.1.1", /--resolve: "127\.0\.0\.1" is not a host name/],
    ["no host", ":1.1.1.1", /--resolve: no host name/],
  ])("a malformed flag (%s) is an InputError naming --resolve", (_n, value, re) => {
    expect(() => parseResolveFlag(value)).toThrow(InputError);
    expect(() => parseResolveFlag(value)).toThrow(re);
  });

  test("a malformed variable is an InputError naming LIVE_INFRA_RESOLVE", () => {
    expect(() => resolveOverrides([], { LIVE_INFRA_RESOLVE: "backend.example.com:1.1.1.1" })).toThrow(/^LIVE_INFRA_RESOLVE: .* has no "="/);
    expect(() => resolveOverrides([], { LIVE_INFRA_RESOLVE: "x.example.com=999.1.1.1" })).toThrow(/LIVE_INFRA_RESOLVE: "999\.1\.1\.1" is not/);
  });
});

describe("Resolver", () => {
  test("a declared name never reaches the system resolver", async () => {
    const f = fakeLookup({});
    const r = new Resolver({ overrides: resolveOverrides(["backend.example.com:81.70.1.10,10.0.0.1"], {}), lookup: f.lookup });
    await expect(r.resolve("BACKEND.example.com")).resolves.toEqual({
      host: "BACKEND.example.com",
      source: "override",
      addresses: [
        { address: "81.70.1.10", family: 4 },
        { address: "10.0.0.1", family: 4 },
      ],
    });
    expect(f.asked).toEqual([]);
  });

  test("other names: every address the system resolver returns", async () => {
    const f = fakeLookup({ "cdn.example.com": { addresses: [{ address: "81.70.1.10", family: 4 }, { address: "2400:da00::1", family: 6 }] } });
    const r = new Resolver({ lookup: f.lookup });
    const res = await r.resolve("cdn.example.com");
    expect(res.source).toBe("dns");
    expect(res.addresses.map((a) => a.address)).toEqual(["81.70.1.10", "2400:da00::1"]);
    expect(f.asked).toEqual(["cdn.example.com"]);
  });

  test("not found, resolver failure, no answer and abort are ResolveErrors; only the first is notFound", async () => {
    const f = fakeLookup({ "gone.example.com": { err: { code: "ENOTFOUND" } }, "flaky.example.com": { err: { code: "EAI_AGAIN" } }, "slow.example.com": { never: true } });
    const r = new Resolver({ lookup: f.lookup, timeoutMs: 50 });
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e) => e as ResolveError);
    const gone = await err(r.resolve("gone.example.com"));
    expect(gone).toBeInstanceOf(ResolveError);
    expect(gone).toMatchObject({ code: "ENOTFOUND", notFound: true });
    const flaky = await err(r.resolve("flaky.example.com"));
    expect(flaky).toMatchObject({ code: "EAI_AGAIN", notFound: false });
    const t0 = Date.now();
    const slow = await err(r.resolve("slow.example.com"));
    expect(slow).toMatchObject({ code: "ETIMEOUT", notFound: false });
    expect(slow!.message).toMatch(/did not answer within 50 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
    const ac = new AbortController();
    const p = err(r.resolve("slow.example.com", { signal: ac.signal, timeoutMs: 10_000 }));
    ac.abort();
    expect(await p).toMatchObject({ code: "EABORTED" });
    // An empty answer is not a pass-through: no address at all.
    const empty = await err(new Resolver({ lookup: fakeLookup({ "none.example.com": { addresses: [] } }).lookup }).resolve("none.example.com"));
    expect(empty).toMatchObject({ code: "ENODATA", notFound: true });
  });

  test("the lookup for connections honours the overrides (both callback shapes)", async () => {
    const r = new Resolver({ overrides: resolveOverrides(["probe.example.com:127.0.0.1"], {}), lookup: fakeLookup({}).lookup });
    const lookup = r.lookupFunction() as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void;
    const one = await new Promise<unknown[]>((res) => lookup("probe.example.com", {}, (...a) => res(a)));
    expect(one).toEqual([null, "127.0.0.1", 4]);
    const all = await new Promise<unknown[]>((res) => lookup("probe.example.com", { all: true }, (...a) => res(a)));
    expect(all).toEqual([null, [{ address: "127.0.0.1", family: 4 }]]);
    const missing = await new Promise<unknown[]>((res) => lookup("nope.example.com", {}, (...a) => res(a)));
    expect((missing[0] as NodeJS.ErrnoException).code).toBe("ENOTFOUND");

    // A real connection through it: the declared name reaches a local server.
    const srv = http.createServer((_q, s) => s.end("ok"));
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    try {
      const port = (srv.address() as { port: number }).port;
      const body = await new Promise<string>((res, rej) => {
        http
          .get({ host: "probe.example.com", port, path: "/", agent: false, lookup: r.lookupFunction() }, (resp) => {
            let b = "";
            resp.on("data", (c) => (b += c));
            resp.on("end", () => res(b));
          })
          .on("error", rej);
      });
      expect(body).toBe("ok");
    } finally {
      await new Promise((res) => srv.close(res));
    }
  });
});
