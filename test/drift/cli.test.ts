/**
 * `live-infra drift` through the built CLI (dist/cli/index.js) against a seeded sandbox and MariaDB: exit codes
 * 0 / 1 / 2, stdout holding exactly the report, --output files, the GitHub job summary, secrets in no output.
 *
 * Most runs go through the CLI's `main` in this process (`drift`). Real processes (`driftProcess`): the untouched
 * text run (nothing on stderr, stdout ending with the verdict) and missing credentials (the exit-2 smoke).
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { XMLValidator } from "fast-xml-parser";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { OWNER, World, startWorld } from "./world";

let w: World;

beforeAll(async () => {
  requireBuiltCli();
  w = await startWorld("cli");
}, 120_000);

afterAll(async () => {
  await w?.close();
});

afterEach(async () => {
  await w.reset();
});

/** The environment of a run: the owner's keys, nothing from the developer's shell that would change the run. */
function driftEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = { ...process.env, TENCENTCLOUD_SECRET_ID: OWNER.secretId, TENCENTCLOUD_SECRET_KEY: OWNER.secretKey };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_MYSQL_URL", "LIVE_INFRA_MYSQL_PASSWORD", "GITHUB_STEP_SUMMARY"]) {
    delete base[v];
  }
  return { ...base, ...env };
}

/** `live-infra drift ...args` in this process. */
function drift(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCliInProcess(["drift", ...args], driftEnv(env));
}

/** `live-infra drift ...args` as a real process. */
function driftProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCli(["drift", ...args], driftEnv(env));
}

const inputs = () => ["--stack", w.stack, "--outputs", w.outputsFile, "--declared", w.declaredFile, "--api-endpoint", w.sb.api, "--cos-endpoint", w.sb.cos];

describe("usage and input errors (exit 2)", () => {
  it("--help documents flags, formats, exit codes and examples", async () => {
    const r = await drift(["--help"]);
    expect(r.code).toBe(0);
    for (const s of ["--stack", "--outputs", "--declared", "--format", "--output", "--lang", "--api-endpoint", "--cos-endpoint", "--skip-schema", "--timeout", "sarif", "Exit codes", "Examples", "GITHUB_STEP_SUMMARY"]) {
      expect(r.stdout).toContain(s);
    }
  });

  it("missing credentials, a bad --output, a malformed outputs file, a missing cdk.tf.json", async () => {
    let r = await driftProcess(inputs(), { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" });
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY must be set");
    r = await drift([...inputs(), "--output", "yaml=x.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--output must be FORMAT=FILE");
    const bad = path.join(w.tmp, "bad-outputs.json");
    fs.writeFileSync(bad, '{\n  "x": {\n    "appid": 1,\n  }\n}\n');
    r = await drift(["--stack", w.stack, "--outputs", bad, "--declared", w.declaredFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:`);
    r = await drift(["--stack", w.stack, "--outputs", w.outputsFile, "--declared", path.join(w.tmp, "nope.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.json: cannot read the synthesized stack");
  });
});

describe("against the sandbox", () => {
  it("untouched: exit 0, text on stdout ending with the verdict; json, --output files and the job summary from one run", async () => {
    const sarif = path.join(w.tmp, "out", "drift.sarif");
    const junit = path.join(w.tmp, "out", "drift.xml");
    const summary = path.join(w.tmp, "summary.md");
    fs.writeFileSync(summary, "# earlier step\n");
    const r = await driftProcess([...inputs(), "--lang", "en", "--output", `sarif=${sarif}`, "--output", `junit=${junit}`], { GITHUB_STEP_SUMMARY: summary });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").pop()).toMatch(/^Verdict: in sync/);
    expect(JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0].results).toEqual([]);
    expect(XMLValidator.validate(fs.readFileSync(junit, "utf8"))).toBe(true);
    const md = fs.readFileSync(summary, "utf8");
    expect(md.startsWith("# earlier step\n## live-infra drift: ")).toBe(true);
    expect(md).toContain("✅ in sync");
    const j = await drift([...inputs(), "--format", "json"]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ version: 1, stack: w.stack, inSync: true, findings: [], errors: [] });
    expect(j.stderr).toMatch(/^结论：与声明一致/);
  });

  it("drift: exit 1; every format names it; planted secrets appear in no output", async () => {
    const canaryKey = "drift-cli-canary-key-00000000001";
    await w.api("live").request("ModifyLiveCallbackTemplate", { TemplateId: Number(w.outputs.callback_template_id), CallbackKey: canaryKey });
    await w.api("live").request("ForbidLiveDomain", { DomainName: w.outputs.push_domain });
    const files = Object.fromEntries(["json", "markdown", "junit", "sarif", "text"].map((f) => [f, path.join(w.tmp, `all.${f}`)]));
    const summary = path.join(w.tmp, "summary2.md");
    const r = await drift([...inputs(), "--format", "sarif", ...Object.entries(files).flatMap(([f, file]) => ["--output", `${f}=${file}`])], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/结论：发现漂移/);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual(["tencentcloud_css_callback_template/changed", "tencentcloud_css_domain/changed"]);
    const texts = [r.stdout, r.stderr, fs.readFileSync(summary, "utf8"), ...Object.values(files).map((f) => fs.readFileSync(f, "utf8"))];
    for (const t of texts) {
      for (const secret of [canaryKey, w.outputs.callback_key!, w.outputs.db_password!, w.outputs.db_root_password!, w.outputs.signer_secret_key!, OWNER.secretKey, OWNER.secretId, w.outputs.signer_secret_id!]) {
        expect(t).not.toContain(secret);
      }
    }
    expect(fs.readFileSync(files.text, "utf8")).toMatch(/callback_key/);
    expect(JSON.parse(fs.readFileSync(files.json, "utf8")).findings).toHaveLength(2);
  });

  it("a wrong key exits 2 (never in sync); so does a closed endpoint, within --timeout", async () => {
    let r = await drift([...inputs(), "--format", "json"], { TENCENTCLOUD_SECRET_KEY: "not-the-owner-key-000000000000001" });
    expect(r.code).toBe(2);
    const rep = JSON.parse(r.stdout);
    expect(rep.inSync).toBe(false);
    expect(rep.errors.map((e: { code: string }) => e.code)).toContain("AuthFailure.SignatureFailure");
    expect(r.stdout + r.stderr).not.toContain("not-the-owner-key-000000000000001");

    const srv = net.createServer();
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((res) => srv.close(() => res()));
    const t0 = Date.now();
    r = await drift(["--stack", w.stack, "--outputs", w.outputsFile, "--declared", w.declaredFile, "--skip-schema", "--timeout", "300", "--lang", "en"], {
      LIVE_INFRA_API_ENDPOINT: `http://127.0.0.1:${port}`,
      LIVE_INFRA_COS_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    expect(r.code).toBe(2);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.stdout).toMatch(/Verdict: the live state could not be read in full/);
  });
});
