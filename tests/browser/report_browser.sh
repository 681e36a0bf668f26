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
