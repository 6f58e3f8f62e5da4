/**
 * Database controls, with the backend's own [DB] credentials: connect, schema, time zone, replay window. The
 * password never appears (mysql2 messages do not carry it).
 */
import * as fs from "fs";
import * as path from "path";
import type { Connection } from "mysql2/promise";
import { SCHEMA, compareSchema, inspectSchema } from "../../database";
import type { SchemaDifference } from "../../database";
import type { Control, Msg } from "../types";
import { msg } from "../types";
import { Evidence, fail, pass, warn } from "./support";

export const dbConnect: Control = {
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

  async run(ctx) {
    const d = ctx.backend.db;
    const evidence: Evidence = { host: d.host, port: d.port, user: d.user, database: d.name };
    const where = `${d.user}@${d.host}:${d.port}/${d.name}`;
    let conn: Connection;
    try {
      conn = await ctx.db();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const code = e.code ?? "ERROR";
      evidence.error = code;
      if (UNREACHABLE.has(code) || /connect ETIMEDOUT|timeout/i.test(e.message ?? "")) {
        return fail(
          `无法连接 MySQL ${d.host}:${d.port}（${code}）：地址或端口错误、实例未运行，或安全组未放行。`,
          `Cannot reach MySQL at ${d.host}:${d.port} (${code}): wrong host or port, instance not running, or the security group blocks it.`,
          evidence,
        );
      }
      if (DENIED.has(code)) {
        return fail(
          `MySQL 拒绝了 ${where}（${code}）：cdn.route.ini 的 USER/PASSWD 错误，或该账号无权访问 ${d.name}。`,
          `MySQL denied ${where} (${code}): USER/PASSWD in cdn.route.ini are wrong, or the account may not use ${d.name}.`,
          evidence,
        );
      }
      if (code === "ER_BAD_DB_ERROR") {
        return fail(
          `数据库 ${d.name} 不存在（${code}）：检查 DBNAME，或运行 live-infra migrate 创建它。`,
          `Database ${d.name} does not exist (${code}): check DBNAME, or run \`live-infra migrate\` to create it.`,
          evidence,
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

  async run(ctx) {
    const conn = await ctx.db();
    const dbName = ctx.backend.db.name;
    const actual = await inspectSchema(conn, dbName);
    const diffs = compareSchema({ ...SCHEMA, database: dbName }, actual);
    const errors = diffs.filter((d) => d.severity === "error");
    const warnings = diffs.filter((d) => d.severity === "warning");
    const evidence: Evidence = {
      database: dbName,
      tables: actual.tables.map((t) => t.name),
      differences: diffs.map(diffEvidence),
    };
    const vodMissing = errors.some((d) => d.kind === "missing_table" && d.table === "tb_vod");
    const othersMissing = errors.some((d) => d.kind === "missing_table" && d.table !== "tb_vod");
    const zeroDate = errors.filter((d) => d.kind === "zero_date_default");

    if (vodMissing && !othersMissing) {
      return fail(
        `${dbName} 中有 tb_account 和 tb_room，却没有 tb_vod：这是原版 createDB.sh 在严格 sql_mode（NO_ZERO_DATE，MySQL ≥ 5.7.8 默认）下的典型结果——tb_vod.start_time 的默认值 '0000-00-00 00:00:00' 被拒绝（ERROR 1067），而 tb_vod 是最后创建的表。录制回调无法写入回看记录。修复：运行 live-infra migrate（以 DEFAULT CURRENT_TIMESTAMP 创建 tb_vod，不动已有数据）。`,
        `${dbName} has tb_account and tb_room but no tb_vod: the classic outcome of the original createDB.sh under strict sql_mode (NO_ZERO_DATE, the default since MySQL 5.7.8) — tb_vod.start_time's default '0000-00-00 00:00:00' is rejected (ERROR 1067), and tb_vod is created last. Recording callbacks cannot store replay rows. Fix: run \`live-infra migrate\` (creates tb_vod with DEFAULT CURRENT_TIMESTAMP, keeps existing rows).`,
        evidence,
      );
    }
    // The zero-date explanation covers tb_vod's other repairable drifts from createDB.sh, never an unrepairable one.
    if (zeroDate.length && errors.every((d) => d.kind === "zero_date_default" || (d.table === "tb_vod" && d.repairable))) {
      const cols = zeroDate.map((d) => `${d.table}.${d.column}`).join(", ");
      return fail(
        `${cols} 的默认值是零日期 '0000-00-00 00:00:00'：该表是在宽松 sql_mode 下由原版 createDB.sh 创建的；严格模式（NO_ZERO_DATE）拒绝零日期，省略该列的 INSERT 会失败，对表的任何 ALTER 都报 ERROR 1067，备份也无法在严格模式的实例上恢复。修复：运行 live-infra migrate（把默认值改为 CURRENT_TIMESTAMP，不动数据）。`,
        `${cols} has the zero-date default '0000-00-00 00:00:00': the table was made by the original createDB.sh under a permissive sql_mode. Strict mode (NO_ZERO_DATE) rejects zero dates, so INSERTs that omit the column fail, any ALTER of the table fails with ERROR 1067, and a dump cannot be restored on a strict server. Fix: run \`live-infra migrate\` (changes the default to CURRENT_TIMESTAMP, keeps the rows).`,
        evidence,
      );
    }
    if (errors.length) {
      const first = errors.slice(0, 4).map((d) => d.message);
      const more = errors.length > 4 ? ` (+${errors.length - 4})` : "";
      const unfixable = errors.filter((d) => !d.repairable).map((d) => d.message);
      const unfixableMore = unfixable.length > 2 ? ` (+${unfixable.length - 2})` : "";
      return fail(
        `${dbName} 与声明的结构不符：${first.join("；")}${more}。${unfixable.length ? `migrate 不能自动修复的差异需先人工处理：${unfixable.slice(0, 2).join("；")}${unfixableMore}。` : "运行 live-infra migrate 可修复。"}`,
        `${dbName} does not match the declared schema: ${first.join("; ")}${more}. ${unfixable.length ? `Fix by hand first what migrate cannot repair: ${unfixable.slice(0, 2).join("; ")}${unfixableMore}.` : "`live-infra migrate` repairs this."}`,
        evidence,
      );
    }
    if (warnings.length) {
      const some = warnings.slice(0, 4).map((d) => d.message);
      return warn(`表结构可用，但有偏差：${some.join("；")}。`, `The tables work but deviate: ${some.join("; ")}.`, evidence);
    }
    return pass(
      `${dbName} 的 tb_account、tb_room、tb_vod 与声明的结构一致。`,
      `tb_account, tb_room and tb_vod in ${dbName} match the declared schema.`,
      evidence,
    );
  },
};

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

function diffEvidence(d: SchemaDifference): Evidence {
  return {
    kind: d.kind,
    severity: d.severity,
    table: d.table ?? null,
    column: d.column ?? null,
    expected: d.expected ?? null,
    actual: d.actual ?? null,
    repairable: d.repairable,
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
