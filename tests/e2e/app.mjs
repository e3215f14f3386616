// A fake Micropub app (an IndieAuth client) that speaks real HTTP on 127.0.0.1: its
// client_id page is a client metadata document naming it and its logo, its redirect
// URI records the code the blog sends back, and it redeems codes with PKCE S256 like
// Quill or Indigenous do.
import http from "node:http";
import crypto from "node:crypto";

// A 1×1 PNG: the logo the consent page should fetch and show inline.
const LOGO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

export const APP_NAME = "E2E Micropub App";

export function startApp() {
  let base = "";
  let verifier = "";
  let state = "";
  let waiting = null;
  let received = null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, base);
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        client_id: `${base}/`,
        client_name: APP_NAME,
        client_uri: `${base}/`,
        logo_uri: `${base}/logo.png`,
        redirect_uris: [`${base}/callback`],
      }));
      return;
    }
    if (req.method === "GET" && url.pathname === "/logo.png") {
      res.writeHead(200, { "content-type": "image/png" }).end(LOGO);
      return;
    }
    if (req.method === "GET" && url.pathname === "/callback") {
      received = Object.fromEntries(url.searchParams);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><title>${APP_NAME}</title><h1 id="done">Back in the app</h1>`);
      if (waiting) waiting(received);
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({
        base,
        clientId: () => `${base}/`,
        redirectUri: () => `${base}/callback`,
        // The authorization request a real app sends (a fresh state and PKCE pair).
        authorizeUrl(site, scope) {
          verifier = crypto.randomBytes(32).toString("base64url");
          state = crypto.randomBytes(12).toString("hex");
          const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
          const u = new URL(`${site}/auth/authorize`);
          for (const [k, v] of Object.entries({
            response_type: "code", client_id: `${base}/`, redirect_uri: `${base}/callback`,
            state, code_challenge: challenge, code_challenge_method: "S256", scope, me: `${site}/`,
          })) u.searchParams.set(k, v);
          return u.toString();
        },
        expectedState: () => state,
        // What the blog sent to the redirect URI (waits for it).
        callback() {
          if (received) return Promise.resolve(received);
          return new Promise((r) => (waiting = r));
        },
        // Redeems the code at the token endpoint, as the app's server would.
        async redeem(tokenEndpoint, code) {
          const res = await fetch(tokenEndpoint, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
            body: new URLSearchParams({
              grant_type: "authorization_code", code, client_id: `${base}/`,
              redirect_uri: `${base}/callback`, code_verifier: verifier,
            }),
          });
          return { status: res.status, body: await res.json() };
        },
        close: () => server.close(),
      });
    });
  });
}
