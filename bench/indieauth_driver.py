#!/usr/bin/env python3
"""Drives the blog's own IndieAuth server for bench/indieauth.sh and times its token
endpoint.

Usage: indieauth_driver.py SITE DB N CONCURRENCY OUT_TOKEN_FILE

SITE is the server (http://127.0.0.1:PORT, also its SITE_URL), DB its SQLite file.
The owner's session is written into DB as a sign-in would write it (a random cookie
value stored as its SHA-256): the password and passkey pages are not what is measured
here, and a row is what they produce. Everything after that is real HTTP: a stand-in
application on 127.0.0.1 serves its client metadata, every code is minted through the
consent page (GET /auth/authorize, then the consent form with its CSRF token and
signature), and every redemption and refresh is a POST to /auth/token on a kept-alive
connection, timed from the request's first byte to the parsed JSON answer.

Measured, each as p50 / p99 / max in milliseconds:
  - N code grants one after another;
  - N refresh grants one after another (each rotating the previous refresh token);
  - N code grants and N refresh grants from CONCURRENCY threads at once.
Prints one line per measurement and writes a live access token (scope create) to
OUT_TOKEN_FILE for the Micropub comparison. Standard library only.
"""
import base64
import hashlib
import html.parser
import http.client
import http.server
import json
import os
import secrets
import socket
import sqlite3
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

SITE, DB, N, CONC, OUT = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
HOST, PORT = urllib.parse.urlsplit(SITE).hostname, urllib.parse.urlsplit(SITE).port


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign_in():
    """A session row, as the sign-in pages write one; returns the cookie."""
    token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    now = datetime.now(timezone.utc)
    with sqlite3.connect(DB, timeout=10) as db:
        db.execute(
            "INSERT INTO sessions (token_hash, me, created_at, refreshed_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (hashlib.sha256(token.encode()).hexdigest(), SITE + "/", stamp(now), stamp(now),
             stamp(now + timedelta(days=1))),
        )
    return "starpunk_session=" + token


def fake_app():
    """The application's client metadata on a free loopback port."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    client_id = f"http://127.0.0.1:{port}/app"
    doc = json.dumps({"client_id": client_id, "client_name": "Bench App",
                      "redirect_uris": [f"http://127.0.0.1:{port}/cb"]}).encode()

    class App(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(doc)))
            self.end_headers()
            self.wfile.write(doc)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), App)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return client_id, f"http://127.0.0.1:{port}/cb"


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hidden = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden.append((a["name"], a.get("value") or ""))


def pkce():
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def mint_code(conn, cookie, client_id, redirect, scope="create"):
    """One code through the consent page; returns (code, verifier)."""
    verifier, challenge = pkce()
    q = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect,
        "state": secrets.token_hex(8), "code_challenge": challenge,
        "code_challenge_method": "S256", "scope": scope})
    conn.request("GET", "/auth/authorize?" + q, headers={"Cookie": cookie})
    r = conn.getresponse()
    page = r.read().decode()
    if r.status != 200:
        sys.exit(f"consent page answered {r.status}: {page[:300]}")
    f = Form()
    f.feed(page)
    body = urllib.parse.urlencode(f.hidden + [("scope", s) for s in scope.split()] + [("decision", "approve")])
    conn.request("POST", "/auth/authorize/consent", body=body,
                 headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    loc = r.getheader("Location") or ""
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query)).get("code")
    if r.status != 303 or not code:
        sys.exit(f"consent answered {r.status}, Location {loc}")
    return code, verifier


def token_call(conn, params):
    """POST /auth/token; returns (milliseconds, status, json)."""
    body = urllib.parse.urlencode(params)
    t0 = time.perf_counter()
    conn.request("POST", "/auth/token", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    r = conn.getresponse()
    data = json.loads(r.read() or b"null")
    return (time.perf_counter() - t0) * 1000, r.status, data


def report(name, times, failures):
    times = sorted(times)
    if not times:
        print(f"{name:<44} no successful requests, {failures} failed")
        return
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"{name:<44} n={len(times):<5} p50 {pick(0.5):6.2f}  p99 {pick(0.99):6.2f}  max {times[-1]:6.2f} ms  failed {failures}")


def redeem_all(codes, client_id, redirect, out_refresh):
    conn = http.client.HTTPConnection(HOST, PORT)
    times, bad = [], 0
    for code, verifier in codes:
        ms, status, data = token_call(conn, {
            "grant_type": "authorization_code", "code": code, "client_id": client_id,
            "redirect_uri": redirect, "code_verifier": verifier})
        if status == 200:
            times.append(ms)
            out_refresh.append(data["refresh_token"])
        else:
            bad += 1
    return times, bad


def refresh_chain(refresh, n, client_id):
    conn = http.client.HTTPConnection(HOST, PORT)
    times, bad = [], 0
    for _ in range(n):
        ms, status, data = token_call(conn, {
            "grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id})
        if status != 200:
            bad += 1
            break
        times.append(ms)
        refresh = data["refresh_token"]
    return times, bad


def parallel(fn, jobs):
    results = [None] * len(jobs)

    def run(i):
        results[i] = fn(*jobs[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = [t for r in results for t in r[0]]
    return times, sum(r[1] for r in results)


def main():
    cookie = sign_in()
    client_id, redirect = fake_app()
    conn = http.client.HTTPConnection(HOST, PORT)
    t0 = time.time()
    codes = [mint_code(conn, cookie, client_id, redirect) for _ in range(2 * N)]
    print(f"minted {len(codes)} codes through the consent page in {time.time() - t0:.1f} s", file=sys.stderr)

    refresh_tokens = []
    times, bad = redeem_all(codes[:N], client_id, redirect, refresh_tokens)
    report("code grant, sequential", times, bad)

    times, bad = refresh_chain(refresh_tokens[0], N, client_id)
    report("refresh grant, sequential (rotating)", times, bad)

    rest = codes[N:]
    chunks = [(rest[i::CONC], client_id, redirect, []) for i in range(CONC)]
    times, bad = parallel(redeem_all, chunks)
    report(f"code grant, {CONC} at once", times, bad)

    per = max(1, N // CONC)
    jobs = [(refresh_tokens[1 + i], per, client_id) for i in range(CONC)]
    times, bad = parallel(refresh_chain, jobs)
    report(f"refresh grant, {CONC} at once", times, bad)

    # A token for the Micropub comparison, from the last unused refresh token.
    _, status, data = token_call(conn, {"grant_type": "refresh_token",
                                        "refresh_token": refresh_tokens[-1], "client_id": client_id})
    if status != 200:
        sys.exit(f"could not get a token for Micropub: {status} {data}")
    with open(OUT, "w") as f:
        f.write(data["access_token"])


main()
