#!/usr/bin/python3
"""Writes a contended leaf-spine case in the oracle's explicit-link format.

    gen_contended.py [--hosts N] [--flows-per-host K] [--hosts-per-leaf H]
                     [--spines S] [--bytes MIN:MAX] [--start-spread T]
                     [--seed X] [-o FILE]

Topology (every link one direction, SHARED max-min):
  host h -> leaf(h) up link, leaf(h) -> host h down link: HOST_BW, HOST_LAT;
  leaf l -> spine s and spine s -> leaf l: one link each way per (l, s),
  LEAF_BW, LEAF_LAT.
With H hosts per leaf and S spines, a leaf's uplinks carry H * HOST_BW of
demand over S * LEAF_BW of capacity (oversubscription H*HOST_BW/(S*LEAF_BW);
the defaults give 4:1), so flows leaving a leaf contend on its uplinks.

Flows: each host sends K flows, the k-th to the host (h + (k+1) * N/(K+1) +
k) mod N shifted by a seeded random offset, i.e. mostly to other leaves;
sizes uniform in MIN..MAX bytes (whole numbers), starts uniform in
[0, T]. A flow between hosts of the same leaf uses up + down host links
only; otherwise host up, leaf->spine, spine->leaf, host down, with the
spine chosen by destination mod S (so two flows with the same hosts always
have the same route, as the format requires).

Link ids: host up links 0..N-1, host down links N..2N-1, then leaf->spine
2N + l*S + s, then spine->leaf 2N + L*S + l*S + s (L leaves).
"""
import argparse
import random
import sys


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--hosts", type=int, default=4096)
    ap.add_argument("--flows-per-host", type=int, default=4)
    ap.add_argument("--hosts-per-leaf", type=int, default=32)
    ap.add_argument("--spines", type=int, default=8)
    ap.add_argument("--host-bw", type=float, default=50e9, help="bytes/s (400 Gb/s)")
    ap.add_argument("--leaf-bw", type=float, default=50e9, help="bytes/s")
    ap.add_argument("--host-lat", type=float, default=1e-6)
    ap.add_argument("--leaf-lat", type=float, default=2e-6)
    ap.add_argument("--bytes", default="1000000:100000000", help="MIN:MAX bytes per flow")
    ap.add_argument("--start-spread", type=float, default=1e-3, help="starts uniform in [0, T] s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args(argv[1:])
    n, k, hpl, s = a.hosts, a.flows_per_host, a.hosts_per_leaf, a.spines
    if n < 2 or k < 1 or hpl < 1 or s < 1 or n % hpl != 0 or n > 65536:
        ap.error("need 2 <= hosts <= 65536, a multiple of hosts-per-leaf, and k, spines >= 1")
    lo, hi = (int(float(x)) for x in a.bytes.split(":"))
    leaves = n // hpl
    rng = random.Random(a.seed)

    out = sys.stdout if a.output == "-" else open(a.output, "w")
    w = out.write
    w("# gen_contended.py --hosts %d --flows-per-host %d --hosts-per-leaf %d --spines %d --seed %d\n"
      % (n, k, hpl, s, a.seed))
    w("# %d leaves, oversubscription %.3g:1\n" % (leaves, hpl * a.host_bw / (s * a.leaf_bw)))
    for h in range(n):
        w("link %d %.17g %.17g\n" % (h, a.host_bw, a.host_lat))
    for h in range(n):
        w("link %d %.17g %.17g\n" % (n + h, a.host_bw, a.host_lat))
    up0, down0 = 2 * n, 2 * n + leaves * s
    for l in range(leaves):
        for sp in range(s):
            w("link %d %.17g %.17g\n" % (up0 + l * s + sp, a.leaf_bw, a.leaf_lat))
    for l in range(leaves):
        for sp in range(s):
            w("link %d %.17g %.17g\n" % (down0 + l * s + sp, a.leaf_bw, a.leaf_lat))

    fid = 0
    shift = rng.randrange(n)
    for h in range(n):
        dsts = set()
        for j in range(k):
            d = (h + (j + 1) * (n // (k + 1)) + j + shift) % n
            while d == h or d in dsts:
                d = (d + 1) % n
            dsts.add(d)
            ls, ld = h // hpl, d // hpl
            if ls == ld:
                route = [h, n + d]
            else:
                sp = d % s
                route = [h, up0 + ls * s + sp, down0 + ld * s + sp, n + d]
            size = rng.randint(lo, hi)
            start = rng.uniform(0.0, a.start_spread)
            w("flow %d %d %.17g %d %d %s\n" % (fid, size, start, h, d, " ".join(map(str, route))))
            fid += 1
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
