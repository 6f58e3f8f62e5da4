/**
 * LD-NET-1 (stacks/policy/backend-reachable.ts): callback URLs must name a host Tencent Cloud Live can reach —
 * an error in protected environments (synth fails, exit 1), a warning in ephemeral ones.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { CssCallbackTemplate } from "../../.gen/providers/tencentcloud/css-callback-template";
import { backendReachable } from "../../stacks/policy/backend-reachable";
import { LIVE_DEMO_RULES } from "../../stacks/policy/pack";
import type { PolicyContext, PolicySubject } from "../../stacks/policy/rule";
import { PolicyError, synthesize } from "../../stacks/synth";
import { CLI, requireBuiltCli } from "../helpers/cli";
import { annotations, buildStack, envConfig, envDoc, synthStack, TEST_STACK_OPTIONS, testApp } from "../helpers/stacks-fixtures";

const ctx = (protection: "protected" | "ephemeral"): PolicyContext => ({ protection, requiredTags: [], hasTagsAttribute: () => false });
const template = (attributes: Record<string, unknown>): PolicySubject => ({
  kind: "resource",
  type: "tencentcloud_css_callback_template",
  path: "s/callbacks",
  attributes,
});
const url = (host: string) => `http://${host}/callback/tape_callback.php`;

describe("backendReachable (pure)", () => {
  test("is in the pack", () => {
    expect(LIVE_DEMO_RULES).toContain(backendReachable);
    expect(backendReachable.id).toBe("LD-NET-1");
  });

  test.each([
    ["127.0.0.1", "loopback"],
    ["0x7f.1", "loopback"],
    ["[::1]", "loopback"],
    ["[::ffff:10.0.0.5]", "private"],
    ["10.0.0.5", "private"],
    ["192.168.1.10:8080", "private"],
    ["169.254.169.254", "link-local"],
    ["100.100.100.200", "cgnat"],
    ["203.0.113.10", "documentation"],
    ["0.0.0.0", "unspecified"],
    ["localhost", "loopback"],
    ["backend.local", "link-local"],
    ["svc.internal", "private"],
    ["backend", "private"],
    ["api.test", "reserved"],
  ])("%s: error when protected, warning when ephemeral", (host, kind) => {
    const subject = template({ template_name: "x", record_notify_url: url(host) });
    const hard = backendReachable.check(subject, ctx("protected"));
    expect(hard).toEqual({ status: "non-compliant", level: "error", message: expect.stringContaining(`record_notify_url (backend.base_url) host `) });
    expect(hard.status === "non-compliant" && hard.message).toMatch(new RegExp(` is ${kind}: `));
    expect(backendReachable.check(subject, ctx("ephemeral"))).toMatchObject({ status: "non-compliant", level: "warning" });
  });

  test("public hosts comply; unresolved references and other resources are not judged", () => {
    for (const host of ["backend.live-demo.example.com", "8.8.8.8", "[2606:4700::1111]", "198.51.99.1"]) {
      expect(backendReachable.check(template({ record_notify_url: url(host) }), ctx("protected"))).toEqual({ status: "compliant" });
    }
    const stack = new TerraformStack(testApp(), "s");
    const other = new CssCallbackTemplate(stack, "t", { templateName: "x" });
    expect(backendReachable.check(template({ record_notify_url: other.id }), ctx("protected")).status).toBe("not-applicable");
    expect(backendReachable.check({ ...template({ record_notify_url: url("10.0.0.1") }), type: "tencentcloud_css_domain" }, ctx("protected")).status).toBe(
      "not-applicable",
    );
  });

  test("the stream begin/end URLs are judged too and named by their environment field", () => {
    const v = backendReachable.check(
      template({ record_notify_url: url("backend.example.com"), stream_begin_notify_url: "https://192.168.0.2/begin", stream_end_notify_url: url("example.com") }),
      ctx("protected"),
    );
    expect(v.status === "non-compliant" && v.message).toMatch(/^Tencent Cloud Live cannot deliver callbacks to stream_begin_notify_url \(callbacks\.stream_begin_url\) host 192\.168\.0\.2 is private: /);
  });
});

describe("backendReachable in the stack", () => {
  test("a protected environment with a private backend fails synth with LD-NET-1", () => {
    const prod = envConfig("prod", (d) => (d.backend.base_url = "http://10.30.2.15:8080"));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-net-"));
    try {
      let err: unknown;
      try {
        synthesize({ configs: [prod], outdir, stackOptions: TEST_STACK_OPTIONS });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).annotations.map((a) => a.message)).toEqual([
        expect.stringMatching(/^\[LD-NET-1\] Tencent Cloud Live cannot deliver callbacks to record_notify_url \(backend\.base_url\) host 10\.30\.2\.15 is private: private network \(RFC 1918\)/),
      ]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("an ephemeral environment with a loopback backend synthesizes with a warning", () => {
    const stack = buildStack(envConfig("dev", (d) => (d.backend.base_url = "http://localhost:8080")));
    synthStack(stack);
    const found = annotations(stack).map((a) => [a.level, a.message.slice(0, 11)]);
    expect(found).toEqual(expect.arrayContaining([["warning", "[LD-NET-1] "]]));
    expect(found.filter(([level]) => level === "error")).toEqual([]);
  });

  test("the real CLI exits 1 on the error and names the rule", () => {
    requireBuiltCli();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-net-cli-"));
    try {
      const doc = envDoc("prod");
      doc.backend.base_url = "http://[fd00::5]";
      fs.mkdirSync(path.join(dir, "envs"));
      fs.writeFileSync(path.join(dir, "envs", "prod.json"), JSON.stringify(doc));
      const r = spawnSync(process.execPath, [CLI, "synth", "--environments", path.join(dir, "envs"), "--outdir", path.join(dir, "out")], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", CHECKPOINT_DISABLE: "1" },
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/\[LD-NET-1\] .*host fd00::5 is private: unique local address/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
