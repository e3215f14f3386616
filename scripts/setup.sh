#!/usr/bin/env bash
# Installs the system packages StarPunk needs on Debian 12 (bookworm), where missing.
#   scripts/setup.sh          build/run deps: libheif (>= 1.19, bookworm-backports) + HEVC decoder,
#                             libjpeg-turbo's TurboJPEG library (libturbojpeg0-dev)
#   scripts/setup.sh --test   also what the test suite uses: heif-enc + x265 plugin, chromium,
#                             Node.js + npm, playwright-core (tests/e2e), and feedparser +
#                             mf2py in a virtual environment this script owns
#                             (target/test-python: Debian's Python refuses system-wide pip
#                             installs, PEP 668, and a stock system may have no pip at all)
#   scripts/setup.sh --bench  also wrk, nginx, and Pillow (+pillow-heif), pyvips in that venv
# Idempotent: does nothing when everything is already present. Works on a stock Debian 12
# (only apt and a Rust toolchain needed) as well as on machines that have more.
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
  # 1.19: one grid tile decoded at a time (src/media/heic/tiled.rs).
  pkg-config --atleast-version=1.19 libheif 2>/dev/null
}

backports_pkgs=()
plain_pkgs=()
heif_ok || backports_pkgs+=(libheif-dev libheif-plugin-libde265 libheif1)
# FFmpeg's HEVC decoder: grid tiles decode ~30 % faster than with libde265, which
# stays installed as the fallback (src/media/heif_ffi.rs picks FFmpeg when present).
have_pkg libheif-plugin-ffmpegdec || backports_pkgs+=(libheif-plugin-ffmpegdec)
have_pkg pkg-config || plain_pkgs+=(pkg-config)
# Photos: JPEG decoding shrunk on load and encoding (src/media/turbo.rs).
have_pkg libturbojpeg0-dev || plain_pkgs+=(libturbojpeg0-dev)
# webauthn-rs (passkeys) links OpenSSL.
have_pkg libssl-dev || plain_pkgs+=(libssl-dev)
if [ $want_test -eq 1 ]; then
  { have_pkg libheif-examples && have_pkg libheif-plugin-x265; } || backports_pkgs+=(libheif-examples libheif-plugin-x265)
  have_pkg chromium || plain_pkgs+=(chromium)
  # Node.js may come from elsewhere with its own npm; Debian splits them in two packages.
  command -v node >/dev/null || plain_pkgs+=(nodejs)
  command -v npm >/dev/null || plain_pkgs+=(npm)
  # `python3 -m venv` needs ensurepip, which Debian ships in python3-venv.
  python3 -c "import ensurepip, venv" 2>/dev/null || plain_pkgs+=(python3-venv)
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

# The Python the tests run (tests/api/helpers.rs looks here first): versions pinned so
# parsers answer the same on every machine.
VENV=target/test-python
venv_has() { [ -x "$VENV/bin/python3" ] && "$VENV/bin/python3" -c "$1" 2>/dev/null; }
venv_install() {
  [ -x "$VENV/bin/python3" ] || python3 -m venv "$VENV"
  echo "setup: pip installing $* into $VENV" >&2
  "$VENV/bin/python3" -m pip install -q --disable-pip-version-check "$@"
}

if [ $want_test -eq 1 ]; then
  venv_has "import feedparser, mf2py" || venv_install feedparser==6.0.14 mf2py==2.0.2
  # The version package.json pins (Node 18, Debian 12's, runs playwright-core up to 1.61).
  # A fresh clone has no node_modules: every read here must tolerate a missing file.
  if [ -f tests/e2e/package.json ]; then
    want_pw=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' tests/e2e/package.json)
    have_pw=""
    pw_pkg=tests/e2e/node_modules/playwright-core/package.json
    if [ -f "$pw_pkg" ]; then
      have_pw=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pw_pkg" | head -n 1)
    fi
    if [ "$want_pw" != "$have_pw" ]; then
      echo "setup: npm installing playwright-core $want_pw" >&2
      (cd tests/e2e && npm ci --silent --no-audit --no-fund)
    fi
  fi
fi
if [ $want_bench -eq 1 ]; then
  venv_has "import PIL, pillow_heif, pyvips" || venv_install pillow pillow-heif pyvips pyvips-binary
fi
