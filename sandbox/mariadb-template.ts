/**
 * The initialised MariaDB data directory, built once per user and copied for each launch.
 *
 * `mariadb-install-db` costs about a CPU-second, so its result is kept in `mariadb-templates/` of the per-user cache
 * folder (common/cache-dir.ts: `$LIVE_INFRA_CACHE_DIR`, else `$XDG_CACHE_HOME/live-demo-infra`, else
 * `~/.cache/live-demo-infra`); nothing outside that subfolder is read, written or deleted. One template per key — the
 * `mariadbd --version` string plus the install options — in `mariadb-<version>-<hash>/`, holding `data/` and
 * `template.json` (the key and every file's size); `versions.json` remembers version strings. A template is built in a
 * temp sibling (`.building-<pid>-<hex>`) and renamed into place, so readers never see half of one; when two processes
 * race, the first rename wins and the other uses it. A template whose marker is missing or does not match (a file
 * gone or resized) is moved aside (`.trash-<pid>-<hex>`) and rebuilt. Temp folders and `versions.json.<pid>.<hex>`
 * files left by a killed process are removed after 15 minutes, templates of other keys built over 30 days ago on the
 * next build. Deleting the cache folder is always safe.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheDir } from "../common/cache-dir";
import { shortHash } from "../common/hash";

export { CACHE_DIR_ENV } from "../common/cache-dir";

/** Bumped when the template layout changes (old templates are then ignored). */
const TEMPLATE_FORMAT = 2;
const MARKER = "template.json";
/** Temp folders and files of ours older than this were abandoned by a killed process. */
const STALE_MS = 15 * 60_000;
/** Templates of other keys whose marker is older than this are removed when a template is built. */
const OLD_TEMPLATE_MS = 30 * 24 * 3600_000;
/** Exactly the names this module gives temp folders (`tempName`) and temp files (`writeAtomically`), and templates. */
const TEMP_DIR_RE = /^\.(?:building|trash)-\d+-[0-9a-f]{8}$/;
const TEMP_FILE_RE = /^versions\.json\.\d+\.[0-9a-f]{8}$/;
const TEMPLATE_RE = /^mariadb-[0-9A-Za-z_.]+-[0-9a-z]{12}$/;

/** The folder this module owns (not created here): `mariadb-templates/` in the package's per-user cache. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "mariadb-templates");
}

const tempName = (root: string, kind: "building" | "trash") => path.join(root, `.${kind}-${process.pid}-${randomBytes(4).toString("hex")}`);

/** What a template is made from. */
export interface TemplateSpec {
  /** The `mariadbd` binary (its version string is part of the key). */
  mariadbd: string;
  /** The install options that shape the datadir (part of the key). */
  options: string[];
  /** Initialises a datadir at `dataPath` (not existing yet); `scratch` is an empty folder for temporary files. */
  init(dataPath: string, scratch: string): Promise<void>;
  /** Told about temp folders while they exist (null = done), so an exit hook can remove them. */
  track?(dir: string, live: boolean): void;
}

/** A usable template. */
export interface Template {
  /** The folder to copy as the server's datadir. */
  dataPath: string;
  /** true when this call built it (install-db ran). */
  built: boolean;
  /** Its folders and files, relative to dataPath. */
  dirs: string[];
  files: string[];
}

/** A cache folder problem (not writable, not a folder, disk full…): the caller initialises without a template. */
export class CacheUnavailableError extends Error {}

const FS_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "ENOSPC", "EDQUOT", "ENOENT", "EISDIR", "ELOOP", "ENAMETOOLONG"]);
const isFsError = (err: unknown) => FS_CODES.has((err as NodeJS.ErrnoException)?.code ?? "");

/** `mariadbd --version`, remembered per binary (path, size, mtime) in `versions.json` so launches skip the spawn. */
async function versionString(root: string, mariadbd: string): Promise<string> {
  const st = fs.statSync(mariadbd);
  const id = `${mariadbd}|${st.size}|${st.mtimeMs}|${st.ino}`;
  const memoFile = path.join(root, "versions.json");
  let memo: Record<string, string> = {};
  try {
    memo = JSON.parse(fs.readFileSync(memoFile, "utf8"));
    if (typeof memo[id] === "string") return memo[id];
  } catch {
    memo = {};
  }
  const version = await new Promise<string>((resolve, reject) => {
    const child = spawn(mariadbd, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 && out.trim() ? resolve(out.trim()) : reject(new Error(`${mariadbd} --version failed (exit ${code})`))));
  });
  // Strip the path the binary was called by: the same build under another name is the same server.
  const normalised = version.replace(/^\S+\s+/, "");
  memo[id] = normalised;
  writeAtomically(memoFile, JSON.stringify(memo, null, 1));
  return normalised;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

interface Marker {
  format: number;
  version: string;
  options: string[];
  /** Every folder under data/ (relative, parents first). */
  dirs: string[];
  /** Relative path → size in bytes, every regular file under data/. */
  files: Record<string, number>;
}

function listTree(dir: string, rel = "", out: Pick<Marker, "dirs" | "files"> = { dirs: [], files: {} }): Pick<Marker, "dirs" | "files"> {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.dirs.push(r);
      listTree(dir, r, out);
    } else if (e.isFile()) out.files[r] = fs.statSync(path.join(dir, r)).size;
  }
  return out;
}

/** The marker of `dir` when it holds a complete template for this key (every file there with its size), else null. */
function readValidMarker(dir: string, version: string, options: string[]): Marker | null {
  let marker: Marker;
  try {
    marker = JSON.parse(fs.readFileSync(path.join(dir, MARKER), "utf8"));
  } catch {
    return null;
  }
  if (marker.format !== TEMPLATE_FORMAT || marker.version !== version || JSON.stringify(marker.options) !== JSON.stringify(options)) return null;
  if (!Array.isArray(marker.dirs) || typeof marker.files !== "object" || marker.files === null) return null;
  const entries = Object.entries(marker.files);
  if (entries.length === 0) return null;
  for (const [rel, size] of entries) {
    try {
      const st = fs.statSync(path.join(dir, "data", rel));
      if (!st.isFile() || st.size !== size) return null;
    } catch {
      return null;
    }
  }
  return marker;
}

/** True when `dir` holds a complete template for this key. */
export function isValidTemplate(dir: string, version: string, options: string[]): boolean {
  return readValidMarker(dir, version, options) !== null;
}

/** Moves a folder out of the way atomically, then deletes it (another process may have done either already). */
function discard(root: string, dir: string): void {
  const trash = tempName(root, "trash");
  try {
    fs.renameSync(dir, trash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  fs.rmSync(trash, { recursive: true, force: true });
}

/**
 * Removes what processes killed long ago left (temp folders, temp files: only our exact names and kinds), and
 * templates other than `keep` whose marker is over 30 days old.
 */
function pruneStale(root: string, keep: string): void {
  const now = Date.now();
  for (const name of fs.readdirSync(root)) {
    const p = path.join(root, name);
    try {
      if (TEMP_DIR_RE.test(name)) {
        const st = fs.lstatSync(p);
        if (st.isDirectory() && now - st.mtimeMs > STALE_MS) fs.rmSync(p, { recursive: true, force: true });
      } else if (TEMP_FILE_RE.test(name)) {
        const st = fs.lstatSync(p);
        if (st.isFile() && now - st.mtimeMs > STALE_MS) fs.rmSync(p, { force: true });
      } else if (TEMPLATE_RE.test(name) && p !== keep) {
        if (!fs.lstatSync(p).isDirectory()) continue;
        if (now - fs.lstatSync(path.join(p, MARKER)).mtimeMs > OLD_TEMPLATE_MS) discard(root, p);
      }
    } catch {
      /* raced with its owner or another pruner, or no marker (an old one is then left alone) */
    }
  }
}

/** Builds one into a temp sibling and renames it into place; returns the marker of ours or of a racing process's. */
async function build(root: string, finalDir: string, version: string, spec: TemplateSpec): Promise<{ marker: Marker; ours: boolean }> {
  const building = tempName(root, "building");
  fs.mkdirSync(building, { mode: 0o700 });
  spec.track?.(building, true);
  try {
    const scratch = path.join(building, "tmp");
    fs.mkdirSync(scratch);
    const dataPath = path.join(building, "data");
    await spec.init(dataPath, scratch);
    fs.rmSync(scratch, { recursive: true, force: true });
    const marker: Marker = { format: TEMPLATE_FORMAT, version, options: spec.options, ...listTree(dataPath) };
    fs.writeFileSync(path.join(building, MARKER), JSON.stringify(marker, null, 1));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.renameSync(building, finalDir);
        return { marker, ours: true };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
        // Someone else finished first: use theirs when it is sound, else replace it with ours.
        const theirs = readValidMarker(finalDir, version, spec.options);
        if (theirs) return { marker: theirs, ours: false };
        discard(root, finalDir);
      }
    }
    throw new CacheUnavailableError(`could not move the MariaDB template into ${finalDir}`);
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
    spec.track?.(building, false);
  }
}

/** Builds in progress in this process, so parallel launches share one install-db run. */
const pending = new Map<string, Promise<Template>>();

const unusable = (root: string, err: unknown) => new CacheUnavailableError(`cache folder ${root} is not usable: ${(err as Error).message}`);

/**
 * The template for `spec` in `root`, built when missing or damaged. Throws CacheUnavailableError when the cache
 * folder cannot be used (the caller then initialises the datadir directly); an install-db failure propagates as is.
 */
export async function obtainTemplate(spec: TemplateSpec, root: string = cacheRoot()): Promise<Template> {
  let version: string;
  try {
    fs.mkdirSync(root, { recursive: true });
    version = await versionString(root, spec.mariadbd);
  } catch (err) {
    throw isFsError(err) ? unusable(root, err) : err;
  }
  const hash = shortHash(JSON.stringify([TEMPLATE_FORMAT, version, spec.options]), 12);
  const release = /Ver\s+([0-9][\w.]*)/.exec(version)?.[1] ?? "unknown";
  const finalDir = path.join(root, `mariadb-${release}-${hash}`);
  const template = (marker: Marker, built: boolean): Template => ({
    dataPath: path.join(finalDir, "data"),
    built,
    dirs: marker.dirs,
    files: Object.keys(marker.files),
  });
  const existing = readValidMarker(finalDir, version, spec.options);
  if (existing) return template(existing, false);

  const inFlight = pending.get(finalDir);
  if (inFlight) return { ...(await inFlight), built: false };
  const job = (async (): Promise<Template> => {
    try {
      pruneStale(root, finalDir);
      if (fs.existsSync(finalDir)) {
        const raced = readValidMarker(finalDir, version, spec.options);
        if (raced) return template(raced, false);
        discard(root, finalDir);
      }
      const { marker, ours } = await build(root, finalDir, version, spec);
      return template(marker, ours);
    } catch (err) {
      throw isFsError(err) ? unusable(root, err) : err;
    }
  })();
  pending.set(finalDir, job);
  try {
    return await job;
  } finally {
    pending.delete(finalDir);
  }
}

/**
 * Copies a template's data folder to `dest` (which must not exist): folders first, then every file in parallel, as
 * a reflink where the file system supports it. On failure the partial copy is removed and a CacheUnavailableError
 * thrown.
 */
export async function copyTemplate(template: Template, dest: string): Promise<void> {
  try {
    fs.mkdirSync(dest, { mode: 0o700 });
    for (const d of template.dirs) fs.mkdirSync(path.join(dest, d), { mode: 0o700 });
    await Promise.all(
      template.files.map((f) => fs.promises.copyFile(path.join(template.dataPath, f), path.join(dest, f), fs.constants.COPYFILE_FICLONE)),
    );
  } catch (err) {
    fs.rmSync(dest, { recursive: true, force: true });
    throw new CacheUnavailableError(`copying the MariaDB template failed: ${(err as Error).message}`);
  }
}
