#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Server test of `gigawatt web` (docs/CLI.md, "web"):

- 100 concurrent POST /api/run with varied overrides: every answer 200, valid
  JSON, the document of `gigawatt run --json --set ...` for those overrides
  (its headline GPU count and accelerator are the ones asked for, and one of
  them equals the CLI's own output but for measured wall times), the server still alive;
- bad values: 400 with exactly the line the CLI prints for the same --set;
  malformed bodies: 400; a body over --max-body: 413; unknown paths: 404;
- a stalled upload and heavy plans in flight do not hold up a small request
  (one thread per connection);
- SIGTERM stops it with status 0.

Prints the throughput and latency it measured. Exit 77 (skip) when the
program was built without libmicrohttpd.
Usage: server_test.py path/to/gigawatt
"""
import concurrent.futures
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def request(port, method, path, body=None, timeout=1200):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    payload = r.read()
    c.close()
    return r.status, payload


def untimed(doc):
    """doc without its measured run times (the "wall_s" keys)."""
    if isinstance(doc, dict):
        return {k: untimed(v) for k, v in doc.items() if k != "wall_s"}
    if isinstance(doc, list):
        return [untimed(v) for v in doc]
    return doc


def cli_error(binary, sets):
    """The line `gigawatt run --set ...` prints for a bad value."""
    args = [binary, "run", "--json"]
    for k, v in sets.items():
        args += ["--set", "%s=%s" % (k, v)]
    p = subprocess.run(args, capture_output=True, text=True)
    assert p.returncode == 2, (sets, p.returncode, p.stderr)
    lines = [ln for ln in p.stderr.splitlines()
             if ln and not ln.startswith(("gigawatt: note: ", "gigawatt: warning: "))]
    return lines[-1]


def main():
    binary = webtest.binary_from_argv()
    # One worker thread per plan: the concurrency is the requests'.
    srv = webtest.Server(binary, "--max-body", "4096", "--threads", "1")
    port = srv.port
    try:
        # ---- 100 concurrent what-ifs, each on its own connection.
        accels = ["h100-sxm", "gb200", "b200"]
        points = []
        for i in range(100):
            o = {"cluster.gpus": 1024 * (1 + i % 16)}
            if i % 3:
                o["cluster.accelerator"] = accels[i % 3]
            if i % 4 == 0:
                o["economics.gpu_price"] = "%d USD" % (20000 + 500 * i)
            if i % 5 == 0:
                o["reliability.rate_scale"] = 1 + i % 3
            points.append(o)
        start = threading.Barrier(len(points))

        def one(o):
            start.wait()
            t0 = time.monotonic()
            st, body = request(port, "POST", "/api/run", o)
            return o, st, body, time.monotonic() - t0

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(len(points)) as ex:
            results = list(ex.map(one, points))
        wall = time.monotonic() - t0
        lat = sorted(r[3] for r in results)
        ok = 0
        for o, st, body, _ in results:
            if st != 200:
                check(False, "POST /api/run %s: HTTP %d %s" % (o, st, body[:200]))
                continue
            try:
                doc = json.loads(body)
            except ValueError as e:
                check(False, "POST /api/run %s: not JSON: %s" % (o, e))
                continue
            check(doc.get("command") == "run" and doc["headline"]["gpus"] == o["cluster.gpus"],
                  "POST /api/run %s: headline gpus %s" % (o, doc.get("headline", {}).get("gpus")))
            if "cluster.accelerator" in o:
                check(doc["site"]["accelerator"] == o["cluster.accelerator"],
                      "POST /api/run %s: accelerator %s" % (o, doc["site"]["accelerator"]))
            ok += 1
        check(ok == len(points), "%d of %d concurrent requests answered 200 with JSON" % (ok, len(points)))
        check(srv.alive(), "the server is alive after 100 concurrent requests")
        print("100 concurrent POST /api/run: %d ok, wall %.2f s (%.1f requests/s), latency "
              "median %.2f s, p90 %.2f s, max %.2f s" %
              (ok, wall, len(points) / wall, lat[len(lat) // 2], lat[int(0.9 * len(lat))], lat[-1]))

        # The same document as the CLI for one point.
        o = points[7]
        args = [binary, "run", "--json"]
        for k, v in o.items():
            args += ["--set", "%s=%s" % (k, v)]
        cli = json.loads(subprocess.run(args, capture_output=True, check=True).stdout)
        st, body = request(port, "POST", "/api/run", o)
        check(st == 200 and untimed(json.loads(body)) == untimed(cli),
              "POST /api/run %s equals `gigawatt run --json --set ...` (but for wall_s)" % o)

        # ---- Bad values: 400 with the CLI's line.
        for bad in [{"cluster.gpus": "abc"}, {"cluster.gpux": 5}, {"cluster.gpus": -5},
                    {"cluster.accelerator": "h100-sxn"}, {"workload.model": "nonesuch"},
                    {"reliability.rate_scale": 0}, {"site.power": "300"}]:
            st, body = request(port, "POST", "/api/run", bad)
            want = cli_error(binary, bad)
            got = json.loads(body).get("error") if st == 400 else None
            check(st == 400 and got == want,
                  "bad %s: HTTP %d %r, want 400 %r" % (bad, st, got, want))
        for raw in [b"{", b"[1]", b'{"cluster.gpus": null}', b'{"a": {"b": 1}}', b'{"=x": 1}',
                    b'{"cluster.gpus": 1} x', b"\xff\xfe", b'{"cluster.gpus": tru}']:
            st, body = request(port, "POST", "/api/run", raw)
            err = json.loads(body).get("error", "")
            check(st == 400 and err.startswith("gigawatt"),
                  "malformed body %r: HTTP %d %r" % (raw, st, err))
        st, body = request(port, "POST", "/api/run", {"workload.model": "/etc/x/config.json"})
        check(st == 400 and "config.json path is not accepted" in json.loads(body).get("error", ""),
              "a config.json path is refused: HTTP %d %s" % (st, body[:120]))
        st, _ = request(port, "POST", "/api/run", b"{}")
        check(st == 200, "an empty object runs the scenario as it is (HTTP %d)" % st)

        # Mangled bodies (a fixed seed): each answered 200, 400 or 413, never
        # a dropped connection, and the server lives on.
        rng = random.Random(13)
        base = json.dumps({"cluster.gpus": 1024, "cluster.accelerator": "h100-sxm",
                           "economics.gpu_price": "30000 USD"}).encode()
        codes = {}
        for _ in range(200):
            b = bytearray(base)
            for _ in range(rng.randint(1, 4)):
                op = rng.randrange(3)
                k = rng.randrange(len(b))
                if op == 0:
                    b[k] = rng.randrange(256)
                elif op == 1:
                    del b[k:k + rng.randint(1, 8)]
                else:
                    b[k:k] = bytes(rng.choice(b'{}[]":,\\0123456789e.-+ ntf=') for _ in range(3))
            try:
                st, _ = request(port, "POST", "/api/run", bytes(b), timeout=120)
            except (OSError, http.client.HTTPException) as e:
                st = "error %s" % e
            codes[st] = codes.get(st, 0) + 1
        check(set(codes) <= {200, 400}, "200 mangled bodies answered 200 or 400: %s" % codes)
        check(srv.alive(), "the server is alive after the mangled bodies")

        # ---- Limits and routes.
        big = json.dumps({"name": "x" * 5000}).encode()
        st, body = request(port, "POST", "/api/run", big)
        check(st == 413, "a 5 kB body with --max-body 4096: HTTP %d, want 413" % st)
        st, _ = request(port, "GET", "/nonesuch")
        check(st == 404, "GET /nonesuch: HTTP %d, want 404" % st)
        st, _ = request(port, "GET", "/api/run")
        check(st == 405, "GET /api/run: HTTP %d, want 405" % st)
        st, body = request(port, "GET", "/")
        check(st == 200 and b"<html" in body and b"http://" not in body.replace(b"http://www.w3.org", b""),
              "GET /: the page, with no external address")
        st, body = request(port, "GET", "/api/catalog")
        check(st == 200 and json.loads(body).get("accelerators"), "GET /api/catalog")

        # ---- A slow client and heavy plans do not hold up a small request.
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        heavy = {"workload.cp_comm": "any"}
        done = {}

        def heavy_run(k):
            request(port, "POST", "/api/run", heavy)
            done[k] = time.monotonic()

        hs = [threading.Thread(target=heavy_run, args=(k,)) for k in range(4)]
        th0 = time.monotonic()
        for h in hs:
            h.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        st, _ = request(port, "GET", "/api/info", timeout=30)
        t_info = time.monotonic()
        st2, _ = request(port, "POST", "/api/run", {"cluster.gpus": 1000}, timeout=120)
        t_small = time.monotonic()
        for h in hs:
            h.join()
        first_heavy = min(done.values())
        check(st == 200 and t_info < first_heavy,
              "GET /api/info answered (%.3f s) before the first heavy run finished (%.2f s)" %
              (t_info - t0, first_heavy - th0))
        check(st2 == 200, "a small run beside a stalled upload and 4 heavy runs: HTTP %d" % st2)
        print("beside a stalled upload and 4 heavy runs in flight: GET /api/info %.3f s, "
              "a 1000-GPU run %.2f s; heavy runs finished after %.2f-%.2f s" %
              (t_info - t0, t_small - t_info, first_heavy - th0, max(done.values()) - th0))
        stalled.close()
        check(srv.alive(), "the server is alive at the end")
    finally:
        rc, out, err = srv.stop()
    check(rc == 0, "SIGTERM: exit status %s (stderr %r)" % (rc, err[-500:]))
    check("stopped after" in out, "the server says it stopped: %r" % out)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
