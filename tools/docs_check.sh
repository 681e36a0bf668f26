#!/usr/bin/env bash
# Every flag that a command's --help mentions must be documented in
# docs/CLI.md under that command (curl's test1139 idea). Run by `make
# docs-check` and by the test suite (tests/unit is not needed for it).
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/gigawatt}
fail=0
cmds=$("$bin" --help | awk '/^commands:/{f=1;next} /^$/{f=0} f{print $1}')
for c in "" $cmds; do
  help=$("$bin" $c --help 2>&1) || { echo "gigawatt $c --help failed"; fail=1; continue; }
  for flag in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    if ! grep -qE -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|$)" docs/CLI.md; then
      echo "docs/CLI.md does not document $flag (gigawatt ${c:-(global)})"; fail=1
    fi
  done
  if [ -n "$c" ] && ! grep -q "^## gigawatt $c" docs/CLI.md; then
    echo "docs/CLI.md has no section '## gigawatt $c'"; fail=1
  fi
done
# docs/MODELS.md is generated from docs/models/: it must not be stale.
tmp=$(mktemp)
tools/gen_models_md.sh "$tmp"
if ! cmp -s "$tmp" docs/MODELS.md; then
  echo "docs/MODELS.md is stale: run tools/gen_models_md.sh"; fail=1
fi
rm -f "$tmp"
[ $fail = 0 ] && echo "docs-check: ok"
exit $fail
