/**
 * A --stack value becomes a folder under cdktf.out/stacks/ and replaces {stack} in paths: every command refuses a
 * value that is not a stack name (a path, a traversal, an empty or blank name) with exit 2 naming the flag, before
 * reading anything.
 */
import { runCliInProcess } from "../helpers/cli-inprocess";

const BAD = ["../x", "a/b", "", " live-demo-dev", "live demo", "..", "x\\y", "-", "live-demo-dev\n"];
const COMMANDS: string[][] = [
  ["validate"],
  ["drift"],
  ["migrate"],
  ["backend-config", "--check", "conf-dir"],
  ["support-bundle", "--out", "b.tar.gz"],
  ["teardown", "--dry-run"],
];
const env = { ...process.env, TENCENTCLOUD_SECRET_ID: "AKIDstackName000000000000000000000001", TENCENTCLOUD_SECRET_KEY: "stackNameKey000000000000000000001" };

test.each(COMMANDS.map((c) => [c[0], c] as const))("%s --stack <not a name> → exit 2 naming --stack", async (_name, cmd) => {
  for (const bad of BAD) {
    const r = await runCliInProcess([...cmd, "--stack", bad], env);
    expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
    expect(r.stderr).toContain("--stack");
    expect(r.stderr).toContain("not a stack name");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  }
});

test("validate and drift take the name in every repeat of --stack", async () => {
  for (const cmd of ["validate", "drift"]) {
    const r = await runCliInProcess([cmd, "--stack", "live-demo-dev", "--stack", "../../etc"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack "../../etc": not a stack name');
  }
});

test("real names pass the check (ephemeral copies included)", async () => {
  for (const name of ["live-demo-dev", "live-demo-pr-42", "live-demo-tmp-a1b2c3", "live_demo.v2"]) {
    const r = await runCliInProcess(["backend-config", "--stack", name, "--check", "conf-dir", "--outputs", "/nonexistent/outputs.json"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("not a stack name");
    expect(r.stderr).toContain("/nonexistent/outputs.json");
  }
});
