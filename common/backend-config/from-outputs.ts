/** The backend configuration a deployed stack implies, from its outputs. */
import { InputError } from "../errors";
import type { StackOutputs } from "../outputs";
import { BackendConfig, fromBackendValues, splitBucketName } from "./model";

export interface BackendFromOutputsOptions {
  /** Write COSKEY_BUCKET as the short name (default) or as `name-appid`. */
  bucketStyle?: "short" | "full";
  /** Use the public MySQL address when the stack has one (the backend outside the VPC). Default false. */
  publicDb?: boolean;
}

/**
 * The backend configuration a successful deploy implies: API_KEY = callback_key, COS keys = the upload signer's,
 * DB = the backend user on db_host:db_port. Sensitive outputs must be present (deploy with
 * `--outputs-file-include-sensitive-outputs`); a missing one is an InputError naming it.
 */
export function backendConfigFromOutputs(outputs: StackOutputs, opts: BackendFromOutputsOptions = {}): BackendConfig {
  const need = ["callback_key", "signer_secret_id", "signer_secret_key", "db_password"] as const;
  const missing = need.filter((k) => outputs[k] === undefined);
  if (missing.length) {
    throw new InputError(
      `the stack outputs lack ${missing.join(", ")}; write them with ` +
        "`cdktf deploy --outputs-file FILE --outputs-file-include-sensitive-outputs`",
    );
  }
  const { name } = splitBucketName(outputs.bucket);
  const usePublic = opts.publicDb && outputs.db_public_host;
  return fromBackendValues(
    {
      API_KEY: outputs.callback_key!,
      COSKEY_BUCKET: opts.bucketStyle === "full" ? `${name}-${outputs.appid}` : name,
      COSKEY_BUCKET_REGION: outputs.bucket_region,
      COSKEY_APPID: String(outputs.appid),
      COSKEY_SECRECTID: outputs.signer_secret_id!,
      COSKEY_SECRECTKEY: outputs.signer_secret_key!,
    },
    {
      HOST: usePublic ? outputs.db_public_host! : outputs.db_host,
      PORT: usePublic ? (outputs.db_public_port ?? outputs.db_port) : outputs.db_port,
      DBNAME: outputs.db_name,
      USER: outputs.db_user,
      PASSWD: outputs.db_password!,
    },
    { kind: "memory", locations: {} },
  );
}
