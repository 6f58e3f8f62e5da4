// The sandbox's q-sign verifier against the official COS signature vectors (reference §4.2), and one-character
// changes that must break them.
import { computeSignature, cosEncode, parseAuthorizationHeader, parseTimeWindow, signaturesEqual } from "../../sandbox/cos/qsign";

const SECRET_KEY = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz";
const HOST = "examplebucket-1250000000.cos.ap-beijing.myqcloud.com";

const V1 = {
  method: "PUT",
  decodedPath: decodeURIComponent("/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)"),
  paramList: [] as string[],
  params: {},
  headerList: ["content-length", "content-md5", "content-type", "date", "host", "x-cos-acl", "x-cos-grant-read"],
  headers: {
    "content-length": "13",
    "content-md5": "mQ/fVh815F3k6TAUm8m0eg==",
    "content-type": "text/plain",
    date: "Thu, 16 May 2019 06:45:51 GMT",
    host: HOST,
    "x-cos-acl": "private",
    "x-cos-grant-read": 'uin="100000000011"',
  } as Record<string, string>,
  keyTime: "1557989151;1557996351",
  signTime: "1557989151;1557996351",
  secretKey: SECRET_KEY,
};

const V2 = {
  method: "GET",
  decodedPath: "/exampleobject(腾讯云)",
  paramList: ["response-cache-control", "response-content-type"],
  params: { "response-content-type": "application/octet-stream", "response-cache-control": "max-age=600" } as Record<string, string>,
  headerList: ["date", "host"],
  headers: { date: "Thu, 16 May 2019 06:55:53 GMT", host: HOST } as Record<string, string>,
  keyTime: "1557989753;1557996953",
  signTime: "1557989753;1557996953",
  secretKey: SECRET_KEY,
};

const V3 = {
  method: "GET",
  decodedPath: "/testfile",
  paramList: [] as string[],
  params: {},
  headerList: ["host", "range"],
  headers: { host: "bucket1-1254000000.cos.ap-beijing.myqcloud.com", range: "bytes=0-3" } as Record<string, string>,
  keyTime: "1417773892;1417853898",
  signTime: "1417773892;1417853898",
  secretKey: SECRET_KEY,
};

describe("q-sign official vectors", () => {
  test("vector 1 (PUT): every intermediate value and the signature", () => {
    const out = computeSignature(V1);
    expect(out.signKey).toBe("eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f");
    expect(out.httpHeaders).toBe(
      "content-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22",
    );
    expect(out.httpString).toBe(`put\n/exampleobject(腾讯云)\n\n${out.httpHeaders}\n`);
    expect(out.httpStringSha1).toBe("8b2751e77f43a0995d6e9eb9477f4b685cca4172");
    expect(out.signature).toBe("3b8851a11a569213c17ba8fa7dcf2abec6935172");
  });

  test("vector 1: the documented Authorization header parses and verifies", () => {
    const auth = parseAuthorizationHeader(
      "q-sign-algorithm=sha1&q-ak=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q&q-sign-time=1557989151;1557996351&q-key-time=1557989151;1557996351&q-header-list=content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read&q-url-param-list=&q-signature=3b8851a11a569213c17ba8fa7dcf2abec6935172",
    )!;
    expect(auth.ak).toBe("AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q");
    expect(auth.headerList).toEqual(V1.headerList);
    expect(auth.paramList).toEqual([]);
    expect(parseTimeWindow(auth.keyTime)).toEqual({ start: 1557989151, end: 1557996351 });
    const out = computeSignature({ ...V1, headerList: auth.headerList, paramList: auth.paramList, keyTime: auth.keyTime, signTime: auth.signTime });
    expect(signaturesEqual(out.signature, auth.signature)).toBe(true);
  });

  test("vector 2 (GET with parameters)", () => {
    const out = computeSignature(V2);
    expect(out.signKey).toBe("937914bf490e9e8c189836aad2052e4feeb35eaf");
    expect(out.httpParameters).toBe("response-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream");
    expect(out.httpStringSha1).toBe("54ecfe22f59d3514fdc764b87a32d8133ea611e6");
    expect(out.signature).toBe("01681b8c9d798a678e43b685a9f1bba0f6c0e012");
  });

  test("vector 3 (older documentation)", () => {
    const out = computeSignature(V3);
    expect(out.httpString).toBe("get\n/testfile\n\nhost=bucket1-1254000000.cos.ap-beijing.myqcloud.com&range=bytes%3D0-3\n");
    expect(out.signature).toBe("4b6cbab14ce01381c29032423481ebffd514e8be");
  });

  test("a one-character change anywhere breaks the signature", () => {
    const good = computeSignature(V1).signature;
    const variants = [
      { ...V1, secretKey: SECRET_KEY.slice(0, -1) + "Y" },
      { ...V1, method: "POST" },
      { ...V1, decodedPath: "/exampleobject(腾讯去)" },
      { ...V1, decodedPath: "/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)" }, // the encoded path is not what is signed
      { ...V1, headers: { ...V1.headers, "content-length": "14" } },
      { ...V1, headers: { ...V1.headers, host: HOST.replace("beijing", "beijinh") } },
      { ...V1, keyTime: "1557989151;1557996352" },
      { ...V1, signTime: "1557989152;1557996351" },
      { ...V1, headerList: V1.headerList.filter((h) => h !== "x-cos-acl") },
    ];
    for (const v of variants) expect(computeSignature(v).signature).not.toBe(good);
    expect(computeSignature({ ...V2, params: { ...V2.params, "response-cache-control": "max-age=601" } }).signature).not.toBe("01681b8c9d798a678e43b685a9f1bba0f6c0e012");
    expect(signaturesEqual(good, good.slice(0, -1) + (good.endsWith("2") ? "3" : "2"))).toBe(false);
    expect(signaturesEqual(good, good.toUpperCase())).toBe(true);
  });

  test("encoding follows the document: ! ' ( ) * are escaped, hex upper-case", () => {
    expect(cosEncode("a b!'()*~/=")).toBe("a%20b%21%27%28%29%2A~%2F%3D");
    expect(cosEncode("腾")).toBe("%E8%85%BE");
  });

  test("a malformed Authorization is rejected by the parser", () => {
    expect(parseAuthorizationHeader("q-sign-algorithm=sha1&q-ak=x")).toBeUndefined();
    expect(parseAuthorizationHeader("TC3-HMAC-SHA256 Credential=x")).toBeUndefined();
    expect(parseTimeWindow("1;")).toBeUndefined();
  });
});
