/**
 * The demo's scenario catalogue. Scenario names are a public contract (`live-infra demo --scenario NAME`).
 *
 * Each entry says what it breaks and what `validate` must then report: `fail`, `skip` and `warn` list the check ids
 * with that status; every other check the report contains must `pass`. `keywords` holds, per failing check, a text
 * that must appear in that check's FAQ keyword, message or remediation (the FAQ's own terms). `drift` lists exactly
 * the findings `drift` must then report (none: in sync); breakage outside the stack's resources (the backend's
 * files, rows, the server's session settings) is no drift. How a scenario is
 * applied lives in `demo/breakage.ts`; this file is data only so tests and `--list-scenarios` can read it cheaply.
 */

/** A drift finding a scenario expects, as `address attribute kind` (attribute absent for a whole resource). */
export interface ExpectedFinding {
  readonly address: string;
  readonly attribute?: string;
  readonly kind: "changed" | "missing" | "unmanaged";
}

export interface Scenario {
  /** Stable name (CLI argument). */
  readonly name: string;
  /** What it breaks, per language. */
  readonly breaks: { readonly en: string; readonly zh: string };
  /** Where the breakage is planted: the rendered backend config, the sandbox (control API), or the database. */
  readonly where: "nothing" | "OutDefine.php" | "cdn.route.ini" | "sandbox" | "database";
  readonly expect: {
    readonly fail: readonly string[];
    readonly skip: readonly string[];
    readonly warn: readonly string[];
    /** Exit code of `validate` (and so of `demo`). */
    readonly exitCode: 0 | 1;
    /** check id → text expected in that check's faqKeyword / message / remediation. */
    readonly keywords: Readonly<Record<string, readonly string[]>>;
    /** Exactly the findings `drift` reports after the breakage (the demo fails when they differ). */
    readonly drift: readonly ExpectedFinding[];
  };
}

const COS_AFTER_BUCKET = ["cos.secret-id", "cos.secret-key", "cos.upload"] as const;
/** The checks that judge the templates a rule binds: skipped when live.callback-rule does not pass. */
const BOUND_TEMPLATE_CHECKS = ["live.callback-url", "live.callback-key", "live.callback-public"] as const;

function scenario(
  name: string,
  where: Scenario["where"],
  en: string,
  zh: string,
  fail: readonly string[] = [],
  skip: readonly string[] = [],
  opts: { warn?: readonly string[]; keywords?: Record<string, readonly string[]>; drift?: readonly ExpectedFinding[] } = {},
): Scenario {
  const warn = opts.warn ?? [];
  return {
    name,
    where,
    breaks: { en, zh },
    expect: { fail, skip, warn, exitCode: fail.length ? 1 : 0, keywords: opts.keywords ?? {}, drift: opts.drift ?? [] },
  };
}

const CALLBACK_TEMPLATE = "tencentcloud_css_callback_template.callbacks";
const CALLBACK_RULE = "tencentcloud_css_callback_rule_attachment.callbacks";
const SCHEMA = "terraform_data.db_schema";

export const SCENARIOS: readonly Scenario[] = [
  scenario("healthy", "nothing", "nothing: a correctly deployed and configured environment", "不破坏任何配置：部署与配置均正确"),
  scenario(
    "wrong-bucket",
    "OutDefine.php",
    "COSKEY_BUCKET names a bucket that does not exist",
    "COSKEY_BUCKET 填写了不存在的存储桶",
    ["cos.bucket"],
    COS_AFTER_BUCKET,
    { keywords: { "cos.bucket": ["ERROR_PROXY_SIGN_BUCKET_NOTMATCH"] } },
  ),
  scenario(
    "wrong-region",
    "OutDefine.php",
    "COSKEY_BUCKET_REGION names another region than the bucket's",
    "COSKEY_BUCKET_REGION 与存储桶所属地域不一致",
    ["cos.bucket"],
    COS_AFTER_BUCKET,
    { keywords: { "cos.bucket": ["ERROR_PROXY_SIGN_BUCKET_NOTMATCH"] } },
  ),
  scenario(
    "wrong-appid",
    "OutDefine.php",
    "COSKEY_APPID is another account's APPID",
    "COSKEY_APPID 填写了其他账号的 APPID",
    ["cos.bucket"],
    COS_AFTER_BUCKET,
    { keywords: { "cos.bucket": ["ERROR_PROXY_APPID_USERID_NOTMATCH"] } },
  ),
  scenario(
    "wrong-secret-id",
    "OutDefine.php",
    "COSKEY_SECRECTID is a SecretId the account does not know",
    "COSKEY_SECRECTID 是账号下不存在的 SecretId",
    ["cos.secret-id"],
    ["cos.secret-key", "cos.upload"],
    { keywords: { "cos.secret-id": ["PROXY_AUTH_SECRETID_NOEXIST"] } },
  ),
  scenario(
    "wrong-secret-key",
    "OutDefine.php",
    "COSKEY_SECRECTKEY does not belong to COSKEY_SECRECTID",
    "COSKEY_SECRECTKEY 与 COSKEY_SECRECTID 不匹配",
    ["cos.secret-key"],
    ["cos.upload"],
    { keywords: { "cos.secret-key": ["ERROR_PROXY_AUTH_FAILED"] } },
  ),
  scenario(
    "callback-url-missing",
    "sandbox",
    "the record callback URL of the bound callback template is empty",
    "已关联的回调模板未设置录制回调 URL",
    ["live.callback-url"],
    [],
    { keywords: { "live.callback-url": ["回调 URL"] }, drift: [{ address: CALLBACK_TEMPLATE, attribute: "record_notify_url", kind: "changed" }] },
  ),
  scenario(
    "callback-url-wrong",
    "sandbox",
    "the record callback URL of the bound callback template points elsewhere",
    "已关联的回调模板的录制回调 URL 指向了错误地址",
    ["live.callback-url"],
    [],
    { keywords: { "live.callback-url": ["回调 URL"] }, drift: [{ address: CALLBACK_TEMPLATE, attribute: "record_notify_url", kind: "changed" }] },
  ),
  scenario(
    "callback-rule-missing",
    "sandbox",
    "no callback rule binds the callback template to the push domain",
    "回调模板未关联到推流域名（没有回调规则）",
    ["live.callback-rule"],
    BOUND_TEMPLATE_CHECKS,
    { keywords: { "live.callback-rule": ["回调模板未关联域名"] }, drift: [{ address: CALLBACK_RULE, kind: "missing" }] },
  ),
  scenario(
    "callback-rule-on-play-domain",
    "sandbox",
    "the callback template is bound to the play domain instead of the push domain",
    "回调模板关联到了播放域名，而不是推流域名",
    ["live.callback-rule"],
    BOUND_TEMPLATE_CHECKS,
    // Its own message (not the generic "no rule"): the rule sits on the play domain.
    { keywords: { "live.callback-rule": ["回调模板未关联域名", "bound to the PLAY domain"] }, drift: [{ address: CALLBACK_RULE, kind: "missing" }, { address: CALLBACK_RULE, attribute: "rule", kind: "unmanaged" }] },
  ),
  scenario(
    "callback-key-mismatch",
    "OutDefine.php",
    "API_KEY differs from the callback template's callback key",
    "API_KEY 与回调模板的回调密钥不一致",
    ["live.callback-key"],
    [],
    { keywords: { "live.callback-key": ["回调鉴权失败"] } },
  ),
  scenario(
    "record-rule-missing",
    "sandbox",
    "no record rule binds a record template to the push domain (no recording, no replay)",
    "推流域名未关联录制模板（没有录制就没有回放）",
    ["live.record-rule"],
    [],
    { drift: [{ address: "tencentcloud_css_record_rule_attachment.recording", kind: "missing" }] },
  ),
  scenario(
    "db-unreachable",
    "cdn.route.ini",
    "cdn.route.ini [DB] PORT points at a closed port",
    "cdn.route.ini 的 [DB] PORT 指向一个未监听的端口",
    ["db.connect"],
    ["db.schema", "db.timezone", "db.replay-window", "db.privileges"],
    { keywords: { "db.connect": ["cdn.route.ini"] } },
  ),
  scenario(
    "db-timezone",
    "database",
    "the database server's time zone is +00:00 instead of +08:00",
    "数据库时区为 +00:00，而不是 +08:00",
    ["db.timezone"],
    [],
    { keywords: { "db.timezone": ["+08:00"] } },
  ),
  scenario(
    "tb-vod-missing",
    "database",
    "table tb_vod does not exist (what createDB.sh leaves under strict sql_mode)",
    "tb_vod 表不存在（严格 sql_mode 下 createDB.sh 的结果）",
    ["db.schema"],
    ["db.replay-window"],
    // The strict-mode explanation, not the zero-date one.
    { keywords: { "db.schema": ["tb_vod 未创建", "tb_account and tb_room exist", "strict sql_mode", "migrate"] }, drift: [{ address: SCHEMA, attribute: "schema.tb_vod", kind: "missing" }] },
  ),
  scenario(
    "tb-vod-zero-date",
    "database",
    "tb_vod.start_time has the zero-date default '0000-00-00 00:00:00'",
    "tb_vod.start_time 的默认值为零日期 '0000-00-00 00:00:00'",
    ["db.schema"],
    ["db.replay-window"],
    // The zero-date explanation, not the strict-mode one; its own FAQ tag (tb_vod exists).
    { keywords: { "db.schema": ["零日期默认值", "has the zero-date default '0000-00-00 00:00:00'", "migrate"] }, drift: [{ address: SCHEMA, attribute: "schema.tb_vod.start_time", kind: "changed" }] },
  ),
  scenario(
    "no-room-row",
    "database",
    "a streamer in tb_account has no tb_room row (their recordings are dropped)",
    "tb_account 中的主播没有 tb_room 记录（其录制回调被丢弃）",
    [],
    [],
    { warn: ["db.replay-window"] },
  ),
  scenario(
    "db-privileges",
    "database",
    "the backend's MySQL account lacks INSERT on tb_vod (recording callbacks cannot store replays)",
    "后台 MySQL 账号缺少 tb_vod 的 INSERT 权限（录制回调无法写入回看记录）",
    ["db.privileges"],
    [],
    // No drift here: the sandbox's DescribeAccountPrivileges answers from its state, not from the server's grants.
    { keywords: { "db.privileges": ["数据库账号权限不足", "INSERT on tb_vod", "replay list stays empty", "GRANT INSERT ON"] } },
  ),
  scenario(
    "callback-url-private",
    "sandbox",
    "the bound callback template's record callback URL points at a private address (10.0.3.15) Tencent Cloud cannot reach",
    "已关联回调模板的录制回调 URL 指向内网地址（10.0.3.15），腾讯云无法访问",
    ["live.callback-url", "live.callback-public"],
    [],
    { keywords: { "live.callback-public": ["回调 URL 未设置/错误", "10.0.3.15", "private network"], "live.callback-url": ["10.0.3.15"] }, drift: [{ address: CALLBACK_TEMPLATE, attribute: "record_notify_url", kind: "changed" }] },
  ),
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** Expected status of a check id under a scenario (everything not listed passes). */
export function expectedStatus(s: Scenario, checkId: string): "pass" | "fail" | "skip" | "warn" {
  if (s.expect.fail.includes(checkId)) return "fail";
  if (s.expect.skip.includes(checkId)) return "skip";
  if (s.expect.warn.includes(checkId)) return "warn";
  return "pass";
}
