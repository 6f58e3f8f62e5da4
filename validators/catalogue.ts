/**
 * The check catalogue: one entry per check, kept apart from the check bodies (cos.ts, live.ts, db.ts).
 * Ids are a public contract (reports, `--only`, scenario tests); never rename or remove one. The array order is
 * the report order; checks added after the thirteen go at the end.
 */
import type { Msg } from "./types";

export type Severity = "critical" | "high" | "medium" | "low";

export interface CatalogueEntry {
  id: string;
  /** critical: uploads or the replay list cannot work; high: they break for some cases; low: advisory. */
  severity: Severity;
  title: Msg;
  /** What the check asserts and how it finds out. */
  description: Msg;
  /** The FAQ item this check stands for (troubleshooting FAQ of the 小直播 demo), null when beyond the FAQ. */
  faqItem: Msg | null;
  /** The keyword the FAQ tells users to grep for, or the FAQ item's own wording; null when there is none. */
  faqKeyword: string | null;
  remediation: Msg;
  docUrl: string | null;
  /** Checks that must pass (or warn) before this one's verdict counts; otherwise it is `skip`. */
  prerequisites: string[];
  /** Runs only when asked for (a flag, or named in --only). */
  optIn?: { flag: string };
}

const COS_CONFIG_DOC = "https://cloud.tencent.com/document/product/454/15187";

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: "cos.bucket",
    severity: "critical",
    title: { zh: "COS 存储桶配置正确", en: "COS bucket is the stack's and exists" },
    description: {
      zh: "用部署账号的密钥查询后台 OutDefine.php 中 COSKEY_BUCKET / COSKEY_BUCKET_REGION / COSKEY_APPID 指向的存储桶：它必须存在于该地域、属于该 APPID，并且就是本栈部署的存储桶。",
      en: "With the deploying account's keys, looks up the bucket that COSKEY_BUCKET / COSKEY_BUCKET_REGION / COSKEY_APPID in the backend's OutDefine.php name: it must exist in that region, belong to that APPID and be the bucket this stack deployed.",
    },
    faqItem: { zh: "头像或封面上传失败 › Bucket 错误", en: "Avatar or cover upload fails › wrong bucket" },
    faqKeyword: "ERROR_PROXY_SIGN_BUCKET_NOTMATCH",
    remediation: {
      zh: "把 OutDefine.php 的 COSKEY_BUCKET、COSKEY_BUCKET_REGION、COSKEY_APPID 改为栈输出 bucket、bucket_region、appid 的值（可用 live-infra 渲染的配置），然后重启 PHP-FPM。",
      en: "Set COSKEY_BUCKET, COSKEY_BUCKET_REGION and COSKEY_APPID in OutDefine.php to the stack outputs bucket, bucket_region and appid (or use the configuration live-infra renders), then restart PHP-FPM.",
    },
    docUrl: COS_CONFIG_DOC,
    prerequisites: [],
  },
  {
    id: "cos.secret-id",
    severity: "critical",
    title: { zh: "COS SecretId 有效", en: "COS SecretId is known" },
    description: {
      zh: "用后台的 COSKEY_SECRECTID / COSKEY_SECRECTKEY 对存储桶中一个不存在的探测对象发起签名 GET：COS 不应以 InvalidAccessKeyId 拒绝。",
      en: "Sends a GET for a probe object that does not exist, signed with the backend's COSKEY_SECRECTID / COSKEY_SECRECTKEY: COS must not refuse it with InvalidAccessKeyId.",
    },
    faqItem: { zh: "头像或封面上传失败 › SecretId 错误", en: "Avatar or cover upload fails › wrong SecretId" },
    faqKeyword: "PROXY_AUTH_SECRETID_NOEXIST",
    remediation: {
      zh: "把 OutDefine.php 的 COSKEY_SECRECTID（注意拼写 SECRECT）改为上传签名子用户的 SecretId（栈输出 signer_secret_id），并确认该密钥未被禁用或删除。",
      en: "Set COSKEY_SECRECTID in OutDefine.php (mind the spelling SECRECT) to the upload signer's SecretId (stack output signer_secret_id) and make sure the key is neither disabled nor deleted.",
    },
    docUrl: "https://cloud.tencent.com/document/product/436/40105",
    prerequisites: ["cos.bucket"],
  },
  {
    id: "cos.secret-key",
    severity: "critical",
    title: { zh: "COS SecretKey 与 SecretId 配对", en: "COS SecretKey matches the SecretId" },
    description: {
      zh: "同一个探测请求的签名被 COS 接受（NoSuchKey 表示已通过鉴权），而不是 SignatureDoesNotMatch。",
      en: "The same probe request's signature is accepted by COS (NoSuchKey means authenticated) rather than refused with SignatureDoesNotMatch.",
    },
    faqItem: { zh: "头像或封面上传失败 › Secretkey 错误", en: "Avatar or cover upload fails › wrong SecretKey" },
    faqKeyword: "ERROR_PROXY_AUTH_FAILED",
    remediation: {
      zh: "把 OutDefine.php 的 COSKEY_SECRECTKEY 改为与 COSKEY_SECRECTID 配对的 SecretKey（栈输出 signer_secret_key），然后重启 PHP-FPM。",
      en: "Set COSKEY_SECRECTKEY in OutDefine.php to the SecretKey paired with COSKEY_SECRECTID (stack output signer_secret_key), then restart PHP-FPM.",
    },
    docUrl: "https://cloud.tencent.com/document/product/436/40105",
    prerequisites: ["cos.secret-id"],
  },
  {
    id: "cos.upload",
    severity: "critical",
    title: { zh: "COS 上传可用", en: "COS upload works" },
    description: {
      zh: "用后台的密钥在 .live-infra-probe/ 下 PUT、HEAD、DELETE 一个探测对象；并用部署账号的密钥读取存储桶 CORS，确认允许 App 上传（PUT/POST）。",
      en: "PUTs, HEADs and DELETEs a probe object under .live-infra-probe/ with the backend's keys, and reads the bucket's CORS with the deploying account's keys to confirm app uploads (PUT/POST) are allowed.",
    },
    faqItem: { zh: "头像或封面上传失败", en: "Avatar or cover upload fails" },
    faqKeyword: null,
    remediation: {
      zh: "确认上传签名子用户的策略允许该存储桶的对象读写（栈的 UploadSigner），并为存储桶配置允许 PUT/POST 的 CORS 规则（栈的 UploadBucket）；重新部署栈即可恢复。",
      en: "Make sure the upload signer's policy allows object reads and writes on the bucket (the stack's UploadSigner) and that the bucket has a CORS rule allowing PUT/POST (the stack's UploadBucket); redeploying the stack restores both.",
    },
    docUrl: COS_CONFIG_DOC,
    prerequisites: ["cos.secret-key"],
  },
  {
    id: "live.callback-rule",
    severity: "critical",
    title: { zh: "回调模板已关联推流域名", en: "Callback template is bound to the push domain" },
    description: {
      zh: "DescribeLiveCallbackRules 中有一条规则把本栈的回调模板绑定到推流域名和 AppName；绑定在播放域名上的规则无效。",
      en: "DescribeLiveCallbackRules has a rule binding this stack's callback template to the push domain and app name; a rule on the play domain does not count.",
    },
    faqItem: { zh: "回看列表拉取失败 › 检查回调模板是否关联域名", en: "Replay list fails › is the callback template bound to the domain" },
    faqKeyword: "回调模板未关联域名",
    remediation: {
      zh: "在【云直播控制台】>【域名管理】> 推流域名 >【模板配置】中关联回调模板（或重新部署栈，CreateLiveCallbackRule 绑定推流域名与 AppName）；绑定约 5–10 分钟生效。",
      en: "Bind the callback template under Live console › Domain Management › push domain › Template Configuration (or redeploy the stack: CreateLiveCallbackRule on the push domain and app name); bindings take 5–10 minutes to take effect.",
    },
    docUrl: "https://cloud.tencent.com/document/product/267/35254",
    prerequisites: [],
  },
  {
    id: "live.callback-url",
    severity: "critical",
    title: { zh: "录制回调 URL 正确", en: "Recording callback URL is right" },
    description: {
      zh: "已绑定回调模板的录制回调 URL（RecordNotifyUrl）等于后台地址 /callback/tape_callback.php（栈输出 callback_url）。",
      en: "The bound callback template's recording callback URL (RecordNotifyUrl) equals the backend's /callback/tape_callback.php (stack output callback_url).",
    },
    faqItem: { zh: "回看列表拉取失败 › 检查 URL 设置是否正确", en: "Replay list fails › is the callback URL right" },
    faqKeyword: "回调 URL 未设置/错误",
    remediation: {
      zh: "在【云直播控制台】>【事件中心】>【直播回调】中把录制回调 URL 设为栈输出 callback_url（http://<后台地址>/callback/tape_callback.php），或重新部署栈。",
      en: "Set the template's recording callback URL to the stack output callback_url (http://<backend>/callback/tape_callback.php) under Live console › Event Center › Live Callback, or redeploy the stack.",
    },
    docUrl: "https://cloud.tencent.com/document/product/267/20388",
    prerequisites: ["live.callback-rule"],
  },
  {
    id: "live.callback-key",
    severity: "critical",
    title: { zh: "回调密钥与 API_KEY 一致", en: "Callback key equals API_KEY" },
    description: {
      zh: "已绑定回调模板的回调密钥（CallbackKey）等于后台 OutDefine.php 的 API_KEY（比较时不输出任何一方）。",
      en: "The bound callback template's key (CallbackKey) equals API_KEY in the backend's OutDefine.php (compared without printing either).",
    },
    faqItem: { zh: "回看列表拉取失败 › 回调鉴权失败", en: "Replay list fails › callback verification fails" },
    faqKeyword: "回调鉴权失败",
    remediation: {
      zh: "把 OutDefine.php 的 API_KEY 改为回调模板的回调密钥（栈输出 callback_key），或反过来修改模板；后台日志 component_error 中的 check_sign error 即此问题。",
      en: "Set API_KEY in OutDefine.php to the callback template's key (stack output callback_key), or change the template; `check_sign error` lines in the backend's component_error log are this problem.",
    },
    docUrl: "https://cloud.tencent.com/document/product/267/32744",
    prerequisites: ["live.callback-rule"],
  },
  {
    id: "live.callback-reachable",
    severity: "high",
    title: { zh: "回调地址可达且校验签名", en: "Callback URL answers and checks signatures" },
    description: {
      zh: "（需 --probe-callback）向回调 URL 发送一个无害的推流事件（event_type 1）：正确签名应得到 {\"code\":0}，错误签名不应得到。",
      en: "(opt-in, --probe-callback) Posts a harmless stream-start event (event_type 1) to the callback URL: a correctly signed one must get {\"code\":0}, a wrongly signed one must not.",
    },
    faqItem: { zh: "回看列表拉取失败 › 回调到达后台", en: "Replay list fails › callbacks reach the backend" },
    faqKeyword: null,
    remediation: {
      zh: "确认后台的 Web 服务对外开放、nginx 把 /callback/tape_callback.php 交给 PHP，且 API_KEY 与回调密钥一致；检查 log/component_info 中是否出现 callback report request para。",
      en: "Make sure the backend's web server is reachable from the internet, nginx hands /callback/tape_callback.php to PHP, and API_KEY equals the callback key; look for `callback report request para` in log/component_info.",
    },
    docUrl: "https://cloud.tencent.com/document/product/267/32744",
    prerequisites: ["live.callback-url", "live.callback-key"],
    optIn: { flag: "--probe-callback" },
  },
  {
    id: "live.record-rule",
    severity: "critical",
    title: { zh: "录制模板已关联推流域名", en: "Recording template is bound to the push domain" },
    description: {
      zh: "DescribeLiveRecordRules 中有规则把启用了至少一种格式的录制模板绑定到推流域名和 AppName；没有录制就没有录制回调，也就没有回看记录。",
      en: "DescribeLiveRecordRules has a rule binding a recording template with at least one format enabled to the push domain and app name; no recording means no recording callback and no replay row.",
    },
    faqItem: { zh: "回看列表拉取失败 › 录制模板", en: "Replay list fails › recording template" },
    faqKeyword: null,
    remediation: {
      zh: "在推流域名的【模板配置】中关联录制模板（启用 HLS、MP4 或 FLV），或重新部署栈（LiveRecording）。",
      en: "Bind a recording template (HLS, MP4 or FLV enabled) under the push domain's Template Configuration, or redeploy the stack (LiveRecording).",
    },
    docUrl: "https://cloud.tencent.com/document/product/267/47026",
    prerequisites: [],
  },
  {
    id: "db.connect",
    severity: "critical",
    title: { zh: "数据库可连接", en: "Database accepts the backend's credentials" },
    description: {
      zh: "用后台 cdn.route.ini [DB] 的 HOST、PORT、USER、PASSWD、DBNAME 连接 MySQL；拒绝连接、不可达或认证失败均判为失败。",
      en: "Connects to MySQL with HOST, PORT, USER, PASSWD and DBNAME from [DB] in the backend's cdn.route.ini; refused, unreachable or denied is a failure.",
    },
    faqItem: { zh: "数据库参数（cdn.route.ini）", en: "Database parameters (cdn.route.ini)" },
    faqKeyword: "cdn.route.ini",
    remediation: {
      zh: "把 cdn.route.ini [DB] 改为栈输出 db_host、db_port、db_user、db_password、db_name；确认安全组放行后台所在网段的 3306 端口。",
      en: "Set [DB] in cdn.route.ini to the stack outputs db_host, db_port, db_user, db_password and db_name; make sure the security group lets the backend's network reach port 3306.",
    },
    docUrl: null,
    prerequisites: [],
  },
  {
    id: "db.schema",
    severity: "critical",
    title: { zh: "数据表结构正确", en: "Tables match the declared schema" },
    description: {
      zh: "live_demo 中有 tb_account、tb_room、tb_vod，列与声明的结构一致（类型不窄于声明、可空性、主键、无零日期默认值）。",
      en: "live_demo has tb_account, tb_room and tb_vod with the declared columns (types at least as wide, nullability, primary keys, no zero-date defaults).",
    },
    faqItem: { zh: "回看列表拉取失败 › 检查数据库表是否正常创建", en: "Replay list fails › were the tables created" },
    faqKeyword: "tb_vod 未创建",
    remediation: {
      zh: "运行 live-infra migrate（幂等、不删数据）把数据库调整到声明的结构。",
      en: "Run `live-infra migrate` (idempotent, never drops data) to bring the database to the declared schema.",
    },
    docUrl: "https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html",
    prerequisites: ["db.connect"],
  },
  {
    id: "db.timezone",
    severity: "high",
    title: { zh: "数据库时区为 +08:00", en: "Database sessions run at +08:00" },
    description: {
      zh: "后台会话的时区偏移 TIMEDIFF(NOW(), UTC_TIMESTAMP()) 为 +08:00：后台按北京时间写入时间，否则同一场直播的录制会重复或丢失。",
      en: "The backend's sessions run at offset +08:00 (TIMEDIFF(NOW(), UTC_TIMESTAMP())): the backend writes Beijing time, and at another offset recordings of one broadcast are duplicated or lost.",
    },
    faqItem: null,
    faqKeyword: null,
    remediation: {
      zh: "把实例参数 time_zone 设为 +08:00（栈的 Database 已声明；控制台：数据库管理 › 参数设置），或 SET GLOBAL time_zone = '+08:00'。",
      en: "Set the instance parameter time_zone to +08:00 (the stack's Database declares it; console: Database Management › Parameter Settings), or SET GLOBAL time_zone = '+08:00'.",
    },
    docUrl: "https://dev.mysql.com/doc/refman/8.0/en/time-zone-support.html",
    prerequisites: ["db.connect"],
  },
  {
    id: "db.replay-window",
    severity: "low",
    title: { zh: "回看列表有可见记录", en: "Replay list has visible recordings" },
    description: {
      zh: "（警告级）主播在 tb_room 中缺少房间记录（其录制会被丢弃）、tb_vod 全部早于 7 天、或后台日志出现 getRoomInfo Error / 录制过短时给出警告。",
      en: "(warn level) Warns when streamers in tb_account have no tb_room row (their recordings are dropped), when every tb_vod row is older than 7 days, or when the backend log shows getRoomInfo Error / recordings too short.",
    },
    faqItem: null,
    faqKeyword: null,
    remediation: {
      zh: "主播需先在 App 中开播（/upload_room 写入 tb_room）；录制需长于 60 秒；回看只显示 7 天内的记录。",
      en: "Streamers must go live from the app once (/upload_room writes tb_room); recordings must last longer than 60 s; the replay list shows the last 7 days only.",
    },
    docUrl: null,
    prerequisites: ["db.schema"],
  },
  {
    id: "live.domains",
    severity: "critical",
    title: { zh: "直播域名已添加并启用", en: "Live domains exist and are enabled" },
    description: {
      zh: "DescribeLiveDomain：栈输出的推流域名（类型 0）和播放域名（类型 1）存在于账号中并已启用。CNAME 解析无法离线验证，不在此检查。",
      en: "DescribeLiveDomain: the stack's push domain (type 0) and play domain (type 1) exist in the account and are enabled. CNAME resolution cannot be verified offline and is not checked.",
    },
    faqItem: null,
    faqKeyword: null,
    remediation: {
      zh: "在【云直播控制台】>【域名管理】中添加或启用推流/播放域名（或重新部署栈的 LiveDomains），并按控制台提示配置 CNAME。",
      en: "Add or enable the push/play domains under Live console › Domain Management (or redeploy the stack's LiveDomains) and set the CNAME the console shows.",
    },
    docUrl: null,
    prerequisites: [],
  },
];

export const CHECK_IDS: readonly string[] = CATALOGUE.map((c) => c.id);

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((c) => c.id === id);
}
