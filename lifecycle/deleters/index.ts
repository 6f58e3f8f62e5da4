/** The deleters, one per resource type (the coverage of teardown and the janitor is this list). */
import type { Deleter, ResourceType } from "../types";
import { camAccessKey } from "./cam_access_key";
import { cosObject } from "./cos_object";
import { camPolicy } from "./tencentcloud_cam_policy";
import { camUser } from "./tencentcloud_cam_user";
import { camUserPolicyAttachment } from "./tencentcloud_cam_user_policy_attachment";
import { cosBucket } from "./tencentcloud_cos_bucket";
import { cssCallbackRule } from "./tencentcloud_css_callback_rule_attachment";
import { cssCallbackTemplate } from "./tencentcloud_css_callback_template";
import { cssDomain } from "./tencentcloud_css_domain";
import { cssRecordRule } from "./tencentcloud_css_record_rule_attachment";
import { cssRecordTemplate } from "./tencentcloud_css_record_template";
import { mysqlAccount } from "./tencentcloud_mysql_account";
import { mysqlDatabase } from "./tencentcloud_mysql_database";
import { mysqlInstance } from "./tencentcloud_mysql_instance";
import { securityGroup } from "./tencentcloud_security_group";
import { subnet } from "./tencentcloud_subnet";
import { vpc } from "./tencentcloud_vpc";

export const DELETERS: readonly Deleter[] = [
  cssCallbackRule,
  cssRecordRule,
  cssCallbackTemplate,
  cssRecordTemplate,
  cssDomain,
  camAccessKey,
  camUserPolicyAttachment,
  camUser,
  camPolicy,
  cosObject,
  cosBucket,
  mysqlAccount,
  mysqlDatabase,
  mysqlInstance,
  securityGroup,
  subnet,
  vpc,
];

export function deleterOf(type: ResourceType, deleters: readonly Deleter[] = DELETERS): Deleter {
  const d = deleters.find((x) => x.type === type);
  if (!d) throw new Error(`no deleter for ${type}`);
  return d;
}

/**
 * Declared types with a cloud object the sweep cannot delete, and what to do (noted in the teardown report when the
 * stack declares one). Types without their own cloud object — rule sets, privileges, random_password,
 * terraform_data — go with their resource or need nothing.
 */
export const NOT_SWEPT: Readonly<Record<string, string>> = {
  tencentcloud_dnspod_record:
    "DNSPod records are outside the sweep (no dnspod API client): terraform destroy removes it; without a Terraform state delete the CNAME by hand",
};
