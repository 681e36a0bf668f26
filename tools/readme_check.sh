#!/usr/bin/env bash
# The README must not drift from the program (issue 10):
#   1. every line of a fenced block that follows a marker
#      `<!-- excerpt of FILE -->` appears, verbatim, as a line of FILE (a
#      golden output that the test suite checks against the program);
#   2. every figure ($1.2B, 4.5%, 2.28 GW, 65.1 days, 289 ms) in a paragraph
#      that follows a marker `<!-- figures from FILE -->` (up to the next blank
#      line) appears in FILE;
#   3. every line of the README's ```sh blocks that starts with `gigawatt `
#      runs from the repository root with exit status 0.
# Usage: tools/readme_check.sh [path/to/gigawatt]. Run by the test suite.
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${1:-build/gigawatt}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
fail=0

# 1. excerpts
while IFS= read -r src; do
  [ -f "$src" ] || { echo "README: excerpt source $src does not exist"; fail=1; continue; }
  awk -v src="$src" '
    index($0, "<!-- excerpt of " src " -->") { want = 1; next }
    want && /^```/ { if (inblock) { exit } inblock = 1; next }
    inblock && NF { print }' README.md > /tmp/readme_excerpt.$$
  [ -s /tmp/readme_excerpt.$$ ] || { echo "README: empty excerpt of $src"; fail=1; }
  while IFS= read -r line; do
    if ! grep -qxF -- "$line" "$src"; then
      echo "README: excerpt line not in $src: '$line'"; fail=1
    fi
  done < /tmp/readme_excerpt.$$
  rm -f /tmp/readme_excerpt.$$
done < <(grep -o '<!-- excerpt of [^ ]* -->' README.md | awk '{print $4}')

# 2. figures in prose
while IFS= read -r src; do
  [ -f "$src" ] || { echo "README: figures source $src does not exist"; fail=1; continue; }
  figs=$(awk -v src="$src" '
    index($0, "<!-- figures from " src " -->") { on = 1; next }
    on && !NF { exit }
    on { print }' README.md |
    grep -oE '\$[0-9][0-9.]*[kMBT]?|[0-9][0-9.]*%|[0-9][0-9.]* (GW|MW|days|ms)' | sort -u)
  [ -n "$figs" ] || { echo "README: no figures after the marker for $src"; fail=1; }
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    if ! grep -qF -- "$f" "$src"; then
      echo "README: figure '$f' not in $src"; fail=1
    fi
  done <<< "$figs"
done < <(grep -o '<!-- figures from [^ ]* -->' README.md | awk '{print $4}')

# 3. commands
n=0
while IFS= read -r cmdline; do
  args=${cmdline#gigawatt}
  args=${args%%#*}
  n=$((n + 1))
  # Word splitting is what a shell would do to these simple lines.
  # shellcheck disable=SC2086
  if ! "$bin" $args > /dev/null 2> /tmp/readme_cmd.$$ < /dev/null; then
    echo "README: command failed: $cmdline"; sed 's/^/  /' /tmp/readme_cmd.$$; fail=1
  fi
  rm -f /tmp/readme_cmd.$$
done < <(awk '/^```sh/ { on = 1; next } /^```/ { on = 0 } on' README.md | grep -E '^gigawatt( |$)')
[ "$n" -gt 0 ] || { echo "README: no gigawatt commands found"; fail=1; }

[ $fail = 0 ] && echo "readme-check: ok ($n commands)"
exit $fail
