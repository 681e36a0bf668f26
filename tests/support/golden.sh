#!/usr/bin/env bash
# Golden-file test runner (SimGrid .tesh / curl tests/data style).
# usage: golden.sh GIGAWATT_BINARY CASE_DIR [--update]
# A case folder holds:
#   cmd              the arguments to gigawatt, one line (run from the case folder,
#                    so inputs in the folder can be named relatively)
#   expected.rc      the exit status (default 0)
#   expected.stdout  exact stdout (optional)
#   expected.stderr  exact stderr (optional)
#   expected.json    exact stdout for a --json case (optional, same as .stdout)
#   filter           optional extended regex: stdout lines matching it are
#                    dropped before comparing (timings such as the search
#                    wall time, which differ from run to run)
#   expected.outfile exact content of out.txt, the file a `-o out.txt` case
#                    writes (optional; out.txt is removed afterwards)
# Any file written by the command with -o must not be left behind on failure:
# the runner checks that no *.tmp or *.tmpXXXXXX file remains in the case folder.
set -u
bin=$1
dir=$2
update=${3:-}
cd "$dir" || exit 1
read -r line < cmd
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# shellcheck disable=SC2086
eval "set -- $line"
GIGAWATT_DATA= "$bin" "$@" >"$out" 2>"$err"
rc=$?
if [ -f filter ]; then
  grep -vE "$(cat filter)" "$out" > "$out.f" || true
  mv "$out.f" "$out"
fi
if [ "$update" = "--update" ]; then
  echo "$rc" > expected.rc
  if [ -f out.txt ]; then mv out.txt expected.outfile; fi
  if [ -f expected.json ]; then cp "$out" expected.json; else cp "$out" expected.stdout; fi
  cp "$err" expected.stderr
  exit 0
fi
fail=0
want_rc=0
[ -f expected.rc ] && want_rc=$(cat expected.rc)
if [ "$rc" != "$want_rc" ]; then
  echo "exit status: got $rc, expected $want_rc"; fail=1
fi
for f in stdout json; do
  if [ -f "expected.$f" ] && ! diff -u "expected.$f" "$out"; then
    echo "stdout differs from expected.$f"; fail=1
  fi
done
if [ -f expected.outfile ]; then
  if [ ! -f out.txt ]; then
    echo "the command did not write out.txt"; fail=1
  elif ! diff -u expected.outfile out.txt; then
    echo "out.txt differs from expected.outfile"; fail=1
  fi
  rm -f out.txt
fi
if [ -f expected.stderr ] && ! diff -u expected.stderr "$err"; then
  echo "stderr differs"; fail=1
fi
left=""
for f in ./*.tmp ./*.tmp??????; do [ -e "$f" ] && left="$left $f"; done
if [ -n "$left" ]; then
  echo "a partial output file was left behind:$left"; fail=1
fi
if [ $fail = 0 ]; then echo "ok: $(basename "$dir")"; else cat "$err"; fi
exit $fail
