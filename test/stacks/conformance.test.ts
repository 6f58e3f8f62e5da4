import { Testing } from "cdktf";
import { checkConformance } from "../../stacks/conformance";
import { loadProviderSchema } from "../../stacks/provider-schema";
import { buildStack, envConfig } from "../helpers/stacks-fixtures";

/** A synthesized dev stack (with metadata, as written to cdk.tf.json) to plant mistakes in. */
function devDoc(): Record<string, any> {
  return JSON.parse(JSON.stringify(buildStack(envConfig("dev")).toTerraform()));
}

describe("schema conformance", () => {
  const schema = loadProviderSchema();

  test("the synthesized dev and prod stacks conform", () => {
    expect(checkConformance(devDoc(), schema)).toEqual([]);
    expect(checkConformance(JSON.parse(Testing.synth(buildStack(envConfig("prod")))), schema)).toEqual([]);
  });

  test("catches a planted unknown attribute", () => {
    const doc = devDoc();
    doc.resource.tencentcloud_cos_bucket.upload_bucket.bucket_acl = "private";
    expect(checkConformance(doc, schema)).toEqual([
      { path: "resource.tencentcloud_cos_bucket.upload_bucket.bucket_acl", message: 'unknown attribute or block "bucket_acl"' },
    ]);
  });

  test("catches an unknown attribute inside a nested block", () => {
    const doc = devDoc();
    doc.resource.tencentcloud_cos_bucket.upload_bucket.cors_rules[0].allowed_origin = ["*"];
    expect(checkConformance(doc, schema)).toEqual([
      { path: "resource.tencentcloud_cos_bucket.upload_bucket.cors_rules[0].allowed_origin", message: 'unknown attribute or block "allowed_origin"' },
    ]);
  });

  test("catches a missing required attribute (top level and in a block)", () => {
    const doc = devDoc();
    delete doc.resource.tencentcloud_mysql_instance.db.mem_size;
    delete doc.resource.tencentcloud_cos_bucket.upload_bucket.cors_rules[0].allowed_methods;
    expect(checkConformance(doc, schema)).toEqual(
      expect.arrayContaining([
        { path: "resource.tencentcloud_mysql_instance.db", message: 'missing required attribute "mem_size"' },
        { path: "resource.tencentcloud_cos_bucket.upload_bucket.cors_rules[0]", message: 'missing required attribute "allowed_methods"' },
      ]),
    );
  });

  test("catches wrong primitive types and wrong nesting", () => {
    const doc = devDoc();
    doc.resource.tencentcloud_css_domain.push_domain.domain_type = "push";
    doc.resource.tencentcloud_cam_user.upload_signer.use_api = "yes";
    doc.resource.tencentcloud_mysql_instance.db.mem_size = "1000MB";
    doc.resource.tencentcloud_mysql_instance.db.instance_name = ["x"];
    doc.resource.tencentcloud_mysql_instance.db.security_groups = "sg-123";
    doc.resource.tencentcloud_mysql_instance.db.parameters = ["time_zone"];
    expect(checkConformance(doc, schema)).toEqual([
      { path: "resource.tencentcloud_cam_user.upload_signer.use_api", message: 'must be bool (got string "yes")' },
      { path: "resource.tencentcloud_css_domain.push_domain.domain_type", message: 'must be number (got string "push")' },
      { path: "resource.tencentcloud_mysql_instance.db.instance_name", message: 'must be string (got array ["x"])' },
      { path: "resource.tencentcloud_mysql_instance.db.mem_size", message: 'must be number (got string "1000MB")' },
      { path: "resource.tencentcloud_mysql_instance.db.parameters", message: 'must be map(string) (got array ["time_zone"])' },
      { path: "resource.tencentcloud_mysql_instance.db.security_groups", message: 'must be set(string) (got string "sg-123")' },
    ]);
  });

  test("catches too many blocks, a computed-only attribute and an unknown resource type", () => {
    const doc = devDoc();
    const p = { enable: 1 };
    doc.resource.tencentcloud_css_record_template.recording.hls_param = [p, p];
    doc.resource.tencentcloud_mysql_instance.db.intranet_ip = "10.0.0.1";
    doc.resource.tencentcloud_live_domain = { x: {} };
    expect(checkConformance(doc, schema)).toEqual(
      expect.arrayContaining([
        { path: "resource.tencentcloud_css_record_template.recording.hls_param", message: 'block "hls_param" allows at most 1 (got 2)' },
        { path: "resource.tencentcloud_mysql_instance.db.intranet_ip", message: '"intranet_ip" is computed by the provider and cannot be set' },
        { path: "resource.tencentcloud_live_domain", message: 'unknown resource type "tencentcloud_live_domain" (not in the provider schema)' },
      ]),
    );
  });

  test("checks the provider block and data sources", () => {
    const doc = devDoc();
    doc.provider.tencentcloud[0].regoin = "ap-guangzhou";
    doc.data.tencentcloud_user_info.user_info.app_id = "1250000000";
    expect(checkConformance(doc, schema)).toEqual([
      { path: "provider.tencentcloud[0].regoin", message: 'unknown attribute or block "regoin"' },
      { path: "data.tencentcloud_user_info.user_info.app_id", message: '"app_id" is computed by the provider and cannot be set' },
    ]);
  });

  test("rules: references satisfy any type, meta-arguments are allowed, a list block may be one object, non-tencentcloud types are skipped", () => {
    const doc = devDoc();
    const db = doc.resource.tencentcloud_mysql_instance.db;
    db.mem_size = "${var.mem}";
    db.lifecycle = { prevent_destroy: true };
    db.count = 1;
    db.provider = "tencentcloud.alt";
    const rec = doc.resource.tencentcloud_css_record_template.recording;
    expect(Array.isArray(rec.hls_param)).toBe(false); // cdktf writes max-1 list blocks as one object
    rec.flv_param = [{ enable: 1 }];
    // Primitives Terraform converts itself are not type errors.
    db.intranet_port = "3306";
    db.force_delete = "false";
    doc.resource.tencentcloud_security_group_rule_set.db.ingress[0].port = 3306;
    doc.resource.random_password.callback_key.bogus = true;
    doc.resource.terraform_data.db_schema.whatever = 1;
    expect(checkConformance(doc, schema)).toEqual([]);
  });
});
