// Every statement the 小直播 PHP backend (HEAD 6cc8c55) runs, replayed with literal values as PHP builds them,
// against the migrated schema on the strict-mode server (time_zone +08:00, as the stack sets it).
import * as mysql from "mysql2/promise";
import { migrate } from "../../database/migrate";
import { createTestDatabase, testServer, TestDatabase } from "../helpers/mysql";

const WEEK = 604800; // TAPE_FILE_VALID_TIME
let db: TestDatabase;
let conn: mysql.Connection;
const NOW = Math.floor(Date.now() / 1000);

/** PHP date('Y-m-d H:i:s', t) with date_default_timezone_set('PRC'). */
function beijing(t: number): string {
  return new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

async function q<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const [rows] = await conn.query(sql);
  return rows as T[];
}

beforeAll(async () => {
  db = await createTestDatabase("queries", { create: false });
  const s = await testServer();
  await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: db.name });
  conn = await db.connect();
  await conn.query("SET NAMES 'utf8mb4'"); // as the DAO does after mysqli_connect
  await conn.query("SET SESSION time_zone = '+08:00'");
});
afterAll(async () => {
  await conn?.end();
  await db?.drop();
});

/** Q3: rows of the same broadcast overlapping [S, E]. */
function overlap(userid: string, S: number, E: number): string {
  return (
    `SELECT * FROM tb_vod WHERE userid = '${userid}' AND (` +
    `(UNIX_TIMESTAMP(start_time) > ${S} AND UNIX_TIMESTAMP(start_time) < ${E}) OR ` +
    `(UNIX_TIMESTAMP(create_time) > ${S} AND UNIX_TIMESTAMP(create_time) < ${E}) OR ` +
    `(UNIX_TIMESTAMP(start_time) <= ${S} AND UNIX_TIMESTAMP(create_time) >= ${E}) OR ` +
    `(UNIX_TIMESTAMP(start_time) > ${S} AND UNIX_TIMESTAMP(create_time) < ${E}))`
  );
}

/** addTapeFile as in dao_live.class.php: room lookup, overlap lookup, then UPDATE (one match) or INSERT. */
async function addTapeFile(streamId: string, videoId: string, url: string, S: number, E: number, format: string): Promise<"insert" | "update"> {
  const userid = streamId.slice(streamId.indexOf("_") + 1);
  const rooms = await q(`SELECT * FROM tb_room WHERE userid = '${userid}'`); // Q4
  if (rooms.length === 0) throw new Error(`getRoomInfo Error:${userid}`);
  const room = rooms[0] as { userid: string; title: string; frontcover: string | null; location: string | null };
  const col = format === "mp4" ? "play_url" : "hls_play_url";
  const matches = await q<{ file_id: string }>(overlap(room.userid, S, E));
  if (matches.length === 1) {
    await conn.query(`UPDATE tb_vod SET ${col} = '${url}' WHERE userid = '${room.userid}' AND file_id = '${matches[0].file_id}'`);
    return "update";
  }
  await conn.query(
    `INSERT INTO tb_vod (userid, file_id, start_time, create_time, ${col}, title, frontcover, location) VALUES ` +
      `('${room.userid}', '${videoId}', '${beijing(S)}', '${beijing(E)}', '${url}', '${room.title}', '${room.frontcover ?? ""}', '${room.location ?? ""}')`,
  );
  return "insert";
}

describe("the backend's queries against the migrated schema", () => {
  test("register, login, upload_user_info, get_user_info (tb_account)", async () => {
    expect(await q("SELECT * FROM tb_account WHERE userid = 'anchor01'")).toEqual([]);
    await conn.query("INSERT INTO tb_account (userid, password) VALUES ('anchor01', 'e10adc3949ba59abbe56e057f20f883e')");
    await conn.query("INSERT INTO tb_account (userid, password) VALUES ('viewer01', 'c33367701511b4f6020ec61ded352059')");
    await expect(conn.query("INSERT INTO tb_account (userid, password) VALUES ('anchor01', 'x')")).rejects.toThrow(/Duplicate entry/);
    const login = await q("SELECT * FROM tb_account WHERE userid = 'anchor01'");
    expect(login).toEqual([expect.objectContaining({ userid: "anchor01", password: "e10adc3949ba59abbe56e057f20f883e", sex: -1, nickname: null })]);
    const upd = await conn.query("UPDATE tb_account SET nickname = '主播一号😀', avatar = 'http://cos/a.png', sex = 1, frontcover = 'http://cos/f.png' WHERE userid = 'anchor01'");
    expect((upd[0] as mysql.ResultSetHeader).affectedRows).toBe(1);
    const info = await q("SELECT * FROM tb_account WHERE userid = 'anchor01'");
    expect(info).toEqual([expect.objectContaining({ nickname: "主播一号😀", avatar: "http://cos/a.png", sex: 1, frontcover: "http://cos/f.png" })]);
  });

  test("upload_room: read, INSERT, then UPDATE with create_time = now (tb_room)", async () => {
    expect(await q("SELECT * FROM tb_room WHERE userid = 'anchor01'")).toEqual([]);
    await conn.query(`INSERT INTO tb_room (userid, title, frontcover, location, create_time) VALUES ('anchor01', '第一次直播', 'http://cos/c.png', '深圳', '${beijing(NOW - 7200)}')`);
    await conn.query(`UPDATE tb_room SET title = '今晚直播', frontcover = 'http://cos/c2.png', location = '深圳', create_time = '${beijing(NOW - 3600)}' WHERE userid = 'anchor01'`);
    expect(await q("SELECT userid, title, frontcover, location, create_time FROM tb_room WHERE userid = 'anchor01'")).toEqual([
      { userid: "anchor01", title: "今晚直播", frontcover: "http://cos/c2.png", location: "深圳", create_time: beijing(NOW - 3600) },
    ]);
  });

  test("record callback: MP4 inserts, the HLS file of the same broadcast updates the row, create_time stays put", async () => {
    const S = NOW - 3000;
    const E = NOW - 1200;
    expect(await addTapeFile("12345_anchor01", "5285890781763144364", "http://vod/1.mp4", S, E, "mp4")).toBe("insert");
    expect(await q(overlap("anchor01", S - 5, E + 5))).toHaveLength(1);
    expect(await addTapeFile("12345_anchor01", "5285890781763144999", "http://vod/1.m3u8", S - 2, E + 3, "hls")).toBe("update");
    const rows = await q("SELECT * FROM tb_vod WHERE userid = 'anchor01'");
    expect(rows).toEqual([
      expect.objectContaining({
        file_id: "5285890781763144364",
        play_url: "http://vod/1.mp4",
        hls_play_url: "http://vod/1.m3u8",
        title: "今晚直播",
        location: "深圳",
        like_count: 0,
        viewer_count: 0,
        start_time: beijing(S),
        create_time: beijing(E), // no ON UPDATE: the UPDATE did not move it
      }),
    ]);
    // The UNIX_TIMESTAMP() round trip holds at +08:00 (the overlap test depends on it).
    expect(await q("SELECT UNIX_TIMESTAMP(start_time) AS s, UNIX_TIMESTAMP(create_time) AS e FROM tb_vod WHERE userid = 'anchor01'")).toEqual([{ s: S, e: E }]);
    // An unknown anchor has no room: nothing stored.
    await expect(addTapeFile("12345_nobody", "1", "http://vod/x.mp4", S, E, "mp4")).rejects.toThrow(/getRoomInfo Error:nobody/);
  });

  test("replay count and list (Q1, Q2) with the 7-day window and the URL filter; author lookup (Q5)", async () => {
    await conn.query(`INSERT INTO tb_room (userid, title) VALUES ('viewer01', 'v')`);
    // HLS-only (listed since 6cc8c55), no URL at all (counted, not listed), older than 7 days (neither).
    await conn.query(`INSERT INTO tb_vod (userid, file_id, start_time, create_time, hls_play_url) VALUES ('viewer01', 'hls-only', '${beijing(NOW - 900)}', '${beijing(NOW - 600)}', 'http://vod/2.flv')`);
    await conn.query(`INSERT INTO tb_vod (userid, file_id, start_time, create_time) VALUES ('viewer01', 'no-url', '${beijing(NOW - 500)}', '${beijing(NOW - 400)}')`);
    await conn.query(`INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url) VALUES ('viewer01', 'old', '${beijing(NOW - 9 * 86400)}', '${beijing(NOW - 8 * 86400)}', 'http://vod/old.mp4')`);

    const count = await q(`SELECT COUNT(*) AS all_count FROM tb_vod WHERE ${NOW} - UNIX_TIMESTAMP(create_time) < ${WEEK}`);
    expect(Number(count[0].all_count)).toBe(3);
    const index = 1;
    const size = 10;
    const list = await q<{ file_id: string; userid: string }>(
      `SELECT * FROM tb_vod WHERE ${NOW} - UNIX_TIMESTAMP(create_time) < ${WEEK} AND (play_url != '' OR hls_play_url != '') ` +
        `ORDER BY create_time DESC LIMIT ${(index - 1) * size}, ${size}`,
    );
    expect(list.map((r) => r.file_id)).toEqual(["hls-only", "5285890781763144364"]);
    const author = await q(`SELECT * FROM tb_account WHERE userid = '${list[1].userid}'`);
    expect(author).toEqual([expect.objectContaining({ nickname: "主播一号😀", avatar: "http://cos/a.png" })]);
    // Page 2 is empty.
    expect(await q(`SELECT * FROM tb_vod WHERE ${NOW} - UNIX_TIMESTAMP(create_time) < ${WEEK} AND (play_url != '' OR hls_play_url != '') ORDER BY create_time DESC LIMIT 10, 10`)).toEqual([]);
  });

  test("the same statements work for the backend account created by --create-user", async () => {
    const s = await testServer();
    const user = `be_${db.name.slice(-8)}`;
    await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database: db.name, createUser: { user, password: "Be-Pw-12345" } });
    const be = await mysql.createConnection({ host: s.host, port: s.port, user, password: "Be-Pw-12345", database: db.name, dateStrings: true });
    try {
      await be.query("SET NAMES 'utf8mb4'");
      await be.query("INSERT INTO tb_account (userid, password) VALUES ('newbie01', 'x')");
      await be.query("UPDATE tb_account SET nickname = 'n' WHERE userid = 'newbie01'");
      await be.query(`INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url) VALUES ('newbie01', 'f', '${beijing(NOW - 100)}', '${beijing(NOW - 50)}', 'u')`);
      const [rows] = await be.query("SELECT nickname FROM tb_account WHERE userid = 'newbie01'");
      expect(rows).toEqual([{ nickname: "n" }]);
    } finally {
      await be.end();
    }
  });
});
