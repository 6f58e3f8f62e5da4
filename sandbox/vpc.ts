/**
 * VPC 2017-03-12, what the Database construct declares (tencentcloud_vpc, _subnet, _security_group,
 * _security_group_rule_set): DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, DescribeSecurityGroupPolicies,
 * Create/Modify/DeleteSecurityGroupPolicies, DeleteSecurityGroup, DeleteSubnet, DeleteVpc. Resources are regional
 * (X-TC-Region required); field lists follow the SDK models (vpc/v20170312 models.go); error codes follow the
 * per-action lists of the Go SDK (client.go), "silent" marking a code chosen where the docs name none for the case.
 *
 * Not-found behaviour follows what the Terraform provider's Read functions expect: an unknown id in VpcIds/SubnetIds
 * gives an empty set, an unknown security group is `ResourceNotFound`.
 *
 * Dependencies (documented in the action descriptions): a subnet or VPC that still holds a CDB instance, a VPC that
 * still holds subnets, and a security group bound to a CDB instance or named by another group's rule are refused
 * with `ResourceInUse`.
 */
import { ActionContext, ApiError, ServiceDef, Spec } from "./api-types";
import { SecurityGroupRule, State, VpcSecurityGroup, beijingTime, vpcOf } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FILTERS: Spec = [{ "Name!": "string", Values: ["string"] }];
type Filter = { Name: string; Values?: string[] };

const POLICY: Spec = {
  PolicyIndex: "int", Protocol: "string", Port: "string", ServiceTemplate: { ServiceId: "string", ServiceGroupId: "string" },
  CidrBlock: "string", Ipv6CidrBlock: "string", SecurityGroupId: "string", AddressTemplate: { AddressId: "string", AddressGroupId: "string" },
  Action: "string", PolicyDescription: "string", ModifyTime: "string", Priority: "int",
};
const POLICY_SET: Spec = { Version: "string", Egress: [POLICY], Ingress: [POLICY], PolicyStatistics: "any" };

type PolicyIn = {
  PolicyIndex?: number; Protocol?: string; Port?: string; ServiceTemplate?: object; CidrBlock?: string; Ipv6CidrBlock?: string;
  SecurityGroupId?: string; AddressTemplate?: object; Action?: string; PolicyDescription?: string;
};
type PolicySetIn = { Version?: string; Egress?: PolicyIn[]; Ingress?: PolicyIn[] };

const ID_RE = { vpc: /^vpc-[a-z0-9]{8}$/, subnet: /^subnet-[a-z0-9]{8}$/, sg: /^sg-[a-z0-9]{8}$/ };

function malformed(what: string, id: string): ApiError {
  return new ApiError("InvalidParameterValue.Malformed", `The ${what} id "${id}" is malformed.`);
}

/** Offset/Limit are strings in these requests (documented); default 0 / 20, Limit at most 100. */
function page<T>(items: T[], p: P): T[] {
  const offset = p.Offset === undefined ? 0 : Number(p.Offset);
  const limit = p.Limit === undefined ? 20 : Number(p.Limit);
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError("InvalidParameterValue.Range", "Offset must be a whole number ≥ 0.");
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError("InvalidParameterValue.Range", "Limit must be between 1 and 100.");
  return items.slice(offset, offset + limit);
}

/** Filters are ANDed, the values of one filter ORed (documented). `tag-key` and `tag:<key>` work on every type. */
function applyFilters<T extends { tags?: Record<string, string> }>(items: T[], filters: Filter[] | undefined, fields: Record<string, (x: T) => string | string[]>): T[] {
  for (const f of filters ?? []) {
    if (f.Name !== "tag-key" && !f.Name.startsWith("tag:") && !fields[f.Name]) {
      throw new ApiError("InvalidParameter.FilterInvalidKey", `The filter "${f.Name}" does not exist (supported: ${[...Object.keys(fields), "tag-key", "tag:<key>"].join(", ")}).`);
    }
  }
  return items.filter((x) =>
    (filters ?? []).every((f) => {
      const values = f.Values ?? [];
      if (f.Name === "tag-key") return values.some((v) => v in (x.tags ?? {}));
      if (f.Name.startsWith("tag:")) return values.includes((x.tags ?? {})[f.Name.slice(4)] ?? "\u0000");
      const got = fields[f.Name](x);
      return values.some((v) => (Array.isArray(got) ? got.includes(v) : got === v));
    }),
  );
}

function checkCoexist(ids: unknown[] | undefined, filters: unknown[] | undefined, idField: string): void {
  if (ids?.length && filters?.length) throw new ApiError("InvalidParameter.Coexist", `${idField} and Filters cannot be given together.`);
  if ((ids?.length ?? 0) > 100) throw new ApiError("InvalidParameterValue.LimitExceeded", `At most 100 ${idField} per request.`);
}

const tagSet = (tags: Record<string, string> | undefined) => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

/** Addresses in an IPv4 CIDR (0 when it is not one). */
function cidrSize(cidr: string): number {
  const m = /^\d{1,3}(\.\d{1,3}){3}\/(\d{1,2})$/.exec(cidr);
  return m ? 2 ** (32 - Number(m[2])) : 0;
}

function regionGroups(state: State, region: string): VpcSecurityGroup[] {
  return vpcOf(state).securityGroups.filter((g) => g.region === region);
}

function requireGroup(state: State, region: string, id: string, unknownCode = "ResourceNotFound"): VpcSecurityGroup {
  const g = regionGroups(state, region).find((x) => x.securityGroupId === id);
  if (!g) throw new ApiError(unknownCode, `The security group ${id} does not exist in ${region}.`);
  return g;
}

const liveInstances = (state: State, region: string) => state.cdb.instances.filter((i) => i.region === region);

// ---------------------------------------------------------------------------------------------------------------
// Security group rules

const PROTOCOLS = ["TCP", "UDP", "ICMP", "ICMPV6", "GRE", "ALL"];
const PORT_RE = /^(ALL|\d{1,5}(-\d{1,5})?(,\d{1,5})*)$/i;
const CIDR4_RE = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;

/** One rule as the API sends it → the state's form, with the documented constraints (ModifySecurityGroupPolicies). */
function toRule(r: PolicyIn, where: string, state: State, region: string, now: string): SecurityGroupRule {
  if (r.ServiceTemplate || r.AddressTemplate) {
    throw new ApiError("UnsupportedOperation", `${where}: parameter templates (ServiceTemplate/AddressTemplate) are not emulated by the sandbox.`);
  }
  const sources = [r.CidrBlock, r.Ipv6CidrBlock, r.SecurityGroupId].filter((x) => x !== undefined && x !== "");
  if (sources.length > 1) throw new ApiError("InvalidParameter.Coexist", `${where}: CidrBlock, Ipv6CidrBlock and SecurityGroupId are exclusive.`);
  if (!sources.length) throw new ApiError("InvalidParameterValue.Empty", `${where}: one of CidrBlock, Ipv6CidrBlock or SecurityGroupId is required.`);
  const protocol = (r.Protocol ?? "").toUpperCase();
  if (!PROTOCOLS.includes(protocol)) throw new ApiError("InvalidParameterValue.Range", `${where}: Protocol must be one of ${PROTOCOLS.join(", ")}.`);
  const action = (r.Action ?? "").toUpperCase();
  if (action !== "ACCEPT" && action !== "DROP") throw new ApiError("InvalidParameterValue.Range", `${where}: Action must be ACCEPT or DROP.`);
  let port = r.Port ?? "ALL";
  if (!PORT_RE.test(port) || port.split(/[-,]/).some((x) => x.toUpperCase() !== "ALL" && Number(x) > 65535)) {
    throw new ApiError("InvalidParameterValue.Malformed", `${where}: Port "${port}" is not a port, a range a-b or a list.`);
  }
  port = port.toUpperCase() === "ALL" ? "ALL" : port;
  if (port !== "ALL" && protocol !== "TCP" && protocol !== "UDP") {
    throw new ApiError("InvalidParameterValue.Range", `${where}: a Port is allowed only with TCP or UDP (use ALL).`);
  }
  if (r.CidrBlock && !CIDR4_RE.test(r.CidrBlock)) throw new ApiError("InvalidParameterValue.Malformed", `${where}: CidrBlock "${r.CidrBlock}" is not an IPv4 address or CIDR.`);
  if (r.SecurityGroupId && !regionGroups(state, region).some((g) => g.securityGroupId === r.SecurityGroupId)) {
    throw new ApiError("ResourceNotFound", `${where}: the security group ${r.SecurityGroupId} does not exist.`);
  }
  if (r.PolicyDescription !== undefined && r.PolicyDescription.length > 100) throw new ApiError("InvalidParameterValue.TooLong", `${where}: PolicyDescription is longer than 100 characters.`);
  return {
    protocol, port, action: action as "ACCEPT" | "DROP",
    ...(r.CidrBlock ? { cidrBlock: r.CidrBlock.replace(/^0\.0\.0\.0\/\d+$/, "0.0.0.0/0") } : {}),
    ...(r.Ipv6CidrBlock ? { ipv6CidrBlock: r.Ipv6CidrBlock } : {}),
    ...(r.SecurityGroupId ? { securityGroupId: r.SecurityGroupId } : {}),
    policyDescription: r.PolicyDescription ?? "",
    modifyTime: now,
  };
}

const sameRule = (a: SecurityGroupRule, b: SecurityGroupRule) =>
  a.protocol === b.protocol && a.port === b.port && a.action === b.action && (a.cidrBlock ?? "") === (b.cidrBlock ?? "") &&
  (a.ipv6CidrBlock ?? "") === (b.ipv6CidrBlock ?? "") && (a.securityGroupId ?? "") === (b.securityGroupId ?? "");

function rejectDuplicates(rules: SecurityGroupRule[], dir: string): void {
  rules.forEach((r, i) => {
    if (rules.findIndex((x) => sameRule(x, r)) < i) throw new ApiError("UnsupportedOperation.DuplicatePolicy", `${dir} rule ${i} duplicates an earlier rule.`);
  });
}

function policyOut(g: VpcSecurityGroup) {
  return (r: SecurityGroupRule, i: number) => ({
    PolicyIndex: i, Protocol: r.protocol, Port: r.port, ServiceTemplate: { ServiceId: "", ServiceGroupId: "" }, CidrBlock: r.cidrBlock ?? "",
    Ipv6CidrBlock: r.ipv6CidrBlock ?? "", SecurityGroupId: r.securityGroupId ?? "", AddressTemplate: { AddressId: "", AddressGroupId: "" },
    Action: r.action, PolicyDescription: r.policyDescription ?? "", ModifyTime: r.modifyTime || g.updateTime || g.createTime,
  });
}

function checkVersion(g: VpcSecurityGroup, version: string | undefined): void {
  if (version !== undefined && version !== "" && version !== String(g.policyVersion ?? 0)) {
    throw new ApiError("UnsupportedOperation.VersionMismatch", `Version ${version} is not the current rule-set version ${g.policyVersion ?? 0} of ${g.securityGroupId}.`);
  }
}

function bump(g: VpcSecurityGroup, now: string): void {
  g.policyVersion = (g.policyVersion ?? 0) + 1;
  g.updateTime = now;
}

/** The one direction a Create/Delete request may carry (documented: one direction per request). */
function oneDirection(set: PolicySetIn): ["ingress" | "egress", PolicyIn[]] {
  const ingress = set.Ingress ?? [];
  const egress = set.Egress ?? [];
  if (ingress.length && egress.length) throw new ApiError("InvalidParameter.Coexist", "One request may carry Ingress or Egress rules, not both.");
  if (!ingress.length && !egress.length) throw new ApiError("InvalidParameterValue.Empty", "SecurityGroupPolicySet holds no Ingress or Egress rule.");
  return ingress.length ? ["ingress", ingress] : ["egress", egress];
}

// ---------------------------------------------------------------------------------------------------------------

export const VPC: ServiceDef = {
  version: "2017-03-12",
  needsRegion: true,
  actions: {
    DescribeVpcs: {
      params: { VpcIds: ["string"], Filters: FILTERS, Offset: "string", Limit: "string" },
      run(p: P, { state, region }: ActionContext) {
        checkCoexist(p.VpcIds, p.Filters, "VpcIds");
        for (const id of p.VpcIds ?? []) if (!ID_RE.vpc.test(id)) throw malformed("VPC", id);
        let vpcs = vpcOf(state).vpcs.filter((v) => v.region === region && (!p.VpcIds?.length || p.VpcIds.includes(v.vpcId)));
        vpcs = applyFilters(vpcs, p.Filters, {
          "vpc-id": (v) => v.vpcId, "cidr-block": (v) => v.cidrBlock, "is-default": (v) => String(!!v.isDefault).toUpperCase(),
          "vpc-name": (v) => v.vpcName,
        });
        return {
          TotalCount: vpcs.length,
          VpcSet: page(vpcs, p).map((v) => ({
            VpcName: v.vpcName, VpcId: v.vpcId, CidrBlock: v.cidrBlock, IsDefault: !!v.isDefault, EnableMulticast: false, CreatedTime: v.createTime,
            DnsServerSet: ["183.60.83.19", "183.60.82.98"], DomainName: "", DhcpOptionsId: "", EnableDhcp: true, Ipv6CidrBlock: "",
            TagSet: tagSet(v.tags), AssistantCidrSet: [], EnableRouteVpcPublish: false, Ipv6CidrBlockSet: [], EnableRouteVpcPublishIpv6: false,
          })),
        };
      },
    },
    DescribeSubnets: {
      params: { SubnetIds: ["string"], Filters: FILTERS, Offset: "string", Limit: "string", MaxResults: "int", NextToken: "string" },
      run(p: P, { state, region }) {
        checkCoexist(p.SubnetIds, p.Filters, "SubnetIds");
        for (const id of p.SubnetIds ?? []) if (!ID_RE.subnet.test(id)) throw malformed("subnet", id);
        let subnets = vpcOf(state).subnets.filter((s) => s.region === region && (!p.SubnetIds?.length || p.SubnetIds.includes(s.subnetId)));
        subnets = applyFilters(subnets, p.Filters, {
          "subnet-id": (s) => s.subnetId, "vpc-id": (s) => s.vpcId, "cidr-block": (s) => s.cidrBlock, "is-default": (s) => String(!!s.isDefault).toUpperCase(),
          "subnet-name": (s) => s.subnetName, zone: (s) => s.zone,
        });
        const used = (subnetId: string) => liveInstances(state, region).filter((i) => i.subnetId === subnetId).length;
        return {
          TotalCount: subnets.length,
          NextToken: "",
          SubnetSet: page(subnets, p).map((s) => {
            const total = cidrSize(s.cidrBlock);
            return {
              VpcId: s.vpcId, SubnetId: s.subnetId, SubnetName: s.subnetName, CidrBlock: s.cidrBlock, IsDefault: !!s.isDefault, EnableBroadcast: false,
              Zone: s.zone, RouteTableId: "", CreatedTime: s.createTime, AvailableIpAddressCount: Math.max(0, total - 3 - used(s.subnetId)),
              Ipv6CidrBlock: "", NetworkAclId: "", IsRemoteVpcSnat: false, TotalIpAddressCount: total, TagSet: tagSet(s.tags), CdcId: "", IsCdcSubnet: 0,
            };
          }),
        };
      },
    },
    DescribeSecurityGroups: {
      params: { SecurityGroupIds: ["string"], Filters: FILTERS, Offset: "string", Limit: "string", OrderField: "string", OrderDirection: "string" },
      run(p: P, { state, region }) {
        checkCoexist(p.SecurityGroupIds, p.Filters, "SecurityGroupIds");
        for (const id of p.SecurityGroupIds ?? []) {
          if (!ID_RE.sg.test(id)) throw malformed("security group", id);
          requireGroup(state, region, id); // the provider's Read expects ResourceNotFound for an unknown id
        }
        let groups = regionGroups(state, region).filter((g) => !p.SecurityGroupIds?.length || p.SecurityGroupIds.includes(g.securityGroupId));
        groups = applyFilters(groups, p.Filters, {
          "security-group-id": (g) => g.securityGroupId, "project-id": (g) => g.projectId ?? "0", "security-group-name": (g) => g.securityGroupName,
        });
        if (p.OrderField !== undefined) {
          const key = ({ CreatedTime: "createTime", UpdateTime: "updateTime" } as const)[p.OrderField as "CreatedTime"];
          if (!key) throw new ApiError("InvalidParameterValue.Range", "OrderField must be CreatedTime or UpdateTime.");
          const dir = p.OrderDirection === "DESC" ? -1 : 1;
          groups = [...groups].sort((a, b) => (a[key] ?? a.createTime).localeCompare(b[key] ?? b.createTime) * dir);
        }
        return {
          TotalCount: groups.length,
          SecurityGroupSet: page(groups, p).map((g) => ({
            SecurityGroupId: g.securityGroupId, SecurityGroupName: g.securityGroupName, SecurityGroupDesc: g.securityGroupDesc,
            ProjectId: g.projectId ?? "0", IsDefault: false, CreatedTime: g.createTime, TagSet: tagSet(g.tags), UpdateTime: g.updateTime ?? g.createTime,
          })),
        };
      },
    },
    DescribeSecurityGroupPolicies: {
      params: { "SecurityGroupId!": "string", Filters: FILTERS },
      run(p: P, { state, region }) {
        if (!ID_RE.sg.test(p.SecurityGroupId)) throw malformed("security group", p.SecurityGroupId);
        const g = requireGroup(state, region, p.SecurityGroupId);
        const filters = (p.Filters ?? []) as Filter[];
        const known = ["security-group-id", "ip", "protocol-type", "port", "poly", "direction", "description"];
        for (const f of filters) if (!known.includes(f.Name)) throw new ApiError("InvalidParameter.FilterInvalidKey", `The filter "${f.Name}" does not exist (supported: ${known.join(", ")}).`);
        const keep = (dir: "INBOUND" | "OUTBOUND") => (r: SecurityGroupRule) =>
          filters.every((f) => {
            const v = f.Values ?? [];
            const any = (test: (x: string) => boolean) => v.some(test);
            switch (f.Name) {
              case "security-group-id": return any((x) => x === r.securityGroupId);
              case "ip": return any((x) => (r.cidrBlock ?? r.ipv6CidrBlock ?? "").includes(x));
              case "protocol-type": return any((x) => x.toUpperCase() === r.protocol);
              case "port": return any((x) => x.toUpperCase() === "ALL" || r.port.includes(x));
              case "poly": return any((x) => x.toUpperCase() === "ALL" || x.toUpperCase() === r.action);
              case "direction": return any((x) => x.toUpperCase() === "ALL" || x.toUpperCase() === dir);
              default: return any((x) => (r.policyDescription ?? "").includes(x));
            }
          });
        const ingress = (g.ingress ?? []).map(policyOut(g)).filter((_x, i) => keep("INBOUND")((g.ingress ?? [])[i]));
        const egress = (g.egress ?? []).map(policyOut(g)).filter((_x, i) => keep("OUTBOUND")((g.egress ?? [])[i]));
        const v4 = (rs: SecurityGroupRule[]) => rs.filter((r) => !r.ipv6CidrBlock).length;
        const v6 = (rs: SecurityGroupRule[]) => rs.filter((r) => !!r.ipv6CidrBlock).length;
        return {
          SecurityGroupPolicySet: {
            Version: String(g.policyVersion ?? 0), Egress: egress, Ingress: ingress,
            PolicyStatistics: {
              IngressIPv4TotalCount: v4(g.ingress ?? []), IngressIPv6TotalCount: v6(g.ingress ?? []),
              EgressIPv4TotalCount: v4(g.egress ?? []), EgressIPv6TotalCount: v6(g.egress ?? []),
            },
          },
        };
      },
    },
    ModifySecurityGroupPolicies: {
      params: { "SecurityGroupId!": "string", "SecurityGroupPolicySet!": POLICY_SET, SortPolicys: "bool" },
      run(p: P, { state, region }) {
        if (!ID_RE.sg.test(p.SecurityGroupId)) throw malformed("security group", p.SecurityGroupId);
        const g = requireGroup(state, region, p.SecurityGroupId);
        const set = p.SecurityGroupPolicySet as PolicySetIn;
        const now = beijingTime();
        // Documented: Version "0" empties the group and ignores Ingress/Egress; otherwise both lists replace the
        // current ones (an omitted list empties that direction). PolicyIndex is not supported and ignored.
        if (set.Version === "0") {
          g.ingress = [];
          g.egress = [];
        } else {
          const ingress = (set.Ingress ?? []).map((r, i) => toRule(r, `Ingress.${i}`, state, region, now));
          const egress = (set.Egress ?? []).map((r, i) => toRule(r, `Egress.${i}`, state, region, now));
          rejectDuplicates(ingress, "Ingress");
          rejectDuplicates(egress, "Egress");
          g.ingress = ingress;
          g.egress = egress;
        }
        bump(g, now);
        return {};
      },
    },
    CreateSecurityGroupPolicies: {
      params: { "SecurityGroupId!": "string", "SecurityGroupPolicySet!": POLICY_SET },
      run(p: P, { state, region }) {
        if (!ID_RE.sg.test(p.SecurityGroupId)) throw malformed("security group", p.SecurityGroupId);
        const g = requireGroup(state, region, p.SecurityGroupId);
        const set = p.SecurityGroupPolicySet as PolicySetIn;
        checkVersion(g, set.Version);
        const [dir, given] = oneDirection(set);
        const now = beijingTime();
        const rules = given.map((r, i) => toRule(r, `${dir === "ingress" ? "Ingress" : "Egress"}.${i}`, state, region, now));
        const indexes = [...new Set(given.map((r) => r.PolicyIndex))];
        if (indexes.length > 1) throw new ApiError("InvalidParameterValue.Range", "All rules of one request must carry the same PolicyIndex (or none).");
        const current = g[dir] ?? [];
        const at = indexes[0] === undefined ? current.length : indexes[0];
        if (at < 0 || at > current.length) throw new ApiError("InvalidParameterValue.Range", `PolicyIndex ${at} is outside 0-${current.length}.`);
        const next = [...current.slice(0, at), ...rules, ...current.slice(at)];
        rejectDuplicates(next, dir === "ingress" ? "Ingress" : "Egress");
        if (next.length > 100) throw new ApiError("LimitExceeded.SecurityGroupPolicySet", "A direction holds at most 100 rules.");
        g[dir] = next;
        bump(g, now);
        return {};
      },
    },
    DeleteSecurityGroupPolicies: {
      params: { "SecurityGroupId!": "string", "SecurityGroupPolicySet!": POLICY_SET },
      run(p: P, { state, region }) {
        if (!ID_RE.sg.test(p.SecurityGroupId)) throw malformed("security group", p.SecurityGroupId);
        const g = requireGroup(state, region, p.SecurityGroupId);
        const set = p.SecurityGroupPolicySet as PolicySetIn;
        checkVersion(g, set.Version);
        const [dir, given] = oneDirection(set);
        const current = g[dir] ?? [];
        const byIndex = given.filter((r) => r.PolicyIndex !== undefined);
        if (byIndex.length && byIndex.length !== given.length) {
          throw new ApiError("InvalidParameter.Coexist", "Delete by PolicyIndex or by rule content, not both in one request.");
        }
        let doomed: number[];
        if (byIndex.length) {
          doomed = byIndex.map((r) => r.PolicyIndex!);
          const bad = doomed.find((i) => i < 0 || i >= current.length);
          if (bad !== undefined) throw new ApiError("ResourceNotFound", `No ${dir} rule has PolicyIndex ${bad}.`);
        } else {
          const now = beijingTime();
          doomed = given.map((r, k) => {
            const want = toRule(r, `${dir === "ingress" ? "Ingress" : "Egress"}.${k}`, state, region, now);
            const i = current.findIndex((x) => sameRule(x, want));
            if (i < 0) throw new ApiError("ResourceNotFound", `No ${dir} rule matches ${dir === "ingress" ? "Ingress" : "Egress"}.${k}.`);
            return i;
          });
        }
        g[dir] = current.filter((_r, i) => !doomed.includes(i));
        bump(g, beijingTime());
        return {};
      },
    },
    DeleteSecurityGroup: {
      params: { "SecurityGroupId!": "string" },
      run(p: P, { state, region }) {
        if (!ID_RE.sg.test(p.SecurityGroupId)) throw new ApiError("InvalidSecurityGroupID.Malformed", `The security group id "${p.SecurityGroupId}" is malformed.`);
        const g = requireGroup(state, region, p.SecurityGroupId, "InvalidSecurityGroupID.NotFound");
        const bound = liveInstances(state, region).find((i) => (i.securityGroupIds ?? []).includes(g.securityGroupId));
        if (bound) throw new ApiError("ResourceInUse", `The security group ${g.securityGroupId} is bound to the instance ${bound.instanceId}.`);
        const referrer = regionGroups(state, region).find(
          (x) => x !== g && [...(x.ingress ?? []), ...(x.egress ?? [])].some((r) => r.securityGroupId === g.securityGroupId),
        );
        if (referrer) throw new ApiError("ResourceInUse", `The security group ${g.securityGroupId} is referenced by a rule of ${referrer.securityGroupId}.`);
        vpcOf(state).securityGroups = vpcOf(state).securityGroups.filter((x) => x !== g);
        return {};
      },
    },
    DeleteSubnet: {
      params: { "SubnetId!": "string" },
      run(p: P, { state, region }) {
        if (!ID_RE.subnet.test(p.SubnetId)) throw malformed("subnet", p.SubnetId);
        const v = vpcOf(state);
        const s = v.subnets.find((x) => x.subnetId === p.SubnetId && x.region === region);
        if (!s) throw new ApiError("ResourceNotFound", `The subnet ${p.SubnetId} does not exist in ${region}.`);
        const inst = liveInstances(state, region).find((i) => i.subnetId === s.subnetId);
        if (inst) throw new ApiError("ResourceInUse", `The subnet ${s.subnetId} still holds the instance ${inst.instanceId}.`);
        v.subnets = v.subnets.filter((x) => x !== s);
        return {};
      },
    },
    DeleteVpc: {
      params: { "VpcId!": "string" },
      run(p: P, { state, region }) {
        if (!ID_RE.vpc.test(p.VpcId)) throw malformed("VPC", p.VpcId);
        const v = vpcOf(state);
        const vpc = v.vpcs.find((x) => x.vpcId === p.VpcId && x.region === region);
        if (!vpc) throw new ApiError("ResourceNotFound", `The VPC ${p.VpcId} does not exist in ${region}.`);
        const inst = liveInstances(state, region).find((i) => i.vpcId === vpc.vpcId);
        if (inst) throw new ApiError("ResourceInUse", `The VPC ${vpc.vpcId} still holds the instance ${inst.instanceId}.`);
        // Silent on whether empty subnets go with the VPC: they are refused, so teardown deletes them first.
        const subnet = v.subnets.find((x) => x.vpcId === vpc.vpcId);
        if (subnet) throw new ApiError("ResourceInUse", `The VPC ${vpc.vpcId} still holds the subnet ${subnet.subnetId}.`);
        v.vpcs = v.vpcs.filter((x) => x !== vpc);
        return {};
      },
    },
  },
};
