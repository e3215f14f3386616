#!/usr/bin/env bash
# The blog's own IndieAuth server, against the release build on loopback:
#   - token endpoint latency (p50 / p99 / max) for code grants and refresh grants,
#     N one after another and N from CONCURRENCY clients at once; every code is minted
#     through the real consent page first (bench/indieauth_driver.py). Goal: p99 < 20 ms.
#   - Micropub creates with an own token (checked locally) against creates with an
#     external provider's token (bench/token_endpoint.py, cached by the server for
#     5 minutes, as in bench/micropub.sh): same wrk run, alternating, REPEATS times.
#     Goal: the own token at least as fast.
#
#   bash bench/indieauth.sh     # N=500 CONCURRENCY=8 BENCH_DURATION=10s REPEATS=5
#
# Everything targets 127.0.0.1 only, in a fresh temp directory removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-500}
CONCURRENCY=${CONCURRENCY:-8}
BENCH_DURATION=${BENCH_DURATION:-10s}
REPEATS=${REPEATS:-5}
BIN=${STARPUNK_BIN:-$ROOT/target/release/starpunk}
EXT_TOKEN=bench-token-$(date +%s)

[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet --bin starpunk
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/setup.sh --bench" >&2; exit 1; }

TMP=$(mktemp -d /tmp/starpunk-indieauth-bench.XXXXXX)
OWN=""; EXT=""; PROVIDER=""
cleanup() {
  for p in "$OWN" "$EXT" "$PROVIDER"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
OPORT=$(free_port); EPORT=$(free_port); PPORT=$(free_port)
OWN_SITE=http://127.0.0.1:$OPORT
EXT_SITE=http://127.0.0.1:$EPORT

# Own-identity mode: ADMIN_ME unset.
mkdir -p "$TMP/own" "$TMP/ext"
(cd "$TMP/own" && exec env -i "PATH=$PATH" DATA_PATH="$TMP/own/data" HOST=127.0.0.1 PORT="$OPORT" \
  SITE_URL="$OWN_SITE" LOG_LEVEL=warn "$BIN") >"$TMP/own.log" 2>&1 &
OWN=$!
python3 bench/token_endpoint.py "$PPORT" "$EXT_TOKEN" &
PROVIDER=$!
(cd "$TMP/ext" && exec env -i "PATH=$PATH" DATA_PATH="$TMP/ext/data" HOST=127.0.0.1 PORT="$EPORT" \
  SITE_URL="$EXT_SITE" ADMIN_ME="http://127.0.0.1:$PPORT/" LOG_LEVEL=warn "$BIN") >"$TMP/ext.log" 2>&1 &
EXT=$!
for _ in $(seq 1 300); do
  curl -sf "$OWN_SITE/health" >/dev/null && curl -sf "$EXT_SITE/health" >/dev/null \
    && curl -sf "http://127.0.0.1:$PPORT/" >/dev/null && break
  sleep 0.1
done

echo "token endpoint, POST /auth/token (release build, loopback, kept-alive connections):"
python3 bench/indieauth_driver.py "$OWN_SITE" "$TMP/own/data/starpunk.db" "$N" "$CONCURRENCY" "$TMP/own-token"
OWN_TOKEN=$(cat "$TMP/own-token")

for site in "$OWN_SITE:$OWN_TOKEN" "$EXT_SITE:$EXT_TOKEN"; do
  s=${site%:*}; t=${site##*:}
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $t" -d h=entry -d content=warm "$s/micropub")
  [ "$code" = 201 ] || { echo "warm-up create at $s answered $code" >&2; tail -n 20 "$TMP"/*.log >&2; exit 1; }
done

lua() { # TOKEN
  cat <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, "h=entry&content=Bench+note+" .. n .. "&category%5B%5D=bench")
end
LUA
}
lua "$OWN_TOKEN" >"$TMP/own.lua"
lua "$EXT_TOKEN" >"$TMP/ext.lua"

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f\n", v}'; }

declare -A RPS P99 BAD
for i in $(seq 1 "$REPEATS"); do
  # Alternate which goes first, so neither always runs on the warmer machine.
  order="own ext"; [ $((i % 2)) = 0 ] && order="ext own"
  for kind in $order; do
    if [ $kind = own ]; then url=$OWN_SITE/micropub; else url=$EXT_SITE/micropub; fi
    out=$(wrk -t2 -c16 -d"$BENCH_DURATION" --latency -s "$TMP/$kind.lua" "$url")
    RPS[$kind]+="$(echo "$out" | awk '/Requests\/sec/ {print $2}') "
    P99[$kind]+="$(echo "$out" | awk '$1=="99%" {print $2}' | to_ms) "
    BAD[$kind]=$(( ${BAD[$kind]:-0} + $(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}' | grep . || echo 0) ))
  done
done
echo
echo "POST /micropub (form create), wrk -t2 -c16 -d$BENCH_DURATION, median of $REPEATS:"
echo "token                                   req/s     p99 ms    non-2xx"
for kind in own ext; do
  name="own token (checked locally)"; [ $kind = ext ] && name="external token (cached 5 min)"
  printf '%-39s %-9s %-9s %s\n' "$name" "$(tr ' ' '\n' <<<"${RPS[$kind]}" | grep . | median)" \
    "$(tr ' ' '\n' <<<"${P99[$kind]}" | grep . | median)" "${BAD[$kind]}"
done
echo "token checks made at the external token endpoint: $(curl -s "http://127.0.0.1:$PPORT/count")"
locked=$(grep -c 'database is locked' "$TMP/own.log" || true)
echo "'database is locked' in the own server's log: $locked"
