/**
 * The report page in a real headless Chromium (Debian's `chromium`, driven by playwright-core): what a person sees,
 * and that opening it makes no network request. Skipped, with a note, where no browser is installed.
 * LIVE_INFRA_KEEP_SCREENSHOTS=1 keeps the temp folder with the screenshots (its path is printed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { chromium, type Browser, type Page } from "playwright-core";
import { SCENARIOS } from "../../demo/scenarios";
import { NODES, renderHtmlPage } from "../../page";
import { fixOf, scenarioReport } from "./fixtures";

const BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome"];

function findBrowser(): string | undefined {
  const env = process.env.LIVE_INFRA_CHROMIUM;
  if (env) return env;
  for (const name of BROWSER_NAMES) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const executablePath = findBrowser();
const suite = executablePath ? describe : describe.skip;
if (!executablePath) {
  console.log(
    `test/page/browser.test.ts skipped: no headless browser found (${BROWSER_NAMES.join(", ")} on PATH, or LIVE_INFRA_CHROMIUM). ` +
      "Install Debian's chromium package (apt-get install chromium) to run it.",
  );
}

suite("report page in headless Chromium", () => {
  // One browser and one tab for the file (starting either costs more than a test's own work); each test loads its
  // own file into the tab and counts the requests of that load only.
  let browser: Browser;
  let page: Page;
  let requests: string[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-infra-page-"));
    browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on("request", (r) => requests.push(r.url()));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir && !process.env.LIVE_INFRA_KEEP_SCREENSHOTS) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page from a file in the tab; returns the tab and every URL the browser asked for since. */
  async function open(name: string, html: string): Promise<{ page: Page; requests: string[]; url: string }> {
    const file = path.join(dir, `${name}.html`);
    fs.writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    requests = [];
    const mine = requests;
    await page.goto(url, { waitUntil: "load" });
    return { page, requests: mine, url };
  }

  async function shoot(page: Page, name: string): Promise<void> {
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    console.log(`screenshot: ${file}`);
  }

  /**
   * node id → the aria-label and visible status text of its drawing. The queries are sent together: one after the
   * other, each a round trip to the browser, they took longer than the rest of a test.
   */
  async function nodes(page: Page): Promise<Record<string, { aria: string; shown: string; visible: boolean }>> {
    const entries = await Promise.all(
      NODES.map(async (n) => {
        const g = page.locator(`svg g.node[data-node="${n.id}"]`);
        const [aria, shown, visible] = await Promise.all([g.getAttribute("aria-label"), g.locator("text.status").textContent(), g.isVisible()]);
        return [n.id, { aria: aria ?? "", shown: (shown ?? "").trim(), visible }] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  it("healthy: every node reads ✓ pass (the record template: not checked), nothing to fix, no request", async () => {
    const healthy = SCENARIOS.find((s) => s.name === "healthy")!;
    const { page, requests, url } = await open("healthy", renderHtmlPage({ validate: scenarioReport(healthy), lang: "en" }));
    const seen = await nodes(page);
    for (const n of NODES) {
      const status = n.id === "record-template" ? "– not checked" : "✓ pass";
      expect({ id: n.id, ...seen[n.id] }).toEqual({ id: n.id, aria: `${n.label.en}: ${status}`, shown: status, visible: true });
    }
    const body = await page.locator("body").innerText();
    expect(body).toContain("Verdict: all good");
    expect(await page.locator("section.problems").innerText()).toContain("Nothing to fix.");
    expect(await page.locator("svg").getAttribute("role")).toBe("img");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.title()).toBe("live-infra report — live-demo-dev");
    await shoot(page, "healthy");
    expect(requests).toEqual([url]);
  });

  it("db-unreachable: tb_vod reads ✗ fail, the replay list – skip, the fix and FAQ keyword beside it, no request", async () => {
    const s = SCENARIOS.find((x) => x.name === "db-unreachable")!;
    const { page, requests, url } = await open("db-unreachable", renderHtmlPage({ validate: scenarioReport(s), lang: "en" }));
    const seen = await nodes(page);
    expect(seen["tb-vod"]).toEqual({ aria: "tb_vod: ✗ fail", shown: "✗ fail", visible: true });
    expect(seen["replay-list"]).toEqual({ aria: "Replay list: – skip", shown: "– skip", visible: true });
    for (const id of ["app", "signing-key", "cos-bucket", "push-domain", "callback-rule", "callback-template", "backend-url", "record-rule"]) {
      expect({ id, shown: seen[id].shown }).toEqual({ id, shown: "✓ pass" });
    }
    const problems = page.locator("section.problems article");
    expect(await problems.count()).toBe(1);
    const text = await problems.first().innerText();
    expect(text).toContain("✗ fail · tb_vod · db.connect");
    expect(text).toContain("FAQ keyword: cdn.route.ini");
    expect(text).toContain(`Fix: ${fixOf("db.connect")}`);
    expect(await problems.first().locator("p.fix").isVisible()).toBe(true);
    expect(await page.locator("body").innerText()).toContain("Verdict: problems found (db.connect)");
    // The failing node's frame is drawn differently from a passing one (not by colour alone: width too).
    const width = (id: string) => page.locator(`g.node[data-node="${id}"] rect`).getAttribute("stroke-width");
    expect(Number(await width("tb-vod"))).toBeGreaterThan(Number(await width("app")));
    await shoot(page, "db-unreachable");
    expect(requests).toEqual([url]);
  });
});
