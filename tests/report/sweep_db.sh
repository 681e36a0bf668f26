#!/usr/bin/env bash
# `gigawatt report SWEEP.db`: builds small sweep databases with the schema
# `gigawatt sweep` writes (docs/CLI.md, schema 1) using the sqlite3 CLI, and
# checks the page (one chart per output, one line per value of the other
# varied key, the failed point left out), --x/--y, and that bad databases
# are refused with one line and exit status 2, leaving no output file.
# usage: sweep_db.sh GIGAWATT_BINARY WORKDIR   (exit 77: no sqlite3 CLI)
set -u
bin=$1
work=$2/sweep-db-test
command -v sqlite3 >/dev/null || { echo "SKIP: the sqlite3 command is not installed (apt-get install sqlite3)"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
check() { if ! eval "$2"; then echo "FAIL $1"; fail=1; else echo "ok $1"; fi; }
meta="CREATE TABLE sweep_meta(key TEXT PRIMARY KEY, value TEXT);"
good="$meta INSERT INTO sweep_meta VALUES('schema','1'),('command','run'),
  ('varied','cluster.gpus'||char(9)||'rel.rate_scale'),('outputs','goodput'||char(9)||'step_time_s');
  CREATE TABLE points(idx INTEGER PRIMARY KEY, \"cluster.gpus\" REAL, \"rel.rate_scale\" REAL,
    goodput REAL, step_time_s REAL, status TEXT, error TEXT, json TEXT);
  INSERT INTO points VALUES(0,10000,1,0.95,1.1,'ok',NULL,'{}'),(1,100000,1,0.8,1.0,'ok',NULL,'{}'),
    (2,1000000,1,0.3,0.9,'ok',NULL,'{}'),(3,10000,2,0.9,1.1,'ok',NULL,'{}'),
    (4,100000,2,0.6,1.0,'ok',NULL,'{}'),(5,1000000,2,NULL,NULL,'error','infeasible','{}');"
sqlite3 sweep.db "$good" || exit 1
"$bin" report sweep.db -o sweep.html; rc=$?
check "sweep page written" "[ $rc = 0 ] && [ -s sweep.html ]"
check "one chart per output" "[ \$(grep -c 'class=chart id=' sweep.html) = 2 ]"
check "two lines per chart (rate_scale 1 and 2)" "[ \$(grep -o 'data-marks=\"2\"' sweep.html | wc -l) = 2 ]"
check "failed point left out (5 rows per table)" "[ \$(grep -c '<tr><td class=n>' sweep.html) = 10 ]"
check "axis titles name the keys" "grep -q 'goodput against cluster.gpus' sweep.html"
"$bin" report sweep.db --x rel.rate_scale --y goodput -o xy.html; rc=$?
check "--x --y: one chart" "[ $rc = 0 ] && [ \$(grep -c 'class=chart id=' xy.html) = 1 ] && grep -q 'goodput against rel.rate_scale' xy.html"
check "--x --y: three lines (one per GPU count)" "grep -q 'data-marks=\"3\"' xy.html"
"$bin" report sweep.db --json > sweep.json; rc=$?
check "--json has the chart series" "[ $rc = 0 ] && grep -q '\"charts\"' sweep.json"
if [ -n "${GW_BROWSER:-}" ]; then
  /usr/bin/python3 "$GW_BROWSER" sweep.html "$2/screenshots/sweep.png"; rc=$?
  [ $rc = 77 ] || check "sweep page in headless Chromium" "[ $rc = 0 ]"
fi
bad() { # name sql expected-stderr-pattern [args]
  rm -f "$1.db" out.html
  sqlite3 "$1.db" "$2" || exit 1
  "$bin" report "$1.db" ${4:-} -o out.html 2>err.txt; rc=$?
  check "bad db $1: exit 2, '$3'" "[ $rc = 2 ] && grep -q -- '$3' err.txt && [ \$(wc -l < err.txt) = 1 ] && [ ! -e out.html ]"
}
bad no-meta "CREATE TABLE t(a);" "no table sweep_meta"
bad schema-2 "$meta INSERT INTO sweep_meta VALUES('schema','2');" "no schema = 1"
bad no-points "$meta INSERT INTO sweep_meta VALUES('schema','1'),('command','run'),('varied','a'),('outputs','b');" "no table points"
bad no-column "$meta INSERT INTO sweep_meta VALUES('schema','1'),('command','run'),('varied','a'),('outputs','b');
  CREATE TABLE points(idx INTEGER PRIMARY KEY, a REAL, status TEXT, error TEXT, json TEXT);" "lacks a varied or output column"
bad no-varied "$meta INSERT INTO sweep_meta VALUES('schema','1'),('command','run'),('outputs','b');" "lacks command, varied or outputs"
"$bin" report sweep.db --x nope -o out.html 2>err.txt; rc=$?
check "--x not varied: exit 2" "[ $rc = 2 ] && grep -q 'not a varied key of sweep.db (varied: cluster.gpus, rel.rate_scale)' err.txt && [ ! -e out.html ]"
"$bin" report sweep.db --y nope 2>err.txt; rc=$?
check "--y not an output: exit 2" "[ $rc = 2 ] && grep -q 'not an output' err.txt"
"$bin" report sweep.db --set cluster.gpus=5 2>err.txt; rc=$?
check "--set with a database: exit 2" "[ $rc = 2 ] && grep -q 'not to the sweep database' err.txt"
exit $fail
