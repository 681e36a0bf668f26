# Shared by the sweep tests: $1 = the gigawatt binary. Rows of a sweep DB
# as text (every column; wall-clock "wall_s" lines of the JSON left out).
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
rows() {
  "$py" - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute("SELECT * FROM points ORDER BY idx"):
    print("|".join("\n".join(l for l in str(v).split("\n") if '"wall_s":' not in l) for v in r))
PY
}
count() { "$py" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
# A small, fast sweep: Llama 3 8B training on 64..4096 GPUs (some points
# are infeasible: those are error rows).
args=(--command train --set workload.model=llama3-8b --vary cluster.gpus=64:4096:64
      --vary workload.global_batch_tokens=2M,4M)
npoints=128
