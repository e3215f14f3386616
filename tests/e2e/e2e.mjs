// End-to-end: sign in through a fake IndieAuth provider, write a note with a tag and a
// photo, see it on the home page and in the feed, edit it, delete it — in Debian's
// headless Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startProvider } from "./provider.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.STARPUNK_BIN || path.join(root, "target/debug/starpunk");
const outDir = path.join(here, "out");
fs.mkdirSync(outDir, { recursive: true });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

const results = [];
async function step(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e.stack || e}`);
    throw e;
  }
}

function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

const provider = await startProvider();
const port = await freePort();
const site = `http://127.0.0.1:${port}`;
const data = fs.mkdtempSync(path.join(os.tmpdir(), "starpunk-e2e-"));
const server = spawn(bin, [], {
  cwd: data,
  env: { PATH: process.env.PATH, DATA_PATH: path.join(data, "data"), HOST: "127.0.0.1", PORT: String(port), SITE_URL: site, ADMIN_ME: `${provider.base}/`, SITE_NAME: "E2E Blog", LOG_LEVEL: "warn" },
  stdio: ["ignore", "inherit", "inherit"],
});
let browser;
let failed = false;
try {
  await waitFor(`${site}/health`);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const slug = "browser-note";

  await step("sign in through the provider and land on /admin/", async () => {
    await page.goto(`${site}/admin/`);
    expect(page.url().startsWith(`${site}/auth/login`), `redirected to sign-in, got ${page.url()}`);
    await page.getByRole("button", { name: /Sign in as/ }).click();
    await page.waitForURL(`${provider.base}/auth?**`);
    await page.click("#approve");
    await page.waitForURL(`${site}/admin/`);
    expect((await page.textContent("h1")).includes("Notes"), "the dashboard");
  });

  await step("write a note with a tag and a photo", async () => {
    await page.click("text=New note");
    await page.fill("#content", "# Browser note\n\nWritten in **Chromium**.");
    await page.fill("#slug", slug);
    await page.fill("#tags", "e2e, Browser");
    await page.setInputFiles("#photo0", path.join(here, "fixtures/photo.jpg"));
    await page.fill("#caption0", "A test photo");
    await page.click("button[value=save]");
    await page.waitForURL(`${site}/admin/?done=created`);
    expect((await page.textContent(".flash")).includes("Note saved"), "a message after saving");
  });

  await step("see it on the home page with its photo", async () => {
    await page.goto(`${site}/`);
    const title = await page.textContent(".h-entry .p-name");
    expect(title.includes("Browser note"), `title on home: ${title}`);
    const img = page.locator("img.u-photo").first();
    expect((await img.getAttribute("alt")) === "A test photo", "alt text from the caption");
    await page.waitForFunction(() => { const i = document.querySelector("img.u-photo"); return i && i.complete && i.naturalWidth > 0; });
    expect((await page.locator("a.p-category").allTextContents()).includes("e2e"), "the tag is shown");
    await page.screenshot({ path: path.join(outDir, "home.png"), fullPage: true });
  });

  await step("find it in the feed", async () => {
    const res = await page.request.get(`${site}/feed.atom`);
    const body = await res.text();
    expect(res.ok() && body.includes(`/note/${slug}`) && body.includes("enclosure"), "the note and its photo in the Atom feed");
  });

  await step("edit it", async () => {
    await page.goto(`${site}/admin/`);
    await page.click(`tr:has-text("Browser note") >> text=Edit`);
    await page.fill("#content", "# Browser note\n\nEdited in the browser.");
    await page.fill("input[name^=caption_]", "A re-captioned photo");
    await page.click("button[value=save]");
    await page.waitForURL(/\/admin\/edit\/\d+\?done=saved/);
    await page.goto(`${site}/note/${slug}`);
    expect((await page.textContent(".e-content")).includes("Edited in the browser"), "the edit is live");
    expect((await page.locator("img.u-photo").getAttribute("alt")) === "A re-captioned photo", "new caption");
  });

  await step("delete it", async () => {
    await page.goto(`${site}/admin/`);
    await page.click(`tr:has-text("Browser note") >> text=Delete`);
    expect((await page.textContent("h1")).includes("Delete this note?"), "a confirmation step");
    await page.click("button.danger");
    await page.waitForURL(`${site}/admin/?done=deleted`);
    const res = await page.request.get(`${site}/note/${slug}`);
    expect(res.status() === 410, `deleted note answers 410, got ${res.status()}`);
  });
} catch (e) {
  failed = true;
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  provider.close();
  fs.rmSync(data, { recursive: true, force: true });
}
const passed = results.filter(([, ok]) => ok).length;
const failures = results.length - passed + (failed && results.every(([, ok]) => ok) ? 1 : 0);
console.log(`e2e: ${passed} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
