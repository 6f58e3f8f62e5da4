/**
 * `live-infra backend-config` through the built CLI: render into an empty and into an existing backend directory,
 * `--check` naming each differing key masked, and usage/input errors exit 2 naming the flag or field.
 *
 * Most runs go through the CLI's `main` in this process (`runCliInProcess`). Real processes (`runCli`): --help and
 * the missing --stack (the exit-2 smoke).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendConfigFromOutputs, loadBackendDir, writeBackendDir } from "../../common/backend-config";
import { writeStackOutputs } from "../../common/outputs";
import { requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { sampleOutputs } from "../helpers/fixtures";

const STACK = "live-demo-hx";
const SECRETS = {
  db_password: "Canary-DbPw-7f3a9e",
  callback_key: "Canary-CbKey-41d2c8",
  signer_secret_key: "Canary-SignerKey-9b77e1",
  signer_secret_id: "AKIDCanarySignerId0000000000000000001",
};

let tmp: string;
let outputsFile: string;
beforeAll(() => {
  requireBuiltCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "handoff-bc-"));
  outputsFile = path.join(tmp, "outputs.json");
  writeStackOutputs(outputsFile, STACK, sampleOutputs(SECRETS));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const bc = (...args: string[]) => runCliInProcess(["backend-config", "--stack", STACK, "--outputs", outputsFile, ...args]);
const mode = (f: string) => fs.statSync(f).mode & 0o777;
const noSecret = (s: string) => {
  for (const v of Object.values(SECRETS)) expect(s).not.toContain(v);
};

it("--help names the flags, the files and the exit codes", async () => {
  const r = await runCli(["backend-config", "--help"]);
  expect(r.code).toBe(0);
  for (const s of ["--stack", "--outputs", "--out", "--check", "COSKEY_SECRECTKEY", "cdn.route.ini", "Exit codes"]) expect(r.stdout).toContain(s);
});

it("renders into an empty directory (0600), --check then exits 0", async () => {
  const dir = path.join(tmp, "fresh");
  const r = await bc("--out", dir);
  expect(r.code).toBe(0);
  noSecret(r.stdout + r.stderr);
  expect(r.stdout).toContain("COSKEY_SECRECTKEY (set)");
  const od = path.join(dir, "conf", "OutDefine.php");
  const ini = path.join(dir, "conf", "cdn.route.ini");
  expect(mode(od)).toBe(0o600);
  expect(mode(ini)).toBe(0o600);
  expect(fs.readFileSync(od, "utf8")).toContain("define('COSKEY_SECRECTKEY', 'Canary-SignerKey-9b77e1');");
  const cfg = loadBackendDir(dir);
  expect(cfg.apiKey).toBe(SECRETS.callback_key);
  expect(cfg.db).toMatchObject({ host: "127.0.0.1", port: 3306, name: "live_demo", user: "live_user", password: SECRETS.db_password });
  expect(cfg.cos).toMatchObject({ bucket: "live-demo-dev-upload", appid: "1250000000", secretId: SECRETS.signer_secret_id });
  const c = await bc("--check", dir);
  expect(c.code).toBe(0);
  expect(c.stdout).toContain("matches");
  // A second render changes nothing and writes no backup.
  const again = await bc("--out", dir);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/OutDefine\.php: unchanged/);
  expect(fs.readdirSync(path.join(dir, "conf")).filter((f) => f.includes(".bak-"))).toEqual([]);
});

it("a fresh render is byte for byte what the demo writes (writeBackendDir of backendConfigFromOutputs)", async () => {
  const dir = path.join(tmp, "same-as-demo");
  const demo = path.join(tmp, "demo-render");
  expect((await bc("--out", dir)).code).toBe(0);
  writeBackendDir(demo, backendConfigFromOutputs(sampleOutputs(SECRETS)));
  for (const f of ["OutDefine.php", "cdn.route.ini"]) {
    expect(fs.readFileSync(path.join(dir, "conf", f), "utf8")).toBe(fs.readFileSync(path.join(demo, "conf", f), "utf8"));
  }
});

it("--check names each differing key with the kind of difference, masked; exit 1", async () => {
  const dir = path.join(tmp, "check");
  expect((await bc("--out", dir)).code).toBe(0);
  const od = path.join(dir, "conf", "OutDefine.php");
  const ini = path.join(dir, "conf", "cdn.route.ini");
  let text = fs.readFileSync(od, "utf8");
  text = text.replace(SECRETS.signer_secret_key, "Wrong-Key-Typed-By-Hand");
  text = text.replace("'ap-guangzhou'", "'AP-Guangzhou '");
  text = text.replace(/^define\('API_KEY'.*$/m, "");
  fs.writeFileSync(od, text);
  fs.writeFileSync(ini, fs.readFileSync(ini, "utf8").replace(/^PORT=3306$/m, "PORT=3307"));
  const r = await bc("--check", dir);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/OutDefine\.php:\d+ COSKEY_SECRECTKEY: differs \(expected \(secret, not shown\), found \(secret, not shown\)\)/);
  expect(r.stdout).toMatch(/COSKEY_BUCKET_REGION: differs only by whitespace or case/);
  expect(r.stdout).toMatch(/OutDefine\.php API_KEY: missing/);
  expect(r.stdout).toMatch(/cdn\.route\.ini:\d+ DB\.PORT: differs \(expected "3306", found "3307"\)/);
  expect(r.stdout).not.toContain("Wrong-Key-Typed-By-Hand");
  expect(r.stdout).not.toMatch(/COSKEY_SECRECTID/);
  noSecret(r.stdout + r.stderr);
});

it("an existing file keeps its comments, other defines, sections and mode; the previous file is backed up (0600)", async () => {
  const dir = path.join(tmp, "existing");
  fs.mkdirSync(path.join(dir, "conf"), { recursive: true });
  const od = path.join(dir, "conf", "OutDefine.php");
  const ini = path.join(dir, "conf", "cdn.route.ini");
  const oldOd = [
    "<?php",
    "// Site settings, edited by the operator",
    "define('API_KEY', 'old-api-key-123'); // keep this comment",
    "define('COSKEY_BUCKET', 'live-demo-dev-upload-1250000000');",
    "define('COSKEY_BUCKET_REGION', 'ap-guangzhou');",
    "define('COSKEY_APPID', 0);",
    "define('COSKEY_SECRECTID', 'AKIDold');",
    "/* keys below */",
    "define('COSKEY_EXPIRED_TIME', 600);",
    "define('IM_SDKAPPID', 1400000001);",
    "define('MY_OWN_SETTING', \"hello\");",
    "",
  ].join("\n");
  const oldIni = ["; route config", "[DB]", "HOST = 10.0.0.5 ; private address", "PORT=3306", "DBNAME=live_demo", "USER=live_user", "[REDIS]", "HOST=10.0.0.9", "PASSWD=redis-own-pw", "PORT=6379", ""].join("\n");
  fs.writeFileSync(od, oldOd);
  fs.writeFileSync(ini, oldIni);
  fs.chmodSync(od, 0o640);
  fs.chmodSync(ini, 0o644);

  const r = await bc("--out", dir);
  expect(r.code).toBe(0);
  noSecret(r.stdout + r.stderr);
  expect(r.stdout).not.toContain("old-api-key-123");
  // A world-readable secret file is warned about (its mode is kept: the PHP process must still read it).
  expect(r.stderr).toContain(`${ini} is readable by every user (mode 0644)`);
  expect(r.stderr).not.toContain("OutDefine.php is readable");
  expect(r.stdout).toMatch(/API_KEY \(changed\)/);
  expect(r.stdout).toMatch(/COSKEY_SECRECTKEY \(set\)/);
  expect(r.stdout).toMatch(/DB\.PASSWD \(set\)/);
  expect(r.stdout).not.toMatch(/COSKEY_BUCKET \(changed\)/); // name-appid form of the same bucket is kept

  const newOd = fs.readFileSync(od, "utf8");
  for (const kept of ["// Site settings, edited by the operator", "// keep this comment", "/* keys below */", "define('COSKEY_EXPIRED_TIME', 600);", "define('IM_SDKAPPID', 1400000001);", "define('MY_OWN_SETTING', \"hello\");", "define('COSKEY_BUCKET', 'live-demo-dev-upload-1250000000');"]) {
    expect(newOd).toContain(kept);
  }
  expect(newOd).toContain(`define('API_KEY', '${SECRETS.callback_key}'); // keep this comment`);
  expect(newOd).toContain("define('COSKEY_APPID', 1250000000);");
  const newIni = fs.readFileSync(ini, "utf8");
  for (const kept of ["; route config", "[REDIS]", "HOST=10.0.0.9", "PASSWD=redis-own-pw"]) expect(newIni).toContain(kept);
  expect(newIni).toContain("HOST=127.0.0.1 ; private address");
  expect(mode(od)).toBe(0o640);
  expect(mode(ini)).toBe(0o644);

  const backups = fs.readdirSync(path.join(dir, "conf")).filter((f) => f.includes(".bak-")).sort();
  expect(backups).toHaveLength(2);
  expect(backups[0]).toMatch(/^OutDefine\.php\.bak-\d{8}T\d{6}Z$/);
  expect(fs.readFileSync(path.join(dir, "conf", backups[0]), "utf8")).toBe(oldOd);
  expect(fs.readFileSync(path.join(dir, "conf", backups[1]), "utf8")).toBe(oldIni);
  for (const b of backups) expect(mode(path.join(dir, "conf", b))).toBe(0o600);

  // The merged files read back as the outputs.
  const c = await bc("--check", dir);
  expect(c.code).toBe(0);
  expect(loadBackendDir(dir).db.password).toBe(SECRETS.db_password);
});

describe("usage and input errors exit 2 naming the flag or field", () => {
  it("neither or both of --out and --check", async () => {
    let r = await bc();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--out DIR");
    r = await bc("--out", path.join(tmp, "a"), "--check", path.join(tmp, "a"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--check DIR");
  });

  it("missing --stack", async () => {
    const r = await runCli(["backend-config", "--out", path.join(tmp, "b")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--stack");
  });

  it("an outputs file without the sensitive outputs names them", async () => {
    const f = path.join(tmp, "plain.json");
    const { db_password: _a, callback_key: _b, signer_secret_id: _c, signer_secret_key: _d, ...plain } = sampleOutputs();
    void _a, _b, _c, _d;
    fs.writeFileSync(f, JSON.stringify({ [STACK]: plain }));
    const r = await runCliInProcess(["backend-config", "--stack", STACK, "--outputs", f, "--out", path.join(tmp, "c")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("callback_key");
    expect(r.stderr).toContain("--outputs-file-include-sensitive-outputs");
  });

  it("a missing outputs file is named", async () => {
    const f = path.join(tmp, "nope.json");
    const r = await runCliInProcess(["backend-config", "--stack", STACK, "--outputs", f, "--out", path.join(tmp, "d")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(f);
  });

  it("--check of a directory without conf/ names the file; a malformed file names file:line", async () => {
    const dir = path.join(tmp, "empty");
    fs.mkdirSync(dir);
    let r = await bc("--check", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(dir, "conf", "OutDefine.php"));
    const bad = path.join(tmp, "bad");
    expect((await bc("--out", bad)).code).toBe(0);
    const ini = path.join(bad, "conf", "cdn.route.ini");
    fs.writeFileSync(ini, `[DB]\nHOST 127.0.0.1\nPASSWD=${SECRETS.db_password}\n`);
    r = await bc("--check", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${ini}:2:`);
    r = await bc("--out", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${ini}:2:`);
    noSecret(r.stderr);
  });

  it("bad --bucket-style", async () => {
    const r = await bc("--out", path.join(tmp, "e"), "--bucket-style", "long");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bucket-style");
  });
});
