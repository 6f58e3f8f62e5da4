import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, loadEnvironments, maxBucketBaseLength, parseEnvironment } from "../../stacks/config";
import { environmentJsonSchemaText } from "../../stacks/env-schema";
import { REGIONS } from "../../stacks/regions";
import { envConfig, envDoc, ENV_DIR } from "../helpers/stacks-fixtures";

/** The problems reported for dev.json after `mutate`. */
function problems(mutate: (d: Record<string, any>) => void, env = "dev"): string[] {
  const doc = envDoc(env);
  mutate(doc);
  try {
    parseEnvironment(doc, `environments/${env}.json`, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.message).not.toMatch(/\n\s+at /); // no stack trace in the message
    return e.problems;
  }
  throw new Error("expected a ConfigError");
}

/** Exactly one problem, for `field`; returns it. */
function oneProblem(mutate: (d: Record<string, any>) => void, field: string, env = "dev"): string {
  const p = problems(mutate, env);
  expect(p).toHaveLength(1);
  expect(p[0]).toContain(`environments/${env}.json: field "${field}": `);
  expect(p[0]).not.toContain("\n");
  return p[0];
}

describe("environment config", () => {
  test("the shipped environments are valid; defaults are filled in", () => {
    const configs = loadEnvironments(ENV_DIR);
    expect(configs.map((c) => c.env)).toEqual(["dev", "prod"]);
    expect(loadEnvironments(ENV_DIR, ["prod", "prod"]).map((c) => c.env)).toEqual(["prod"]);
    const prod = configs[1];
    expect(prod.protection).toEqual({ mode: "protected" });
    expect(prod.stackName).toBe("live-demo-prod");
    const dev = envConfig("dev", (d) => {
      delete d.live.app_name;
      delete d.mysql.engine_version;
      delete d.backend.db_user;
      delete d.state;
      delete d.callbacks;
    });
    expect(dev.live.app_name).toBe("live");
    expect(dev.mysql.engine_version).toBe("8.0");
    expect(dev.backend.db_user).toBe("live_user");
    expect(dev.state).toEqual({ backend: "local" });
    expect(dev.mysql.port).toBe(3306);
    expect(dev.callbackUrl).toBe("http://backend.dev.live-demo.example.com/callback/tape_callback.php");
  });

  test("unknown keys (typos) are rejected, naming the allowed keys", () => {
    const p = oneProblem((d) => (d.mysql.memroy_mb = 2000), "mysql.memroy_mb");
    expect(p).toContain("unknown field");
    expect(p).toContain("memory_mb");
    oneProblem((d) => (d.regoin = "ap-guangzhou"), "regoin");
  });

  test("bucket base: provider pattern and COS length rule, the stricter wins per region", () => {
    expect(maxBucketBaseLength("ap-guangzhou")).toBe(19);
    expect(maxBucketBaseLength("ap-beijing")).toBe(21);
    expect(maxBucketBaseLength("na-siliconvalley")).toBe(15);
    for (const bad of ["Live", "live_demo", "-live", "live-", "live.demo", ""]) {
      oneProblem((d) => (d.bucket.base_name = bad), "bucket.base_name");
    }
    const long = "a".repeat(20); // fits the provider's 60 but not COS's host rule in ap-guangzhou
    expect(oneProblem((d) => (d.bucket.base_name = long), "bucket.base_name")).toMatch(/1–19 characters.*ap-guangzhou/);
    expect(() => envConfig("dev", (d) => (d.bucket.base_name = "a".repeat(19)))).not.toThrow();
    expect(() => envConfig("dev", (d) => ((d.bucket.base_name = "a".repeat(21)), (d.region = "ap-beijing"), (d.mysql.availability_zone = "ap-beijing-3")))).not.toThrow();
  });

  test("unknown region", () => {
    expect(oneProblem((d) => (d.region = "ap-moon"), "region")).toMatch(/must be one of ap-guangzhou.*\(got "ap-moon"\)/);
    expect(REGIONS).toContain("ap-guangzhou");
  });

  test("non-FQDN domains", () => {
    for (const bad of ["localhost", "http://push.example.com", "push.example.com.", "Push.Example.com", "push.example.com:1935", "10.0.0.1", "push..example.com"]) {
      oneProblem((d) => (d.live.push_domain = bad), "live.push_domain");
    }
  });

  test("push == play domain", () => {
    const p = oneProblem((d) => (d.live.play_domain = d.live.push_domain), "live.play_domain");
    expect(p).toContain("must differ from live.push_domain");
  });

  test("callback base not http(s)", () => {
    for (const bad of ["ftp://backend.example.com", "backend.example.com", "http://user:pw@backend.example.com", ""]) {
      expect(oneProblem((d) => (d.backend.base_url = bad), "backend.base_url")).toMatch(/http:\/\/ or https:\/\//);
    }
    oneProblem((d) => (d.callbacks.stream_begin_url = "mailto:x@example.com"), "callbacks.stream_begin_url");
  });

  test("out-of-range MySQL sizes", () => {
    expect(oneProblem((d) => (d.mysql.memory_mb = 512), "mysql.memory_mb")).toBe(
      'environments/dev.json: field "mysql.memory_mb": must be a whole number of MB from 1000 to 32000, a multiple of 1000 (got 512)',
    );
    oneProblem((d) => (d.mysql.memory_mb = 64000), "mysql.memory_mb");
    oneProblem((d) => (d.mysql.memory_mb = "1000"), "mysql.memory_mb");
    oneProblem((d) => (d.mysql.volume_gb = 10), "mysql.volume_gb");
    oneProblem((d) => (d.mysql.volume_gb = 27), "mysql.volume_gb");
    oneProblem((d) => (d.mysql.volume_gb = 5000), "mysql.volume_gb");
    oneProblem((d) => (d.mysql.engine_version = "9.0"), "mysql.engine_version");
    oneProblem((d) => (d.mysql.port = 80), "mysql.port");
  });

  test("MySQL network: zone of the region, subnet inside the VPC, private VPC range", () => {
    oneProblem((d) => (d.mysql.availability_zone = "ap-shanghai-2"), "mysql.availability_zone");
    oneProblem((d) => (d.mysql.subnet_cidr = "10.30.1.0/24"), "mysql.subnet_cidr");
    oneProblem((d) => (d.mysql.vpc_cidr = "8.8.0.0/16"), "mysql.vpc_cidr");
    oneProblem((d) => (d.mysql.vpc_cidr = "10.20.0.1/16"), "mysql.vpc_cidr");
    oneProblem((d) => (d.backend.db_cidrs = []), "backend.db_cidrs");
    oneProblem((d) => (d.backend.db_cidrs = ["10.0.0.0/33"]), "backend.db_cidrs[0]");
  });

  test("protection: protected | ephemeral, and ephemeral needs a TTL", () => {
    expect(oneProblem((d) => (d.protection = { mode: "ephemeral" }), "protection.ttl_hours")).toContain("is required");
    oneProblem((d) => (d.protection = { mode: "ephemeral", ttl_hours: 0 }), "protection.ttl_hours");
    oneProblem((d) => (d.protection = { mode: "forever" }), "protection.mode");
    oneProblem((d) => (d.protection = { mode: "protected", ttl_hours: 5 }), "protection.ttl_hours");
  });

  test("state backend: local | cos with a full bucket name and a known region", () => {
    oneProblem((d) => (d.state = { backend: "s3" }), "state.backend");
    oneProblem((d) => (d.state = { backend: "cos", bucket: "tfstate", region: "ap-guangzhou" }), "state.bucket");
    oneProblem((d) => (d.state = { backend: "cos", bucket: "tfstate-1250000000", region: "mars-1" }), "state.region");
    expect(envConfig("dev", (d) => (d.state = { backend: "cos", bucket: "tfstate-1250000000", region: "ap-guangzhou" })).state).toEqual({
      backend: "cos",
      bucket: "tfstate-1250000000",
      prefix: "live-demo",
      region: "ap-guangzhou",
    });
  });

  test("DNSPod: the zone must be a parent of the play domain; target must be a domain", () => {
    oneProblem((d) => (d.dnspod.zone = "example.org"), "dnspod.zone");
    oneProblem((d) => (d.dnspod.cname_target = "not a domain"), "dnspod.cname_target");
  });

  test("tags: no reserved prefixes, no overriding the standard tags", () => {
    expect(oneProblem((d) => (d.tags = { "qcloud:x": "1" }), "tags.qcloud:x")).toContain(
      'bad key: tag keys must not start with qcloud, tencent, project (reserved by Tencent Cloud) (got "qcloud:x")',
    );
    expect(oneProblem((d) => (d.tags = { environment: "x" }), "tags.environment")).toContain("are set by the stack");
    expect(oneProblem((d) => (d.tags = { "a\tb": "x" }), "tags.a\tb")).toContain("1–127 characters");
    expect(oneProblem((d) => (d.tags = { owner: 1 }), "tags.owner")).toContain("tag values must be strings (got 1)");
    expect(oneProblem((d) => (d.tags = ["owner"]), "tags")).toContain("must be an object of tag key → value");
    expect(oneProblem((d) => (d.dnspod.record_line = ""), "dnspod.record_line")).toContain("must be a DNSPod line name");
  });

  test("other fields: recording formats, CORS origins, names, variables", () => {
    oneProblem((d) => (d.recording.formats = []), "recording.formats");
    oneProblem((d) => (d.recording.formats = ["avi"]), "recording.formats[0]");
    oneProblem((d) => (d.recording.formats = ["hls", "hls"]), "recording.formats");
    oneProblem((d) => (d.bucket.cors_origins = ["https://app.example.com/path"]), "bucket.cors_origins[0]");
    oneProblem((d) => (d.name_prefix = "Live Demo"), "name_prefix");
    oneProblem((d) => (d.backend.db_user = "root"), "backend.db_user");
    oneProblem((d) => (d.callbacks.key_variable = "TF_VAR-x"), "callbacks.key_variable");
    oneProblem((d) => (d.live.app_name = "live/app"), "live.app_name");
  });

  test("field and cross-field problems are all listed in one run, each field once", () => {
    const p = problems((d) => {
      d.mysql.memory_mb = 1;
      d.live.play_domain = d.live.push_domain;
      d.bucket.base_name = "a".repeat(25);
      d.mysql.subnet_cidr = "10.99.0.0/24";
    });
    expect(p.map((l) => /field "([^"]+)"/.exec(l)?.[1])).toEqual(["mysql.memory_mb", "bucket.base_name", "live.play_domain", "mysql.subnet_cidr"]);
    // a region problem suppresses the region-dependent checks instead of reporting them twice
    const q = problems((d) => ((d.region = "nowhere"), (d.bucket.base_name = "a".repeat(25))));
    expect(q).toHaveLength(1);
    expect(q[0]).toContain('field "region"');
  });

  test("missing required fields say so", () => {
    expect(oneProblem((d) => delete d.region, "region")).toContain("is required");
    expect(oneProblem((d) => delete d.mysql, "mysql")).toBe(
      'environments/dev.json: field "mysql": is required and must be an object with the fields engine_version, memory_mb, volume_gb, ' +
        "availability_zone, vpc_cidr, subnet_cidr, public_access, port (see README, Environments)",
    );
    expect(oneProblem((d) => (d.bucket = "livedemo"), "bucket")).toMatch(/must be an object with the fields base_name, cors_origins .*\(got "livedemo"\)$/);
  });

  test("several problems: one line each; bad JSON names the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-envs-"));
    try {
      const a = envDoc("dev");
      a.mysql.memory_mb = 1;
      a.region = "nowhere";
      fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify(a, null, 2));
      fs.writeFileSync(path.join(dir, "b.json"), '{\n  "region": "ap-guangzhou",\n}\n');
      fs.writeFileSync(path.join(dir, "Bad_Name.json"), JSON.stringify(envDoc("dev")));
      let err: ConfigError | undefined;
      try {
        loadEnvironments(dir, [], "envs");
      } catch (e) {
        err = e as ConfigError;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const lines = err!.problems;
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^envs\/Bad_Name\.json: the environment name "Bad_Name"/),
          expect.stringMatching(/^envs\/a\.json: field "region": /),
          expect.stringMatching(/^envs\/a\.json: field "mysql\.memory_mb": /),
          expect.stringMatching(/^envs\/b\.json:3: not valid JSON/),
        ]),
      );
      expect(() => loadEnvironments(dir, ["zzz"], "envs")).toThrow(/envs\/zzz\.json: no such environment/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("environments/schema.json is generated from the zod schema and up to date", () => {
    expect(fs.readFileSync(path.join(ENV_DIR, "schema.json"), "utf8")).toBe(environmentJsonSchemaText());
  });
});
