// The cdktf app entry (stacks/main.ts): errors carry the CLI's `live-infra:` prefix and the CLI's exit codes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../stacks/main";

test("an unusable CDKTF_OUTDIR is an input error prefixed live-infra: (exit 2)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-main-"));
  const file = path.join(dir, "not-a-dir");
  fs.writeFileSync(file, "");
  const saved = process.env.CDKTF_OUTDIR;
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    process.env.CDKTF_OUTDIR = path.join(file, "out");
    expect(main()).toBe(2);
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const text = lines.join("");
  expect(text).toMatch(/^live-infra: .*cannot create the output folder/m);
  expect(text).not.toMatch(/live-demo:/);
});
