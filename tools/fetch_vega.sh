#!/usr/bin/env bash
# Refetches the pinned charting library of the HTML report (docs/REPORT.md)
# from the npm registry and checks it against the sha256 sums below, then
# copies the minified UMD builds and licences into third_party/vega/.
# usage: tools/fetch_vega.sh [--check]   (--check: only verify the vendored files)
# Needs npm (npm pack) and network access to the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=third_party/vega
# package@version  file-in-package  sha256
pins=(
  "vega@6.4.0 build/vega.min.js 8f6a3587cf8d4f42c7e08120e3eb05d067e746d554e39d2dcf52acc0bd5ba28f"
  "vega-lite@6.5.0 build/vega-lite.min.js 83e215e84e308ee8688fa6503ba0f1cf8a3c05c0d61df2841a0b92bf86809e00"
  "vega-embed@7.3.0 build/vega-embed.min.js b1455caba2fb1a72fb46025ba0ba1316e2dbc7f0dd40a3f6040172bf9c08ba91"
)
fail=0
if [ "${1:-}" = "--check" ]; then
  for p in "${pins[@]}"; do
    set -- $p
    f=$dest/$(basename "$2")
    if [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$3" ]; then echo "MISMATCH $f"; fail=1; else echo "ok $f"; fi
    [ -s "$dest/LICENSE.${1%@*}" ] || { echo "missing $dest/LICENSE.${1%@*}"; fail=1; }
  done
  exit $fail
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in "${pins[@]}"; do
  set -- $p
  pkg=$1 file=$2 sum=$3
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
  tgz=$(ls "$tmp"/${pkg%@*}-${pkg#*@}.tgz)
  mkdir -p "$tmp/${pkg%@*}" && tar xzf "$tgz" -C "$tmp/${pkg%@*}"
  got=$(sha256sum "$tmp/${pkg%@*}/package/$file" | cut -d' ' -f1)
  if [ "$got" != "$sum" ]; then
    echo "$pkg $file: sha256 $got, pinned $sum"; fail=1; continue
  fi
  cp "$tmp/${pkg%@*}/package/$file" "$dest/"
  cp "$tmp/${pkg%@*}/package/LICENSE" "$dest/LICENSE.${pkg%@*}"
  echo "ok $pkg $file"
done
exit $fail
