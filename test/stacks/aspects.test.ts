import * as os from "os";
import * as path from "path";
import * as fs from "fs";
import { Aspects, Testing, TerraformStack, App } from "cdktf";
import { CosBucket } from "../../.gen/providers/tencentcloud/cos-bucket";
import { CssCallbackTemplate } from "../../.gen/providers/tencentcloud/css-callback-template";
import { MysqlInstance } from "../../.gen/providers/tencentcloud/mysql-instance";
import { TencentcloudProvider } from "../../.gen/providers/tencentcloud/provider";
import { noLiteralSecrets } from "../../stacks/policy/no-literal-secrets";
import { LiveDemoStack } from "../../stacks/live-demo-stack";
import { LiveDemoPolicyPack } from "../../stacks/policy/pack";
import { protectedNoForceDelete } from "../../stacks/policy/protected-no-force-delete";
import { publicMysqlWarning } from "../../stacks/policy/public-mysql";
import type { PolicyContext, PolicySubject } from "../../stacks/policy/rule";
import { standardTags } from "../../stacks/policy/standard-tags";
import { PolicyError, synthesize } from "../../stacks/synth";
import { annotations, buildStack, envConfig, synthStack, TEST_STACK_OPTIONS, testApp } from "../helpers/stacks-fixtures";

const TAGS = { app: "live-demo", environment: "t", "managed-by": "cdktf", protection: "protected" };
const ctx = (protection: "protected" | "ephemeral" = "protected"): PolicyContext => ({
  protection,
  requiredTags: Object.keys(TAGS),
  hasTagsAttribute: (t) => ["tencentcloud_cos_bucket", "tencentcloud_mysql_instance"].includes(t),
});
const res = (type: string, attributes: Record<string, unknown>): PolicySubject => ({ kind: "resource", type, path: "s/r", attributes });

describe("policy rules (pure functions)", () => {
  test("protected + force_clean / force_delete is non-compliant; ephemeral is fine", () => {
    expect(protectedNoForceDelete.check(res("tencentcloud_cos_bucket", { force_clean: true }), ctx()).status).toBe("non-compliant");
    expect(protectedNoForceDelete.check(res("tencentcloud_mysql_instance", { force_delete: true }), ctx()).status).toBe("non-compliant");
    expect(protectedNoForceDelete.check(res("tencentcloud_cos_bucket", { force_clean: false }), ctx()).status).toBe("compliant");
    expect(protectedNoForceDelete.check(res("tencentcloud_cos_bucket", { force_clean: true }), ctx("ephemeral")).status).toBe("compliant");
    expect(protectedNoForceDelete.check(res("tencentcloud_vpc", {}), ctx()).status).toBe("not-applicable");
  });

  test("literal secrets are non-compliant; references are fine; provider credentials are never set", () => {
    expect(noLiteralSecrets.check(res("tencentcloud_css_callback_template", { callback_key: "abc123" }), ctx()).status).toBe("non-compliant");
    expect(noLiteralSecrets.check(res("tencentcloud_mysql_account", { password: "Passw0rd!" }), ctx()).status).toBe("non-compliant");
    const stack = new TerraformStack(testApp(), "s");
    const tpl = new CssCallbackTemplate(stack, "t", { templateName: "x" });
    expect(noLiteralSecrets.check(res("tencentcloud_css_callback_template", { callback_key: tpl.id }), ctx()).status).toBe("compliant");
    expect(noLiteralSecrets.check({ kind: "provider", type: "tencentcloud", path: "p", attributes: { secret_key: "x" } }, ctx()).status).toBe("non-compliant");
    expect(noLiteralSecrets.check({ kind: "provider", type: "tencentcloud", path: "p", attributes: { region: "ap-guangzhou" } }, ctx()).status).toBe("compliant");
    expect(
      noLiteralSecrets.check({ ...res("terraform_data", {}), provisionerEnvironments: [{ LIVE_INFRA_MYSQL_PASSWORD: "hunter22" }] }, ctx()).status,
    ).toBe("non-compliant");
  });

  test("taggable resources need every standard tag", () => {
    expect(standardTags.check(res("tencentcloud_cos_bucket", { tags: TAGS }), ctx()).status).toBe("compliant");
    const v = standardTags.check(res("tencentcloud_cos_bucket", { tags: { app: "live-demo" } }), ctx());
    expect(v).toEqual({ status: "non-compliant", message: expect.stringContaining("environment, managed-by, protection") });
    expect(standardTags.check(res("tencentcloud_mysql_instance", {}), ctx()).status).toBe("non-compliant");
    expect(standardTags.check(res("tencentcloud_css_domain", {}), ctx()).status).toBe("not-applicable");
  });

  test("public MySQL is a warning", () => {
    expect(publicMysqlWarning.level).toBe("warning");
    expect(publicMysqlWarning.check(res("tencentcloud_mysql_instance", { internet_service: 1 }), ctx()).status).toBe("non-compliant");
    expect(publicMysqlWarning.check(res("tencentcloud_mysql_instance", { internet_service: 0 }), ctx()).status).toBe("compliant");
  });
});

describe("policy pack as an Aspect", () => {
  const stackWith = (protection: "protected" | "ephemeral", build: (s: TerraformStack) => void) => {
    const stack = new TerraformStack(testApp({ stackTraces: false }), "s");
    build(stack);
    Aspects.of(stack).add(new LiveDemoPolicyPack({ protection, requiredTags: Object.keys(TAGS) }));
    Testing.synth(stack);
    return annotations(stack);
  };

  test("error annotations for force_clean in a protected stack, literal secrets and missing tags", () => {
    const found = stackWith("protected", (s) => {
      new TencentcloudProvider(s, "tc", { region: "ap-guangzhou", secretKey: "literal-key" });
      new CosBucket(s, "b", { bucket: "x-1250000000", forceClean: true, tags: TAGS });
      new CssCallbackTemplate(s, "c", { templateName: "x", callbackKey: "literal" });
      new MysqlInstance(s, "m", { instanceName: "m", memSize: 1000, volumeSize: 25, internetService: 1 });
    });
    const errors = found.filter((a) => a.level === "error").map((a) => `${a.path} ${a.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s\/tc \[LD-SECRET-1\] provider tencentcloud sets secret_key/),
        expect.stringMatching(/^s\/b \[LD-PROTECT-1\] tencentcloud_cos_bucket sets force_clean in a protected environment/),
        expect.stringMatching(/^s\/c \[LD-SECRET-1\] tencentcloud_css_callback_template has a literal secret in callback_key/),
        expect.stringMatching(/^s\/m \[LD-TAGS-1\] tencentcloud_mysql_instance lacks the standard tag/),
      ]),
    );
    expect(errors).toHaveLength(4);
    expect(found.filter((a) => a.level === "warning").map((a) => a.message)).toEqual([expect.stringMatching(/^\[LD-DB-PUBLIC-1\]/)]);
  });

  test("the shipped stacks pass; dev (public MySQL) gets only the warning", () => {
    const dev = buildStack(envConfig("dev"));
    synthStack(dev);
    expect(annotations(dev).map((a) => [a.level, a.message.slice(0, 16)])).toEqual([["warning", "[LD-DB-PUBLIC-1]"]]);
    const prod = buildStack(envConfig("prod"));
    synthStack(prod);
    expect(annotations(prod)).toEqual([]);
  });

  test("an error fails app.synth(); synthesize() reports it as a PolicyError listing each finding", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-aspect-")), stackTraces: false, skipValidation: true });
    const stack = new TerraformStack(app, "s");
    new CosBucket(stack, "b", { bucket: "x-1250000000", forceClean: true, tags: TAGS });
    Aspects.of(stack).add(new LiveDemoPolicyPack({ protection: "protected", requiredTags: Object.keys(TAGS) }));
    expect(() => app.synth()).toThrow(/LD-PROTECT-1/);
    fs.rmSync(app.outdir, { recursive: true, force: true });

    // The same through the synth core: a protected environment whose stack would carry force_* fails.
    const prod = envConfig("prod");
    const forced = { ...prod, protection: { mode: "ephemeral" as const, ttl_hours: 1 } };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-aspect-"));
    try {
      // Ephemeral sets force_* and is allowed …
      expect(synthesize({ configs: [forced], outdir, stackOptions: TEST_STACK_OPTIONS }).violationCount).toBe(0);
      // … but a pack told the stack is protected turns them into errors.
      const app2 = new App({ outdir, stackTraces: false, skipValidation: true });
      const s2 = buildStackIn(app2, forced);
      Aspects.of(s2).add(new LiveDemoPolicyPack({ protection: "protected", requiredTags: [] }));
      let err: unknown;
      try {
        app2.synth();
      } catch (e) {
        err = e;
      }
      expect(String(err)).toMatch(/LD-PROTECT-1/);
      const e = new PolicyError(annotations(s2).filter((a) => a.level === "error"));
      expect(e.message.split("\n").length).toBeGreaterThanOrEqual(4); // header + bucket, cam user, mysql instance
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

function buildStackIn(app: App, config: ReturnType<typeof envConfig>): LiveDemoStack {
  return new LiveDemoStack(app, config, TEST_STACK_OPTIONS);
}
