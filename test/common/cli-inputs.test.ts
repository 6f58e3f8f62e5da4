/**
 * The shared readers through the `live-infra` CLI: a cdn.route.ini whose DB keys sit under a prototype member
 * section, outputs files of the wrong shape, and URL inputs whose password breaks the URL — each exits 2 with the
 * file or flag and the field named, no secret and no stack trace.
 * Runs are in-process (runCliInProcess: the built CLI's own main); two stay real processes, one per command:
 * validate with `[__proto__]` holding the DB keys, and migrate with a / in the --mysql-url password.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendConfigFromOutputs, writeBackendDir } from "../../common/backend-config";
import { writeStackOutputs } from "../../common/outputs";
import { CliRun, requireBuiltCli, runCli } from "../helpers/cli";
import { runCliInProcess } from "../helpers/cli-inprocess";
import { sampleOutputs } from "../helpers/fixtures";

const SECRET = "Qx7Wm2Rk9Tz4Vb6Nc3";
const STACK = "live-demo-cliinputs";

let dir: string;
beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-inputs-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A clean environment: dummy control-plane keys, no proxies, endpoints or MySQL variables from the shell. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TENCENTCLOUD_SECRET_ID: "AKIDcliInputs000000000000000000001", TENCENTCLOUD_SECRET_KEY: "cliInputsOwnerKey0000000000000001" };
  for (const v of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "LIVE_INFRA_API_ENDPOINT", "LIVE_INFRA_COS_ENDPOINT", "LIVE_INFRA_MYSQL_URL", "LIVE_INFRA_ADMIN_URL", "LIVE_INFRA_DEBUG"]) delete e[v];
  return { ...e, ...extra };
}

/** Exit 2, one message naming `where`, nothing of the secret, no stack trace, nothing on stdout. */
function expectInputError(r: CliRun, where: string[], secret = SECRET): void {
  expect(r.code).toBe(2);
  for (const w of where) expect(r.stderr).toContain(w);
  for (let i = 0; i + 6 <= secret.length; i++) expect(r.stderr).not.toContain(secret.slice(i, i + 6));
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+/);
  expect(r.stderr).not.toMatch(/TypeError|RangeError|URIError|Cannot read properties/);
  expect(r.stdout).toBe("");
}

function outputsFile(name: string): string {
  const file = path.join(dir, name, "outputs.json");
  writeStackOutputs(file, STACK, sampleOutputs({ db_password: `${SECRET}db` }));
  return file;
}

describe("class: parsers — cdn.route.ini with prototype member sections", () => {
  test.each(["__proto__", "constructor"])("[%s] holding the DB keys: exit 2, no [DB] section named", async (section) => {
    const backendDir = path.join(dir, `backend-${section}`);
    writeBackendDir(backendDir, backendConfigFromOutputs(sampleOutputs()));
    const ini = path.join(backendDir, "conf", "cdn.route.ini");
    fs.writeFileSync(ini, `[${section}]\nHOST=127.0.0.1\nPORT=3306\nDBNAME=live_demo\nUSER=live_user\nPASSWD=${SECRET}\n`);
    const outputs = outputsFile(`outputs-${section}`);
    const run = section === "__proto__" ? runCli : runCliInProcess;
    const r = await run(["validate", "--stack", STACK, "--outputs", outputs, "--backend-dir", backendDir, "--format", "json"], env());
    expectInputError(r, [ini, "no [DB] section", "HOST, PORT, DBNAME, USER, PASSWD"]);
  });
});

describe("class: parsers — outputs files of the wrong shape", () => {
  test.each([
    ["a password that is an array", (o: Record<string, unknown>) => ({ [STACK]: { ...o, db_password: [SECRET] } }), ['output "db_password" must be a string (got an array)']],
    ["the stack under __proto__", (o: Record<string, unknown>) => JSON.parse(`{"__proto__": ${JSON.stringify(o)}}`), [`no outputs for stack "${STACK}"`, "__proto__"]],
    ["the stack's outputs as null", () => ({ [STACK]: null }), [`the outputs of stack "${STACK}" must be an object`, "got null"]],
  ])("%s: exit 2 naming the file and the field", async (_what, shape, where) => {
    const file = path.join(dir, `bad-outputs-${where[0].length}.json`);
    fs.writeFileSync(file, JSON.stringify(shape({ ...sampleOutputs(), db_password: SECRET }), null, 2));
    const r = await runCliInProcess(["validate", "--stack", STACK, "--outputs", file, "--backend-dir", path.join(dir, "none")], env());
    expectInputError(r, [file, ...where]);
  });
});

describe("class: URL inputs whose password breaks the URL", () => {
  test.each([
    ["--mysql-url with a / in the password", ["--mysql-url", `mysql://root:${SECRET.slice(0, 9)}/${SECRET.slice(9)}@127.0.0.1:3306/live_demo`], {}, "--mysql-url"],
    ["LIVE_INFRA_MYSQL_URL with one slash after the scheme", [], { LIVE_INFRA_MYSQL_URL: `mysql:/root:${SECRET}@127.0.0.1:3306/live_demo` }, "LIVE_INFRA_MYSQL_URL"],
    ["--admin-url with a / in the password", ["--mysql-url", "mysql://live_user@127.0.0.1:1/live_demo", "--admin-url", `mysql://root:${SECRET.slice(0, 9)}/${SECRET.slice(9)}@127.0.0.1:1/`], {}, "--admin-url"],
  ])("migrate %s: exit 2 naming the flag", async (what, args, extra, flag) => {
    const run = what.startsWith("--mysql-url") ? runCli : runCliInProcess;
    const r = await run(["migrate", ...(args as string[])], env(extra as Record<string, string>));
    expectInputError(r, [flag]);
  });

  test("validate --api-endpoint with credentials: exit 2 naming the flag", async () => {
    const backendDir = path.join(dir, "backend-endpoint");
    writeBackendDir(backendDir, backendConfigFromOutputs(sampleOutputs()));
    const r = await runCliInProcess(
      ["validate", "--stack", STACK, "--outputs", outputsFile("outputs-endpoint"), "--backend-dir", backendDir, "--api-endpoint", `http://AKIDx:${SECRET}@127.0.0.1:1/`],
      env(),
    );
    expectInputError(r, ["--api-endpoint", "must not contain a user name or password"]);
  });
});
