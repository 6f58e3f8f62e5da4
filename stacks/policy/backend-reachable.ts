/**
 * Tencent Cloud Live delivers callbacks from the internet, so every callback URL (the record callback built from
 * `backend.base_url`, and the optional stream begin/end URLs) must name a host the internet can reach: not an IP
 * literal in a loopback, private, link-local, CGNAT or other special range, and not a name that is never public
 * (localhost, .local, .internal, single-label names, …). No DNS lookup: names are judged by their suffix only.
 * An error in protected environments; a warning in ephemeral ones (a test stack may have no reachable backend).
 */
import { Token } from "cdktf";
import { classifyHost } from "../../common/net-address";
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "./rule";

/** Callback template arguments that hold URLs Tencent Cloud calls, and the environment field each comes from. */
export const CALLBACK_URL_ATTRIBUTES: Readonly<Record<string, string>> = {
  record_notify_url: "backend.base_url",
  stream_begin_notify_url: "callbacks.stream_begin_url",
  stream_end_notify_url: "callbacks.stream_end_url",
};

export const backendReachable: PolicyRule = {
  id: "LD-NET-1",
  level: "error",
  description: "callback URLs name a publicly reachable host (a warning in ephemeral environments)",
  check(subject, context) {
    if (subject.kind !== "resource" || subject.type !== "tencentcloud_css_callback_template") return NOT_APPLICABLE;
    const problems: string[] = [];
    let judged = 0;
    for (const [attr, field] of Object.entries(CALLBACK_URL_ATTRIBUTES)) {
      const value = subject.attributes[attr];
      if (typeof value !== "string" || value === "" || Token.isUnresolved(value)) continue;
      judged++;
      let host: string;
      try {
        host = new URL(value).hostname;
      } catch {
        problems.push(`${attr} (${field}) is not a URL`);
        continue;
      }
      const c = classifyHost(host);
      if (c.kind !== "public") problems.push(`${attr} (${field}) host ${c.host} is ${c.kind}: ${c.reason}`);
    }
    if (!judged) return NOT_APPLICABLE;
    if (!problems.length) return COMPLIANT;
    return nonCompliant(
      `Tencent Cloud Live cannot deliver callbacks to ${problems.join("; ")}; use the backend's public address or domain`,
      context.protection === "ephemeral" ? "warning" : "error",
    );
  },
};
