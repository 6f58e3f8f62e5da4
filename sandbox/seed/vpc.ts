/** VPC networking: ids only (the sandbox models no network). */
import type { BuilderTable } from "./types";
import { hex } from "./values";

export const VPC: BuilderTable = {
  tencentcloud_vpc: { computed: () => ({ id: `vpc-${hex(8)}` }) },
  tencentcloud_subnet: { computed: () => ({ id: `subnet-${hex(8)}` }) },
  tencentcloud_security_group: { computed: () => ({ id: `sg-${hex(8)}` }) },
};
