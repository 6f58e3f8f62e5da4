// Adoption of databases left by the backend's createDB.sh, on the real (strict sql_mode) server: every outcome is
// brought to the declared schema without losing or changing a row.
import * as mysql from "mysql2/promise";
import { migrate } from "../../database/migrate";
import { SCHEMA, compareSchema, inspectSchema } from "../../database";
import { createTestDatabase, dumpTable, testServer, TestDatabase } from "../helpers/mysql";

// The three CREATE TABLE statements of createDB.sh at HEAD (d57dc5c / 6cc8c55), as documented in the reference.
const CREATEDB_TABLES = [
  `CREATE TABLE tb_account (
    userid varchar(50) NOT NULL,
    password varchar(255) DEFAULT NULL,
    nickname varchar(100) DEFAULT NULL,
    sex int(11) DEFAULT -1,
    avatar varchar(254) DEFAULT NULL,
    frontcover varchar(255) DEFAULT NULL,
    create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (userid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE tb_room (
    userid varchar(50) NOT NULL,
    title varchar(255) NOT NULL,
    frontcover varchar(255) DEFAULT NULL,
    location varchar(128) DEFAULT NULL,
    create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (userid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE tb_vod (
    userid varchar(50) NOT NULL,
    file_id varchar(150) NOT NULL,
    frontcover varchar(255) DEFAULT NULL,
    location varchar(128) DEFAULT NULL,
    play_url varchar(255) DEFAULT NULL,
    like_count int(11) NOT NULL DEFAULT 0,
    viewer_count int(11) NOT NULL DEFAULT 0,
    create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    hls_play_url varchar(255) DEFAULT NULL,
    start_time timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    title varchar(128) DEFAULT NULL,
    PRIMARY KEY (userid, file_id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => undefined);
});

async function newDb(prefix: string): Promise<{ db: TestDatabase; conn: mysql.Connection }> {
  const db = await createTestDatabase(prefix, { charset: "utf8mb4", collation: "utf8mb4_general_ci" });
  dbs.push(db);
  const conn = await db.connect();
  await conn.query("SET SESSION time_zone = '+08:00'");
  return { db, conn };
}

async function runMigrate(database: string) {
  const s = await testServer();
  const log: string[] = [];
  const r = await migrate({ account: { host: s.host, port: s.port, user: s.user, password: s.password }, database, log: (l) => log.push(l) });
  return { ...r, log };
}

async function dumpAll(conn: mysql.Connection): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const [tables] = await conn.query("SHOW TABLES");
  const names = (tables as Record<string, string>[]).map((r) => Object.values(r)[0]);
  for (const t of SCHEMA.tables) if (names.includes(t.name)) out[t.name] = await dumpTable(conn, t.name, t.primaryKey);
  return out;
}

async function seedAccountAndRoom(conn: mysql.Connection): Promise<void> {
  await conn.query(
    "INSERT INTO tb_account (userid, password, nickname, sex, avatar, create_time) VALUES " +
      "('anchor1', 'pw', '主播😀', 0, 'http://x/a.png', '2026-11-01 08:00:00'), ('viewer1', 'pw2', NULL, -1, NULL, '2026-11-02 09:00:00')",
  );
  await conn.query("INSERT INTO tb_room (userid, title, frontcover, location, create_time) VALUES ('anchor1', 'Live 直播', 'http://x/c.png', '深圳', '2026-11-20 20:00:00')");
}

/** After adoption: the schema matches and the backend's INSERT into tb_vod works under strict mode. */
async function expectAdopted(conn: mysql.Connection, database: string): Promise<void> {
  expect(compareSchema(SCHEMA, await inspectSchema(conn, database))).toEqual([]);
  await conn.query(
    "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url, title, frontcover, location) " +
      "VALUES ('anchor1', 'after-adoption', '2026-11-23 20:00:00', '2026-11-23 20:30:00', 'http://p/a.mp4', 't', 'c', 'l')",
  );
  await conn.query("DELETE FROM tb_vod WHERE file_id = 'after-adoption'");
}

describe("adopting createDB.sh databases", () => {
  test("created under a permissive sql_mode: zero-date default and ON UPDATE are repaired, every row kept as is", async () => {
    const { db, conn } = await newDb("adopt_permissive");
    try {
      await conn.query("SET SESSION sql_mode = ''");
      for (const s of CREATEDB_TABLES) await conn.query(s);
      await seedAccountAndRoom(conn);
      await conn.query(
        "INSERT INTO tb_vod (userid, file_id, start_time, create_time, play_url, hls_play_url, title, like_count) VALUES " +
          "('anchor1', 'vid-1', '2026-11-20 20:00:00', '2026-11-20 20:45:00', 'http://p/1.mp4', 'http://p/1.m3u8', 'Live 直播', 3), " +
          "('anchor1', 'vid-2', '2026-11-21 20:00:00', '2026-11-21 20:10:00', NULL, 'http://p/2.flv', NULL, 0)",
      );
      // A row written without start_time got the zero date (as old callbacks or manual inserts did).
      await conn.query("INSERT INTO tb_vod (userid, file_id, create_time, play_url) VALUES ('anchor1', 'vid-zero', '2026-11-22 20:00:00', 'http://p/z.mp4')");
      await conn.query("SET SESSION sql_mode = DEFAULT");
      const before = await dumpAll(conn);
      expect((before.tb_vod as Record<string, unknown>[]).find((r) => r.file_id === "vid-zero")!.start_time).toBe("0000-00-00 00:00:00");

      const r = await runMigrate(db.name);
      expect(r.log).toContain(`adopting existing tables in ${db.name} (tb_account, tb_room, tb_vod); no row is touched`);
      expect(r.applied).toHaveLength(1); // CREATE TABLE IF NOT EXISTS: a no-op on the existing tables
      expect(r.repairs.join("\n")).toMatch(/ALTER TABLE `tb_vod` .*`start_time` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP/s);
      expect(await dumpAll(conn)).toEqual(before);
      await expectAdopted(conn, db.name);
      // The second format's UPDATE no longer moves create_time.
      await conn.query("UPDATE tb_vod SET play_url = 'http://p/2.mp4' WHERE userid = 'anchor1' AND file_id = 'vid-2'");
      const [rows] = await conn.query("SELECT create_time FROM tb_vod WHERE file_id = 'vid-2'");
      expect(rows).toEqual([{ create_time: "2026-11-21 20:10:00" }]);
      // And a re-run changes nothing.
      const again = await runMigrate(db.name);
      expect([again.applied, again.repairs]).toEqual([[], []]);
    } finally {
      await conn.end();
    }
  });

  test("tb_vod missing because strict mode rejected its zero-date default: tb_vod is created, rows kept", async () => {
    const { db, conn } = await newDb("adopt_novod");
    try {
      // Replay createDB.sh as `mysql < createDB.sh` does on a strict server: it stops at the first error.
      let failure: { errno?: number; message?: string } | undefined;
      for (const s of CREATEDB_TABLES) {
        try {
          await conn.query(s);
        } catch (e) {
          failure = e as { errno?: number };
          break;
        }
      }
      expect(failure?.errno).toBe(1067); // ER_INVALID_DEFAULT: Invalid default value for 'start_time'
      expect(failure?.message).toMatch(/start_time/);
      await seedAccountAndRoom(conn);
      const before = await dumpAll(conn);
      expect(Object.keys(before)).toEqual(["tb_account", "tb_room"]);

      const r = await runMigrate(db.name);
      expect(r.differences).toEqual([]);
      const after = await dumpAll(conn);
      expect(after.tb_account).toEqual(before.tb_account);
      expect(after.tb_room).toEqual(before.tb_room);
      expect(after.tb_vod).toEqual([]);
      await expectAdopted(conn, db.name);
    } finally {
      await conn.end();
    }
  });

  test("left empty by a failed re-run (database recreated, no tables): all tables created", async () => {
    const { db, conn } = await newDb("adopt_empty");
    try {
      const r = await runMigrate(db.name);
      expect(r.createdDatabase).toBe(false);
      expect(r.applied).toHaveLength(1);
      await seedAccountAndRoom(conn);
      await expectAdopted(conn, db.name);
    } finally {
      await conn.end();
    }
  });
});
