#!/usr/bin/env bash
# dsvk-run: LD_PRELOAD handling (existing entries, spaces in paths, repeated wrapping), the
# shim found next to an installed dsvk-run, exact argument pass-through, exit status.
# Usage: test_run.sh DSVK-RUN PRINT-ARGS PRELOAD-FIXTURE.so
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_run

run_src=$1 print_args=$2 fixture=$3
export DSVK_TEST_MAPS_UNDER=$t_tmp
unset LD_PRELOAD DSVK DSVK_SHIM_PATH DSVK_LOG
export HOME=$t_tmp/home XDG_RUNTIME_DIR=$t_tmp/runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# An installed layout: PREFIX/bin/dsvk-run and PREFIX/lib/dsvk/libdsvk_preload.so.
install_at() { # PREFIX
  mkdir -p "$1/bin" "$1/lib/dsvk"
  cp "$run_src" "$1/bin/dsvk-run"
  cp "$fixture" "$1/lib/dsvk/libdsvk_preload.so"
}
field() { # NAME OUTPUT
  printf '%s\n' "$2" | sed -n "s/^$1=//p"
}

# --help, --version, usage errors.
t_status "--help" 0 "$run_src" --help
t_contains "--help names the Steam form" "dsvk-run %command%" "$t_out"
t_status "--version" 0 "$run_src" --version
t_contains "--version prints the version" "dsvk-run " "$t_out"
t_status "no command is a usage error" 2 "$run_src"
t_status "'--' alone is a usage error" 2 "$run_src" --

# The installed shim is found relative to dsvk-run, and ld.so really preloads it.
p=$t_tmp/prefix
install_at "$p"
out=$("$p/bin/dsvk-run" "$print_args")
t_eq "DSVK=1 is set" "1" "$(field DSVK "$out")"
t_eq "LD_PRELOAD is the shim alone" "$p/lib/dsvk/libdsvk_preload.so" "$(field LD_PRELOAD "$out")"
t_contains "ld.so preloaded the shim" "mapped=$p/lib/dsvk/libdsvk_preload.so" "$out"

# Existing entries keep their order; spaces and colons both separate them (as for ld.so).
cp "$fixture" "$t_tmp/a.so"
cp "$fixture" "$t_tmp/b.so"
cp "$fixture" "$t_tmp/c.so"
out=$(LD_PRELOAD="$t_tmp/a.so:$t_tmp/b.so $t_tmp/c.so" "$p/bin/dsvk-run" "$print_args")
t_eq "existing LD_PRELOAD kept in order, shim appended" \
  "$t_tmp/a.so:$t_tmp/b.so:$t_tmp/c.so:$p/lib/dsvk/libdsvk_preload.so" "$(field LD_PRELOAD "$out")"
t_contains "an existing entry is still preloaded" "mapped=$t_tmp/b.so" "$out"
t_contains "the shim is preloaded after existing entries" "mapped=$p/lib/dsvk/libdsvk_preload.so" "$out"

# Wrapping twice (or a launcher that wraps again) gives one shim entry.
out=$(LD_PRELOAD="$t_tmp/a.so" "$p/bin/dsvk-run" "$p/bin/dsvk-run" "$p/bin/dsvk-run" "$print_args")
t_eq "repeated wrapping preloads one shim" "$t_tmp/a.so:$p/lib/dsvk/libdsvk_preload.so" \
  "$(field LD_PRELOAD "$out")"
# A shim of another install already in LD_PRELOAD is replaced, not doubled.
other=$t_tmp/other
install_at "$other"
out=$(LD_PRELOAD="$other/lib/dsvk/libdsvk_preload.so:$t_tmp/a.so" "$p/bin/dsvk-run" "$print_args")
t_eq "another dsvk shim is replaced by ours" "$t_tmp/a.so:$p/lib/dsvk/libdsvk_preload.so" \
  "$(field LD_PRELOAD "$out")"

# Arguments reach the command byte for byte.
nl=$'\n'
# shellcheck disable=SC2016 # '$HOME' is meant literally
out=$("$p/bin/dsvk-run" "$print_args" "two words" "" "it's" '"quoted"' 'back\slash' \
  '*' '$HOME' "line1${nl}line2" "  lead and trail  " "--help" "%command%")
expected="argc=11
arg1=two words
arg2=
arg3=it's
arg4=\"quoted\"
arg5=back\\x5cslash
arg6=*
arg7=\$HOME
arg8=line1\\x0aline2
arg9=  lead and trail  
arg10=--help
arg11=%command%"
t_eq "arguments pass through exactly" "$expected" "$(printf '%s\n' "$out" | sed -n '1,12p')"
out=$("$p/bin/dsvk-run" -- "$print_args" --version)
t_eq "'--' ends dsvk-run's options" "arg1=--version" "$(printf '%s\n' "$out" | sed -n 2p)"

# The command's exit status is dsvk-run's.
t_status "exit status passes through" 7 "$p/bin/dsvk-run" sh -c 'exit 7'

# A prefix with a space: the shim is preloaded through a link under $HOME.
sp="$t_tmp/my games/pre:fix"
install_at "$sp"
out=$("$sp/bin/dsvk-run" "$print_args")
pre=$(field LD_PRELOAD "$out")
case $pre in
"$HOME/.local/share/dsvk/links/lib-"*/libdsvk_preload.so) t_ok "spaces: preloaded via a link under \$HOME" ;;
*) t_fail "spaces: LD_PRELOAD is '$pre'" ;;
esac
t_not_contains "spaces: LD_PRELOAD has no space" " " "$pre"
t_eq "spaces: the link leads to the shim's directory" "$sp/lib/dsvk" "$(readlink "$(dirname "$pre")")"
t_contains "spaces: ld.so preloaded the shim" "mapped=$sp/lib/dsvk/libdsvk_preload.so" "$out"
out2=$("$sp/bin/dsvk-run" "$print_args")
t_eq "spaces: the link is reused" "$pre" "$(field LD_PRELOAD "$out2")"

# $HOME itself has a space: the link goes under $XDG_RUNTIME_DIR.
out=$(HOME="$t_tmp/home with space" "$sp/bin/dsvk-run" "$print_args")
pre=$(field LD_PRELOAD "$out")
case $pre in
"$XDG_RUNTIME_DIR/dsvk/lib-"*/libdsvk_preload.so) t_ok "spaces in HOME: link under XDG_RUNTIME_DIR" ;;
*) t_fail "spaces in HOME: LD_PRELOAD is '$pre'" ;;
esac
t_contains "spaces in HOME: ld.so preloaded the shim" "mapped=$sp/lib/dsvk/libdsvk_preload.so" "$out"
t_eq "the link directory is private" "drwx------" "$(stat -c %A "$XDG_RUNTIME_DIR/dsvk")"

# A shim directly in PREFIX/lib is found too.
mkdir -p "$t_tmp/flat/bin" "$t_tmp/flat/lib"
cp "$run_src" "$t_tmp/flat/bin/dsvk-run"
cp "$fixture" "$t_tmp/flat/lib/libdsvk_preload.so"
out=$("$t_tmp/flat/bin/dsvk-run" "$print_args")
t_eq "a shim in lib/ is found" "$t_tmp/flat/lib/libdsvk_preload.so" "$(field LD_PRELOAD "$out")"

# DSVK_SHIM_PATH overrides the installed shim.
out=$(DSVK_SHIM_PATH="$t_tmp/c.so" "$p/bin/dsvk-run" "$print_args")
t_eq "DSVK_SHIM_PATH is preloaded" "$t_tmp/c.so" "$(field LD_PRELOAD "$out")"

# No shim installed: a warning, and the command still runs, LD_PRELOAD untouched.
mkdir -p "$t_tmp/bare/bin"
cp "$run_src" "$t_tmp/bare/bin/dsvk-run"
t_status "missing shim still runs the command" 0 env LD_PRELOAD="$t_tmp/a.so" \
  "$t_tmp/bare/bin/dsvk-run" "$print_args"
t_contains "missing shim: warns" "not installed" "$t_out"
t_eq "missing shim: LD_PRELOAD untouched" "$t_tmp/a.so" "$(field LD_PRELOAD "$t_out")"
t_eq "missing shim: DSVK=1 still set" "1" "$(field DSVK "$t_out")"

t_end
