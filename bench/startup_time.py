#!/usr/bin/env python3
"""Measure how long a server takes from spawn until GET /health first answers 200.

Usage: startup_time.py PORT RUNS LOGFILE -- COMMAND [ARGS...]

Starts COMMAND (with the caller's environment) RUNS times. Each time: note the clock,
spawn, poll http://127.0.0.1:PORT/health until it answers 200, note the clock, stop the
process with SIGTERM and wait for it to exit. Prints one line per run with the
milliseconds, then `median_ms <value>`. Exits non-zero if the server dies or is not
healthy within 30 s, so a broken build cannot hang the benchmark.

Python rather than a curl loop: spawning curl costs a few ms per attempt, which
would blur a number we want to hold under 300 ms. A connection attempt on a port
nobody listens on fails within microseconds, so polling every 1 ms keeps the error
near 1 ms while leaving the CPU to the server (2 shared cores).
"""
import http.client
import signal
import statistics
import subprocess
import sys
import time

TIMEOUT_S = 30.0
POLL_S = 0.001


def healthy(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:  # refused / reset while the server is still starting
        return False
    finally:
        conn.close()


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def fail(message, log):
    """Exit with the server's last log lines: the temp dir holding the log is removed."""
    log.flush()
    with open(log.name, errors="replace") as f:
        tail = "".join(f.readlines()[-20:])
    sys.exit(f"{tail}startup_time: {message}")


def one_run(port, cmd, log):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        while True:
            if healthy(port):
                return (time.perf_counter() - t0) * 1000.0
            if proc.poll() is not None:
                fail(f"server exited with status {proc.returncode}", log)
            if time.perf_counter() - t0 > TIMEOUT_S:
                fail(f"/health not 200 after {TIMEOUT_S:.0f} s", log)
            time.sleep(POLL_S)
    finally:
        stop(proc)


def main(argv):
    if len(argv) < 6 or argv[4] != "--":
        sys.exit(__doc__)
    port, runs, logfile, cmd = int(argv[1]), int(argv[2]), argv[3], argv[5:]
    if healthy(port):
        sys.exit(f"startup_time: something already answers on port {port}")
    times = []
    with open(logfile, "a") as log:
        for i in range(runs):
            ms = one_run(port, cmd, log)
            times.append(ms)
            print(f"run {i + 1}: {ms:.1f} ms", flush=True)
    print(f"median_ms {statistics.median(times):.1f}")


if __name__ == "__main__":
    main(sys.argv)
