#!/usr/bin/python3
"""ctest net_oracle_selftest: checks the SimGrid oracle against answers derived by hand.

    oracle_selftest.py [ORACLE]

ORACLE is the simgrid_oracle executable (default: $GW_SIMGRID_ORACLE). When it
is empty or missing (SimGrid not installed, so not built) the test is skipped
with status 77.

  1. cases/*.txt: each "#expect <flow id> <expression>" line is a closed-form
     completion time derived in the file's comments; the oracle must agree to
     1e-9 relative, for every flow.
  2. fat-tree routes: for several shapes, the oracle's --routes (SimGrid's
     FatTreeZone) must equal fattree_routes.py, the rule ORACLE.md writes
     down (and its literal transcription of FatTreeZone.cpp), for every
     (src, dst) pair.
  3. random small cases: the oracle must agree to 1e-9 relative with
     reference_times() below, a direct progressive-filling event loop written
     from the semantics in ORACLE.md (not from SimGrid).
     The same for the fat-tree form, with routes from fattree_routes.py.
  4. bad input: exit status 2 and a "FILE:LINE: message" diagnostic.
"""
import ast
import operator
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fattree_routes  # noqa: E402

SKIP = 77
REL_TOL = 1e-9
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def arith(expr):
    """Evaluates + - * / over numbers (the #expect expressions), nothing else."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        raise ValueError("not arithmetic: " + expr)
    return ev(ast.parse(expr.strip(), mode="eval"))


def run(oracle, *args):
    return subprocess.run([oracle, *args], capture_output=True, text=True, timeout=600)


def check_cases(oracle):
    cases_dir = os.path.join(HERE, "cases")
    names = sorted(f for f in os.listdir(cases_dir) if f.endswith(".txt"))
    if not names:
        fail("no cases in " + cases_dir)
    for name in names:
        path = os.path.join(cases_dir, name)
        want = {}
        with open(path) as f:
            for line in f:
                if line.startswith("#expect "):
                    _, fid, expr = line.split(None, 2)
                    want[int(fid)] = arith(expr)
        r = run(oracle, path)
        if r.returncode != 0:
            fail("%s: oracle exit %d: %s" % (name, r.returncode, r.stderr.strip()))
            continue
        got = {}
        for line in r.stdout.splitlines():
            tag, fid, t = line.split()
            if tag != "flow":
                fail("%s: unexpected output line %r" % (name, line))
            got[int(fid)] = float(t)
        if sorted(got) != sorted(want):
            fail("%s: flows printed %s, expected %s" % (name, sorted(got), sorted(want)))
            continue
        worst = 0.0
        for fid, t in sorted(want.items()):
            rel = abs(got[fid] - t) / max(abs(t), 1e-300)
            worst = max(worst, rel)
            if rel > REL_TOL:
                fail("%s: flow %d ends at %.17g, expected %.17g (relative error %.3g)" % (name, fid, got[fid], t, rel))
        print("ok   %-22s %d flows, worst relative error %.2g" % (name, len(want), worst))


FATTREE_SHAPES = [
    "1;8;1;1",
    "2;2,2;1,2;1,1",
    "2;4,4;1,2;1,2",
    "2;4,4;2,4;2,3",
    "3;2,2,2;3,3,3;2,2,2",
    "3;4,2,3;2,2,1;3,2,2",
    "4;2,2,2,2;2,2,2,2;2,1,2,3",
    "4;3,2,2,3;2,3,1,2;3,2,3,2",
]


def check_fattree_routes(oracle, tmp):
    for shape in FATTREE_SHAPES:
        ft = fattree_routes.FatTree(shape)
        n = ft.n_hosts
        path = os.path.join(tmp, "ft.txt")
        with open(path, "w") as f:
            f.write("fattree %s 1e9 1e-6\n" % shape)
            i = 0
            for s in range(n):
                for d in range(n):
                    f.write("flow %d 0 0 %d %d\n" % (i, s, d))
                    i += 1
        r = run(oracle, "--routes", path)
        if r.returncode != 0:
            fail("fattree %s: oracle exit %d: %s" % (shape, r.returncode, r.stderr.strip()))
            continue
        got = [l for l in r.stdout.splitlines() if l.startswith("route ")]
        want = []
        i = 0
        for s in range(n):
            for d in range(n):
                links = ft.route(s, d)
                if links != ft.route_literal(s, d):
                    fail("fattree %s: %d -> %d: the closed form differs from the literal loop" % (shape, s, d))
                want.append("route %d %d %d %d %s" % (i, s, d, len(links),
                                                      " ".join(fattree_routes.fmt(x) for x in links)))
                i += 1
        bad = [(g, w) for g, w in zip(got, want) if g != w]
        if len(got) != len(want) or bad:
            fail("fattree %s: SimGrid's routes differ from ORACLE.md's rule, e.g.\n  simgrid: %s\n  rule:    %s"
                 % (shape, bad[0][0] if bad else len(got), bad[0][1] if bad else len(want)))
        else:
            print("ok   fattree %-22s %d routes match the documented rule" % (shape, len(got)))


def reference_times(links, flows):
    """links: {id: (bw, lat)}; flows: [(id, bytes, start, [link ids])] -> {id: end}.

    A flow is active from start + sum(latencies); rates are the max-min fair
    allocation by progressive filling; rates change only at activations and
    completions."""
    pending = sorted((start + sum(links[l][1] for l in route), fid, nbytes, route)
                     for fid, nbytes, start, route in flows)
    size = {fid: nbytes for fid, nbytes, _, _ in flows}
    left, route_of, done = {}, {}, {}
    t = 0.0
    while pending or left:
        # max-min rates of the active flows
        rate, cap, unfixed = {}, {l: links[l][0] for l in links}, set(left)
        while unfixed:
            count = {}
            for f in unfixed:
                for l in route_of[f]:
                    count[l] = count.get(l, 0) + 1
            share = min(cap[l] / count[l] for l in count)
            tight = {l for l in count if cap[l] / count[l] <= share * (1 + 1e-15)}
            for f in [f for f in unfixed if any(l in tight for l in route_of[f])]:
                rate[f] = share
                unfixed.discard(f)
                for l in route_of[f]:
                    cap[l] -= share
        dt = min([left[f] / rate[f] for f in left] + [pending[0][0] - t if pending else float("inf")])
        t += dt
        for f in list(left):
            left[f] -= rate[f] * dt
            if left[f] <= 1e-12 * size[f]:
                done[f] = t
                del left[f], route_of[f]
        while pending and pending[0][0] <= t:
            act, fid, nbytes, route = pending.pop(0)
            if nbytes == 0:
                done[fid] = act
            else:
                left[fid], route_of[fid] = float(nbytes), route
    return done


def check_random(oracle, tmp, n_cases=25):
    rng = random.Random(20240601)
    worst = 0.0
    for case in range(n_cases):
        n_links = rng.randint(1, 6)
        links = {l: (rng.choice([5e8, 1e9, 2e9, 3e9]) * rng.choice([1, 1, 1.5]),
                     rng.choice([0.0, 1e-6, 1e-4, 1e-3]))
                 for l in rng.sample(range(100), n_links)}
        flows = []
        for fid in range(rng.randint(1, 12)):
            route = rng.sample(sorted(links), rng.randint(1, min(3, n_links)))
            nbytes = rng.choice([0, rng.randint(1, 10) * 10**6, rng.randint(10**6, 10**8)])
            start = rng.choice([0.0, 0.0, rng.randint(0, 50) * 1e-3, rng.uniform(0, 0.05)])
            flows.append((fid, nbytes, start, route))
        path = os.path.join(tmp, "random%d.txt" % case)
        with open(path, "w") as f:
            for l, (bw, lat) in sorted(links.items()):
                f.write("link %d %r %r\n" % (l, bw, lat))
            for fid, nbytes, start, route in flows:
                f.write("flow %d %d %r %d %d %s\n" % (fid, nbytes, start, fid, fid + 1000,
                                                     " ".join(map(str, route))))
        want = reference_times(links, flows)
        r = run(oracle, path)
        if r.returncode != 0:
            fail("random case %d: oracle exit %d: %s" % (case, r.returncode, r.stderr.strip()))
            continue
        got = {int(l.split()[1]): float(l.split()[2]) for l in r.stdout.splitlines()}
        for fid, t in want.items():
            rel = abs(got.get(fid, float("nan")) - t) / max(t, 1e-300)
            worst = max(worst, rel) if rel == rel else float("inf")
            if not rel <= REL_TOL:
                fail("random case %d (%s): flow %d ends at %r, reference %r" % (case, path, fid, got.get(fid), t))
    print("ok   %d random cases agree with the reference loop (worst relative error %.2g)" % (n_cases, worst))


def check_random_fattree(oracle, tmp, n_cases=12):
    """The fat-tree form: routes by the documented rule, one link per direction."""
    rng = random.Random(7)
    worst = 0.0
    for case in range(n_cases):
        shape = rng.choice(["1;4;1;1", "2;4,4;1,2;1,2", "3;2,2,2;2,2,2;1,2,1", "2;2,3;2,2;2,1"])
        ft = fattree_routes.FatTree(shape)
        bw, lat = rng.choice([1e9, 5e10]), rng.choice([0.0, 1e-6, 5e-4])
        flows, pair_seen = [], set()
        for fid in range(rng.randint(1, 16)):
            s, d = rng.randrange(ft.n_hosts), rng.randrange(ft.n_hosts)
            nbytes = rng.choice([rng.randint(1, 10) * 10**6, rng.randint(10**6, 10**8)])
            start = rng.choice([0.0, rng.uniform(0, 0.02)])
            flows.append((fid, nbytes, start, [fattree_routes.fmt(x) for x in ft.route(s, d)], s, d))
        links = {l: (bw, lat) for f in flows for l in f[3]}
        path = os.path.join(tmp, "random_ft%d.txt" % case)
        with open(path, "w") as f:
            f.write("fattree %s %r %r\n" % (shape, bw, lat))
            for fid, nbytes, start, _, s, d in flows:
                f.write("flow %d %d %r %d %d\n" % (fid, nbytes, start, s, d))
        want = reference_times(links, [f[:4] for f in flows])
        r = run(oracle, path)
        if r.returncode != 0:
            fail("random fat-tree case %d: oracle exit %d: %s" % (case, r.returncode, r.stderr.strip()))
            continue
        got = {int(l.split()[1]): float(l.split()[2]) for l in r.stdout.splitlines()}
        for fid, t in want.items():
            rel = abs(got.get(fid, float("nan")) - t) / max(t, 1e-300)
            worst = max(worst, rel) if rel == rel else float("inf")
            if not rel <= REL_TOL:
                fail("random fat-tree case %d (%s): flow %d ends at %r, reference %r"
                     % (case, path, fid, got.get(fid), t))
    print("ok   %d random fat-tree cases agree with the reference loop (worst relative error %.2g)"
          % (n_cases, worst))


BAD_INPUTS = [
    ("flow 0 10 0 0 1 5\n", 1, "link 5 is not defined"),
    ("link 0 1e9 0\nlink 1 1e9 0\nflow 0 10 0 0 1 0\nflow 1 10 0 0 1 1\n", 4, "route differs"),
    ("link 0 1e9 0\nlink 0 1e9 0\n", 2, "already defined"),
    ("link 0 -1 0\n", 1, "bandwidth must be > 0"),
    ("link 0 1e9 0\n# comment\nflow 0 1.5 0 0 1 0\n", 3, "whole number"),
    ("link 0 1e9 0\nflow 0 10 0 0 1 0 0\n", 2, "appears twice"),
    ("link 0 1e9 0\nflow 0 10 0 0\n", 2, "at least 5 fields"),
    ("link x 1e9 0\n", 1, "not an integer"),
    ("fattree 2;4,4;1,2 1e9 0\n", 1, "4 fields"),
    ("fattree 1;4;1;1 1e9 0\nflow 0 10 0 0 4\n", 2, "not in the fat tree"),
    ("fattree 1;4;1;1 1e9 0\nlink 0 1e9 0\n", 2, "cannot be mixed"),
    ("bogus 1\n", 1, "unknown record"),
]


def check_bad_inputs(oracle, tmp):
    for k, (text, line, phrase) in enumerate(BAD_INPUTS):
        path = os.path.join(tmp, "bad%d.txt" % k)
        with open(path, "w") as f:
            f.write(text)
        r = run(oracle, path)
        prefix = "%s:%d: " % (path, line)
        if r.returncode != 2 or not r.stderr.startswith(prefix) or phrase not in r.stderr or r.stdout:
            fail("bad input %d: want exit 2 and '%s...%s', got exit %d, stderr %r"
                 % (k, prefix, phrase, r.returncode, r.stderr))
    r = run(oracle, os.path.join(tmp, "missing.txt"))
    if r.returncode != 2 or "cannot open" not in r.stderr:
        fail("missing file: want exit 2 and 'cannot open', got exit %d, stderr %r" % (r.returncode, r.stderr))
    print("ok   %d bad inputs rejected with FILE:LINE: and exit 2" % (len(BAD_INPUTS) + 1))


def main(argv):
    oracle = argv[1] if len(argv) > 1 else os.environ.get("GW_SIMGRID_ORACLE", "")
    if not oracle or not os.access(oracle, os.X_OK):
        print("SKIP: the SimGrid oracle was not built (install libsimgrid-dev and a C++ compiler, "
              "then re-run cmake; see tests/net/ORACLE.md)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        check_cases(oracle)
        check_fattree_routes(oracle, tmp)
        check_random(oracle, tmp)
        check_random_fattree(oracle, tmp)
        check_bad_inputs(oracle, tmp)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
