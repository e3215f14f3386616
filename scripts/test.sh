#!/usr/bin/env bash
# Quick start, command 2: install what the tests need (where missing), then run every
# test: unit tests, the integration binary (tests/api) and the browser end-to-end run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
cargo test --all-targets --locked
if [ -f tests/e2e/run.sh ]; then
  bash tests/e2e/run.sh
fi
