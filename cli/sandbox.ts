/**
 * `live-infra sandbox`: runs the local Tencent Cloud emulator (API 3.0 + COS + control API on one port) until
 * SIGINT/SIGTERM. Prints exactly one JSON line on stdout with the URLs; everything else goes to stderr.
 */
import { Command } from "commander";
import { InputError } from "../common/errors";
import { startSandbox } from "../sandbox/server";
import { State, StateStore, emptyState } from "../sandbox/state";
import { FaultConfig, FaultSpec, parseFaultSpec, validateFaultConfig } from "../sandbox/faults";
import type { seedStacks as SeedStacks } from "../sandbox/seed";
import { RateLimitConfig, rateLimitFromFlags } from "../sandbox/rate-limit";
import { isEmulatedAction } from "../sandbox/api";
import { action, intOption } from "./run";
import { nameMap } from "../common/records";

function rate(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) throw new InputError(`${flag} must be a number from 0 to 1 (got "${value}")`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface Opts {
  port: number;
  state?: string;
  /** Repeatable; [] when absent. */
  seedFromStack: string[];
  mysqlUrl?: string;
  /** false with --no-mysql-accounts. */
  mysqlAccounts: boolean;
  writeState?: string;
  seed: number;
  latency?: number;
  throttleRate?: number;
  errorRate?: number;
  dropRate?: number;
  fault: string[];
  rateLimit: string[];
}

export function faultConfigFromFlags(o: Pick<Opts, "latency" | "throttleRate" | "errorRate" | "dropRate" | "fault">): FaultConfig {
  const rules = nameMap<FaultSpec>();
  const global: FaultSpec = {};
  if (o.latency !== undefined) global.latencyMs = o.latency;
  if (o.throttleRate !== undefined) global.throttleRate = o.throttleRate;
  if (o.errorRate !== undefined) global.errorRate = o.errorRate;
  if (o.dropRate !== undefined) global.dropRate = o.dropRate;
  if (Object.keys(global).length) rules["*"] = global;
  for (const f of o.fault) {
    const i = f.indexOf("=");
    if (i <= 0) throw new InputError(`--fault "${f}": expected PATTERN=SPEC, e.g. live:DescribeLiveDomains=latency=200,throttle=0.5`);
    const pattern = f.slice(0, i);
    rules[pattern] = { ...rules[pattern], ...parseFaultSpec(f.slice(i + 1), `--fault ${pattern}`) };
  }
  return validateFaultConfig({ rules }, "fault flags");
}

function describeLimits(c: RateLimitConfig): string {
  const parts = c.perAction !== undefined ? [`${c.perAction}/s per action`] : [];
  for (const [k, n] of Object.entries(c.actions ?? {})) parts.push(`${k} ${n}/s`);
  return parts.join(", ");
}

function ownerFromEnv(state: State): State {
  const id = process.env.TENCENTCLOUD_SECRET_ID;
  const key = process.env.TENCENTCLOUD_SECRET_KEY;
  if (id && key && !state.credentials.some((c) => c.secretId === id)) {
    state.credentials.push({ secretId: id, secretKey: key, kind: "owner", uin: state.ownerUin });
  }
  return state;
}

export function register(program: Command): void {
  program
    .command("sandbox")
    .description(
      "Run the local Tencent Cloud emulator: API 3.0 (live, cdb, cam, sts, tag, vpc), COS XML and a control API on one " +
        "loopback port, routed by the Host header. Prints one JSON line {\"api\",\"cos\",\"control\"} on stdout, logs " +
        "to stderr, runs until SIGINT/SIGTERM. See docs/sandbox.md.",
    )
    .option("--port <n>", "listening port on 127.0.0.1 (0 = any free port)", intOption("--port", 0, 65535), 0)
    .option("--state <file>", "load the emulated account from a state JSON file (schema: sandbox/state.schema.json)")
    .option(
      "--seed-from-stack <dir>",
      "build the state a deploy of this synthesized stack would leave (cdktf.out/stacks/<stack>) and write " +
        "<dir>/outputs.json (sensitive values included); repeatable: every stack goes into one account, each gets " +
        "its own outputs.json, and two stacks declaring the same bucket, live domain, CAM user or policy name are " +
        "refused (exit 2)",
      collect,
      [],
    )
    .option(
      "--mysql-url <url>",
      "with --seed-from-stack: the MySQL the DB instance stands for (mysql://root:PASSWORD@host:port/), and an admin " +
        "account on it; the seeder creates the stack's database accounts there (see below). Without it the instance " +
        "points at a closed loopback port",
    )
    .option("--no-mysql-accounts", "with --mysql-url: only point the instance at the URL's address; change nothing on that server")
    .option("--write-state <file>", "also write the starting state (after loading or seeding) to this file (mode 0600)")
    .option("--seed <n>", "seed of the fault PRNG (same seed + same request order = same faults)", intOption("--seed", 0, 2 ** 31 - 1), 1)
    .option("--latency <ms>", "added latency for every request, ms", intOption("--latency", 0, 600000))
    .option("--throttle-rate <r>", "share (0-1) of requests answered RequestLimitExceeded / COS 503 SlowDown", rate("--throttle-rate"))
    .option("--error-rate <r>", "share (0-1) of requests answered with a 5xx", rate("--error-rate"))
    .option("--drop-rate <r>", "share (0-1) of requests whose connection is dropped without an answer", rate("--drop-rate"))
    .option(
      "--fault <pattern=spec>",
      "per-action faults, repeatable: PATTERN is <service>:<Action> with * wildcards (cos:PutObject, live:*, " +
        "DescribeLiveDomains), SPEC is latency=MS,throttle=R,error=R,drop=R,spike=R,spikeMs=MS (spike: a share of requests delayed spikeMs more, default 1000); overrides the global flags",
      collect,
      [],
    )
    .option(
      "--rate-limit <n|action=n>",
      "API 3.0 request-rate limit, repeatable: N = every action may take N requests per second per account (Tencent " +
        "documents 20 for most actions); <Action>=N or <service>:<Action>=N sets one action's own limit (e.g. " +
        "DescribeLiveDomains=10, live:DescribeLiveDomains=10). Over it: RequestLimitExceeded. Default: no limit. COS " +
        "is not limited (use --fault cos:*=throttle=R for SlowDown)",
      collect,
      [],
    )
    .addHelpText(
      "after",
      "\nOwner key: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, when set, become an owner key of the state.\n" +
        "Otherwise --seed-from-stack generates the keys (read them from GET <control>/state); an empty state has none\n" +
        "until you add one with POST <control>/credentials.\n" +
        "\n" +
        "The seeded database (--seed-from-stack with --mysql-url): the seeder makes that server match outputs.json, as\n" +
        "a deploy would, so `live-infra migrate --stack <stack>` and the backend configuration rendered from the outputs\n" +
        "work. Connected as the URL's account (default user root; it needs CREATE USER and GRANT OPTION), it\n" +
        "  - creates each database account the stack declares (tencentcloud_mysql_account, e.g. live_user) with the\n" +
        "    seeded password written to outputs.json as db_password. AN EXISTING ACCOUNT OF THAT NAME AND HOST GETS ITS\n" +
        "    PASSWORD CHANGED to the new seeded one (each seeding draws new passwords);\n" +
        "  - grants what the stack grants (tencentcloud_mysql_privilege, e.g. SELECT, INSERT, UPDATE on live_demo.*);\n" +
        "    it never revokes, and leaves creating the database to migrate;\n" +
        "  - never changes the URL's own account or root: db_root_password in outputs.json is the URL's password when\n" +
        "    the URL names root with a password (the instance's root); otherwise it is left out and migrate needs\n" +
        "    --admin-url.\n" +
        "Passwords are never printed. --no-mysql-accounts only points the instance at the URL's address. With several\n" +
        "--seed-from-stack, every stack's instance stands for that one server: two stacks declaring the same database\n" +
        "account are refused (exit 2) unless --no-mysql-accounts.\n" +
        "\n" +
        "Rate limits (--rate-limit): a sliding one-second window per account (the state's owner UIN; sub-user keys\n" +
        "count for their account) and per <service>:<Action>; refused requests do not use up the limit. Counters of\n" +
        "requests and refusals per action, and the limits, are at GET <control>/rate-limits; PUT it to change the\n" +
        "limits, POST <control>/rate-limits/reset to zero the counters. See docs/sandbox.md#rate-limits.\n" +
        "\n" +
        "Exit codes: 0 stopped by a signal, 1 failed (e.g. the MySQL server refused), 2 bad input.",
    )
    .action(
      action(async (opts: Opts) => {
        const seeding = opts.seedFromStack.length > 0;
        if (opts.state && seeding) throw new InputError("--state and --seed-from-stack exclude each other; pass one");
        if (opts.mysqlUrl && !seeding) throw new InputError("--mysql-url needs --seed-from-stack");
        if (!opts.mysqlAccounts && !opts.mysqlUrl) throw new InputError("--no-mysql-accounts needs --mysql-url");
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const faults = faultConfigFromFlags(opts);
        const rateLimits = rateLimitFromFlags(opts.rateLimit, "--rate-limit", isEmulatedAction);
        let state: State;
        if (opts.state) state = StateStore.load(opts.state).get();
        else if (seeding) {
          // The seeder (and mysql2 behind it) loads only when seeding.
          const { seedStacks } = require("../sandbox/seed") as { seedStacks: typeof SeedStacks };
          const seeded = await seedStacks({
            stacks: opts.seedFromStack.map((stackDir) => ({ stackDir })),
            mysqlUrl: opts.mysqlUrl,
            mysqlAccounts: opts.mysqlAccounts,
            label: "--seed-from-stack",
          });
          state = seeded.state;
          seeded.stacks.forEach((s, i) => {
            for (const n of s.notes) log(`sandbox: seed: ${seeded.stacks.length > 1 ? `${s.stack}: ` : ""}${n}`);
            log(`sandbox: seeded from ${opts.seedFromStack[i]}; outputs written to ${s.outputsFile}`);
          });
        } else state = emptyState();
        state = ownerFromEnv(state);
        if (!state.credentials.length) log("sandbox: the state has no keys; add one with POST <control>/credentials or set TENCENTCLOUD_SECRET_ID/KEY");
        // Written before listening, so a bad path fails fast instead of leaving a server running.
        if (opts.writeState) new StateStore(state).save(opts.writeState);
        const sb = await startSandbox({ port: opts.port, state, faults, rateLimits, seed: opts.seed, log });
        if (rateLimits) log(`sandbox: rate limits on (${describeLimits(rateLimits)}); counters at ${sb.control}/rate-limits`);
        process.stdout.write(JSON.stringify({ api: sb.api, cos: sb.cos, control: sb.control }) + "\n");
        await new Promise<void>((resolve) => {
          const stop = (sig: string) => {
            log(`sandbox: ${sig}, stopping`);
            resolve();
          };
          process.once("SIGINT", () => stop("SIGINT"));
          process.once("SIGTERM", () => stop("SIGTERM"));
        });
        await sb.close();
        return 0;
      }),
    );
}
