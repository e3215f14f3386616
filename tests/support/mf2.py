#!/usr/bin/env python3
"""Parse HTML from stdin as a microformats2 consumer does; print the JSON result.

Usage: mf2.py BASE_URL < page.html
"""
import json
import sys

import mf2py

html = sys.stdin.read()
print(json.dumps(mf2py.parse(doc=html, url=sys.argv[1])))
