// The throwaway MariaDB launcher: starts a private server (not the shared one) with MySQL 8's sql_mode and +08:00,
// stops it and removes its datadir; LIVE_INFRA_TEST_MYSQL_URL short-circuits to an existing server.
import * as fs from "fs";
import * as mysql from "mysql2/promise";
import { getMysqlServer, launchMariaDb, MYSQL8_DEFAULT_SQL_MODE, parseServerUrl, findMariaDbBinaries } from "../../sandbox/mariadb";

describe("MariaDB launcher", () => {
  test("finds the binaries", () => {
    const b = findMariaDbBinaries();
    expect(b).not.toBeNull();
    expect(b!.mariadbd).toMatch(/mariadbd|mysqld/);
  });

  test("starts on a free loopback port with the TencentDB-like settings, stops cleanly and removes its datadir", async () => {
    const server = await launchMariaDb();
    let stopped = false;
    try {
      expect(server.external).toBe(false);
      expect(server.host).toBe("127.0.0.1");
      expect(server.url).toBe(`mysql://root@127.0.0.1:${server.port}/`);
      expect(server.socket.length).toBeLessThan(100);
      expect(fs.existsSync(server.datadir)).toBe(true);
      const conn = await mysql.createConnection({ host: server.host, port: server.port, user: "root", password: "" });
      try {
        const [rows] = await conn.query("SELECT @@GLOBAL.sql_mode AS mode, @@GLOBAL.time_zone AS tz, @@bind_address AS bind, @@port AS port, @@pid_file AS pid");
        const r = (rows as Record<string, unknown>[])[0];
        expect(r.mode).toBe(MYSQL8_DEFAULT_SQL_MODE);
        expect(r.tz).toBe("+08:00");
        expect(r.bind).toBe("127.0.0.1");
        expect(r.port).toBe(server.port);
        expect(String(r.pid).startsWith(server.datadir)).toBe(true);
        // The strict mode is what makes createDB.sh's tb_vod fail.
        await conn.query("CREATE DATABASE z");
        await expect(conn.query("CREATE TABLE z.t (a timestamp NOT NULL DEFAULT '0000-00-00 00:00:00')")).rejects.toThrow(/Invalid default value/);
      } finally {
        await conn.end();
      }
      await server.stop();
      stopped = true;
      expect(fs.existsSync(server.datadir)).toBe(false);
      expect(fs.existsSync(server.socket)).toBe(false);
      expect(() => process.kill(server.pid, 0)).toThrow();
      await server.stop(); // idempotent
    } finally {
      if (!stopped) await server.stop();
    }
  });

  test("two launches run side by side on different ports", async () => {
    const [a, b] = await Promise.all([launchMariaDb(), launchMariaDb()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.datadir).not.toBe(b.datadir);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test("getMysqlServer honours LIVE_INFRA_TEST_MYSQL_URL and never stops an external server", async () => {
    const saved = process.env.LIVE_INFRA_TEST_MYSQL_URL;
    process.env.LIVE_INFRA_TEST_MYSQL_URL = "mysql://admin:pw@db.internal:3307/";
    try {
      const s = await getMysqlServer();
      expect(s).toEqual(expect.objectContaining({ external: true, host: "db.internal", port: 3307, user: "admin", password: "pw" }));
      await s.stop();
    } finally {
      if (saved === undefined) delete process.env.LIVE_INFRA_TEST_MYSQL_URL;
      else process.env.LIVE_INFRA_TEST_MYSQL_URL = saved;
    }
    expect(parseServerUrl("mysql://root@127.0.0.1/")).toEqual({ host: "127.0.0.1", port: 3306, user: "root", password: "", database: "" });
    for (const bad of ["mysql://root:p%zzw@127.0.0.1/", "mysql:/root:pw@127.0.0.1/", "root:pw@127.0.0.1"]) {
      expect(() => parseServerUrl(bad)).toThrow(/^LIVE_INFRA_TEST_MYSQL_URL: /);
      expect(() => parseServerUrl(bad)).not.toThrow(/zzw|:pw/);
    }
  });
});
