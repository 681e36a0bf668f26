#!/usr/bin/env bash
# mpirun -n 2 gigawatt sweep stores the same rows (inputs, outputs, status,
# JSON but its wall-clock times) as the single-process sweep. Skipped (77)
# without mpirun or when the binary was built without Open MPI.
. "$(dirname "$0")/common.sh"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found (Debian: openmpi-bin)"; exit 77; }
[ "$2" = 1 ] || { echo "SKIP: gigawatt was built without Open MPI (Debian: libopenmpi-dev)"; exit 77; }
"$bin" sweep "${args[@]}" -j 2 -q --db "$tmp/one.db" || fail "single-process sweep"
# Open MPI's runtime keeps allocations until exit (some in MCA components
# it has unloaded, which no suppression can name): under `make asan` the
# leak check is off for the MPI ranks only; the single-process sweep above
# and tests/sweep/resume_test.sh keep it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
timeout 300 mpirun --allow-run-as-root --oversubscribe -n 2 "$bin" sweep "${args[@]}" -j 1 -q --db "$tmp/mpi.db" \
  || fail "mpirun -n 2 sweep"
[ "$(count "$tmp/mpi.db" "SELECT count(*) FROM points")" = $npoints ] || fail "mpi: not $npoints rows"
cmp -s <(rows "$tmp/one.db") <(rows "$tmp/mpi.db") || { diff <(rows "$tmp/one.db") <(rows "$tmp/mpi.db") | head; fail "mpi rows differ"; }
echo "ok: $npoints rows equal"
