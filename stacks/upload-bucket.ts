/**
 * UploadBucket: the private COS bucket the app uploads avatars and cover images to (signed by the backend).
 */
import { Construct } from "constructs";
import { CosBucket } from "../.gen/providers/tencentcloud/cos-bucket";

export interface UploadBucketProps {
  /** Bucket base name; the bucket is `<baseName>-<appId>`. Lower-case letters, digits and '-' (validated by config). */
  readonly baseName: string;
  /** The account APPID (a token from `tencentcloud_user_info.app_id`, or a 10-digit literal in tests). */
  readonly appId: string;
  /** Browser origins allowed to upload (CORS `allowed_origins`). At least one. */
  readonly corsOrigins: readonly string[];
  /** Delete the bucket even when it holds objects. Default: false (only ephemeral environments set it). */
  readonly forceClean?: boolean;
  /** Tags; the stack passes the standard tags. Default: none (the tags policy rule then fails synth). */
  readonly tags?: Record<string, string>;
  /** CORS preflight cache time in seconds. Default: 600. */
  readonly corsMaxAgeSeconds?: number;
}

/** Methods the app's uploads and reads use. */
export const UPLOAD_CORS_METHODS = ["PUT", "POST", "GET", "HEAD"] as const;

export class UploadBucket extends Construct {
  /** The bucket resource (logical id `upload_bucket`). */
  readonly bucket: CosBucket;
  /** Full bucket name `<base>-<appid>` (a token resolved at apply time). */
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: UploadBucketProps) {
    super(scope, id);
    if (!props.baseName || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(props.baseName)) {
      throw new Error(`UploadBucket: props.baseName must be lower-case letters, digits and '-' (got "${props.baseName}")`);
    }
    if (!props.corsOrigins.length) throw new Error("UploadBucket: props.corsOrigins must list at least one origin");
    this.bucket = new CosBucket(this, "bucket", {
      bucket: `${props.baseName}-${props.appId}`,
      acl: "private",
      corsRules: [
        {
          allowedOrigins: [...props.corsOrigins],
          allowedMethods: [...UPLOAD_CORS_METHODS],
          allowedHeaders: ["*"],
          exposeHeaders: ["ETag"],
          maxAgeSeconds: props.corsMaxAgeSeconds ?? 600,
        },
      ],
      forceClean: props.forceClean ?? false,
      tags: props.tags,
    });
    this.bucket.overrideLogicalId("upload_bucket");
    this.bucketName = this.bucket.bucket;
  }
}
