/**
 * The scenario catalogue against the validators' check graph, and the demo's rows on a real MariaDB: they satisfy the backend's own queries (the replay list Q2 within the 7-day
 * window, the room lookup Q4), re-seeding is idempotent, and the database-side breakages apply under MySQL 8's
 * strict sql_mode.
 */
import * as mysql from "mysql2/promise";
import { getMysqlServer, MysqlServer } from "../../sandbox/mariadb";
import { MIGRATIONS } from "../../database/migrations";
import { DEMO_STREAMERS, ROOMLESS_STREAMER, seedDemoRows } from "../../demo/rows";
import { BREAKER_NAMES } from "../../demo/breakage";
import { SCENARIOS, SCENARIO_NAMES, expectedStatus } from "../../demo/scenarios";
import { CATALOGUE } from "../../validators/catalogue";

const CTX = {
  appid: "1250000000",
  bucket: "live-demo-dev-upload-1250000000",
  bucketRegion: "ap-guangzhou",
  playDomain: "play.example.com",
  appName: "live",
};

let server: MysqlServer;
let conn: mysql.Connection;
const db = `demo_rows_${process.pid}`;

beforeAll(async () => {
  server = await getMysqlServer();
  conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  await conn.query(`USE \`${db}\``);
  for (const m of MIGRATIONS) for (const s of m.statements) await conn.query(s);
}, 120_000);

afterAll(async () => {
  await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
  await conn?.end();
  await server?.stop();
});

const NOW = () => Math.floor(Date.now() / 1000);

async function replayList(): Promise<Array<Record<string, unknown>>> {
  // Q2 as the backend sends it (NOW from PHP inlined as a number), session at +08:00.
  await conn.query("SET time_zone = '+08:00'");
  const [rows] = await conn.query(
    `SELECT * FROM tb_vod WHERE ${NOW()} - UNIX_TIMESTAMP(create_time) < 604800 AND (play_url != '' OR hls_play_url != '') ` +
      "ORDER BY create_time DESC LIMIT 0, 10",
  );
  return rows as Array<Record<string, unknown>>;
}

test("demo rows: every recording is in the replay list, longer than 60 s, with a room", async () => {
  const n = await seedDemoRows(conn, CTX);
  expect(n).toBe(DEMO_STREAMERS.reduce((a, s) => a + s.recordings.length, 0));
  const list = await replayList();
  expect(list).toHaveLength(n);
  const [long] = await conn.query("SELECT COUNT(*) AS c FROM tb_vod WHERE UNIX_TIMESTAMP(create_time) - UNIX_TIMESTAMP(start_time) <= 60");
  expect((long as Array<{ c: number }>)[0].c).toBe(0);
  for (const s of DEMO_STREAMERS) {
    expect(s.userid).toMatch(/^[a-zA-Z][a-zA-Z0-9_]{3,23}$/);
    const [room] = await conn.query("SELECT * FROM tb_room WHERE userid = ?", [s.userid]);
    expect(room).toHaveLength(1);
  }
});

test("re-seeding is idempotent", async () => {
  await seedDemoRows(conn, CTX);
  const n = await seedDemoRows(conn, CTX);
  expect(await replayList()).toHaveLength(n);
  const [acc] = await conn.query("SELECT COUNT(*) AS c FROM tb_account");
  expect(Number((acc as Array<{ c: number }>)[0].c)).toBe(DEMO_STREAMERS.length);
});

test("the database breakages apply under strict sql_mode", async () => {
  await seedDemoRows(conn, CTX);
  // tb-vod-zero-date: only under a permissive session sql_mode, as the demo does it.
  await conn.query("SET SESSION sql_mode = ''");
  await conn.query("ALTER TABLE tb_vod MODIFY start_time timestamp NOT NULL DEFAULT '0000-00-00 00:00:00'");
  const [cols] = await conn.query(
    "SELECT COLUMN_DEFAULT AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'tb_vod' AND COLUMN_NAME = 'start_time'",
    [db],
  );
  expect(String((cols as Array<{ d: string }>)[0].d)).toMatch(/0000-00-00/);
  // no-room-row
  await conn.query("DELETE FROM tb_room WHERE userid = ?", [ROOMLESS_STREAMER]);
  const [orphans] = await conn.query(
    "SELECT a.userid FROM tb_account a LEFT JOIN tb_room r ON r.userid = a.userid WHERE r.userid IS NULL",
  );
  expect((orphans as Array<{ userid: string }>).map((r) => r.userid)).toEqual([ROOMLESS_STREAMER]);
});

describe("scenario catalogue", () => {
  test("every scenario has a breakage and every breakage a scenario", () => {
    expect([...BREAKER_NAMES].sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  test("names are the public contract", () => {
    expect(SCENARIO_NAMES).toEqual([
      "healthy",
      "wrong-bucket",
      "wrong-region",
      "wrong-appid",
      "wrong-secret-id",
      "wrong-secret-key",
      "callback-url-missing",
      "callback-url-wrong",
      "callback-rule-missing",
      "callback-rule-on-play-domain",
      "callback-key-mismatch",
      "record-rule-missing",
      "db-unreachable",
      "db-timezone",
      "tb-vod-missing",
      "tb-vod-zero-date",
      "no-room-row",
      "db-privileges",
      "callback-url-private",
    ]);
  });

  test("expected statuses name catalogue checks and agree with its prerequisite graph", () => {
    const prereqs = new Map(CATALOGUE.map((c) => [c.id, c.prerequisites]));
    for (const s of SCENARIOS) {
      for (const id of [...s.expect.fail, ...s.expect.skip, ...s.expect.warn]) expect(prereqs.has(id)).toBe(true);
      // A check is skipped exactly when one of its prerequisites did not pass (fail or skip).
      for (const c of CATALOGUE) {
        if (c.optIn) continue;
        const blocked = c.prerequisites.some((p) => ["fail", "skip"].includes(expectedStatus(s, p)));
        expect({ scenario: s.name, id: c.id, skip: expectedStatus(s, c.id) === "skip" }).toEqual({
          scenario: s.name,
          id: c.id,
          skip: blocked,
        });
      }
      expect(s.expect.exitCode).toBe(s.expect.fail.length ? 1 : 0);
    }
  });
});
