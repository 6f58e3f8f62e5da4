/**
 * The picture behind the report page: the two chains (upload, replay) as nodes and links, which check ids and drift
 * resource types speak about each node, and each node's status (the worst of what speaks about it).
 */
import type { ReportCheck, Report as ValidationReport } from "../validators/report";
import type { CheckStatus, Lang } from "../validators/types";
import type { DriftReport } from "../drift/report";
import type { Finding, ReadError } from "../drift/types";

export type { ValidationReport, DriftReport };

/** A node's status: a check status, or "unchecked" when nothing in the reports speaks about it. */
export type NodeStatus = CheckStatus | "unchecked";

export type NodeId =
  | "app"
  | "signing-key"
  | "cos-bucket"
  | "push-domain"
  | "callback-rule"
  | "callback-template"
  | "backend-url"
  | "tb-vod"
  | "replay-list"
  | "record-rule"
  | "record-template";

export interface ChainNode {
  id: NodeId;
  label: { zh: string; en: string };
  /** What the node stands for (under the label). */
  detail: { zh: string; en: string };
  chain: "upload" | "replay";
  /** Column and row in the drawing. */
  col: number;
  row: number;
}

export const NODES: readonly ChainNode[] = [
  { id: "app", chain: "upload", col: 0, row: 0, label: { zh: "App", en: "App" }, detail: { zh: "上传头像/封面", en: "uploads avatar/cover" } },
  { id: "signing-key", chain: "upload", col: 1, row: 0, label: { zh: "后台签名密钥", en: "Backend signing key" }, detail: { zh: "COSKEY_SECRECTID/KEY", en: "COSKEY_SECRECTID/KEY" } },
  { id: "cos-bucket", chain: "upload", col: 2, row: 0, label: { zh: "COS 存储桶", en: "COS bucket" }, detail: { zh: "COSKEY_BUCKET", en: "COSKEY_BUCKET" } },
  { id: "push-domain", chain: "replay", col: 0, row: 1, label: { zh: "推流域名", en: "Push domain" }, detail: { zh: "直播域名", en: "live domains" } },
  { id: "callback-rule", chain: "replay", col: 1, row: 1, label: { zh: "回调规则", en: "Callback rule" }, detail: { zh: "模板↔推流域名", en: "template ↔ push domain" } },
  { id: "callback-template", chain: "replay", col: 2, row: 1, label: { zh: "回调模板", en: "Callback template" }, detail: { zh: "录制回调 URL、密钥", en: "record URL, key" } },
  { id: "backend-url", chain: "replay", col: 3, row: 1, label: { zh: "后台回调地址", en: "Backend URL" }, detail: { zh: "公网可达", en: "publicly reachable" } },
  { id: "tb-vod", chain: "replay", col: 4, row: 1, label: { zh: "tb_vod", en: "tb_vod" }, detail: { zh: "数据库与表结构", en: "database, schema" } },
  { id: "replay-list", chain: "replay", col: 5, row: 1, label: { zh: "回看列表", en: "Replay list" }, detail: { zh: "App 拉取回看", en: "app lists replays" } },
  { id: "record-rule", chain: "replay", col: 1, row: 2, label: { zh: "录制规则", en: "Record rule" }, detail: { zh: "模板↔推流域名", en: "template ↔ push domain" } },
  { id: "record-template", chain: "replay", col: 2, row: 2, label: { zh: "录制模板", en: "Record template" }, detail: { zh: "HLS/MP4/FLV", en: "HLS/MP4/FLV" } },
];

export const LINKS: ReadonlyArray<readonly [NodeId, NodeId]> = [
  ["app", "signing-key"],
  ["signing-key", "cos-bucket"],
  ["push-domain", "callback-rule"],
  ["callback-rule", "callback-template"],
  ["callback-template", "backend-url"],
  ["backend-url", "tb-vod"],
  ["tb-vod", "replay-list"],
  ["push-domain", "record-rule"],
  ["record-rule", "record-template"],
];

/** Check id → the node it judges. Every id of validators/catalogue.ts has one (test/page/render.test.ts). */
export const CHECK_NODE: Readonly<Record<string, NodeId>> = {
  "cos.upload": "app",
  "cos.secret-id": "signing-key",
  "cos.secret-key": "signing-key",
  "cos.bucket": "cos-bucket",
  "live.domains": "push-domain",
  "live.callback-rule": "callback-rule",
  "live.callback-url": "callback-template",
  "live.callback-key": "callback-template",
  "live.callback-reachable": "backend-url",
  "live.callback-public": "backend-url",
  "db.connect": "tb-vod",
  "db.schema": "tb-vod",
  "db.timezone": "tb-vod",
  "db.privileges": "tb-vod",
  "db.replay-window": "replay-list",
  "live.record-rule": "record-rule",
};

/** Drift resource type → the node it belongs to. Every reader type of drift/readers has one. */
export const DRIFT_TYPE_NODE: Readonly<Record<string, NodeId>> = {
  tencentcloud_cam_user: "signing-key",
  tencentcloud_cam_policy: "signing-key",
  tencentcloud_cam_user_policy_attachment: "signing-key",
  tencentcloud_cos_bucket: "cos-bucket",
  tencentcloud_css_domain: "push-domain",
  tencentcloud_css_callback_rule_attachment: "callback-rule",
  tencentcloud_css_callback_template: "callback-template",
  tencentcloud_css_record_rule_attachment: "record-rule",
  tencentcloud_css_record_template: "record-template",
  tencentcloud_mysql_instance: "tb-vod",
  tencentcloud_mysql_database: "tb-vod",
  tencentcloud_mysql_account: "tb-vod",
  tencentcloud_mysql_privilege: "tb-vod",
  tencentcloud_security_group: "tb-vod",
  tencentcloud_security_group_rule_set: "tb-vod",
  tencentcloud_vpc: "tb-vod",
  tencentcloud_subnet: "tb-vod",
  terraform_data: "tb-vod",
};

/** Worst first. */
const RANK: Record<NodeStatus, number> = { fail: 5, error: 4, warn: 3, skip: 2, pass: 1, unchecked: 0 };

export function worst(statuses: Iterable<NodeStatus>): NodeStatus {
  let w: NodeStatus = "unchecked";
  for (const s of statuses) if (RANK[s] > RANK[w]) w = s;
  return w;
}

/** Something a node's colour comes from: a check, a drift finding, a read error, a compared resource. */
export type Item =
  | { source: "check"; status: CheckStatus; check: ReportCheck }
  | { source: "finding"; status: "fail" | "warn"; finding: Finding }
  | { source: "read-error"; status: "error"; error: ReadError }
  | { source: "resource"; status: "pass" | "skip"; address: string; type: string };

export interface NodeState {
  node: ChainNode;
  status: NodeStatus;
  items: Item[];
}

export interface PageModel {
  nodes: NodeState[];
  /** Items no node claims (a check or resource type this page does not know); listed, never dropped. */
  unplaced: Item[];
}

function findingStatus(f: Finding): "fail" | "warn" {
  return f.kind === "unmanaged" ? "warn" : "fail";
}

/** Groups the reports' items by node and computes each node's status. */
export function buildModel(validate: ValidationReport | undefined, drift: DriftReport | undefined): PageModel {
  const byNode = new Map<NodeId, Item[]>(NODES.map((n) => [n.id, []]));
  const unplaced: Item[] = [];
  const place = (node: NodeId | undefined, item: Item) => (node ? byNode.get(node)!.push(item) : unplaced.push(item));
  for (const c of validate?.checks ?? []) place(CHECK_NODE[c.id], { source: "check", status: c.status, check: c });
  if (drift) {
    for (const f of drift.findings) place(DRIFT_TYPE_NODE[f.type], { source: "finding", status: findingStatus(f), finding: f });
    for (const e of drift.errors) place(DRIFT_TYPE_NODE[e.type], { source: "read-error", status: "error", error: e });
    const spoken = new Set([...drift.findings.map((f) => f.address), ...drift.errors.map((e) => e.address)]);
    for (const r of drift.coverage.resources) {
      if (spoken.has(r.address)) continue;
      const status = r.status === "compared" ? "pass" : r.status === "not-read" ? "skip" : null;
      // "missing" and "error" resources arrive as findings and read errors above.
      if (status && DRIFT_TYPE_NODE[r.type]) byNode.get(DRIFT_TYPE_NODE[r.type])!.push({ source: "resource", status, address: r.address, type: r.type });
    }
  }
  return {
    nodes: NODES.map((node) => {
      const items = byNode.get(node.id)!;
      return { node, items, status: worst(items.map((i) => i.status)) };
    }),
    unplaced,
  };
}

export const isProblem = (s: NodeStatus) => s === "fail" || s === "warn" || s === "error";

export type { Lang };
