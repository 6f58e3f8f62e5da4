/**
 * Locations inside the installed package, resolved from this module's own location (works from `stacks/*.ts` under
 * ts-jest and from `dist/stacks/*.js`), never from the working directory or a machine path.
 */
import * as fs from "fs";
import * as path from "path";

let cached: string | undefined;

/** The package root: the nearest folder above this module whose package.json is `live-demo-infra`. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "live-demo-infra") return (cached = dir);
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the live-demo-infra package root above ${__dirname}`);
    dir = parent;
  }
}

/** The pinned provider schema the bindings were generated from. */
export function providerSchemaFile(): string {
  return path.join(packageRoot(), "providers", "tencentcloud", "schema.json");
}

/** The shipped environment files. */
export function environmentsDir(): string {
  return path.join(packageRoot(), "environments");
}

/** The compiled CLI entry the migration provisioner runs (`node <this> migrate`). */
export function cliEntry(): string {
  return path.join(packageRoot(), "dist", "cli", "index.js");
}
