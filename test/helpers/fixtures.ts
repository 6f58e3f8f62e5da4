/**
 * One sample of a stack's outputs for tests that need a plausible deployed stack without synthesizing one.
 * Tests override what they are about (quotes in secrets, canaries, a real host and port) instead of copying it.
 */
import type { StackOutputs } from "../../common/outputs";

export function sampleOutputs(overrides: Partial<StackOutputs> = {}): StackOutputs {
  return {
    appid: "1250000000",
    region: "ap-guangzhou",
    bucket: "live-demo-dev-upload-1250000000",
    bucket_region: "ap-guangzhou",
    push_domain: "push.example.com",
    play_domain: "play.example.com",
    app_name: "live",
    callback_url: "http://backend.example.com/callback/tape_callback.php",
    callback_template_id: "1001",
    record_template_id: "2001",
    db_instance_id: "cdb-abcd1234",
    db_host: "127.0.0.1",
    db_port: 3306,
    db_name: "live_demo",
    db_user: "live_user",
    db_password: "pw-sample-db-0000",
    callback_key: "key-sample-callback-0000",
    signer_secret_id: "AKIDsample00000000000000000000000000",
    signer_secret_key: "sk-sample-signer-0000",
    ...overrides,
  };
}
