#!/usr/bin/env python3
"""Fires N Micropub creates at once (one thread each) and reports how they ended.

Usage: concurrent_creates.py URL TOKEN N

Prints one line: `creates=N 201=… other=… slowest_s=…` and exits 1 unless every
create answered 201. Standard library only; loopback only (the URL is the caller's).
"""
import collections
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

URL, TOKEN, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = []
lock = threading.Lock()
start = threading.Barrier(N)


def create(i):
    body = urllib.parse.urlencode(
        {"h": "entry", "content": f"Concurrent note {i}", "category[]": "bench"}
    ).encode()
    req = urllib.request.Request(URL, data=body, method="POST")
    req.add_header("Authorization", f"Bearer {TOKEN}")
    start.wait()
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            status = res.status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception as e:  # a refused or dropped connection counts as a failure
        status = type(e).__name__
    with lock:
        results.append((status, time.monotonic() - t0))


threads = [threading.Thread(target=create, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
counts = collections.Counter(s for s, _ in results)
slowest = max(d for _, d in results)
other = {k: v for k, v in counts.items() if k != 201}
print(f"creates={N} 201={counts.get(201, 0)} other={other or 0} slowest_s={slowest:.3f}")
sys.exit(0 if counts.get(201, 0) == N else 1)
