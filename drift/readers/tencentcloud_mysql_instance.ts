/**
 * tencentcloud_mysql_instance: DescribeDBInstances (name, status, engine, memory, volume, zone, network, addresses,
 * public access, billing, tags), DescribeInstanceParams (the declared parameters only, e.g. time_zone) and
 * DescribeDBSecurityGroups (security_groups). Status must be running: an isolated instance is not put back by a
 * re-apply (that would create a new, empty one).
 */
import type { Reader } from "../types";
import { asList, knownText, manual, tagMap } from "./support";

type Obj = Record<string, unknown>;

const STATUS = manual(
  "实例不在运行中（Status 1 = 运行中；4 隔离中，5 已隔离）：在保留期内到 TencentDB 控制台 › 回收站 恢复实例；不要直接 cdktf deploy（会新建一个空实例）。",
  "The instance is not running (Status 1 = running; 4 isolating, 5 isolated): restore it from the TencentDB console › Recycle bin within the retention period; do not just run cdktf deploy (it would create a new, empty instance).",
);

export const reader: Reader = {
  type: "tencentcloud_mysql_instance",
  service: "cdb",
  attributes: {
    instance_name: { compare: "exact", from: "DescribeDBInstances: InstanceName" },
    status: { compare: "number", from: "DescribeDBInstances: Status (must be 1, running)", expected: 1, fix: STATUS },
    engine_version: { compare: "exact", from: "DescribeDBInstances: EngineVersion" },
    mem_size: { compare: "number", from: "DescribeDBInstances: Memory (MB)" },
    volume_size: { compare: "number", from: "DescribeDBInstances: Volume (GB)" },
    availability_zone: { compare: "exact", from: "DescribeDBInstances: Zone" },
    vpc_id: { compare: "exact", from: "DescribeDBInstances: UniqVpcId" },
    subnet_id: { compare: "exact", from: "DescribeDBInstances: UniqSubnetId" },
    intranet_ip: { compare: "exact", from: "DescribeDBInstances: Vip (output db_host)" },
    intranet_port: { compare: "number", from: "DescribeDBInstances: Vport (output db_port)" },
    internet_service: { compare: "number", from: "DescribeDBInstances: WanStatus (1 = public access on)", expected: 0 },
    internet_host: { compare: "exact", from: "DescribeDBInstances: WanDomain (output db_public_host)" },
    internet_port: { compare: "number", from: "DescribeDBInstances: WanPort (output db_public_port)" },
    charge_type: { compare: "exact", from: "DescribeDBInstances: PayType (0 PREPAID, 1 POSTPAID)" },
    project_id: { compare: "number", from: "DescribeDBInstances: ProjectId" },
    tags: { compare: "map", from: "DescribeDBInstances: TagList", expected: {} },
    parameters: { compare: "map", from: "DescribeInstanceParams: Items[].CurrentValue of the declared names (e.g. time_zone)" },
    security_groups: { compare: "set", from: "DescribeDBSecurityGroups: Groups[].SecurityGroupId" },
  },
  notComparable: {
    root_password: "write-only: no API returns a password",
    force_delete: "provider-side switch for deletion (skip the recycle bin); not stored",
    destroy_protect: "not returned by DescribeDBInstances",
    prepaid_period: "used only when a prepaid instance is bought",
    auto_renew_flag: "billing setting of prepaid instances; not compared",
  },

  identity: (d) => knownText(d, "id"),

  async read(ctx, d, id) {
    const r = await ctx.api.request<{ Items?: Obj[] }>("cdb", "DescribeDBInstances", { InstanceIds: [id] }, { region: d.region });
    const i = asList<Obj>(r.Items).find((x) => x.InstanceId === id);
    if (!i) return { exists: false };
    const declaredParams = d.attrs.parameters?.known ? Object.keys((d.attrs.parameters.value ?? {}) as Obj) : [];
    const [params, groups] = await Promise.all([
      declaredParams.length ? ctx.api.request<{ Items?: Obj[] }>("cdb", "DescribeInstanceParams", { InstanceId: id }, { region: d.region }) : Promise.resolve({ Items: [] as Obj[] }),
      ctx.api.request<{ Groups?: Obj[] }>("cdb", "DescribeDBSecurityGroups", { InstanceId: id }, { region: d.region }),
    ]);
    const current = new Map(asList<Obj>(params.Items).map((p) => [String(p.Name), String(p.CurrentValue ?? "")]));
    const parameters: Record<string, string | null> = {};
    for (const k of declaredParams) parameters[k] = current.has(k) ? current.get(k)! : null;
    const wan = Number(i.WanStatus ?? 0) === 1;
    return {
      exists: true,
      id,
      attrs: {
        instance_name: String(i.InstanceName ?? ""),
        status: Number(i.Status),
        engine_version: String(i.EngineVersion ?? ""),
        mem_size: Number(i.Memory),
        volume_size: Number(i.Volume),
        availability_zone: String(i.Zone ?? ""),
        vpc_id: String(i.UniqVpcId ?? ""),
        subnet_id: String(i.UniqSubnetId ?? ""),
        intranet_ip: String(i.Vip ?? ""),
        intranet_port: Number(i.Vport),
        internet_service: wan ? 1 : 0,
        internet_host: wan ? String(i.WanDomain ?? "") : "",
        internet_port: wan ? Number(i.WanPort ?? 0) : 0,
        charge_type: Number(i.PayType) === 0 ? "PREPAID" : "POSTPAID",
        project_id: Number(i.ProjectId ?? 0),
        tags: tagMap(i.TagList),
        parameters,
        security_groups: asList<Obj>(groups.Groups).map((g) => String(g.SecurityGroupId)),
      },
    };
  },
};
