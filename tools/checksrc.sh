#!/usr/bin/env bash
# Source checks (curl's checksrc idea), run by `make lint` and CI:
#  1. banned functions in the library (src/ outside src/cli/);
#  2. the CLI includes only public headers (no "../" or module headers);
#  3. every exported symbol of libgigawatt starts with gw_;
#  4. every data/ value record carries a source.
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
