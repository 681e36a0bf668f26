#!/usr/bin/env bash
# Writes the bash completion for gigawatt from the binary itself, so it
# cannot drift. Run by the build (CMakeLists.txt) after linking gigawatt:
#   tools/gen_completion.sh BUILD/gigawatt OUT.bash
# From `gigawatt --help`: the commands and the common options. From
# `gigawatt CMD --help`: each command's flags, whether a flag takes a value
# (it is shown as "--flag ARG" somewhere, ARG a METAVAR or a|b|c), the values
# of a|b|c choices, and the positional arguments of its usage lines
# (SCENARIO.yaml, FILE.csv, a|b|c words, a subcommand word). From
# `gigawatt catalog KIND --json`: the catalog names (accelerators, models,
# systems, network parts, sites) and `gigawatt rel --list-profiles --json`
# (failure profiles) for the flags and arguments in the table
# `names_for` below, the one hand-written part. The names are those of the
# built-in catalog; a `--data DIR` copy with other names is not read.
set -euo pipefail
export LC_ALL=C
bin=${1:?usage: gen_completion.sh GIGAWATT OUT.bash}
out=${2:?usage: gen_completion.sh GIGAWATT OUT.bash}

global=$("$bin" --help)
cmds=$(printf '%s\n' "$global" | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
[ -n "$cmds" ] || { echo "gen_completion.sh: no commands in '$bin --help'" >&2; exit 1; }

# Names of one catalog kind: the "name" of every entry of the top-level JSON
# arrays of `gigawatt catalog KIND --json` (the document is pretty-printed
# by gigawatt: arrays at two spaces, entry fields at six).
names() {
  "$bin" "$@" --json | awk '
    /^  "[a-z_]+": \[/ { inarr = 1; next }
    /^  []}]/ { inarr = 0 }
    inarr && /^      "name": "/ { s = $0; sub(/^      "name": "/, "", s); sub(/",?$/, "", s); print s }' |
    tr '\n' ' ' | sed 's/ $//'
}
accels=$(names catalog accelerators)
models=$(names catalog models)
systems=$(names catalog systems)
network=$(names catalog network)
sites=$(names catalog sites)
profiles=$(names rel --list-profiles)
for v in accels models systems network sites profiles; do
  [ -n "${!v}" ] || { echo "gen_completion.sh: no $v in '$bin catalog ... --json'" >&2; exit 1; }
done

# The hand-written table: what names a flag's value or a NAME argument is.
# Prints a completion action (w:WORDS, f:GLOB, d:) or nothing.
names_for() { # CMD FLAG-or-ARG
  case "$1:$2" in
    *:--gpu) echo "w:$accels" ;;
    *:--system) echo "w:$systems" ;;
    *:--model) echo "m:$models" ;; # a catalog name or a config.json
    *:--scenario) echo "f:*.yaml" ;;
    rel:--profile) echo "w:$profiles" ;;
    export:NAME) echo "w:$accels" ;;
    catalog:show) echo "w:$accels $models $systems $network $sites facility" ;;
  esac
}

# Flags of a help text: "flag valued enum-words" lines.
flags_of() {
  awk '
    function expand(v,    n, a, i, o, r, j) {   # "0..3|any" -> "0 1 2 3 any"
      n = split(v, a, "|"); o = ""
      for (i = 1; i <= n; i++) {
        if (match(a[i], /^[0-9]+\.\.[0-9]+$/)) {
          split(a[i], r, /\.\./)
          for (j = r[1] + 0; j <= r[2] + 0; j++) o = o " " j
        } else o = o " " a[i]
      }
      return substr(o, 2)
    }
    {
      line = $0
      while (match(line, /(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*/)) {
        f = substr(line, RSTART, RLENGTH); sub(/^[^-]/, "", f)
        line = substr(line, RSTART + RLENGTH)
        seen[f] = 1
        # "--flag ARG": ARG followed by the end, two spaces, punctuation or
        # another flag (not by prose: "--fp8-grouped-native FP8 grouped ...").
        if (match(line, /^ [^ ,\])]+/) &&
            substr(line, RLENGTH + 1) ~ /^($|  |[],)|.]| [-[|.])/) {
          arg = substr(line, 2, RLENGTH - 1)
          if (arg ~ /^[A-Z]/ || arg ~ /\|/) valued[f] = 1
          if (arg ~ /\|/ && arg !~ /[A-Z]/) en[f] = expand(arg)
          else if (arg ~ /^[A-Z]/) meta[f] = arg
        }
        if (f ~ /^-[A-Za-z]$/ && match(line, /^, --[A-Za-z][A-Za-z0-9-]*/))
          alias[f] = substr(line, 3, RLENGTH - 2)
      }
    }
    END {
      for (f in alias) if (valued[alias[f]]) { valued[f] = 1; meta[f] = meta[alias[f]] }
      for (f in seen) print f, (valued[f] ? 1 : 0), (f in meta ? meta[f] : "-"), en[f]
    }'
}

# Positional arguments of a command's usage lines: "kind value" lines with
# kind ext (a file extension), words (a|b|c) or sub (a subcommand word).
positionals_of() { # CMD < help
  awk -v cmd="$1" '
    /^usage: / { u = 1; sub(/^usage: /, "") }
    /^$/ { u = 0 }
    u {
      n = split($0, t, /[ \t]+/); k = 0; prevflag = 0
      for (i = 1; i <= n; i++) {
        w = t[i]; gsub(/[][]/, "", w)
        if (w == "") continue
        if (w == "gigawatt" && t[i + 1] == cmd) { i++; k = 0; continue }
        k++
        if (w ~ /^-/) { prevflag = 1; continue }
        if (prevflag && (w ~ /^[A-Z]/ || w ~ /\|/)) { prevflag = 0; continue }
        prevflag = 0
        if (w ~ /^[A-Z]+\.[a-z]+$/) { sub(/^[A-Z]+\./, "", w); print "ext", w }
        else if (w ~ /^[a-z]+(\|[a-z]+)+$/) { gsub(/\|/, " ", w); print "words", w }
        else if (k == 1 && w ~ /^[a-z]+$/) print "sub", w
        else if (k == 1 && w ~ /^[A-Z]+$/) print "meta", w
      }
    }'
}

tmp="$out.tmp"
{
  cat <<'EOF'
# bash completion for gigawatt(1). Generated by tools/gen_completion.sh from
# the help texts and the built-in catalog of gigawatt: do not edit.
# Installed as share/bash-completion/completions/gigawatt; or `source` it.

# _gigawatt_flags CMD: every flag CMD accepts (common options included).
_gigawatt_flags()
{
    case $1 in
EOF
  common=$(printf '%s\n' "$global" | flags_of)
  for c in $cmds; do
    all=$( { printf '%s\n' "$common"; "$bin" "$c" --help | flags_of; } | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
    printf "        %s) REPLY='%s' ;;\n" "$c" "$all"
  done
  printf "        *) REPLY='%s' ;;\n" "$(printf '%s\n' "$common" | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')"
  cat <<'EOF'
    esac
}

# _gigawatt_value CMD FLAG: fails if FLAG takes no value; else REPLY is the
# completion of the value: w:WORDS, m:MODEL-NAMES (or a .json file),
# f:GLOB (files), d: (folders) or n: (free text, nothing to offer).
_gigawatt_value()
{
    case $1:$2 in
EOF
  emit_values() { # CMD < flags_of lines
    while read -r f valued meta en; do
      [ "$valued" = 1 ] || continue
      act=$(names_for "$1" "$f")
      if [ -z "$act" ]; then
        if [ -n "${en:-}" ]; then act="w:$en"
        elif [ "$meta" = DIR ]; then act="d:"
        elif [ "$meta" = FILE ]; then act="f:*"
        else act="n:"; fi
      fi
      printf "        %s:%s) REPLY='%s' ;;\n" "$1" "$f" "$act"
    done
  }
  for c in $cmds; do
    "$bin" "$c" --help | flags_of | sort | emit_values "$c"
  done
  printf '%s\n' "$common" | sort | emit_values '*'
  cat <<'EOF'
        *) return 1 ;;
    esac
}

# _gigawatt_positional CMD PREV: REPLY is the completion of a positional
# argument of CMD after the positional PREV ("" for the first); fails if none.
_gigawatt_positional()
{
    case $1:$2 in
EOF
  for c in $cmds; do
    "$bin" "$c" --help | positionals_of "$c" | {
      first="" sub_words=""
      while read -r kind val; do
        case $kind in
          ext) first="${first:+$first }f:*.$val" ;;
          words) sub_words="$sub_words $val" ;;
          sub) sub_words="$sub_words $val"
               act=$(names_for "$c" "$val")
               [ -n "$act" ] && printf "        %s:%s) REPLY='%s' ;;\n" "$c" "$val" "$act" ;;
          meta) act=$(names_for "$c" "$val")
                [ -n "$act" ] && first="$act" ;;
        esac
      done
      [ -n "$sub_words" ] && first="w:${sub_words# }"
      [ -n "$first" ] && printf "        %s:) REPLY='%s' ;;\n" "$c" "$first"
      true
    }
  done
  cat <<'EOF'
        *) return 1 ;;
    esac
}

_gigawatt_commands()
{
EOF
  printf "    REPLY='%s'\n" "$(printf '%s\n' "$cmds" | tr '\n' ' ' | sed 's/ $//')"
  cat <<'EOF'
}

# Completes by an action: w:WORDS, m:MODELS (or .json files), f:GLOB, d:, n:.
_gigawatt_complete()
{
    local act=$1 cur=$2
    case $act in
        w:*) mapfile -t COMPREPLY < <(compgen -W "${act#w:}" -- "$cur") ;;
        m:*) mapfile -t COMPREPLY < <(compgen -W "${act#m:}" -- "$cur"
                                       compgen -f -X '!*.json' -- "$cur"
                                       compgen -d -- "$cur")
             compopt -o filenames 2>/dev/null ;;
        f:\*) mapfile -t COMPREPLY < <(compgen -f -- "$cur")
              compopt -o filenames 2>/dev/null ;;
        f:*) mapfile -t COMPREPLY < <(compgen -f -X "!${act#f:}" -- "$cur"
                                      compgen -d -- "$cur")
             compopt -o filenames 2>/dev/null ;;
        d:) mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null ;;
        *) COMPREPLY=() ;;
    esac
}

_gigawatt()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" pos="" npos=0 i w REPLY
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    _gigawatt_commands
    local commands=" $REPLY "
    # The command is the first word that names one; flag values are skipped.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -* ]]; then
            _gigawatt_value "${cmd:-*}" "$w" && ((i++))
            continue
        fi
        if [[ -z $cmd && $commands == *" $w "* ]]; then
            cmd=$w
        elif [[ -n $cmd ]]; then
            pos=$w
            ((npos++))
        fi
    done
    # The value of a flag.
    if [[ $prev == -* ]] && _gigawatt_value "${cmd:-*}" "$prev"; then
        _gigawatt_complete "$REPLY" "$cur"
        return 0
    fi
    if [[ $cur == -* ]]; then
        _gigawatt_flags "$cmd"
        _gigawatt_complete "w:$REPLY" "$cur"
        return 0
    fi
    if [[ -z $cmd ]]; then
        _gigawatt_complete "w:${commands}" "$cur"
        return 0
    fi
    if ((npos <= 1)) && _gigawatt_positional "$cmd" "$pos"; then
        _gigawatt_complete "$REPLY" "$cur"
    fi
    return 0
}
complete -F _gigawatt gigawatt
EOF
} > "$tmp"
bash -n "$tmp"
mv "$tmp" "$out"
