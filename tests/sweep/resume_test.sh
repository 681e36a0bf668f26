#!/usr/bin/env bash
# gigawatt sweep survives kill -9: start a sweep, kill it once some rows are
# committed, rerun with the same arguments: every point once, and the rows
# equal those of an uninterrupted sweep. Also: other arguments on the same
# DB fail (exit 2) unless --overwrite; --csv export from the DB alone.
. "$(dirname "$0")/common.sh"
"$bin" sweep "${args[@]}" -j 2 -q --db "$tmp/full.db" || fail "uninterrupted sweep"
[ "$(count "$tmp/full.db" "SELECT count(*) FROM points")" = $npoints ] || fail "uninterrupted: not $npoints rows"

"$bin" sweep "${args[@]}" -j 1 -q --db "$tmp/k.db" & pid=$!
for _ in $(seq 1 600); do
  n=$(count "$tmp/k.db" "SELECT count(*) FROM points" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(count "$tmp/k.db" "SELECT count(*) FROM points")
echo "killed with $n of $npoints rows stored"
[ "$n" -lt $npoints ] || echo "note: the sweep finished before the kill (machine fast): resume is a no-op"
"$bin" sweep "${args[@]}" -j 2 --db "$tmp/k.db" 2> "$tmp/resume.err" || { cat "$tmp/resume.err"; fail "resume"; }
cat "$tmp/resume.err"
grep -q "$n already stored" "$tmp/resume.err" || fail "resume did not skip the $n stored points"
[ "$(count "$tmp/k.db" "SELECT count(*) FROM points")" = $npoints ] || fail "resumed: not $npoints rows"
[ "$(count "$tmp/k.db" "SELECT count(DISTINCT idx) FROM points")" = $npoints ] || fail "duplicate rows"
cmp -s <(rows "$tmp/full.db") <(rows "$tmp/k.db") || { diff <(rows "$tmp/full.db") <(rows "$tmp/k.db") | head; fail "resumed rows differ"; }

# A point's JSON is what `gigawatt train --json` prints for it.
"$bin" train --set workload.model=llama3-8b --set cluster.gpus=128 --set workload.global_batch_tokens=4M --json \
  | grep -v '"wall_s":' > "$tmp/p.json"
"$py" -c "import sqlite3,sys; sys.stdout.write(sqlite3.connect(sys.argv[1]).execute('SELECT json FROM points WHERE \"cluster.gpus\"=128 AND \"workload.global_batch_tokens\"=4e6').fetchone()[0])" \
  "$tmp/full.db" | grep -v '"wall_s":' > "$tmp/db.json"
cmp -s "$tmp/p.json" "$tmp/db.json" || fail "point JSON differs from gigawatt train --json"

# Other arguments on the same DB: exit 2 and the rows untouched; --overwrite replaces.
"$bin" sweep --command train --vary cluster.gpus=1k,2k -q --db "$tmp/k.db" 2> "$tmp/e"; rc=$?
[ $rc = 2 ] && grep -q "other arguments" "$tmp/e" || fail "other arguments: rc $rc $(cat "$tmp/e")"
[ "$(count "$tmp/k.db" "SELECT count(*) FROM points")" = $npoints ] || fail "other arguments touched the DB"
"$bin" sweep --command train --set workload.model=llama3-8b --vary cluster.gpus=1k,2k -q --overwrite --db "$tmp/k.db" || fail "--overwrite"
[ "$(count "$tmp/k.db" "SELECT count(*) FROM points")" = 2 ] || fail "--overwrite: not 2 rows"

# CSV export from the DB alone: a header and one line per point.
"$bin" sweep --db "$tmp/full.db" --csv "$tmp/out.csv" || fail "export"
[ "$(wc -l < "$tmp/out.csv")" = $((npoints + 1)) ] || fail "csv: not $((npoints + 1)) lines"
head -1 "$tmp/out.csv" | grep -q '^idx,cluster.gpus,workload.global_batch_tokens,step_s,' || fail "csv header: $(head -1 "$tmp/out.csv")"
# --points: one row per CSV line; an infeasible point is an error row with
# the command's message, not a failure of the sweep.
printf 'cluster.gpus,workload.model\n64,llama3-8b\n8,frontier-moe-6t\n128,llama3-8b\n' > "$tmp/p.csv"
"$bin" sweep --command train --points "$tmp/p.csv" -q --db "$tmp/p.db" || fail "--points sweep"
[ "$(count "$tmp/p.db" "SELECT count(*) FROM points WHERE status='ok'")" = 2 ] || fail "--points: not 2 ok rows"
count "$tmp/p.db" "SELECT error FROM points WHERE idx=1" | grep -q '^no configuration of frontier-moe-6t' \
  || fail "--points: error row: $(count "$tmp/p.db" "SELECT error FROM points WHERE idx=1")"
[ "$(count "$tmp/p.db" "SELECT typeof(\"workload.model\") FROM points WHERE idx=0")" = text ] || fail "text column"
[ "$(count "$tmp/p.db" "SELECT \"cluster.gpus\" FROM points WHERE idx=2")" = 128.0 ] || fail "numeric column"
echo "ok"
