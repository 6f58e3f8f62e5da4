/** COS error answers: status, code and Tencent's message (sent as error XML, or the status alone for HEAD). */

export class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const COS_ERRORS = {
  noSuchBucket: () => new CosError(404, "NoSuchBucket", "The specified bucket does not exist."),
  noSuchKey: () => new CosError(404, "NoSuchKey", "The specified key does not exist."),
  noCors: () => new CosError(404, "NoSuchCORSConfiguration", "The CORS configuration does not exist."),
  noTagSet: () => new CosError(404, "NoSuchTagSet", "There is no tag set associated with the bucket."),
  bucketNotEmpty: () => new CosError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty."),
  accessDenied: () => new CosError(403, "AccessDenied", "Access Denied."),
  expired: () => new CosError(403, "AccessDenied", "Request has expired"),
  skewed: () => new CosError(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large."),
  malformedAuth: (why: string) => new CosError(403, "AccessDenied", `Access Denied. The Authorization is malformed: ${why}.`),
  unknownKey: () => new CosError(403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."),
  badSignature: () => new CosError(403, "SignatureDoesNotMatch", "The Signature you specified is invalid."),
  badDigest: () => new CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received."),
  malformedXml: (why: string) =>
    new CosError(400, "MalformedXML", `The XML you provided was not well-formed or did not validate against our published schema: ${why}.`),
  invalidArgument: (why: string) => new CosError(400, "InvalidArgument", why),
  invalidRequest: (why: string) => new CosError(400, "InvalidRequest", why),
  methodNotAllowed: () => new CosError(405, "MethodNotAllowed", "The specified method is not allowed against this resource."),
  notImplemented: (why: string) => new CosError(501, "NotImplemented", why),
  slowDown: () => new CosError(503, "SlowDown", "Please reduce your request rate."),
  internal: () => new CosError(500, "InternalError", "We encountered an internal error. Please try again."),
};
