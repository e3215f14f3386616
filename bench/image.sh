#!/usr/bin/env bash
# Image pipeline benchmark: StarPunk's Rust pipeline against Pillow (what StarPunk v1.5
# used) and, when pyvips is installed, libvips — same files, same steps (decode, orient,
# stored image by size tier, thumb / small / medium / large; bench/photo_reference.py),
# in the same run.
#
#   bench/image.sh            # RUNS=7 by default
#   RUNS=15 bench/image.sh
#
# Needs: a Rust toolchain; heif-enc (scripts/setup.sh --test) for the HEIC case;
# Pillow + pillow-heif (scripts/setup.sh --bench) for the comparison; pyvips +
# pyvips-binary for the libvips column (optional). Figures are
# written to bench/results/image.txt; bench/IMAGE.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
REFERENCE=bench/photo_reference.py
# scripts/setup.sh --bench puts Pillow and pyvips in the project's own virtual environment.
PY=${BENCH_PYTHON:-python3}
[ -z "${BENCH_PYTHON:-}" ] && [ -x target/test-python/bin/python3 ] && PY=target/test-python/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=bench/results/image.txt
mkdir -p bench/results

cargo build --release --quiet --example image_bench
bin=target/release/examples/image_bench

"$bin" --make-photo "$work/photo-12mp.jpg" 4000 3000
files=("$work/photo-12mp.jpg")
if command -v heif-enc >/dev/null; then
  # heif-enc's default quality gives ~2 MB for 12 MP, about what a phone writes.
  heif-enc -o "$work/photo-12mp.heic" "$work/photo-12mp.jpg" >/dev/null
  files+=("$work/photo-12mp.heic")
else
  echo "heif-enc not found: skipping the HEIC case (scripts/setup.sh --test installs it)" >&2
fi

have_pillow=0
if "$PY" -c "import PIL, pillow_heif" 2>/dev/null; then
  have_pillow=1
else
  echo "Pillow or pillow-heif missing: no Pillow figures (scripts/setup.sh --bench)" >&2
fi
have_vips=0
if "$PY" -c "import pyvips" 2>/dev/null; then have_vips=1; fi

# Runs a command under /usr/bin/time -v; prints "median_seconds peak_rss_mb".
measure() {
  local log="$work/log" rss
  /usr/bin/time -v "$@" >"$log" 2>"$log.time"
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print int($2 / 1024)}' "$log.time")
  echo "$(awk '/^median/ {print $2}' "$log") $rss"
}

{
  echo "# image pipeline, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU, runs=$RUNS"
  printf '%-6s %6s %8s %12s %9s %14s %8s %7s %12s %8s\n' file size rust_s rust_rss_mb \
    pillow_s pillow_rss_mb vs_pil vips_s vips_rss_mb vs_vips
  for f in "${files[@]}"; do
    size=$(du -h "$f" | cut -f1)
    read -r rust_s rust_rss < <(measure "$bin" "$f" "$RUNS")
    pil_s="-"; pil_rss="-"; pil_ratio="-"; vips_s="-"; vips_rss="-"; vips_ratio="-"
    if [ $have_pillow -eq 1 ]; then
      read -r pil_s pil_rss < <(measure "$PY" "$REFERENCE" pillow "$f" "$RUNS")
      pil_ratio=$(awk -v p="$pil_s" -v r="$rust_s" 'BEGIN { printf "%.2fx", p / r }')
    fi
    # libvips's wheel has no HEVC decoder: HEIC is Pillow's case only.
    if [ $have_vips -eq 1 ] && [ "${f##*.}" != heic ]; then
      read -r vips_s vips_rss < <(measure "$PY" "$REFERENCE" vips "$f" "$RUNS")
      vips_ratio=$(awk -v p="$vips_s" -v r="$rust_s" 'BEGIN { printf "%.2fx", p / r }')
    fi
    printf '%-6s %6s %8s %12s %9s %14s %8s %7s %12s %8s\n' "${f##*.}" "$size" "$rust_s" "$rust_rss" \
      "$pil_s" "$pil_rss" "$pil_ratio" "$vips_s" "$vips_rss" "$vips_ratio"
  done
} | tee "$out"
