/**
 * UploadSigner: a CAM sub-user with an API key, allowed object actions on the upload bucket only. The backend signs
 * client uploads with this key (COSKEY_SECRECTID / COSKEY_SECRECTKEY), never with root keys.
 */
import { Construct } from "constructs";
import { CamPolicy } from "../.gen/providers/tencentcloud/cam-policy";
import { CamUser } from "../.gen/providers/tencentcloud/cam-user";
import { CamUserPolicyAttachment } from "../.gen/providers/tencentcloud/cam-user-policy-attachment";

export interface UploadSignerProps {
  /** Prefix of the CAM user (`<prefix>-uploader`) and policy (`<prefix>-upload-objects`) names. */
  readonly namePrefix: string;
  /** Bucket region (the policy's resource region). */
  readonly region: string;
  /** Account APPID (token or literal). */
  readonly appId: string;
  /** Full bucket name `<base>-<appid>` (normally `UploadBucket.bucketName`). */
  readonly bucketName: string;
  /** Delete the user even though it has API keys. Default: false (only ephemeral environments set it). */
  readonly forceDelete?: boolean;
  /** Tags for the user and the policy. Default: none. */
  readonly tags?: Record<string, string>;
  /** COS object actions granted. Default: UPLOAD_SIGNER_ACTIONS. */
  readonly actions?: readonly string[];
}

/** Object-level COS actions the backend's signatures need: simple/form/multipart upload, read, delete. */
export const UPLOAD_SIGNER_ACTIONS = [
  "name/cos:PutObject",
  "name/cos:PostObject",
  "name/cos:GetObject",
  "name/cos:HeadObject",
  "name/cos:DeleteObject",
  "name/cos:InitiateMultipartUpload",
  "name/cos:UploadPart",
  "name/cos:ListParts",
  "name/cos:CompleteMultipartUpload",
  "name/cos:AbortMultipartUpload",
] as const;

/** The CAM policy document: the listed actions on `qcs::cos:<region>:uid/<appid>:<bucket>/*`, nothing else. */
export function uploadPolicyDocument(region: string, appId: string, bucketName: string, actions: readonly string[]): string {
  return JSON.stringify({
    version: "2.0",
    statement: [
      {
        effect: "allow",
        action: [...actions],
        resource: [`qcs::cos:${region}:uid/${appId}:${bucketName}/*`],
      },
    ],
  });
}

export class UploadSigner extends Construct {
  readonly user: CamUser;
  readonly policy: CamPolicy;
  readonly attachment: CamUserPolicyAttachment;
  /** The sub-user's SecretId (sensitive token). */
  readonly secretId: string;
  /** The sub-user's SecretKey (sensitive token). */
  readonly secretKey: string;

  constructor(scope: Construct, id: string, props: UploadSignerProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9+=,.@_-]{1,50}$/.test(props.namePrefix)) {
      throw new Error(`UploadSigner: props.namePrefix must be 1–50 of letters, digits and +=,.@_- (got "${props.namePrefix}")`);
    }
    const actions = props.actions ?? UPLOAD_SIGNER_ACTIONS;
    if (!actions.length || actions.some((a) => !a.startsWith("name/cos:"))) {
      throw new Error("UploadSigner: props.actions must be COS actions written name/cos:<Api>");
    }
    this.user = new CamUser(this, "user", {
      name: `${props.namePrefix}-uploader`,
      remark: "Signs app uploads to the live-demo upload bucket",
      useApi: true,
      consoleLogin: false,
      needResetPassword: false,
      forceDelete: props.forceDelete ?? false,
      tags: props.tags,
    });
    this.user.overrideLogicalId("upload_signer");
    this.policy = new CamPolicy(this, "policy", {
      name: `${props.namePrefix}-upload-objects`,
      description: "Object actions on the live-demo upload bucket only",
      document: uploadPolicyDocument(props.region, props.appId, props.bucketName, actions),
      tags: props.tags,
    });
    this.policy.overrideLogicalId("upload_signer");
    this.attachment = new CamUserPolicyAttachment(this, "attachment", {
      userName: this.user.name,
      policyId: this.policy.id,
    });
    this.attachment.overrideLogicalId("upload_signer");
    this.secretId = this.user.secretId;
    this.secretKey = this.user.secretKey;
  }
}
