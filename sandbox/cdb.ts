/**
 * CDB (TencentDB for MySQL) 2017-03-20, read side: DescribeDBInstances, DescribeDatabases, DescribeDBInstanceCharset,
 * DescribeInstanceParams. Instances are regional: only those in X-TC-Region are visible (the region is required).
 * The instance's vip/vport (and wan host/port) point at a real MySQL that the caller runs.
 */
import { ApiError, ServiceDef } from "./api-types";
import { DbInstance, State } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Schemas every MySQL server has; DescribeDatabases lists them in Items (as the official example does). */
const SYSTEM_DATABASES = ["information_schema", "mysql", "performance_schema", "sys"];

function instanceInfo(i: DbInstance) {
  return {
    InstanceId: i.instanceId, InstanceName: i.instanceName, Status: i.status, TaskStatus: i.taskStatus,
    Vip: i.vip, Vport: i.vport, WanStatus: i.wanStatus, WanDomain: i.wanDomain, WanPort: i.wanPort,
    EngineVersion: i.engineVersion, EngineType: i.engineType, Region: i.region, Zone: i.zone,
    Memory: i.memory, Volume: i.volume, Cpu: 1, Qps: 0, DeviceType: "UNIVERSAL", InstanceType: 1, ProjectId: 0,
    PayType: 1, AutoRenew: 0, CreateTime: i.createTime, DeadlineTime: "0000-00-00 00:00:00", ProtectMode: 0,
    DeployMode: 0, CdbError: 0, InitFlag: 1, VpcId: 0, SubnetId: 0, UniqVpcId: "", UniqSubnetId: "",
    TagList: Object.entries(i.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
  };
}

function requireInstance(state: State, region: string, id: string): DbInstance {
  const i = state.cdb.instances.find((x) => x.instanceId === id && x.region === region);
  if (!i) throw new ApiError("InvalidParameter.InstanceNotFound", `The instance ${id} does not exist in ${region}.`);
  return i;
}

export const CDB: ServiceDef = {
  version: "2017-03-20",
  needsRegion: true,
  actions: {
    DescribeDBInstances: {
      params: {
        ProjectId: "int", InstanceTypes: ["int"], Vips: ["string"], Status: ["int"], Offset: "int", Limit: "int",
        SecurityGroupId: "string", PayTypes: ["int"], InstanceNames: ["string"], TaskStatus: ["int"], EngineVersions: ["string"],
        VpcIds: ["int"], ZoneIds: ["int"], SubnetIds: ["int"], CdbErrors: ["int"], OrderBy: "string", OrderDirection: "string",
        WithSecurityGroup: "int", WithExCluster: "int", ExClusterId: "string", InstanceIds: ["string"], InitFlag: "int",
        WithDr: "int", WithRo: "int", WithMaster: "int", DeployGroupIds: ["string"], TagKeysForSearch: ["string"],
        CageIds: ["string"], TagValues: ["string"], UniqueVpcIds: ["string"], UniqSubnetIds: ["string"], Tags: "any",
        ProxyVips: ["string"], ProxyIds: ["string"], EngineTypes: ["string"], QueryClusterInfo: "bool",
      },
      run(p: P, { state, region }) {
        const offset = p.Offset ?? 0;
        const limit = p.Limit ?? 20;
        if (offset < 0) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Offset must be ≥ 0.");
        if (limit < 1 || limit > 2000) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Limit must be between 1 and 2000.");
        const inList = <T>(list: T[] | undefined, v: T) => !list || list.length === 0 || list.includes(v);
        let items = state.cdb.instances.filter(
          (i) =>
            i.region === region &&
            inList(p.InstanceIds, i.instanceId) &&
            inList(p.Status, i.status) &&
            inList(p.Vips, i.vip) &&
            inList(p.EngineVersions, i.engineVersion) &&
            inList(p.TaskStatus, i.taskStatus) &&
            (!p.InstanceNames?.length || p.InstanceNames.some((n: string) => i.instanceName.includes(n))) &&
            (!p.TagKeysForSearch?.length || Object.keys(i.tags ?? {}).some((k) => p.TagKeysForSearch.includes(k))),
        );
        if (p.OrderBy) {
          const key = ({ instanceId: "instanceId", instanceName: "instanceName", createTime: "createTime" } as const)[p.OrderBy as "instanceId"];
          if (key) items = [...items].sort((a, b) => a[key].localeCompare(b[key]) * (p.OrderDirection === "DESC" ? -1 : 1));
        }
        return { TotalCount: items.length, Items: items.slice(offset, offset + limit).map(instanceInfo) };
      },
    },
    DescribeDatabases: {
      params: { "InstanceId!": "string", Offset: "int", Limit: "int", DatabaseRegexp: "string" },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        const offset = p.Offset ?? 0;
        const limit = p.Limit ?? 20;
        if (limit < 1 || limit > 5000) throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "Limit must be between 1 and 5000.");
        let re: RegExp | undefined;
        try {
          re = p.DatabaseRegexp ? new RegExp(p.DatabaseRegexp) : undefined;
        } catch {
          throw new ApiError("InvalidParameterValue.InvalidParameterValueError", "DatabaseRegexp is not a valid regular expression.");
        }
        const user = inst.databases.filter((d) => !re || re.test(d.name));
        const names = [...SYSTEM_DATABASES.filter((n) => !re || re.test(n)), ...user.map((d) => d.name)];
        return {
          TotalCount: names.length,
          Items: names.slice(offset, offset + limit),
          DatabaseList: user.map((d) => ({ DatabaseName: d.name, CharacterSet: d.characterSet })),
        };
      },
    },
    DescribeDBInstanceCharset: {
      params: { "InstanceId!": "string" },
      run: (p: P, { state, region }) => ({ Charset: requireInstance(state, region, p.InstanceId).charset }),
    },
    DescribeInstanceParams: {
      params: { "InstanceId!": "string" },
      run(p: P, { state, region }) {
        const inst = requireInstance(state, region, p.InstanceId);
        const items = Object.entries(inst.params).map(([Name, CurrentValue]) => ({
          Name, ParamType: "string", Default: "", CurrentValue, Description: "", NeedReboot: 0, Max: 0, Min: 0, EnumValue: [],
          MaxFunc: "", MinFunc: "", IsNotSupportEdit: false,
        }));
        return { TotalCount: items.length, Items: items };
      },
    },
  },
};
