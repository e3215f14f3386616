// End-to-end: sign in through a fake IndieAuth provider, write a note with a tag and a
// photo, see it on the home page and in the feed, edit it, delete an image no note uses
// from the media page, delete the note — in Debian's
// headless Chromium driven by playwright-core. On the way, every page a person uses is
// audited at a desktop and a phone width (audit.mjs): no console error, no failed
// request, no sideways scrolling, a screenshot of each in screenshots/. Then the same
// for a blog that is its own identity (own.mjs): set-up link, passkeys, password.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { audit, WIDTHS } from "./audit.mjs";
import { ownSteps } from "./own.mjs";
import { startProvider } from "./provider.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.STARPUNK_BIN || path.join(root, "target/debug/starpunk");
const shots = path.join(here, "screenshots");
fs.rmSync(shots, { recursive: true, force: true });

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
  const desktop = await browser.newContext({ viewport: WIDTHS[0].viewport });
  const page = await desktop.newPage();
  const slug = "browser-note";
  let noteId = null;
  // Images on the media page: one no note uses (deleted from the page later), one in use.
  let unusedId = null;
  let usedId = null;

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
    await page.setInputFiles("#photo0", path.join(here, "fixtures/photo.jpg"));
    await page.fill("#caption0", "A second photo");
    await page.click("button[value=save]");
    await page.waitForURL(/\/admin\/edit\/\d+\?done=saved/);
    noteId = page.url().match(/\/admin\/edit\/(\d+)/)[1];
    await page.goto(`${site}/note/${slug}`);
    expect((await page.textContent(".e-content")).includes("Edited in the browser"), "the edit is live");
    const alts = await page.locator("img.u-photo").evaluateAll((imgs) => imgs.map((i) => i.alt));
    expect(alts.join("|") === "A re-captioned photo|A second photo", `new caption, added photo: ${alts}`);
  });

  await step("a photo removed from its note stays on the media page, not used", async () => {
    await page.goto(`${site}/admin/new`);
    await page.fill("#content", "# Second note\n\nIts photo is taken off again.");
    await page.setInputFiles("#photo0", path.join(here, "fixtures/photo.jpg"));
    await page.click("button[value=save]");
    await page.waitForURL(`${site}/admin/?done=created`);
    await page.click(`tr:has-text("Second note") >> text=Edit`);
    await page.check("input[name^=remove_]");
    await page.click("button[value=save]");
    await page.waitForURL(/\/admin\/edit\/\d+\?done=saved/);
    await page.click("nav >> text=Media");
    await page.waitForURL(`${site}/admin/media`);
    const cards = page.locator("li.media-item");
    expect((await cards.count()) === 3, `three images, got ${await cards.count()}`);
    const unused = cards.filter({ hasText: "Not used" });
    expect((await unused.count()) === 1, "one image no note uses");
    unusedId = (await unused.getAttribute("id")).replace("media-", "");
    const used = cards.filter({ hasText: "Browser note" }).first();
    usedId = (await used.getAttribute("id")).replace("media-", "");
    expect((await used.locator("button.danger").count()) === 0, "no Delete button for an image in use");
    const url = await unused.locator("input.media-url").inputValue();
    expect(url.startsWith(`${site}/media/`), `the absolute address to paste: ${url}`);
  });

  // Every page a person uses, signed out (readers) and signed in (the owner), at each
  // width. The owner's contexts share the desktop sign-in's cookies.
  const signedIn = await desktop.storageState();
  const contexts = [];
  const contextsFor = async (w) => {
    const opts = { viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.hasTouch };
    const c = { reader: await browser.newContext(opts), owner: await browser.newContext({ ...opts, storageState: signedIn }) };
    contexts.push(c.reader, c.owner);
    return c;
  };
  const go = (p) => (page) => page.goto(`${site}${p}`);
  const preview = async (page) => {
    await page.goto(`${site}/admin/new`);
    await page.fill("#content", "# Preview\n\nA *preview* with a [link](https://example.com/) and a long-unbroken-word-that-must-wrap-on-a-phone-screen-without-scrolling.");
    const [res] = await Promise.all([page.waitForNavigation(), page.click("button[value=preview]")]);
    expect((await page.textContent(".preview")).includes("A preview with a link"), "the preview is shown");
    return res;
  };
  const pages = () => [
    ["reader", "home", go("/")],
    ["reader", "note-with-photo", go(`/note/${slug}`)],
    ["reader", "tag", go("/tag/e2e")],
    ["reader", "search-results", go("/search?q=browser")],
    ["reader", "search-empty", go("/search")],
    ["reader", "search-nothing-found", go("/search?q=zebra")],
    ["reader", "not-found", go("/no/such/page"), { status: 404 }],
    ["reader", "sign-in", go("/auth/login")],
    ["reader", "sign-in-failed", go("/auth/callback?code=x&state=forged"), { status: 400 }],
    ["owner", "admin-dashboard", go("/admin/")],
    ["owner", "admin-dashboard-message", go("/admin/?done=saved")],
    ["owner", "admin-new", go("/admin/new"), { touch: true }],
    ["owner", "admin-edit-with-photo", go(`/admin/edit/${noteId}`), { touch: true }],
    ["owner", "admin-preview", preview, { touch: true }],
    ["owner", "admin-delete-confirm", go(`/admin/delete/${noteId}`)],
    ["owner", "admin-deleted-empty", go("/admin/deleted")],
    ["owner", "admin-media", go("/admin/media")],
    ["owner", "admin-media-delete-confirm", go(`/admin/media/delete/${unusedId}`)],
    ["owner", "admin-media-in-use", go(`/admin/media/delete/${usedId}`), { status: 409 }],
  ];
  await step("the audit itself catches a stylesheet answered 404 as HTML, a script error and sideways scrolling", async () => {
    const w = WIDTHS[1];
    const ctx = await contextsFor(w);
    await ctx.owner.route("**/static/admin.css", (r) => r.fulfill({ status: 404, contentType: "text/html", body: "<!doctype html><p>Not found" }));
    const faults = path.join(here, "out", "faults");
    let caught = "";
    try {
      await audit(ctx.owner, w, "fault", async (page) => {
        const res = await page.goto(`${site}/admin/`);
        await page.evaluate(() => {
          document.querySelector("main").style.width = "2000px";
          setTimeout(() => { throw new Error("planted"); }, 0);
        });
        await page.waitForTimeout(50);
        return res;
      }, { shots: faults });
    } catch (e) {
      caught = String(e.message);
    }
    expect(caught.includes("404 for stylesheet") && caught.includes("/static/admin.css"), `the 404 stylesheet is reported: ${caught}`);
    expect(caught.includes("script error: planted"), `the script error is reported: ${caught}`);
    expect(caught.includes("scrolls sideways"), `sideways scrolling is reported: ${caught}`);
    await ctx.owner.unrouteAll();
  });

  for (const w of WIDTHS) {
    const ctx = await contextsFor(w);
    for (const [who, name, action, opts] of pages()) {
      await step(`${name} at ${w.label} px: no errors, no sideways scroll`, () => audit(ctx[who], w, name, action, { shots, ...opts }));
    }
  }

  await step("re-order photos by thumb on a phone", async () => {
    const ctx = await contextsFor(WIDTHS[1]);
    const p = await ctx.owner.newPage();
    await p.goto(`${site}/admin/edit/${noteId}`);
    const cards = p.locator(".photo-item");
    expect((await cards.count()) === 2, "two photo cards");
    expect(await cards.nth(0).locator("button.move-up").isDisabled(), "the first cannot move up");
    await cards.nth(0).locator("button.move-down").tap();
    const order = await p.locator(".photo-item input[name^=caption_]").evaluateAll((i) => i.map((x) => x.value));
    expect(order.join("|") === "A second photo|A re-captioned photo", `cards swapped: ${order}`);
    const positions = await p.locator(".photo-item select").evaluateAll((s) => s.map((x) => x.value));
    expect(positions.join(",") === "1,2", `positions follow the cards: ${positions}`);
    await p.locator("button[value=save]").tap();
    await p.waitForURL(/\/admin\/edit\/\d+\?done=saved/);
    await p.goto(`${site}/note/${slug}`);
    const alts = await p.locator("img.u-photo").evaluateAll((imgs) => imgs.map((i) => i.alt));
    expect(alts.join("|") === "A second photo|A re-captioned photo", `the new order is live: ${alts}`);
    await p.close();
  });

  await step("the editor warns before unsaved changes are lost (admin.js runs)", async () => {
    const p = await desktop.newPage();
    await p.goto(`${site}/admin/new`);
    await p.click("#content");
    await p.keyboard.type("Unsaved words");
    let asked = null;
    p.once("dialog", async (d) => {
      asked = d.type();
      await d.dismiss();
    });
    await p.click("nav >> text=Notes");
    await p.waitForTimeout(0);
    expect(asked === "beforeunload", `a leave-page warning, got ${asked}`);
    expect(p.url() === `${site}/admin/new`, `stayed on the editor, at ${p.url()}`);
    expect((await p.inputValue("#content")) === "Unsaved words", "the text is still there");
    await p.close({ runBeforeUnload: false });
  });

  await step("copy an image's address, then delete the unused image from the media page", async () => {
    await desktop.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site });
    await page.goto(`${site}/admin/media`);
    const card = page.locator(`#media-${unusedId}`);
    const url = await card.locator("input.media-url").inputValue();
    await card.getByRole("button", { name: "Copy" }).click();
    await page.waitForFunction((id) => document.querySelector(`#media-${id} button.copy`).textContent !== "Copy", unusedId);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied === url, `the address is on the clipboard: ${copied}`);
    await card.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${site}/admin/media/delete/${unusedId}`);
    expect((await page.textContent("h1")).includes("Delete this image?"), "a confirmation step");
    await page.click("button.danger");
    await page.waitForURL(`${site}/admin/media?done=media-deleted`);
    expect((await page.textContent(".flash")).includes("Image deleted"), "a message after deleting");
    expect((await page.locator(`#media-${unusedId}`).count()) === 0, "the image left the list");
    expect((await page.locator("li.media-item").count()) === 2, "the images in use stay");
    const res = await page.request.get(url);
    expect(res.status() === 404, `its address answers 404, got ${res.status()}`);
  });

  await step("a note written through Micropub keeps its reply-to and category when edited in the admin", async () => {
    const auth = { authorization: `Bearer ${provider.token}` };
    const post = {
      type: ["h-entry"],
      properties: {
        content: ["Replying from an app"],
        "in-reply-to": ["https://example.com/a-post"],
        category: ["fromapp", "https://alice.example/"],
      },
    };
    const res = await page.request.post(`${site}/micropub`, { headers: { ...auth, "content-type": "application/json" }, data: JSON.stringify(post) });
    expect(res.status() === 201, `Micropub create answered ${res.status()}: ${await res.text()}`);
    const loc = res.headers()["location"];
    await page.goto(`${site}/admin/`);
    await page.click(`tr:has-text("Replying from an app") >> text=Edit`);
    expect((await page.inputValue("#tags")).includes("fromapp"), "the app's category is in the tag field");
    await page.fill("#content", "Replying from an app, edited in the browser.");
    await page.click("button[value=save]");
    await page.waitForURL(/\/admin\/edit\/\d+\?done=saved/);
    const source = await page.request.get(`${site}/micropub?q=source&url=${encodeURIComponent(loc)}`, { headers: auth });
    const props = (await source.json()).properties;
    expect(props.content[0] === "Replying from an app, edited in the browser.", `the edit is saved: ${JSON.stringify(props.content)}`);
    expect(JSON.stringify(props["in-reply-to"]) === JSON.stringify(["https://example.com/a-post"]), `in-reply-to kept: ${JSON.stringify(props)}`);
    expect(props.category.includes("fromapp") && props.category.includes("https://alice.example/"), `categories kept: ${JSON.stringify(props.category)}`);
    await page.goto(loc);
    expect((await page.locator("a.u-in-reply-to").getAttribute("href")) === "https://example.com/a-post", "the page shows what it replies to");
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

  for (const w of WIDTHS) {
    const ctx = await contextsFor(w);
    await step(`admin-deleted-list at ${w.label} px: no errors, no sideways scroll`, () => audit(ctx.owner, w, "admin-deleted-list", go("/admin/deleted"), { shots }));
    await step(`gone at ${w.label} px: no errors, no sideways scroll`, () => audit(ctx.reader, w, "gone", go(`/note/${slug}`), { shots, status: 410 }));
  }
  for (const c of contexts) await c.close();

  // The blog as its own identity: a second server without ADMIN_ME (own.mjs).
  await ownSteps({ browser, bin, step, expect, shots });
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
