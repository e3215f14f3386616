#!/usr/bin/env bash
# Admin and sign-in benchmark (issue 4), against the release build on loopback:
#   - p99 of GET /admin/, /admin/new, /admin/edit/{id} with a signed-in session (wrk);
#   - p99 of POST /auth/login, the redirect to the provider, with discovery cached;
#   - wall time to save a note with four 12 MP photos through POST /admin/new.
#
#   bash bench/admin.sh          # BENCH_DURATION=10s REPEATS=3 SAVES=3 by default
#
# Sign-in is rate-limited per client address; the load run gives each request its own
# X-Forwarded-For (the server honours it from a loopback peer, as behind a proxy) so the
# figure is the redirect's cost, not the limiter's 429.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_DURATION=${BENCH_DURATION:-10s}
REPEATS=${REPEATS:-3}
SAVES=${SAVES:-3}
BIN=${STARPUNK_BIN:-$ROOT/target/release/starpunk}

[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet --bin starpunk --example image_bench
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/setup.sh --bench" >&2; exit 1; }

TMP=$(mktemp -d /tmp/starpunk-admin-bench.XXXXXX)
SERVER=""; PROVIDER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "$PROVIDER" ] && kill "$PROVIDER" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); PPORT=$(free_port)
SITE=http://127.0.0.1:$PORT

# The owner's profile page on loopback, advertising an authorization endpoint.
mkdir -p "$TMP/profile"
cat > "$TMP/profile/index.html" <<HTML
<!doctype html><link rel="authorization_endpoint" href="http://127.0.0.1:$PPORT/auth"><div class="h-card"><a class="u-url p-name" href="/">Bench Owner</a></div>
HTML
(cd "$TMP/profile" && exec python3 -m http.server "$PPORT" --bind 127.0.0.1 >/dev/null 2>&1) &
PROVIDER=$!

(cd "$TMP" && exec env -i PATH="$PATH" DATA_PATH="$TMP/data" HOST=127.0.0.1 PORT="$PORT" SITE_URL="$SITE" \
  ADMIN_ME="http://127.0.0.1:$PPORT/" DEV_MODE=true LOG_LEVEL=warn "$BIN" >"$TMP/server.log" 2>&1) &
SERVER=$!
for _ in $(seq 1 200); do curl -sf "$SITE/health" >/dev/null && break; sleep 0.05; done

# A session (DEV_MODE sign-in) and its CSRF token.
COOKIE=$(curl -s -D - -o /dev/null "$SITE/auth/dev-login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(starpunk_session=[^;]*\).*/\1/p')
CSRF=$(curl -s -H "Cookie: $COOKIE" "$SITE/admin/new" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$COOKIE" ] && [ -n "$CSRF" ] || { echo "could not sign in" >&2; cat "$TMP/server.log" >&2; exit 1; }

# Twenty notes so the dashboard has rows, and one to edit.
for i in $(seq 1 20); do
  curl -s -o /dev/null -H "Cookie: $COOKIE" -F csrf_token="$CSRF" -F content="Bench note $i with some **words**" -F tags="bench, t$i" -F status=published "$SITE/admin/new"
done
EDIT_ID=$(curl -s -H "Cookie: $COOKIE" "$SITE/admin/" | sed -n 's/.*href="\/admin\/edit\/\([0-9]*\)".*/\1/p' | head -1)

# Warm discovery (cached for an hour) with one real sign-in start.
curl -s -o /dev/null -X POST -H "X-Forwarded-For: 10.0.0.1" "$SITE/auth/login"

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f\n", v}'; }

cat > "$TMP/login.lua" <<'LUA'
-- POST /auth/login from a different client address each time (see the header comment).
local n = 0
request = function()
  n = n + 1
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", "/auth/login", { ["X-Forwarded-For"] = ip, ["Content-Length"] = "0" })
end
LUA

echo "route                       req/s (median)   p99 ms (median)   status  non-2xx/3xx"
run_route() {
  local name=$1 path=$2; shift 2
  local rps=() p99=() bad=0
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$SITE$path")
  for _ in $(seq 1 "$REPEATS"); do
    out=$(wrk -t2 -c16 -d"$BENCH_DURATION" --latency "${WRK_ARGS[@]}" "$SITE$path")
    rps+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
    p99+=("$(echo "$out" | awk '$1=="99%" {print $2}' | to_ms)")
    bad=$((bad + $(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}' | grep . || echo 0)))
  done
  printf '%-27s %-16s %-17s %-7s %s\n' "$name" "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${p99[@]}" | median)" "$code" "$bad"
}
WRK_ARGS=(-H "Cookie: $COOKIE"); run_route "GET /admin/" /admin/ -H "Cookie: $COOKIE"
WRK_ARGS=(-H "Cookie: $COOKIE"); run_route "GET /admin/new" /admin/new -H "Cookie: $COOKIE"
WRK_ARGS=(-H "Cookie: $COOKIE"); run_route "GET /admin/edit/$EDIT_ID" "/admin/edit/$EDIT_ID" -H "Cookie: $COOKIE"
WRK_ARGS=(-s "$TMP/login.lua"); run_route "POST /auth/login (303)" /auth/login -X POST -H "X-Forwarded-For: 10.9.9.9"

# Four 12 MP photo-like JPEGs (about 3-5 MB each), saved with one note.
for i in 1 2 3 4; do ./target/release/examples/image_bench --make-photo "$TMP/p$i.jpg" 4000 3000 >/dev/null; done
ls -l "$TMP"/p?.jpg | awk '{s+=$5} END {printf "four photos: %.1f MB in all\n", s/1048576}'
times=()
for i in $(seq 1 "$SAVES"); do
  t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $COOKIE" -F csrf_token="$CSRF" -F content="Four photos $i" -F status=published \
      -F photo0=@"$TMP/p1.jpg" -F photo1=@"$TMP/p2.jpg" -F photo2=@"$TMP/p3.jpg" -F photo3=@"$TMP/p4.jpg" "$SITE/admin/new")
  echo "save $i: HTTP ${t% *}, ${t#* } s"
  times+=("${t#* }")
done
echo "note with four 12 MP photos: median $(printf '%s\n' "${times[@]}" | median) s"
echo "server RSS after the run: $(ps -o rss= -p "$(pgrep -P $SERVER -f starpunk || echo $SERVER)" | awk '{printf "%.1f MB", $1/1024}')"
