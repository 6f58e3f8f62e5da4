/**
 * Database controls, with the backend's own [DB] credentials: connect, schema, time zone, replay window. The
 * password never appears (mysql2 messages do not carry it).
 */
import * as fs from "fs";
import * as path from "path";
import type { Connection } from "mysql2/promise";
import { FAQ_TAGS, assessSchema, describeFix, missingPrivileges, privilegeVerdict } from "../../database";
import type { MissingPrivilege, SchemaAssessment, SchemaDifference } from "../../database";
import type { Control, Msg, Verdict } from "../types";
import { msg } from "../types";
import { Evidence, differenceFix, differenceText, fail, howDiffers, inConfig, pass, warn } from "./support";

export const dbConnect: Control = {
  id: "db.connect",
  severity: "critical",
  title: { zh: "数据库可连接", en: "Database accepts the backend's credentials" },
  description: {
    zh: "用后台配置 [DB]（conf/cdn.route.ini 或 --backend-config 的 JSON 的 DB）的 HOST、PORT、USER、PASSWD、DBNAME 连接 MySQL；拒绝连接、不可达或认证失败均判为失败。",
    en: "Connects to MySQL with HOST, PORT, USER, PASSWD and DBNAME from the backend's [DB] (conf/cdn.route.ini, or DB of the --backend-config JSON); refused, unreachable or denied is a failure.",
  },
  faqItem: { zh: "数据库参数（cdn.route.ini）", en: "Database parameters (cdn.route.ini)" },
  faqKeyword: "cdn.route.ini",
  remediation: {
    zh: "把后台配置的 [DB] HOST、PORT、USER、PASSWD、DBNAME 改为栈输出 db_host、db_port、db_user、db_password、db_name；确认安全组放行后台所在网段的 3306 端口。",
    en: "Set the backend's [DB] HOST, PORT, USER, PASSWD and DBNAME to the stack outputs db_host, db_port, db_user, db_password and db_name; make sure the security group lets the backend's network reach port 3306.",
  },
  docUrl: null,
  prerequisites: [],

  async run(ctx) {
    const d = ctx.backend.db;
    const src = ctx.backend.source;
    const evidence: Evidence = { host: d.host, port: d.port, user: d.user, database: d.name };
    const where = `${d.user}@${d.host}:${d.port}/${d.name}`;
    const o = ctx.outputs;
    let conn: Connection;
    try {
      conn = await ctx.db();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const code = e.code ?? "ERROR";
      evidence.error = code;
      if (UNREACHABLE.has(code) || /connect ETIMEDOUT|timeout/i.test(e.message ?? "")) {
        const hp = inConfig(src, "DB.HOST", "DB.PORT");
        return fail(
          `无法连接 MySQL ${d.host}:${d.port}（${code}）：${hp.zh} 错误、实例未运行，或安全组未放行。`,
          `Cannot reach MySQL at ${d.host}:${d.port} (${code}): ${hp.en} are wrong, the instance is not running, or the security group blocks it.`,
          evidence,
          {
            remediation: {
              zh: `把 ${hp.zh} 改为栈输出 db_host、db_port（${o.db_host}:${o.db_port}）；确认实例在运行、安全组放行后台所在网段访问该端口。`,
              en: `Set ${hp.en} to the stack outputs db_host and db_port (${o.db_host}:${o.db_port}); make sure the instance runs and its security group lets the backend's network reach that port.`,
            },
          },
        );
      }
      if (DENIED.has(code)) {
        const up = inConfig(src, "DB.USER", "DB.PASSWD");
        const pw = inConfig(src, "DB.PASSWD");
        // A password that differs from the stack's only by whitespace or letter case is named as such (never shown).
        const diff = o.db_password !== undefined && d.user === o.db_user ? howDiffers(d.password, o.db_password) : "value";
        const kind = differenceText(diff);
        if (kind) evidence.passwordDiffersFromStackOutput = diff;
        return fail(
          kind
            ? `MySQL 拒绝了 ${where}（${code}）：${pw.zh} 与栈输出 db_password 相比${kind.zh}（均未显示）。`
            : `MySQL 拒绝了 ${where}（${code}）：${up.zh} 错误，或该账号无权访问 ${d.name}。`,
          kind
            ? `MySQL denied ${where} (${code}): ${pw.en} ${kind.en} from the stack output db_password (neither shown).`
            : `MySQL denied ${where} (${code}): ${up.en} are wrong, or the account may not use ${d.name}.`,
          evidence,
          {
            remediation: kind
              ? differenceFix(diff, pw, { zh: "栈输出 db_password", en: "the stack output db_password" })
              : {
                  zh: `把 ${up.zh} 改为栈输出 db_user、db_password（并确认该账号被授权访问 ${d.name}）。`,
                  en: `Set ${up.en} to the stack outputs db_user and db_password (and make sure that account may use ${d.name}).`,
                },
          },
        );
      }
      if (code === "ER_BAD_DB_ERROR") {
        const dbname = inConfig(src, "DB.DBNAME");
        return fail(
          `数据库 ${d.name} 不存在（${code}）。`,
          `Database ${d.name} does not exist (${code}).`,
          evidence,
          {
            remediation: {
              zh: `若 ${dbname.zh} 写错了，改为栈输出 db_name（${o.db_name}）；否则运行 live-infra migrate --stack ${ctx.stack} 创建数据库和表。`,
              en: `If ${dbname.en} is mistyped, set it to the stack output db_name (${o.db_name}); otherwise run \`live-infra migrate --stack ${ctx.stack}\` to create the database and its tables.`,
            },
          },
        );
      }
      throw err;
    }
    const [v] = await rows<{ v: string }>(conn, "SELECT VERSION() AS v");
    evidence.serverVersion = v?.v ?? null;
    return pass(`已用后台账号连接 ${where}（${v?.v ?? "?"}）。`, `Connected as the backend to ${where} (${v?.v ?? "?"}).`, evidence);
  },
};

export const dbSchema: Control = {
  id: "db.schema",
  severity: "critical",
  title: { zh: "数据表结构正确", en: "Tables match the declared schema" },
  description: {
    zh: "live_demo 中有 tb_account、tb_room、tb_vod，列与声明的结构一致（类型不窄于声明、可空性、主键、无零日期默认值、字符集）。结论与 live-infra migrate 共用同一套判断（database/assess.ts）：每个差异一个严重度、一个修复办法、一个 FAQ 标签。",
    en: "live_demo has tb_account, tb_room and tb_vod with the declared columns (types at least as wide, nullability, primary keys, no zero-date defaults, character sets). The verdict is the one `live-infra migrate` acts on (database/assess.ts): one severity, one fix and one FAQ tag per difference.",
  },
  faqItem: { zh: "回看列表拉取失败 › 检查数据库表是否正常创建", en: "Replay list fails › were the tables created" },
  faqKeyword: "tb_vod 未创建",
  remediation: {
    zh: "运行 live-infra migrate（幂等、不删数据）把数据库调整到声明的结构；migrate 不能做的差异，报告会给出要手工执行的 SQL。",
    en: "Run `live-infra migrate` (idempotent, never drops data) to bring the database to the declared schema; for a difference migrate cannot repair, the report gives the SQL to run by hand.",
  },
  docUrl: "https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html",
  prerequisites: ["db.connect"],

  async run(ctx) {
    const conn = await ctx.db();
    const a = await assessSchema(conn, ctx.backend.db.name);
    const evidence: Evidence = {
      database: a.database,
      differences: a.differences.map(diffEvidence),
      manualSql: a.manualSql,
      migrate: a.migrate,
    };
    const v: Verdict = { status: a.severity, message: { zh: a.message.zh, en: a.message.en }, evidence };
    if (a.severity === "pass") return v;
    // The FAQ keyword is the FAQ's own (Chinese) term in every report language.
    return { ...v, ...(a.faq ? { faqKeyword: a.faq.zh } : {}), remediation: schemaFix(a) };
  },
};

/**
 * The one true fix of an assessment: `live-infra migrate` when it repairs every difference, else the manual
 * statements (migrate changes nothing while a failing one is left, and never does a manual one). Worded as the
 * assessment's message words it, so a report that shows both prints the fix once.
 */
export function schemaFix(a: SchemaAssessment): Msg {
  if (a.manual.length === 0) return withoutFixLabel(describeFix({ kind: "migrate" }));
  const seen = new Set<string>();
  const steps: Msg[] = [];
  for (const d of a.manual) {
    const f = describeFix(d.fix);
    if (seen.has(f.en)) continue;
    seen.add(f.en);
    steps.push({ zh: `${diffLabel(a.database, d)}——${f.zh}`, en: `${diffLabel(a.database, d)}: ${f.en}` });
  }
  if (steps.length === 1) return describeFix(a.manual[0].fix);
  return { zh: steps.map((x) => x.zh).join("；") + "。", en: steps.map((x) => x.en).join(" ") };
}

/** "tb_vod.start_time", "tb_room" or the database name (as the assessment labels a difference). */
function diffLabel(db: string, d: SchemaDifference): string {
  return d.column ? `${d.table}.${d.column}` : d.table ?? db;
}

/** "Fix: run …" → "run …" (the renderers add their own "Fix:" label). */
function withoutFixLabel(m: Msg): Msg {
  return { zh: m.zh.replace(/^修复[：:]\s*/, ""), en: m.en.replace(/^Fix:\s*/, "") };
}

export const dbPrivileges: Control = {
  id: "db.privileges",
  severity: "critical",
  title: { zh: "后台数据库账号权限足够", en: "Backend database account holds what its statements need" },
  description: {
    zh: "用后台自己的连接读取它的授权（SHOW GRANTS：全局、库、表、列级授权及默认角色），与后台语句所需的权限（每张表 SELECT、INSERT、UPDATE，database/privileges.ts）比较；缺少的每项权限都列出表和会失败的后台语句。",
    en: "Reads the backend account's own grants over its connection (SHOW GRANTS: global, database, table and column grants, default roles) and compares them with what the backend's statements need (SELECT, INSERT, UPDATE on each table, database/privileges.ts); each missing privilege is named with its table and the backend statements that fail.",
  },
  faqItem: { zh: "回看列表拉取失败 › 回看记录写入数据库", en: "Replay list fails › the replay row is written to the database" },
  faqKeyword: FAQ_TAGS.privilegeMissing.zh,
  remediation: {
    zh: "以管理员授予后台账号 live_demo 上的 SELECT, INSERT, UPDATE（云上由栈的 tencentcloud_mysql_privilege 授予：重新 apply 栈），或运行 live-infra migrate --stack <栈> --create-user。",
    en: "As an admin, grant the backend account SELECT, INSERT, UPDATE on live_demo (in the cloud the stack's tencentcloud_mysql_privilege does: re-apply the stack), or run `live-infra migrate --stack <stack> --create-user`.",
  },
  docUrl: "https://dev.mysql.com/doc/refman/8.0/en/grant.html",
  prerequisites: ["db.connect"],

  async run(ctx) {
    const conn = await ctx.db();
    const db = ctx.backend.db.name;
    let missing: MissingPrivilege[];
    try {
      missing = await missingPrivileges(conn, null, null, db);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (!GRANTS_REFUSED.has(code)) throw err;
      // Without its grants nothing can be said about them: never a pass.
      return warn(
        `无法读取后台账号 ${ctx.backend.db.user} 自己的授权（${code}），未能核对其权限：后台语句可能因缺少权限而失败。`,
        `The backend account ${ctx.backend.db.user} may not read its own grants (${code}), so its privileges are unverified: backend statements may fail for lack of a privilege.`,
        { database: db, user: ctx.backend.db.user, error: code },
        {
          remediation: {
            zh: `以管理员执行 SHOW GRANTS FOR 后台账号，确认它在 ${db} 上有 SELECT, INSERT, UPDATE；或运行 live-infra migrate --stack ${ctx.stack} --create-user 补齐。`,
            en: `As an admin, run SHOW GRANTS FOR the backend account and check it holds SELECT, INSERT, UPDATE on ${db}; or run \`live-infra migrate --stack ${ctx.stack} --create-user\` to grant what is missing.`,
          },
        },
      );
    }
    const v = privilegeVerdict(db, missing);
    const evidence: Evidence = {
      database: db,
      missing: missing.map((m) => ({ table: m.table, privilege: m.privilege, columns: m.columns, statements: [...m.statements] })),
      fixSql: v.fixSql,
    };
    if (v.severity === "pass") return pass(v.message.zh, v.message.en, evidence);
    const who = `${missing[0].account.user}@${missing[0].account.host}`;
    evidence.account = who;
    const items = missing.map((m) => ({
      zh: `${m.table} 的 ${m.privilege}${m.columns ? `（只授予了部分列，缺少 ${m.columns.join(", ")}）` : ""}：${m.statements.join("；")} 会失败`,
      en: `${m.privilege} on ${m.table}${m.columns ? ` (granted on some columns only; missing ${m.columns.join(", ")})` : ""}: ${m.statements.join("; ")} fail(s)`,
    }));
    const effects = consequences(missing);
    const grants = v.fixSql.map((g) => `${g};`).join(" ");
    return fail(
      `后台账号 ${who} 缺少 ${db} 上的权限——${items.map((i) => i.zh).join("；")}。${effects.zh}`,
      `The backend account ${who} lacks privileges on ${db} — ${items.map((i) => i.en).join("; ")}.${effects.en ? ` ${effects.en}` : ""}`,
      evidence,
      {
        faqKeyword: (v.faq ?? FAQ_TAGS.privilegeMissing).zh,
        remediation: {
          zh: `以管理员执行 ${grants}（或运行 live-infra migrate --stack ${ctx.stack} --create-user，只授予缺少的权限；云上由栈的 tencentcloud_mysql_privilege 授予：重新 apply 栈）。`,
          en: `As an admin, run ${grants} (or \`live-infra migrate --stack ${ctx.stack} --create-user\`, which grants exactly what is missing; in the cloud the stack's tencentcloud_mysql_privilege grants it: re-apply the stack).`,
        },
      },
    );
  },
};

/** What the user sees of missing privileges: the replay list, uploads of rooms and profiles. */
function consequences(missing: MissingPrivilege[]): Msg {
  const lacks = (table: string, p: string) => missing.some((m) => m.table === table && m.privilege === p);
  const out: Msg[] = [];
  if (lacks("tb_vod", "INSERT") || lacks("tb_vod", "UPDATE")) {
    out.push({
      zh: "录制回调无法把回看记录写入 tb_vod：回看列表一直为空（后台日志 mysql_error 中为 add tape data）",
      en: "recording callbacks cannot store replay rows in tb_vod, so the replay list stays empty (the backend logs \"add tape data\" in mysql_error)",
    });
  }
  if (lacks("tb_room", "SELECT")) {
    out.push({
      zh: "录制回调查不到主播的房间，回看记录被丢弃（后台日志 mysql_error 中为 getRoomInfo Error）",
      en: "recording callbacks cannot look up the streamer's room, so recordings are dropped (\"getRoomInfo Error\" in mysql_error)",
    });
  }
  if (lacks("tb_vod", "SELECT") || lacks("tb_account", "SELECT")) {
    out.push({ zh: "回看列表接口 get_vod_list 返回 500", en: "the replay list request get_vod_list returns 500" });
  }
  if (!out.length) return { zh: "", en: "" };
  return { zh: `${out.map((o) => o.zh).join("；")}。`, en: `Consequence: ${out.map((o) => o.en).join("; ")}.` };
}

export const dbTimezone: Control = {
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

  async run(ctx) {
    const conn = await ctx.db();
    const [r] = await rows<{ diff: string; session_tz: string; global_tz: string; system_tz: string }>(
      conn,
      "SELECT CAST(TIMEDIFF(NOW(), UTC_TIMESTAMP()) AS CHAR) AS diff, @@session.time_zone AS session_tz, " +
        "@@global.time_zone AS global_tz, @@system_time_zone AS system_tz",
    );
    const offset = formatOffset(r.diff);
    const evidence = { offset, sessionTimeZone: r.session_tz, globalTimeZone: r.global_tz, systemTimeZone: r.system_tz };
    if (offset === "+08:00") {
      return pass(`后台会话的时区偏移为 +08:00（time_zone=${r.session_tz}）。`, `The backend's sessions run at +08:00 (time_zone=${r.session_tz}).`, evidence);
    }
    return fail(
      `后台会话的时区偏移为 ${offset}（time_zone=${r.session_tz}），而后台按北京时间（+08:00）写入时间：同一场直播的重叠查询会失效（录制重复），7 天窗口也会偏移。`,
      `The backend's sessions run at ${offset} (time_zone=${r.session_tz}), but the backend writes Beijing time (+08:00): the same-broadcast overlap lookup misses (duplicate recordings) and the 7-day window shifts.`,
      evidence,
    );
  },
};

export const dbReplayWindow: Control = {
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

  async run(ctx) {
    const conn = await ctx.db();
    const [roomless] = await rows<{ n: string | number; sample: string | null }>(
      conn,
      "SELECT COUNT(*) AS n, SUBSTRING_INDEX(GROUP_CONCAT(a.userid ORDER BY a.userid SEPARATOR ','), ',', 5) AS sample " +
        "FROM tb_account a LEFT JOIN tb_room r ON r.userid = a.userid WHERE r.userid IS NULL",
    );
    const [vod] = await rows<{ total: string | number; visible: string | number | null; recent: string | number | null; newest: string | null }>(
      conn,
      "SELECT COUNT(*) AS total, " +
        "SUM(UNIX_TIMESTAMP() - UNIX_TIMESTAMP(create_time) < 604800) AS recent, " +
        "SUM(UNIX_TIMESTAMP() - UNIX_TIMESTAMP(create_time) < 604800 AND (play_url != '' OR hls_play_url != '')) AS visible, " +
        "CAST(MAX(create_time) AS CHAR) AS newest FROM tb_vod",
    );
    const [acc] = await rows<{ n: string | number }>(conn, "SELECT COUNT(*) AS n FROM tb_account");
    const roomlessN = Number(roomless?.n ?? 0);
    const sample = roomless?.sample ? String(roomless.sample).split(",") : [];
    const total = Number(vod?.total ?? 0);
    const recent = Number(vod?.recent ?? 0);
    const visible = Number(vod?.visible ?? 0);
    const logs = scanBackendLogs(ctx.backend.source.logDir);
    const evidence: Evidence = {
      accounts: Number(acc?.n ?? 0),
      accountsWithoutRoom: roomlessN,
      accountsWithoutRoomSample: sample,
      recordings: total,
      recordingsLast7Days: recent,
      visibleInReplayList: visible,
      newestRecording: vod?.newest ?? null,
      backendLog: logs,
    };

    const reasons: Msg[] = [];
    if (roomlessN > 0) {
      reasons.push(
        msg(
          `${roomlessN} 个账号在 tb_room 中没有房间记录（如 ${sample.join(", ")}）：他们的录制回调会以 getRoomInfo Error 被丢弃`,
          `${roomlessN} account(s) have no tb_room row (e.g. ${sample.join(", ")}): their recording callbacks are dropped with "getRoomInfo Error"`,
        ),
      );
    }
    if (total > 0 && visible === 0) {
      reasons.push(
        recent === 0
          ? msg(`tb_vod 的 ${total} 条记录都早于 7 天（最新 ${vod?.newest}）：回看列表为空`, `all ${total} tb_vod row(s) are older than 7 days (newest ${vod?.newest}): the replay list is empty`)
          : msg(`近 7 天的 ${recent} 条记录都没有播放地址：回看列表为空`, `none of the ${recent} recent row(s) has a play URL: the replay list is empty`),
      );
    }
    if (logs.readable && Number(logs.getRoomInfoError) > 0) {
      reasons.push(msg(`后台日志近 7 天有 ${logs.getRoomInfoError} 条 getRoomInfo Error（录制被丢弃）`, `the backend log shows ${logs.getRoomInfoError} "getRoomInfo Error" line(s) in the last 7 days (recordings dropped)`));
    }
    if (logs.readable && Number(logs.tapeTooShort) > 0) {
      reasons.push(msg(`后台日志近 7 天有 ${logs.tapeTooShort} 条录制过短（≤ 60 秒，不入库）`, `the backend log shows ${logs.tapeTooShort} recording(s) too short (≤ 60 s, not stored) in the last 7 days`));
    }
    if (reasons.length) {
      return warn(`回看列表可能缺记录：${reasons.map((r) => r.zh).join("；")}。`, `Replays may be missing: ${reasons.map((r) => r.en).join("; ")}.`, evidence);
    }
    return total === 0
      ? pass("还没有录制记录；每个账号都有房间记录。", "No recordings yet; every account has a room row.", evidence)
      : pass(
          `回看列表有 ${visible} 条可见记录（近 7 天）；每个账号都有房间记录。`,
          `${visible} recording(s) visible in the replay list (last 7 days); every account has a room row.`,
          evidence,
        );
  },
};

// ---------------------------------------------------------------------------------------------------------------

const UNREACHABLE = new Set(["ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNRESET", "PROTOCOL_CONNECTION_LOST"]);
const DENIED = new Set(["ER_ACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR", "ER_HOST_NOT_PRIVILEGED", "ER_NOT_SUPPORTED_AUTH_MODE"]);

async function rows<T = Record<string, unknown>>(c: Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [r] = await c.query(sql, values);
  return r as T[];
}

/** Codes of a server that refuses to show an account its grants. */
const GRANTS_REFUSED = new Set(["ER_DBACCESS_DENIED_ERROR", "ER_TABLEACCESS_DENIED_ERROR", "ER_SPECIFIC_ACCESS_DENIED_ERROR", "ER_ACCESS_DENIED_ERROR", "ER_NONEXISTING_GRANT"]);

function diffEvidence(d: SchemaDifference): Evidence {
  return {
    kind: d.kind,
    severity: d.severity,
    table: d.table ?? null,
    column: d.column ?? null,
    expected: d.expected ?? null,
    actual: d.actual ?? null,
    fix: d.fix,
    repairable: d.repairable,
    faq: d.faq.zh,
    message: d.message,
  };
}

/** "08:00:00" / "-05:30:00" / "8:00:00.000000" → "+08:00" / "-05:30". */
export function formatOffset(diff: string): string {
  const m = /^(-)?(\d{1,3}):(\d{2})/.exec(String(diff).trim());
  if (!m) return String(diff);
  return `${m[1] ? "-" : "+"}${m[2].padStart(2, "0")}:${m[3]}`;
}

/** Counts of the backend-log lines that explain a missing replay, from files of the last 7 days. */
export function scanBackendLogs(logDir: string | undefined, now = Date.now()): Record<string, unknown> {
  if (!logDir) return { readable: false, reason: "no log directory configured" };
  let names: string[];
  try {
    names = fs.readdirSync(logDir);
  } catch (err) {
    return { readable: false, dir: logDir, reason: (err as NodeJS.ErrnoException).code ?? "unreadable" };
  }
  const weekAgo = now - 7 * 86400_000;
  const counts = { getRoomInfoError: 0, tapeTooShort: 0, checkSignError: 0 };
  const rooms = new Set<string>();
  const files: string[] = [];
  for (const n of names) {
    if (!/^(mysql|component)_(error|debug)\d{8}\.log\.php$/.test(n)) continue;
    // The *_debug copies repeat every error line; count them only when no *_error file exists for that day.
    const f = path.join(logDir, n);
    try {
      const st = fs.statSync(f);
      if (st.mtimeMs < weekAgo) continue;
    } catch {
      continue;
    }
    if (/_debug/.test(n) && names.includes(n.replace("_debug", "_error"))) continue;
    let text: string;
    try {
      text = fs.readFileSync(f, "utf8");
    } catch {
      continue;
    }
    files.push(n);
    for (const line of text.split("\n")) {
      const room = /getRoomInfo Error:(\S+)/.exec(line);
      if (room) {
        counts.getRoomInfoError++;
        if (rooms.size < 5) rooms.add(room[1].replace(/[\]\s]+$/, ""));
      } else if (line.includes("tape duration too short")) counts.tapeTooShort++;
      else if (line.includes("check_sign error")) counts.checkSignError++;
    }
  }
  return { readable: true, dir: logDir, files, ...counts, roomlessUserids: [...rooms] };
}
