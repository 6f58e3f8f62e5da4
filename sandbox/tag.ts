/**
 * Tag 2018-08-13 over the tags the state holds: reads (GetResources, DescribeResourcesByTags) and writes (TagResources,
 * UnTagResources, ModifyResourceTags — the last is what the Terraform provider changes tags with). Six-segment
 * resource names as documented (reference §9.6) or as the provider builds them:
 *   cdb:    qcs::cdb:<region>:uin/<ownerUin>:instanceId/<id>
 *   cos:    qcs::cos:<region>:uid/<appid>:prefix//<appid>/<shortName>
 *   cam:    qcs::cam::uin/<ownerUin>:uin/<subUserUin>, qcs::cam::uin/<ownerUin>:policy/<policyId> (global: any region matches)
 *   vpc:    qcs::vpc:<region>:uin/<ownerUin>:vpc/<id>, qcs::vpc:<region>:uin/<ownerUin>:subnet/<id>
 *   sg:     qcs::cvm:<region>:uin/<ownerUin>:sg/<id>
 * A name with an empty account part (`uin/:`, `uid/:`, as the provider builds it) matches too. Live domains are not
 * taggable here (their resource name is undocumented). Error codes follow the Go SDK (tag/v20180813 client.go);
 * "silent" marks a code chosen where the docs name none for the case.
 */
import { ApiError, ServiceDef, Spec } from "./api-types";
import { State, vpcOf } from "./state";

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Tagged {
  name: string;
  serviceType: string;
  prefix: string;
  id: string;
  region: string;
  /** The object whose `tags` field holds the resource's tags. */
  holder: { tags?: Record<string, string> };
}

const tagsOf = (r: Tagged): Record<string, string> => r.holder.tags ?? {};

function taggedResources(state: State): Tagged[] {
  const out: Tagged[] = [];
  const uin = state.ownerUin;
  for (const i of state.cdb.instances) {
    out.push({ name: `qcs::cdb:${i.region}:uin/${uin}:instanceId/${i.instanceId}`, serviceType: "cdb", prefix: "instanceId", id: i.instanceId, region: i.region, holder: i });
  }
  for (const b of state.buckets) {
    const short = b.name.replace(new RegExp(`-${state.appId}$`), "");
    out.push({ name: `qcs::cos:${b.region}:uid/${state.appId}:prefix//${state.appId}/${short}`, serviceType: "cos", prefix: "", id: b.name, region: b.region, holder: b });
  }
  for (const u of state.cam.users) out.push({ name: `qcs::cam::uin/${uin}:uin/${u.uin}`, serviceType: "cam", prefix: "uin", id: u.uin, region: "", holder: u });
  for (const p of state.cam.policies) {
    out.push({ name: `qcs::cam::uin/${uin}:policy/${p.policyId}`, serviceType: "cam", prefix: "policy", id: String(p.policyId), region: "", holder: p });
  }
  const v = vpcOf(state);
  for (const x of v.vpcs) out.push({ name: `qcs::vpc:${x.region}:uin/${uin}:vpc/${x.vpcId}`, serviceType: "vpc", prefix: "vpc", id: x.vpcId, region: x.region, holder: x });
  for (const x of v.subnets) {
    out.push({ name: `qcs::vpc:${x.region}:uin/${uin}:subnet/${x.subnetId}`, serviceType: "vpc", prefix: "subnet", id: x.subnetId, region: x.region, holder: x });
  }
  for (const x of v.securityGroups) {
    out.push({ name: `qcs::cvm:${x.region}:uin/${uin}:sg/${x.securityGroupId}`, serviceType: "cvm", prefix: "sg", id: x.securityGroupId, region: x.region, holder: x });
  }
  return out;
}

interface NameParts {
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** `qcs::<service>:<region>:<account>:<resource>` → its parts; undefined when it is not a six-segment name. */
function parseName(n: string): NameParts | undefined {
  const parts = n.split(":");
  if (parts.length < 6 || parts[0] !== "qcs" || parts[1] !== "" || !parts[2] || !/^(uin|uid)\/\d*$/.test(parts[4])) return undefined;
  const resource = parts.slice(5).join(":");
  if (!resource.includes("/")) return undefined;
  return { service: parts[2], region: parts[3], account: parts[4], resource };
}

const GLOBAL_SERVICES = new Set(["cam"]);

function sameName(given: string, r: Tagged): boolean {
  const a = parseName(given);
  const b = parseName(r.name);
  if (!a || !b) return false;
  const accountOk = a.account === b.account || /^(uin|uid)\/$/.test(a.account);
  const regionOk = a.region === b.region || GLOBAL_SERVICES.has(b.service);
  return a.service === b.service && a.resource === b.resource && accountOk && regionOk;
}

function checkNames(list: string[]): void {
  if (list.length > 10) throw new ApiError("LimitExceeded.ResourceNumPerRequest", "At most 10 resources per request.");
  for (const n of list) {
    if (!parseName(n)) throw new ApiError("InvalidParameterValue.ResourceDescriptionError", `The resource name ${n} is not a six-segment name.`);
  }
}

function matchesFilters(r: Tagged, filters: Array<{ TagKey: string; TagValue?: string[] }>): boolean {
  const tags = tagsOf(r);
  return filters.every((f) => f.TagKey in tags && (!f.TagValue?.length || f.TagValue.includes(tags[f.TagKey])));
}

function checkKey(key: string): void {
  if (!key) throw new ApiError("InvalidParameterValue.TagKeyEmpty", "TagKey must not be empty.");
  if (key.length > 255) throw new ApiError("InvalidParameterValue.TagKeyLengthExceeded", "TagKey is longer than 255 characters.");
}

function checkFilters(filters: Array<{ TagKey: string; TagValue?: string[] }> | undefined): void {
  if (!filters) return;
  if (filters.length > 6) throw new ApiError("LimitExceeded.TagNumPerRequest", "At most 6 tag filters per request.");
  for (const f of filters) {
    checkKey(f.TagKey);
    if ((f.TagValue ?? []).some((v) => v.length > 127)) throw new ApiError("InvalidParameterValue.TagValueLengthExceeded", "TagValue is longer than 127 characters.");
  }
}

/** Tags to attach: at most 10, keys unique and not reserved (`qcloud`, `tencent`, `project`), values 1-127 characters. */
function checkNewTags(tags: Array<{ TagKey: string; TagValue: string }>, allowEmptyValue: boolean): void {
  if (tags.length > 10) throw new ApiError("LimitExceeded.TagNumPerRequest", "At most 10 tags per request.");
  const seen = new Set<string>();
  for (const t of tags) {
    checkKey(t.TagKey);
    if (/^(qcloud|tencent|project)/i.test(t.TagKey)) throw new ApiError("InvalidParameter.ReservedTagKey", `The tag key ${t.TagKey} is reserved (qcloud, tencent, project).`);
    if (seen.has(t.TagKey)) throw new ApiError("InvalidParameterValue.TagKeyDuplicate", `The tag key ${t.TagKey} appears twice.`);
    seen.add(t.TagKey);
    if (!t.TagValue && !allowEmptyValue) throw new ApiError("InvalidParameterValue.TagValueEmpty", `The tag ${t.TagKey} has an empty value.`);
    if (t.TagValue.length > 127) throw new ApiError("InvalidParameterValue.TagValueLengthExceeded", "TagValue is longer than 127 characters.");
  }
}

function setTags(r: Tagged, tags: Record<string, string>): void {
  if (Object.keys(tags).length) r.holder.tags = tags;
  else delete r.holder.tags;
}

/** Resolves each name to its resource; a well-formed name the state does not hold goes to `failed` (silent on the code). */
function resolve(state: State, names: string[]) {
  const all = taggedResources(state);
  const found: Tagged[] = [];
  const failed: Array<{ Resource: string; Code: string; Message: string }> = [];
  for (const n of names) {
    const r = all.find((x) => sameName(n, x));
    if (r) found.push(r);
    else failed.push({ Resource: n, Code: "ResourceNotFound", Message: `The resource ${n} does not exist in this account.` });
  }
  return { found, failed };
}

const tagList = (r: Tagged) => Object.entries(tagsOf(r)).map(([TagKey, TagValue]) => ({ TagKey, TagValue, Category: "Custom" }));
const TAGS_SPEC: Spec = [{ "TagKey!": "string", TagValue: "string", Category: "string" }];

export const TAG: ServiceDef = {
  version: "2018-08-13",
  actions: {
    GetResources: {
      params: { ResourceList: ["string"], TagFilters: [{ "TagKey!": "string", TagValue: ["string"] }], PaginationToken: "string", MaxResults: "int" },
      run(p: P, { state }) {
        const list: string[] | undefined = p.ResourceList?.length ? p.ResourceList : undefined;
        checkNames(list ?? []);
        checkFilters(p.TagFilters);
        const max = p.MaxResults ?? 50;
        if (max < 1 || max > 200) throw new ApiError("InvalidParameterValue", "MaxResults must be between 1 and 200.");
        const start = p.PaginationToken ? Number(p.PaginationToken) : 0;
        if (!Number.isInteger(start) || start < 0) throw new ApiError("InvalidParameter.PaginationTokenInvalid", "The PaginationToken is invalid.");
        const all = taggedResources(state).filter(
          (r) => (!list || list.some((n) => sameName(n, r))) && matchesFilters(r, p.TagFilters ?? []) && (list || Object.keys(tagsOf(r)).length > 0),
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
            Tags: Object.entries(tagsOf(r)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
          })),
        };
      },
    },
    TagResources: {
      params: { "ResourceList!": ["string"], "Tags!": TAGS_SPEC },
      run(p: P, { state }) {
        checkNames(p.ResourceList);
        if (!p.ResourceList.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `ResourceList`.");
        if (!p.Tags.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `Tags`.");
        checkNewTags(p.Tags, false);
        const { found, failed } = resolve(state, p.ResourceList);
        // Documented: an existing key takes the new value.
        for (const r of found) setTags(r, { ...tagsOf(r), ...Object.fromEntries(p.Tags.map((t: { TagKey: string; TagValue: string }) => [t.TagKey, t.TagValue])) });
        return { FailedResources: failed };
      },
    },
    UnTagResources: {
      params: { "ResourceList!": ["string"], "TagKeys!": ["string"] },
      run(p: P, { state }) {
        checkNames(p.ResourceList);
        if (!p.ResourceList.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `ResourceList`.");
        if (!p.TagKeys.length) throw new ApiError("MissingParameter", "The request is missing a required parameter `TagKeys`.");
        if (p.TagKeys.length > 10) throw new ApiError("LimitExceeded.TagNumPerRequest", "At most 10 tag keys per request.");
        (p.TagKeys as string[]).forEach(checkKey);
        const { found, failed } = resolve(state, p.ResourceList);
        for (const r of found) setTags(r, Object.fromEntries(Object.entries(tagsOf(r)).filter(([k]) => !p.TagKeys.includes(k))));
        return { FailedResources: failed };
      },
    },
    ModifyResourceTags: {
      params: { "Resource!": "string", ReplaceTags: TAGS_SPEC, DeleteTags: [{ "TagKey!": "string" }] },
      run(p: P, { state }) {
        checkNames([p.Resource]);
        // Documented: one of ReplaceTags / DeleteTags is required, neither may be an empty list, and they share no key.
        if (p.ReplaceTags === undefined && p.DeleteTags === undefined) throw new ApiError("InvalidParameter.Tag", "ReplaceTags or DeleteTags is required.");
        if (p.ReplaceTags?.length === 0 || p.DeleteTags?.length === 0) throw new ApiError("InvalidParameter.Tag", "ReplaceTags and DeleteTags must not be empty lists.");
        const replace = (p.ReplaceTags ?? []) as Array<{ TagKey: string; TagValue: string }>;
        const remove = ((p.DeleteTags ?? []) as Array<{ TagKey: string }>).map((t) => t.TagKey);
        checkNewTags(replace, false);
        if (remove.length > 10) throw new ApiError("LimitExceeded.TagNumPerRequest", "At most 10 tags per request.");
        remove.forEach(checkKey);
        if (replace.some((t) => remove.includes(t.TagKey))) {
          throw new ApiError("InvalidParameterValue.DeleteTagsParamError", "DeleteTags must not name a key that ReplaceTags sets.");
        }
        const { found } = resolve(state, [p.Resource]);
        // Silent on a well-formed name the account does not hold: the resource-name code is used.
        if (!found.length) throw new ApiError("InvalidParameterValue.ResourceDescriptionError", `The resource ${p.Resource} does not exist in this account.`);
        const r = found[0];
        const next = { ...tagsOf(r), ...Object.fromEntries(replace.map((t) => [t.TagKey, t.TagValue])) };
        for (const k of remove) delete next[k];
        setTags(r, next);
        return {};
      },
    },
  },
};
