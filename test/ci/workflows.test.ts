// The GitHub Actions workflows: valid against the workflow schema (action-validator), and every `run:` line names
// a script or command that exists — `npm run X` a package.json script, `npx live-infra CMD --flag` a registered
// command and one of its options — so a workflow cannot drift from the CLI it documents.
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { buildProgram } from "../../cli/index";
import { REPO_ROOT } from "../helpers/paths";

const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const workflows = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts;

interface RunLine {
  file: string;
  job: string;
  command: string;
}

function runLines(file: string): RunLine[] {
  const doc = parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"));
  const out: RunLine[] = [];
  for (const [job, def] of Object.entries<any>(doc.jobs ?? {})) {
    for (const step of def.steps ?? []) {
      if (typeof step.run !== "string") continue;
      const joined = step.run.replace(/\\\n\s*/g, " ");
      for (const line of joined.split("\n")) {
        for (const part of line.split(/&&|\|\||;|\|/)) {
          const command = part.trim();
          if (command) out.push({ file, job, command });
        }
      }
    }
  }
  return out;
}

/** Words of a shell command with quotes removed (enough for the workflows' simple lines). */
function words(command: string): string[] {
  return (command.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ""));
}

function optionsOf(name: string): Set<string> {
  const program = buildProgram([name]);
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) throw new Error(`no command ${name}`);
  const flags = new Set<string>(["--help", "-h"]);
  for (const o of cmd.options) {
    if (o.long) flags.add(o.long);
    if (o.short) flags.add(o.short);
  }
  return flags;
}

describe("GitHub Actions workflows", () => {
  test("there are workflows for pull requests and nightly drift", () => {
    expect(workflows).toEqual(expect.arrayContaining(["pr.yml", "drift.yml"]));
  });

  test.each(workflows)("%s is valid against the workflow schema", (file) => {
    const state = validateWorkflow(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"));
    expect(state.errors).toEqual([]);
  });

  test.each(workflows)("%s: every npm script and live-infra command it runs exists, with options it has", (file) => {
    const problems: string[] = [];
    for (const { job, command } of runLines(file)) {
      const w = words(command);
      if (w[0] === "npm") {
        if (w[1] === "run") {
          const name = w.slice(2).find((x) => !x.startsWith("-"));
          if (!name || !(name in scripts)) problems.push(`${job}: npm run ${name}: no such script`);
        } else if (!["ci", "test"].includes(w[1])) problems.push(`${job}: npm ${w[1]}: not a command the README documents`);
      } else if (w[0] === "npx") {
        if (w[1] === "live-infra") {
          const name = w[2];
          let known: Set<string>;
          try {
            known = optionsOf(name);
          } catch {
            problems.push(`${job}: live-infra ${name}: no such command`);
            continue;
          }
          for (const flag of w.slice(3).filter((x) => x.startsWith("-"))) {
            const bare = flag.split("=")[0];
            if (!known.has(bare)) problems.push(`${job}: live-infra ${name} ${bare}: no such option`);
          }
        } else problems.push(`${job}: npx ${w[1]}: only live-infra is run through npx`);
      } else if (w[0] === "terraform") {
        if (!["init", "apply", "plan", "output", "destroy"].includes(w[1])) problems.push(`${job}: terraform ${w[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("the ephemeral stack's teardown runs whatever happened before it", () => {
    const doc = parse(fs.readFileSync(path.join(WORKFLOW_DIR, "pr.yml"), "utf8"));
    const teardown = doc.jobs.ephemeral.steps.find((s: any) => typeof s.run === "string" && s.run.includes("live-infra teardown"));
    expect(teardown).toBeDefined();
    expect(String(teardown.if)).toContain("always()");
  });

  test("the nightly drift job is a matrix over the protected environments", () => {
    const doc = parse(fs.readFileSync(path.join(WORKFLOW_DIR, "drift.yml"), "utf8"));
    const protectedEnvs = fs
      .readdirSync(path.join(REPO_ROOT, "environments"))
      .filter((f) => f.endsWith(".json") && f !== "schema.json")
      .filter((f) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "environments", f), "utf8")).protection?.mode === "protected")
      .map((f) => f.replace(/\.json$/, ""));
    expect([...doc.jobs.drift.strategy.matrix.env].sort()).toEqual(protectedEnvs.sort());
    expect(doc.on.schedule).toBeDefined();
    expect(doc.on).toHaveProperty("workflow_dispatch");
  });
});
