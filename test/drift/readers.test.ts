/**
 * Every reader against the sandbox (official SDKs over HTTP) and a real MariaDB: an untouched seeded environment is
 * in sync; each resource type changed behind Terraform's back through the API's own actions shows up as changed,
 * missing and (where it applies) unmanaged, with the right fix. The sandbox is put back between cases.
 */
import { migrate } from "../../database/migrate";
import { testServer, withRootConnection } from "../helpers/mysql";
import { DriftReport, Finding, exitCodeOf, renderDriftReport } from "../../drift";
import { World, keyOf, newFindings, startWorld } from "./world";

let w: World;
let baseline: DriftReport;

beforeAll(async () => {
  w = await startWorld("readers");
  baseline = await w.drift();
}, 120_000);

afterAll(async () => {
  await w?.close();
});

afterEach(async () => {
  await w.reset();
});

/** The new findings after `change`, as `address attribute kind` keys, and the findings themselves. */
async function after(change: () => Promise<unknown>): Promise<{ keys: string[]; findings: Finding[]; report: DriftReport }> {
  await change();
  const report = await w.drift();
  expect(report.errors).toEqual([]);
  const findings = newFindings(report, baseline);
  return { keys: findings.map(keyOf).sort(), findings, report };
}

const bucket = () => ({ Bucket: w.outputs.bucket, Region: w.outputs.bucket_region });
const one = (fs: Finding[], key: string) => {
  const f = fs.find((x) => keyOf(x) === key);
  if (!f) throw new Error(`no finding ${key} among ${fs.map(keyOf).join("; ")}`);
  return f;
};

describe("untouched", () => {
  it("the seeded environment is in sync (exit 0), everything declared compared or listed", () => {
    expect(baseline.errors).toEqual([]);
    expect(baseline.findings.map(keyOf)).toEqual([]);
    expect(baseline.inSync).toBe(true);
    expect(exitCodeOf(baseline)).toBe(0);
    const s = baseline.coverage.summary;
    expect(s.resources).toBe(s.compared + s.notRead);
    expect(s.unknown).toBe(0);
    // The only resources not read are the ones without a cloud object or out of scope.
    expect(baseline.coverage.resources.filter((r) => r.status === "not-read").map((r) => r.type).sort()).toEqual([
      "random_password",
      "random_password",
      "random_password",
      "tencentcloud_dnspod_record",
    ]);
    // Ids that are not outputs were learned from live reads (no computed identity left unresolved).
    const byAddress = new Map(baseline.coverage.resources.map((r) => [r.address, r]));
    for (const a of ["tencentcloud_vpc.db", "tencentcloud_subnet.db", "tencentcloud_security_group.db", "tencentcloud_security_group_rule_set.db", "tencentcloud_cam_policy.upload_signer"]) {
      expect(byAddress.get(a)?.status).toBe("compared");
    }
    expect(byAddress.get("terraform_data.db_schema")?.compared).toEqual(["schema"]);
    expect(byAddress.get("tencentcloud_mysql_account.backend")?.compared).toContain("password");
  });
});

describe("tencentcloud_cos_bucket", () => {
  it("changed: ACL made public-read, tags edited", async () => {
    const { keys, findings } = await after(async () => {
      await w.cos.putBucketAcl({ ...bucket(), ACL: "public-read" });
      await w.cos.putBucketTagging({ ...bucket(), Tags: [{ Key: "app", Value: "something-else" }] });
    });
    expect(keys).toEqual(["tencentcloud_cos_bucket.upload_bucket acl changed", "tencentcloud_cos_bucket.upload_bucket tags changed"]);
    const acl = one(findings, "tencentcloud_cos_bucket.upload_bucket acl changed");
    expect([acl.declared, acl.live]).toEqual(["private", "public-read"]);
    expect(acl.fix).toMatchObject({ kind: "deploy", command: `cdktf deploy ${w.stack}` });
  });

  it("changed: a CORS rule edited (origins); unmanaged: an extra rule placed before ours shadows it", async () => {
    const ours = {
      AllowedOrigin: ["https://app.dev.live-demo.example.com", "http://localhost:8080"],
      AllowedMethod: ["PUT", "POST", "GET", "HEAD"],
      AllowedHeader: ["*"],
      ExposeHeader: ["ETag"],
      MaxAgeSeconds: 600,
    };
    let r = await after(() => w.cos.putBucketCors({ ...bucket(), CORSRules: [{ ...ours, AllowedOrigin: ["https://evil.example.net"] }] }));
    expect(r.keys).toEqual(["tencentcloud_cos_bucket.upload_bucket cors_rules changed"]);
    await w.reset();
    const extra = { AllowedOrigin: ["*"], AllowedMethod: ["GET"], AllowedHeader: ["*"] };
    r = await after(() => w.cos.putBucketCors({ ...bucket(), CORSRules: [extra, ours] }));
    expect(r.keys).toEqual(["tencentcloud_cos_bucket.upload_bucket cors_rules unmanaged"]);
    expect(r.findings[0].message.en).toMatch(/shadows ours/);
    expect(r.findings[0].fix.kind).toBe("deploy");
  });

  it("missing: the bucket is gone", async () => {
    const { keys } = await after(() => w.mutate((s) => void (s.buckets = s.buckets.filter((b) => b.name !== w.outputs.bucket))));
    expect(keys).toEqual(["tencentcloud_cos_bucket.upload_bucket - missing"]);
  });
});

describe("tencentcloud_cam_user / _policy / _user_policy_attachment, the signer's key", () => {
  const userName = "live-demo-dev-uploader";
  const uin = async () => Number(((await w.api("cam").request("GetUser", { Name: userName })) as { Uin: number }).Uin);
  const policyId = async () => (await w.state()).cam.policies[0].policyId;

  it("changed: the signer's API key disabled (never printed in full), user tags edited", async () => {
    const { keys, findings } = await after(async () => {
      await w.api("cam").request("UpdateAccessKey", { AccessKeyId: w.outputs.signer_secret_id, Status: "Inactive", TargetUin: await uin() });
      await w.api("tag").request("ModifyResourceTags", { Resource: `qcs::cam::uin/:uin/${await uin()}`, ReplaceTags: [{ TagKey: "owner", TagValue: "someone-else" }] });
    });
    expect(keys).toEqual(["tencentcloud_cam_user.upload_signer secret_id changed", "tencentcloud_cam_user.upload_signer tags changed"]);
    const key = one(findings, "tencentcloud_cam_user.upload_signer secret_id changed");
    expect(key.declared).toBe(`${w.outputs.signer_secret_id!.slice(0, 4)}…${w.outputs.signer_secret_id!.slice(-4)}`);
    expect(key.message.en).toMatch(/is Inactive/);
    expect(key.fix.kind).toBe("manual");
    expect(JSON.stringify(findings)).not.toContain(w.outputs.signer_secret_id!);
  });

  it("changed: the policy document widened; a reordered but equal document is in sync", async () => {
    const id = await policyId();
    // Same meaning: actions reversed, one statement as an object, resource as a string.
    const st = (await w.state()).cam.policies[0].document.statement[0];
    const same = { version: "2.0", statement: { effect: "Allow", action: [...st.action].reverse(), resource: st.resource[0] } };
    let r = await after(() => w.api("cam").request("UpdatePolicy", { PolicyId: id, PolicyDocument: JSON.stringify(same) }));
    expect(r.keys).toEqual([]);
    await w.reset();
    const wider = { version: "2.0", statement: [{ ...st, action: [...st.action, "name/cos:PutBucketAcl"] }] };
    r = await after(() => w.api("cam").request("UpdatePolicy", { PolicyId: id, PolicyDocument: JSON.stringify(wider) }));
    expect(r.keys).toEqual(["tencentcloud_cam_policy.upload_signer document changed"]);
    expect(JSON.stringify(r.findings[0].live)).toContain("name/cos:PutBucketAcl");
  });

  it("missing: policy detached (attachment missing); unmanaged: another policy attached to the signer", async () => {
    let r = await after(async () => w.api("cam").request("DetachUserPolicy", { PolicyId: await policyId(), DetachUin: await uin() }));
    expect(r.keys).toEqual(["tencentcloud_cam_user_policy_attachment.upload_signer - missing"]);
    await w.reset();
    r = await after(async () => {
      await w.mutate((s) =>
        s.cam.policies.push({ policyId: 299, policyName: "AdministratorAccess-copy", document: { version: "2.0", statement: [{ effect: "allow", action: ["*"], resource: ["*"] }] }, addTime: "", updateTime: "" }),
      );
      await w.api("cam").request("AttachUserPolicy", { PolicyId: 299, AttachUin: await uin() });
    });
    expect(r.keys).toEqual(["tencentcloud_cam_user_policy_attachment.upload_signer policy_id unmanaged"]);
    expect(r.findings[0].fix.kind).toBe("manual");
    expect(r.findings[0].fix.text.en).toContain("DetachUserPolicy PolicyId=299");
  });

  it("missing: the policy deleted, the user deleted", async () => {
    let r = await after(async () => {
      await w.api("cam").request("DetachUserPolicy", { PolicyId: await policyId(), DetachUin: await uin() });
      await w.api("cam").request("DeletePolicy", { PolicyId: [await policyId()] });
    });
    expect(r.keys).toEqual(["tencentcloud_cam_policy.upload_signer - missing", "tencentcloud_cam_user_policy_attachment.upload_signer - missing"]);
    await w.reset();
    r = await after(async () => {
      await w.api("cam").request("DetachUserPolicy", { PolicyId: await policyId(), DetachUin: await uin() });
      await w.api("cam").request("DeleteUser", { Name: userName, Force: 1 });
    });
    expect(r.keys).toEqual(["tencentcloud_cam_user.upload_signer - missing", "tencentcloud_cam_user_policy_attachment.upload_signer - missing"]);
  });
});

describe("tencentcloud_css_*", () => {
  const live = () => w.api("live");

  it("tencentcloud_css_domain: changed (play domain disabled, play region), missing (deleted)", async () => {
    let r = await after(async () => {
      await live().request("ForbidLiveDomain", { DomainName: w.outputs.play_domain });
      await live().request("ModifyLivePlayDomain", { DomainName: w.outputs.play_domain, PlayType: 2 });
    });
    expect(r.keys).toEqual(["tencentcloud_css_domain.play_domain enable changed", "tencentcloud_css_domain.play_domain play_type changed"]);
    await w.reset();
    r = await after(() => live().request("DeleteLiveDomain", { DomainName: w.outputs.play_domain, DomainType: 1 }));
    expect(r.keys).toEqual(["tencentcloud_css_domain.play_domain - missing"]);
  });

  it("tencentcloud_css_callback_template: every URL and the key compared; the key never printed", async () => {
    const r = await after(() =>
      live().request("ModifyLiveCallbackTemplate", {
        TemplateId: Number(w.outputs.callback_template_id),
        RecordNotifyUrl: "http://backend.dev.live-demo.example.com/callback/other.php",
        StreamBeginNotifyUrl: "http://elsewhere.example.net/begin",
        CallbackKey: "drift-canary-callback-key-000001",
      }),
    );
    expect(r.keys).toEqual([
      "tencentcloud_css_callback_template.callbacks callback_key changed",
      "tencentcloud_css_callback_template.callbacks record_notify_url changed",
      "tencentcloud_css_callback_template.callbacks stream_begin_notify_url changed",
    ]);
    const key = one(r.findings, "tencentcloud_css_callback_template.callbacks callback_key changed");
    expect([key.declared, key.live]).toEqual(["***", "***"]);
    expect(key.message.en).toMatch(/differs/);
    for (const format of ["text", "json", "markdown", "junit", "sarif"] as const) {
      const text = renderDriftReport(r.report, format, { lang: "en" });
      expect(text).not.toContain("drift-canary-callback-key-000001");
      expect(text).not.toContain(w.outputs.callback_key!);
    }
  });

  it("tencentcloud_css_callback_template + rule: missing when deleted", async () => {
    const r = await after(async () => {
      await live().request("DeleteLiveCallbackRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name });
      await live().request("DeleteLiveCallbackTemplate", { TemplateId: Number(w.outputs.callback_template_id) });
    });
    expect(r.keys).toEqual(["tencentcloud_css_callback_rule_attachment.callbacks - missing", "tencentcloud_css_callback_template.callbacks - missing"]);
  });

  it("tencentcloud_css_callback_rule_attachment: changed (another template bound), unmanaged (rule on the play domain, another app)", async () => {
    let r = await after(async () => {
      const t = (await live().request("CreateLiveCallbackTemplate", { TemplateName: "other", RecordNotifyUrl: "http://x.example.net/cb" })) as { TemplateId: number };
      await live().request("CreateLiveCallbackRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name, TemplateId: t.TemplateId });
    });
    expect(r.keys).toEqual(["tencentcloud_css_callback_rule_attachment.callbacks template_id changed"]);
    await w.reset();
    r = await after(async () => {
      await live().request("CreateLiveCallbackRule", { DomainName: w.outputs.play_domain, AppName: w.outputs.app_name, TemplateId: Number(w.outputs.callback_template_id) });
      await live().request("CreateLiveCallbackRule", { DomainName: w.outputs.push_domain, AppName: "other", TemplateId: Number(w.outputs.callback_template_id) });
    });
    expect(r.keys).toEqual(["tencentcloud_css_callback_rule_attachment.callbacks rule unmanaged", "tencentcloud_css_callback_rule_attachment.callbacks rule unmanaged"]);
    expect(r.findings.map((f) => f.message.en).join("\n")).toMatch(/also bound to play\./);
    expect(r.findings.every((f) => f.fix.kind === "manual" && /DeleteLiveCallbackRule/.test(f.fix.text.en))).toBe(true);
  });

  it("tencentcloud_css_record_template (+ formats): changed; missing", async () => {
    const id = Number(w.outputs.record_template_id);
    let r = await after(() =>
      live().request("ModifyLiveRecordTemplate", { TemplateId: id, FlvParam: { Enable: 1 }, HlsParam: { Enable: 1, RecordInterval: 1800, StorageTime: 86400 } }),
    );
    expect(r.keys).toEqual(["tencentcloud_css_record_template.recording flv_param changed", "tencentcloud_css_record_template.recording hls_param changed"]);
    await w.reset();
    r = await after(async () => {
      await live().request("DeleteLiveRecordRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name });
      await live().request("DeleteLiveRecordTemplate", { TemplateId: id });
    });
    expect(r.keys).toEqual(["tencentcloud_css_record_rule_attachment.recording - missing", "tencentcloud_css_record_template.recording - missing"]);
  });

  it("tencentcloud_css_record_rule_attachment: changed (other template), unmanaged (another rule on the push domain + app)", async () => {
    let r = await after(async () => {
      const t = (await live().request("CreateLiveRecordTemplate", { TemplateName: "other", Mp4Param: { Enable: 1 } })) as { TemplateId: number };
      await live().request("DeleteLiveRecordRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name });
      await live().request("CreateLiveRecordRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name, TemplateId: t.TemplateId });
    });
    expect(r.keys).toEqual(["tencentcloud_css_record_rule_attachment.recording template_id changed"]);
    await w.reset();
    r = await after(() =>
      live().request("CreateLiveRecordRule", { DomainName: w.outputs.push_domain, AppName: w.outputs.app_name, StreamName: "vip", TemplateId: Number(w.outputs.record_template_id) }),
    );
    expect(r.keys).toEqual(["tencentcloud_css_record_rule_attachment.recording rule unmanaged"]);
    expect(r.findings[0].fix.text.en).toContain("DeleteLiveRecordRule");
  });
});

describe("tencentcloud_mysql_*", () => {
  const cdb = () => w.api("cdb");
  const id = () => w.outputs.db_instance_id;

  it("tencentcloud_mysql_instance: changed (time_zone, public access); isolated → status with a manual fix; offlined → missing", async () => {
    let r = await after(async () => {
      await cdb().request("ModifyInstanceParam", { InstanceIds: [id()], ParamList: [{ Name: "time_zone", CurrentValue: "+00:00" }] });
      await cdb().request("CloseWanService", { InstanceId: id() });
    });
    expect(r.keys).toEqual([
      "tencentcloud_mysql_instance.db internet_host changed",
      "tencentcloud_mysql_instance.db internet_port changed",
      "tencentcloud_mysql_instance.db internet_service changed",
      "tencentcloud_mysql_instance.db parameters changed",
    ]);
    expect(one(r.findings, "tencentcloud_mysql_instance.db parameters changed").live).toEqual({ time_zone: "+00:00" });
    await w.reset();
    r = await after(() => cdb().request("IsolateDBInstance", { InstanceId: id() }));
    expect(r.keys).toEqual(["tencentcloud_mysql_instance.db status changed"]);
    expect(r.findings[0].fix.kind).toBe("manual");
    await w.reset();
    r = await after(async () => {
      await cdb().request("IsolateDBInstance", { InstanceId: id() });
      await cdb().request("OfflineIsolatedInstances", { InstanceIds: [id()] });
    });
    expect(r.keys).toEqual(expect.arrayContaining(["tencentcloud_mysql_instance.db - missing", "tencentcloud_mysql_database.live_demo - missing"]));
  });

  it("tencentcloud_mysql_database: changed (re-created with another charset), missing (deleted)", async () => {
    let r = await after(async () => {
      await cdb().request("DeleteDatabase", { InstanceId: id(), DBName: w.db });
      await cdb().request("CreateDatabase", { InstanceId: id(), DBName: w.db, CharacterSetName: "utf8" });
    });
    expect(r.keys).toEqual(["tencentcloud_mysql_database.live_demo character_set_name changed"]);
    await w.reset();
    r = await after(() => cdb().request("DeleteDatabase", { InstanceId: id(), DBName: w.db }));
    expect(r.keys).toEqual(["tencentcloud_mysql_database.live_demo - missing"]);
  });

  it("tencentcloud_mysql_account: missing (deleted); the password changed by hand differs (never printed)", async () => {
    let r = await after(() => cdb().request("DeleteAccounts", { InstanceId: id(), Accounts: [{ User: w.user, Host: "%" }] }));
    expect(r.keys).toEqual(expect.arrayContaining(["tencentcloud_mysql_account.backend - missing"]));
    await w.reset();
    try {
      r = await after(() => withRootConnection((c) => c.query("ALTER USER ?@'%' IDENTIFIED BY 'Drift-canary-Pw-0001'", [w.user])));
      expect(r.keys).toEqual(["tencentcloud_mysql_account.backend password changed"]);
      expect([r.findings[0].declared, r.findings[0].live]).toEqual(["***", "***"]);
      // The schema cannot be read with a refused account: listed as skipped, not as in sync.
      expect(r.report.coverage.resources.find((c) => c.address === "terraform_data.db_schema")?.skipped.map((s) => s.attribute)).toEqual(["schema"]);
      expect(JSON.stringify(r.report)).not.toContain(w.outputs.db_password!);
    } finally {
      await withRootConnection((c) => c.query("ALTER USER ?@'%' IDENTIFIED BY ?", [w.user, w.outputs.db_password]));
    }
  });

  it("tencentcloud_mysql_privilege: changed (UPDATE revoked)", async () => {
    const r = await after(() =>
      cdb().request("ModifyAccountPrivileges", {
        InstanceId: id(),
        Accounts: [{ User: w.user, Host: "%" }],
        DatabasePrivileges: [{ Database: w.db, Privileges: ["UPDATE"] }],
        ModifyAction: "revoke",
      }),
    );
    expect(r.keys).toEqual(["tencentcloud_mysql_privilege.backend database changed"]);
    expect(r.findings[0].live).toEqual([{ database_name: w.db, privileges: ["INSERT", "SELECT"] }]);
  });

  it("tencentcloud_mysql_privilege: a global privilege granted by hand is changed; missing with its account", async () => {
    let r = await after(() =>
      cdb().request("ModifyAccountPrivileges", { InstanceId: id(), Accounts: [{ User: w.user, Host: "%" }], GlobalPrivileges: ["PROCESS"], ModifyAction: "grant" }),
    );
    expect(r.keys).toEqual(["tencentcloud_mysql_privilege.backend global changed"]);
    expect(r.findings[0].live).toEqual(["PROCESS"]);
    expect(r.findings[0].fix.kind).toBe("deploy");
    await w.reset();
    r = await after(() => cdb().request("DeleteAccounts", { InstanceId: id(), Accounts: [{ User: w.user, Host: "%" }] }));
    expect(r.keys).toEqual(expect.arrayContaining(["tencentcloud_mysql_privilege.backend - missing"]));
  });
});

describe("tencentcloud_security_group / _rule_set, tencentcloud_vpc, tencentcloud_subnet", () => {
  const vpc = () => w.api("vpc");
  const net = async () => {
    const s = await w.state();
    return { sg: s.vpc!.securityGroups[0].securityGroupId, vpc: s.vpc!.vpcs[0].vpcId, subnet: s.vpc!.subnets[0].subnetId };
  };

  it("tencentcloud_security_group_rule_set: changed (a rule opened to the world; all rules removed)", async () => {
    const { sg } = await net();
    let r = await after(() =>
      vpc().request("CreateSecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ Protocol: "TCP", Port: "3306", CidrBlock: "0.0.0.0/0", Action: "ACCEPT" }] } }),
    );
    expect(r.keys).toEqual(["tencentcloud_security_group_rule_set.db ingress changed"]);
    await w.reset();
    r = await after(() => vpc().request("ModifySecurityGroupPolicies", { SecurityGroupId: sg, SecurityGroupPolicySet: { Version: "0" } }));
    expect(r.keys).toEqual(["tencentcloud_security_group_rule_set.db ingress changed"]);
    expect(r.findings[0].live).toEqual([]);
  });

  it("changed: tags edited on the security group, the VPC and the subnet (Tag API)", async () => {
    const { sg, vpc: v, subnet } = await net();
    const region = w.outputs.region;
    const r = await after(async () => {
      for (const name of [`qcs::cvm:${region}:uin/:sg/${sg}`, `qcs::vpc:${region}:uin/:vpc/${v}`, `qcs::vpc:${region}:uin/:subnet/${subnet}`]) {
        await w.api("tag").request("ModifyResourceTags", { Resource: name, ReplaceTags: [{ TagKey: "environment", TagValue: "prod" }] });
      }
    });
    expect(r.keys).toEqual(["tencentcloud_security_group.db tags changed", "tencentcloud_subnet.db tags changed", "tencentcloud_vpc.db tags changed"]);
  });

  it("missing: the security group, subnet and VPC gone (and the rule set with its group)", async () => {
    const r = await after(() =>
      w.mutate((s) => {
        for (const i of s.cdb.instances) Object.assign(i, { vpcId: undefined, subnetId: undefined, securityGroupIds: [] });
        s.vpc = { vpcs: [], subnets: [], securityGroups: [] };
      }),
    );
    expect(r.keys).toEqual(
      expect.arrayContaining([
        "tencentcloud_security_group.db - missing",
        "tencentcloud_security_group_rule_set.db - missing",
        "tencentcloud_subnet.db - missing",
        "tencentcloud_vpc.db - missing",
      ]),
    );
  });
});

describe("terraform_data: the live_demo schema through database/", () => {
  afterEach(async () => {
    // The schema back: the database re-created by migrate (the backend account's grants on it stay).
    await withRootConnection((c) => c.query(`DROP DATABASE IF EXISTS \`${w.db}\``));
    const s = await testServer();
    await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: w.db });
  });

  it("a column altered by hand: repairable by migrate, or a manual SQL fix", async () => {
    let r = await after(() => withRootConnection((c) => c.query(`ALTER TABLE \`${w.db}\`.tb_vod MODIFY title varchar(20) DEFAULT NULL`)));
    const narrow = r.findings.filter((f) => f.address === "terraform_data.db_schema");
    expect(narrow.map((f) => f.attribute)).toEqual(["schema.tb_vod.title"]);
    expect(narrow[0].fix).toMatchObject({ kind: "migrate", command: `live-infra migrate --stack ${w.stack}` });
    await withRootConnection((c) => c.query(`ALTER TABLE \`${w.db}\`.tb_vod MODIFY title varchar(128) DEFAULT NULL`));
    r = await after(() => withRootConnection((c) => c.query(`ALTER TABLE \`${w.db}\`.tb_vod MODIFY userid int NOT NULL`)));
    const manual = r.findings.filter((f) => f.address === "terraform_data.db_schema");
    expect(manual.length).toBeGreaterThan(0);
    expect(manual[0].fix.kind).toBe("manual");
    expect((manual[0].fix as { sql?: string[] }).sql?.[0]).toMatch(/ALTER TABLE/);
  });

  it("tb_vod dropped: missing, fixed by migrate", async () => {
    const r = await after(() => withRootConnection((c) => c.query(`DROP TABLE \`${w.db}\`.tb_vod`)));
    expect(r.keys).toEqual(["terraform_data.db_schema schema.tb_vod missing"]);
    expect(r.findings[0].fix.kind).toBe("migrate");
  });
});

describe("an account that cannot be read is never in sync (exit 2)", () => {
  it("a wrong key: every cloud read is an error", async () => {
    const r = await w.drift({ credentials: { secretId: "AKIDdriftWrongKey00000000000000000001", secretKey: "wrong-secret-key-000000000000001" } });
    expect(r.inSync).toBe(false);
    expect(exitCodeOf(r)).toBe(2);
    expect(r.errors.length).toBeGreaterThan(10);
    expect(r.errors.map((e) => e.code)).toContain("AuthFailure.SecretIdNotFound");
    expect(JSON.stringify(r)).not.toContain("wrong-secret-key-000000000000001");
  });

  it("a closed endpoint: bounded by --timeout, exit 2", async () => {
    const net = await import("net");
    const srv = net.createServer();
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((res) => srv.close(() => res()));
    const t0 = Date.now();
    const r = await w.drift({ endpoints: { apiEndpoint: `http://127.0.0.1:${port}`, cosEndpoint: `http://127.0.0.1:${port}` }, timeoutMs: 400, skipSchema: true });
    // Unbounded, the retry policy alone (10 attempts, up to 2 s apart) would take far longer.
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(exitCodeOf(r)).toBe(2);
    expect(r.findings).toEqual([]);
    expect(r.errors.some((e) => e.code === "ECONNREFUSED" || e.code === "Timeout")).toBe(true);
  });
});
