/**
 * LiveDemoStack (`live-demo-<env>`): one 小直播 environment — upload bucket + signer, live domains, callbacks,
 * recording, MySQL — with the fixed outputs of common/outputs.ts and the policy pack applied.
 */
import { Construct } from "constructs";
import { Aspects, CosBackend, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { DataTencentcloudUserInfo } from "../.gen/providers/tencentcloud/data-tencentcloud-user-info";
import { TencentcloudProvider } from "../.gen/providers/tencentcloud/provider";
import type { OutputId } from "../common/outputs";
import { STANDARD_TAG_KEYS, type EnvConfig } from "./config";
import { Database } from "./database-construct";
import { LiveCallbacks } from "./live-callbacks";
import { LiveDomains } from "./live-domains";
import { LiveRecording } from "./live-recording";
import { LiveDemoPolicyPack } from "./policy/pack";
import { UploadBucket } from "./upload-bucket";
import { UploadSigner } from "./upload-signer";

export interface LiveDemoStackOptions {
  /** Overrides of the Database construct's migration wiring (tests). Default: the package's own. */
  readonly schemaHash?: string;
  readonly cliEntry?: string;
  /** Apply the policy pack. Default: true. */
  readonly policy?: boolean;
}

export class LiveDemoStack extends TerraformStack {
  readonly config: EnvConfig;
  readonly userInfo: DataTencentcloudUserInfo;
  readonly bucket: UploadBucket;
  readonly signer: UploadSigner;
  readonly domains: LiveDomains;
  readonly callbacks: LiveCallbacks;
  readonly recording: LiveRecording;
  readonly database: Database;

  constructor(scope: Construct, config: EnvConfig, options: LiveDemoStackOptions = {}) {
    super(scope, config.stackName);
    this.config = config;
    const ephemeral = config.protection.mode === "ephemeral";
    const tags = config.standardTags;

    // Credentials only from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (never in config or code).
    new TencentcloudProvider(this, "tencentcloud", { region: config.region });
    new RandomProvider(this, "random");

    if (config.state.backend === "cos") {
      new CosBackend(this, {
        bucket: config.state.bucket,
        prefix: `${config.state.prefix}/${config.env}`,
        region: config.state.region,
        encrypt: true,
      });
    } else {
      new LocalBackend(this, { path: `terraform.${config.stackName}.tfstate` });
    }

    this.userInfo = new DataTencentcloudUserInfo(this, "UserInfo", {});
    this.userInfo.overrideLogicalId("user_info");
    const appId = this.userInfo.appId;

    this.bucket = new UploadBucket(this, "UploadBucket", {
      baseName: config.bucket.base_name,
      appId,
      corsOrigins: config.bucket.cors_origins,
      forceClean: ephemeral,
      tags,
    });
    this.signer = new UploadSigner(this, "UploadSigner", {
      namePrefix: config.name_prefix,
      region: config.region,
      appId,
      bucketName: this.bucket.bucketName,
      forceDelete: ephemeral,
      tags,
    });
    this.domains = new LiveDomains(this, "LiveDomains", {
      pushDomain: config.live.push_domain,
      playDomain: config.live.play_domain,
      playType: config.live.play_type,
      dnspod: config.dnspod && {
        zone: config.dnspod.zone,
        cnameTarget: config.dnspod.cname_target,
        recordLine: config.dnspod.record_line,
        ttl: config.dnspod.ttl,
      },
    });
    this.callbacks = new LiveCallbacks(this, "LiveCallbacks", {
      namePrefix: config.name_prefix,
      pushDomain: this.domains.pushDomainName,
      appName: config.live.app_name,
      recordNotifyUrl: config.callbackUrl,
      streamBeginNotifyUrl: config.callbacks.stream_begin_url,
      streamEndNotifyUrl: config.callbacks.stream_end_url,
      keyVariable: config.callbacks.key_variable,
    });
    this.recording = new LiveRecording(this, "LiveRecording", {
      namePrefix: config.name_prefix,
      pushDomain: this.domains.pushDomainName,
      appName: config.live.app_name,
      formats: config.recording.formats,
      storageDays: config.recording.storage_days,
    });
    this.database = new Database(this, "Database", {
      namePrefix: config.name_prefix,
      availabilityZone: config.mysql.availability_zone,
      vpcCidr: config.mysql.vpc_cidr,
      subnetCidr: config.mysql.subnet_cidr,
      allowedCidrs: config.backend.db_cidrs,
      engineVersion: config.mysql.engine_version,
      memoryMb: config.mysql.memory_mb,
      volumeGb: config.mysql.volume_gb,
      port: config.mysql.port,
      publicAccess: config.mysql.public_access,
      dbUser: config.backend.db_user,
      forceDelete: ephemeral,
      destroyProtect: !ephemeral,
      tags,
      schemaHash: options.schemaHash,
      cliEntry: options.cliEntry,
    });

    const out = (id: OutputId, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive, staticId: true });
    out("appid", appId, "Account APPID (bucket suffix)");
    out("region", config.region, "Region of the provider and the bucket");
    out("bucket", this.bucket.bucketName, "Upload bucket <base>-<appid> (COSKEY_BUCKET)");
    out("bucket_region", config.region, "Upload bucket region (COSKEY_BUCKET_REGION)");
    out("push_domain", this.domains.pushDomainName, "Live push domain");
    out("play_domain", this.domains.playDomainName, "Live play domain");
    out("app_name", config.live.app_name, "Live AppName the callback and record rules bind to");
    out("callback_url", config.callbackUrl, "Record callback URL (the backend's tape_callback.php)");
    out("callback_template_id", this.callbacks.templateId, "Callback template id");
    out("record_template_id", this.recording.templateId, "Record template id");
    out("db_instance_id", this.database.instanceId, "TencentDB for MySQL instance id");
    out("db_host", this.database.host, "MySQL intranet VIP");
    out("db_port", this.database.port, "MySQL intranet port");
    if (config.mysql.public_access) {
      out("db_public_host", this.database.publicHost, "MySQL public host (public access on)");
      out("db_public_port", this.database.publicPort, "MySQL public port (public access on)");
    }
    out("db_name", this.database.dbName, "Database name");
    out("db_user", this.database.userName, "Backend MySQL account");
    out("db_password", this.database.userPassword.result, "Backend MySQL password (cdn.route.ini PASSWD)", true);
    out("db_root_password", this.database.rootPassword.result, "MySQL root password (migrations only)", true);
    out("callback_key", this.callbacks.callbackKey, "Callback key (OutDefine.php API_KEY)", true);
    out("signer_secret_id", this.signer.secretId, "Upload signer SecretId (COSKEY_SECRECTID)", true);
    out("signer_secret_key", this.signer.secretKey, "Upload signer SecretKey (COSKEY_SECRECTKEY)", true);

    if (options.policy !== false) {
      Aspects.of(this).add(
        new LiveDemoPolicyPack({ protection: config.protection.mode, requiredTags: config.requiredTagKeys ?? [...STANDARD_TAG_KEYS] }),
      );
    }
  }
}
