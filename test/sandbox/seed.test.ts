// Seeder: a hand-made cdk.tf.json using the stack's resource types (reference evaluation, computed attributes,
// outputs file), then the real synthesized dev stack: state and outputs whose names and ids match the stack, served
// through the official SDK.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as mysql from "mysql2/promise";
import { OperationError } from "../../common/errors";
import { readStackOutputs } from "../../common/outputs";
import { seedFromStack } from "../../sandbox/seed";
import { synthesize } from "../../stacks/synth";
import { startTestSandbox, sdkError } from "../helpers/sandbox";
import { testServer, testUrl, uniqueName, withRootConnection } from "../helpers/mysql";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sbx-seed-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ref = (s: string) => "${" + s + "}";

function fixture(): Record<string, any> {
  return {
    provider: { tencentcloud: [{ region: "ap-shanghai" }] },
    variable: { callback_key: { type: "string", sensitive: true } },
    data: { tencentcloud_user_info: { me: {} } },
    resource: {
      random_password: { db_password: { length: 20, special: true, override_special: "_-", min_special: 1, min_upper: 2 } },
      tencentcloud_cos_bucket: {
        up: {
          bucket: `up-${ref("data.tencentcloud_user_info.me.app_id")}`, acl: "public-read",
          cors_rules: [{ allowed_origins: ["https://a.example.com"], allowed_methods: ["PUT"], allowed_headers: ["*"], expose_headers: ["ETag"], max_age_seconds: 60 }],
        },
      },
      tencentcloud_cam_user: { signer: { name: "fx-uploader", use_api: true, remark: "r" } },
      tencentcloud_cam_policy: {
        signer: {
          name: "fx-upload",
          document: JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: ["name/cos:PutObject"], resource: [`qcs::cos:ap-shanghai:uid/${ref("data.tencentcloud_user_info.me.app_id")}:${ref("tencentcloud_cos_bucket.up.bucket")}/*`] }] }),
        },
      },
      tencentcloud_cam_user_policy_attachment: { signer: { user_name: ref("tencentcloud_cam_user.signer.name"), policy_id: ref("tencentcloud_cam_policy.signer.id") } },
      tencentcloud_css_domain: {
        push: { domain_name: "push.fx.example.com", domain_type: 0 },
        play: { domain_name: "play.fx.example.com", domain_type: 1, play_type: 2 },
      },
      tencentcloud_css_callback_template: {
        cb: { template_name: "fx-callbacks", record_notify_url: "http://backend.fx.example.com/cb?x=$${literal}", callback_key: ref("var.callback_key") },
      },
      tencentcloud_css_callback_rule_attachment: {
        cb: { domain_name: ref("tencentcloud_css_domain.push.domain_name"), app_name: "live", template_id: ref("tencentcloud_css_callback_template.cb.id") },
      },
      tencentcloud_css_record_template: { rec: { template_name: "fx-record", hls_param: [{ enable: 1, record_interval: 1800, storage_time: 0 }] } },
      tencentcloud_css_record_rule_attachment: {
        rec: { domain_name: ref("tencentcloud_css_domain.push.domain_name"), app_name: "live", template_id: ref("tencentcloud_css_record_template.rec.id") },
      },
      tencentcloud_mysql_instance: {
        db: { instance_name: "fx-mysql", engine_version: "5.7", mem_size: 2000, volume_size: 50, intranet_port: 3306, internet_service: 0, availability_zone: "ap-shanghai-2", parameters: { time_zone: "+08:00" }, root_password: ref("random_password.db_password.result") },
      },
      tencentcloud_mysql_database: { app: { instance_id: ref("tencentcloud_mysql_instance.db.id"), db_name: "fx_db", character_set_name: "utf8mb4" } },
      tencentcloud_mysql_account: { app: { mysql_id: ref("tencentcloud_mysql_instance.db.id"), name: "fx_user", host: "%", password: ref("random_password.db_password.result") } },
      tencentcloud_mysql_privilege: { app: { mysql_id: ref("tencentcloud_mysql_instance.db.id"), account_name: ref("tencentcloud_mysql_account.app.name"), database: [{ database_name: ref("tencentcloud_mysql_database.app.db_name"), privileges: ["SELECT"] }] } },
      tencentcloud_unknown_widget: { w: { name: "w" } },
      terraform_data: { never: { provisioner: [{ "local-exec": { command: `echo ${ref("upper(var.callback_key)")}` } }] } },
    },
    output: {
      appid: { value: ref("data.tencentcloud_user_info.me.app_id") },
      region: { value: "ap-shanghai" },
      bucket: { value: ref("tencentcloud_cos_bucket.up.bucket") },
      bucket_region: { value: "ap-shanghai" },
      push_domain: { value: ref("tencentcloud_css_domain.push.domain_name") },
      play_domain: { value: ref("tencentcloud_css_domain.play.domain_name") },
      app_name: { value: "live" },
      callback_url: { value: "http://backend.fx.example.com/cb" },
      callback_template_id: { value: ref("tencentcloud_css_callback_template.cb.id") },
      record_template_id: { value: ref("tencentcloud_css_record_template.rec.id") },
      db_instance_id: { value: ref("tencentcloud_mysql_instance.db.id") },
      db_host: { value: ref("tencentcloud_mysql_instance.db.intranet_ip") },
      db_port: { value: ref("tencentcloud_mysql_instance.db.intranet_port") },
      db_name: { value: ref("tencentcloud_mysql_database.app.db_name") },
      db_user: { value: ref("tencentcloud_mysql_account.app.name") },
      db_password: { value: ref("random_password.db_password.result"), sensitive: true },
      callback_key: { value: ref("var.callback_key"), sensitive: true },
      signer_secret_id: { value: ref("tencentcloud_cam_user.signer.secret_id"), sensitive: true },
      signer_secret_key: { value: ref("tencentcloud_cam_user.signer.secret_key"), sensitive: true },
      widget: { value: ref("tencentcloud_unknown_widget.w.id") },
    },
  };
}

function writeStack(name: string, doc: unknown): string {
  const dir = path.join(tmp, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc, null, 2));
  return dir;
}

describe("seeding a hand-made stack", () => {
  test("references, interpolations, computed attributes and the outputs file", async () => {
    const dir = writeStack("fx", fixture());
    const r = await seedFromStack({ stackDir: dir, mysqlUrl: "mysql://root:pw@127.0.0.1:3399/fx_db", variables: { callback_key: "K".repeat(32) }, appId: "1300000001" });
    const s = r.state;
    expect(s.appId).toBe("1300000001");
    expect(s.buckets).toEqual([expect.objectContaining({ name: "up-1300000001", region: "ap-shanghai", acl: "public-read", objects: {} })]);
    expect(s.buckets[0].cors).toEqual([{ allowedOrigins: ["https://a.example.com"], allowedMethods: ["PUT"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 60 }]);
    // Signer: CAM user with a key pair, policy attached, policy document interpolated.
    const user = s.cam.users[0];
    expect(user).toMatchObject({ name: "fx-uploader", remark: "r", policyIds: [s.cam.policies[0].policyId] });
    expect(s.cam.policies[0].document.statement[0].resource).toEqual(["qcs::cos:ap-shanghai:uid/1300000001:up-1300000001/*"]);
    const signer = s.credentials.find((c) => c.kind === "sub-user")!;
    expect(signer).toMatchObject({ uin: user.uin, secretId: r.outputs.signer_secret_id, secretKey: r.outputs.signer_secret_key });
    expect(r.owner.kind).toBe("owner");
    expect(r.owner.secretId).not.toBe(signer.secretId);
    // Live.
    expect(s.live.domains.map((d) => [d.name, d.type, d.playType])).toEqual([["push.fx.example.com", 0, 1], ["play.fx.example.com", 1, 2]]);
    const cb = s.live.callbackTemplates[0];
    expect(cb).toMatchObject({ templateName: "fx-callbacks", callbackKey: "K".repeat(32), recordNotifyUrl: "http://backend.fx.example.com/cb?x=${literal}" });
    expect(s.live.callbackRules).toEqual([expect.objectContaining({ domainName: "push.fx.example.com", appName: "live", templateId: cb.templateId })]);
    expect(s.live.recordTemplates[0]).toMatchObject({ templateName: "fx-record", hlsParam: { enable: 1, recordInterval: 1800, storageTime: 0 } });
    expect(s.live.recordRules).toEqual([expect.objectContaining({ domainName: "push.fx.example.com", appName: "live", streamName: "", templateId: s.live.recordTemplates[0].templateId })]);
    // CDB pointed at the given MySQL; no public access.
    expect(s.cdb.instances[0]).toMatchObject({
      instanceName: "fx-mysql", region: "ap-shanghai", zone: "ap-shanghai-2", vip: "127.0.0.1", vport: 3399, wanStatus: 0, wanDomain: "", wanPort: 0,
      engineVersion: "5.7", memory: 2000, volume: 50, params: { time_zone: "+08:00" }, databases: [{ name: "fx_db", characterSet: "utf8mb4" }], accounts: [{ user: "fx_user", host: "%" }],
    });
    expect(s.cdb.instances[0].instanceId).toMatch(/^cdb-[0-9a-f]{8}$/);
    // Outputs file in the `cdktf deploy --outputs-file` shape, sensitive values included, read back by the shared reader.
    const read = readStackOutputs(path.join(dir, "outputs.json"), "fx");
    expect(read).toEqual(r.outputs);
    expect(read).toMatchObject({
      appid: "1300000001", bucket: "up-1300000001", push_domain: "push.fx.example.com", callback_template_id: String(cb.templateId),
      record_template_id: String(s.live.recordTemplates[0].templateId), db_instance_id: s.cdb.instances[0].instanceId, db_host: "127.0.0.1", db_port: 3399,
      db_name: "fx_db", db_user: "fx_user", callback_key: "K".repeat(32),
    });
    expect(read.db_password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(read.db_password!.replace(/[^_-]/g, "").length).toBeGreaterThanOrEqual(1);
    expect(read.db_password!.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(2);
    expect(fs.statSync(path.join(dir, "outputs.json")).mode & 0o777).toBe(0o600);
    // Seeding again over a file someone opened up narrows it again (it holds passwords and keys).
    fs.chmodSync(path.join(dir, "outputs.json"), 0o644);
    await seedFromStack({ stackDir: dir, variables: { callback_key: "K".repeat(32) } });
    expect(fs.statSync(path.join(dir, "outputs.json")).mode & 0o777).toBe(0o600);
    // Unknown resource types get a synthetic id; resources nobody needs (terraform_data with a function) are never evaluated.
    expect(r.notes.join("\n")).not.toContain("terraform_data");
  });

  test("without --mysql-url the instance points at a closed loopback port", async () => {
    const dir = writeStack("fx-closed", fixture());
    const r = await seedFromStack({ stackDir: dir, variables: { callback_key: "k" } });
    const inst = r.state.cdb.instances[0];
    expect(inst.vip).toBe("127.0.0.1");
    expect(inst.vport).toBeGreaterThan(0);
    const net = await import("net");
    const refused = await new Promise<boolean>((resolve) => {
      const sock = net.connect(inst.vport, "127.0.0.1");
      sock.on("connect", () => (sock.destroy(), resolve(false)));
      sock.on("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  test("variables without a value come from TF_VAR_<name>", async () => {
    const dir = writeStack("fx-env", fixture());
    const r = await seedFromStack({ stackDir: dir, env: { TF_VAR_callback_key: "from-env" }, writeOutputs: false });
    expect(r.outputs.callback_key).toBe("from-env");
    expect(fs.existsSync(path.join(dir, "outputs.json"))).toBe(false);
  });

  test("owner key from TENCENTCLOUD_SECRET_ID/KEY", async () => {
    const dir = writeStack("fx-owner", fixture());
    const r = await seedFromStack({ stackDir: dir, env: { TENCENTCLOUD_SECRET_ID: "AKIDfromenv", TENCENTCLOUD_SECRET_KEY: "keyfromenv" }, variables: { callback_key: "k" }, writeOutputs: false });
    expect(r.owner).toMatchObject({ secretId: "AKIDfromenv", secretKey: "keyfromenv", kind: "owner" });
  });

  test("a Terraform function in a needed value is an InputError naming the place", async () => {
    const doc = fixture();
    doc.resource.tencentcloud_css_domain.push.domain_name = ref('lower("PUSH.fx.example.com")');
    const dir = writeStack("fx-fn", doc);
    await expect(seedFromStack({ stackDir: dir, variables: { callback_key: "k" }, writeOutputs: false })).rejects.toThrow(
      /tencentcloud_css_domain\.push\.domain_name: "\$\{lower\("PUSH\.fx\.example\.com"\)\}" is not a plain reference/,
    );
  });

  test("an unparsable --mysql-url never shows its password, even one holding / or @", async () => {
    const dir = writeStack("fx-mysql-url", fixture());
    for (const url of ["mysql://root:se/cret@127.0.0.1:3306/db", "mysql://root:sec@ret@127.0.0.1:99999/db"]) {
      const err = await seedFromStack({ stackDir: dir, mysqlUrl: url, writeOutputs: false }).catch((e: Error) => e);
      expect(String(err)).toMatch(/--mysql-url: (has an "@" after the host|the port must be).*expected mysql:\/\/USER/);
      expect(String(err)).not.toMatch(/cret|ret@/);
    }
  });

  test("a malformed percent escape in --mysql-url is an input error naming the flag, not a URIError", async () => {
    const dir = writeStack("fx-mysql-pct", fixture());
    const err = await seedFromStack({ stackDir: dir, mysqlUrl: "mysql://root:s%zzecret@127.0.0.1:3306/db", writeOutputs: false }).catch((e: Error) => e);
    expect(String(err)).toMatch(/--mysql-url: the password has a "%" that is not a valid percent escape/);
    expect(String(err)).not.toMatch(/zzecret|URIError/);
  });

  test("a dangling reference and a missing file are InputErrors", async () => {
    const doc = fixture();
    doc.output.bucket.value = ref("tencentcloud_cos_bucket.nope.bucket");
    const dir = writeStack("fx-dangling", doc);
    await expect(seedFromStack({ stackDir: dir, variables: { callback_key: "k" }, writeOutputs: false })).rejects.toThrow(/reference to tencentcloud_cos_bucket\.nope/);
    await expect(seedFromStack({ stackDir: path.join(tmp, "stacks", "absent") })).rejects.toThrow(/cdk\.tf\.json: cannot read \(ENOENT\); run `live-infra synth` first/);
  });
});

describe("the seeded database server (mysqlAccounts: what `sandbox --mysql-url` does)", () => {
  const dropUsers: string[] = [];
  afterAll(async () => {
    for (const u of dropUsers) await withRootConnection((c) => c.query("DROP USER IF EXISTS ?@'%'", [u])).catch(() => undefined);
  });

  /** The hand-made stack with its own account name and a root password output. */
  function serverFixture(user: string): Record<string, any> {
    const doc = fixture();
    doc.resource.random_password.root = { length: 16, special: false };
    doc.resource.tencentcloud_mysql_instance.db.root_password = ref("random_password.root.result");
    doc.resource.tencentcloud_mysql_account.app.name = user;
    doc.output.db_root_password = { value: ref("random_password.root.result"), sensitive: true };
    return doc;
  }

  async function login(user: string, password: string): Promise<string | Error> {
    const s = await testServer();
    try {
      const c = await mysql.createConnection({ host: s.host, port: s.port, user, password });
      const [rows] = await c.query("SHOW GRANTS FOR CURRENT_USER()");
      await c.end();
      return (rows as Record<string, string>[]).map((r) => Object.values(r)[0]).join("\n");
    } catch (err) {
      return err as Error;
    }
  }

  test("creates the stack's account with the seeded password and its grants; re-seeding changes that password", async () => {
    const user = uniqueName("fxu").slice(0, 32);
    dropUsers.push(user);
    const dir = writeStack("fx-server", serverFixture(user));
    const url = await testUrl(""); // the shared server's admin: root without a password
    const r = await seedFromStack({ stackDir: dir, mysqlUrl: url, mysqlAccounts: true, variables: { callback_key: "k".repeat(32) } });
    const out = readStackOutputs(path.join(dir, "outputs.json"), "fx-server");
    expect(out.db_user).toBe(user);
    const grants = await login(user, out.db_password!);
    expect(grants).toMatch(new RegExp(`GRANT SELECT ON \`fx_db\`\\.\\* TO [\`']${user}[\`']@[\`']%[\`']`));
    // root has no password in the URL: no root password the server accepts is known, so none is written.
    expect(out.db_root_password).toBeUndefined();
    expect(r.outputs.db_root_password).toBeUndefined();
    const notes = r.notes.join("\n");
    expect(notes).toContain(`account ${user}@% created`);
    expect(notes).toContain("granted SELECT on `fx_db`.* to");
    expect(notes).toMatch(/db_root_password left out: --mysql-url names root without a password/);
    expect(notes).not.toContain(out.db_password!);

    const again = await seedFromStack({ stackDir: dir, mysqlUrl: url, mysqlAccounts: true, variables: { callback_key: "k".repeat(32) } });
    expect(again.outputs.db_password).not.toBe(out.db_password);
    expect(again.notes.join("\n")).toContain(`account ${user}@% existed; it now has the seeded password`);
    expect(await login(user, again.outputs.db_password!)).not.toBeInstanceOf(Error);
    expect(await login(user, out.db_password!)).toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
  });

  test("another admin account in the URL does the work; db_root_password is left out naming it", async () => {
    const admin = uniqueName("fxa").slice(0, 32);
    const user = uniqueName("fxu").slice(0, 32);
    dropUsers.push(admin, user);
    const adminPassword = "Adm1n-" + Math.random().toString(36).slice(2);
    await withRootConnection(async (c) => {
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [admin, adminPassword]);
      await c.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [admin]);
    });
    const dir = writeStack("fx-admin", serverFixture(user));
    const url = await testUrl("", { user: admin, password: adminPassword });
    const r = await seedFromStack({ stackDir: dir, mysqlUrl: url, mysqlAccounts: true, variables: { callback_key: "k".repeat(32) } });
    expect(await login(user, r.outputs.db_password!)).not.toBeInstanceOf(Error);
    expect(r.outputs.db_root_password).toBeUndefined();
    expect(r.notes.join("\n")).toContain(`--mysql-url names "${admin}", not root`);
    expect(r.notes.join("\n")).not.toContain(adminPassword);
    // The URL's own account was not touched.
    expect(await login(admin, adminPassword)).not.toBeInstanceOf(Error);
  });

  test("never touches root or the URL's account: such a stack is an InputError before anything runs", async () => {
    for (const name of ["root", "fxa_self"]) {
      const dir = writeStack(`fx-self-${name}`, serverFixture(name));
      const url = name === "root" ? await testUrl("") : await testUrl("", { user: "fxa_self", password: "irrelevant" });
      const err = await seedFromStack({ stackDir: dir, mysqlUrl: url, mysqlAccounts: true, variables: { callback_key: "k" } }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe("InputError");
      expect((err as Error).message).toMatch(new RegExp(`tencentcloud_mysql_account\\.app: the stack's account "${name}" is the --mysql-url account or root`));
      expect(fs.existsSync(path.join(dir, "outputs.json"))).toBe(false);
    }
  });

  test("an unreachable server: an OperationError naming --mysql-url, no password shown, no outputs file", async () => {
    const dir = writeStack("fx-unreachable", serverFixture("fx_user_x"));
    const net = await import("net");
    const srv = net.createServer();
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const port = (srv.address() as import("net").AddressInfo).port;
    await new Promise<void>((res) => srv.close(() => res()));
    const err = await seedFromStack({ stackDir: dir, mysqlUrl: `mysql://root:Secr3t-pw@127.0.0.1:${port}/`, mysqlAccounts: true, variables: { callback_key: "k" } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toMatch(new RegExp(`^--mysql-url: connecting .* on 127\\.0\\.0\\.1:${port} as root failed \\(ECONNREFUSED\\)`));
    expect((err as Error).message).toContain("--no-mysql-accounts");
    expect((err as Error).message).not.toContain("Secr3t-pw");
    expect(fs.existsSync(path.join(dir, "outputs.json"))).toBe(false);
  });
});

describe("seeding the synthesized dev stack", () => {
  let dir: string;
  let stackDoc: Record<string, any>;

  beforeAll(() => {
    const outdir = path.join(tmp, "cdktf.out");
    const result = synthesize({ envNames: ["dev"], outdir, stackOptions: { schemaHash: "0".repeat(64), cliEntry: "/pkg/dist/cli/index.js" }, conformance: false });
    dir = path.dirname(result.stacks[0].file);
    stackDoc = JSON.parse(fs.readFileSync(result.stacks[0].file, "utf8"));
  });

  test("state and outputs match the stack's names and ids; the SDK serves them", async () => {
    const r = await seedFromStack({ stackDir: dir, mysqlUrl: "mysql://root@127.0.0.1:3306/live_demo" });
    expect(r.stack).toBe("live-demo-dev");
    const out = readStackOutputs(path.join(dir, "outputs.json"), "live-demo-dev");
    const res = stackDoc.resource;
    const only = (type: string) => Object.values(res[type] as Record<string, any>);

    // Names straight from the stack.
    expect(out.bucket).toBe(only("tencentcloud_cos_bucket")[0].bucket.replace(/\$\{data\.tencentcloud_user_info\.[^.]+\.app_id\}/, out.appid));
    expect(r.state.buckets.map((b) => b.name)).toEqual([out.bucket]);
    expect(r.state.live.domains.map((d) => d.name).sort()).toEqual(only("tencentcloud_css_domain").map((d: any) => d.domain_name).sort());
    expect([out.push_domain, out.play_domain].sort()).toEqual(r.state.live.domains.map((d) => d.name).sort());
    expect(r.state.live.callbackTemplates.map((t) => t.templateName)).toEqual(only("tencentcloud_css_callback_template").map((t: any) => t.template_name));
    expect(r.state.live.recordTemplates.map((t) => t.templateName)).toEqual(only("tencentcloud_css_record_template").map((t: any) => t.template_name));
    expect(r.state.cam.users.map((u) => u.name)).toEqual(only("tencentcloud_cam_user").map((u: any) => u.name));
    expect(r.state.cdb.instances.map((i) => i.instanceName)).toEqual(only("tencentcloud_mysql_instance").map((i: any) => i.instance_name));
    expect(r.state.cdb.instances[0].databases.map((d) => d.name)).toEqual([out.db_name]);
    expect(r.state.cdb.instances[0].accounts.map((a) => a.user)).toEqual([out.db_user]);

    // Ids in the outputs are the ids in the state.
    expect(r.state.live.callbackTemplates.map((t) => String(t.templateId))).toEqual([out.callback_template_id]);
    expect(r.state.live.recordTemplates.map((t) => String(t.templateId))).toEqual([out.record_template_id]);
    expect(r.state.cdb.instances[0]).toMatchObject({ instanceId: out.db_instance_id, vip: out.db_host, vport: out.db_port });
    expect(out.db_port).toBe(3306);
    const rules = r.state.live.callbackRules;
    expect(rules).toEqual([expect.objectContaining({ domainName: out.push_domain, appName: out.app_name, templateId: Number(out.callback_template_id) })]);
    expect(r.state.live.recordRules).toEqual([expect.objectContaining({ domainName: out.push_domain, templateId: Number(out.record_template_id) })]);
    expect(r.state.live.callbackTemplates[0].callbackKey).toBe(out.callback_key);
    expect(r.state.live.callbackTemplates[0].recordNotifyUrl).toBe(out.callback_url);
    const signer = r.state.credentials.find((c) => c.secretId === out.signer_secret_id)!;
    expect(signer).toMatchObject({ kind: "sub-user", secretKey: out.signer_secret_key });
    expect(out.db_password).toBeTruthy();
    expect(out.db_root_password).toBeTruthy();

    // Served through the official SDK with the owner key.
    const t = await startTestSandbox({ state: { ...r.state, credentials: [...r.state.credentials] } });
    try {
      const owner = { secretId: r.owner.secretId, secretKey: r.owner.secretKey };
      const tpl = await t.client("live", { cred: owner }).request("DescribeLiveCallbackTemplate", { TemplateId: Number(out.callback_template_id) });
      expect(tpl.Template).toMatchObject({ CallbackKey: out.callback_key, RecordNotifyUrl: out.callback_url });
      const inst = await t.client("cdb", { cred: owner, region: out.region }).request("DescribeDBInstances", { InstanceIds: [out.db_instance_id] });
      expect(inst.Items[0]).toMatchObject({ Vip: out.db_host, Vport: out.db_port });
      const dbs = await t.client("cdb", { cred: owner, region: out.region }).request("DescribeDatabases", { InstanceId: out.db_instance_id });
      expect(dbs.Items).toContain(out.db_name);
      // The signer's attached policy allows COS object actions only.
      expect((await sdkError(t.client("live", { cred: signer }).request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.UnauthorizedOperation");
      const att = await t.client("cam", { cred: owner }).request("ListAttachedUserPolicies", { TargetUin: Number(signer.uin) });
      const pol = await t.client("cam", { cred: owner }).request("GetPolicy", { PolicyId: att.List[0].PolicyId });
      expect(JSON.parse(pol.PolicyDocument).statement[0].resource).toEqual([`qcs::cos:${out.bucket_region}:uid/${out.appid}:${out.bucket}/*`]);
    } finally {
      await t.close();
    }
  });
});
