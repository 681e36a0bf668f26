#!/usr/bin/python3
"""SimGrid 3.32 FatTreeZone routing, re-implemented from tests/net/ORACLE.md.

This is the rule the C fat-tree topology must reproduce to be compared with
the SimGrid oracle route for route. The self-test runs it against the
oracle's --routes output, so the rule written in ORACLE.md is checked, not
just read.

    fattree_routes.py 'LEVELS;DOWN;UP;PARALLEL' [SRC DST ...]

prints, for each (SRC, DST) pair (all pairs when none are given),
    route <i> <src> <dst> <n> <link>...
with links written as the oracle's --routes writes them:
    up:L<l>.<child position>-L<l+1>.<parent position>#<parallel index>
    down:L<l>.<child position>-L<l+1>.<parent position>#<parallel index>
(a link is named by its lower end, at level l, and its upper end).
"""
import sys


class FatTree:
    def __init__(self, descriptor):
        parts = descriptor.split(";")
        self.h = int(parts[0])
        self.m = [int(x) for x in parts[1].split(",")]  # down: children per node at level l+1
        self.w = [int(x) for x in parts[2].split(",")]  # up: parents per node at level l
        self.p = [int(x) for x in parts[3].split(",")]  # parallel links between l and l+1
        assert len(self.m) == len(self.w) == len(self.p) == self.h
        self.n_hosts = 1
        for x in self.m:
            self.n_hosts *= x

    def radix(self, level, digit):
        # A node at `level` has label digits d < level in base w[d], d >= level in base m[d].
        return self.w[digit] if digit < level else self.m[digit]

    def label(self, level, pos):
        out = []
        for d in range(self.h):
            r = self.radix(level, d)
            out.append(pos % r)
            pos //= r
        return out

    def position(self, level, label):
        pos, weight = 0, 1
        for d in range(self.h):
            pos += label[d] * weight
            weight *= self.radix(level, d)
        return pos

    def in_subtree(self, level, label, dst_label):
        # A host is under the switch (level, label) iff their digits >= level agree.
        return level > 0 and all(label[d] == dst_label[d] for d in range(level, self.h))

    def route(self, src, dst):
        """The route as ORACLE.md states it: a list of
        (direction, lower level, lower position, upper position, parallel index)."""
        h, m, w, p = self.h, self.m, self.w, self.p
        S, T = self.label(0, src), self.label(0, dst)
        # Top level: the lowest L >= 1 where the hosts' digits L.. agree (>= 1
        # even when src == dst: a host never routes to itself directly).
        top = next(L for L in range(1, h + 1) if all(S[d] == T[d] for d in range(L, h)))
        links, pos = [], src
        for L in range(top):  # up: destination-mod-k
            div = 1
            for i in range(L):
                div *= w[i]
            x = (dst // div) % (w[L] * p[L])
            lab = self.label(L, pos)
            lab[L] = x % w[L]
            up = self.position(L + 1, lab)
            links.append(("up", L, pos, up, x // w[L]))
            pos = up
        prev = None
        for L in range(top, 0, -1):  # down: child digit T[L-1]; port i numbers (parallel j) * m + digit
            M, P = m[L - 1], p[L - 1]
            i = (src % P) * M + T[L - 1]
            if prev is not None:  # the port scan continues after the port used one level up
                c = prev + 1 + (T[L - 1] - (prev + 1)) % M
                if c < M * P:
                    i = c
            lab = self.label(L, pos)
            lab[L - 1] = T[L - 1]
            child = self.position(L - 1, lab)
            links.append(("down", L - 1, child, pos, i // M))
            pos, prev = child, i
        return links

    def route_literal(self, src, dst):
        """The same route by a literal transcription of FatTreeZone::get_local_route."""
        h, m, w, p = self.h, self.m, self.w, self.p
        dst_label = self.label(0, dst)
        links = []
        level, pos = 0, src
        while not self.in_subtree(level, self.label(level, pos), dst_label):
            d = dst
            for i in range(level):
                d //= w[i]
            d %= w[level] * p[level]
            lab = self.label(level, pos)
            lab[level] = d % w[level]
            ppos = self.position(level + 1, lab)
            links.append(("up", level, pos, ppos, d // w[level]))
            level, pos = level + 1, ppos
        # for (i = ...; i < currentNode->children.size(); i++) keeps i when
        # currentNode moves one level down inside the loop.
        while not (level == 0 and pos == dst):
            i = (src % p[level - 1]) * m[level - 1]
            while level > 0 and i < m[level - 1] * p[level - 1]:
                if i % m[level - 1] == dst_label[level - 1]:
                    lab = self.label(level, pos)
                    lab[level - 1] = i % m[level - 1]
                    cpos = self.position(level - 1, lab)
                    links.append(("down", level - 1, cpos, pos, i // m[level - 1]))
                    level, pos = level - 1, cpos
                i += 1
        return links


def fmt(link):
    direction, lev, lo, hi, j = link
    return "%s:L%d.%d-L%d.%d#%d" % (direction, lev, lo, lev + 1, hi, j)


def main(argv):
    if len(argv) < 2 or len(argv) % 2 != 0:
        sys.stderr.write("usage: fattree_routes.py 'LEVELS;DOWN;UP;PARALLEL' [SRC DST ...]\n")
        return 2
    ft = FatTree(argv[1])
    if len(argv) > 2:
        pairs = [(int(argv[k]), int(argv[k + 1])) for k in range(2, len(argv), 2)]
    else:
        pairs = [(s, d) for s in range(ft.n_hosts) for d in range(ft.n_hosts)]
    for i, (s, d) in enumerate(pairs):
        r = ft.route(s, d)
        print("route %d %d %d %d %s" % (i, s, d, len(r), " ".join(fmt(x) for x in r)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
