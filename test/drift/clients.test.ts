/**
 * What drift added to the client layer: the `vpc` service (2017-03-12) and COS GET Bucket tagging (a bucket
 * without tags reads as an empty map), through the official SDKs against the sandbox.
 */
import { API_VERSIONS, CosClient, TencentApiClient, resolveEndpoints } from "../../validators/clients";
import { OWNER, baseState, startTestSandbox, TestSandbox } from "../helpers/sandbox";

let t: TestSandbox;

beforeAll(async () => {
  const state = baseState();
  const bucket = (name: string, tags?: Record<string, string>) => ({ name, region: "ap-guangzhou", acl: "private" as const, cors: [], createTime: "2026-11-24T03:00:00Z", objects: {}, ...(tags ? { tags } : {}) });
  state.buckets.push(bucket("tagged-1250000000", { app: "live-demo" }), bucket("plain-1250000000"));
  state.vpc = { vpcs: [{ vpcId: "vpc-abcd1234", vpcName: "net", cidrBlock: "10.0.0.0/16", region: "ap-guangzhou", createTime: "" }], subnets: [], securityGroups: [] };
  t = await startTestSandbox({ state });
});

afterAll(async () => {
  await t?.close();
});

it("vpc is a known service (2017-03-12) and regional reads work", async () => {
  expect(API_VERSIONS.vpc).toBe("2017-03-12");
  const api = new TencentApiClient({ ...OWNER, region: "ap-guangzhou", endpoints: resolveEndpoints({ apiEndpoint: t.sb.api }, {}) });
  try {
    const r = await api.request<{ VpcSet: Array<{ VpcId: string }> }>("vpc", "DescribeVpcs", { VpcIds: ["vpc-abcd1234"] });
    expect(r.VpcSet.map((v) => v.VpcId)).toEqual(["vpc-abcd1234"]);
  } finally {
    api.close();
  }
});

it("getBucketTagging: the tags as a map; none is an empty map; a missing bucket is not-found", async () => {
  const cos = new CosClient({ ...OWNER, endpoints: resolveEndpoints({ cosEndpoint: t.sb.cos }, {}) });
  try {
    expect((await cos.getBucketTagging({ bucket: "tagged-1250000000", region: "ap-guangzhou" })).tags).toEqual({ app: "live-demo" });
    expect((await cos.getBucketTagging({ bucket: "plain-1250000000", region: "ap-guangzhou" })).tags).toEqual({});
    await expect(cos.getBucketTagging({ bucket: "gone-1250000000", region: "ap-guangzhou" })).rejects.toMatchObject({ kind: "not-found", code: "NoSuchBucket" });
  } finally {
    cos.close();
  }
});
