#!/usr/bin/env bash
# make install / make uninstall, checked from the outside (ctest "install"):
#   tests/install/install_test.sh SOURCE_DIR BUILD_DIR [CC]
# Installs what BUILD_DIR holds into a temporary DESTDIR with PREFIX=/usr
# (make install-built: the build is already done when the suite runs), then
#  1. the files: binary, libgigawatt.so.X.Y.Z with its links, libgigawatt.a,
#     every public header, gigawatt.pc, man page, completion, data/, scenarios/;
#  2. the shared library: SONAME libgigawatt.so.MAJOR, exported symbols are
#     exactly the GW_API functions of the installed headers;
#  3. pkg-config (PKG_CONFIG_SYSROOT_DIR = DESTDIR): examples/step_time.c
#     built against the shared and, with --static, the static library; both
#     print the step time `gigawatt run --json` gives; src/cli/ built against
#     the shared library runs too (the exports are enough for the CLI);
#  4. the installed binary reads the installed data/ (--data);
#  5. the man page renders with `man -l` and without a groff warning, names
#     the install prefix, and shows every command and every flag of the help;
#  6. the bash completion completes a command, a flag, flag values and
#     catalog names;
#  7. make uninstall leaves no file behind.
# GW_EXAMPLE_CFLAGS (e.g. -fsanitize=address,undefined in the sanitizer
# build) is added when compiling the example and the CLI.
set -u
src=${1:?usage: install_test.sh SOURCE_DIR BUILD_DIR [CC]}
build=${2:?usage: install_test.sh SOURCE_DIR BUILD_DIR [CC]}
cc=${3:-cc}
extra=${GW_EXAMPLE_CFLAGS:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/usr
root=$dest$prefix
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
die() { echo "FAIL: $*"; exit 1; }
# Not the jobserver of a `make check` that started ctest.
unset MAKEFLAGS MFLAGS MAKELEVEL
# Two `gigawatt run --json` documents agree but for their wall-clock times.
same_run() { cmp -s <(grep -v '"wall_s":' "$1") <(grep -v '"wall_s":' "$2") || diff "$1" "$2" | head; }
mk() { make --no-print-directory -s -C "$src" BUILD="$build" PREFIX="$prefix" DESTDIR="$dest" "$@"; }

mk install-built > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; die "make install-built"; }

# ---- 1. the installed files
version=$("$build/gigawatt" --version | awk 'NR == 1 { print $2 }')
major=${version%%.*}
pc=$(find "$root" -name gigawatt.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || die "no gigawatt.pc under $root"
libdir=$(dirname "$(dirname "$pc")")
for f in bin/gigawatt share/man/man1/gigawatt.1 share/bash-completion/completions/gigawatt \
         share/gigawatt/install_manifest.txt; do
  [ -f "$root/$f" ] || fail "not installed: $prefix/$f"
done
[ -x "$root/bin/gigawatt" ] || fail "$prefix/bin/gigawatt is not executable"
[ -f "$libdir/libgigawatt.a" ] || fail "no libgigawatt.a in $libdir"
[ -f "$libdir/libgigawatt.so.$version" ] || fail "no libgigawatt.so.$version in $libdir"
[ "$(readlink "$libdir/libgigawatt.so.$major")" = "libgigawatt.so.$version" ] ||
  fail "libgigawatt.so.$major is not a link to libgigawatt.so.$version"
[ "$(readlink "$libdir/libgigawatt.so")" = "libgigawatt.so.$major" ] ||
  fail "libgigawatt.so is not a link to libgigawatt.so.$major"
for h in "$src"/include/gigawatt/*.h; do
  cmp -s "$h" "$root/include/gigawatt/$(basename "$h")" || fail "header not installed: $(basename "$h")"
done
(cd "$src" && find data scenarios -type f) | sort > "$tmp/data.want"
(cd "$root/share/gigawatt" && find data scenarios -type f) | sort > "$tmp/data.got"
cmp -s "$tmp/data.want" "$tmp/data.got" || { diff "$tmp/data.want" "$tmp/data.got"; fail "share/gigawatt is not data/ + scenarios/"; }

# ---- 2. SONAME and exports
so="$libdir/libgigawatt.so.$version"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libgigawatt.so.$major" ] || fail "SONAME is '$soname', want libgigawatt.so.$major"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDRBVW]$/ { print $3 }' | sort > "$tmp/exported"
# Every GW_API declaration of the installed headers names a function: the
# first gw_name( after GW_API (declarations may span lines).
# Preprocessor lines and comments are dropped first.
grep -hv '^[[:space:]]*#' "$root"/include/gigawatt/*.h | tr '\n' ' ' |
  sed 's|/\*\([^*]\|\*[^/]\)*\*/||g' | grep -oE 'GW_API[^;(]*\(' |
  grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\($' | tr -d ' (' | sort -u > "$tmp/api"
[ -s "$tmp/api" ] || fail "no GW_API declarations found in the installed headers"
if ! cmp -s "$tmp/api" "$tmp/exported"; then
  echo "GW_API declarations (<) vs symbols exported by $(basename "$so") (>):"
  diff "$tmp/api" "$tmp/exported" | grep '^[<>]'
  fail "the shared library must export exactly the GW_API functions"
fi

# ---- 3. building against the installed tree with pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
[ "$(pkg-config --modversion gigawatt)" = "$version" ] || fail "pkg-config --modversion gigawatt"
cflags=$(pkg-config --cflags gigawatt) || die "pkg-config --cflags gigawatt"
libs=$(pkg-config --libs gigawatt) || die "pkg-config --libs gigawatt"
slibs=$(pkg-config --static --libs gigawatt) || die "pkg-config --static --libs gigawatt"
case " $cflags " in *" -I$root/include "*) ;; *) fail "--cflags '$cflags' does not name $root/include";; esac
warn="-std=c11 -Wall -Wextra -Werror -pedantic"
# shellcheck disable=SC2086 # word splitting of the flags is intended
$cc $warn $extra "$src/examples/step_time.c" $cflags $libs -o "$tmp/step_time" ||
  die "examples/step_time.c does not build with pkg-config --cflags --libs gigawatt"
readelf -d "$tmp/step_time" | grep -q "NEEDED.*\[libgigawatt.so.$major\]" ||
  fail "step_time is not linked to libgigawatt.so.$major"
LD_LIBRARY_PATH="$libdir" ldd "$tmp/step_time" | grep -q "libgigawatt.so.$major => $libdir/" ||
  fail "step_time does not load the installed libgigawatt.so.$major"
LD_LIBRARY_PATH="$libdir" "$tmp/step_time" > "$tmp/example.out" 2>&1 ||
  { cat "$tmp/example.out"; die "step_time (shared) failed"; }
# Static: the same program with libgigawatt.a and its private dependencies.
slibs_a=$(printf '%s\n' "$slibs" | sed 's/-lgigawatt/-l:libgigawatt.a/')
# shellcheck disable=SC2086
$cc $warn $extra "$src/examples/step_time.c" $cflags $slibs_a -o "$tmp/step_time_static" || die "step_time does not build with pkg-config --static"
readelf -d "$tmp/step_time_static" | grep -q 'NEEDED.*libgigawatt' && fail "step_time_static needs libgigawatt.so"
"$tmp/step_time_static" > "$tmp/example_static.out" 2>&1 ||
  { cat "$tmp/example_static.out"; die "step_time (static) failed"; }
cmp -s "$tmp/example.out" "$tmp/example_static.out" ||
  { diff "$tmp/example.out" "$tmp/example_static.out"; fail "shared and static step_time differ"; }
# Sane output: the step time of `gigawatt run --json`, an MFU in (0, 1].
"$root/bin/gigawatt" run --json -q > "$tmp/run.json" || die "installed gigawatt run --json failed"
# The headline's step time is {value, lo, hi, level} (JSON schema 2).
want=$(awk '/^  "headline": \{/ { h = 1 } h && /"step_time_s":/ { s = 1 } s && /"value":/ { gsub(/[,"]/, ""); print $2; exit }' "$tmp/run.json")
got=$(awk '$1 == "step_time_s" { print $2 }' "$tmp/example.out")
mfu=$(awk '$1 == "mfu" { print $2 }' "$tmp/example.out")
awk -v w="$want" -v g="$got" -v m="$mfu" 'BEGIN {
  ok = (w + 0 > 0 && g + 0 > 0 && (g - w) / w < 1e-6 && (w - g) / w < 1e-6 && m + 0 > 0 && m + 0 <= 1)
  exit !ok }' || { cat "$tmp/example.out"; fail "step_time printed step_time_s '$got' mfu '$mfu'; gigawatt run --json says $want"; }
# The CLI itself needs only the exported API: build src/cli/ against the .so.
# shellcheck disable=SC2086
$cc -std=c11 $extra "$src"/src/cli/*.c $cflags $libs $(pkg-config --libs sqlite3) -lm -o "$tmp/gigawatt_shared" ||
  fail "src/cli/ does not link against the installed shared library"
if [ -x "$tmp/gigawatt_shared" ]; then
  LD_LIBRARY_PATH="$libdir" "$tmp/gigawatt_shared" run --json -q > "$tmp/run_shared.json" ||
    fail "src/cli/ linked against the shared library: gigawatt run --json failed"
  same_run "$tmp/run.json" "$tmp/run_shared.json" || fail "gigawatt run --json differs when linked against the .so"
fi

# ---- 4. the installed data/ is a complete catalog
"$root/bin/gigawatt" run --json -q --data "$root/share/gigawatt/data" > "$tmp/run_data.json" ||
  fail "gigawatt run --data $prefix/share/gigawatt/data failed"
same_run "$tmp/run.json" "$tmp/run_data.json" || fail "gigawatt run --json differs with --data share/gigawatt/data"

# ---- 5. the man page
man1="$root/share/man/man1/gigawatt.1"
# (preconv, as man does: the help texts may hold UTF-8.)
if preconv "$man1" 2> "$tmp/groff.err" | groff -man -Tutf8 -ww -z >> "$tmp/groff.err" 2>&1 &&
   [ ! -s "$tmp/groff.err" ]; then :; else
  cat "$tmp/groff.err"; fail "groff -ww warns about gigawatt.1"
fi
MANWIDTH=80 man -l "$man1" > "$tmp/man.txt" 2> "$tmp/man.err" || fail "man -l gigawatt.1 failed"
[ -s "$tmp/man.err" ] && { cat "$tmp/man.err"; fail "man -l gigawatt.1 wrote errors"; }
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
  grep -q "^$s\$" "$tmp/man.txt" || fail "gigawatt(1) has no $s section"
done
grep -q "$prefix/share/gigawatt/data/" "$tmp/man.txt" || fail "gigawatt(1) FILES does not name $prefix/share/gigawatt/data/"
cmds=$("$build/gigawatt" --help | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
[ -n "$cmds" ] || die "no commands in gigawatt --help"
for c in "" $cmds; do
  if [ -n "$c" ]; then grep -q "^   gigawatt $c\$" "$tmp/man.txt" || fail "gigawatt(1) has no section for '$c'"; fi
  # shellcheck disable=SC2086
  for flag in $("$build/gigawatt" $c --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    grep -qF -- "$flag" "$tmp/man.txt" || fail "gigawatt(1) does not mention $flag (gigawatt ${c:-(global)} --help)"
  done
done

# ---- 6. the bash completion
comp="$root/share/bash-completion/completions/gigawatt"
# complete WORDS...: the completions bash offers for the last word.
complete_words() {
  bash -c 'source "$1" || exit 1; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
           _gigawatt; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" 2>&1
}
expect_exact() { # WANT WORDS...
  local want=$1; shift
  local got; got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || fail "completing '$*' gave '$got', want '$want'"
}
expect_has() { # WANT WORDS...: WANT offered and every offer starts with the word
  local want=$1; shift
  local got; got=$(complete_words "$@")
  printf '%s\n' "$got" | grep -qxF -- "$want" || fail "completing '$*' does not offer '$want' (got: $(printf '%s' "$got" | tr '\n' ' '))"
  local last=${*: -1}
  printf '%s\n' "$got" | grep -v -- "^$last" | grep -q . && fail "completing '$*' offers words not starting with '$last'"
}
bash -c 'source "$1" && complete -p gigawatt' _ "$comp" | grep -q -- '-F _gigawatt gigawatt' ||
  fail "the completion does not register _gigawatt for gigawatt"
expect_exact "$(printf '%s\n' "$cmds" | tr '\n' ' ' | sed 's/ $//')" gigawatt ""
expect_exact train gigawatt tr
expect_exact --fp8-recipe gigawatt train --fp8-rec
expect_exact "selective" gigawatt train --recompute se
expect_exact "0 1 2 3 any" gigawatt train --zero ""
expect_has h100-sxm gigawatt train --gpu h100
expect_has gb200 gigawatt --threads 2 rel --gpu gb2
expect_has llama3.1-405b gigawatt catalog show llama3.1
expect_has h20 gigawatt export h2
train_flags=$(complete_words gigawatt train --)
for flag in $("$build/gigawatt" train --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
  printf '%s\n' "$train_flags" | grep -qxF -- "$flag" || fail "completing 'gigawatt train --' does not offer $flag"
done

# ---- 7. make uninstall
mk uninstall > "$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; fail "make uninstall"; }
left=$(find "$dest" \( -type f -o -type l \) -print)
if [ -n "$left" ] || [ -e "$root/share/gigawatt" ] || [ -e "$root/include/gigawatt" ]; then
  printf '%s\n' "$left"; fail "make uninstall left files or folders behind"
fi
mk uninstall > "$tmp/uninstall2.log" 2>&1 && fail "make uninstall with nothing installed succeeded"

if [ "$fails" -ne 0 ]; then
  echo "install test: $fails failure(s)"
  exit 1
fi
echo "install test: ok ($prefix in a DESTDIR; version $version, SONAME $soname, $(wc -l < "$tmp/exported") exported symbols)"
