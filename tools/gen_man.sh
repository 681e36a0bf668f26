#!/usr/bin/env bash
# Writes the man page gigawatt(1) from the binary's own help texts
# (`gigawatt --help` and `gigawatt CMD --help` for every command listed
# there), so the page cannot drift from the program. Run by the build
# (CMakeLists.txt) after linking gigawatt:
#   tools/gen_man.sh BUILD/gigawatt OUT.1 [DATADIR]
# DATADIR is the installed data folder named in FILES (default
# /usr/local/share/gigawatt); `make install` rewrites the page's `.ds Gd`
# line to the prefix given at install time (tools/install_prefixed.cmake).
#
# How the help texts map to roff: blocks are separated by blank lines; a
# "usage:" block is shown as is (no-fill), "examples:" blocks are collected
# into EXAMPLES, lines "  --flag ARG  text" become tagged paragraphs (.TP)
# with their indented continuation lines, "heading:" lines become italic
# sub-headings and everything else is filled prose. Text is escaped for roff:
# backslashes, option dashes (\-) and lines starting with '.' or '\''.
set -euo pipefail
export LC_ALL=C
bin=${1:?usage: gen_man.sh GIGAWATT OUT.1 [DATADIR]}
out=${2:?usage: gen_man.sh GIGAWATT OUT.1 [DATADIR]}
datadir=${3:-/usr/local/share/gigawatt}

version=$("$bin" --version | awk 'NR == 1 { print $2 }')
global=$("$bin" --help)
cmds=$(printf '%s\n' "$global" | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
[ -n "$cmds" ] || { echo "gen_man.sh: no commands in '$bin --help'" >&2; exit 1; }
date=""
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
fi

# All help texts in one stream for awk: "\001CMD name" starts a command's
# text ("" for the global one).
stream() {
  printf '\001CMD\n'
  printf '%s\n' "$global"
  for c in $cmds; do
    printf '\001CMD %s\n' "$c"
    "$bin" "$c" --help
  done
}

tmp="$out.tmp"
stream | awk -v version="$version" -v date="$date" -v datadir="$datadir" '
# Roff-escapes one line of help text.
function esc(s,    i, c, o, prev, inopt) {
  o = ""; prev = ""; inopt = 0
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "-" && (inopt || prev !~ /[A-Za-z0-9]/)) inopt = 1
    else if (c !~ /[A-Za-z0-9-]/) inopt = 0
    prev = c
    if (c == "\\") c = "\\e"
    else if (c == "-" && inopt) c = "\\-"
    o = o c
  }
  if (o ~ /^[.\047]/) o = "\\&" o
  return o
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function indent(s) { match(s, /^ */); return RLENGTH }

# Flushes an open prose paragraph or tagged item.
function flush() {
  if (para != "") { body = body ".PP\n" para "\n"; para = "" }
  if (tag != "") {
    body = body ".TP\n\\fB" tag "\\fR\n" (desc != "" ? desc "\n" : "")
    tag = ""; desc = ""
  }
}
# Converts one help text (lines h[1..n]) to roff in body; usage and
# examples blocks go to usage/examples instead when the caller asks.
function convert(cmd,    i, line, blk, first, t, k) {
  body = ""; para = ""; tag = ""; desc = ""; blk = ""; first = 1; desccol = 0
  for (i = 1; i <= n; i++) {
    line = h[i]
    if (line ~ /^[ \t]*$/) { flush(); blk = ""; first = 1; desccol = 0; continue }
    if (first) {
      first = 0
      if (line ~ /^usage: /) { blk = "usage"; body = body ".PP\n.nf\n" }
      else if (line ~ /^examples:[ \t]*$/) { blk = "examples"; newgroup = 1; continue }
      else blk = "text"
    }
    if (blk == "usage") {
      sub(/^usage: /, "", line); sub(/^       /, "", line)
      body = body esc(line) "\n"
      if (i == n || h[i + 1] ~ /^[ \t]*$/) body = body ".fi\n"
      continue
    }
    if (blk == "examples") {
      sub(/^  /, "", line)
      if (newgroup && examples != "") examples = examples ".sp\n"
      newgroup = 0
      examples = examples esc(line) "\n"
      continue
    }
    if (para != "" && line ~ /^ /) { para = para "\n" esc(trim(line)); continue }
    if (line ~ /^ +-/) {
      flush()
      # The tag ends at two spaces; a tag one space short of the column where the
      # descriptions of the block start (an over-long flag) ends there.
      t = trim(line)
      itemind = indent(line)
      k = match(t, /  +/)
      if (k) {
        tag = esc(substr(t, 1, k - 1)); desc = esc(trim(substr(t, k)))
        desccol = itemind + k + RLENGTH
      } else if (desccol > 0 && substr(line, desccol - 1, 1) == " " &&
                 substr(line, desccol, 1) != " ") {
        tag = esc(trim(substr(line, 1, desccol - 1))); desc = esc(substr(line, desccol))
      } else {
        body = body ".IP\n" esc(t) "\n"
      }
      continue
    }
    if (tag != "" && indent(line) > itemind) {
      desc = desc (desc != "" ? "\n" : "") esc(trim(line)); continue
    }
    if (line ~ /^[^ ].*:$/) { flush(); body = body ".PP\n\\fI" esc(line) "\\fR\n"; continue }
    if (tag != "") flush()
    para = para (para != "" ? "\n" : "") esc(trim(line))
  }
  flush()
}

/^\001CMD/ {
  if (have) finish()
  have = 1; cur = (NF > 1 ? $2 : ""); n = 0; next
}
{ h[++n] = $0 }
END { if (have) finish(); emit() }

function finish(    i, line, t, blk, m) {
  if (cur == "") {
    # The global help: its blocks feed NAME, DESCRIPTION, OPTIONS, EXIT STATUS.
    blk = ""
    for (i = 1; i <= n; i++) {
      line = h[i]
      if (line ~ /^[ \t]*$/) { blk = ""; continue }
      if (blk == "") {
        if (line ~ /^usage: /) { blk = "usage"; synopsis = synopsis esc(substr(line, 8)) "\n"; continue }
        if (line ~ /^commands:/) { blk = "commands"; continue }
        if (line ~ /^common options/) { blk = "options"; continue }
        if (line ~ /^exit status:/) { blk = "exit"; exitst = substr(line, 14); continue }
        blk = "desc"
        if (summary == "") summary = line
      }
      if (blk == "usage") synopsis = synopsis esc(trim(line)) "\n"
      else if (blk == "commands") {
        t = trim(line); m = match(t, /  +/)
        cmdlist[++ncmd] = substr(t, 1, m - 1); cmddesc[substr(t, 1, m - 1)] = trim(substr(t, m))
      }
      else if (blk == "options") opts[++nopts] = line
      else if (blk == "exit") exitst = exitst " " trim(line)
      else if (blk == "desc") description = description esc(trim(line)) "\n"
    }
    n = 0
    for (i = 1; i <= nopts; i++) h[++n] = opts[i]
    convert("")
    options = body
  } else {
    convert(cur)
    sections = sections ".SS gigawatt " cur "\n" esc(cmddesc[cur]) ".\n" body
  }
}

function emit(    s, parts, i, np, k) {
  s = summary; sub(/\.$/, "", s)
  s = tolower(substr(s, 1, 1)) substr(s, 2)
  print ".\\\" -*- coding: utf-8 -*-"
  print ".\\\" Generated by tools/gen_man.sh from the help texts of gigawatt " version "."
  print ".\\\" Do not edit: change the help text in src/cli/ instead."
  print ".TH GIGAWATT 1 \"" date "\" \"gigawatt " version "\" \"User Commands\""
  print ".nh"
  print ".ad l"
  print ".\\\" Gd: the installed data folder (set by make install)."
  print ".ds Gd " datadir
  print ".SH NAME"
  print "gigawatt \\- " esc(s)
  print ".SH SYNOPSIS"
  print ".nf"
  printf "%s", synopsis
  print "gigawatt \\fICOMMAND\\fR \\-\\-help"
  print ".fi"
  print ".SH DESCRIPTION"
  printf "%s", description
  print ".PP"
  print "The commands are described under COMMANDS, each with its own options;"
  print "the options every command accepts are under OPTIONS."
  print ".SH COMMANDS"
  for (i = 1; i <= ncmd; i++) {
    print ".TP"
    print "\\fB" esc(cmdlist[i]) "\\fR"
    print esc(cmddesc[cmdlist[i]])
  }
  printf "%s", sections
  print ".SH OPTIONS"
  printf "%s", options
  print ".SH EXIT STATUS"
  np = split(exitst, parts, /, /)
  for (i = 1; i <= np; i++) {
    k = trim(parts[i])
    if (match(k, /^[0-9]+ /)) {
      print ".TP"; print "\\fB" substr(k, 1, RLENGTH - 1) "\\fR"; print esc(substr(k, RLENGTH + 1))
    } else {
      print ".PP"; print esc(k)
    }
  }
  print ".SH ENVIRONMENT"
  print ".TP"
  print "\\fBGIGAWATT_DATA\\fR"
  print "read the catalogs from this folder instead of the copy built into the"
  print "library (as \\fB\\-\\-data\\fR does; \\fB\\-\\-data\\fR wins)."
  print ".SH FILES"
  print ".TP"
  print "\\fI\\*(Gd/data/\\fR"
  print "an editable copy of the catalogs built into the library (accelerators,"
  print "systems, network parts, models, sites, prices, failure rates, export"
  print "rules), every value with its source; pass a changed copy with"
  print "\\fB\\-\\-data\\fR \\fIDIR\\fR."
  print ".TP"
  print "\\fI\\*(Gd/scenarios/\\fR"
  print "example scenarios; \\fIdefault.yaml\\fR is the built-in default."
  print ".SH EXAMPLES"
  print ".nf"
  printf "%s", examples
  print ".fi"
  print ".SH SEE ALSO"
  print "\\fBpkg\\-config\\fR(1) for building against libgigawatt (\\fIgigawatt.pc\\fR)."
}
' > "$tmp"
mv "$tmp" "$out"
