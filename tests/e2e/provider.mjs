// A fake IndieAuth provider that speaks real HTTP on 127.0.0.1: the owner's profile
// page (advertising the authorization endpoint), a consent page, and code redemption
// that checks PKCE S256 like a real provider, and a token endpoint that vouches for one
// Micropub token (`token`) with the create and update scopes.
import http from "node:http";
import crypto from "node:crypto";

export function startProvider() {
  const codes = new Map();
  const token = crypto.randomBytes(16).toString("hex");
  let base = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, base);
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><link rel="authorization_endpoint" href="/auth"><link rel="token_endpoint" href="/token"></head>
<body><div class="h-card"><a class="u-url p-name" href="${base}/">E2E Owner</a></div></body></html>`);
      return;
    }
    if (req.method === "GET" && url.pathname === "/token") {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_token" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ me: `${base}/`, client_id: "https://app.example/", scope: "create update" }));
      return;
    }
    if (req.method === "GET" && url.pathname === "/auth") {
      const p = url.searchParams;
      const ok = p.get("response_type") === "code" && p.get("code_challenge_method") === "S256" && p.get("state");
      if (!ok) {
        res.writeHead(400).end("bad authorization request");
        return;
      }
      const code = crypto.randomBytes(16).toString("hex");
      codes.set(code, { challenge: p.get("code_challenge"), redirect: p.get("redirect_uri"), client: p.get("client_id") });
      const back = new URL(p.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", p.get("state"));
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><title>Approve</title><h1>Sign in to ${p.get("client_id")}?</h1>
<a id="approve" href="${back.toString().replace(/&/g, "&amp;")}">Approve</a>`);
      return;
    }
    if (req.method === "POST" && url.pathname === "/auth") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const f = new URLSearchParams(body);
        const entry = codes.get(f.get("code"));
        codes.delete(f.get("code"));
        const verifier = f.get("code_verifier") || "";
        const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
        if (!entry || entry.challenge !== challenge || entry.redirect !== f.get("redirect_uri") || f.get("grant_type") !== "authorization_code") {
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant" }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ me: `${base}/` }));
      });
      return;
    }
    res.writeHead(404).end("not found");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({ base, token, close: () => server.close() });
    });
  });
}
