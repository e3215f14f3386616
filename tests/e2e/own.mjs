// The blog as its own identity in the browser run: a second server in own-identity mode
// (no ADMIN_ME), its first-run set-up link read from its log, passkeys through
// Chromium's virtual authenticator (DevTools protocol, WebAuthn domain), the Security
// page, and the password limit that leaves the passkey path open.
// Exported for other steps (an app's authorization): startOwnServer, addAuthenticator,
// signInWithPasskey.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { audit, WIDTHS } from "./audit.mjs";
import { appSteps } from "./own_apps.mjs";

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Starts `bin` in own-identity mode on a fresh data folder: `SITE_URL` is
/// `http://localhost:<port>` (passkeys need a host name; browsers treat localhost as
/// secure), listening on 127.0.0.1. Resolves once it answers, with `setupLink` (the
/// one-time link it logged) and `stop()`.
export async function startOwnServer(bin) {
  const port = await freePort();
  const site = `http://localhost:${port}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "starpunk-e2e-own-"));
  const proc = spawn(bin, [], {
    cwd: data,
    env: { PATH: process.env.PATH, DATA_PATH: path.join(data, "data"), HOST: "127.0.0.1", PORT: String(port), SITE_URL: site, SITE_NAME: "Own E2E Blog", LOG_LEVEL: "warn", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  let found;
  const setupLink = new Promise((resolve, reject) => {
    found = resolve;
    setTimeout(() => reject(new Error(`no set-up link in the log within 15 s:\n${log}`)), 15000).unref();
  });
  const read = (chunk) => {
    const text = chunk.toString();
    log += text;
    process.stderr.write(text.replace(/token=[A-Za-z0-9_-]{43}/g, "token=…"));
    const m = log.match(/(http:\/\/localhost:\d+\/auth\/setup\?token=[A-Za-z0-9_-]{43})/);
    if (m) found(m[1]);
  };
  proc.stdout.on("data", read);
  proc.stderr.on("data", read);
  const end = Date.now() + 15000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {}
    if (Date.now() > end) throw new Error(`the own-identity server did not answer:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    site,
    setupLink: await setupLink,
    log: () => log,
    stop() {
      proc.kill("SIGTERM");
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

/// Gives `page` a virtual platform authenticator (resident keys, user verification
/// that always succeeds). Returns `{ cdp, id }`.
export async function addAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, id: authenticatorId };
}

/// Signs in on `page` (which has an authenticator holding a registered passkey) and
/// waits to land on `next`'s path (`next` may carry a query, e.g. an authorization
/// request: `/auth/authorize?client_id=…`).
export async function signInWithPasskey(page, site, next = "/admin/") {
  await page.goto(`${site}/auth/login?next=${encodeURIComponent(next)}`);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  const want = new URL(next, site).pathname;
  await page.waitForURL((u) => u.pathname === want);
}

/// The own-identity steps of the browser run.
export async function ownSteps({ browser, bin, step, expect, shots }) {
  const own = await startOwnServer(bin);
  const { site } = own;
  const contexts = [];
  const errors = [];
  try {
    const ctx = await browser.newContext({ viewport: WIDTHS[0].viewport });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(`script error: ${e.message}`));
    page.on("console", (m) => {
      // a refused password answers 401/429 on purpose; Chromium logs those statuses
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
    });
    let auth = await addAuthenticator(page);
    const readers = [];
    for (const w of WIDTHS) readers.push(await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.hasTouch }));
    contexts.push(...readers);

    for (const [i, w] of WIDTHS.entries()) {
      await step(`own: set-up page at ${w.label} px: no errors, no sideways scroll`, () =>
        audit(readers[i], w, "own-setup", (p) => p.goto(own.setupLink), { shots }));
    }

    await step("own: the set-up link registers a passkey and lands in the admin", async () => {
      await page.goto(own.setupLink);
      await page.fill("#passkey-name", "Laptop");
      await page.getByRole("button", { name: "Register a passkey" }).click();
      await page.waitForURL(`${site}/admin/`);
      expect((await page.textContent("h1")).includes("Notes"), "the dashboard");
      const res = await page.request.get(own.setupLink);
      expect(res.status() === 404, `the link is closed now, got ${res.status()}`);
    });

    await step("own: sign out, then sign in with the passkey", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${site}/`);
      const res = await page.request.get(`${site}/admin/`, { maxRedirects: 0 });
      expect(res.status() === 303, `signed out, got ${res.status()}`);
      await signInWithPasskey(page, site, "/admin/");
    });

    await step("own: add a second passkey on the Security page, rename it, remove it", async () => {
      // The first authenticator holds an excluded credential, so a second one registers:
      // keep the first one's credentials to put back afterwards.
      const { credentials } = await auth.cdp.send("WebAuthn.getCredentials", { authenticatorId: auth.id });
      await auth.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: auth.id });
      const second = await auth.cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await page.goto(`${site}/admin/security`);
      await page.fill("#passkey-name", "Second key");
      await page.getByRole("button", { name: "Add a passkey" }).click();
      await page.waitForURL(`${site}/admin/security?done=passkey-added`);
      const items = page.locator("li.passkey-item");
      expect((await items.count()) === 2, `two passkeys, got ${await items.count()}`);
      const item = items.filter({ hasText: "Second key" });
      await item.locator("input[name=name]").fill("Spare key");
      await item.getByRole("button", { name: "Rename" }).click();
      await page.waitForURL(`${site}/admin/security?done=passkey-renamed`);
      expect((await page.textContent(".passkey-list")).includes("Spare key"), "renamed");
      await items.filter({ hasText: "Spare key" }).getByRole("link", { name: "Remove" }).click();
      await page.waitForURL(/\/admin\/security\/passkeys\/.+\/remove$/);
      await page.getByRole("button", { name: "Remove passkey" }).click();
      await page.waitForURL(`${site}/admin/security?done=passkey-removed`);
      expect((await page.locator("li.passkey-item").count()) === 1, "one passkey left");
      await auth.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: second.authenticatorId });
      const back = await auth.cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      for (const c of credentials) await auth.cdp.send("WebAuthn.addCredential", { authenticatorId: back.authenticatorId, credential: c });
      auth = { cdp: auth.cdp, id: back.authenticatorId };
    });

    await step("own: the last passkey cannot be removed while no password is set", async () => {
      await page.locator("li.passkey-item").getByRole("link", { name: "Remove" }).click();
      const [res] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Remove passkey" }).click()]);
      expect(res.status() === 409, `refused, got ${res.status()}`);
      expect((await page.textContent(".flash.error")).includes("only way to sign in"), "says why");
    });

    await step("own: set a password on the Security page", async () => {
      await page.goto(`${site}/admin/security`);
      await page.fill("#new-password", "a long enough password");
      await page.fill("#new-password-again", "a long enough password");
      await page.getByRole("button", { name: "Set a password" }).click();
      await page.waitForURL(`${site}/admin/security?done=password`);
      expect((await page.textContent(".flash")).includes("Password saved"), "a message");
    });

    const owner = await ctx.storageState();
    const owners = [];
    for (const w of WIDTHS) owners.push(await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.hasTouch, storageState: owner }));
    contexts.push(...owners);
    const keyId = await page.locator("li.passkey-item a", { hasText: "Remove" }).getAttribute("href");
    const ownPages = [
      ["reader", "own-sign-in", (p) => p.goto(`${site}/auth/login`)],
      ["reader", "own-setup-closed", (p) => p.goto(own.setupLink), { status: 404 }],
      ["owner", "own-security", (p) => p.goto(`${site}/admin/security?done=passkey-added`)],
      ["owner", "own-passkey-remove-confirm", (p) => p.goto(`${site}${keyId}`)],
    ];
    for (const [i, w] of WIDTHS.entries()) {
      const c = { reader: readers[i], owner: owners[i] };
      for (const [who, name, action, opts] of ownPages) {
        await step(`${name} at ${w.label} px: no errors, no sideways scroll`, () => audit(c[who], w, name, action, { shots, ...opts }));
      }
    }

    await step("own: ten wrong passwords, then 429, and the passkey still signs in", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${site}/`);
      for (let i = 0; i < 10; i++) {
        await page.goto(`${site}/auth/login`);
        await page.fill("#password", `wrong password ${i}`);
        const [res] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in with the password" }).click()]);
        expect(res.status() === 401, `attempt ${i} answered ${res.status()}`);
        expect((await page.textContent(".notice.error")).includes("not right"), "says the password is wrong");
      }
      await page.fill("#password", "a long enough password");
      const [res] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in with the password" }).click()]);
      expect(res.status() === 429, `the eleventh answered ${res.status()}`);
      expect(Number(res.headers()["retry-after"]) > 0, "Retry-After");
      expect((await page.textContent(".notice.error")).includes("Too many wrong passwords"), "says so");
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await page.waitForURL(`${site}/admin/`);
    });

    for (const [i, w] of WIDTHS.entries()) {
      await step(`own-sign-in-limited at ${w.label} px: no errors, no sideways scroll`, () =>
        audit(readers[i], w, "own-sign-in-limited", async (p) => {
          await p.goto(`${site}/auth/login`);
          await p.fill("#password", "still wrong");
          const [res] = await Promise.all([p.waitForNavigation(), p.getByRole("button", { name: "Sign in with the password" }).click()]);
          return res;
        }, { shots, status: 429 }));
    }

    // An app's authorization, the Profile and Apps pages (own_apps.mjs).
    await appSteps({ browser, page, site, step, expect, shots });

    await step("own: no console or script errors on the way", async () => {
      expect(errors.length === 0, errors.join("\n"));
    });
  } finally {
    for (const c of contexts) await c.close();
    own.stop();
  }
}
