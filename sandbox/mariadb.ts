/**
 * Throwaway MariaDB: the TencentDB stand-in for tests and the demo.
 *
 * Starts `mariadbd --no-defaults` (no system my.cnf leaks in) on a private datadir, on a free loopback port, with
 * MySQL 8's default sql_mode and time_zone +08:00 (mirroring the stack's TencentDB parameters). The datadir is a copy
 * of a template initialised once with `mariadb-install-db --auth-root-authentication-method=normal` (root without
 * password, loopback only) and kept in a per-user cache: `$LIVE_INFRA_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/live-demo-infra`, else `~/.cache/live-demo-infra` (see mariadb-template.ts). When that folder
 * cannot be used, each launch runs `mariadb-install-db` itself. Readiness is polled every 15 ms over the unix socket.
 * `stop()` shuts it down and removes the datadir; a process 'exit' hook does the same if nobody called stop().
 * Nothing is ever written to stdout: the server log goes to a file in the datadir (quoted on failure) or to stderr.
 *
 * `getMysqlServer()` is what tests and the demo call: it honours LIVE_INFRA_TEST_MYSQL_URL (an existing server)
 * and launches one otherwise.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as mysql from "mysql2/promise";
import { parseUrlInputParts } from "../common/url-input";
import { CacheUnavailableError, cacheRoot, copyTemplate, obtainTemplate } from "./mariadb-template";

/** MySQL 8.0's default sql_mode (what a TencentDB MySQL 8 instance runs with unless changed). */
export const MYSQL8_DEFAULT_SQL_MODE =
  "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

/** The time zone the stack sets on TencentDB (the backend writes Beijing time). */
export const DEFAULT_TIME_ZONE = "+08:00";

/** The command that installs the server on Debian/Ubuntu. */
export const INSTALL_COMMAND = "apt-get update && apt-get install -y mariadb-server";

/** A reachable MySQL-compatible server. */
export interface MysqlServer {
  /** `mysql://USER[:PASSWORD]@HOST:PORT/` (no database). Contains the password if there is one — never print it raw. */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** true when it came from LIVE_INFRA_TEST_MYSQL_URL (stop() leaves it running). */
  external: boolean;
  /** Stops the server and removes its datadir (no-op for an external server). Safe to call twice. */
  stop(): Promise<void>;
}

/** A server this module launched. */
export interface LaunchedMariaDb extends MysqlServer {
  external: false;
  pid: number;
  datadir: string;
  socket: string;
  /** The server's error log (inside datadir, gone after stop) or null when logging to stderr. */
  logFile: string | null;
  /** Where the datadir came from: a copy of the cached template ("template"), of one this launch built
   * ("new-template"), or a per-launch `mariadb-install-db` ("install-db", when the cache folder is unusable). */
  datadirFrom: "template" | "new-template" | "install-db";
}

export interface LaunchOptions {
  /** "file" (default): server log in `<datadir>/mariadbd.log`; "stderr": pass the server's output to our stderr. */
  log?: "file" | "stderr";
  /** How long to wait for the server to accept connections. Default 60 000 ms. */
  startTimeoutMs?: number;
  /** sql_mode. Default {@link MYSQL8_DEFAULT_SQL_MODE}. */
  sqlMode?: string;
  /** default-time-zone. Default {@link DEFAULT_TIME_ZONE}. */
  timeZone?: string;
  /** Extra mariadbd arguments (e.g. "--max-connections=50"). */
  extraArgs?: string[];
  /** Parent folder for the datadir. Default os.tmpdir(). */
  baseDir?: string;
  /** Folder of the datadir template cache. Default {@link cacheRoot} ($LIVE_INFRA_CACHE_DIR, else the per-user cache);
   * false: run `mariadb-install-db` for this launch. */
  templateCache?: string | false;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function findExecutable(names: string[], extraDirs: string[]): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const p = path.join(dir, name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {
        /* next */
      }
    }
  }
  return null;
}

/** Locates `mariadbd` and `mariadb-install-db` (PATH, then /usr/sbin, /usr/bin, /usr/local/…); null when absent. */
export function findMariaDbBinaries(): { mariadbd: string; installDb: string } | null {
  const sbin = ["/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/mysql/bin"];
  const bin = ["/usr/bin", "/usr/local/bin", "/usr/local/mysql/scripts"];
  const mariadbd = findExecutable(["mariadbd", "mysqld"], sbin);
  const installDb = findExecutable(["mariadb-install-db", "mysql_install_db"], [...bin, ...sbin]);
  return mariadbd && installDb ? { mariadbd, installDb } : null;
}

/**
 * Finds the binaries, installing `mariadb-server` with apt-get when running as root. Throws (with the exact
 * command to run) when they are missing and we are not root.
 */
export function ensureMariaDbInstalled(): { mariadbd: string; installDb: string } {
  const found = findMariaDbBinaries();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(`MariaDB server not found (mariadbd). Install it with: sudo sh -c '${INSTALL_COMMAND}'`);
  }
  process.stderr.write(`live-infra: mariadbd not found; running: ${INSTALL_COMMAND}\n`);
  // Installer output goes to stderr: stdout stays clean for callers that print JSON.
  const r = spawnSync("sh", ["-c", INSTALL_COMMAND], {
    stdio: ["ignore", process.stderr, process.stderr],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  const after = findMariaDbBinaries();
  if (r.status !== 0 || !after) {
    throw new Error(`installing MariaDB failed (exit ${r.status ?? r.signal}); run it yourself: ${INSTALL_COMMAND}`);
  }
  return after;
}

/** A free TCP port on 127.0.0.1 (asks the kernel for one, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string | null, lines = 15): string {
  if (!file) return "";
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Short socket path in the temp folder (unix socket paths are limited to ~107 bytes). */
function socketPath(tag: string): string {
  const p = path.join(os.tmpdir(), `lim-${tag}.sock`);
  if (p.length >= 100) throw new Error(`temp folder path too long for a unix socket (${p.length} bytes); set TMPDIR to a shorter folder`);
  return p;
}

/** Runs a command without blocking the event loop (parallel launches stay parallel); collects its output. */
function run(cmd: string, args: string[]): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    bootstrapping.add(child);
    child.on("exit", () => bootstrapping.delete(child));
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ code: err.message, output }));
    child.on("close", (code, signal) => resolve({ code: code ?? String(signal), output }));
  });
}

/** Live launched servers and datadirs still being initialised, for the exit hook. */
const running = new Set<{ child: ChildProcess; datadir: string; socket: string }>();
const initialising = new Set<string>();
const bootstrapping = new Set<ChildProcess>();

/** Best-effort removal (a dying server may still be writing). */
function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* left behind: the OS temp folder is cleaned eventually */
  }
}
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanup = () => {
    for (const c of [...bootstrapping, ...[...running].map((r) => r.child)]) {
      try {
        c.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
    for (const d of initialising) removeQuietly(d);
    for (const r of running) {
      removeQuietly(r.datadir);
      removeQuietly(r.socket);
    }
    bootstrapping.clear();
    running.clear();
    initialising.clear();
  };
  process.on("exit", cleanup);
  // Ctrl-C / kill: 'exit' does not fire on a fatal signal, so clean up, then die of the same signal as before
  // (unless someone else handles it).
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      cleanup();
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

/** One readiness probe over the unix socket (ours alone: mariadbd binds its TCP port before creating it). */
async function canConnect(socket: string): Promise<boolean> {
  if (!fs.existsSync(socket)) return false;
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ socketPath: socket, user: "root", password: "", connectTimeout: 1000 });
    await conn.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    conn?.destroy();
  }
}

/** How often readiness is probed. */
const POLL_MS = 15;

/**
 * Redo log size, at install and at start alike (a different size at start would rebuild the log). Small, because
 * every launch copies it; the default 96M would be most of the copy.
 */
const INNODB_LOG_FILE_SIZE = "8M";

/** Install options that shape the datadir (also part of the template's cache key). */
function installOptions(): string[] {
  return [
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    "--skip-name-resolve",
    `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
    ...(isRoot() ? ["--user=root"] : []),
  ];
}

/** Runs `mariadb-install-db` into `dataPath`; throws its output's tail on failure. */
async function installDb(installDbBin: string, dataPath: string, tmpdir: string): Promise<void> {
  const init = await run(installDbBin, ["--no-defaults", `--datadir=${dataPath}`, `--tmpdir=${tmpdir}`, ...installOptions()]);
  if (init.code !== 0) {
    throw new Error(`mariadb-install-db failed (${init.code}):\n${init.output.trim().split("\n").slice(-15).join("\n")}`);
  }
}

/**
 * Fills `dataPath` with an initialised datadir: a copy of the cached template (built on first use), or, when the
 * cache folder cannot be used, a `mariadb-install-db` run of its own.
 */
async function prepareDatadir(
  bins: { mariadbd: string; installDb: string },
  dataPath: string,
  tmpdir: string,
  cache: string | false,
): Promise<LaunchedMariaDb["datadirFrom"]> {
  if (cache !== false) {
    try {
      const template = await obtainTemplate(
        {
          mariadbd: bins.mariadbd,
          options: installOptions(),
          init: (data, scratch) => installDb(bins.installDb, data, scratch),
          track: (dir, live) => (live ? initialising.add(dir) : initialising.delete(dir)),
        },
        cache,
      );
      await copyTemplate(template, dataPath);
      return template.built ? "new-template" : "template";
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
    }
  }
  await installDb(bins.installDb, dataPath, tmpdir);
  return "install-db";
}

/**
 * Launches a private MariaDB. Resolves once it accepts connections as root (no password) on 127.0.0.1:port.
 * Retries with another port if the one picked was taken in the meantime.
 */
export async function launchMariaDb(options: LaunchOptions = {}): Promise<LaunchedMariaDb> {
  const bins = ensureMariaDbInstalled();
  const base = options.baseDir ?? os.tmpdir();
  const datadir = fs.mkdtempSync(path.join(base, "live-infra-mariadb-"));
  initialising.add(datadir);
  installExitHook();
  try {
    return await startIn(datadir, bins, options);
  } finally {
    initialising.delete(datadir);
  }
}

async function startIn(datadir: string, bins: { mariadbd: string; installDb: string }, options: LaunchOptions): Promise<LaunchedMariaDb> {
  const tag = path.basename(datadir).slice(-6);
  const socket = socketPath(tag);
  const logFile = options.log === "stderr" ? null : path.join(datadir, "mariadbd.log");
  const dataPath = path.join(datadir, "data");
  const rootArgs = isRoot() ? ["--user=root"] : [];
  // A private tmpdir: parallel servers (and bootstraps) otherwise collide on temporary table names in the shared temp folder.
  const tmpdir = path.join(datadir, "tmp");
  fs.mkdirSync(tmpdir);

  let datadirFrom: LaunchedMariaDb["datadirFrom"];
  try {
    datadirFrom = await prepareDatadir(bins, dataPath, tmpdir, options.templateCache ?? cacheRoot());
  } catch (err) {
    fs.rmSync(datadir, { recursive: true, force: true });
    throw err;
  }

  const timeout = options.startTimeoutMs ?? 60_000;
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      "--no-defaults",
      `--datadir=${dataPath}`,
      `--pid-file=${path.join(datadir, "mariadbd.pid")}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--tmpdir=${tmpdir}`,
      "--skip-name-resolve",
      `--sql-mode=${options.sqlMode ?? MYSQL8_DEFAULT_SQL_MODE}`,
      `--default-time-zone=${options.timeZone ?? DEFAULT_TIME_ZONE}`,
      "--innodb-buffer-pool-size=32M",
      `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
      "--innodb-flush-log-at-trx-commit=2",
      // The datadir is thrown away: no buffer pool dump to write at shutdown or to read at start, and a temporary
      // tablespace that grows on demand instead of 12 MB written at every start.
      "--innodb-buffer-pool-dump-at-shutdown=OFF",
      "--innodb-buffer-pool-load-at-startup=OFF",
      "--innodb-temp-data-file-path=ibtmp1:1M:autoextend",
      ...(logFile ? [`--log-error=${logFile}`] : []),
      ...rootArgs,
      ...(options.extraArgs ?? []),
    ];
    const child = spawn(bins.mariadbd, args, {
      stdio: ["ignore", options.log === "stderr" ? process.stderr : "ignore", options.log === "stderr" ? process.stderr : "ignore"],
    });
    const entry = { child, datadir, socket };
    running.add(entry);
    installExitHook();
    let exited: string | null = null;
    child.on("exit", (code, signal) => {
      exited = `exit ${code ?? signal}`;
      running.delete(entry);
    });
    child.on("error", (err) => {
      exited = err.message;
    });

    const deadline = Date.now() + timeout;
    while (!exited && Date.now() < deadline) {
      if (await canConnect(socket)) {
        return makeHandle(child, entry, port, datadir, socket, logFile, datadirFrom);
      }
      await sleep(POLL_MS);
    }
    lastError = exited ? `mariadbd stopped (${exited})` : `mariadbd did not accept connections within ${timeout} ms`;
    if (!exited) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    const log = tail(logFile);
    if (!/bind on tcp\/ip port|address already in use/i.test(log)) {
      fs.rmSync(datadir, { recursive: true, force: true });
      fs.rmSync(socket, { force: true });
      throw new Error(`${lastError}${log ? `; server log:\n${log}` : ""}`);
    }
  }
  fs.rmSync(datadir, { recursive: true, force: true });
  throw new Error(`${lastError} (port conflicts on 3 attempts)`);
}

function makeHandle(
  child: ChildProcess,
  entry: { child: ChildProcess; datadir: string; socket: string },
  port: number,
  datadir: string,
  socket: string,
  logFile: string | null,
  datadirFrom: LaunchedMariaDb["datadirFrom"],
): LaunchedMariaDb {
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        await gone;
        clearTimeout(killer);
      }
      running.delete(entry);
      fs.rmSync(datadir, { recursive: true, force: true });
      fs.rmSync(socket, { force: true });
    })();
    return stopping;
  };
  return {
    url: `mysql://root@127.0.0.1:${port}/`,
    host: "127.0.0.1",
    port,
    user: "root",
    password: "",
    external: false,
    pid: child.pid!,
    datadir,
    socket,
    logFile,
    datadirFrom,
    stop,
  };
}

/**
 * Parses `mysql://USER[:PASSWORD]@HOST[:PORT][/DB]` into connection fields (port defaults to 3306, user to root).
 * A malformed value is an InputError naming LIVE_INFRA_TEST_MYSQL_URL that never quotes the password.
 */
export function parseServerUrl(url: string): { host: string; port: number; user: string; password: string; database: string } {
  const u = parseUrlInputParts(url, {
    label: "LIVE_INFRA_TEST_MYSQL_URL",
    protocols: ["mysql"],
    allowCredentials: true,
    pathName: "database name",
    form: "mysql://USER[:PASSWORD]@HOST[:PORT][/DATABASE]",
  });
  return {
    host: u.host,
    port: u.port ?? 3306,
    user: u.user || "root",
    password: u.password ?? "",
    database: u.path.replace(/^\//, ""),
  };
}

/**
 * The server tests and the demo use: LIVE_INFRA_TEST_MYSQL_URL when set (an existing server; the account must be
 * able to create databases and users; stop() is a no-op), otherwise a freshly launched MariaDB.
 */
export async function getMysqlServer(options: LaunchOptions = {}): Promise<MysqlServer> {
  const url = process.env.LIVE_INFRA_TEST_MYSQL_URL;
  if (url) {
    const p = parseServerUrl(url);
    return { url, host: p.host, port: p.port, user: p.user, password: p.password, external: true, stop: async () => undefined };
  }
  return launchMariaDb(options);
}
