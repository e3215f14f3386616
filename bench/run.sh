#!/usr/bin/env bash
# StarPunk HTTP benchmark. Run from anywhere:   bash bench/run.sh
#
# Builds the release binary, imports 10,000 generated notes into a fresh temp data dir,
# measures start-up time, then load-tests four public routes with wrk and compares each
# with nginx serving the very same bytes as a static file on another loopback port.
# Prints a report and saves it to bench/results/latest.txt. See bench/README.md.
#
# Knobs (environment):
#   BENCH_DURATION=10s     length of each measured wrk run
#   BENCH_WARMUP=2s        unmeasured wrk run per route and server first (0 = none)
#   BENCH_THREADS=2        wrk threads (same for starpunk and nginx)
#   BENCH_CONNECTIONS=64   wrk connections
#   REPEATS=3              measured runs per route and server; the report shows medians
#   STARTUP_RUNS=5         start-up measurements; the report shows the median
#   NOTES=10000            notes to generate and import
#   BENCH_PORT, BENCH_NGINX_PORT, BENCH_NGINX_GZ_PORT   loopback ports (default: free ones)
#   STARPUNK_BIN=target/release/starpunk
#   SKIP_SETUP=1, SKIP_BUILD=1     skip scripts/setup.sh --bench / cargo build --release
#   BENCH_STRICT=1         exit 1 when a goal is missed (the report is written anyway)
#   KEEP=1                 keep the temp dir (data, logs, raw wrk output) for inspection
#
# Everything targets 127.0.0.1 only, every wait has a time limit, and an EXIT trap
# stops the server and nginx and removes the temp dir, whatever happens.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BENCH_DURATION=${BENCH_DURATION:-10s}
BENCH_WARMUP=${BENCH_WARMUP:-2s}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
REPEATS=${REPEATS:-3}
STARTUP_RUNS=${STARTUP_RUNS:-5}
NOTES=${NOTES:-10000}
KEEP=${KEEP:-0}
STARPUNK_BIN=${STARPUNK_BIN:-$ROOT/target/release/starpunk}
# Always absolute: the server runs with the temp dir as its working directory.
case "$STARPUNK_BIN" in /*) ;; *) STARPUNK_BIN=$ROOT/$STARPUNK_BIN ;; esac

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- clean-up, always
TMP="" SERVER_PID="" NGINX_PID="" WRK_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
stop_nginx() {
  if [ -n "$NGINX_PID" ]; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true   # master takes its workers with it
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
  fi
}
cleanup() {
  local rc=$?
  if [ -n "$WRK_PID" ]; then kill "$WRK_PID" 2>/dev/null || true; fi
  stop_server
  stop_nginx
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- set-up and build
if [ "${SKIP_SETUP:-0}" != 1 ]; then
  log "scripts/setup.sh --bench"
  bash scripts/setup.sh --bench
fi
for tool in wrk nginx curl python3 ps awk; do
  command -v "$tool" >/dev/null || die "$tool not found (run: bash scripts/setup.sh --bench)"
done
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "cargo build --release"
  cargo build --release
fi
[ -x "$STARPUNK_BIN" ] || die "$STARPUNK_BIN missing (cargo build --release)"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=${BENCH_PORT:-$(free_port)}
NGINX_PORT=${BENCH_NGINX_PORT:-$(free_port)}
while [ "$NGINX_PORT" = "$PORT" ]; do NGINX_PORT=$(free_port); done
# The peer for the compressed routes: the same nginx, `gzip on; gzip_comp_level 6`.
NGINX_GZ_PORT=${BENCH_NGINX_GZ_PORT:-$(free_port)}
while [ "$NGINX_GZ_PORT" = "$PORT" ] || [ "$NGINX_GZ_PORT" = "$NGINX_PORT" ]; do
  NGINX_GZ_PORT=$(free_port)
done
SP="http://127.0.0.1:$PORT"
NG="http://127.0.0.1:$NGINX_PORT"
NGZ="http://127.0.0.1:$NGINX_GZ_PORT"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/starpunk-bench.XXXXXX")
# nginx, started as root, serves files from worker processes running as "nobody":
# they must be able to enter the (0700 by default) temp dir.
chmod 755 "$TMP"
mkdir -p "$TMP/www" "$TMP/wrk" "$TMP/headers" "$TMP/nginx-temp"
log "temp dir $TMP; starpunk on $SP, nginx on $NG"

# The server gets a clean environment and runs in the temp dir, so that neither a
# developer's STARPUNK_*/FEED_* variables nor a .env file in the repo skews the numbers.
SERVER_ENV=(env -i "PATH=$PATH" "HOME=${HOME:-/root}"
  "DATA_PATH=$TMP/data" "SITE_URL=$SP" "HOST=127.0.0.1" "PORT=$PORT" "LOG_LEVEL=warn")

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- data
log "generating $NOTES notes"
python3 bench/seed_notes.py "$NOTES" "$TMP/src"
log "importing"
t0=$(now)
(cd "$TMP" && "${SERVER_ENV[@]}" "$STARPUNK_BIN" import "$TMP/src/notes") >"$TMP/import.log" 2>&1 \
  || { tail -n 20 "$TMP/import.log" >&2; die "import failed"; }
IMPORT_S=$(since "$t0")
log "$(tail -n 1 "$TMP/import.log") in ${IMPORT_S} s"

# ---------------------------------------------------------------- start-up time
log "start-up time, $STARTUP_RUNS runs"
(cd "$TMP" && python3 "$ROOT/bench/startup_time.py" "$PORT" "$STARTUP_RUNS" "$TMP/startup-server.log" \
  -- "${SERVER_ENV[@]}" "$STARPUNK_BIN") | tee "$TMP/startup.txt" >&2

# ---------------------------------------------------------------- the server for the load runs
wait_ready() { # URL PID NAME LOG: until URL answers 2xx, at most 30 s
  for _ in $(seq 300); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2; die "$3 exited during start-up"; }
    sleep 0.1
  done
  tail -n 20 "$4" >&2; die "$3 not ready after 30 s"
}
rss_mb() { ps -o rss= -p "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }

(cd "$TMP" && exec "${SERVER_ENV[@]}" "$STARPUNK_BIN") >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$SP/health" "$SERVER_PID" starpunk "$TMP/server.log"
RSS_IDLE=$(rss_mb "$SERVER_PID")
log "starpunk up (pid $SERVER_PID, RSS ${RSS_IDLE} MB)"

# The permalink: the first note linked from the home page, as a reader would click it.
# The seed's index knows the newest note too; use it if the page has no link.
NEWEST=$(head -n 1 "$TMP/src/index.tsv" | cut -f 2)
curl -fsS --max-time 10 "$SP/" -o "$TMP/home.html" || die "GET / failed"
SLUG=$(awk 'match($0, /\/note\/[a-z0-9-]+/) { print substr($0, RSTART + 6, RLENGTH - 6); exit }' "$TMP/home.html")
if [ -z "$SLUG" ]; then
  log "warning: no /note/ link on /; using the newest seeded note $NEWEST"
  SLUG=$NEWEST
elif [ "$SLUG" != "$NEWEST" ]; then
  log "warning: / links $SLUG first, but the newest seeded note is $NEWEST"
fi

# name, path, expected status. atom-304 is /feed.atom sent again with the ETag; the
# *-ae routes are sent with `Accept-Encoding: gzip, br`, as browsers and feed readers
# do, and compared with nginx compressing the same bytes per request (gzip level 6).
printf '%s\t%s\t%s\n' home / 200 permalink "/note/$SLUG" 200 atom /feed.atom 200 \
  atom-304 /feed.atom 304 home-ae / 200 atom-ae /feed.atom 200 >"$TMP/routes.tsv"
STATIC_ROUTES=(home permalink atom)  # the routes whose bytes nginx serves

header() { # FILE NAME: value of a response header, without the CR
  awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' \
    'tolower($1) == n { sub(/\r$/, ""); sub(/^[^:]*: /, ""); print; exit }' "$1"
}
route_path() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$TMP/routes.tsv"; }

# Save starpunk's exact response bytes and content type for nginx to serve.
for name in "${STATIC_ROUTES[@]}"; do
  code=$(curl -sS --max-time 10 -D "$TMP/headers/$name.starpunk" -o "$TMP/www/$name.body" \
    -w '%{http_code}' "$SP$(route_path "$name")")
  [ "$code" = 200 ] || die "GET $(route_path "$name") answered $code"
done
SP_ETAG=$(header "$TMP/headers/atom.starpunk" ETag)
[ -n "$SP_ETAG" ] || log "warning: /feed.atom has no ETag; the 304 run will show it"

# ---------------------------------------------------------------- nginx, same bytes
# One exact location per route, each serving the saved body with starpunk's content
# type (`types {}` empty, so default_type always applies).
{
  cat <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    sendfile on;
    etag on;
    # nginx closes a keep-alive connection after 1000 requests by default, hyper never
    # does; wrk would pay for reconnects on the nginx side only.
    keepalive_requests 10000000;
    # Debian's compiled-in temp paths are under /var/lib/nginx; keep everything here.
    client_body_temp_path $TMP/nginx-temp/body;
    proxy_temp_path $TMP/nginx-temp/proxy;
    fastcgi_temp_path $TMP/nginx-temp/fastcgi;
    uwsgi_temp_path $TMP/nginx-temp/uwsgi;
    scgi_temp_path $TMP/nginx-temp/scgi;
    types {}
EOF
  for port in "$NGINX_PORT" "$NGINX_GZ_PORT"; do
    printf '    server {\n        listen 127.0.0.1:%s;\n        root %s/www;\n' "$port" "$TMP"
    if [ "$port" = "$NGINX_GZ_PORT" ]; then
      printf '        gzip on; gzip_comp_level 6; gzip_types *; gzip_vary on;\n'
    fi
    for name in "${STATIC_ROUTES[@]}"; do
      ctype=$(header "$TMP/headers/$name.starpunk" Content-Type)
      printf '        location = %s { default_type "%s"; try_files /%s.body =404; }\n' \
        "$(route_path "$name")" "${ctype:-application/octet-stream}" "$name"
    done
    printf '        location / { return 404; }\n    }\n'
  done
  echo "}"
} >"$TMP/nginx.conf"
chmod -R a+rX "$TMP/www"

nginx -t -q -p "$TMP/" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" \
  || { cat "$TMP/nginx-error.log" >&2 2>/dev/null; die "bad nginx.conf"; }
nginx -p "$TMP/" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" &
NGINX_PID=$!
wait_ready "$NG/feed.atom" "$NGINX_PID" nginx "$TMP/nginx-error.log"
for name in "${STATIC_ROUTES[@]}"; do
  code=$(curl -sS --max-time 10 -D "$TMP/headers/$name.nginx" -o "$TMP/$name.nginx.body" \
    -w '%{http_code}' "$NG$(route_path "$name")")
  # 403 here usually means the workers (user "nobody" under root) cannot enter $TMP.
  [ "$code" = 200 ] || die "nginx answered $code for $name (see $TMP/nginx-error.log; KEEP=1 keeps it)"
  cmp -s "$TMP/www/$name.body" "$TMP/$name.nginx.body" || die "nginx serves different bytes for $name"
done
NG_ETAG=$(header "$TMP/headers/atom.nginx" ETag)

# ---------------------------------------------------------------- status checks
# wrk only counts responses outside 2xx/3xx, so it cannot tell a 304 from a 200:
# check with curl that each route answers what we expect before (and after) the runs.
inm_args() { # SERVER ROUTE: extra curl/wrk arguments for that route
  case "$2" in *-ae) printf '%s\0' -H "Accept-Encoding: gzip, br" ;; esac
  if [ "$2" = atom-304 ]; then
    if [ "$1" = starpunk ]; then printf '%s\0' -H "If-None-Match: $SP_ETAG"
    else printf '%s\0' -H "If-None-Match: $NG_ETAG"; fi
  fi
}
base_url() { # SERVER ROUTE
  if [ "$1" = starpunk ]; then echo "$SP"
  else case "$2" in *-ae) echo "$NGZ" ;; *) echo "$NG" ;; esac; fi
}
check_status() { # SERVER ROUTE -> status code
  local extra=()
  mapfile -d '' extra < <(inm_args "$1" "$2")
  curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "${extra[@]}" "$(base_url "$1" "$2")$(route_path "$2")"
}
mapfile -t ROUTES < <(cut -f 1 "$TMP/routes.tsv")
: >"$TMP/status.tsv"
for name in "${ROUTES[@]}"; do
  for server in starpunk nginx; do
    code=$(check_status "$server" "$name")
    want=$(awk -F'\t' -v n="$name" '$1 == n { print $3 }' "$TMP/routes.tsv")
    [ "$code" = "$want" ] || log "warning: $server $name answered $code, expected $want"
    printf '%s\t%s\t%s\n' "$name" "$server" "$code" >>"$TMP/status.tsv"
  done
done

# Bytes on the wire per response body (compressed when the route asks for it).
: >"$TMP/bytes.tsv"
for name in "${ROUTES[@]}"; do
  extra=()
  for server in starpunk nginx; do
    mapfile -d '' extra < <(inm_args "$server" "$name")
    size=$(curl -sS --max-time 10 -o /dev/null -w '%{size_download}' "${extra[@]}" \
      "$(base_url "$server" "$name")$(route_path "$name")")
    printf '%s\t%s\t%s\n' "$name" "$server" "$size" >>"$TMP/bytes.tsv"
  done
done

# ---------------------------------------------------------------- load runs
# wrk -H adds the header to every request; no Lua script needed for a fixed header.
WRK_ARGS=(-t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" --latency)
run_wrk() { # SERVER ROUTE DURATION OUTFILE
  local extra=()
  mapfile -d '' extra < <(inm_args "$1" "$2")
  # In the background + wait: bash runs the INT/TERM trap only once a foreground
  # child ends, but interrupts `wait` at once.
  wrk "${WRK_ARGS[@]}" -d"$3" "${extra[@]}" "$(base_url "$1" "$2")$(route_path "$2")" >"$4" &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
}
for name in "${ROUTES[@]}"; do
  if [ "$BENCH_WARMUP" != 0 ]; then
    for server in starpunk nginx; do run_wrk "$server" "$name" "$BENCH_WARMUP" /dev/null; done
  fi
  # Alternate servers within each repetition so slow drift hits both alike.
  for rep in $(seq "$REPEATS"); do
    for server in starpunk nginx; do
      out="$TMP/wrk/$name.$server.$rep.txt"
      run_wrk "$server" "$name" "$BENCH_DURATION" "$out"
      log "$(printf '%-9s %-8s #%s' "$name" "$server" "$rep") $(python3 bench/report.py parse "$out")"
    done
  done
done

# A status that changed during the runs shows up as "before then after" in the report.
for name in "${ROUTES[@]}"; do
  for server in starpunk nginx; do
    code=$(check_status "$server" "$name")
    awk -F'\t' -v OFS='\t' -v n="$name" -v s="$server" -v c="$code" \
      '$1 == n && $2 == s && $3 != c { $3 = $3 " then " c } { print }' \
      "$TMP/status.tsv" >"$TMP/status.new" && mv "$TMP/status.new" "$TMP/status.tsv"
  done
done

kill -0 "$SERVER_PID" 2>/dev/null || die "starpunk died during the runs (see server.log)"
RSS_AFTER=$(rss_mb "$SERVER_PID")
log "starpunk RSS after the runs: ${RSS_AFTER} MB"

# ---------------------------------------------------------------- report
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
[ -z "$(git status --porcelain 2>/dev/null)" ] || commit="$commit (uncommitted changes)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
wrk_version=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
nginx_version=$(nginx -v 2>&1 | sed 's/^nginx version: //' || true)
cat >"$TMP/meta.txt" <<EOF
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$commit
host=$(uname -srm)
cpus=$(nproc) x ${cpu:-unknown}
wrk=$wrk_version
nginx=$nginx_version
settings=duration $BENCH_DURATION, warm-up $BENCH_WARMUP, repeats $REPEATS, start-up runs $STARTUP_RUNS
wrk_args=wrk ${WRK_ARGS[*]} -d$BENCH_DURATION
repeats=$REPEATS
notes=$NOTES
import_s=$IMPORT_S
rss_idle_mb=$RSS_IDLE
rss_after_mb=$RSS_AFTER
EOF

rc=0
python3 bench/report.py table "$TMP" $([ "${BENCH_STRICT:-0}" = 1 ] && echo --strict) >"$TMP/report.txt" || rc=$?
{
  echo
  echo "Bytes per response body (the *-ae routes with Accept-Encoding: gzip, br):"
  awk -F'\t' '{ b[$1] = b[$1] sprintf("  %s %s B", $2, $3) } !($1 in seen) { seen[$1]; o[++n] = $1 }
    END { for (i = 1; i <= n; i++) printf "  %-10s%s\n", o[i], b[o[i]] }' "$TMP/bytes.tsv"
} >>"$TMP/report.txt"
mkdir -p bench/results
cp "$TMP/report.txt" bench/results/latest.txt
cat "$TMP/report.txt"
log "report saved to bench/results/latest.txt"
exit "$rc"
