// The blog as an IndieAuth server in the browser run: a Micropub app (app.mjs) asks for
// access, the owner signs in with a passkey on the way, unticks a scope on the consent
// page and allows; the app redeems its code and posts; the owner fills in the Profile
// and revokes the app on the Apps page, and the app's token fails at once.
// Called by own.mjs with a page whose virtual authenticator holds the owner's passkey.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startApp, APP_NAME } from "./app.mjs";
import { audit, WIDTHS } from "./audit.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

export async function appSteps({ browser, page, site, step, expect, shots }) {
  const app = await startApp();
  const contexts = [];
  let token = null;
  try {
    await step("own: an app asks for access; passkey sign-in on the way, consent with a scope unticked, a code comes back", async () => {
      await page.goto(`${site}/admin/`);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${site}/`);
      await page.goto(app.authorizeUrl(site, "create update media profile"));
      await page.waitForURL(/\/auth\/login\?next=/);
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await page.waitForURL(/\/auth\/authorize\?/);
      expect((await page.textContent(".consent-app-name")) === APP_NAME, "the app's name from its metadata");
      const logo = await page.getAttribute("img.consent-logo", "src");
      expect(logo && logo.startsWith("data:image/png;base64,"), `the logo inline, got ${logo && logo.slice(0, 30)}`);
      const boxes = page.locator("input[name=scope]");
      expect((await boxes.count()) === 4, `a checkbox per scope, got ${await boxes.count()}`);
      await page.uncheck("input[name=scope][value=update]");
      await page.getByRole("button", { name: "Allow" }).click();
      await page.waitForURL(`${app.base}/callback?**`);
      const cb = await app.callback();
      expect(cb.state === app.expectedState(), "state comes back");
      expect(cb.iss === `${site}/`, `iss is the blog, got ${cb.iss}`);
      const res = await app.redeem(`${site}/auth/token`, cb.code);
      expect(res.status === 200, `the code is redeemed, got ${res.status} ${JSON.stringify(res.body)}`);
      expect(res.body.me === `${site}/`, "me is the blog");
      expect(res.body.scope.split(" ").sort().join(" ") === "create media profile", `the unticked scope is not granted: ${res.body.scope}`);
      expect(res.body.profile && res.body.profile.url === `${site}/`, "profile with the profile scope");
      token = res.body.access_token;
    });

    await step("own: the app posts through Micropub with its token; update is not allowed", async () => {
      const post = await fetch(`${site}/micropub`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ h: "entry", content: "Posted by the E2E app" }),
      });
      expect(post.status === 201, `created, got ${post.status}`);
      const url = post.headers.get("location");
      const upd = await fetch(`${site}/micropub`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "update", url, replace: { content: ["changed"] } }),
      });
      expect(upd.status === 403, `update refused, got ${upd.status}`);
      await page.goto(url);
      expect((await page.textContent(".e-content")).includes("Posted by the E2E app"), "the note is on its page");
    });

    await step("own: the Profile page sets name, photo and a rel=me link; the home page shows the h-card", async () => {
      await page.goto(`${site}/admin/profile`);
      await page.fill("#name", "E2E Owner");
      await page.fill("#note", "Writes end-to-end tests.");
      await page.fill("#links", "https://social.example/@owner");
      await page.setInputFiles("#photo_file", path.join(here, "fixtures", "photo.jpg"));
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.waitForURL(`${site}/admin/profile?done=saved`);
      // This browser saw the home page a minute ago (public, max-age=60): reload
      // revalidates it, as a reader's browser does once that minute is over.
      await page.goto(`${site}/`);
      await page.reload();
      expect((await page.textContent(".owner-card .p-name")).trim() === "E2E Owner", "the name on the home page");
      const photo = await page.getAttribute(".owner-card img.u-photo", "src");
      expect(photo && photo.startsWith(`${site}/media/`), `the uploaded photo, got ${photo}`);
      expect((await page.getAttribute('.owner-card a[rel="me"]', "href")) === "https://social.example/@owner", "the rel=me link");
    });

    const owner = await page.context().storageState();
    const owners = [];
    for (const w of WIDTHS) owners.push(await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.hasTouch, storageState: owner }));
    contexts.push(...owners);
    const revokeUrl = `${site}/admin/apps/revoke?client_id=${encodeURIComponent(app.clientId())}`;
    for (const [i, w] of WIDTHS.entries()) {
      for (const [name, action] of [
        ["own-consent", (p) => p.goto(app.authorizeUrl(site, "create media"))],
        ["own-profile", (p) => p.goto(`${site}/admin/profile`)],
        ["own-apps", (p) => p.goto(`${site}/admin/apps`)],
        ["own-app-revoke-confirm", (p) => p.goto(revokeUrl)],
        ["own-home-h-card", (p) => p.goto(`${site}/`)],
      ]) {
        await step(`${name} at ${w.label} px: no errors, no sideways scroll`, () => audit(owners[i], w, name, action, { shots }));
      }
    }

    await step("own: revoke the app on the Apps page; its token fails at once", async () => {
      await page.goto(`${site}/admin/apps`);
      const item = page.locator(".app-item", { hasText: APP_NAME });
      expect((await item.count()) === 1, "the app is listed by its name");
      expect((await item.locator("img").getAttribute("src")).startsWith("data:image/png"), "with its logo");
      await item.getByRole("button", { name: "Revoke" }).click();
      await page.waitForURL(/\/admin\/apps\/revoke\?/);
      await page.getByRole("button", { name: "Revoke access" }).click();
      await page.waitForURL(`${site}/admin/apps?done=revoked`);
      const res = await fetch(`${site}/micropub?q=config`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status === 401, `the revoked token is refused, got ${res.status}`);
    });
  } finally {
    for (const c of contexts) await c.close();
    app.close();
  }
}
