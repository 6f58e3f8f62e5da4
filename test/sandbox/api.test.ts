// API 3.0 envelope and authentication through the official SDK (CommonClient over real HTTP, real host names on the
// wire): each auth failure returns its real code; generic parameter errors; sub-user CAM checks.
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { Credential } from "../../sandbox/state";
import { OWNER, SIGNER, baseState, sdkError, startTestSandbox, TestSandbox } from "../helpers/sandbox";

let t: TestSandbox;
let skewMs = 0;

beforeAll(async () => {
  const state = baseState();
  state.credentials.push({ secretId: "AKIDsandboxInactive00000000000000000", secretKey: "inactiveKey00000000000000000000", kind: "owner", uin: OWNER.uin, status: "Inactive" });
  // A sub-user allowed to read live (and nothing else).
  state.credentials.push({
    secretId: "AKIDsandboxLiveReader0000000000000000", secretKey: "liveReaderKey000000000000000000", kind: "sub-user", uin: "100000000003",
    policy: { version: "2.0", statement: [{ effect: "allow", action: ["name/live:Describe*"], resource: ["*"] }] },
  });
  t = await startTestSandbox({ state, now: () => Date.now() + skewMs });
});
afterAll(() => t.close());
afterEach(() => {
  skewMs = 0;
});

describe("authentication", () => {
  test("the owner key succeeds; the response carries a RequestId", async () => {
    const r = await t.client("live").request("DescribeLiveDomains", {});
    expect(r).toMatchObject({ AllCount: 0, DomainList: [] });
    expect(r.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("GET with a query string verifies too", async () => {
    const r = await t.client("live", { method: "GET" }).request("DescribeLiveDomains", { PageSize: 20, PageNum: 1 });
    expect(r.AllCount).toBe(0);
  });

  test("unknown SecretId → AuthFailure.SecretIdNotFound, with RequestId", async () => {
    const e = await sdkError(t.client("live", { cred: { secretId: "AKIDnobody", secretKey: "x" } }).request("DescribeLiveDomains", {}));
    expect(e.code).toBe("AuthFailure.SecretIdNotFound");
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("an inactive key is not found either", async () => {
    const e = await sdkError(t.client("live", { cred: { secretId: "AKIDsandboxInactive00000000000000000", secretKey: "inactiveKey00000000000000000000" } }).request("DescribeLiveDomains", {}));
    expect(e.code).toBe("AuthFailure.SecretIdNotFound");
  });

  test("wrong SecretKey (one character) → AuthFailure.SignatureFailure", async () => {
    const wrong = OWNER.secretKey.slice(0, -1) + (OWNER.secretKey.endsWith("0") ? "1" : "0");
    const e = await sdkError(t.client("live", { cred: { secretId: OWNER.secretId, secretKey: wrong } }).request("DescribeLiveDomains", {}));
    expect(e.code).toBe("AuthFailure.SignatureFailure");
  });

  test("client clock more than 5 minutes off → AuthFailure.SignatureExpire (both directions)", async () => {
    skewMs = 6 * 60_000;
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.SignatureExpire");
    skewMs = -6 * 60_000;
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.SignatureExpire");
    skewMs = 4 * 60_000; // inside the window
    expect((await t.client("live").request("DescribeLiveDomains", {})).AllCount).toBe(0);
  });

  test("the scope service is the host's first label (cdb host, cdb scope)", async () => {
    expect((await t.client("cdb").request("DescribeDBInstances", {})).TotalCount).toBe(0);
  });
});

describe("envelope and parameters", () => {
  test("unknown action → InvalidAction", async () => {
    expect((await sdkError(t.client("live").request("DescribeNothing", {}))).code).toBe("InvalidAction");
  });

  test("wrong version → NoSuchVersion", async () => {
    const c = new CommonClient("live.tencentcloudapi.com", "2099-01-01", {
      credential: OWNER, region: "",
      profile: { httpProfile: { endpoint: `live.tencentcloudapi.com:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
    });
    expect((await sdkError(c.request("DescribeLiveDomains", {}))).code).toBe("NoSuchVersion");
  });

  test("missing required parameter → MissingParameter", async () => {
    const e = await sdkError(t.client("live").request("DescribeLiveDomain", {}));
    expect(e.code).toBe("MissingParameter");
    expect(e.message).toContain("DomainName");
  });

  test("wrong type → InvalidParameter; unknown field → UnknownParameter; bad value → InvalidParameterValue", async () => {
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", { PageSize: "ten" }))).code).toBe("InvalidParameter");
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", { Colour: "red" }))).code).toBe("UnknownParameter");
    expect((await sdkError(t.client("live").request("DescribeLiveDomains", { PageSize: 5 }))).code).toBe("InvalidParameterValue");
  });

  test("numeric strings are accepted as numbers (as the official examples send them)", async () => {
    expect((await t.client("live").request("DescribeLiveDomains", { PageSize: "10", PageNum: "1" })).AllCount).toBe(0);
  });

  test("cdb without X-TC-Region → MissingParameter", async () => {
    expect((await sdkError(t.client("cdb", { region: "" }).request("DescribeDBInstances", {}))).code).toBe("MissingParameter");
  });

  test("unknown product host → InvalidAction", async () => {
    const c = new CommonClient("cvm.tencentcloudapi.com", "2017-03-12", {
      credential: OWNER, region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: `cvm.tencentcloudapi.com:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
    });
    expect((await sdkError(c.request("DescribeInstances", {}))).code).toBe("InvalidAction");
  });

  test("a host the sandbox does not serve gets HTTP 404 (SDK http error)", async () => {
    const c = new CommonClient("127.0.0.1", "2018-08-01", {
      credential: OWNER, region: "",
      profile: { httpProfile: { endpoint: `127.0.0.1:${t.sb.port}`, protocol: "http://", agent: t.agent, reqTimeout: 10 } },
    });
    const e = await sdkError(c.request("DescribeLiveDomains", {}));
    expect(e.httpCode).toBe(404);
  });
});

describe("CAM for sub-user keys", () => {
  const reader: Pick<Credential, "secretId" | "secretKey"> = { secretId: "AKIDsandboxLiveReader0000000000000000", secretKey: "liveReaderKey000000000000000000" };

  test("a sub-user without live/cdb permissions → AuthFailure.UnauthorizedOperation", async () => {
    expect((await sdkError(t.client("live", { cred: SIGNER }).request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.UnauthorizedOperation");
    expect((await sdkError(t.client("cdb", { cred: SIGNER }).request("DescribeDBInstances", {}))).code).toBe("AuthFailure.UnauthorizedOperation");
  });

  test("policy actions with wildcards allow matching actions only", async () => {
    expect((await t.client("live", { cred: reader }).request("DescribeLiveDomains", {})).AllCount).toBe(0);
    const e = await sdkError(t.client("live", { cred: reader }).request("AddLiveDomain", { DomainName: "x.example.com", DomainType: 0 }));
    expect(e.code).toBe("AuthFailure.UnauthorizedOperation");
  });

  test("an explicit deny wins over an allow", async () => {
    t.sb.store.mutate((s) => {
      s.credentials.push({
        secretId: "AKIDsandboxDenied00000000000000000000", secretKey: "deniedKey0000000000000000000000", kind: "sub-user", uin: "100000000004",
        policy: { statement: [{ effect: "allow", action: ["*"], resource: ["*"] }, { effect: "deny", action: ["live:DescribeLiveDomains"], resource: ["*"] }] },
      });
    });
    const c = t.client("live", { cred: { secretId: "AKIDsandboxDenied00000000000000000000", secretKey: "deniedKey0000000000000000000000" } });
    expect((await sdkError(c.request("DescribeLiveDomains", {}))).code).toBe("AuthFailure.UnauthorizedOperation");
    expect((await c.request("DescribeLiveCallbackRules", {})).Rules).toEqual([]);
  });

  test("GetCallerIdentity and GetUserAppId need no permission", async () => {
    const id = await t.client("sts", { cred: SIGNER }).request("GetCallerIdentity", {});
    expect(id).toMatchObject({ Type: "CAMUser", UserId: SIGNER.uin, AccountId: OWNER.uin, Arn: `qcs::cam:${OWNER.uin}:uin/${SIGNER.uin}` });
    const app = await t.client("cam", { cred: SIGNER }).request("GetUserAppId", {});
    expect(app).toMatchObject({ Uin: SIGNER.uin, OwnerUin: OWNER.uin, AppId: 1250000000 });
  });
});
