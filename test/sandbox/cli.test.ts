// `live-infra sandbox` as a process: --help documents every flag, exactly one JSON line on stdout, logs on stderr,
// the official SDK reaches the URLs it prints, SIGTERM stops it with 0; bad input exits 2.
// The command runs from the TypeScript sources, transpiled once into a temporary folder (no build needed).
import { spawn } from "child_process";
import { REPO_ROOT } from "../helpers/paths";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { loopbackAgent } from "../helpers/sandbox";

const ROOT = REPO_ROOT;
let tmp: string;
let entry: string;

// Registers only the sandbox command (cli/index.ts would load every command, cdktf included) and maps errors the
// way cli/index.ts does.
const ENTRY = `
const { Command, CommanderError } = require("commander");
const { reportError } = require("./cli/run");
const p = new Command().name("live-infra").exitOverride();
require("./cli/sandbox").register(p);
p.commands.forEach((c) => c.exitOverride());
p.parseAsync(process.argv.slice(2), { from: "user" }).catch((e) => {
  process.exitCode = e instanceof CommanderError ? (e.exitCode === 0 ? 0 : 2) : reportError(e);
});`;

interface Run {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [entry, "sandbox", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_PATH: path.join(ROOT, "node_modules"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Transpiles the sources the sandbox command needs (cli/run, cli/sandbox, common/, sandbox/) into `out`. */
function transpile(out: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require("typescript") as typeof import("typescript");
  const copy = (rel: string) => {
    const src = path.join(ROOT, rel);
    if (fs.statSync(src).isDirectory()) return fs.readdirSync(src).forEach((f) => copy(path.join(rel, f)));
    const dest = path.join(out, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (rel.endsWith(".json")) fs.copyFileSync(src, dest);
    else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
      const js = ts.transpileModule(fs.readFileSync(src, "utf8"), {
        fileName: src,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
      }).outputText;
      fs.writeFileSync(dest.replace(/\.ts$/, ".js"), js);
    }
  };
  ["cli/run.ts", "cli/sandbox.ts", "common", "sandbox"].forEach(copy);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sbx-cli-"));
  transpile(path.join(tmp, "pkg"));
  entry = path.join(tmp, "pkg", "entry.js");
  fs.writeFileSync(entry, ENTRY);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Start every process at once: startup (transpiling the sources) dominates, so they overlap.
let help: Run, badRate: Run, badState: Run, dupState: Run, badWrite: Run, server: Run;
const DUP_ID = "AKIDcliDuplicate00000000000000000000";
const STATE_FILE = () => path.join(tmp, "written-state.json");
beforeAll(() => {
  const bad = path.join(tmp, "bad-state.json");
  fs.writeFileSync(bad, JSON.stringify({ version: 1, appId: "x" }));
  help = run(["--help"]);
  badRate = run(["--throttle-rate", "2"]);
  badState = run(["--state", bad]);
  const dup = path.join(tmp, "dup-state.json");
  const key = { secretId: DUP_ID, secretKey: "dupKey", kind: "owner", uin: "100000000001" };
  fs.writeFileSync(dup, JSON.stringify({
    version: 1, appId: "1250000000", ownerUin: "100000000001", credentials: [key, key], cam: { users: [], policies: [] }, buckets: [],
    live: { domains: [], callbackTemplates: [], callbackRules: [], recordTemplates: [], recordRules: [] }, cdb: { instances: [] },
  }));
  dupState = run(["--state", dup]);
  badWrite = run(["--write-state", tmp]); // a directory: must fail before listening, not leave a server running
  server = run(["--port", "0", "--write-state", STATE_FILE(), "--fault", "live:DescribeLiveCallbackRules=throttle=1"], {
    TENCENTCLOUD_SECRET_ID: "AKIDcliOwner000000000000000000000000",
    TENCENTCLOUD_SECRET_KEY: "cliOwnerKey00000000000000000000",
  });
});
afterAll(() => server.child.kill("SIGTERM"));

test("--help documents every flag", async () => {
  const r = help;
  expect(await r.exit).toBe(0);
  for (const flag of ["--port", "--state", "--seed-from-stack", "--mysql-url", "--write-state", "--seed", "--latency", "--throttle-rate", "--error-rate", "--drop-rate", "--fault"]) {
    expect(r.stdout()).toContain(flag);
  }
});

test("bad input exits 2 with a message naming the flag or field", async () => {
  const [rate, state] = [badRate, badState];
  expect(await rate.exit).toBe(2);
  expect(rate.stderr()).toContain("--throttle-rate must be a number from 0 to 1");
  expect(await state.exit).toBe(2);
  expect(state.stderr()).toMatch(/bad-state\.json: not a valid sandbox state .*appId/);
  expect(rate.stdout() + state.stdout()).toBe("");
  // A state error names a SecretId masked, never in full (nor its key).
  expect(await dupState.exit).toBe(2);
  expect(dupState.stderr()).toMatch(/dup-state\.json: credentials secretId "AKID…0000" appears twice/);
  expect(dupState.stderr() + dupState.stdout()).not.toMatch(new RegExp(`${DUP_ID}|dupKey`));
  expect(await badWrite.exit).toBe(2);
  expect(badWrite.stderr()).toMatch(/cannot write the state file \(EISDIR\); pass a writable file path/);
  expect(badWrite.stdout()).toBe("");
});

test("prints one JSON line, serves the SDK, writes the state, stops on SIGTERM", async () => {
  const stateFile = STATE_FILE();
  const r = server;
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (r.stdout().includes("\n")) {
          clearInterval(timer);
          resolve(r.stdout());
        }
      }, 50);
      r.exit.then((code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${r.stderr()}`));
      });
    });
    const urls = JSON.parse(line);
    expect(Object.keys(urls)).toEqual(["api", "cos", "control"]);
    expect(urls.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.cos).toBe(urls.api);
    expect(urls.control).toBe(`${urls.api}/_sandbox`);
    const port = new URL(urls.api).port;
    const agent = loopbackAgent();
    const client = new CommonClient("live.tencentcloudapi.com", "2018-08-01", {
      credential: { secretId: "AKIDcliOwner000000000000000000000000", secretKey: "cliOwnerKey00000000000000000000" },
      region: "",
      profile: { httpProfile: { endpoint: `live.tencentcloudapi.com:${port}`, protocol: "http://", agent, reqTimeout: 10 } },
    });
    expect((await client.request("DescribeLiveDomains", {})).AllCount).toBe(0);
    await expect(client.request("DescribeLiveCallbackRules", {})).rejects.toMatchObject({ code: "RequestLimitExceeded" });
    agent.destroy();
    expect(JSON.parse(fs.readFileSync(stateFile, "utf8")).credentials[0].secretId).toBe("AKIDcliOwner000000000000000000000000");
  } finally {
    r.child.kill("SIGTERM");
  }
  expect(await r.exit).toBe(0);
  expect(r.stdout().trim().split("\n")).toHaveLength(1);
  expect(r.stderr()).toContain("SIGTERM");
  expect(r.stderr()).not.toContain("cliOwnerKey");
  expect(r.stderr()).not.toContain("AKIDcliOwner000000000000000000000000"); // log lines mask SecretIds
});
