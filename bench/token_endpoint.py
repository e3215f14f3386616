#!/usr/bin/env python3
"""A stand-in for the owner's IndieAuth provider, for bench/micropub.sh.

Usage: token_endpoint.py PORT TOKEN

Serves, on 127.0.0.1:PORT only, the owner's profile page (`/`, advertising
`authorization_endpoint` and `token_endpoint`) and the token endpoint (`GET /token`),
which answers for TOKEN with `me` = the profile URL and every Micropub scope, and
401 for anything else. It counts the token checks it answers at `/count`: with the
server's 5-minute cache a whole benchmark costs one check. Standard library only.
"""
import http.server
import json
import sys

PORT = int(sys.argv[1])
TOKEN = sys.argv[2]
ME = f"http://127.0.0.1:{PORT}/"
checks = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global checks
        if self.path == "/":
            page = (
                f'<!doctype html><link rel="authorization_endpoint" href="{ME}auth">'
                f'<link rel="token_endpoint" href="{ME}token">'
                '<div class="h-card"><a class="u-url p-name" href="/">Bench Owner</a></div>'
            )
            self.answer(200, "text/html", page.encode())
        elif self.path == "/token":
            checks += 1
            if self.headers.get("Authorization", "") == f"Bearer {TOKEN}":
                grant = {"me": ME, "client_id": "https://bench.example/",
                         "scope": "create update delete undelete media"}
                self.answer(200, "application/json", json.dumps(grant).encode())
            else:
                self.answer(401, "application/json", b'{"error":"invalid_token"}')
        elif self.path == "/count":
            self.answer(200, "text/plain", str(checks).encode())
        else:
            self.answer(404, "text/plain", b"not found")


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
