#!/usr/bin/env bash
# dsvk-demo end to end natively (the Wine path has its own test, tools_demo_wine): a small
# asset set loads intact both ways, reuse of a kept
# folder, the thread-pool backend with a stats file, and damaged assets (a byte flipped by
# this test, and --corrupt) detected and reported with exit status 1.
# Usage: test_demo.sh DSVK-DEMO
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_demo

demo=$1
unset DSVK_IO DSVK_STATS DSVK_STATS_FILE DSVK_LOG
json=$t_tmp/out.json
assets=$t_tmp/assets

demo_json() { # WHAT EXPECTED-STATUS ARGS...
  local what=$1 want=$2 got=0
  shift 2
  "$@" >"$json" 2>"$t_tmp/stderr" || got=$?
  if [ "$got" = "$want" ]; then
    t_ok "$what (exit $got)"
  else
    t_fail "$what: exit $got, expected $want: $(cat "$t_tmp/stderr") $(head -c 3000 "$json")"
  fi
}
flip() { # FILE: flips the byte in the middle of FILE
  python3 - "$1" <<'PY'
import os, sys
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "r+b") as f:
    f.seek(size // 2)
    b = f.read(1)
    f.seek(size // 2)
    f.write(bytes([b[0] ^ 0x01]))
PY
}

t_status "--help" 0 "$demo" --help
t_contains "--help explains the comparison" "read() of the same files" "$t_out"
t_status "--size below 1M" 2 "$demo" --size 100K
t_status "--size not a size" 2 "$demo" --size lots

demo_json "a 4 MiB set loads" 0 env DSVK_DEMO_LOADER=/nonexistent.exe "$demo" --size 4M --dir "$assets" --json
t_json "ok" "$json" "j['ok'] is True"
t_json "a few dozen assets, generated" "$json" "j['assets']['count'] >= 24 and j['assets']['generated']"
t_json "GDeflate made it smaller on disk" "$json" "j['assets']['stored_bytes'] < j['assets']['bytes']"
t_json "dsvk: every asset intact" "$json" \
  "j['dsvk']['assets_ok'] == j['assets']['count'] and j['dsvk']['checksum_mismatches'] == 0 and j['dsvk']['requests_failed'] == 0"
t_json "dsvk: all bytes delivered" "$json" "j['dsvk']['bytes_out'] == j['assets']['bytes']"
t_json "dsvk: one request per asset, decoded on the CPU" "$json" \
  "j['dsvk']['requests'] == j['assets']['count'] and j['dsvk']['decode'] == 'cpu'"
t_json "baseline: every asset intact" "$json" "j['baseline']['assets_ok'] == j['assets']['count']"
t_json "times and throughput measured" "$json" \
  "j['dsvk']['seconds'] > 0 and j['dsvk']['gbps'] > 0 and j['baseline']['gbps'] > 0"
t_json "without its PE loader the Wine path is pending" "$json" \
  "j['wine']['status'] == 'pending' and 'dsvk-demo-loader.exe' in j['wine']['reason']"

t_status "the kept set is reused" 0 "$demo" --size 4M --dir "$assets" --no-wine
t_contains "reuse is reported" "reused from an earlier run" "$t_out"
t_contains "text report: the verdict" "every asset arrived intact, every way it was loaded" "$t_out"
t_contains "text report: the comparison" "plain read() + 1-thread decode" "$t_out"

demo_json "thread pool with a stats file" 0 env DSVK_IO=threads \
  DSVK_STATS_FILE="$t_tmp/stats.jsonl" "$demo" --size 4M --dir "$assets" --json --no-wine
t_json "DSVK_IO=threads is used" "$json" "j['dsvk']['io_backend'] == 'threads'"
python3 - "$t_tmp/stats.jsonl" "$json" >"$t_tmp/stats.check" <<'PY' || true
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
demo = json.load(open(sys.argv[2]))
final = [l for l in lines if l["queue"] == "dsvk-demo" and l["final"]]
ok = (len(final) == 1 and final[0]["total_requests"] == demo["assets"]["count"]
      and final[0]["total_bytes_written"] == demo["assets"]["bytes"] and final[0]["io"] == "threads")
print("true" if ok else "false: %s" % lines)
PY
t_eq "the stats file's final line counts every request" "true" "$(cat "$t_tmp/stats.check")"

# A byte flipped in stored (uncompressed) media: only the CRC32 can tell.
media=$(cd "$assets" && find media -type f | sort | head -n1)
flip "$assets/$media"
demo_json "a damaged media file" 1 "$demo" --size 4M --dir "$assets" --json --no-wine
t_json "dsvk reports the CRC32 mismatch" "$json" \
  "j['dsvk']['checksum_mismatches'] == 1 and '$media: CRC32 mismatch' in j['dsvk']['problems']"
t_json "the plain load agrees" "$json" "j['baseline']['checksum_mismatches'] == 1"
t_json "not ok" "$json" "j['ok'] is False"
flip "$assets/$media" # repaired

# A byte flipped inside a GDeflate stream: a decode error or a CRC32 mismatch, never silence.
texture=$(cd "$assets" && find textures -name '*.gdf' | sort | head -n1)
flip "$assets/$texture"
demo_json "a damaged GDeflate file" 1 "$demo" --size 4M --dir "$assets" --json --no-wine
t_json "dsvk names the damaged texture" "$json" \
  "j['dsvk']['requests_failed'] + j['dsvk']['checksum_mismatches'] == 1 and '$texture' in j['dsvk']['problems']"
flip "$assets/$texture"
demo_json "repaired, it loads again" 0 "$demo" --size 4M --dir "$assets" --json --no-wine

# --corrupt damages one of each kind itself; the temporary folder is removed afterwards.
mkdir -p "$t_tmp/tmpdir"
demo_json "--corrupt" 1 env TMPDIR="$t_tmp/tmpdir" "$demo" --size 2M --corrupt --json --no-wine
t_json "--corrupt: both damaged assets reported" "$json" \
  "j['dsvk']['requests_failed'] + j['dsvk']['checksum_mismatches'] == 2 and j['assets']['corrupted'].count('byte') == 2"
t_eq "the temporary asset folder is removed" "" "$(ls -A "$t_tmp/tmpdir")"

t_end
