#!/usr/bin/python3
"""ctest net_oracle_agreement: the flow solver of src/net against SimGrid.

For each case, `gigawatt net ... --oracle FILE` writes the expanded flows and
links of one collective (routes, capacities and each flow's activation time)
and prints the solver's completion time of every flow; the SimGrid oracle
(tests/net/simgrid_oracle, ORACLE.md) solves the same flows with its own
max-min model. Every completion time must agree within 1% (they agree to
about 1e-9: the same model solved twice). Cases include contended ones:
several flows per host sharing oversubscribed or failed uplinks.

usage: oracle_compare.py GIGAWATT ORACLE   (exit 77 when ORACLE is empty)
"""
import os
import subprocess
import sys
import tempfile
import time

CASES = [
    # (name, arguments of `gigawatt net`)
    ("a2a-256-oversub3", ["--gpu", "h100-sxm", "--gpus", "256", "--collective", "all-to-all",
                          "--ranks", "16", "--stride", "8", "--size", "64MB",
                          "--set", "cluster.oversubscription=3"]),
    ("ring-1024-oversub", ["--gpu", "h100-sxm", "--gpus", "1024", "--collective", "all-reduce",
                           "--algo", "ring", "--ranks", "128", "--stride", "8", "--size", "256MB",
                           "--set", "cluster.oversubscription=3"]),
    ("sendrecv-2048-failed", ["--gpu", "h100-sxm", "--gpus", "2048", "--collective", "sendrecv",
                              "--ranks", "2", "--stride", "1024", "--size", "1GB",
                              "--set", "cluster.oversubscription=2",
                              "--set", "network.leaf_links_down=25%"]),
    ("tree-512", ["--gpu", "h100-sxm", "--gpus", "512", "--collective", "all-reduce",
                  "--algo", "tree", "--size", "128MB"]),
    ("a2a-4096-contended", ["--gpu", "h100-sxm", "--gpus", "4096", "--collective", "all-to-all",
                            "--ranks", "2", "--stride", "2048", "--size", "512MB",
                            "--set", "cluster.oversubscription=3"]),
    ("a2a-4096x4-contended", ["--gpu", "h100-sxm", "--gpus", "4096", "--collective",
                              "all-to-all", "--ranks", "4", "--stride", "1024", "--size", "100MB",
                              "--set", "cluster.oversubscription=3",
                              "--set", "network.spine_links_down=10%"]),
    ("a2a-nvl72-576", ["--gpu", "gb200", "--gpus", "576", "--collective", "all-to-all",
                       "--ranks", "8", "--stride", "72", "--size", "64MB"]),
]


def times(text):
    out = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "flow":
            out[int(f[1])] = float(f[2])
    return out


def main():
    # GW_ORACLE_CASES=name,name runs only those.
    only = os.environ.get("GW_ORACLE_CASES")
    global CASES
    if only:
        CASES = [c for c in CASES if c[0] in only.split(",")]
    if len(sys.argv) < 3 or not sys.argv[2]:
        print("SimGrid oracle not built (libsimgrid-dev missing): skipped")
        return 77
    gw, oracle = sys.argv[1], sys.argv[2]
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for name, args in CASES:
            path = os.path.join(d, name + ".txt")
            t0 = time.time()
            ours = subprocess.run([gw, "net"] + args + ["--oracle", path], capture_output=True,
                                  text=True)
            t1 = time.time()
            if ours.returncode != 0:
                print(f"{name}: gigawatt failed: {ours.stderr.strip()}")
                bad += 1
                continue
            sg = subprocess.run([oracle, path], capture_output=True, text=True)
            t2 = time.time()
            if sg.returncode != 0:
                print(f"{name}: oracle failed: {sg.stderr.strip()}")
                bad += 1
                continue
            a, b = times(ours.stdout), times(sg.stdout)
            if not a or set(a) != set(b):
                print(f"{name}: flow sets differ ({len(a)} vs {len(b)})")
                bad += 1
                continue
            worst = max(abs(a[k] - b[k]) / b[k] for k in a if b[k] > 0)
            ok = worst <= 0.01
            bad += 0 if ok else 1
            print(f"{name}: {len(a)} flows, max relative difference {worst:.2e} "
                  f"(gigawatt {t1 - t0:.2f} s, SimGrid {t2 - t1:.2f} s) {'ok' if ok else 'FAIL'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
