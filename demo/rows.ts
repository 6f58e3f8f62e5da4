/**
 * Demo rows for live_demo: what the 小直播 backend would hold after a few streamers used the app.
 *
 * Shaped as the backend writes them (see the backend reference): `/register` + `/upload_user_info` fill tb_account,
 * `/upload_room` fills tb_room (userids match `^[a-zA-Z][a-zA-Z0-9_]{3,23}$`), and the record callback
 * (`event_type` 100, recordings strictly longer than 60 s) fills tb_vod keyed by the VOD `video_id`, with
 * `start_time` = recording start, `create_time` = recording end, the MP4 URL in `play_url` and the HLS one in
 * `hls_play_url`, and title/cover/location copied from the room. Times are recent, so every row is inside the
 * replay list's 7-day window. Re-seeding is idempotent: the demo's userids are deleted first.
 */
import { createHash } from "crypto";
import type { Connection } from "mysql2/promise";

export interface DemoStreamer {
  userid: string;
  nickname: string;
  sex: number;
  title: string;
  location: string;
  /** Recordings: minutes ago the recording ended, and its length in seconds (> 60). */
  recordings: ReadonlyArray<{ endedMinutesAgo: number; seconds: number; formats: ReadonlyArray<"mp4" | "hls"> }>;
}

export const DEMO_STREAMERS: readonly DemoStreamer[] = [
  {
    userid: "demo_anchor_lin",
    nickname: "林小夏",
    sex: 1,
    title: "周末吉他弹唱",
    location: "广州",
    recordings: [
      { endedMinutesAgo: 45, seconds: 1520, formats: ["mp4", "hls"] },
      { endedMinutesAgo: 26 * 60, seconds: 905, formats: ["mp4"] },
    ],
  },
  {
    userid: "demo_anchor_chen",
    nickname: "陈大厨",
    sex: 0,
    title: "十分钟家常菜",
    location: "成都",
    recordings: [{ endedMinutesAgo: 3 * 60, seconds: 640, formats: ["hls"] }],
  },
  {
    userid: "demo_anchor_zhao",
    nickname: "Zhao Runs",
    sex: 0,
    title: "Morning run, live",
    location: "Shenzhen",
    recordings: [{ endedMinutesAgo: 2 * 24 * 60, seconds: 3605, formats: ["mp4"] }],
  },
];

/** The streamer whose tb_room row the `no-room-row` scenario deletes. */
export const ROOMLESS_STREAMER = "demo_anchor_zhao";

export interface RowContext {
  appid: string;
  bucket: string;
  bucketRegion: string;
  playDomain: string;
  appName: string;
}

/** A VOD-style video id (`<appid-ish>_<32 hex>`), deterministic per recording. */
function videoId(ctx: RowContext, userid: string, i: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${userid}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = (h.toString(16).padStart(8, "0").repeat(4)).slice(0, 32);
  return `${ctx.appid}_${hex}`;
}

function cosUrl(ctx: RowContext, key: string): string {
  return `https://${ctx.bucket}.cos.${ctx.bucketRegion}.myqcloud.com/${key}`;
}

/** Statements (with parameters) that (re)create the demo rows. */
export function demoRowStatements(ctx: RowContext): Array<[string, unknown[]]> {
  const ids = DEMO_STREAMERS.map((s) => s.userid);
  const marks = ids.map(() => "?").join(", ");
  const out: Array<[string, unknown[]]> = [
    [`DELETE FROM tb_vod WHERE userid IN (${marks})`, ids],
    [`DELETE FROM tb_room WHERE userid IN (${marks})`, ids],
    [`DELETE FROM tb_account WHERE userid IN (${marks})`, ids],
  ];
  for (const s of DEMO_STREAMERS) {
    const avatar = cosUrl(ctx, `avatar/${s.userid}.jpg`);
    const cover = cosUrl(ctx, `frontcover/${s.userid}.jpg`);
    out.push([
      "INSERT INTO tb_account (userid, password, nickname, sex, avatar, frontcover, create_time) " +
        "VALUES (?, ?, ?, ?, ?, ?, NOW() - INTERVAL 30 DAY)",
      // The app sends an md5 of the password; the backend stores what it gets. Not a real credential.
      [s.userid, md5Hex(`demo-password-${s.userid}`), s.nickname, s.sex, avatar, cover],
    ]);
    out.push([
      "INSERT INTO tb_room (userid, title, frontcover, location) VALUES (?, ?, ?, ?)",
      [s.userid, s.title, cover, s.location],
    ]);
    s.recordings.forEach((r, i) => {
      const vid = videoId(ctx, s.userid, i);
      const base = `http://${ctx.appid}.vod2.myqcloud.com/${vid.slice(-8)}vodcq${ctx.appid}/${vid.slice(-16)}`;
      const mp4 = r.formats.includes("mp4") ? `${base}/f0.mp4` : null;
      const hls = r.formats.includes("hls") ? `${base}/playlist.f9.m3u8` : null;
      out.push([
        "INSERT INTO tb_vod (userid, file_id, frontcover, location, play_url, hls_play_url, title, " +
          "like_count, viewer_count, start_time, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " +
          "NOW() - INTERVAL ? SECOND, NOW() - INTERVAL ? SECOND)",
        [
          s.userid,
          vid,
          cover,
          s.location,
          mp4,
          hls,
          s.title,
          17 * (i + 1),
          240 * (i + 1),
          r.endedMinutesAgo * 60 + r.seconds,
          r.endedMinutesAgo * 60,
        ],
      ]);
    });
  }
  return out;
}

function md5Hex(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

/** Seeds the demo rows on a connection already using the demo database. Session time zone +08:00, as the backend. */
export async function seedDemoRows(conn: Connection, ctx: RowContext): Promise<number> {
  await conn.query("SET time_zone = '+08:00'");
  const stmts = demoRowStatements(ctx);
  await conn.beginTransaction();
  try {
    for (const [sql, params] of stmts) await conn.execute(sql, params as never[]);
    await conn.commit();
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  }
  return DEMO_STREAMERS.reduce((n, s) => n + s.recordings.length, 0);
}
