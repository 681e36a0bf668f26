#!/usr/bin/env bash
# Source checks (curl's checksrc idea), run by `make lint` and CI:
#  1. banned functions in the library (src/ outside src/cli/);
#  2. the CLI includes only public headers (no "../" or module headers);
#  3. every exported symbol of libgigawatt starts with gw_;
#  4. every data/ value record carries a source;
#  5. the layers: core calls and includes nothing above it, and no module
#     includes a header of a higher layer.
set -u
cd "$(dirname "$0")/.."
fail=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atof|gets|rand|srand|malloc|calloc|realloc|free|exit|abort|printf|puts|perror)[[:space:]]*\('
# Comments and strings are stripped crudely: lines starting with " *" or "/*".
hits=$(grep -rnE "$banned" src --include='*.c' --include='*.h' | grep -v '^src/cli/' \
  | grep -v 'checksrc:allow' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*)' \
  | grep -vE '(gw_|gw__|fy_|gsl_|[a-z_]+_)(malloc|calloc|realloc|free|printf|exit)[[:space:]]*\(' \
  | grep -vE '\b(snprintf|vsnprintf|fprintf|vfprintf)\b' || true)
if [ -n "$hits" ]; then
  echo "banned functions in the library (use gw_malloc, gw__snprintf, strtod ...):"
  echo "$hits"
  fail=1
fi
hits=$(grep -rnE 'fprintf[[:space:]]*\([[:space:]]*(stderr|stdout)' src --include='*.c' | grep -v '^src/cli/' || true)
if [ -n "$hits" ]; then
  echo "printing from the library:"; echo "$hits"; fail=1
fi
hits=$(grep -rnE '#include[[:space:]]+"(\.\./|core/|catalog/|train/|net/|rel/|site/|econ/|policy/|report/|plan/)' src/cli || true)
if [ -n "$hits" ]; then
  echo "the CLI must include only <gigawatt/...> public headers:"; echo "$hits"; fail=1
fi
# Layers (docs/ARCHITECTURE.md): each module may include the public headers
# and internal headers of its own layer's modules and of lower layers only.
#   0 core (core.h, scenario.h)   1 report (the gw_doc model)   2 catalog
#   3 train rel econ   4 site   5 policy net infer   6 plan   7 cli
# Core, the lowest layer, must also call nothing above it (gw_catalog_*,
# gw_model_*, gw_train_*, gw_doc_* ...).
layer_of() {
  case $1 in
    core|scenario) echo 0;; report) echo 1;; catalog) echo 2;;
    train|rel|econ) echo 3;; site) echo 4;; policy|net|infer) echo 5;; plan) echo 6;;
    cli|gigawatt) echo 7;; *) echo 99;;
  esac
}
for dir in src/*/; do
  mod=$(basename "$dir")
  [ "$mod" = cli ] && continue
  mine=$(layer_of "$mod")
  while IFS=: read -r file line inc; do
    [ -n "$file" ] || continue
    dep=$(printf '%s' "$inc" | sed -E 's@.*#include[[:space:]]+[<"](gigawatt/)?([a-z]+)[/._].*@\2@')
    if [ "$(layer_of "$dep")" -gt "$mine" ]; then
      echo "$file:$line: layering: $mod (layer $mine) includes $dep (layer $(layer_of "$dep")):$inc"
      fail=1
    fi
  done < <(grep -nE '#include[[:space:]]+(<gigawatt/|"[a-z]+/)' "$dir"*.c "$dir"*.h 2>/dev/null \
           | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/')
done
hits=$(grep -nE '#include[[:space:]]+<gigawatt/' include/gigawatt/core.h include/gigawatt/scenario.h \
       | grep -vE '<gigawatt/(core|scenario)\.h>' || true)
if [ -n "$hits" ]; then
  echo "layering: core's public headers include a higher layer:"; echo "$hits"; fail=1
fi
hits=$(grep -nE '\bgw_(catalog|model|accel|system|train|rel|site|econ|policy|plan|doc|report|netbom)_[a-z_]+[[:space:]]*\(' \
       src/core/*.c src/core/*.h | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*)' || true)
if [ -n "$hits" ]; then
  echo "layering: src/core calls a higher layer (core must depend on nothing above it):"
  echo "$hits"; fail=1
fi
lib=$(ls build/libgigawatt.a 2>/dev/null || true)
if [ -n "$lib" ]; then
  bad=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF==3 && $2 ~ /[TDBR]/ {print $3}' \
        | grep -vE '^(gw_|gw__)' || true)
  if [ -n "$bad" ]; then
    echo "exported symbols without the gw_ prefix:"; echo "$bad"; fail=1
  fi
fi
# Every value record in data/*.yaml has a source: a "value:" line without
# "source:" on the same line must be followed by one before the next record.
for f in $(git ls-files 'data/*.yaml' 'data/**/*.yaml' 2>/dev/null); do
  awk -v f="$f" '
    /^[[:space:]]*#/ { next }
    /value:/ { if (pending) { print f ":" pline ": value without a source"; bad=1 }
               if ($0 ~ /source:/) pending=0; else { pending=1; pline=NR } ; next }
    /source:/ { pending=0 }
    /^[[:space:]]*[a-z_0-9]+:[[:space:]]*$/ { if (pending) { print f ":" pline ": value without a source"; bad=1; pending=0 } }
    END { if (pending) { print f ":" pline ": value without a source"; bad=1 } exit bad }' "$f" || fail=1
done
if [ $fail = 0 ]; then echo "checksrc: ok"; fi
exit $fail
