#!/usr/bin/env bash
# Installs the system packages StarPunk needs on Debian 12 (bookworm), where missing.
#   scripts/setup.sh          build/run deps: libheif (>= 1.17, bookworm-backports) + HEVC decoder
#   scripts/setup.sh --test   also what the test suite uses: heif-enc + x265 plugin, chromium,
#                             python feedparser/mf2py, playwright-core
#   scripts/setup.sh --bench  also wrk, nginx, Pillow (+pillow-heif) for bench/
# Idempotent: does nothing when everything is already present.
set -euo pipefail

want_test=0; want_bench=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    --bench) want_bench=1; want_test=1 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

heif_ok() {
  have_pkg libheif-dev && have_pkg libheif-plugin-libde265 || return 1
  pkg-config --atleast-version=1.17 libheif 2>/dev/null
}

backports_pkgs=()
plain_pkgs=()
heif_ok || backports_pkgs+=(libheif-dev libheif-plugin-libde265 libheif1)
have_pkg pkg-config || plain_pkgs+=(pkg-config)
if [ $want_test -eq 1 ]; then
  { have_pkg libheif-examples && have_pkg libheif-plugin-x265; } || backports_pkgs+=(libheif-examples libheif-plugin-x265)
  have_pkg chromium || plain_pkgs+=(chromium)
fi
if [ $want_bench -eq 1 ]; then
  have_pkg wrk || plain_pkgs+=(wrk)
  have_pkg nginx || plain_pkgs+=(nginx)
fi

if [ ${#backports_pkgs[@]} -gt 0 ] || [ ${#plain_pkgs[@]} -gt 0 ]; then
  if [ ${#backports_pkgs[@]} -gt 0 ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "setup: adding bookworm-backports to apt sources" >&2
    echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
  echo "setup: installing ${backports_pkgs[*]} ${plain_pkgs[*]}" >&2
  $SUDO apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  if [ ${#backports_pkgs[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq -t bookworm-backports "${backports_pkgs[@]}" >/dev/null
  fi
  if [ ${#plain_pkgs[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq "${plain_pkgs[@]}" >/dev/null
  fi
fi

if [ $want_test -eq 1 ]; then
  if ! python3 -c "import feedparser, mf2py" 2>/dev/null; then
    echo "setup: pip installing feedparser mf2py" >&2
    python3 -m pip install -q feedparser mf2py
  fi
  if [ ! -d tests/e2e/node_modules/playwright-core ] && [ -f tests/e2e/package.json ]; then
    echo "setup: npm installing playwright-core" >&2
    (cd tests/e2e && npm install --silent --no-audit --no-fund)
  fi
fi
if [ $want_bench -eq 1 ]; then
  if ! python3 -c "import PIL, pillow_heif" 2>/dev/null; then
    python3 -m pip install -q pillow pillow-heif
  fi
fi
