// common/net-address.ts: the host classifier the reachability policy rule and the validators share.
import fc from "fast-check";
import { classifyHost, formatIPv4, formatIPv6, parseIPv6, type HostKind } from "../../common/net-address";

const FC = { seed: 20240611, numRuns: 200 };

const TABLE: Record<HostKind, string[]> = {
  public: [
    "8.8.8.8",
    "1.1.1.1",
    "100.63.255.255", // just below CGNAT
    "100.128.0.0", // just above CGNAT
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "203.0.114.1",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "[2400:3200::1]",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808", // NAT64 of 8.8.8.8
    "backend.live-demo.example.com",
    "example.com",
    "xn--bcher-kva.de",
    "bücher.de",
    "a.b.c.d.e.cn",
  ],
  loopback: [
    "127.0.0.1",
    "127.255.255.254",
    "0x7f.1",
    "2130706433",
    "017700000001",
    "0x7f000001",
    "127.1",
    "0177.0.0.1",
    "127.0.0.1.",
    "%31%32%37.0.0.1",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "[::ffff:7f00:1]",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "api.localhost",
  ],
  private: [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.10",
    "0xc0a80101",
    "::ffff:10.1.2.3",
    "fc00::1",
    "fd12:3456:789a::1",
    "fec0::1",
    "64:ff9b:1::1",
    "backend",
    "db-host",
    "printer.lan",
    "router.home.arpa",
    "svc.internal",
    "metadata.google.internal",
  ],
  "link-local": ["169.254.0.1", "169.254.169.254", "fe80::1", "[fe80::1%25eth0]", "fe80::1%eth0", "febf::1", "::ffff:169.254.1.1", "nas.local", "local"],
  cgnat: ["100.64.0.0", "100.127.255.255", "100.100.100.200", "::ffff:100.64.0.1"],
  documentation: ["192.0.2.1", "198.51.100.7", "203.0.113.10", "2001:db8::1", "3fff::1", "www.example"],
  benchmarking: ["198.18.0.1", "198.19.255.255", "2001:2::1"],
  multicast: ["224.0.0.1", "239.255.255.250", "ff02::1", "ff05::1:3"],
  unspecified: ["0.0.0.0", "0", "0x0", "::", "[::]", "::ffff:0.0.0.0"],
  broadcast: ["255.255.255.255", "4294967295", "::ffff:255.255.255.255"],
  reserved: [
    "0.1.2.3",
    "192.0.0.8",
    "192.88.99.1",
    "240.0.0.1",
    "255.255.255.254",
    "::1.2.3.4",
    "100::1",
    "2001::1",
    "2002:c000:0204::1",
    "5f00::1",
    "4000::1",
    "my.test",
    "nothing.invalid",
    "hidden.onion",
    "x.alt",
  ],
  invalid: ["", "  ", "1.2.3.256", "1.2.3.4.5", "foo.0x10", "a b", "1.2.3.4:80", "example.com:8080", "user@host", "host/path", "::1::1", "1:2:3:4:5:6:7:8:9", "[::1", "a..b", ".example.com", "gggg::1", "[fe80::1]x"],
};

describe("classifyHost: a table per class", () => {
  for (const [kind, hosts] of Object.entries(TABLE)) {
    test.each(hosts)(`%j is ${kind}`, (host) => {
      const c = classifyHost(host);
      expect({ host, kind: c.kind }).toEqual({ host, kind });
      expect(c.reason.length).toBeGreaterThan(0);
    });
  }

  test("normalises what it classifies: dotted quads, RFC 5952 IPv6, lower-case names without the final dot", () => {
    expect(classifyHost("0x7f.1")).toMatchObject({ host: "127.0.0.1", ip: { family: 4, address: "127.0.0.1" } });
    expect(classifyHost("[0:0::FFFF:7F00:1]")).toMatchObject({ host: "::ffff:7f00:1", ip: { family: 6 } });
    expect(classifyHost("2001:DB8:0:0:1:0:0:1").host).toBe("2001:db8::1:0:0:1");
    expect(classifyHost("Backend.Example.COM.")).toEqual({ kind: "public", reason: expect.any(String), host: "backend.example.com" });
    expect(classifyHost("::ffff:127.0.0.1").reason).toMatch(/IPv4-mapped .* of 127\.0\.0\.1: loopback \(127\.0\.0\.0\/8\)/);
    expect(classifyHost("10.1.2.3").reason).toBe("private network (RFC 1918) (10.0.0.0/8)");
  });

  test("IPv6 text round-trips through parse and format (RFC 5952)", () => {
    for (const [text, canonical] of [
      ["0:0:0:0:0:0:0:0", "::"],
      ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["::ffff:1.2.3.4", "::ffff:102:304"],
      ["fe80::", "fe80::"],
    ]) {
      expect(formatIPv6(parseIPv6(text)!)).toBe(canonical);
    }
  });
});

const octet = fc.integer({ min: 0, max: 255 });
const v4In = (base: number, bits: number) =>
  fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => formatIPv4((base + offset) >>> 0));
const ip = (a: number, b = 0, c = 0, d = 0) => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

describe("classifyHost: properties", () => {
  test.each([
    ["10.0.0.0/8", ip(10), 8, "private"],
    ["172.16.0.0/12", ip(172, 16), 12, "private"],
    ["192.168.0.0/16", ip(192, 168), 16, "private"],
    ["127.0.0.0/8", ip(127), 8, "loopback"],
    ["169.254.0.0/16", ip(169, 254), 16, "link-local"],
    ["100.64.0.0/10", ip(100, 64), 10, "cgnat"],
    ["198.18.0.0/15", ip(198, 18), 15, "benchmarking"],
    ["224.0.0.0/4", ip(224), 4, "multicast"],
  ] as const)("every IPv4 address in %s is %s", (_cidr, base, bits, kind) => {
    fc.assert(
      fc.property(v4In(base, bits), (a) => classifyHost(a).kind === kind),
      FC,
    );
  });

  test("the decimal, hex and octal spellings a URL parser accepts classify like the dotted quad", () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (o) => {
        const n = ip(o[0], o[1], o[2], o[3]);
        const dotted = classifyHost(o.join("."));
        const forms = [String(n), `0x${n.toString(16)}`, o.map((x) => `0${x.toString(8)}`).join("."), `${o[0]}.${(o[1] << 16) + (o[2] << 8) + o[3]}`];
        return forms.every((f) => {
          const c = classifyHost(f);
          return c.kind === dotted.kind && c.host === o.join(".");
        });
      }),
      FC,
    );
  });

  test("an IPv4-mapped IPv6 address (either spelling) classifies like its IPv4 address", () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (o) => {
        const kind = classifyHost(o.join(".")).kind;
        const hex = `::ffff:${((o[0] << 8) + o[1]).toString(16)}:${((o[2] << 8) + o[3]).toString(16)}`;
        return classifyHost(`::ffff:${o.join(".")}`).kind === kind && classifyHost(`[${hex}]`).kind === kind;
      }),
      FC,
    );
  });

  test("every address in fc00::/7 is private and in fe80::/10 link-local; ::1 spelled any way is loopback", () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const groups = fc.array(group, { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(fc.integer({ min: 0xfc00, max: 0xfdff }), groups, (first, rest) => classifyHost([first, ...rest].map((g) => g.toString(16)).join(":")).kind === "private"),
      FC,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0xfe80, max: 0xfebf }), groups, (first, rest) => classifyHost([first, ...rest].map((g) => g.toString(16)).join(":")).kind === "link-local"),
      FC,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.boolean(), (zeros, bracket) => {
        const text = `${"0:".repeat(zeros)}:1`.replace(/^:/, "::");
        return classifyHost(bracket ? `[${text}]` : text).kind === "loopback";
      }),
      FC,
    );
  });

  test("names below localhost are loopback; single labels are never public", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (ls) => classifyHost(`${ls.join(".")}.localhost`).kind === "loopback"), FC);
    fc.assert(
      fc.property(label, (l) => {
        const c = classifyHost(l);
        return c.kind !== "public";
      }),
      FC,
    );
  });

  test("never throws, whatever the text; anything it calls public is a name with a dot or a routable address", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fx.:%\[\]]{0,30}$/)), (s) => {
        const c = classifyHost(s);
        if (c.kind !== "public") return true;
        return c.ip !== undefined || c.host.includes(".");
      }),
      FC,
    );
  });
});
