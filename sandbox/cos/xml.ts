/**
 * Request bodies of the COS write operations (CORS, ACL, tagging, multi-delete): a well-formedness check, then a
 * parse into plain objects with the named elements always as arrays. Attributes are ignored (the SDK sends none that
 * matter: a Grantee is told apart by holding an ID or a URI).
 */
import { createHash } from "crypto";
import type { IncomingHttpHeaders } from "http";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { COS_ERRORS as E, CosError } from "./errors";

export type XmlNode = Record<string, unknown>;

/** The body's root element `root`, parsed; MalformedXML when the body is not XML or has another root. */
export function parseXmlBody(body: Buffer, root: string, arrays: readonly string[]): XmlNode | CosError {
  const text = body.toString("utf8");
  if (text.trim() === "") return E.malformedXml(`the request body is empty; expected <${root}>`);
  if (XMLValidator.validate(text) !== true) return E.malformedXml("the request body is not well-formed XML");
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    parseTagValue: false,
    isArray: (name) => arrays.includes(name),
  });
  const doc = parser.parse(text) as XmlNode;
  const top = Object.keys(doc);
  if (top.length !== 1 || top[0] !== root) return E.malformedXml(`the root element must be <${root}>`);
  const node = doc[root];
  return node && typeof node === "object" ? (node as XmlNode) : {};
}

/** Text content of an element (an empty element is ""); undefined when absent or not a text element. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** The elements of a name parsed as an array (absent: []). */
export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** A child container; an empty element (`<TagSet/>`) reads as {}. */
export function nodeOf(v: unknown): XmlNode | undefined {
  if (v && typeof v === "object" && !Array.isArray(v)) return v as XmlNode;
  if (v === "") return {};
  return undefined;
}

/** BadDigest when a Content-MD5 header is sent and does not match the body. */
export function checkContentMd5(headers: IncomingHttpHeaders, body: Buffer): CosError | undefined {
  const sent = headers["content-md5"];
  if (typeof sent !== "string") return undefined;
  return sent === createHash("md5").update(body).digest("base64") ? undefined : E.badDigest();
}
