/**
 * A support bundle: what a ticket needs, packed as a .tar.gz with every file passed through one {@link Redactor}.
 *
 *   logs/…            the backend's log/ directory (newest first; the oldest are cut or kept as their tail past the cap)
 *   validate.json     the validate report (runValidation in-process, JSON version 1)
 *   drift.json        the drift report, only when TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY are set
 *   report.html       the report page (page/) over whichever of the two reports ran
 *   config/…          the backend's conf/OutDefine.php and conf/cdn.route.ini, secrets redacted
 *   versions.json     package, node, MySQL server (when reachable)
 *   manifest.json     each file, its size and redaction count, and what was cut and why
 *
 * The redactor knows the secret values of the outputs, the backend config and the environment
 * (TENCENTCLOUD_SECRET_KEY, LIVE_INFRA_*PASSWORD, credentials in LIVE_INFRA_*_URL) and secret-looking patterns.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as Mysql from "mysql2/promise";
import { lazyModule } from "../common/lazy";
import type * as Tar from "tar";
import { BackendConfig, loadBackendDir, OUT_DEFINE_FILE, ROUTE_INI_FILE } from "../common/backend-config";
import { InputError } from "../common/errors";
import type { SecretSet } from "../common/mask";
import { readStackOutputs, StackOutputs } from "../common/outputs";
import { Redactor } from "./redactor";

const mysql = lazyModule(() => require("mysql2/promise") as typeof Mysql);
const tar = lazyModule(() => require("tar") as typeof Tar);

export const DEFAULT_MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

export interface SupportBundleOptions {
  /** The archive to write (.tar.gz). */
  out: string;
  /** The backend's root (holding conf/ and log/). */
  backendDir?: string;
  stack?: string;
  /** Outputs file (default cdktf.out/stacks/<stack>/outputs.json when --stack is given). */
  outputsFile?: string;
  /** Synthesized cdk.tf.json for drift (default next to the outputs file). */
  declaredFile?: string;
  /** Cap on the files' total size before compression (default {@link DEFAULT_MAX_BUNDLE_BYTES}). */
  maxBytes?: number;
  endpoints?: { apiEndpoint?: string; cosEndpoint?: string };
  env?: NodeJS.ProcessEnv;
  /** Per-check timeout for validate, ms. */
  timeoutMs?: number;
}

export interface ManifestFile {
  path: string;
  bytes: number;
  /** Secret values and secret-looking values replaced in this file. */
  redactions: number;
  /** Set when only the end of the file is included. */
  truncatedFrom?: number;
}

export interface Manifest {
  version: 1;
  createdAt: string;
  stack?: string;
  maxBytes: number;
  files: ManifestFile[];
  /** What is not in the bundle (or only partly), and why. */
  cut: Array<{ path: string; reason: string }>;
  /** What could not be produced, and why (e.g. no credentials for drift). */
  notes: string[];
}

export interface SupportBundleResult {
  archive: string;
  manifest: Manifest;
}

/** The secret values the environment holds: the cloud key, LIVE_INFRA_*PASSWORD, passwords inside LIVE_INFRA_*_URL. */
export function environmentSecrets(env: NodeJS.ProcessEnv): SecretSet {
  const secrets: string[] = [];
  const secretIds: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (k === "TENCENTCLOUD_SECRET_KEY" || (k.startsWith("LIVE_INFRA_") && /PASSWORD$/.test(k))) secrets.push(v);
    else if (k === "TENCENTCLOUD_SECRET_ID") secretIds.push(v);
    else if (k.startsWith("LIVE_INFRA_") && /URL$/.test(k)) {
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*?:([^@]*)@/i.exec(v);
      if (m && m[1]) {
        secrets.push(m[1]);
        try {
          secrets.push(decodeURIComponent(m[1]));
        } catch {
          // Not percent-encoded: the raw form is already listed.
        }
      }
    }
  }
  return { secrets, secretIds };
}

function outputSecrets(o: StackOutputs | undefined): SecretSet {
  if (!o) return { secrets: [], secretIds: [] };
  return { secrets: [o.db_password, o.db_root_password, o.callback_key, o.signer_secret_key], secretIds: [o.signer_secret_id] };
}

function backendSecrets(b: BackendConfig | undefined): SecretSet {
  if (!b) return { secrets: [], secretIds: [] };
  return { secrets: [b.apiKey, b.cos.secretKey, b.db.password], secretIds: [b.cos.secretId] };
}

/** Files under `dir`, relative, newest first. */
function listFiles(dir: string): Array<{ rel: string; size: number; mtime: number }> {
  const out: Array<{ rel: string; size: number; mtime: number }> = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = fs.statSync(p);
        out.push({ rel: path.relative(dir, p), size: st.size, mtime: st.mtimeMs });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => b.mtime - a.mtime || a.rel.localeCompare(b.rel));
}

function packageVersion(): string | undefined {
  for (let d = __dirname, i = 0; i < 5; i++, d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return `${pkg.name}@${pkg.version}`;
    } catch {
      // Not here: look one folder up.
    }
  }
  return undefined;
}

async function mysqlVersion(b: BackendConfig): Promise<string> {
  const conn = await mysql().createConnection({ host: b.db.host, port: b.db.port, user: b.db.user, password: b.db.password, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query("SELECT VERSION() AS v");
    return String((rows as Array<{ v: string }>)[0]?.v ?? "unknown");
  } finally {
    await conn.end().catch(() => undefined);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Builds the bundle and writes it to `opts.out` (mode 0600, through a temporary file). Rejects with an InputError for
 * bad options (no input at all, unreadable outputs, a missing backend directory); a part that cannot be produced is a
 * note in the manifest instead.
 */
export async function createSupportBundle(opts: SupportBundleOptions): Promise<SupportBundleResult> {
  const env = opts.env ?? process.env;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  if (!opts.out.endsWith(".tar.gz") && !opts.out.endsWith(".tgz")) throw new InputError(`--out ${opts.out}: the bundle is a gzipped tar; name it FILE.tar.gz`);
  if (!fs.existsSync(path.dirname(path.resolve(opts.out)))) throw new InputError(`--out ${opts.out}: folder ${path.dirname(path.resolve(opts.out))} does not exist`);
  if (!opts.backendDir && !opts.stack && !opts.outputsFile) throw new InputError("give --backend-dir DIR and/or --stack NAME (or --outputs FILE): nothing to bundle");
  if (opts.backendDir && !fs.statSync(opts.backendDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`--backend-dir ${opts.backendDir}: not a directory`);
  }

  const outputsFile = opts.outputsFile ?? (opts.stack ? path.join("cdktf.out", "stacks", opts.stack, "outputs.json") : undefined);
  const outputs = outputsFile ? readStackOutputs(outputsFile, opts.stack) : undefined;
  const redactor = new Redactor(environmentSecrets(env));
  redactor.add(outputSecrets(outputs));
  const manifest: Manifest = { version: 1, createdAt: new Date().toISOString(), stack: opts.stack, maxBytes, files: [], cut: [], notes: [] };
  const note = (s: string) => manifest.notes.push(redactor.text(s));

  let backend: BackendConfig | undefined;
  if (opts.backendDir) {
    try {
      backend = loadBackendDir(opts.backendDir);
      redactor.add(backendSecrets(backend));
    } catch (err) {
      note(`backend config: ${errorText(err)}`);
    }
  }

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-bundle-"));
  let used = 0;
  const put = (rel: string, text: string, truncatedFrom?: number): boolean => {
    const counter = { count: 0 };
    const clean = redactor.text(text, counter);
    const safeRel = redactor.text(rel);
    const bytes = Buffer.byteLength(clean);
    if (used + bytes > maxBytes) {
      manifest.cut.push({ path: safeRel, reason: `over the size cap (${bytes} bytes; ${Math.max(0, maxBytes - used)} left of ${maxBytes})` });
      return false;
    }
    const dest = path.join(staging, "bundle", safeRel);
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    fs.writeFileSync(dest, clean, { mode: 0o600 });
    used += bytes;
    manifest.files.push({ path: safeRel, bytes, redactions: counter.count, ...(truncatedFrom !== undefined ? { truncatedFrom } : {}) });
    return true;
  };

  try {
    // versions
    const versions: Record<string, string | undefined> = { package: packageVersion(), node: process.version, platform: `${process.platform} ${process.arch}` };
    if (backend) {
      try {
        versions.mysql = await mysqlVersion(backend);
      } catch (err) {
        versions.mysql = undefined;
        note(`MySQL version: server not reachable with the backend's account (${(err as NodeJS.ErrnoException).code ?? errorText(err)})`);
      }
    }
    put("versions.json", JSON.stringify(versions, null, 2) + "\n");

    // backend config files, as they are on disk (parsable or not), redacted
    if (opts.backendDir) {
      for (const f of [OUT_DEFINE_FILE, ROUTE_INI_FILE]) {
        const p = path.join(opts.backendDir, f);
        try {
          put(path.join("config", path.basename(f)), fs.readFileSync(p, "utf8"));
        } catch (err) {
          note(`${f}: not read (${(err as NodeJS.ErrnoException).code ?? errorText(err)})`);
        }
      }
    }

    // validate report
    const secretId = env.TENCENTCLOUD_SECRET_ID?.trim() ?? "";
    const secretKey = env.TENCENTCLOUD_SECRET_KEY?.trim() ?? "";
    const credentials = { secretId, secretKey };
    type PageInput = Parameters<typeof import("../page/render").renderHtmlPage>[0];
    let validateReport: PageInput["validate"];
    let driftReport: PageInput["drift"];
    if (outputs && backend) {
      try {
        // Loaded here: the validators and drift pull in the cloud SDKs, which a usage error should not wait for.
        const { CHECK_IDS, renderReport, runValidation } = await import("../validators");
        // Without a cloud key only the database checks can say anything (they use the backend's own account).
        const only = secretId && secretKey ? undefined : CHECK_IDS.filter((id) => id.startsWith("db."));
        if (only) note(`validate: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY not set; only ${only.join(", ")} run`);
        const report = await runValidation({
          only,
          stack: opts.stack ?? "unknown",
          outputs,
          backend,
          credentials,
          endpoints: opts.endpoints,
          lang: "en",
          timeoutMs: opts.timeoutMs,
          env,
        });
        validateReport = report;
        put("validate.json", renderReport(report, "json", { lang: "en" }));
      } catch (err) {
        note(`validate: not run (${errorText(err)})`);
      }
    } else {
      note(`validate: not run (needs ${[!outputs && "the stack outputs (--stack / --outputs)", !backend && "a readable backend config (--backend-dir)"].filter(Boolean).join(" and ")})`);
    }

    // drift report
    if (!outputs) note("drift: not run (no stack outputs)");
    else if (!secretId || !secretKey) note("drift: not run (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY not set)");
    else {
      try {
        const { loadDeclaration, renderDriftReport, runDrift } = await import("../drift");
        const declared = opts.declaredFile ?? path.join(path.dirname(outputsFile!), "cdk.tf.json");
        const report = await runDrift({
          stack: opts.stack ?? "unknown",
          outputs,
          declaration: loadDeclaration(declared, outputs),
          credentials,
          endpoints: opts.endpoints,
          mysql: { url: env.LIVE_INFRA_MYSQL_URL?.trim() || undefined, password: env.LIVE_INFRA_MYSQL_PASSWORD },
          env,
        });
        driftReport = report;
        put("drift.json", renderDriftReport(report, "json", { lang: "en" }));
      } catch (err) {
        note(`drift: not run (${errorText(err)})`);
      }
    }
    if (validateReport || driftReport) {
      const { renderHtmlPage } = await import("../page/render");
      put("report.html", renderHtmlPage({ validate: validateReport, drift: driftReport, lang: "en" }));
    }

    // logs, newest first, within what the cap leaves (room kept for the manifest)
    if (opts.backendDir) {
      const logDir = path.join(opts.backendDir, "log");
      if (!fs.existsSync(logDir)) note("logs: the backend has no log/ directory");
      else {
        const reserve = 64 * 1024;
        for (const f of listFiles(logDir)) {
          const rel = path.join("logs", f.rel);
          if (/\.(?:gz|zip|bz2|xz|zst|7z)$/i.test(f.rel)) {
            manifest.cut.push({ path: redactor.text(rel), reason: "compressed: cannot be redacted" });
            continue;
          }
          const left = maxBytes - reserve - used;
          if (left <= 1024) {
            manifest.cut.push({ path: redactor.text(rel), reason: `over the size cap (${f.size} bytes)` });
            continue;
          }
          const buf = fs.readFileSync(path.join(logDir, f.rel));
          if (buf.length <= left) put(rel, buf.toString("utf8"));
          else {
            // The end of a log is what a ticket needs; start at a line boundary.
            let tail = buf.subarray(buf.length - Math.floor(left * 0.9)).toString("utf8");
            const nl = tail.indexOf("\n");
            if (nl >= 0) tail = tail.slice(nl + 1);
            if (put(rel, tail, buf.length)) {
              manifest.cut.push({ path: redactor.text(rel), reason: `only the last ${Buffer.byteLength(tail)} of ${buf.length} bytes (size cap)` });
            }
          }
        }
      }
    }

    put("manifest.json", JSON.stringify(manifest, null, 2) + "\n");

    const target = path.resolve(opts.out);
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      await new Promise<void>((resolve, reject) => {
        const sink = fs.createWriteStream(tmp, { mode: 0o600 });
        sink.on("error", reject);
        sink.on("finish", () => resolve());
        const pack = tar().c({ gzip: true, cwd: staging, portable: true }, ["bundle"]);
        pack.on("error", reject);
        pack.pipe(sink);
      });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, target);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return { archive: target, manifest };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
