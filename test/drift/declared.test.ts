/**
 * The declared side and the comparison modes, pure: `${…}` resolution (outputs, literals of other resources,
 * interpolations, learned values, computed left listed), and each compare mode's notion of equality.
 */
import { InputError } from "../../common/errors";
import { canonical, display, equal, normalisePolicy } from "../../drift/compare";
import { declarationFromText, parseTemplate } from "../../drift/declared";
import { diffResource } from "../../drift/differ";
import type { Reader } from "../../drift";
import { sampleOutputs } from "../helpers/fixtures";

const doc = {
  provider: { tencentcloud: [{ region: "ap-guangzhou" }, { alias: "sh", region: "ap-shanghai" }] },
  data: { tencentcloud_user_info: { me: {} } },
  resource: {
    tencentcloud_cos_bucket: { b: { bucket: "up-${data.tencentcloud_user_info.me.app_id}", acl: "private", "//": { metadata: {} } } },
    tencentcloud_vpc: { v: { name: "net", cidr_block: "10.0.0.0/16", provider: "tencentcloud.sh" } },
    tencentcloud_subnet: { s: { name: "sub", vpc_id: "${tencentcloud_vpc.v.id}", tags: { vpc: "${tencentcloud_vpc.v.name}" } } },
    tencentcloud_mysql_instance: { db: { intranet_port: 3306, security_groups: ["${tencentcloud_security_group.g.id}"], note: "$${literal}" } },
    tencentcloud_css_callback_template: { t: { callback_key: "${random_password.k.result}", depends_on: ["x"] } },
  },
  output: {
    appid: { value: "${data.tencentcloud_user_info.me.app_id}" },
    db_instance_id: { value: "${tencentcloud_mysql_instance.db.id}" },
    db_port: { value: "${tencentcloud_mysql_instance.db.intranet_port}" },
    callback_key: { value: "${random_password.k.result}", sensitive: true },
  },
};

const outputs = sampleOutputs({ appid: "1250000000", db_instance_id: "cdb-12345678", db_port: 41000, callback_key: "key-canary-0001" });
const decl = () => declarationFromText(JSON.stringify(doc, null, 2), "cdk.tf.json", outputs);

describe("parseTemplate", () => {
  it("splits literals and expressions, honours $${ escapes and braces inside expressions", () => {
    expect(parseTemplate("a-${x.y.z}-b")).toEqual([{ text: "a-" }, { expr: "x.y.z" }, { text: "-b" }]);
    expect(parseTemplate("$${x}")).toEqual([{ text: "${x}" }]);
    expect(parseTemplate('${lookup({a = "}"}, "a")}')).toEqual([{ expr: 'lookup({a = "}"}, "a")' }]);
    expect(parseTemplate("${unclosed")).toBeUndefined();
  });
});

describe("Declaration", () => {
  it("resolves interpolations through outputs, a referenced literal, and the provider alias's region", () => {
    const d = decl();
    const bucket = d.resource("tencentcloud_cos_bucket.b");
    expect(bucket.attrs.bucket).toEqual({ known: true, value: "up-1250000000", source: "config (interpolated)" });
    expect(bucket.region).toBe("ap-guangzhou");
    expect(Object.keys(bucket.attrs)).not.toContain("//");
    expect(d.resource("tencentcloud_vpc.v").region).toBe("ap-shanghai");
    const subnet = d.resource("tencentcloud_subnet.s");
    expect(subnet.attrs.tags).toMatchObject({ known: true, value: { vpc: "net" } });
  });

  it("leaves what nothing resolves computed (with its expression), until a live read teaches it", () => {
    const d = decl();
    expect(d.resource("tencentcloud_subnet.s").attrs.vpc_id).toEqual({ known: false, expression: "tencentcloud_vpc.v.id" });
    expect(d.resource("tencentcloud_mysql_instance.db").attrs.security_groups).toEqual({ known: false, expression: "tencentcloud_security_group.g.id" });
    const learned = new Map([["tencentcloud_vpc.v.id", "vpc-abc"]]);
    expect(d.resource("tencentcloud_subnet.s", learned).attrs.vpc_id).toMatchObject({ known: true, value: "vpc-abc" });
    // The VPC itself gets the learned id.
    expect(d.resource("tencentcloud_vpc.v", learned).attrs.id).toMatchObject({ known: true, value: "vpc-abc" });
    expect(d.referencesIn("tencentcloud_mysql_instance.db")).toEqual([{ attribute: "security_groups", index: 0, expression: "tencentcloud_security_group.g.id" }]);
  });

  it("takes ids and what the deploy produced from the outputs (also over a configured value); secrets from sensitive outputs", () => {
    const db = decl().resource("tencentcloud_mysql_instance.db");
    expect(db.attrs.id).toEqual({ known: true, value: "cdb-12345678", source: "output db_instance_id" });
    expect(db.attrs.intranet_port).toEqual({ known: true, value: 41000, source: "output db_port" });
    expect(db.attrs.note).toMatchObject({ known: true, value: "${literal}" });
    expect(decl().resource("tencentcloud_css_callback_template.t").attrs.callback_key).toMatchObject({ known: true, value: "key-canary-0001" });
    expect(Object.keys(decl().resource("tencentcloud_css_callback_template.t").attrs)).not.toContain("depends_on");
  });

  it("points at the block's line for locations, and refuses what is not a synthesized stack", () => {
    const d = decl();
    const text = JSON.stringify(doc, null, 2).split("\n");
    expect(text[d.lineOf("tencentcloud_subnet.s") - 1]).toContain('"s"');
    expect(() => declarationFromText("{}", "x/cdk.tf.json", outputs)).toThrow(InputError);
    expect(() => declarationFromText("{", "x/cdk.tf.json", outputs)).toThrow(/x\/cdk\.tf\.json:1: not valid JSON/);
  });
});

describe("compare modes", () => {
  it("policy-json: by meaning (statement/action/resource as list or string, order, effect case)", () => {
    const a = { version: "2.0", statement: [{ effect: "allow", action: ["name/cos:GetObject", "name/cos:PutObject"], resource: ["qcs::cos:r:uid/1:b/*"] }] };
    const b = JSON.stringify({ version: "2.0", statement: { effect: "Allow", action: ["name/cos:PutObject", "name/cos:GetObject", "name/cos:PutObject"], resource: "qcs::cos:r:uid/1:b/*" } });
    expect(equal("policy-json", JSON.stringify(a), b)).toBe(true);
    expect(equal("policy-json", a, JSON.stringify({ ...a, statement: [{ ...a.statement[0], action: ["name/cos:*"] }] }))).toBe(false);
    expect(equal("policy-json", a, { ...a, statement: [{ ...a.statement[0], effect: "deny" }] })).toBe(false);
    expect(normalisePolicy("not json")).toEqual({ unparseable: "not json" });
  });

  it("scalars, sets, maps, urls, booleans, numbers, case", () => {
    expect(equal("exact", 10001, "10001")).toBe(true);
    expect(equal("number", "3306", 3306)).toBe(true);
    expect(equal("bool", true, 1)).toBe(true);
    expect(equal("bool", false, "0")).toBe(true);
    expect(equal("bool", true, false)).toBe(false);
    expect(equal("case-insensitive", "Push.Example.com", "push.example.com")).toBe(true);
    expect(equal("set", ["b", "a", "a"], ["a", "b"])).toBe(true);
    expect(equal("set", ["a"], ["a", "b"])).toBe(false);
    expect(equal("map", { a: "1" }, { a: 1 })).toBe(true);
    expect(equal("map", { a: "1" }, { a: "1", b: "2" })).toBe(false);
    expect(equal("url", "HTTP://Backend.Example.com:80/cb.php", "http://backend.example.com/cb.php")).toBe(true);
    expect(equal("url", "http://backend.example.com/cb.php", "http://backend.example.com/other.php")).toBe(false);
    expect(equal("object-set", [{ x: 1 }, { x: 2 }], [{ x: 2 }, { x: 1 }])).toBe(true);
    expect(equal("object-list", [{ x: 1 }, { x: 2 }], [{ x: 2 }, { x: 1 }])).toBe(false);
    expect(canonical({ b: 1, a: [2, { d: 1, c: 0 }] })).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });

  it("secrets are compared but never shown; SecretIds masked", () => {
    expect(equal("secret", "k1", "k1")).toBe(true);
    expect(display("secret", "k1-secret")).toBe("***");
    expect(display("secret", null)).toBeNull();
    expect(display("secret-id", "AKIDabcdefgh12345678")).toBe("AKID…5678");
  });
});

describe("diffResource", () => {
  const reader: Reader = {
    type: "t",
    service: "x",
    attributes: {
      a: { compare: "exact", from: "A" },
      key: { compare: "secret", from: "K" },
      e: { compare: "exact", from: "E", expected: "on" },
      c: { compare: "exact", from: "C" },
    },
    notComparable: { pw: "write-only" },
    identity: () => "id",
    read: async () => ({ exists: false }),
  };
  const d = {
    address: "t.n",
    type: "t",
    name: "n",
    region: "r",
    config: {},
    attrs: {
      a: { known: true as const, value: "1", source: "config" },
      key: { known: true as const, value: "secret-value-1", source: "output callback_key" },
      c: { known: false as const, expression: "x.y.id" },
      pw: { known: true as const, value: "p", source: "config" },
      odd: { known: true as const, value: 1, source: "config" },
    },
  };

  it("changed findings per attribute with the deploy fix, secrets masked; computed, not comparable and unknown listed", () => {
    const { findings, coverage } = diffResource("live-demo-dev", d, reader, { exists: true, attrs: { a: "2", key: "other-secret", e: "off", c: "z" } });
    expect(findings.map((f) => [f.attribute, f.kind, f.declared, f.live])).toEqual([
      ["a", "changed", "1", "2"],
      ["key", "changed", "***", "***"],
      ["e", "changed", "on", "off"],
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/secret-value-1|other-secret/);
    expect(findings[0].fix).toEqual(expect.objectContaining({ kind: "deploy", command: "cdktf deploy live-demo-dev" }));
    expect(coverage).toMatchObject({
      status: "compared",
      compared: ["a", "key", "e"],
      computed: [{ attribute: "c", expression: "x.y.id" }],
      notComparable: [{ attribute: "pw", reason: "write-only" }],
      unknown: ["odd"],
    });
  });

  it("a missing resource is one finding; unmanaged extras keep their own fix", () => {
    const { findings } = diffResource("s", d, reader, {
      exists: false,
      unmanaged: [{ attribute: "rule", live: { x: 1 }, message: { zh: "z", en: "e" }, fix: { manual: { zh: "手工", en: "by hand" } } }],
    });
    expect(findings.map((f) => [f.attribute, f.kind, f.fix.kind])).toEqual([
      [null, "missing", "deploy"],
      ["rule", "unmanaged", "manual"],
    ]);
  });
});
