#!/usr/bin/env python3
"""Parse a feed from stdin as a feed reader does (feedparser); print a JSON summary.

Usage: feed.py CONTENT_TYPE < feed
"""
import json
import sys

import feedparser

d = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": sys.argv[1]})


def plain(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if not k.endswith("_parsed")}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return str(v)


out = {
    "bozo": int(bool(d.bozo)),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "version": d.version,
    "feed": plain(dict(d.feed)),
    "entries": [plain(dict(e)) for e in d.entries],
}
print(json.dumps(out))
