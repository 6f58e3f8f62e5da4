/** Warns when a MySQL instance is reachable from the internet (internet_service = 1). */
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "./rule";

export const publicMysqlWarning: PolicyRule = {
  id: "LD-DB-PUBLIC-1",
  level: "warning",
  description: "MySQL instances are not publicly reachable",
  check(subject) {
    if (subject.kind !== "resource" || subject.type !== "tencentcloud_mysql_instance") return NOT_APPLICABLE;
    return subject.attributes.internet_service === 1
      ? nonCompliant("MySQL public access is on (internet_service = 1); only the security group's CIDRs keep others out")
      : COMPLIANT;
  },
};
