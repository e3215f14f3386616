#!/usr/bin/env bash
# Search at scale: imports NOTES (default 100,000) generated notes, then load-tests
# /search and /api/search with wrk over a rotation of common words, word pairs and
# result pages, once with every request a query the cache has not seen (miss) and once
# over a few repeated ones (hit), then reads the server's Private_* memory from
# /proc/PID/smaps_rollup. Run from anywhere:  bash bench/search.sh
#
# Knobs: NOTES=100000  BENCH_DURATION=10s  BENCH_CONNECTIONS=16  BENCH_THREADS=2
#        STARPUNK_BIN=target/release/starpunk  SKIP_BUILD=1  KEEP=1 (keep the temp dir)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
NOTES=${NOTES:-100000}
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
KEEP=${KEEP:-0}
BIN=${STARPUNK_BIN:-$ROOT/target/release/starpunk}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
log() { printf '[search] %s\n' "$*" >&2; }

TMP="" PID=""
cleanup() {
  local rc=$?
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ -n "$TMP" ] && [ "$KEEP" != 1 ]; then rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
for tool in wrk curl python3; do command -v "$tool" >/dev/null || { log "$tool missing"; exit 1; }; done
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SP="http://127.0.0.1:$PORT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/starpunk-search.XXXXXX")
ENVV=(env -i "PATH=$PATH" "HOME=${HOME:-/root}" "DATA_PATH=$TMP/data" "SITE_URL=$SP"
  "HOST=127.0.0.1" "PORT=$PORT" "LOG_LEVEL=warn")

log "generating and importing $NOTES notes"
python3 bench/seed_notes.py "$NOTES" "$TMP/src" >/dev/null
t0=$(date +%s.%N)
(cd "$TMP" && "${ENVV[@]}" "$BIN" import "$TMP/src/notes") >"$TMP/import.log" 2>&1
log "import: $(tail -n 1 "$TMP/import.log") in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"

(cd "$TMP" && exec "${ENVV[@]}" "$BIN") >"$TMP/server.log" 2>&1 &
PID=$!
for _ in $(seq 300); do curl -fsS -o /dev/null "$SP/" 2>/dev/null && break; sleep 0.1; done

# Paths: words common in the generated notes (each in most of them), pairs of them,
# pages 1-5, alternately HTML and JSON. The miss rotation holds thousands of distinct
# paths (more than a run sends), so none is asked twice; the hit rotation holds 20.
python3 - "$TMP" <<'PY'
import itertools, sys
words = "lorem ipsum dolor amet morning evening garden server note feed photo walk river bridge window coffee".split()
paths = []
for page in range(1, 6):
    for q in words + [f"{a}+{b}" for a, b in itertools.permutations(words, 2)]:
        if page % 2:
            paths.append(f"/search?q={q}&page={page}")
        else:
            paths.append(f"/api/search?q={q}&offset={(page - 1) * 20}")
def lua(name, ps):
    with open(f"{sys.argv[1]}/{name}.lua", "w") as f:
        f.write("paths = {" + ",".join(f'"{p}"' for p in ps) + "}\n")
        f.write("i = math.random(#paths)\n")
        f.write("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end\n")
lua("miss", paths)
lua("hit", paths[:20])
PY

for kind in miss hit; do
  # Each wrk thread runs its own Lua state: a distinct random start keeps threads apart.
  wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s "$TMP/$kind.lua" "$SP" >"$TMP/$kind.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/$kind.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$TMP/$kind.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$TMP/$kind.txt")
  errs=$(awk '/Non-2xx/ {print $NF}' "$TMP/$kind.txt")
  log "search ($kind): ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${errs:-0}"
done
# A mixed tail: pages and feeds, then memory.
for p in / /feed.rss /feed.json "/?page=4000" /tag/coffee; do
  wrk -t1 -c4 -d2s "$SP$p" >/dev/null
done
log "memory after the load: $(awk '/^Private|^Rss/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$PID/smaps_rollup")"
