/**
 * The readers: one per Terraform resource type the stacks declare. The coverage table (docs/drift.md) is this list:
 * each reader's compared attributes and those it cannot compare, plus the declared types that are not read.
 */
import type { NotRead, Reader } from "../types";
import { reader as cosBucket } from "./tencentcloud_cos_bucket";
import { reader as camUser } from "./tencentcloud_cam_user";
import { reader as camPolicy } from "./tencentcloud_cam_policy";
import { reader as camAttachment } from "./tencentcloud_cam_user_policy_attachment";
import { reader as cssDomain } from "./tencentcloud_css_domain";
import { reader as callbackTemplate } from "./tencentcloud_css_callback_template";
import { reader as callbackRule } from "./tencentcloud_css_callback_rule_attachment";
import { reader as recordTemplate } from "./tencentcloud_css_record_template";
import { reader as recordRule } from "./tencentcloud_css_record_rule_attachment";
import { reader as mysqlInstance } from "./tencentcloud_mysql_instance";
import { reader as mysqlDatabase } from "./tencentcloud_mysql_database";
import { reader as mysqlAccount } from "./tencentcloud_mysql_account";
import { reader as mysqlPrivilege } from "./tencentcloud_mysql_privilege";
import { reader as securityGroup } from "./tencentcloud_security_group";
import { reader as ruleSet } from "./tencentcloud_security_group_rule_set";
import { reader as vpc } from "./tencentcloud_vpc";
import { reader as subnet } from "./tencentcloud_subnet";
import { reader as terraformData } from "./terraform_data";

export const READERS: readonly Reader[] = [
  cosBucket,
  camUser,
  camPolicy,
  camAttachment,
  cssDomain,
  callbackTemplate,
  callbackRule,
  recordTemplate,
  recordRule,
  mysqlInstance,
  mysqlDatabase,
  mysqlAccount,
  mysqlPrivilege,
  securityGroup,
  ruleSet,
  vpc,
  subnet,
  terraformData,
];

/** Declared types that are not read, and why. */
export const NOT_READ: readonly NotRead[] = [
  {
    type: "random_password",
    reason: "no cloud object: the value lives in Terraform state only; where it is used (callback key, MySQL passwords) it is compared there",
  },
  {
    type: "tencentcloud_dnspod_record",
    reason: "out of scope: DNSPod records (the play domain's CNAME) are not read (the sandbox does not emulate DNSPod)",
  },
];

export function readerFor(type: string): Reader | undefined {
  return READERS.find((r) => r.type === type);
}

export function notReadReason(type: string): string | undefined {
  return NOT_READ.find((n) => n.type === type)?.reason;
}
