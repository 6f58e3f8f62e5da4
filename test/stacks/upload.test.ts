import { CamPolicy } from "../../.gen/providers/tencentcloud/cam-policy";
import { CamUser } from "../../.gen/providers/tencentcloud/cam-user";
import { CamUserPolicyAttachment } from "../../.gen/providers/tencentcloud/cam-user-policy-attachment";
import { CosBucket } from "../../.gen/providers/tencentcloud/cos-bucket";
import { UPLOAD_SIGNER_ACTIONS, UploadSigner } from "../../stacks/upload-signer";
import { UploadBucket } from "../../stacks/upload-bucket";
import { buildStack, envConfig, onlyResource, synthStack, synthScope } from "../helpers/stacks-fixtures";

describe("UploadBucket", () => {
  const synth = (forceClean?: boolean) =>
    synthScope((scope) => {
      new UploadBucket(scope, "b", {
        baseName: "livedemo-dev-up",
        appId: "1250000000",
        corsOrigins: ["https://app.example.com"],
        forceClean,
        tags: { app: "live-demo" },
      });
    });

  test("names the bucket <base>-<appid>, private, CORS for app uploads", () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(CosBucket, {
      bucket: "livedemo-dev-up-1250000000",
      acl: "private",
      force_clean: false,
      tags: { app: "live-demo" },
      cors_rules: [
        {
          allowed_origins: ["https://app.example.com"],
          allowed_methods: ["PUT", "POST", "GET", "HEAD"],
          allowed_headers: ["*"],
          expose_headers: ["ETag"],
          max_age_seconds: 600,
        },
      ],
    });
  });

  test("force_clean only when asked (ephemeral)", () => {
    expect(synth(true)).toHaveResourceWithProperties(CosBucket, { force_clean: true });
  });

  test("in the stack the APPID comes from tencentcloud_user_info", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    expect(onlyResource(json, "tencentcloud_cos_bucket").bucket).toBe(
      "livedemo-dev-upload-${data.tencentcloud_user_info.user_info.app_id}",
    );
    expect(json.data.tencentcloud_user_info.user_info).toBeDefined();
    expect(onlyResource(json, "tencentcloud_cos_bucket").force_clean).toBe(true);
    const prod = synthStack(buildStack(envConfig("prod"))).json;
    expect(onlyResource(prod, "tencentcloud_cos_bucket").force_clean).toBe(false);
  });

  test("rejects a bad base name and empty origins with the field named", () => {
    expect(() => synthScope((s) => void new UploadBucket(s, "b", { baseName: "Bad_Name", appId: "1", corsOrigins: ["*"] }))).toThrow(
      /props\.baseName/,
    );
    expect(() => synthScope((s) => void new UploadBucket(s, "b", { baseName: "ok", appId: "1", corsOrigins: [] }))).toThrow(
      /props\.corsOrigins/,
    );
  });
});

describe("UploadSigner", () => {
  const synth = (forceDelete?: boolean) =>
    synthScope((scope) => {
      new UploadSigner(scope, "s", {
        namePrefix: "live-demo-dev",
        region: "ap-guangzhou",
        appId: "1250000000",
        bucketName: "livedemo-dev-up-1250000000",
        forceDelete,
      });
    });

  test("CAM user with an API key, no console login", () => {
    expect(synth()).toHaveResourceWithProperties(CamUser, {
      name: "live-demo-dev-uploader",
      use_api: true,
      console_login: false,
      force_delete: false,
    });
    expect(synth(true)).toHaveResourceWithProperties(CamUser, { force_delete: true });
  });

  test("policy allows object actions on this bucket's objects only", () => {
    const json = JSON.parse(synth());
    const doc = JSON.parse(onlyResource(json, "tencentcloud_cam_policy").document);
    expect(doc.version).toBe("2.0");
    expect(doc.statement).toHaveLength(1);
    expect(doc.statement[0].effect).toBe("allow");
    expect(doc.statement[0].resource).toEqual(["qcs::cos:ap-guangzhou:uid/1250000000:livedemo-dev-up-1250000000/*"]);
    expect(doc.statement[0].action).toEqual([...UPLOAD_SIGNER_ACTIONS]);
    for (const a of doc.statement[0].action) expect(a).toMatch(/^name\/cos:[A-Za-z]+$/);
    expect(doc.statement[0].action).not.toContain("name/cos:*");
  });

  test("the attachment binds the policy to the user by reference", () => {
    expect(synth()).toHaveResourceWithProperties(CamUserPolicyAttachment, {
      user_name: "${tencentcloud_cam_user.upload_signer.name}",
      policy_id: "${tencentcloud_cam_policy.upload_signer.id}",
    });
    expect(synth()).toHaveResource(CamPolicy);
  });

  test("in the stack the policy names the bucket resource and the APPID by reference", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    const doc = JSON.parse(onlyResource(json, "tencentcloud_cam_policy").document);
    expect(doc.statement[0].resource).toEqual([
      "qcs::cos:ap-guangzhou:uid/${data.tencentcloud_user_info.user_info.app_id}:${tencentcloud_cos_bucket.upload_bucket.bucket}/*",
    ]);
  });
});
