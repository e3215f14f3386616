#!/usr/bin/env bash
# Image pipeline benchmark: StarPunk's Rust pipeline against Pillow (what StarPunk v1.5
# used) and, when pyvips is installed, libvips — same files, same steps (decode, orient,
# stored image by size tier, thumb / small / medium / large; bench/photo_reference.py),
# in the same run.
#
#   bench/image.sh            # RUNS=7 by default
#   RUNS=15 bench/image.sh
#   QUALITY=1 bench/image.sh  # also PSNR of each output against a float Lanczos
#                             # reference of the full decode (bench/quality.py)
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

# Photo-like JPEGs at a phone's three sizes (12, 24 and 48 MP: the 48 MP one is
# 15.6 MB, so it falls in the 1600 px tier), and one with a camera's structure.
"$bin" --make-photo "$work/12mp.jpg" 4000 3000
"$bin" --make-photo "$work/24mp.jpg" 6000 4000
"$bin" --make-photo "$work/48mp.jpg" 8064 6048
files=("$work/12mp.jpg" "$work/24mp.jpg" "$work/48mp.jpg")
if "$PY" -c "import PIL" 2>/dev/null; then
  # EXIF orientation 6 + GPS, an ICC profile, 4:2:0 (bench/make_inputs.py).
  "$PY" bench/make_inputs.py camera "$work/12mp.jpg" "$work/12mp-camera.jpg"
  files+=("$work/12mp-camera.jpg")
fi
if command -v heif-enc >/dev/null && "$PY" -c "import PIL" 2>/dev/null; then
  # A grid of 512x512 HEVC tiles, as an iPhone writes (heif-enc -T takes the tiles as
  # files). The 48 MP one takes heif-enc a minute or two.
  for mp in 12 48; do
    "$PY" bench/make_inputs.py tiles "$work/${mp}mp.jpg" "$work/tiles$mp"
    read -r w h < <("$bin" --size "$work/${mp}mp.jpg")
    heif-enc -T --tiled-image-width "$w" --tiled-image-height "$h" \
      -o "$work/${mp}mp-grid.heic" "$work/tiles$mp/tile-00-00.png" >/dev/null
    rm -r "$work/tiles$mp"
    files+=("$work/${mp}mp-grid.heic")
  done
else
  echo "heif-enc or Pillow not found: skipping the HEIC cases (scripts/setup.sh --bench)" >&2
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
  # Threads: ours uses every core (decode beside the end-of-image scan, the fit on
  # rayon's pool, variants beside the stored image, HEIC tiles on every core); pyvips
  # runs libvips's pool (VIPS_CONCURRENCY, default one per core); Pillow decodes and
  # resizes on one thread (libheif inside pillow-heif decodes grid tiles on several).
  echo "# threads: rust $(nproc), vips ${VIPS_CONCURRENCY:-$(nproc)}, pillow 1 (+libheif's own for HEIC)"
  printf '%-16s %6s %8s %12s %9s %14s %8s %7s %12s %8s\n' file size rust_s rust_rss_mb \
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
    printf '%-16s %6s %8s %12s %9s %14s %8s %7s %12s %8s\n' "$(basename "$f")" "$size" "$rust_s" "$rust_rss" \
      "$pil_s" "$pil_rss" "$pil_ratio" "$vips_s" "$vips_rss" "$vips_ratio"
  done
} | tee "$out"

if [ "${QUALITY:-0}" = 1 ] && [ $have_pillow -eq 1 ]; then
  for f in "${files[@]}"; do
    "$bin" --save "$f" "$work/out-$(basename "$f")"
    "$PY" bench/quality.py "$f" "$work/out-$(basename "$f")"
  done | tee -a "$out"
fi
