import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TencentcloudProvider } from "../../.gen/providers/tencentcloud/provider";
import { OUTPUT_IDS, PLAIN_OUTPUT_IDS, SENSITIVE_OUTPUT_IDS } from "../../common/outputs";
import { synthesize } from "../../stacks/synth";
import { buildStack, envConfig, synthStack, TEST_STACK_OPTIONS } from "../helpers/stacks-fixtures";

describe("LiveDemoStack", () => {
  test("stack name live-demo-<env>, tencentcloud provider with the region and no credentials", () => {
    const stack = buildStack(envConfig("dev"));
    expect(stack.node.id).toBe("live-demo-dev");
    const { text, json } = synthStack(stack);
    expect(text).toHaveProviderWithProperties(TencentcloudProvider, { region: "ap-guangzhou" });
    expect(text).toHaveProvider(RandomProvider);
    const p = json.provider.tencentcloud[0];
    expect(Object.keys(p)).toEqual(["region"]);
  });

  test("outputs: exactly the fixed ids, sensitive ones marked sensitive", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    expect(Object.keys(json.output).sort()).toEqual([...OUTPUT_IDS].sort());
    for (const id of SENSITIVE_OUTPUT_IDS) expect(json.output[id].sensitive).toBe(true);
    for (const id of PLAIN_OUTPUT_IDS) expect(json.output[id].sensitive).toBe(false);
    expect(json.output).toMatchObject({
      appid: { value: "${data.tencentcloud_user_info.user_info.app_id}" },
      region: { value: "ap-guangzhou" },
      bucket: { value: "${tencentcloud_cos_bucket.upload_bucket.bucket}" },
      bucket_region: { value: "ap-guangzhou" },
      push_domain: { value: "${tencentcloud_css_domain.push_domain.domain_name}" },
      play_domain: { value: "${tencentcloud_css_domain.play_domain.domain_name}" },
      app_name: { value: "live" },
      callback_url: { value: "http://backend.dev.live-demo.example.com/callback/tape_callback.php" },
      callback_template_id: { value: "${tencentcloud_css_callback_template.callbacks.id}" },
      record_template_id: { value: "${tencentcloud_css_record_template.recording.id}" },
      db_instance_id: { value: "${tencentcloud_mysql_instance.db.id}" },
      db_host: { value: "${tencentcloud_mysql_instance.db.intranet_ip}" },
      db_port: { value: "${tencentcloud_mysql_instance.db.intranet_port}" },
      db_public_host: { value: "${tencentcloud_mysql_instance.db.internet_host}" },
      db_public_port: { value: "${tencentcloud_mysql_instance.db.internet_port}" },
      db_name: { value: "${tencentcloud_mysql_database.live_demo.db_name}" },
      db_user: { value: "${tencentcloud_mysql_account.backend.name}" },
      db_password: { value: "${random_password.db_password.result}" },
      db_root_password: { value: "${random_password.db_root_password.result}" },
      callback_key: { value: "${random_password.callback_key.result}" },
      signer_secret_id: { value: "${tencentcloud_cam_user.upload_signer.secret_id}" },
      signer_secret_key: { value: "${tencentcloud_cam_user.upload_signer.secret_key}" },
    });
  });

  test("without public MySQL access the db_public_* outputs are left out", () => {
    const { json } = synthStack(buildStack(envConfig("prod")));
    expect(Object.keys(json.output).sort()).toEqual(OUTPUT_IDS.filter((id) => !id.startsWith("db_public_")).sort());
    expect(json.output.callback_key.value).toBe("${var.live_callback_key}");
  });

  test("state: local by default; COS with a per-environment key prefix and encryption", () => {
    expect(synthStack(buildStack(envConfig("dev"))).json.terraform.backend).toEqual({ local: { path: "terraform.live-demo-dev.tfstate" } });
    expect(synthStack(buildStack(envConfig("prod"))).json.terraform.backend).toEqual({
      cos: { bucket: "live-demo-tfstate-1250000000", prefix: "live-demo/prod", region: "ap-shanghai", encrypt: true },
    });
  });

  test("every taggable resource carries the standard tags", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    for (const type of ["tencentcloud_cos_bucket", "tencentcloud_cam_user", "tencentcloud_cam_policy", "tencentcloud_vpc", "tencentcloud_subnet", "tencentcloud_security_group", "tencentcloud_mysql_instance"]) {
      for (const r of Object.values<any>(json.resource[type])) {
        expect(r.tags).toMatchObject({ app: "live-demo", environment: "dev", "managed-by": "cdktf", protection: "ephemeral", "ttl-hours": "72", owner: "live-demo-team" });
      }
    }
  });
});

describe("secret scan", () => {
  const CANARIES = {
    TENCENTCLOUD_SECRET_ID: "AKIDcanary0secret0id0XYZ123",
    TENCENTCLOUD_SECRET_KEY: "canarySecretKey0000XYZ987",
    TENCENTCLOUD_SECURITY_TOKEN: "canarySecurityToken0000XYZ",
    LIVE_INFRA_MYSQL_PASSWORD: "canaryMysqlPassw0rd!XYZ",
    LIVE_INFRA_ADMIN_PASSWORD: "canaryAdminPassw0rd!XYZ",
    TF_VAR_live_callback_key: "canaryCallbackKey0000XYZ",
  };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(CANARIES)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const k of Object.keys(CANARIES)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test("canary credentials and passwords in the environment never reach the synthesized JSON", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-secret-scan-"));
    try {
      const result = synthesize({ outdir, stackOptions: TEST_STACK_OPTIONS });
      expect(result.stacks.map((s) => s.stackName)).toEqual(["live-demo-dev", "live-demo-prod"]);
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(outdir);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const f of files) {
        const text = fs.readFileSync(f, "utf8");
        for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("secret-bearing arguments are references, and sensitive outputs hold only references", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    const r = json.resource;
    expect(r.tencentcloud_css_callback_template.callbacks.callback_key).toMatch(/^\$\{[^}]+\}$/);
    expect(r.tencentcloud_mysql_instance.db.root_password).toMatch(/^\$\{[^}]+\}$/);
    expect(r.tencentcloud_mysql_account.backend.password).toMatch(/^\$\{[^}]+\}$/);
    expect(r.tencentcloud_cam_user.upload_signer.password).toBeUndefined();
    for (const [id, o] of Object.entries<any>(json.output)) if (o.sensitive) expect([id, o.value]).toEqual([id, expect.stringMatching(/^\$\{[^}]+\}$/)]);
  });
});
