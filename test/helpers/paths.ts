/** The repository root, for tests that read shipped files or run the compiled CLI. */
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
