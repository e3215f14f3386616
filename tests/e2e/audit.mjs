// The page audit of the browser run: opens a page in a browser context (desktop or
// phone) and fails on any console error, uncaught script error, failed request,
// subresource answering >= 400, or sideways scrolling; keeps a full-page screenshot.
import fs from "node:fs";
import path from "node:path";

/// Widths every page is checked at: a desktop and a phone (iPhone 12-15 class).
export const WIDTHS = [
  { label: "1280", viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
  { label: "390", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

/// Smallest comfortable touch target, in CSS pixels (Apple's HIG and WCAG 2.5.5).
export const TOUCH_MIN = 44;

/// Collects every problem a page shows while `action(page)` runs, then checks layout and
/// saves `{shots}/{name}-{width}.png`. `status` is the main document's expected status.
export async function audit(ctx, width, name, action, { shots, status = 200, touch = false } = {}) {
  const page = await ctx.newPage();
  const problems = [];
  let documentUrl = null;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Chromium reports an error status of the page itself as a console error; that
    // status is checked below instead.
    const loc = m.location().url;
    if (status >= 400 && loc === documentUrl && m.text().startsWith("Failed to load resource")) return;
    problems.push(`console error: ${m.text()} (${loc})`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A navigation away from the page cancels its pending requests: not a fault.
    if (r.failure()?.errorText === "net::ERR_ABORTED" && r.isNavigationRequest()) return;
    problems.push(`request failed: ${r.resourceType()} ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    const req = r.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      documentUrl = r.url();
      return;
    }
    if (r.status() >= 400) problems.push(`${r.status()} for ${req.resourceType()} ${r.url()}`);
  });
  try {
    const res = await action(page);
    if (res && res.status() !== status) problems.push(`page answered ${res.status()}, expected ${status}`);
    await page.waitForLoadState("networkidle");
    // Lazy photos below the fold load once scrolled to; load them all before checking.
    await page.evaluate(async () => {
      for (const img of document.images) img.loading = "eager";
      await Promise.all([...document.images].map((i) => (i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; }))));
    });
    for (const img of await page.evaluate(() => [...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.src))) {
      problems.push(`image did not load: ${img}`);
    }
    const styled = await page.evaluate(() => [...document.styleSheets].every((s) => { try { return s.cssRules.length > 0; } catch { return false; } }));
    if (!styled) problems.push("a stylesheet is empty or unreadable");
    const sideways = await page.evaluate(() => {
      const d = document.documentElement;
      if (d.scrollWidth <= d.clientWidth) return null;
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 0.5)
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).split(" ").join(".") : ""}`);
      return `scrolls sideways: scrollWidth ${d.scrollWidth} > clientWidth ${d.clientWidth} (${wide.join(", ")})`;
    });
    if (sideways) problems.push(sideways);
    if (touch && width.hasTouch) problems.push(...(await smallTargets(page)));
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `${name}-${width.label}.png`), fullPage: true });
  } finally {
    await page.close({ runBeforeUnload: false });
  }
  if (problems.length) throw new Error(`${name} at ${width.label} px:\n  ${problems.join("\n  ")}`);
}

/// Controls of the editor form smaller than a thumb: buttons, fields, and the labels
/// that stand for radio buttons and checkboxes.
async function smallTargets(page) {
  return page.evaluate((min) => {
    const out = [];
    const targets = [
      ...document.querySelectorAll("form.editor button, form.editor select, form.editor textarea, form.editor input:not([type=hidden]):not([type=radio]):not([type=checkbox])"),
      ...[...document.querySelectorAll("form.editor input[type=radio], form.editor input[type=checkbox]")].map((i) => i.closest("label") || i),
    ];
    for (const t of targets) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < min - 0.5 || r.width < min - 0.5) {
        out.push(`touch target ${t.tagName.toLowerCase()}${t.name ? "[name=" + t.name + "]" : ""} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
      }
    }
    return out;
  }, TOUCH_MIN);
}
