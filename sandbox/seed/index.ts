/**
 * Seeder: builds the state a stack would have after a successful deploy, from its synthesized `cdk.tf.json`
 * (never from the constructs), and the outputs file a `cdktf deploy --outputs-file` would write.
 *
 * Values are evaluated by expressions.ts. Attributes the provider computes (ids, passwords, keys, addresses) and the
 * state each resource becomes come from BUILDERS, one entry per Terraform type; unknown types get a synthetic `id`.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { InputError, parseJsonFile } from "../../common/errors";
import { parseUrlInputParts } from "../../common/url-input";
import { OUTPUT_IDS, OutputId, StackOutputs, writeStackOutputs } from "../../common/outputs";
import { Credential, State, beijingTime, emptyState, validateState } from "../state";
import { Block, Evaluator } from "./expressions";
import type { BuilderTable, SeedContext } from "./types";
import { Obj, asArray, hex, newSecretPair } from "./values";
import { ServerLogin, applyDbAccounts } from "./mysql-accounts";
import { CAM } from "./cam";
import { CDB } from "./cdb";
import { COS } from "./cos";
import { LIVE } from "./live";
import { RANDOM } from "./random";
import { VPC } from "./vpc";

export { newSecretPair } from "./values";

/** The state is built in this order (types with a `build`, each in file order); it is also the order of evaluation. */
export const BUILDERS: BuilderTable = { ...RANDOM, ...CAM, ...COS, ...LIVE, ...CDB, ...VPC };

export interface SeedOptions {
  /** `cdktf.out/stacks/<stack>`: holds cdk.tf.json; outputs.json is written here. */
  stackDir: string;
  /** MySQL the DB instance points at (`mysql://user:pass@host:port/db`); without it a closed loopback port. */
  mysqlUrl?: string;
  /**
   * With mysqlUrl: make that server consistent with the outputs file, as a deploy would leave it. The stack's
   * database accounts are created there (an existing one gets the seeded password) with the stack's grants, run as
   * the URL's account (user default root); `db_root_password` becomes the URL's password when the URL names root
   * with a password (the instance's root is that account; it is never changed), and is left out of the outputs
   * otherwise. Default false: the instance only points at the URL's address.
   */
  mysqlAccounts?: boolean;
  appId?: string;
  ownerUin?: string;
  /** Owner key pair; default: TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY when both are set, else a new pair. */
  owner?: { secretId: string; secretKey: string };
  /** Values for Terraform variables without defaults (else TF_VAR_<name>, else a random 32-character string). */
  variables?: Record<string, string>;
  /** Write outputs.json (default true). */
  writeOutputs?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface SeedResult {
  stack: string;
  state: State;
  outputs: StackOutputs;
  outputsFile: string;
  owner: Credential;
  /** Lines for the log: resources synthesised generically (unknown types), what was done on the MySQL server. */
  notes: string[];
}

/** A free-then-closed loopback port: nothing listens there, so connections are refused at once. */
export async function closedLoopbackPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function parseMysqlUrl(url: string): ServerLogin {
  const u = parseUrlInputParts(url, {
    label: "--mysql-url",
    protocols: ["mysql"],
    allowCredentials: true,
    pathName: "database name",
    form: "mysql://USER[:PASSWORD]@HOST[:PORT][/DATABASE]",
  });
  return { host: u.host, port: u.port ?? 3306, user: u.user || "root", password: u.password ?? "" };
}

/** Seeds state and outputs from `<stackDir>/cdk.tf.json`. */
export async function seedFromStack(opts: SeedOptions): Promise<SeedResult> {
  const env = opts.env ?? process.env;
  const file = path.join(opts.stackDir, "cdk.tf.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run \`live-infra synth\` first and pass --seed-from-stack cdktf.out/stacks/<stack>`,
    );
  }
  const doc = parseJsonFile(text, file) as Obj;
  if (!doc || typeof doc !== "object" || (!doc.resource && !doc.output)) throw new InputError(`${file}: not a synthesized Terraform JSON stack (no "resource" or "output")`);
  const stack = path.basename(path.resolve(opts.stackDir));

  const appId = opts.appId ?? "1250000000";
  const ownerUin = opts.ownerUin ?? "100000000001";
  const ownerPair =
    opts.owner ?? (env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY ? { secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY } : newSecretPair());
  const login = opts.mysqlUrl ? parseMysqlUrl(opts.mysqlUrl) : undefined;
  const mysql = login ? { host: login.host, port: login.port } : { host: "127.0.0.1", port: await closedLoopbackPort() };
  const variables: Record<string, string> = { ...(opts.variables ?? {}) };
  for (const name of Object.keys((doc.variable ?? {}) as Obj)) {
    const v = env[`TF_VAR_${name}`];
    if (v !== undefined && !(name in variables)) variables[name] = v;
  }

  // Provider regions (default provider and aliases) for resources without a region attribute.
  const providers = asArray(((doc.provider ?? {}) as Obj).tencentcloud as Obj | Obj[]);
  const defaultRegion = String(providers.find((p) => !p.alias)?.region ?? env.TENCENTCLOUD_REGION ?? "ap-guangzhou");
  const regionOf = (b: Block): string => {
    const alias = typeof b.config.provider === "string" ? b.config.provider.split(".")[1] : undefined;
    const p = alias ? providers.find((x) => x.alias === alias) : undefined;
    return String(p?.region ?? defaultRegion);
  };

  const sequences = new Map<string, number>();
  const ctx: SeedContext = {
    file, appId, ownerUin, mysql, regionOf,
    created: beijingTime(),
    state: emptyState(appId, ownerUin),
    db: { accounts: [], grants: [], skipped: [] },
    nextId: (sequence, first) => {
      const id = sequences.get(sequence) ?? first;
      sequences.set(sequence, id + 1);
      return id;
    },
  };

  const computed = (b: Block, a: Obj): Obj => {
    const t = b.mode === "data" ? `data.${b.type}` : b.type;
    const builder = Object.hasOwn(BUILDERS, t) ? BUILDERS[t] : undefined;
    if (builder) return builder.computed(a, b, ctx);
    if (a.id === undefined) {
      evaluator.notes.push(`${t}.${b.name}: unknown type; synthesised id only`);
      return { id: `${b.type.replace(/^tencentcloud_/, "").replace(/_/g, "-")}-${hex(8)}` };
    }
    return {};
  };
  const evaluator = new Evaluator(doc, file, variables, computed);

  const owner: Credential = { ...ownerPair, kind: "owner", uin: ownerUin, createTime: ctx.created };
  ctx.state.credentials.push(owner);
  for (const [t, builder] of Object.entries(BUILDERS)) {
    if (!builder.build) continue;
    const mode = t.startsWith("data.") ? "data" : "resource";
    for (const addr of evaluator.ofType(mode === "data" ? t.slice("data.".length) : t, mode)) {
      builder.build(evaluator.attrs(addr), evaluator.block(addr), ctx);
    }
  }

  // Outputs (sensitive included), in the shape of `cdktf deploy --outputs-file`.
  const outputs: Record<string, unknown> = {};
  for (const [id, out] of Object.entries((doc.output ?? {}) as Record<string, Obj>)) {
    if (!(OUTPUT_IDS as readonly string[]).includes(id)) continue;
    const v = evaluator.value(out.value, `output.${id}`);
    outputs[id] = id === "db_port" || id === "db_public_port" ? (v === "" || v === undefined ? undefined : Number(v)) : v === undefined ? undefined : String(v);
  }
  const notes = [...evaluator.notes];
  if (login && opts.mysqlAccounts) notes.push(...(await applyToServer(login, ctx, outputs)));
  const finalOutputs = outputs as unknown as StackOutputs;
  const outFile = path.join(opts.stackDir, "outputs.json");
  if (opts.writeOutputs !== false) writeStackOutputs(outFile, stack, finalOutputs); // mode 0600: it holds keys

  return { stack, state: validateState(ctx.state, `${file} (seeded state)`), outputs: finalOutputs, outputsFile: outFile, owner, notes };
}

/**
 * The server side of a seeded world (see SeedOptions.mysqlAccounts): the stack's accounts and grants, and the
 * `db_root_password` output made to match what the server really has. Returns notes (never a password).
 */
async function applyToServer(login: ServerLogin, ctx: SeedContext, outputs: Record<string, unknown>): Promise<string[]> {
  const notes = (await applyDbAccounts(ctx.db, login)).map((line) => `${login.host}:${login.port}: ${line}`);
  if (outputs.db_root_password === undefined) return notes;
  if (login.user === "root" && login.password) {
    outputs.db_root_password = login.password;
    notes.push("outputs.json: db_root_password is the password of root in --mysql-url (the instance's root account; left unchanged)");
  } else {
    delete outputs.db_root_password;
    notes.push(
      `outputs.json: db_root_password left out: --mysql-url names ${login.user === "root" ? "root without a password" : `"${login.user}", not root`}, ` +
        "so no root password the server accepts is known; run migrate with --admin-url (or give root a password and name it in --mysql-url)",
    );
  }
  return notes;
}

/** Output ids a seeded stack did not define (for a warning). */
export function missingOutputs(outputs: Partial<Record<OutputId, unknown>>): OutputId[] {
  return OUTPUT_IDS.filter((id) => outputs[id] === undefined);
}
