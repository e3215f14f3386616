#!/usr/bin/env bash
# The browser end-to-end run: builds the debug binary, installs playwright-core (npm,
# no browser download: Debian's /usr/bin/chromium is used) and runs e2e.mjs.
set -euo pipefail
cd "$(dirname "$0")"
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing: run scripts/setup.sh --test" >&2; exit 1; }
[ -d node_modules/playwright-core ] || npm ci --silent --no-audit --no-fund
(cd ../.. && cargo build --quiet --bin starpunk)
node e2e.mjs
