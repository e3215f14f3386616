#!/usr/bin/env bash
# Micropub benchmark, against the release build on loopback, with 10,000 notes:
#   - creates per second through POST /micropub, form-encoded and JSON (wrk, a Lua
#     script that sends a different note each time), every answer checked to be 201;
#   - p99 of GET /micropub?q=source&url=… (a note's source);
#   - 50 creates at once while wrk reads the home page: every create must answer 201,
#     the log must not say "database is locked", and the home page's p99 is reported.
#
#   bash bench/micropub.sh        # BENCH_DURATION=10s REPEATS=3 NOTES=10000 by default
#
# Tokens are checked at a stand-in token endpoint (bench/token_endpoint.py) on
# loopback; the server caches the answer for 5 minutes, so the figures are those of a
# cached token, as for a client posting all day. Everything targets 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_DURATION=${BENCH_DURATION:-10s}
REPEATS=${REPEATS:-3}
NOTES=${NOTES:-10000}
CONCURRENT=${CONCURRENT:-50}
BIN=${STARPUNK_BIN:-$ROOT/target/release/starpunk}
TOKEN=bench-token-$(date +%s)

[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet --bin starpunk
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/setup.sh --bench" >&2; exit 1; }

TMP=$(mktemp -d /tmp/starpunk-micropub-bench.XXXXXX)
SERVER=""; PROVIDER=""; WRK=""
cleanup() {
  [ -n "$WRK" ] && kill "$WRK" 2>/dev/null || true
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "$PROVIDER" ] && kill "$PROVIDER" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); PPORT=$(free_port)
SITE=http://127.0.0.1:$PORT
MP=$SITE/micropub

python3 bench/token_endpoint.py "$PPORT" "$TOKEN" &
PROVIDER=$!

SERVER_ENV=(env -i "PATH=$PATH" DATA_PATH="$TMP/data" HOST=127.0.0.1 PORT="$PORT" SITE_URL="$SITE"
  ADMIN_ME="http://127.0.0.1:$PPORT/" LOG_LEVEL=warn)
echo "generating and importing $NOTES notes" >&2
python3 bench/seed_notes.py "$NOTES" "$TMP/src" >/dev/null
(cd "$TMP" && "${SERVER_ENV[@]}" "$BIN" import "$TMP/src/notes") >"$TMP/import.log" 2>&1

(cd "$TMP" && exec "${SERVER_ENV[@]}" "$BIN") >"$TMP/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do curl -sf "$SITE/health" >/dev/null && curl -sf "http://127.0.0.1:$PPORT/" >/dev/null && break; sleep 0.1; done

# One create warms discovery and the token cache.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -d h=entry -d content=warm "$MP")
[ "$code" = 201 ] || { echo "warm-up create answered $code" >&2; tail -n 20 "$TMP/server.log" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f\n", v}'; }

cat > "$TMP/form.lua" <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, "h=entry&content=Form+note+" .. n .. "+from+the+benchmark&category%5B%5D=bench")
end
LUA
cat > "$TMP/json.lua" <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"type":["h-entry"],"properties":{"content":["JSON note ' .. n .. '"],"category":["bench","json"],"in-reply-to":["https://example.com/post"]}}')
end
LUA

echo
echo "route                                   req/s (median)   p99 ms (median)   non-2xx"
run() { # NAME URL WRK-ARGS…
  local name=$1 url=$2; shift 2
  local rps=() p99=() bad=0
  for _ in $(seq 1 "$REPEATS"); do
    out=$(wrk -t2 -c16 -d"$BENCH_DURATION" --latency "$@" "$url")
    rps+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
    p99+=("$(echo "$out" | awk '$1=="99%" {print $2}' | to_ms)")
    bad=$((bad + $(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}' | grep . || echo 0)))
  done
  printf '%-39s %-16s %-17s %s\n' "$name" "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${p99[@]}" | median)" "$bad"
}
run "POST /micropub (form create)" "$MP" -s "$TMP/form.lua"
run "POST /micropub (JSON create)" "$MP" -s "$TMP/json.lua"
NOTE_URL=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" -d h=entry -d content=source "$MP" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
run "GET /micropub?q=source&url=…" "$MP?q=source&url=$NOTE_URL" -H "Authorization: Bearer $TOKEN"
echo "notes now: $(sqlite3 "$TMP/data/starpunk.db" 'SELECT count(*) FROM notes' 2>/dev/null || echo '?')"

echo
echo "$CONCURRENT creates at once while wrk reads / (wrk -t2 -c64 -d10s):"
wrk -t2 -c64 -d10s --latency "$SITE/" >"$TMP/home.txt" &
WRK=$!
sleep 3
python3 bench/concurrent_creates.py "$MP" "$TOKEN" "$CONCURRENT" || echo "NOT every create answered 201"
wait "$WRK"; WRK=""
echo "home during the creates: $(awk '/Requests\/sec/ {print $2}' "$TMP/home.txt") req/s, p99 $(awk '$1=="99%" {print $2}' "$TMP/home.txt")"
locked=$(grep -c 'database is locked' "$TMP/server.log" || true)
echo "'database is locked' in the server log: $locked"
echo "token checks made at the token endpoint: $(curl -s "http://127.0.0.1:$PPORT/count")"
