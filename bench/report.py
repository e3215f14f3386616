#!/usr/bin/env python3
"""Parse wrk output and print the benchmark report for bench/run.sh.

  report.py parse WRK_OUTPUT_FILE
      one line: req/s, p99, requests, non-2xx/3xx count, socket errors, bytes/response
      (run.sh prints it as progress after every wrk run)

  report.py table RUN_DIR [--strict]
      the full report from what run.sh left in RUN_DIR:
        routes.tsv      name<TAB>path<TAB>expected status     (table order)
        status.tsv      name<TAB>server<TAB>status curl saw before the runs
        wrk/NAME.SERVER.REP.txt    raw wrk --latency output
        startup.txt     startup_time.py output
        meta.txt        key=value lines: settings, versions, RSS, ...
      With --strict the exit status is 1 when a goal is missed.

Medians, not means: the machine is 2 shared cores running wrk, the server and nginx
at once, and one disturbed run should not move the result.
"""
import os
import re
import statistics
import sys

# The goals from bench/README.md, kept in one place.
MIN_RATIO = {200: 0.5, 304: 0.8}  # starpunk req/s ÷ nginx req/s, by expected status
MAX_P99_MS = 20.0
MAX_RSS_MB = 60.0
MAX_STARTUP_MS = 300.0

SERVERS = ("starpunk", "nginx")
TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_wrk(text):
    """Pull the numbers we need out of `wrk --latency` output; fail loudly if absent."""

    def find(pattern):
        m = re.search(pattern, text, re.MULTILINE)
        if not m:
            raise ValueError(f"wrk output has no match for {pattern!r}:\n{text}")
        return m

    rps = float(find(r"^Requests/sec:\s+([\d.]+)").group(1))
    m = find(r"^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$")
    p99_ms = float(m.group(1)) * TIME_UNITS[m.group(2)]
    m = find(r"^\s+(\d+) requests in ([\d.]+\w+), ([\d.]+)(B|KB|MB|GB|TB) read")
    requests = int(m.group(1))
    bytes_read = float(m.group(3)) * SIZE_UNITS[m.group(4)]
    m = re.search(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", text, re.MULTILINE)
    non_2xx_3xx = int(m.group(1)) if m else 0
    m = re.search(r"^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                  text, re.MULTILINE)
    socket_errors = sum(int(g) for g in m.groups()) if m else 0
    return {
        "rps": rps,
        "p99_ms": p99_ms,
        "requests": requests,
        "non_2xx_3xx": non_2xx_3xx,
        "socket_errors": socket_errors,
        "bytes_per_response": bytes_read / requests if requests else 0.0,
    }


def one_line(r):
    return (f"{r['rps']:10.0f} req/s  p99 {r['p99_ms']:7.2f} ms  {r['requests']} requests  "
            f"non-2xx/3xx {r['non_2xx_3xx']}  socket errors {r['socket_errors']}  "
            f"~{r['bytes_per_response']:.0f} B/response")


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
    return meta


def fmt_ms(v):
    return f"{v:.2f} ms" if v is not None else "-"


def table(run_dir, strict):
    routes = read_tsv(os.path.join(run_dir, "routes.tsv"))
    seen = {(r[0], r[1]): r[2] for r in read_tsv(os.path.join(run_dir, "status.tsv"))}
    meta = read_meta(os.path.join(run_dir, "meta.txt"))
    wrk_dir = os.path.join(run_dir, "wrk")

    # runs[(route, server)] = [parsed wrk result, ...]
    runs = {}
    for name in sorted(os.listdir(wrk_dir)) if os.path.isdir(wrk_dir) else []:
        m = re.fullmatch(r"([\w-]+)\.(\w+)\.(\d+)\.txt", name)
        if m:
            with open(os.path.join(wrk_dir, name)) as f:
                try:
                    result = parse_wrk(f.read())
                except ValueError:
                    result = None  # e.g. wrk got no answer at all; flagged below
                runs.setdefault((m.group(1), m.group(2)), []).append((int(m.group(3)), result))

    out = []
    say = out.append
    say("StarPunk HTTP benchmark")
    say("=======================")
    for k in ("date", "commit", "host", "cpus", "wrk", "nginx", "settings", "notes", "import_s"):
        if k in meta:
            say(f"{k:9} {meta[k]}")
    say("")

    goals = []  # (ok, text)
    header = ("route", "path", "starpunk req/s", "nginx req/s", "ratio", "starpunk p99",
              "nginx p99", "checks")
    rows = []
    for name, path, expect in routes:
        expect = int(expect)
        med = {}
        problems = []
        for server in SERVERS:
            results = [r for _, r in sorted(runs.get((name, server), []), key=lambda x: x[0])]
            if None in results:
                problems.append(f"{server}: {results.count(None)} unreadable wrk outputs")
                results = [r for r in results if r is not None]
            if not results:
                problems.append(f"{server}: no runs")
                med[server] = None
                continue
            med[server] = {
                "rps": statistics.median(r["rps"] for r in results),
                "p99_ms": statistics.median(r["p99_ms"] for r in results),
            }
            got = seen.get((name, server))
            if got != str(expect):
                problems.append(f"{server}: curl saw {got}, expected {expect}")
            bad = sum(r["non_2xx_3xx"] for r in results)
            if bad:
                problems.append(f"{server}: {bad} non-2xx/3xx")
            errs = sum(r["socket_errors"] for r in results)
            if errs:
                problems.append(f"{server}: {errs} socket errors")
        sp, ng = med["starpunk"], med["nginx"]
        ratio = sp["rps"] / ng["rps"] if sp and ng and ng["rps"] else None
        rows.append((
            name, path,
            f"{sp['rps']:.0f}" if sp else "-",
            f"{ng['rps']:.0f}" if ng else "-",
            f"{ratio:.2f}x" if ratio is not None else "-",
            fmt_ms(sp["p99_ms"] if sp else None),
            fmt_ms(ng["p99_ms"] if ng else None),
            "; ".join(problems) if problems else "ok",
        ))
        want = MIN_RATIO.get(expect, MIN_RATIO[200])
        goals.append((ratio is not None and ratio >= want and not problems,
                      f"{name}: starpunk >= {want}x nginx req/s"
                      + (f" ({ratio:.2f}x)" if ratio is not None else " (not measured)")
                      + (" but checks failed" if problems else "")))
        goals.append((sp is not None and sp["p99_ms"] < MAX_P99_MS,
                      f"{name}: starpunk p99 < {MAX_P99_MS:.0f} ms"
                      + (f" ({sp['p99_ms']:.2f} ms)" if sp else " (not measured)")))

    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    say(f"Throughput and latency (median of {meta.get('repeats', '?')} runs each; "
        f"{meta.get('wrk_args', 'wrk')})")
    say(line(header))
    say(line(["-" * w for w in widths]))
    for r in rows:
        say(line(r))
    say("")

    startup = None
    path = os.path.join(run_dir, "startup.txt")
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        m = re.search(r"^median_ms ([\d.]+)", text, re.MULTILINE)
        startup = float(m.group(1)) if m else None
        runs_ms = re.findall(r"^run \d+: ([\d.]+) ms", text, re.MULTILINE)
        say(f"Start-up until /health = 200 with {meta.get('notes', '?')} notes: "
            f"median {startup:.1f} ms (runs: {', '.join(runs_ms)} ms)" if startup is not None
            else "Start-up: not measured")
    goals.append((startup is not None and startup < MAX_STARTUP_MS,
                  f"start-up < {MAX_STARTUP_MS:.0f} ms"
                  + (f" ({startup:.1f} ms)" if startup is not None else " (not measured)")))

    rss = float(meta["rss_after_mb"]) if meta.get("rss_after_mb") else None
    if "rss_idle_mb" in meta:
        say(f"RSS just after start-up: {meta['rss_idle_mb']} MB")
    say(f"RSS after the load runs: {rss:.1f} MB" if rss is not None else "RSS: not measured")
    goals.append((rss is not None and rss < MAX_RSS_MB,
                  f"RSS after the runs < {MAX_RSS_MB:.0f} MB"
                  + (f" ({rss:.1f} MB)" if rss is not None else " (not measured)")))
    say("")

    say("Goals")
    for ok, text in goals:
        say(f"  {'PASS' if ok else 'FAIL'}  {text}")
    say("")

    say("Raw runs")
    for name, _, _ in routes:
        for server in SERVERS:
            for rep, r in sorted(runs.get((name, server), []), key=lambda x: x[0]):
                say(f"  {name:10} {server:8} #{rep}  {one_line(r) if r else 'unreadable wrk output'}")

    print("\n".join(out))
    return 1 if strict and not all(ok for ok, _ in goals) else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "parse":
        with open(argv[2]) as f:
            print(one_line(parse_wrk(f.read())))
        return 0
    if len(argv) >= 3 and argv[1] == "table":
        return table(argv[2], "--strict" in argv[3:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
