#!/usr/bin/env bash
# dsvk-demo's Wine path end to end: a Windows program loads the demo's assets through
# DirectStorage under real Wine with dsvk's shim, from a folder holding a game's own
# dstorage.dll (which must not run), and with plain Wine file reads; every asset's CRC32 is
# checked. A damaged asset is reported; without the shim the game's copy is detected.
# Usage: test_demo_wine.sh DSVK-DEMO WINEPREFIX PRELOAD-FIXTURE.so DSTORAGE-DLL
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_demo_wine

demo=$1 prefix=$2 fixture=$3 dll=$4
unset DSVK_SHIM_PATH DSVK_DEMO_LOADER DSVK_IO DSVK_STATS_FILE
export WINEPREFIX=$prefix
json=$t_tmp/out.json
assets=$t_tmp/assets

demo_json() { # WHAT EXPECTED-STATUS ARGS...
  local what=$1 want=$2 got=0
  shift 2
  "$@" >"$json" 2>"$t_tmp/stderr" || got=$?
  if [ "$got" = "$want" ]; then
    t_ok "$what (exit $got)"
  else
    t_fail "$what: exit $got, expected $want: $(tail -c 2000 "$t_tmp/stderr") $(head -c 3000 "$json")"
  fi
}

demo_json "the Wine path runs" 0 "$demo" --size 4M --dir "$assets" --json
t_json "the Wine path ran" "$json" "j['wine']['status'] == 'ran' and j['wine']['wine'].startswith('wine-')"
t_json "DirectStorage under Wine: every asset intact" "$json" \
  "j['wine']['dstorage']['assets_ok'] == j['assets']['count'] and j['wine']['dstorage']['bytes_out'] == j['assets']['bytes']"
t_json "plain Wine reads: every asset intact" "$json" \
  "j['wine']['plain']['assets_ok'] == j['assets']['count'] and j['wine']['plain']['checksum_mismatches'] == 0"
t_json "the Wine loads were timed" "$json" \
  "j['wine']['dstorage']['seconds'] > 0 and j['wine']['plain']['seconds'] > 0"
t_json "the CPU time of the Wine process was sampled" "$json" \
  "j['wine']['dstorage']['cpu_seconds'] is not None and j['wine']['dstorage']['cpu_seconds'] >= 0"

media=$(cd "$assets" && find media -type f | sort | head -n1)
python3 - "$assets/$media" <<'PY'
import os, sys
p = sys.argv[1]
with open(p, "r+b") as f:
    f.seek(os.path.getsize(p) // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0x10]))
PY
demo_json "a damaged asset" 1 "$demo" --size 4M --dir "$assets" --json
t_json "DirectStorage under Wine reports it" "$json" \
  "j['wine']['dstorage']['checksum_mismatches'] == 1 and '$media' in j['wine']['dstorage']['problems']"
t_json "so do the plain Wine reads" "$json" "j['wine']['plain']['checksum_mismatches'] == 1"

# A library that is not the shim: nothing points Wine at dsvk's DLL, so the game's own copy
# runs, and the loader must notice.
mkdir -p "$t_tmp/noshim/wine/x86_64-windows"
cp "$fixture" "$t_tmp/noshim/libdsvk_preload.so"
cp "$dll" "$t_tmp/noshim/wine/x86_64-windows/dstorage.dll"
demo_json "without the shim" 1 env DSVK_SHIM_PATH="$t_tmp/noshim/libdsvk_preload.so" \
  "$demo" --size 4M --dir "$t_tmp/assets2" --json
t_json "the game's own dstorage.dll is detected" "$json" \
  "j['wine']['status'] == 'failed' and 'game' in j['wine']['reason']"

t_end
