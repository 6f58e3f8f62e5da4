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
import { TEMPLATE_LIMIT } from "../live";
import { Credential, State, beijingTime, emptyState, validateState } from "../state";
import { Block, Evaluator } from "./expressions";
import type { BuilderTable, SeedContext } from "./types";
import { Obj, asArray, hex, newSecretPair } from "./values";
import { ServerLogin, applyDbAccounts, checkPlan } from "./mysql-accounts";
import { CAM } from "./cam";
import { CDB } from "./cdb";
import { COS } from "./cos";
import { LIVE } from "./live";
import { RANDOM } from "./random";
import { VPC } from "./vpc";

export { newSecretPair } from "./values";
export { cloneStackForFleet, fleetStacks } from "./fleet";
export type { FleetStack } from "./fleet";

/** The state is built in this order (types with a `build`, each in file order); it is also the order of evaluation. */
export const BUILDERS: BuilderTable = { ...RANDOM, ...CAM, ...COS, ...LIVE, ...CDB, ...VPC };

/** Options shared by every stack of one seeding (one account). */
export interface SeedAccountOptions {
  /** MySQL the DB instances point at (`mysql://user:pass@host:port/db`); without it a closed loopback port. */
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
  /** Write outputs.json (default true). */
  writeOutputs?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface SeedOptions extends SeedAccountOptions {
  /** `cdktf.out/stacks/<stack>`: holds cdk.tf.json; outputs.json is written here. */
  stackDir: string;
  /** Values for Terraform variables without defaults (else TF_VAR_<name>, else a random 32-character string). */
  variables?: Record<string, string>;
}

/** One stack of a multi-stack seeding: a folder holding cdk.tf.json, or the document itself. */
export interface StackToSeed {
  /** `cdktf.out/stacks/<stack>`: cdk.tf.json is read from here unless `tfJson` is given. */
  stackDir?: string;
  /** The synthesized document (`cdk.tf.json` parsed); with it nothing is read from disk. */
  tfJson?: object;
  /** Stack name (the outputs file's top-level key). Default: the base name of `stackDir`; required without it. */
  stack?: string;
  /** Folder of outputs.json. Default: `stackDir`; required without it unless writeOutputs is false. */
  outDir?: string;
  /** Values for Terraform variables without defaults (else TF_VAR_<name>, else a random 32-character string). */
  variables?: Record<string, string>;
}

export interface SeedStacksOptions extends SeedAccountOptions {
  stacks: StackToSeed[];
  /** Names the input in error messages (the CLI passes "--seed-from-stack"). Default "seedStacks". */
  label?: string;
}

export interface SeededStack {
  stack: string;
  outputs: StackOutputs;
  /** Where outputs.json is (or would be, with writeOutputs false) written; "" when the stack has no folder. */
  outputsFile: string;
  /** Lines for the log: resources synthesised generically (unknown types), what was done on the MySQL server. */
  notes: string[];
}

export interface SeedStacksResult {
  /** One account holding every stack's resources. */
  state: State;
  owner: Credential;
  /** In the order given. */
  stacks: SeededStack[];
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

/** Seeds state and outputs from `<stackDir>/cdk.tf.json` (one stack; see seedStacks for several). */
export async function seedFromStack(opts: SeedOptions): Promise<SeedResult> {
  const { stackDir, variables, ...account } = opts;
  const r = await seedStacks({ ...account, stacks: [{ stackDir, variables }] });
  const s = r.stacks[0];
  return { stack: s.stack, state: r.state, outputs: s.outputs, outputsFile: s.outputsFile, owner: r.owner, notes: s.notes };
}

/** The stack's document and where it came from. */
function loadStack(s: StackToSeed, label: string): { doc: Obj; file: string; stack: string; outDir?: string } {
  const stack = s.stack ?? (s.stackDir ? path.basename(path.resolve(s.stackDir)) : undefined);
  if (!stack) throw new InputError(`${label}: a stack given as a document needs a name (stack)`);
  let doc: Obj;
  let file: string;
  if (s.tfJson !== undefined) {
    doc = s.tfJson as Obj;
    file = s.stackDir ? path.join(s.stackDir, "cdk.tf.json") : `${stack} (cdk.tf.json)`;
  } else {
    if (!s.stackDir) throw new InputError(`${label}: stack "${stack}" needs a stackDir or a tfJson document`);
    file = path.join(s.stackDir, "cdk.tf.json");
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new InputError(
        `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run \`live-infra synth\` first and pass --seed-from-stack cdktf.out/stacks/<stack>`,
      );
    }
    doc = parseJsonFile(text, file) as Obj;
  }
  if (!doc || typeof doc !== "object" || (!doc.resource && !doc.output)) throw new InputError(`${file}: not a synthesized Terraform JSON stack (no "resource" or "output")`);
  return { doc, file, stack, outDir: s.outDir ?? s.stackDir };
}

/**
 * Names one account holds once: what a second stack declaring the same would clash on. Each entry lists the
 * names of that kind in the state.
 */
const UNIQUE_IN_ACCOUNT: Array<{ what: string; names(s: State): string[] }> = [
  { what: "COS bucket", names: (s) => s.buckets.map((b) => b.name) },
  { what: "live domain", names: (s) => s.live.domains.map((d) => d.name) },
  { what: "CAM user", names: (s) => s.cam.users.map((u) => u.name) },
  { what: "CAM policy name", names: (s) => s.cam.policies.map((p) => p.policyName) },
];

interface Built {
  stack: string;
  file: string;
  outputsFile: string;
  outputs: Record<string, unknown>;
  ctx: SeedContext;
  notes: string[];
}

/**
 * Seeds several stacks into ONE account (one state, one owner key, shared id sequences so template, policy and UIN
 * ids never repeat), and writes each stack's outputs.json into its own folder. Stacks that declare the same
 * account-unique name (bucket, live domain, CAM user or policy name; with mysqlAccounts, a database account on the
 * shared server) are refused with an InputError naming both stacks and the name; nothing is written then, and the
 * MySQL server is not touched. Order of work: every stack is evaluated, then the server is set up, then the outputs
 * files are written.
 */
export async function seedStacks(opts: SeedStacksOptions): Promise<SeedStacksResult> {
  const label = opts.label ?? "seedStacks";
  if (!opts.stacks.length) throw new InputError(`${label}: no stack to seed`);
  const env = opts.env ?? process.env;
  const appId = opts.appId ?? "1250000000";
  const ownerUin = opts.ownerUin ?? "100000000001";
  const ownerPair =
    opts.owner ?? (env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY ? { secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY } : newSecretPair());
  const login = opts.mysqlUrl ? parseMysqlUrl(opts.mysqlUrl) : undefined;
  const mysql = login ? { host: login.host, port: login.port } : { host: "127.0.0.1", port: await closedLoopbackPort() };
  const created = beijingTime();
  const state = emptyState(appId, ownerUin);
  const sequences = new Map<string, number>();
  const nextId = (sequence: string, first: number) => {
    const id = sequences.get(sequence) ?? first;
    sequences.set(sequence, id + 1);
    return id;
  };
  const owner: Credential = { ...ownerPair, kind: "owner", uin: ownerUin, createTime: created };
  state.credentials.push(owner);

  const loaded = opts.stacks.map((s) => loadStack(s, label));
  const byName = new Map<string, string>();
  const byOutputs = new Map<string, string>();
  for (const l of loaded) {
    const seen = byName.get(l.stack);
    if (seen) throw new InputError(`${label}: stack "${l.stack}" is given twice (${seen} and ${l.file}); each stack is seeded once`);
    byName.set(l.stack, l.file);
    if (opts.writeOutputs !== false) {
      if (!l.outDir) throw new InputError(`${label}: stack "${l.stack}" has no folder for outputs.json; give it outDir (or writeOutputs: false)`);
      const out = path.resolve(l.outDir, "outputs.json");
      const other = byOutputs.get(out);
      if (other) throw new InputError(`${label}: stacks "${other}" and "${l.stack}" would both write ${path.join(l.outDir, "outputs.json")}; give each its own folder`);
      byOutputs.set(out, l.stack);
    }
  }

  // Which stack holds each account-unique name, for the clash message.
  const holders = new Map<string, string>();
  const built: Built[] = [];
  for (const [i, l] of loaded.entries()) {
    const before = UNIQUE_IN_ACCOUNT.map((u) => u.names(state).length);
    const b = buildStack(l, opts.stacks[i].variables ?? {}, env, { state, created, nextId, appId, ownerUin, mysql });
    for (const [k, u] of UNIQUE_IN_ACCOUNT.entries()) {
      for (const name of u.names(state).slice(before[k])) {
        const key = `${u.what}\0${name}`;
        const holder = holders.get(key);
        if (holder === undefined) holders.set(key, l.stack);
        else if (holder !== l.stack) throw clash(label, u.what, name, holder, l.stack, loaded);
      }
    }
    if (login && opts.mysqlAccounts) {
      for (const a of b.ctx.db.accounts) {
        const key = `db\0${a.user}@${a.host}`;
        const holder = holders.get(key);
        if (holder !== undefined && holder !== l.stack) {
          throw clash(
            label,
            `database account (on ${login.host}:${login.port}, which every stack's instance stands for)`,
            `${a.user}@${a.host}`,
            holder,
            l.stack,
            loaded,
            "Give the stacks distinct database account names, or seed without creating accounts (--no-mysql-accounts; " +
              "in-process mysqlAccounts: false)",
          );
        }
        holders.set(key, l.stack);
      }
    }
    built.push(b);
  }
  // The account's quotas the API itself enforces: a seed never builds an account no deploy could have made.
  for (const [what, n] of [["callback templates", state.live.callbackTemplates.length], ["recording templates", state.live.recordTemplates.length]] as const) {
    if (n > TEMPLATE_LIMIT) {
      throw new InputError(`${label}: the ${loaded.length} stack(s) declare ${n} ${what}; one account holds at most ${TEMPLATE_LIMIT} (Tencent Cloud answers InternalError.ConfOutLimit): seed fewer stacks into one sandbox`);
    }
  }
  const valid = validateState(state, loaded.length === 1 ? `${loaded[0].file} (seeded state)` : `${label} (seeded state of ${loaded.length} stacks)`);

  if (login && opts.mysqlAccounts) {
    for (const b of built) checkPlan(b.ctx.db, login); // every stack's plan before any statement runs
    for (const b of built) b.notes.push(...(await applyToServer(login, b.ctx, b.outputs)));
  }
  const stacks: SeededStack[] = built.map((b) => {
    const outputs = b.outputs as unknown as StackOutputs;
    if (opts.writeOutputs !== false) writeStackOutputs(b.outputsFile, b.stack, outputs); // mode 0600: it holds keys
    return { stack: b.stack, outputs, outputsFile: b.outputsFile, notes: b.notes };
  });
  return { state: valid, owner, stacks };
}

function clash(
  label: string,
  what: string,
  name: string,
  first: string,
  second: string,
  loaded: Array<{ stack: string; file: string }>,
  fix = "Give each stack its own names (e.g. synthesize each environment with its own names, or copy one stack with " +
    "cloneStackForFleet from sandbox/seed/fleet.ts)",
): InputError {
  const file = (s: string) => loaded.find((l) => l.stack === s)?.file ?? s;
  return new InputError(
    `${label}: stacks "${first}" (${file(first)}) and "${second}" (${file(second)}) both declare the ${what} "${name}"; ` +
      `one account holds it once, so nothing was seeded. ${fix}`,
  );
}

/** Evaluates one stack into the shared state; returns its outputs (not written yet) and its database plan. */
function buildStack(
  l: { doc: Obj; file: string; stack: string; outDir?: string },
  given: Record<string, string>,
  env: NodeJS.ProcessEnv,
  shared: Pick<SeedContext, "state" | "created" | "nextId" | "appId" | "ownerUin" | "mysql">,
): Built {
  const { doc, file } = l;
  const variables: Record<string, string> = { ...given };
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

  const ctx: SeedContext = { ...shared, file, regionOf, db: { accounts: [], grants: [], skipped: [] } };

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
  const outputsFile = l.outDir ? path.join(l.outDir, "outputs.json") : "";
  return { stack: l.stack, file, outputsFile, outputs, ctx, notes: [...evaluator.notes] };
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
