#!/usr/bin/env bash
# Quick start, command 1: install what the build needs (where missing), then build and
# serve StarPunk on its defaults (SQLite under ./data, http://localhost:5000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --release -- "$@"
