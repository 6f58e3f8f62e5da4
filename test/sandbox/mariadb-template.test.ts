// The MariaDB datadir template: built once into the cache folder and copied for each launch, rebuilt when damaged,
// shared by parallel launches and racing builders, skipped when the cache folder is unusable. Every test uses a cache
// folder of its own under one temp folder removed at the end.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as mysql from "mysql2/promise";
import { DEFAULT_TIME_ZONE, launchMariaDb, LaunchedMariaDb, MYSQL8_DEFAULT_SQL_MODE } from "../../sandbox/mariadb";
import * as templateModule from "../../sandbox/mariadb-template";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lim-tpl-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The template folders in a cache folder, and anything else left there (temp siblings). */
function cacheContents(cache: string): { templates: string[]; leftovers: string[] } {
  const names = fs.readdirSync(cache);
  return {
    templates: names.filter((n) => n.startsWith("mariadb-")),
    leftovers: names.filter((n) => !n.startsWith("mariadb-") && n !== "versions.json"),
  };
}

async function query(server: LaunchedMariaDb, sql: string): Promise<Record<string, unknown>[]> {
  const conn = await mysql.createConnection({ host: server.host, port: server.port, user: "root", password: "" });
  try {
    const [rows] = await conn.query(sql);
    return rows as Record<string, unknown>[];
  } finally {
    await conn.end();
  }
}

async function withServer<T>(server: LaunchedMariaDb, fn: (s: LaunchedMariaDb) => Promise<T>): Promise<T> {
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

describe("cache folder", () => {
  test("LIVE_INFRA_CACHE_DIR wins, then an absolute XDG_CACHE_HOME, then ~/.cache", () => {
    const sub = "mariadb-templates";
    expect(templateModule.cacheRoot({ LIVE_INFRA_CACHE_DIR: "/x/cache", XDG_CACHE_HOME: "/y" })).toBe(path.join(path.resolve("/x/cache"), sub));
    expect(templateModule.cacheRoot({ XDG_CACHE_HOME: "/y" })).toBe(path.join("/y", "live-demo-infra", sub));
    expect(templateModule.cacheRoot({ XDG_CACHE_HOME: "relative" })).toBe(path.join(os.homedir(), ".cache", "live-demo-infra", sub));
    expect(templateModule.cacheRoot({})).toBe(path.join(os.homedir(), ".cache", "live-demo-infra", sub));
  });
});

describe("MariaDB launches from the template", () => {
  const cache = () => path.join(tmp, "cache");

  test("two launches in parallel on an empty cache share one build; the next launch copies it without install-db", async () => {
    const servers = await Promise.all([launchMariaDb({ templateCache: cache() }), launchMariaDb({ templateCache: cache() })]);
    try {
      expect(servers.map((s) => s.datadirFrom).sort()).toEqual(["new-template", "template"]);
      expect(servers[0].port).not.toBe(servers[1].port);
      for (const s of servers) expect((await query(s, "SELECT 1 AS one"))[0].one).toBe(1);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    const { templates, leftovers } = cacheContents(cache());
    expect(templates).toHaveLength(1);
    expect(leftovers).toEqual([]);
    const marker = path.join(cache(), templates[0], "template.json");
    const before = fs.statSync(marker);

    const next = await launchMariaDb({ templateCache: cache() });
    await withServer(next, async (s) => {
      expect(s.datadirFrom).toBe("template");
      // A private copy, not the template itself.
      expect(s.datadir.startsWith(cache())).toBe(false);
      expect(s.socket.length).toBeLessThan(100);
      const r = (await query(s, "SELECT @@GLOBAL.sql_mode AS mode, @@GLOBAL.time_zone AS tz, @@datadir AS datadir"))[0];
      expect(r.mode).toBe(MYSQL8_DEFAULT_SQL_MODE);
      expect(r.tz).toBe(DEFAULT_TIME_ZONE);
      expect(String(r.datadir).startsWith(s.datadir)).toBe(true);
      // Root without a password, as install-db left it.
      const users = await query(s, "SELECT CONCAT(user, '@', host) AS u FROM mysql.user WHERE user = 'root'");
      expect(users.map((u) => u.u)).toContain("root@localhost");
      await query(s, "CREATE DATABASE only_in_this_copy");
    });
    const after = fs.statSync(marker);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
    expect(cacheContents(cache()).templates).toEqual(templates);
    // What a server did to its copy never reaches the template.
    expect(fs.existsSync(path.join(cache(), templates[0], "data", "only_in_this_copy"))).toBe(false);
    expect(fs.existsSync(next.datadir)).toBe(false);
  });

  test("a damaged template is detected and rebuilt", async () => {
    const [name] = cacheContents(cache()).templates;
    const dir = path.join(cache(), name);
    fs.rmSync(path.join(dir, "data", "mysql", "db.frm"));
    await withServer(await launchMariaDb({ templateCache: cache() }), async (s) => {
      expect(s.datadirFrom).toBe("new-template");
      expect(await query(s, "SELECT COUNT(*) AS n FROM mysql.db")).toHaveLength(1);
    });
    expect(fs.existsSync(path.join(dir, "data", "mysql", "db.frm"))).toBe(true);
    expect(cacheContents(cache())).toEqual({ templates: [name], leftovers: [] });
  });

  test("an unusable cache folder falls back to install-db for each launch", async () => {
    const blocker = path.join(tmp, "not-a-folder");
    fs.writeFileSync(blocker, "");
    await withServer(await launchMariaDb({ templateCache: path.join(blocker, "cache") }), async (s) => {
      expect(s.datadirFrom).toBe("install-db");
      expect((await query(s, "SELECT @@GLOBAL.time_zone AS tz"))[0].tz).toBe(DEFAULT_TIME_ZONE);
    });
  });
});

describe("racing builders", () => {
  /** A cheap stand-in for install-db that writes a few files after `gate` opens. */
  const fakeSpec = (gate: Promise<void>, builds: string[]): templateModule.TemplateSpec => ({
    mariadbd: process.execPath,
    options: ["--fake"],
    init: async (dataPath) => {
      builds.push(dataPath);
      await gate;
      fs.mkdirSync(path.join(dataPath, "mysql"), { recursive: true });
      fs.writeFileSync(path.join(dataPath, "ibdata1"), Buffer.alloc(8192, 1));
      fs.writeFileSync(path.join(dataPath, "mysql", "user.frm"), "x");
    },
  });

  test("two processes building at once: one rename wins, the other uses it, nothing is left behind", async () => {
    const root = path.join(tmp, "cache-race");
    // Two module instances: two processes as far as in-process sharing of a build goes.
    let a!: typeof templateModule;
    let b!: typeof templateModule;
    jest.isolateModules(() => {
      a = require("../../sandbox/mariadb-template");
    });
    jest.isolateModules(() => {
      b = require("../../sandbox/mariadb-template");
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const builds: string[] = [];
    const both = Promise.all([a.obtainTemplate(fakeSpec(gate, builds), root), b.obtainTemplate(fakeSpec(gate, builds), root)]);
    while (builds.length < 2) await new Promise((r) => setTimeout(r, 5));
    open();
    const [ta, tb] = await both;
    expect(new Set(builds).size).toBe(2);
    expect([ta.built, tb.built].sort()).toEqual([false, true]);
    expect(ta.dataPath).toBe(tb.dataPath);
    expect(ta.files.sort()).toEqual(["ibdata1", "mysql/user.frm"]);
    expect(cacheContents(root)).toEqual({ templates: [path.basename(path.dirname(ta.dataPath))], leftovers: [] });

    // A copy has every folder and file.
    const dest = path.join(tmp, "copy");
    await a.copyTemplate(ta, dest);
    expect(fs.readFileSync(path.join(dest, "mysql", "user.frm"), "utf8")).toBe("x");
    expect(fs.statSync(path.join(dest, "ibdata1")).size).toBe(8192);

    // Later calls reuse it.
    const again = await a.obtainTemplate(fakeSpec(Promise.resolve(), builds), root);
    expect(again.built).toBe(false);
    expect(builds).toHaveLength(2);
  });

  test("a truncated file or a missing marker makes the next call rebuild", async () => {
    const root = path.join(tmp, "cache-damage");
    const builds: string[] = [];
    const first = await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), builds), root);
    expect(first.built).toBe(true);
    const dir = path.dirname(first.dataPath);
    expect(templateModule.isValidTemplate(dir, "v-mismatch", ["--fake"])).toBe(false);

    fs.truncateSync(path.join(first.dataPath, "ibdata1"), 4096);
    expect((await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), builds), root)).built).toBe(true);
    expect(fs.statSync(path.join(first.dataPath, "ibdata1")).size).toBe(8192);

    fs.rmSync(path.join(dir, "template.json"));
    expect((await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), builds), root)).built).toBe(true);
    fs.writeFileSync(path.join(dir, "template.json"), "{not json");
    expect((await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), builds), root)).built).toBe(true);

    expect((await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), builds), root)).built).toBe(false);
    expect(builds).toHaveLength(4);
    expect(cacheContents(root)).toEqual({ templates: [path.basename(dir)], leftovers: [] });
  });

  test("an install-db failure is reported, not hidden by the fallback", async () => {
    const root = path.join(tmp, "cache-fail");
    const spec: templateModule.TemplateSpec = {
      mariadbd: process.execPath,
      options: ["--fails"],
      init: async () => {
        throw new Error("mariadb-install-db failed (1):\nboom");
      },
    };
    await expect(templateModule.obtainTemplate(spec, root)).rejects.toThrow(/mariadb-install-db failed \(1\):\nboom/);
    expect(cacheContents(root)).toEqual({ templates: [], leftovers: [] });
  });

  /** Makes `p` look `ms` old. */
  const age = (p: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    fs.utimesSync(p, t, t);
  };
  const HOUR = 3600_000;

  test("with LIVE_INFRA_CACHE_DIR on a shared folder, everything stays in mariadb-templates/ and nothing else is touched", async () => {
    const shared = path.join(tmp, "shared");
    fs.mkdirSync(shared);
    const foreign = { "versions.json": "not ours {", ".building-notes": "x", ".trash-1-deadbeef": "a file" };
    for (const [name, text] of Object.entries(foreign)) {
      fs.writeFileSync(path.join(shared, name), text);
      age(path.join(shared, name), 24 * HOUR);
    }
    fs.mkdirSync(path.join(shared, ".building-12-0123abcd"));
    age(path.join(shared, ".building-12-0123abcd"), 24 * HOUR);
    const saved = process.env.LIVE_INFRA_CACHE_DIR;
    process.env.LIVE_INFRA_CACHE_DIR = shared;
    try {
      const t = await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), []));
      expect(t.built).toBe(true);
      expect(path.dirname(path.dirname(t.dataPath))).toBe(path.join(shared, "mariadb-templates"));
    } finally {
      if (saved === undefined) delete process.env.LIVE_INFRA_CACHE_DIR;
      else process.env.LIVE_INFRA_CACHE_DIR = saved;
    }
    expect(fs.readdirSync(shared).sort()).toEqual([...Object.keys(foreign), ".building-12-0123abcd", "mariadb-templates"].sort());
    for (const [name, text] of Object.entries(foreign)) expect(fs.readFileSync(path.join(shared, name), "utf8")).toBe(text);
  });

  test("prunes only our own names: stale temp folders and files, and other keys' templates over 30 days old", async () => {
    const root = path.join(tmp, "cache-prune");
    fs.mkdirSync(root);
    const dir = (name: string, ms: number) => {
      fs.mkdirSync(path.join(root, name));
      age(path.join(root, name), ms);
    };
    const file = (name: string, ms: number) => {
      fs.writeFileSync(path.join(root, name), "x");
      age(path.join(root, name), ms);
    };
    const oldTemplate = (name: string, ms: number) => {
      fs.mkdirSync(path.join(root, name, "data"), { recursive: true });
      file(path.join(name, "template.json"), ms);
    };
    // Ours and stale: removed.
    dir(".building-123-deadbeef", HOUR);
    dir(".trash-45-0123abcd", HOUR);
    file("versions.json.77.89abcdef", HOUR);
    oldTemplate("mariadb-10.0.1-aaaaaaaaaaaa", 31 * 24 * HOUR);
    // Ours but recent, or not exactly our names and kinds: kept.
    dir(".building-99-cafebabe", 60_000);
    file("versions.json.78.89abcdef", 60_000);
    oldTemplate("mariadb-10.0.2-bbbbbbbbbbbb", 29 * 24 * HOUR);
    const kept = [".building-99-cafebabe", "versions.json.78.89abcdef", "mariadb-10.0.2-bbbbbbbbbbbb"];
    for (const name of [".building-foo", ".trash-1-DEADBEEF", ".trash-1-deadbeef0", "mariadb-notes", ".building-1"]) {
      dir(name, 24 * 40 * HOUR);
      kept.push(name);
    }
    for (const name of [".building-12-abcdef01", "versions.json.bak", "versions.json.1.2"]) {
      file(name, 24 * 40 * HOUR);
      kept.push(name);
    }
    const t = await templateModule.obtainTemplate(fakeSpec(Promise.resolve(), []), root);
    expect(t.built).toBe(true);
    const mine = path.basename(path.dirname(t.dataPath));
    expect(fs.readdirSync(root).sort()).toEqual([...kept, mine, "versions.json"].sort());
  });
});
