/**
 * `live-infra synth` through the compiled CLI in dist/ (built by the jest global setup).
 *
 * Most runs go through the CLI's `main` in this process (`run`). Real processes (`runProcess`): the bad environment
 * value (the exit-2 smoke: one line on stderr, no stack trace) and the migration provisioner's command, which
 * terraform's local-exec runs as a shell command.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkSynthesizedFile } from "../../stacks/conformance";
import { createTestDatabase, testServer } from "../helpers/mysql";
import { envDoc, REPO_ROOT } from "../helpers/stacks-fixtures";

import { CLI, requireBuiltCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";

// LIVE_INFRA_EPHEMERAL_FROM in the caller's shell would turn every synth into an ephemeral copy.
const ENV = () => ({ ...process.env, CHECKPOINT_DISABLE: "1", LIVE_INFRA_DEBUG: "", LIVE_INFRA_EPHEMERAL_FROM: "" });

/** `live-infra ...args` in this process. */
function run(args: string[], cwd = REPO_ROOT) {
  return runCliInProcess(args, ENV(), cwd);
}

/** `live-infra ...args` as a real process. */
function runProcess(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: ENV(), timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


let tmp: string;
beforeAll(() => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-synth-cli-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("live-infra synth", () => {
  test("writes cdktf.out/stacks/live-demo-<env>/cdk.tf.json for every environment, conforming to the schema", async () => {
    const outdir = path.join(tmp, "out");
    const r = await run(["synth", "--outdir", outdir]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const envs = fs.readdirSync(path.join(REPO_ROOT, "environments")).filter((f) => f.endsWith(".json") && f !== "schema.json");
    expect(envs.length).toBeGreaterThanOrEqual(2);
    for (const f of envs) {
      const stack = `live-demo-${f.replace(/\.json$/, "")}`;
      const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
      expect(fs.existsSync(file)).toBe(true);
      expect(checkSynthesizedFile(file)).toEqual([]);
      expect(r.stdout).toContain(`${stack}: `);
      const doc = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(Object.keys(doc.resource)).toEqual(
        expect.arrayContaining(["tencentcloud_cos_bucket", "tencentcloud_css_domain", "tencentcloud_mysql_instance", "terraform_data"]),
      );
    }
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
    expect(r.stderr).toMatch(/synth: \d+ stack\(s\) written/);
    expect(r.stderr).toContain("LD-DB-PUBLIC-1"); // dev's public MySQL warning
  });

  test("--env picks environments; the default outdir is ./cdktf.out", async () => {
    const cwd = path.join(tmp, "cwd");
    fs.mkdirSync(cwd);
    const r = await run(["synth", "--env", "prod"], cwd);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(cwd, "cdktf.out", "stacks", "live-demo-prod", "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(cwd, "cdktf.out", "stacks", "live-demo-dev"))).toBe(false);
  });

  test("a bad environment value exits 2 with one line naming file and field, no stack trace", () => {
    const envs = path.join(tmp, "envs");
    fs.mkdirSync(envs);
    const doc = envDoc("dev");
    doc.mysql.memory_mb = 64;
    fs.writeFileSync(path.join(envs, "dev.json"), JSON.stringify(doc, null, 2));
    const r = runProcess(["synth", "--environments", envs, "--outdir", path.join(tmp, "bad")]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^live-infra synth: .*dev\.json: field "mysql\.memory_mb": must be a whole number of MB from 1000 to 32000.*\(got 64\)$/);
  });

  test("an unknown environment is a usage error; --help documents the options", async () => {
    expect((await run(["synth", "--env", "nope", "--outdir", path.join(tmp, "x")])).code).toBe(2);
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    const blocked = await run(["synth", "--outdir", path.join(file, "out")]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/a-file\/out: cannot create the output folder \(ENOTDIR\); choose another --outdir/);
    const help = await run(["synth", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--env/);
    expect(help.stdout).toMatch(/--outdir/);
    const version = await run(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version);
  });
});

describe("the synthesized migration provisioner, run as terraform's local-exec would", () => {
  test("its command and environment migrate a real MariaDB as root (references filled in, database name made unique)", async () => {
    const outdir = path.join(tmp, "prov");
    expect((await run(["synth", "--env", "dev", "--outdir", outdir])).code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "live-demo-dev", "cdk.tf.json"), "utf8"));
    const exec = doc.resource.terraform_data.db_schema.provisioner[0]["local-exec"];
    expect(exec.command).toBe(`node ${JSON.stringify(CLI)} migrate`);

    const server = await testServer();
    const db = await createTestDatabase("stacks_prov", { create: false });
    // What terraform would substitute at apply time, pointed at the test server.
    const fill = (v: string) =>
      v
        .replace("${tencentcloud_mysql_instance.db.internet_host}", server.host)
        .replace("${tencentcloud_mysql_instance.db.internet_port}", String(server.port))
        .replace("${random_password.db_root_password.result}", server.password)
        .replace("mysql://root@", `mysql://${encodeURIComponent(server.user)}@`)
        .replace(/\/live_demo$/, `/${db.name}`);
    const environment = Object.fromEntries(Object.entries<string>(exec.environment).map(([k, v]) => [k, fill(v)]));
    expect(Object.keys(environment).sort()).toEqual([
      "LIVE_INFRA_ADMIN_PASSWORD",
      "LIVE_INFRA_ADMIN_URL",
      "LIVE_INFRA_MYSQL_PASSWORD",
      "LIVE_INFRA_MYSQL_URL",
    ]);
    expect(environment.LIVE_INFRA_MYSQL_URL).not.toContain("${");

    // local-exec inherits the deployer's environment: an admin URL left there (pointing nowhere) must not be used.
    const r = spawnSync("/bin/sh", ["-c", exec.command], {
      cwd: tmp,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        LIVE_INFRA_ADMIN_URL: "mysql://root@127.0.0.1:1/",
        LIVE_INFRA_ADMIN_PASSWORD: "left-over",
        ...environment,
      },
      timeout: 60_000,
    });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const conn = await db.connect();
    try {
      const [rows] = await conn.query("SHOW TABLES");
      const tables = (rows as Record<string, string>[]).map((row) => Object.values(row)[0]);
      expect(tables).toEqual(expect.arrayContaining(["tb_account", "tb_room", "tb_vod"]));
    } finally {
      await conn.end();
      await db.drop();
    }
  });
});
