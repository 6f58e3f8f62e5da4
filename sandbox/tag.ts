/**
 * Tag 2018-08-13 reads over the tags the state holds (CDB instances and COS buckets): GetResources and
 * DescribeResourcesByTags. Six-segment resource names as documented (reference §9.6):
 *   cdb: qcs::cdb:<region>:uin/<ownerUin>:instanceId/<id>
 *   cos: qcs::cos:<region>:uid/<appid>:prefix//<appid>/<shortName>
 * A name with an empty account part (`uin/:`, as the Terraform provider builds it) matches too.
 */
import { ApiError, ServiceDef } from "./api-types";
import { State } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Tagged {
  name: string;
  serviceType: string;
  prefix: string;
  id: string;
  region: string;
  tags: Record<string, string>;
}

function taggedResources(state: State): Tagged[] {
  const out: Tagged[] = [];
  for (const i of state.cdb.instances) {
    out.push({
      name: `qcs::cdb:${i.region}:uin/${state.ownerUin}:instanceId/${i.instanceId}`, serviceType: "cdb", prefix: "instanceId",
      id: i.instanceId, region: i.region, tags: i.tags ?? {},
    });
  }
  for (const b of state.buckets) {
    const short = b.name.replace(new RegExp(`-${state.appId}$`), "");
    out.push({
      name: `qcs::cos:${b.region}:uid/${state.appId}:prefix//${state.appId}/${short}`, serviceType: "cos", prefix: "",
      id: b.name, region: b.region, tags: b.tags ?? {},
    });
  }
  return out;
}

const sameName = (given: string, r: Tagged) => given === r.name || given.replace(/:uin\/:/, ":uin/X:") === r.name.replace(/:uin\/\d+:/, ":uin/X:");

function matchesFilters(r: Tagged, filters: Array<{ TagKey: string; TagValue?: string[] }>): boolean {
  return filters.every((f) => f.TagKey in r.tags && (!f.TagValue?.length || f.TagValue.includes(r.tags[f.TagKey])));
}

function checkFilters(filters: Array<{ TagKey: string; TagValue?: string[] }> | undefined): void {
  if (!filters) return;
  if (filters.length > 6) throw new ApiError("LimitExceeded.TagNumPerRequest", "At most 6 tag filters per request.");
  for (const f of filters) {
    if (!f.TagKey) throw new ApiError("InvalidParameterValue.TagKeyEmpty", "TagKey must not be empty.");
    if (f.TagKey.length > 255) throw new ApiError("InvalidParameterValue.TagKeyLengthExceeded", "TagKey is longer than 255 characters.");
    if ((f.TagValue ?? []).some((v) => v.length > 127)) throw new ApiError("InvalidParameterValue.TagValueLengthExceeded", "TagValue is longer than 127 characters.");
  }
}

const tagList = (r: Tagged) => Object.entries(r.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue, Category: "Custom" }));

export const TAG: ServiceDef = {
  version: "2018-08-13",
  actions: {
    GetResources: {
      params: { ResourceList: ["string"], TagFilters: [{ "TagKey!": "string", TagValue: ["string"] }], PaginationToken: "string", MaxResults: "int" },
      run(p: P, { state }) {
        const list: string[] | undefined = p.ResourceList?.length ? p.ResourceList : undefined;
        if (list && list.length > 10) throw new ApiError("LimitExceeded.ResourceNumPerRequest", "At most 10 resources per request.");
        for (const n of list ?? []) {
          if (!n.startsWith("qcs::") || n.split(":").length < 6) {
            throw new ApiError("InvalidParameterValue.ResourceDescriptionError", `The resource name ${n} is not a six-segment name.`);
          }
        }
        checkFilters(p.TagFilters);
        const max = p.MaxResults ?? 50;
        if (max < 1 || max > 200) throw new ApiError("InvalidParameterValue", "MaxResults must be between 1 and 200.");
        const start = p.PaginationToken ? Number(p.PaginationToken) : 0;
        if (!Number.isInteger(start) || start < 0) throw new ApiError("InvalidParameter.PaginationTokenInvalid", "The PaginationToken is invalid.");
        const all = taggedResources(state).filter(
          (r) => (!list || list.some((n) => sameName(n, r))) && matchesFilters(r, p.TagFilters ?? []) && (list || Object.keys(r.tags).length > 0),
        );
        // With ResourceList every match is returned and MaxResults is ignored (documented).
        const page = list ? all : all.slice(start, start + max);
        const next = !list && start + max < all.length ? String(start + max) : "";
        return { PaginationToken: next, ResourceTagMappingList: page.map((r) => ({ Resource: r.name, Tags: tagList(r) })) };
      },
    },
    DescribeResourcesByTags: {
      params: {
        "TagFilters!": [{ "TagKey!": "string", TagValue: ["string"] }], CreateUin: "int", Offset: "int", Limit: "int",
        ResourcePrefix: "string", ResourceId: "string", ResourceRegion: "string", ServiceType: "string",
      },
      run(p: P, { state }) {
        checkFilters(p.TagFilters);
        const limit = p.Limit ?? 15;
        const offset = p.Offset ?? 0;
        if (limit < 1 || offset < 0 || offset % limit !== 0) throw new ApiError("InvalidParameterValue", "Offset must be a multiple of Limit.");
        const rows = taggedResources(state).filter(
          (r) =>
            matchesFilters(r, p.TagFilters) &&
            (p.ServiceType === undefined || r.serviceType === p.ServiceType) &&
            (p.ResourcePrefix === undefined || r.prefix === p.ResourcePrefix) &&
            (p.ResourceId === undefined || r.id === p.ResourceId) &&
            (p.ResourceRegion === undefined || r.region === p.ResourceRegion),
        );
        return {
          TotalCount: rows.length, Offset: offset, Limit: limit,
          Rows: rows.slice(offset, offset + limit).map((r) => ({
            ResourceRegion: r.region, ServiceType: r.serviceType, ResourcePrefix: r.prefix, ResourceId: r.id,
            Tags: Object.entries(r.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
          })),
        };
      },
    },
  },
};
