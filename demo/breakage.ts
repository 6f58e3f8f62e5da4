/**
 * How each scenario breaks the environment. Runs after migrate and the demo rows, so nothing the demo does later
 * can repair it. Three places are touched: the rendered backend configuration (OutDefine.php / cdn.route.ini), the
 * sandbox's state (through its control API, as an operator's console change would), and the database (SQL as the
 * admin). Every change that outlives the run (a global server variable on a shared server) registers its undo.
 */
import type { BackendConfig } from "../common/backend-config";
import type { StackOutputs } from "../common/outputs";
import type { State } from "../sandbox/state";
import { appendBackendLog } from "./backend-logs";
import { ROOMLESS_STREAMER } from "./rows";

export interface BreakContext {
  outputs: StackOutputs;
  /** The rendered backend directory (conf/, log/). */
  backendDir: string;
  /** The backend configuration about to be (re)written; mutate it in place. */
  backend: BackendConfig;
  /** Reads, changes and writes back the sandbox state. */
  mutateSandbox(change: (state: State) => void): Promise<void>;
  /** Plants a callback rule as given, through the sandbox control API (no API-side checks). */
  plantCallbackRule(rule: { domainName: string; appName: string; templateId: number }): Promise<void>;
  /** Runs SQL as the server admin, in the demo database. */
  adminSql(sql: string): Promise<unknown>;
  /**
   * Makes the backend's MySQL sessions run at `tz`, as a server whose time zone is not +08:00 does: SET GLOBAL
   * time_zone on the demo's own server; on a shared server, an init_connect that applies only to the demo's backend
   * user (so parallel users of that server are untouched). The previous value is restored at cleanup.
   */
  setBackendTimeZone(tz: string): Promise<void>;
  /** A loopback port where nothing listens. */
  closedPort(): Promise<number>;
}

/** Another region than `region` (a real region id, so only the bucket lookup fails). */
function otherRegion(region: string): string {
  return region === "ap-shanghai" ? "ap-guangzhou" : "ap-shanghai";
}

/** A well-formed APPID that is not `appid`. */
function otherAppid(appid: string): string {
  const n = Number(appid);
  return String(Number.isFinite(n) && n > 1_250_000_000 ? n - 1 : 1_259_999_999);
}

/** The sandbox's bound callback template (the one a rule binds to the push domain and app name). */
function boundCallbackTemplate(state: State, outputs: StackOutputs) {
  const rule = state.live.callbackRules.find(
    (r) => r.domainName.toLowerCase() === outputs.push_domain.toLowerCase() && r.appName === outputs.app_name,
  );
  const id = rule?.templateId ?? Number(outputs.callback_template_id);
  const t = state.live.callbackTemplates.find((x) => x.templateId === id);
  if (!t) throw new Error(`sandbox state has no callback template ${id} to break`);
  return t;
}

const BREAKERS: Record<string, (ctx: BreakContext) => Promise<void>> = {
  healthy: async () => undefined,
  "wrong-bucket": async ({ backend }) => {
    // A bucket nobody created: same naming rule, another base name.
    const full = /-(\d+)$/.exec(backend.cos.bucket);
    backend.cos.bucket = full ? `live-demo-typo-${full[1]}` : "live-demo-typo";
  },
  "wrong-region": async ({ backend }) => {
    backend.cos.region = otherRegion(backend.cos.region);
  },
  "wrong-appid": async ({ backend }) => {
    const wrong = otherAppid(backend.cos.appid);
    backend.cos.appid = wrong;
  },
  "wrong-secret-id": async ({ backend }) => {
    // Same shape as a real SecretId (AKID + 32 characters), unknown to the account.
    backend.cos.secretId = "AKIDdemoUnknownKey0000000000000000x1";
  },
  "wrong-secret-key": async ({ backend }) => {
    backend.cos.secretKey = "demoWrongSecretKey00000000000000x";
  },
  "callback-url-missing": async ({ mutateSandbox, outputs }) =>
    mutateSandbox((s) => {
      boundCallbackTemplate(s, outputs).recordNotifyUrl = "";
    }),
  "callback-url-wrong": async ({ mutateSandbox, outputs }) =>
    mutateSandbox((s) => {
      const t = boundCallbackTemplate(s, outputs);
      // A typo an operator makes: the v1 backend's callback path instead of tape_callback.php.
      t.recordNotifyUrl = t.recordNotifyUrl
        ? t.recordNotifyUrl.replace(/tape_callback\.php$/, "Live_callback.php")
        : "http://203.0.113.10/callback/Live_callback.php";
      if (t.recordNotifyUrl === outputs.callback_url) t.recordNotifyUrl += ".bak";
    }),
  "callback-rule-missing": async ({ mutateSandbox }) =>
    mutateSandbox((s) => {
      s.live.callbackRules = [];
    }),
  "callback-rule-on-play-domain": async ({ mutateSandbox, plantCallbackRule, outputs }) => {
    // The console mistake: the template bound to the play domain; the push domain has no rule.
    await mutateSandbox((s) => {
      s.live.callbackRules = s.live.callbackRules.filter((r) => r.domainName !== outputs.push_domain);
    });
    await plantCallbackRule({
      domainName: outputs.play_domain,
      appName: outputs.app_name,
      templateId: Number(outputs.callback_template_id),
    });
  },
  "callback-key-mismatch": async ({ backend }) => {
    // Letters and digits, 32 long, like a real callback key — just not the template's.
    backend.apiKey = "demoStaleCallbackKey000000000000";
  },
  "record-rule-missing": async ({ mutateSandbox }) =>
    mutateSandbox((s) => {
      s.live.recordRules = [];
    }),
  "db-unreachable": async ({ backend, closedPort }) => {
    backend.db.port = await closedPort();
  },
  "db-timezone": async ({ setBackendTimeZone }) => {
    await setBackendTimeZone("+00:00");
  },
  "tb-vod-missing": async ({ adminSql }) => {
    // What createDB.sh leaves behind under strict sql_mode: tb_account and tb_room, no tb_vod.
    await adminSql("DROP TABLE IF EXISTS tb_vod");
  },
  "tb-vod-zero-date": async ({ adminSql }) => {
    // createDB.sh's column, applied under a permissive session sql_mode (as on MySQL 5.6 or after a mode change).
    await adminSql("SET SESSION sql_mode = ''");
    await adminSql("ALTER TABLE tb_vod MODIFY start_time timestamp NOT NULL DEFAULT '0000-00-00 00:00:00'");
  },
  "db-privileges": async ({ adminSql, outputs }) => {
    // The database-level grant loses INSERT; tb_account and tb_room get it back table by table, tb_vod does not.
    const db = `\`${outputs.db_name.replace(/`/g, "``")}\``;
    const who = accountSql(outputs.db_user);
    await adminSql(`REVOKE INSERT ON ${db}.* FROM ${who}`);
    await adminSql(`GRANT INSERT ON ${db}.\`tb_account\` TO ${who}`);
    await adminSql(`GRANT INSERT ON ${db}.\`tb_room\` TO ${who}`);
  },
  "callback-url-private": async ({ mutateSandbox, outputs }) =>
    mutateSandbox((s) => {
      const t = boundCallbackTemplate(s, outputs);
      const url = new URL(t.recordNotifyUrl || outputs.callback_url);
      url.hostname = PRIVATE_CALLBACK_HOST;
      t.recordNotifyUrl = url.href;
    }),
  "no-room-row": async ({ adminSql, backendDir }) => {
    await adminSql(`DELETE FROM tb_room WHERE userid = '${ROOMLESS_STREAMER}'`);
    // What the backend logs when this streamer's next recording callback arrives: the row is not stored.
    appendBackendLog(backendDir, "mysql", "error", [
      {
        at: new Date(Date.now() - 20 * 60_000),
        interfaceName: "tape_callback",
        file: "dao_live.class.php",
        fn: "addTapeFile",
        line: 118,
        code: 2003,
        message: `getRoomInfo Error:${ROOMLESS_STREAMER}`,
      },
    ]);
  },
};

/** A private (RFC 1918) address, as an operator copies the backend server's intranet IP into the callback URL. */
export const PRIVATE_CALLBACK_HOST = "10.0.3.15";

/** `'user'@'%'` for SQL (quotes doubled). */
function accountSql(user: string): string {
  return `'${user.replace(/'/g, "''")}'@'%'`;
}

export function breakerFor(name: string): (ctx: BreakContext) => Promise<void> {
  const b = BREAKERS[name];
  if (!b) throw new Error(`no breakage defined for scenario "${name}"`);
  return b;
}

export const BREAKER_NAMES = Object.keys(BREAKERS);
