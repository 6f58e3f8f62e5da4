/**
 * `live-infra validate --fix`: what this package can repair after a failed validation, and how.
 *
 * Each check id maps to a fix rule ({@link FIX_RULES}): the backend config keys that can make it fail (re-rendered
 * from the stack outputs when they differ), then what owns the remaining cause — the schema (`migrate`), the
 * backend account's grants (`migrate --create-user`), Terraform (a `cdktf deploy` command; nothing is changed by
 * API, so Terraform stays the source of truth), or a manual step (the check's own remediation). {@link planFixes}
 * turns a report into steps, {@link applyFixes} runs the applicable ones. Plan texts never hold a secret value.
 */
import * as fs from "fs";
import * as path from "path";
import {
  BackendConfig,
  OUT_DEFINE_FILE,
  OUT_DEFINE_KEYS,
  ROUTE_DB_KEYS,
  ROUTE_INI_FILE,
  backendConfigFromOutputs,
  iniValue,
  parseIni,
  parseOutDefine,
  parsePhpDefines,
  parseRouteIni,
  phpQuote,
  splitBucketName,
} from "../common/backend-config";
import { OperationError } from "../common/errors";
import { maskSecretId } from "../common/mask";
import type { StackOutputs } from "../common/outputs";
import { migrate, ServerAccount } from "../database/migrate";
import type { Lang, Msg, Report } from "../validators";

/** A key the backend reads: an OutDefine.php define, or `DB.<key>` of cdn.route.ini's [DB] section. */
export type ConfigKey = (typeof OUT_DEFINE_KEYS)[number] | `DB.${(typeof ROUTE_DB_KEYS)[number]}`;

export const CONFIG_KEYS: readonly ConfigKey[] = [...OUT_DEFINE_KEYS, ...ROUTE_DB_KEYS.map((k) => `DB.${k}` as const)];

const SECRET_KEYS: ReadonlySet<ConfigKey> = new Set(["API_KEY", "COSKEY_SECRECTKEY", "DB.PASSWD"]);

/** What owns the cause of a failure once the backend config matches the outputs. */
export type OwnerKind = "migrate" | "grant" | "terraform" | "manual";
export type FixKind = "backend-config" | OwnerKind;

export interface FixRule {
  /** Config keys whose wrong value makes the check fail; fixed first when they differ from the outputs. */
  readonly config: readonly ConfigKey[];
  /** Who fixes the check when the config is right. */
  readonly then: OwnerKind;
}

const COS_KEYS: readonly ConfigKey[] = ["COSKEY_BUCKET", "COSKEY_BUCKET_REGION", "COSKEY_APPID", "COSKEY_SECRECTID", "COSKEY_SECRECTKEY"];
const DB_KEYS: readonly ConfigKey[] = ["DB.HOST", "DB.PORT", "DB.DBNAME", "DB.USER", "DB.PASSWD"];

/** check id → fix. Every catalogue id has one; an unknown id is a manual fix. */
export const FIX_RULES: Readonly<Record<string, FixRule>> = {
  "cos.bucket": { config: ["COSKEY_BUCKET", "COSKEY_BUCKET_REGION", "COSKEY_APPID"], then: "terraform" },
  "cos.secret-id": { config: ["COSKEY_SECRECTID"], then: "terraform" },
  "cos.secret-key": { config: ["COSKEY_SECRECTID", "COSKEY_SECRECTKEY"], then: "terraform" },
  "cos.upload": { config: COS_KEYS, then: "terraform" },
  "live.callback-rule": { config: [], then: "terraform" },
  "live.callback-url": { config: [], then: "terraform" },
  "live.callback-key": { config: ["API_KEY"], then: "terraform" },
  "live.callback-reachable": { config: ["API_KEY"], then: "manual" },
  "live.callback-public": { config: [], then: "terraform" },
  "live.record-rule": { config: [], then: "terraform" },
  "live.domains": { config: [], then: "terraform" },
  "db.connect": { config: DB_KEYS, then: "terraform" },
  "db.schema": { config: ["DB.DBNAME"], then: "migrate" },
  "db.timezone": { config: [], then: "terraform" },
  "db.replay-window": { config: [], then: "manual" },
  "db.privileges": { config: ["DB.USER"], then: "grant" },
};

export function fixRuleOf(checkId: string): FixRule {
  return Object.hasOwn(FIX_RULES, checkId) ? FIX_RULES[checkId] : { config: [], then: "manual" };
}

/** One backend config value that differs from what the outputs imply. */
export interface ConfigChange {
  key: ConfigKey;
  /** Shown in plans: masked for SecretIds, never for secrets. */
  shownFrom: string;
  shownTo: string;
  value: string;
}

export interface FixStep {
  kind: FixKind;
  /** The failing checks this step addresses. */
  checks: string[];
  /** What it does, per language (no secret). */
  text: Msg;
  /** Whether --fix applies it (false: a command to run or a manual step to print). */
  applicable: boolean;
  /** Why an applicable kind cannot run (e.g. no admin account), per language. */
  blocked?: Msg;
  /** backend-config: the keys to re-render. */
  changes?: ConfigChange[];
  /** migrate / grant: the migrate run. */
  migrate?: { database: string; createUser?: { user: string; password: string } };
  /** terraform: the command to run. */
  command?: string;
}

export interface FixPlan {
  stack: string;
  /** Failing checks considered (status fail). */
  failing: string[];
  steps: FixStep[];
}

export interface FixContext {
  stack: string;
  outputs: StackOutputs;
  outputsFile: string;
  /** The backend config validate read. */
  backend: BackendConfig;
  /** The `--backend-config` JSON file, when the config came from one (it is edited instead of conf/). */
  backendConfigFile?: string;
  /** Account that runs migrate (admin); undefined when none is known. */
  admin?: ServerAccount;
}

/** `cdktf deploy` for a stack, with the outputs file validate reads. */
export function deployCommand(stack: string, outputsFile: string): string {
  return (
    `npx -p cdktf-cli@0.21.0 cdktf deploy ${stack} --outputs-file ${outputsFile} --outputs-file-include-sensitive-outputs`
  );
}

function currentValue(cfg: BackendConfig, key: ConfigKey): string {
  switch (key) {
    case "API_KEY": return cfg.apiKey;
    case "COSKEY_BUCKET": return cfg.cos.bucket;
    case "COSKEY_BUCKET_REGION": return cfg.cos.region;
    case "COSKEY_APPID": return cfg.cos.appid;
    case "COSKEY_SECRECTID": return cfg.cos.secretId;
    case "COSKEY_SECRECTKEY": return cfg.cos.secretKey;
    case "DB.HOST": return cfg.db.host;
    case "DB.PORT": return String(cfg.db.port);
    case "DB.DBNAME": return cfg.db.name;
    case "DB.USER": return cfg.db.user;
    case "DB.PASSWD": return cfg.db.password;
  }
}

function shown(key: ConfigKey, value: string): string {
  if (SECRET_KEYS.has(key)) return "(secret)";
  if (key === "COSKEY_SECRECTID") return maskSecretId(value);
  return JSON.stringify(value);
}

/**
 * The backend config values that differ from what the outputs imply, keeping the file's own choices where both are
 * right: COSKEY_BUCKET short or `name-appid`, the DB's public or intranet address. Throws an InputError when the
 * outputs lack a sensitive value (deployed without `--outputs-file-include-sensitive-outputs`).
 */
export function configChanges(backend: BackendConfig, outputs: StackOutputs): ConfigChange[] {
  const full = splitBucketName(backend.cos.bucket).appid !== undefined;
  const publicDb = !!outputs.db_public_host && backend.db.host === outputs.db_public_host;
  const want = backendConfigFromOutputs(outputs, { bucketStyle: full ? "full" : "short", publicDb });
  const out: ConfigChange[] = [];
  for (const key of CONFIG_KEYS) {
    const from = currentValue(backend, key);
    const to = currentValue(want, key);
    if (from !== to) out.push({ key, shownFrom: shown(key, from), shownTo: shown(key, to), value: to });
  }
  return out;
}

const msgOf = (zh: string, en: string): Msg => ({ zh, en });

/** The plan for a report: one step per kind (config, migrate, Terraform), manual steps per check. */
export function planFixes(report: Report, ctx: FixContext): FixPlan {
  const failing = report.checks.filter((c) => c.status === "fail").map((c) => c.id);
  const steps: FixStep[] = [];
  let changes: ConfigChange[] | undefined;
  let changesError: string | undefined;
  try {
    changes = configChanges(ctx.backend, ctx.outputs);
  } catch (err) {
    changesError = (err as Error).message;
  }

  const configFor = new Map<ConfigKey, string[]>();
  const owners = new Map<OwnerKind, string[]>();
  for (const id of failing) {
    const rule = fixRuleOf(id);
    const wrong = (changes ?? []).filter((c) => rule.config.includes(c.key));
    if (wrong.length) {
      for (const c of wrong) configFor.set(c.key, [...(configFor.get(c.key) ?? []), id]);
    } else {
      owners.set(rule.then, [...(owners.get(rule.then) ?? []), id]);
    }
  }

  if (configFor.size) {
    const picked = changes!.filter((c) => configFor.has(c.key));
    const where = ctx.backendConfigFile ?? ctx.backend.source.dir ?? "";
    const checks = [...new Set([...configFor.values()].flat())];
    const lines = picked.map((c) => `    ${c.key}: ${c.shownFrom} → ${c.shownTo}`).join("\n");
    const step: FixStep = {
      kind: "backend-config",
      checks,
      applicable: true,
      changes: picked,
      text: msgOf(
        `从栈输出重新写入后台配置（${where}）中错误的键：\n${lines}`,
        `re-render the wrong keys of the backend config (${where}) from the stack outputs:\n${lines}`,
      ),
    };
    if (ctx.backend.source.kind === "memory") {
      step.blocked = msgOf("配置不是从文件读取的，无法写回", "the configuration was not read from a file; nothing to write back");
    }
    steps.push(step);
  }
  if (changesError) {
    const ids = failing.filter((id) => fixRuleOf(id).config.length);
    if (ids.length) {
      steps.push({
        kind: "backend-config",
        checks: ids,
        applicable: true,
        blocked: msgOf(`无法与栈输出比较后台配置：${changesError}`, `cannot compare the backend config with the outputs: ${changesError}`),
        text: msgOf("从栈输出重新写入后台配置", "re-render the backend config from the stack outputs"),
      });
    }
  }

  const schemaIds = owners.get("migrate") ?? [];
  const grantIds = owners.get("grant") ?? [];
  if (schemaIds.length || grantIds.length) {
    const o = ctx.outputs;
    const createUser = grantIds.length && o.db_password ? { user: o.db_user, password: o.db_password } : undefined;
    const flags = `--stack ${ctx.stack}${grantIds.length ? " --create-user" : ""}`;
    const step: FixStep = {
      kind: grantIds.length ? "grant" : "migrate",
      checks: [...schemaIds, ...grantIds],
      applicable: true,
      migrate: { database: o.db_name, createUser },
      text: msgOf(
        `运行 migrate（live-infra migrate ${flags}）：${schemaIds.length ? `将 ${o.db_name} 更新到声明的表结构` : ""}` +
          `${schemaIds.length && grantIds.length ? "，并" : ""}${grantIds.length ? `授予账号 ${o.db_user} 后台所需的权限` : ""}`,
        `run migrate (live-infra migrate ${flags}): ${schemaIds.length ? `bring ${o.db_name} to the declared schema` : ""}` +
          `${schemaIds.length && grantIds.length ? " and " : ""}${grantIds.length ? `grant ${o.db_user} what the backend needs` : ""}`,
      ),
    };
    if (!ctx.admin) {
      step.blocked = msgOf(
        "没有管理员账号：传入 --admin-url（或 LIVE_INFRA_ADMIN_URL），或在输出文件中提供 db_root_password",
        "no admin account: pass --admin-url (or set LIVE_INFRA_ADMIN_URL), or deploy with db_root_password in the outputs file",
      );
    } else if (grantIds.length && !o.db_password) {
      step.blocked = msgOf("输出文件缺少 db_password", "the outputs file lacks db_password");
    }
    steps.push(step);
  }

  const tfIds = owners.get("terraform") ?? [];
  if (tfIds.length) {
    const command = deployCommand(ctx.stack, ctx.outputsFile);
    steps.push({
      kind: "terraform",
      checks: tfIds,
      applicable: false,
      command,
      text: msgOf(
        `这些云资源由 Terraform 管理，不通过 API 直接修改；运行：\n    ${command}`,
        `Terraform owns these cloud resources; nothing is changed by API. Run:\n    ${command}`,
      ),
    });
  }

  for (const id of owners.get("manual") ?? []) {
    const c = report.checks.find((x) => x.id === id)!;
    steps.push({ kind: "manual", checks: [id], applicable: false, text: msgOf(`手动处理：${c.remediation}`, `by hand: ${c.remediation}`) });
  }
  return { stack: ctx.stack, failing, steps };
}

/** The steps --fix would apply now. */
export function applicableSteps(plan: FixPlan): FixStep[] {
  return plan.steps.filter((s) => s.applicable && !s.blocked);
}

const KIND_LABEL: Record<FixKind, Msg> = {
  "backend-config": msgOf("后台配置", "backend config"),
  migrate: msgOf("表结构", "schema"),
  grant: msgOf("账号权限", "privileges"),
  terraform: msgOf("Terraform", "Terraform"),
  manual: msgOf("手动", "manual"),
};

/** The plan as text. */
export function renderPlan(plan: FixPlan, lang: Lang): string {
  if (!plan.failing.length) return lang === "zh" ? "修复计划：没有失败的检查，无需修复。\n" : "Fix plan: no check failed; nothing to fix.\n";
  const head = lang === "zh" ? `修复计划（${plan.stack}，${plan.failing.length} 项失败）：` : `Fix plan (${plan.stack}, ${plan.failing.length} failing):`;
  const lines = [head];
  plan.steps.forEach((s, i) => {
    const tag = s.applicable ? (s.blocked ? (lang === "zh" ? "无法执行" : "blocked") : lang === "zh" ? "将执行" : "will apply") : lang === "zh" ? "需手动" : "not applied";
    lines.push(`  ${i + 1}. [${KIND_LABEL[s.kind][lang]}, ${tag}] ${s.checks.join(", ")}`);
    for (const l of s.text[lang].split("\n")) lines.push(`     ${l}`);
    if (s.blocked) lines.push(`     ${s.blocked[lang]}`);
  });
  return `${lines.join("\n")}\n`;
}

export interface StepResult {
  step: FixStep;
  ok: boolean;
  /** One line per outcome (no secret). */
  detail: string;
}

/** Runs the applicable steps in plan order; a failing step is reported and the others still run. */
export async function applyFixes(plan: FixPlan, ctx: FixContext, log: (line: string) => void = () => undefined): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of applicableSteps(plan)) {
    try {
      if (step.kind === "backend-config") {
        const files = ctx.backendConfigFile
          ? [writeJsonChanges(ctx.backendConfigFile, step.changes!)]
          : writeDirChanges(ctx.backend.source.dir!, step.changes!);
        results.push({ step, ok: true, detail: `${step.changes!.map((c) => c.key).join(", ")} → ${files.join(", ")}` });
      } else {
        const m = step.migrate!;
        const r = await migrate({ account: ctx.admin!, database: m.database, createUser: m.createUser, log });
        results.push({
          step,
          ok: true,
          detail:
            `${r.database}: ${r.applied.length} migration(s), ${r.repairs.length} repair(s)` +
            (r.user ? `; ${r.user.name}: ${r.user.granted.length ? `granted ${r.user.granted.join(", ")}` : "nothing to grant"}` : ""),
        });
      }
    } catch (err) {
      results.push({ step, ok: false, detail: (err as Error).message });
    }
  }
  return results;
}

/** Writes `text` over `file` atomically, keeping its mode, after a `.bak` copy of the previous bytes (0600). */
function replaceFile(file: string, text: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  fs.copyFileSync(file, `${file}.bak`);
  fs.chmodSync(`${file}.bak`, 0o600);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

/** Replaces line `n` (1-based) of `lines`, keeping a trailing CR. */
function setLine(lines: string[], n: number, edit: (line: string) => string | null, what: string, file: string): void {
  const raw = lines[n - 1];
  const cr = raw.endsWith("\r") ? "\r" : "";
  const next = edit(cr ? raw.slice(0, -1) : raw);
  if (next === null) throw new OperationError(`${file}:${n}: cannot rewrite ${what} in place; set it by hand`);
  lines[n - 1] = next + cr;
}

const PHP_VALUE = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,;)\s]+`;

/** OutDefine.php with `changes` applied to the defines PHP reads (the first of each name); the rest byte for byte. */
export function editOutDefine(text: string, file: string, changes: readonly ConfigChange[]): string {
  const mine = changes.filter((c) => !c.key.startsWith("DB."));
  if (!mine.length) return text;
  const defines = parsePhpDefines(text, file);
  const lines = text.split("\n");
  for (const c of mine) {
    const d = defines.find((x) => x.name === c.key)!;
    const literal = c.key === "COSKEY_APPID" && d.kind === "number" ? c.value : phpQuote(c.value);
    const re = new RegExp(String.raw`(define\s*\(\s*(['"])${c.key}\2\s*,\s*)(${PHP_VALUE})|(const\s+${c.key}\s*=\s*)(${PHP_VALUE})`);
    setLine(lines, d.line, (l) => (re.test(l) ? l.replace(re, (_m, a, _q, _v, b) => `${a ?? b}${literal}`) : null), c.key, file);
  }
  const out = lines.join("\n");
  const check = parseOutDefine(out, file).values as unknown as Record<string, string>;
  for (const c of mine) if (check[c.key] !== c.value) throw new OperationError(`${file}: ${c.key} did not read back after the edit; set it by hand`);
  return out;
}

/** cdn.route.ini with `changes` applied to its [DB] keys; the rest byte for byte. */
export function editRouteIni(text: string, file: string, changes: readonly ConfigChange[]): string {
  const mine = changes.filter((c) => c.key.startsWith("DB."));
  if (!mine.length) return text;
  const db = parseIni(text, file).DB;
  const lines = text.split("\n");
  for (const c of mine) {
    const k = c.key.slice(3);
    const entry = db[k];
    const value = k === "PORT" ? c.value : iniValue(c.value);
    setLine(lines, entry.line, (l) => {
      const m = /^(\s*)([^=\s]+)(\s*=\s*)/.exec(l);
      return m && m[2] === k ? `${m[1]}${k}${m[3]}${value}` : null;
    }, `[DB] ${k}`, file);
  }
  const out = lines.join("\n");
  const check = parseRouteIni(out, file).values as unknown as Record<string, string | number>;
  for (const c of mine) if (String(check[c.key.slice(3)]) !== c.value) throw new OperationError(`${file}: [DB] ${c.key.slice(3)} did not read back after the edit; set it by hand`);
  return out;
}

/** Applies `changes` to `<dir>/conf/OutDefine.php` and `<dir>/conf/cdn.route.ini`; returns the files written. */
export function writeDirChanges(dir: string, changes: readonly ConfigChange[]): string[] {
  const written: string[] = [];
  const od = path.join(dir, OUT_DEFINE_FILE);
  const ini = path.join(dir, ROUTE_INI_FILE);
  // Both edits are computed before either file is written.
  const edits: Array<[string, string, string]> = [];
  for (const [file, edit] of [[od, editOutDefine], [ini, editRouteIni]] as const) {
    const before = fs.readFileSync(file, "utf8");
    const after = edit(before, file, changes);
    if (after !== before) edits.push([file, before, after]);
  }
  for (const [file, , after] of edits) {
    replaceFile(file, after);
    written.push(file);
  }
  return written;
}

/** Applies `changes` to a `--backend-config` JSON file (other fields kept). */
export function writeJsonChanges(file: string, changes: readonly ConfigChange[]): string {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> & { DB?: Record<string, unknown> };
  for (const c of changes) {
    if (c.key.startsWith("DB.")) {
      doc.DB = doc.DB ?? {};
      const k = c.key.slice(3);
      doc.DB[k] = k === "PORT" && typeof doc.DB[k] === "number" ? Number(c.value) : c.value;
    } else {
      doc[c.key] = c.key === "COSKEY_APPID" && typeof doc[c.key] === "number" ? Number(c.value) : c.value;
    }
  }
  replaceFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/** check id: before → after, for every check of either report. */
export function renderBeforeAfter(before: Report, after: Report, lang: Lang): string {
  const ids = [...new Set([...before.checks.map((c) => c.id), ...after.checks.map((c) => c.id)])];
  const w = Math.max(...ids.map((i) => i.length));
  const st = (r: Report, id: string) => r.checks.find((c) => c.id === id)?.status ?? "-";
  const head = lang === "zh" ? "修复前 → 修复后：" : "Before → after:";
  const rows = ids.map((id) => {
    const a = st(before, id);
    const b = st(after, id);
    return `  ${id.padEnd(w)}  ${a.padEnd(5)} → ${b}${a !== b ? " *" : ""}`;
  });
  return `${head}\n${rows.join("\n")}\n`;
}
