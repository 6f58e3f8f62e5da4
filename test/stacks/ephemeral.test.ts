/**
 * Ephemeral copies (`synth --env-from`): names derived from the CI run, every derived name within the limits of
 * COS, CAM, CSS and CDB, refusals, the janitor's tags, and the command in-process and as a real process.
 *
 * The built CLI runs once as a real process (the refused shipped name: the exit-2 smoke); the copy it writes runs
 * through the CLI's `main` in this process.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { runSynth, type SynthFlags } from "../../cli/synth";
import { InputError } from "../../common/errors";
import { ConfigError, maxBucketBaseLength, type EnvConfig } from "../../stacks/config";
import {
  ciRunFromEnv,
  DEFAULT_TTL_HOURS,
  deriveEphemeral,
  EPHEMERAL_NAME_RE,
  ephemeralRequestFrom,
  makeEphemeralEnvironment,
  nameFromCiRun,
  randomEphemeralName,
  type CiRun,
} from "../../stacks/ephemeral";
import { main } from "../../stacks/main";
import { REGIONS } from "../../stacks/regions";
import { CLI, requireBuiltCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { annotations, buildStack, envConfig, envDoc, ENV_DIR, synthStack } from "../helpers/stacks-fixtures";

const FC = { seed: 4242, numRuns: 150 };
const NOW = new Date("2026-03-01T08:00:00.250Z");

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-ephemeral-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------------
// The limits, written down here from the references (not imported from the code under test)

const APPID = "1250000000";
/** COS: provider ValidateCosBucketName; the virtual host is at most 60 characters (COS bucket-naming doc). */
const COS_BUCKET_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[0-9]{10}$/;
/** CAM: CreatePolicy PolicyName 1–128 of letters, digits and +=,.@-_; user names use the same characters (≤ 64 assumed). */
const CAM_POLICY_RE = /^[A-Za-z0-9+=,.@_-]{1,128}$/;
const CAM_USER_RE = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
/** CSS: template names are Chinese, letters, digits, _ and -, at most 255 bytes (the sandbox's TEMPLATE_NAME_RE). */
const CSS_TEMPLATE_RE = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;
const DNS_LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Every name the stack gives a resource, with the rule it must meet ("" when it meets it). */
function limitProblems(c: EnvConfig): string[] {
  const out: string[] = [];
  const check = (what: string, value: string, ok: boolean) => {
    if (!ok) out.push(`${what} ${JSON.stringify(value)} (${value.length} chars)`);
  };
  check("environment", c.env, /^[a-z][a-z0-9-]{0,19}$/.test(c.env) && EPHEMERAL_NAME_RE.test(c.env));
  check("stack", c.stackName, c.stackName === `live-demo-${c.env}`);
  const bucket = `${c.bucket.base_name}-${APPID}`;
  check("bucket", bucket, COS_BUCKET_RE.test(bucket) && bucket.length <= 60);
  check("bucket host", `${bucket}.cos.${c.region}.myqcloud.com`, `${bucket}.cos.${c.region}.myqcloud.com`.length <= 60);
  check("CAM user", `${c.name_prefix}-uploader`, CAM_USER_RE.test(`${c.name_prefix}-uploader`));
  check("CAM policy", `${c.name_prefix}-upload-objects`, CAM_POLICY_RE.test(`${c.name_prefix}-upload-objects`));
  for (const t of [`${c.name_prefix}-callbacks`, `${c.name_prefix}-recording`]) {
    check("CSS template", t, CSS_TEMPLATE_RE.test(t) && Buffer.byteLength(t) <= 255);
  }
  for (const d of [c.live.push_domain, c.live.play_domain, ...(c.dnspod ? [c.dnspod.cname_target] : [])]) {
    check("domain", d, d.length <= 253 && d.split(".").every((l) => DNS_LABEL_RE.test(l)));
  }
  for (const n of [`${c.name_prefix}-vpc`, `${c.name_prefix}-db`, `${c.name_prefix}-mysql`]) check("VPC/subnet/security group", n, n.length <= 60);
  check("CDB instance", `${c.name_prefix}-mysql`, `${c.name_prefix}-mysql`.length <= 100);
  const accountMax = ["5.5", "5.6"].includes(c.mysql.engine_version) ? 16 : 32;
  check("CDB account", c.backend.db_user, /^[a-z][a-z0-9_]*$/.test(c.backend.db_user) && c.backend.db_user.length <= accountMax);
  for (const [k, v] of Object.entries(c.standardTags)) check(`tag ${k}`, v, k.length <= 127 && v.length >= 1 && v.length <= 255);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Names

describe("ephemeral names", () => {
  const run = (runId: string, attempt = "1", job?: string): CiRun => ({ runId, attempt, ...(job ? { job } : {}) });

  test("from a CI run: ci-<run id>-<attempt>-<hash>, base 36, deterministic, a valid name", () => {
    const n = nameFromCiRun(run("16234567890", "2", "ephemeral"), "dev");
    expect(n).toMatch(/^ci-7ghn4r6-2-[0-9a-z]{4}$/);
    expect(nameFromCiRun(run("16234567890", "2", "ephemeral"), "dev")).toBe(n);
    expect(EPHEMERAL_NAME_RE.test(n)).toBe(true);
    expect(nameFromCiRun(run("16234567890", "3", "ephemeral"), "dev")).not.toBe(n); // a re-run
    expect(nameFromCiRun(run("16234567890", "2", "other-job"), "dev")).not.toBe(n);
    expect(nameFromCiRun(run("16234567890", "2", "ephemeral"), "prod")).not.toBe(n);
    // Beyond 36^9 the run id no longer fits: a 16-character hash instead, still ≤ 20 characters.
    const huge = nameFromCiRun(run("9".repeat(20)), "dev");
    expect(huge).toMatch(/^ci-[0-9a-z]{16}$/);
    expect(EPHEMERAL_NAME_RE.test(huge)).toBe(true);
  });

  test("outside CI: tmp-<8 random base-36 characters>", () => {
    const n = randomEphemeralName();
    expect(n).toMatch(/^tmp-[0-9a-z]{8}$/);
    expect(randomEphemeralName(() => Buffer.alloc(8, 0))).toBe("tmp-00000000");
    expect(randomEphemeralName()).not.toBe(n);
  });

  test("the CI run comes from GITHUB_RUN_ID / GITHUB_RUN_ATTEMPT / GITHUB_JOB; a malformed id is an input error", () => {
    expect(ciRunFromEnv({})).toBeUndefined();
    expect(ciRunFromEnv({ GITHUB_RUN_ID: "123", GITHUB_JOB: "ephemeral" })).toEqual({ runId: "123", attempt: "1", job: "ephemeral" });
    expect(() => ciRunFromEnv({ GITHUB_RUN_ID: "12a" })).toThrow(/GITHUB_RUN_ID must be the numeric id of the workflow run \(got "12a"\)/);
    expect(() => ciRunFromEnv({ GITHUB_RUN_ID: "12", GITHUB_RUN_ATTEMPT: "0" })).toThrow(InputError);
  });

  test("property: distinct runs give distinct names, and every name derived from them is distinct too", () => {
    const template = envConfig("dev");
    const runArb = fc.record({
      runId: fc.bigInt({ min: 1n, max: 10n ** 15n }).map(String),
      attempt: fc.integer({ min: 1, max: 99 }).map(String),
    });
    fc.assert(
      fc.property(fc.uniqueArray(runArb, { minLength: 2, maxLength: 6, selector: (r) => `${r.runId}/${r.attempt}` }), (runs) => {
        const copies = runs.map((r) => deriveEphemeral(template, { name: nameFromCiRun(r, "dev"), ttlHours: 24, now: NOW }).config);
        for (const pick of [
          (c: EnvConfig) => c.env,
          (c: EnvConfig) => c.name_prefix,
          (c: EnvConfig) => c.bucket.base_name,
          (c: EnvConfig) => c.live.push_domain,
          (c: EnvConfig) => c.live.play_domain,
        ]) {
          if (new Set(copies.map(pick)).size !== runs.length) return false;
        }
        return true;
      }),
      FC,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every derived name within every limit

/** A valid template: dev's settings with a random region, bucket base, domains, engine version and account. */
const templateArb = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    base: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,40}$/),
    prefix: fc.stringMatching(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/),
    labels: fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/), { minLength: 1, maxLength: 4 }),
    engine: fc.constantFrom("5.6", "5.7", "8.0"),
    user: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).filter((u) => !["root", "mysql", "tencentroot"].includes(u)),
    dnspod: fc.boolean(),
  })
  .map((t) => ({ ...t, base: t.base.slice(0, maxBucketBaseLength(t.region)).replace(/-+$/, "") }))
  .filter((t) => t.base.length > 0)
  .map((t) =>
    envConfig("dev", (d) => {
      const zone = `${t.labels.join(".")}.com`;
      d.region = t.region;
      d.mysql.availability_zone = `${t.region}-1`;
      d.bucket.base_name = t.base;
      d.name_prefix = t.prefix;
      d.live.push_domain = `push.${zone}`;
      d.live.play_domain = `play.${zone}`;
      d.mysql.engine_version = t.engine;
      d.backend.db_user = t.user;
      if (t.dnspod) d.dnspod = { zone, cname_target: `play.${zone}.livecdn.com` };
      else delete d.dnspod;
    }),
  );

const nameArb = fc.oneof(
  fc.record({ runId: fc.bigInt({ min: 1n, max: 10n ** 18n }).map(String), attempt: fc.integer({ min: 1, max: 5000 }).map(String), job: fc.option(fc.string(), { nil: undefined }) }).map((r) => nameFromCiRun(r, "t")),
  fc.stringMatching(/^[a-z](-?[a-z0-9]){0,19}$/).filter((n) => n.length <= 20),
);

describe("every derived name fits COS, CAM, CSS and CDB", () => {
  test("property: for any valid template and any name, the copy is valid and every name is within its limit", () => {
    fc.assert(
      fc.property(templateArb, nameArb, fc.integer({ min: 1, max: 720 }), (template, name, ttlHours) => {
        const { config } = deriveEphemeral(template, { name, ttlHours, now: NOW });
        expect(limitProblems(config)).toEqual([]);
        expect(config.stackName).toBe(`live-demo-${name}`);
        expect(config.bucket.base_name.length).toBeLessThanOrEqual(maxBucketBaseLength(config.region));
      }),
      FC,
    );
  });

  test("the names the property checks are the names the synthesized stack gives its resources", () => {
    const { config } = deriveEphemeral(envConfig("dev"), { name: "ci-abcdefgh-12-wxyz", ttlHours: 5, now: NOW });
    const { json } = synthStack(buildStack(config));
    const r = json.resource;
    const p = config.name_prefix;
    expect(r.tencentcloud_cos_bucket.upload_bucket.bucket).toBe(`${config.bucket.base_name}-\${data.tencentcloud_user_info.user_info.app_id}`);
    expect(r.tencentcloud_cam_user.upload_signer.name).toBe(`${p}-uploader`);
    expect(r.tencentcloud_cam_policy.upload_signer.name).toBe(`${p}-upload-objects`);
    expect(r.tencentcloud_css_callback_template.callbacks.template_name).toBe(`${p}-callbacks`);
    expect(r.tencentcloud_css_record_template.recording.template_name).toBe(`${p}-recording`);
    expect([r.tencentcloud_vpc.db.name, r.tencentcloud_subnet.db.name, r.tencentcloud_security_group.db.name]).toEqual([`${p}-vpc`, `${p}-db`, `${p}-mysql`]);
    expect(r.tencentcloud_mysql_instance.db.instance_name).toBe(`${p}-mysql`);
    expect(r.tencentcloud_mysql_account.backend.name).toBe(config.backend.db_user);
    expect(r.tencentcloud_css_domain.push_domain.domain_name).toBe(config.live.push_domain);
    expect(r.tencentcloud_dnspod_record.play_cname).toMatchObject({ domain: "example.com", sub_domain: "ci-abcdefgh-12-wxyz.play.dev.live-demo", value: config.dnspod!.cname_target });
    expect(limitProblems(config)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The copy

describe("the ephemeral copy", () => {
  const copy = (name = "pr-7", owner?: string, ciRun?: CiRun) =>
    makeEphemeralEnvironment({ from: "dev", fromSource: "--env-from", name, owner, ciRun, now: NOW }, ENV_DIR);

  test("stack live-demo-<name>, protection ephemeral with the default TTL, the template's other settings", () => {
    const { config, notes } = copy();
    const dev = envConfig("dev");
    expect(notes).toEqual([]);
    expect(config.env).toBe("pr-7");
    expect(config.stackName).toBe("live-demo-pr-7");
    expect(config.protection).toEqual({ mode: "ephemeral", ttl_hours: DEFAULT_TTL_HOURS });
    expect(config.name_prefix).toBe("live-demo-pr-7");
    expect(config.bucket.base_name).toMatch(/^livedemo-d-[0-9a-z]{8}$/);
    expect(config.live).toMatchObject({ push_domain: "pr-7.push.dev.live-demo.example.com", play_domain: "pr-7.play.dev.live-demo.example.com", app_name: "live" });
    expect(config.dnspod).toMatchObject({ zone: "example.com", cname_target: "pr-7.play.dev.live-demo.example.com.livecdn.com" });
    expect({ ...config.mysql }).toEqual({ ...dev.mysql });
    expect(config.backend).toEqual(dev.backend);
    expect(config.recording).toEqual(dev.recording);
    expect(config.callbackUrl).toBe(dev.callbackUrl);
  });

  test("tags: the standard ones set by the stack, plus ephemeral-from, created-at, expires-at, owner and ci-run", () => {
    const { config } = copy("pr-7", "alice", { runId: "555", attempt: "2" });
    expect(config.standardTags).toEqual({
      owner: "alice",
      app: "live-demo",
      environment: "pr-7",
      "managed-by": "cdktf",
      protection: "ephemeral",
      "ttl-hours": "24",
      "ephemeral-from": "dev",
      "created-at": "2026-03-01T08:00:00Z",
      "expires-at": "2026-03-02T08:00:00Z",
      "ci-run": "555-2",
    });
    expect(config.ephemeralCopy).toEqual({ from: "dev", createdAt: "2026-03-01T08:00:00Z", expiresAt: "2026-03-02T08:00:00Z", ciRun: "555-2" });
    // Without --owner the template's owner tag stays.
    expect(copy().config.standardTags.owner).toBe("live-demo-team");
    // Every taggable resource carries them, and the tags rule insists on the janitor's keys.
    const stack = buildStack(config);
    const { json } = synthStack(stack);
    expect(json.resource.tencentcloud_mysql_instance.db.tags).toMatchObject({ "expires-at": "2026-03-02T08:00:00Z", "ci-run": "555-2" });
    expect(annotations(stack).filter((a) => a.level === "error")).toEqual([]);
    const { "expires-at": _dropped, ...withoutExpiry } = config.standardTags;
    const untagged = buildStack({ ...config, standardTags: withoutExpiry });
    synthStack(untagged);
    const errors = annotations(untagged).filter((a) => a.level === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((a) => /\[LD-TAGS-1\] .* lacks the standard tag\(s\) expires-at/.test(a.message))).toBe(true);
  });

  test("environment files cannot set the tags the stack sets", () => {
    for (const key of ["expires-at", "created-at", "ci-run", "ephemeral-from", "ttl-hours"]) {
      expect(() => envConfig("dev", (d) => (d.tags = { [key]: "x" }))).toThrow(/are set by the stack/);
    }
  });

  test("a copy of prod: ephemeral (force_* allowed), its own COS state key, the callback key variable kept", () => {
    const { config } = makeEphemeralEnvironment({ from: "prod", fromSource: "--env-from", name: "prod-check", ttlHours: 3, now: NOW }, ENV_DIR);
    expect(config.protection).toEqual({ mode: "ephemeral", ttl_hours: 3 });
    expect(config.state).toMatchObject({ backend: "cos", prefix: "live-demo" });
    const stack = buildStack(config);
    const { json } = synthStack(stack);
    expect(json.terraform.backend.cos.prefix).toBe("live-demo/prod-check");
    expect(json.resource.tencentcloud_cos_bucket.upload_bucket.force_clean).toBe(true);
    expect(json.output.callback_key.value).toBe("${var.live_callback_key}");
    expect(annotations(stack).filter((a) => a.level === "error")).toEqual([]);
  });

  test("a DNSPod target not of the form <play domain>.<suffix> cannot be derived: no record, and a note says so", () => {
    const template = envConfig("dev", (d) => (d.dnspod.cname_target = "cdn.example.net"));
    const { config, notes } = deriveEphemeral(template, { name: "x1", ttlHours: 1, now: NOW });
    expect(config.dnspod).toBeUndefined();
    expect(notes).toEqual([expect.stringMatching(/^environments\/dev\.json: dnspod\.cname_target .* no DNSPod record$/)]);
  });

  test("a template domain too long for one more label is a ConfigError naming the template file and the field", () => {
    const long = `${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.${"d".repeat(61)}.com`; // 251 characters
    const template = envConfig("dev", (d) => {
      d.live.push_domain = long;
      delete d.dnspod;
    });
    let err: unknown;
    try {
      deriveEphemeral(template, { name: "pr-1", ttlHours: 1, now: NOW });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^environments\/dev\.json \(ephemeral copy "pr-1"\): field "live\.push_domain": /)]);
  });
});

describe("refusals (exit 2)", () => {
  const make = (over: Partial<Parameters<typeof makeEphemeralEnvironment>[0]>, dir = ENV_DIR) =>
    makeEphemeralEnvironment({ from: "dev", fromSource: "--env-from", name: "ok-name", now: NOW, ...over }, dir);

  test("a missing template names the file and the flag", () => {
    expect(() => make({ from: "staging" })).toThrow(/^--env-from "staging": no such template environment environments\/staging\.json \(available: dev, prod\)$/);
    expect(() => make({ from: "../dev", fromSource: "LIVE_INFRA_EPHEMERAL_FROM" })).toThrow(/^LIVE_INFRA_EPHEMERAL_FROM "\.\.\/dev": no such template/);
  });

  test("invalid names and names of shipped environments", () => {
    for (const bad of ["Dev", "9lives", "a--b", "trailing-", "a".repeat(21), "under_score", "dot.ted", ""]) {
      expect(() => make({ name: bad })).toThrow(/is not a valid ephemeral name: 1–20 lower-case letters/);
    }
    expect(() => make({ name: "dev" })).toThrow(/^--name "dev" is the name of the shipped environment environments\/dev\.json; choose another name$/);
    expect(() => make({ name: "prod", nameSource: "LIVE_INFRA_EPHEMERAL_NAME" })).toThrow(/^LIVE_INFRA_EPHEMERAL_NAME "prod" is the name of the shipped/);
  });

  test("a copy whose names would be a shipped environment's is refused", () => {
    const dir = path.join(tmp, "clash");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(ENV_DIR, "dev.json"), path.join(dir, "dev.json"));
    const other = envDoc("prod");
    other.name_prefix = "live-demo-qa";
    fs.writeFileSync(path.join(dir, "quality.json"), JSON.stringify(other));
    fs.writeFileSync(path.join(dir, "broken.json"), "{ not json"); // unrelated and broken: no obstacle
    expect(() => make({ name: "qa" }, dir)).toThrow(/^--name "qa": the copy's name prefix "live-demo-qa" is used by environments\/quality\.json; choose another name$/);
    expect(make({ name: "qa2" }, dir).config.stackName).toBe("live-demo-qa2");
  });

  test("bad TTL and owner values name their flag or variable", () => {
    expect(() => make({ ttlHours: 0 })).toThrow(/--ttl-hours must be a whole number of hours from 1 to 720/);
    expect(() => make({ owner: "", ownerSource: "LIVE_INFRA_EPHEMERAL_OWNER" })).toThrow(/^LIVE_INFRA_EPHEMERAL_OWNER must be 1–255 characters/);
    expect(() => make({ owner: "x".repeat(256) })).toThrow(/^--owner must be 1–255/);
    expect(() => ephemeralRequestFrom({}, { LIVE_INFRA_EPHEMERAL_FROM: "dev", LIVE_INFRA_EPHEMERAL_TTL_HOURS: "1.5" })).toThrow(
      /^LIVE_INFRA_EPHEMERAL_TTL_HOURS must be a whole number of hours from 1 to 720 \(got "1\.5"\)$/,
    );
    expect(() => ephemeralRequestFrom({ name: "x" }, {})).toThrow(/^--name: only for an ephemeral copy; add --env-from <env> \(or set LIVE_INFRA_EPHEMERAL_FROM\)$/);
  });

  test("flags win over variables; the variables alone ask for a copy", () => {
    const env = {
      LIVE_INFRA_EPHEMERAL_FROM: "dev",
      LIVE_INFRA_EPHEMERAL_NAME: "from-env",
      LIVE_INFRA_EPHEMERAL_TTL_HOURS: "12",
      LIVE_INFRA_EPHEMERAL_OWNER: "bob",
      GITHUB_RUN_ID: "77",
    };
    expect(ephemeralRequestFrom({}, env)).toEqual({
      from: "dev",
      fromSource: "LIVE_INFRA_EPHEMERAL_FROM",
      name: "from-env",
      nameSource: "LIVE_INFRA_EPHEMERAL_NAME",
      ttlHours: 12,
      owner: "bob",
      ownerSource: "LIVE_INFRA_EPHEMERAL_OWNER",
      ciRun: { runId: "77", attempt: "1" },
    });
    expect(ephemeralRequestFrom({ envFrom: "prod", name: "flag", ttlHours: 2, owner: "carol" }, env)).toMatchObject({
      from: "prod",
      fromSource: "--env-from",
      name: "flag",
      nameSource: "--name",
      ttlHours: 2,
      owner: "carol",
    });
    expect(ephemeralRequestFrom({}, { LIVE_INFRA_EPHEMERAL_NAME: "x" })).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The command

/** runSynth in-process with a controlled environment; returns the exit code and the lines written. */
async function synthInProcess(flags: Partial<SynthFlags>, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSynth({ outdir: path.join(tmp, "out"), ...flags }, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("live-infra synth --env-from (in-process)", () => {
  test("synthesizes only the copy, writes the GitHub outputs, and names it after the CI run when no name is given", async () => {
    const ghOut = path.join(tmp, "github-output");
    const outdir = path.join(tmp, "ci-out");
    const r = await synthInProcess(
      { envFrom: "dev", githubOutput: ghOut, outdir, ttlHours: 6 },
      { GITHUB_RUN_ID: "16234567890", GITHUB_RUN_ATTEMPT: "1", GITHUB_JOB: "ephemeral", LIVE_INFRA_EPHEMERAL_OWNER: "octocat" },
    );
    expect(r.err.filter((l) => l.startsWith("live-infra synth:"))).toEqual([]);
    expect(r.code).toBe(0);
    const name = nameFromCiRun({ runId: "16234567890", attempt: "1", job: "ephemeral" }, "dev");
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual([`live-demo-${name}`]);
    expect(r.out).toEqual([expect.stringMatching(new RegExp(`^live-demo-${name}: \\d+ resources → .*cdk\\.tf\\.json \\(conforms to the provider schema\\)$`))]);
    expect(r.err).toContainEqual(expect.stringMatching(new RegExp(`^synth: ephemeral copy of dev → stack live-demo-${name} \\(ttl 6 h, expires \\S+Z, ci-run 16234567890-1\\)$`)));
    const lines = fs.readFileSync(ghOut, "utf8").trim().split("\n");
    expect(lines).toEqual([
      `stacks=live-demo-${name}`,
      `stack=live-demo-${name}`,
      `env=${name}`,
      `dir=${path.relative(process.cwd(), path.join(outdir, "stacks", `live-demo-${name}`))}`,
      expect.stringMatching(/^expires_at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    ]);
    const doc = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", `live-demo-${name}`, "cdk.tf.json"), "utf8"));
    expect(doc.resource.tencentcloud_cos_bucket.upload_bucket.tags).toMatchObject({ owner: "octocat", "ci-run": "16234567890-1", "ttl-hours": "6", protection: "ephemeral" });
  });

  test("usage errors exit 2 with one clear line and write nothing", async () => {
    const cases: [Partial<SynthFlags>, NodeJS.ProcessEnv, RegExp][] = [
      [{ env: ["dev"], envFrom: "dev" }, {}, /--env and --env-from cannot be combined/],
      [{ envFrom: "nope" }, {}, /--env-from "nope": no such template environment environments\/nope\.json/],
      [{ envFrom: "dev", name: "prod" }, {}, /--name "prod" is the name of the shipped environment environments\/prod\.json/],
      [{ envFrom: "dev", name: "Bad Name" }, {}, /--name "Bad Name" is not a valid ephemeral name/],
      [{}, { LIVE_INFRA_EPHEMERAL_FROM: "dev", GITHUB_RUN_ID: "x1" }, /GITHUB_RUN_ID must be the numeric id/],
      [{ env: ["dev"], owner: "me" }, {}, /--owner: only for an ephemeral copy/],
    ];
    for (const [flags, env, message] of cases) {
      const outdir = path.join(tmp, "refused");
      const r = await synthInProcess({ ...flags, outdir }, env);
      expect({ code: r.code, err: r.err }).toEqual({ code: 2, err: [expect.stringMatching(message)] });
      expect(r.err[0]).toMatch(/^live-infra synth: /);
      expect(fs.existsSync(outdir)).toBe(false);
    }
  });
});

describe("the cdktf app entry (stacks/main.ts)", () => {
  test("honours LIVE_INFRA_EPHEMERAL_*: only the copy is synthesized, so `cdktf deploy live-demo-<name>` finds it", () => {
    const keys = ["CDKTF_OUTDIR", "LIVE_INFRA_EPHEMERAL_FROM", "LIVE_INFRA_EPHEMERAL_NAME", "GITHUB_RUN_ID"] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    const outdir = path.join(tmp, "cdktf-out");
    const spy = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      Object.assign(process.env, { CDKTF_OUTDIR: outdir, LIVE_INFRA_EPHEMERAL_FROM: "prod", LIVE_INFRA_EPHEMERAL_NAME: "app-entry" });
      delete process.env.GITHUB_RUN_ID;
      expect(main()).toBe(0);
      expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["live-demo-app-entry"]);
    } finally {
      spy.mockRestore();
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});

describe("live-infra synth --env-from (real CLI)", () => {
  test("a copy named by --name; a shipped name is refused with exit 2", async () => {
    requireBuiltCli();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmp, CHECKPOINT_DISABLE: "1" };
    const outdir = path.join(tmp, "cli-out");
    const ok = await runCliInProcess(["synth", "--env-from", "dev", "--name", "pr-314", "--outdir", outdir], env);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: expect.stringContaining("ephemeral copy of dev → stack live-demo-pr-314") });
    expect(ok.stdout).toMatch(/^live-demo-pr-314: \d+ resources/);
    const doc = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "live-demo-pr-314", "cdk.tf.json"), "utf8"));
    expect(doc.resource.tencentcloud_css_domain.push_domain.domain_name).toBe("pr-314.push.dev.live-demo.example.com");
    expect(doc.resource.tencentcloud_cam_user.upload_signer.tags["expires-at"]).toMatch(/Z$/);

    const refused = spawnSync(process.execPath, [CLI, "synth", "--env-from", "dev", "--name", "dev", "--outdir", outdir], { encoding: "utf8", env, timeout: 60_000 });
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe('live-infra synth: --name "dev" is the name of the shipped environment environments/dev.json; choose another name');
  });
});
