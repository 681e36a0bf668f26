#!/usr/bin/env bash
# Browser test of `gigawatt report` (tests/browser/check_report.py): the
# default scenario's page and a --set variant, opened in headless Chromium.
# usage: report_browser.sh GIGAWATT_BINARY BUILD_DIR
# Screenshots: BUILD_DIR/screenshots/ (CI keeps them as artefacts).
# Exit 77 (ctest: skipped) with a message when the browser tooling is absent.
set -u
bin=$1
out=$2/screenshots
mkdir -p "$out"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "SKIP: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver python3-selenium)"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
"$bin" report -o "$out/report.html" || exit 1
/usr/bin/python3 "$here/check_report.py" "$out/report.html" "$out/report.png" --charts "$out/charts" || exit $?
"$bin" report --set cluster.gpus=100000 -o "$out/report-100k.html" || exit 1
/usr/bin/python3 "$here/check_report.py" "$out/report-100k.html" "$out/report-100k.png"
rc=$?
[ $rc = 0 ] || exit $rc
# The checker itself must fail on a broken page: an external request (which
# the CSP blocks: a console error and a network request) and a chart that
# draws fewer marks than announced.
sed 's|<h1>|<img src="http://127.0.0.1:9/x.png"><h1>|; 0,/data-marks="\([0-9]*\)"/s//data-marks="\19"/' \
  "$out/report.html" > "$out/report-broken.html"
/usr/bin/python3 "$here/check_report.py" "$out/report-broken.html" "$out/report-broken.png" > "$out/broken.txt"
brc=$?
cat "$out/broken.txt"
if [ $brc != 1 ] || ! grep -q "FAIL network request" "$out/broken.txt" ||
   ! grep -q "FAIL console" "$out/broken.txt" || ! grep -q "marks, expected" "$out/broken.txt"; then
  echo "FAIL: check_report.py did not catch the broken page"; exit 1
fi
echo "ok: check_report.py catches a broken page"
