#!/usr/bin/env bash
# dsvk-doctor: exit codes and JSON with and without a Vulkan device, with io_uring refused by
# seccomp (EPERM, ENOSYS) and with DSVK_IO=threads, the shim/DLL checks, and Wine/Proton
# builds found in a fake Steam library compared with the shim's exports.
# Usage: test_doctor.sh DSVK-DOCTOR SECCOMP-EXEC SHIM-FIXTURE.so NTDLL.so NTDLL-FORTIFIED.so
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_doctor

doctor=$1 seccomp=$2 shim_fixture=$3 ntdll_plain=$4 ntdll_fortified=$5
export HOME=$t_tmp/home XDG_DATA_HOME=$t_tmp/xdg
mkdir -p "$HOME" "$XDG_DATA_HOME"
unset DSVK DISABLE_DSVK DSVK_IO DSVK_DECODER DSVK_SHIM_PATH VK_INSTANCE_LAYERS
version=$("$doctor" --version | sed 's/^dsvk-doctor //')

lvp=$(find /usr/share/vulkan/icd.d -name "lvp_icd.*.json" 2>/dev/null | head -n1)
if [ -z "$lvp" ]; then
  t_fail "lavapipe's ICD is missing (mesa-vulkan-drivers; scripts/setup.sh installs it)"
  t_end
fi
with_lvp=(env VK_DRIVER_FILES="$lvp" VK_ICD_FILENAMES="$lvp")
no_device=(env VK_DRIVER_FILES="$t_tmp/none.json" VK_ICD_FILENAMES="$t_tmp/none.json")
json=$t_tmp/out.json

# doctor_json WHAT EXPECTED-STATUS COMMAND...: runs it, leaves the JSON in $json.
doctor_json() {
  local what=$1 want=$2 got=0
  shift 2
  "$@" >"$json" 2>"$t_tmp/stderr" || got=$?
  if [ "$got" = "$want" ]; then
    t_ok "$what (exit $got)"
  else
    t_fail "$what: exit $got, expected $want: $(cat "$t_tmp/stderr") $(head -c 3000 "$json")"
  fi
}
blocking_areas='sorted({b["area"] for b in j["blocking"]})'

t_status "--help" 0 "$doctor" --help
t_contains "--help explains --json" "--json" "$t_out"
t_status "an unknown option is a usage error" 2 "$doctor" --bogus

# A Vulkan device (lavapipe), nothing installed: the layer, shim and DLL block games.
doctor_json "lavapipe, nothing installed" 1 "${with_lvp[@]}" "$doctor" --json
t_json "core version" "$json" "j['core']['version'] == '$version'"
t_json "one device or more" "$json" "len(j['vulkan']['devices']) >= 1"
t_json "lavapipe is a CPU device with a UUID" "$json" \
  "any('CPU' in d['type'] and len(d['uuid']) == 36 for d in j['vulkan']['devices'])"
t_json "lavapipe gets the CPU decoder" "$json" \
  "all(d['decoder'] == 'cpu' for d in j['vulkan']['devices'] if 'CPU' in d['type'])"
t_json "lavapipe has no memory decompression" "$json" \
  "not any(d['nv_memory_decompression'] for d in j['vulkan']['devices'])"
t_json "the loader does not offer the layer" "$json" "j['vulkan']['layer']['listed'] is False"
t_json "layer, shim and DLL block" "$json" "$blocking_areas == ['dll', 'layer', 'shim']"
t_json "the verdict is not ok" "$json" "j['ok'] is False"
doctor_json "lavapipe, --native" 0 "${with_lvp[@]}" "$doctor" --json --native
t_json "--native: ok" "$json" "j['ok'] is True and j['mode'] == 'native'"
t_status "text report says what blocks" 1 "${with_lvp[@]}" "$doctor"
t_contains "text report: FAIL lines" "FAIL" "$t_out"
t_contains "text report: the result line" "problems block dsvk" "$t_out"

# No Vulkan device: the loader gets an ICD list that does not exist.
doctor_json "no Vulkan device" 1 "${no_device[@]}" "$doctor" --json
t_json "no devices" "$json" "j['vulkan']['devices'] == []"
t_json "vulkan blocks" "$json" "'vulkan' in $blocking_areas"
doctor_json "no Vulkan device, --native" 0 "${no_device[@]}" "$doctor" --json --native
t_json "--native: a missing device is not blocking" "$json" \
  "any(f['area'] == 'vulkan' and f['level'] == 'fail' and not f['blocking'] for f in j['findings'])"

# I/O: the thread pool on request; io_uring refused by a seccomp filter.
doctor_json "DSVK_IO=threads" 0 env DSVK_IO=threads "${with_lvp[@]}" "$doctor" --json --native
t_json "DSVK_IO=threads: thread pool" "$json" \
  "j['io']['backend'] == 'threads' and j['io']['requested'] == 'threads'"
disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)
doctor_json "seccomp EPERM" 0 "$seccomp" EPERM "${with_lvp[@]}" "$doctor" --json --native
t_json "EPERM: io_uring unusable" "$json" \
  "j['io']['io_uring']['usable'] is False and j['io']['io_uring']['errno'] == 'EPERM'"
if [ "$disabled" = 2 ]; then
  t_json "EPERM: reason names io_uring_disabled" "$json" "'io_uring_disabled' in j['io']['io_uring']['reason']"
else
  t_json "EPERM: reason names the seccomp filter" "$json" \
    "'seccomp' in j['io']['io_uring']['reason'] and j['io']['io_uring']['seccomp'] == 2"
fi
t_json "EPERM: dsvk falls back to the thread pool" "$json" "j['io']['backend'] == 'threads'"
t_json "EPERM: a warning, not a block" "$json" "any(w['area'] == 'io' for w in j['warnings'])"
doctor_json "seccomp EPERM with DSVK_IO=uring" 1 env DSVK_IO=uring "$seccomp" EPERM \
  "${with_lvp[@]}" "$doctor" --json --native
t_json "DSVK_IO=uring refused: io blocks" "$json" \
  "$blocking_areas == ['io'] and j['io']['runtime_ok'] is False"
doctor_json "seccomp ENOSYS" 0 "$seccomp" ENOSYS "${with_lvp[@]}" "$doctor" --json --native
t_json "ENOSYS: a kernel without io_uring" "$json" \
  "j['io']['io_uring']['errno'] == 'ENOSYS' and 'no io_uring' in j['io']['io_uring']['reason']"
doctor_json "DSVK_IO with an unknown value" 1 env DSVK_IO=fast "${with_lvp[@]}" "$doctor" --json --native
t_json "unknown DSVK_IO: core blocks" "$json" "'core' in $blocking_areas"

# A fake Steam: a second library (with a space) holding a Proton whose ntdll.so imports
# __pread64_chk, a compatibility tool with a plain ntdll.so, a Proton not unpacked yet.
steam=$HOME/.local/share/Steam
lib2="$t_tmp/Steam Library 2"
mkdir -p "$steam/steamapps" "$HOME/.steam"
ln -s "$steam" "$HOME/.steam/steam" # the usual symlink: must not list things twice
cat >"$steam/steamapps/libraryfolders.vdf" <<VDF
"libraryfolders"
{
	"0"
	{
		"path"		"$steam"
		"apps" { "228980" "0" }
	}
	"1"
	{
		"path"		"$lib2"
	}
}
VDF
make_proton() { # DIR NTDLL VERSION
  mkdir -p "$1/files/lib/wine/x86_64-unix"
  printf '#!/usr/bin/env python3\n' >"$1/proton"
  printf '1700000000 %s\n' "$3" >"$1/version"
  cp "$2" "$1/files/lib/wine/x86_64-unix/ntdll.so"
}
make_proton "$lib2/steamapps/common/Proton 9.0 (Beta)" "$ntdll_fortified" proton-9.0-1
make_proton "$steam/compatibilitytools.d/GE-Proton9-1" "$ntdll_plain" GE-Proton9-1
mkdir -p "$steam/steamapps/common/Proton 7.0"
printf '#!/bin/sh\n' >"$steam/steamapps/common/Proton 7.0/proton"
: >"$steam/steamapps/common/Proton 7.0/proton_dist.tar"

# The shim and DLL as the install lays them out, from fixtures.
shimdir=$t_tmp/lib/dsvk
mkdir -p "$shimdir/wine/x86_64-windows"
cp "$shim_fixture" "$shimdir/libdsvk_preload.so"
make_dll() { # PATH VERSION MARKER(0|1)
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
path, version, marker = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
head = bytearray(0x200)
head[0:2] = b"MZ"
head[0x3c:0x40] = struct.pack("<I", 0x80)
if marker:
    head[0x40:0x40 + 17] = b"Wine builtin DLL\0"
head[0x80:0x86] = b"PE\0\0" + struct.pack("<H", 0x8664)
open(path, "wb").write(bytes(head) + b"dsvk-version:" + version.encode() + b"\0")
PY
}
dll=$shimdir/wine/x86_64-windows/dstorage.dll
make_dll "$dll" "$version" 1
export DSVK_SHIM_PATH=$shimdir/libdsvk_preload.so

doctor_json "shim and DLL from fixtures" 1 "${with_lvp[@]}" "$doctor" --json
t_json "shim found with its version" "$json" \
  "j['bridge']['shim']['installed'] and j['bridge']['shim']['version'] == '$version'"
t_json "DLL found next to the shim" "$json" \
  "j['bridge']['dll']['path'] == '$dll' and j['bridge']['dll_builtin_marker'] and j['bridge']['dll_pe64']"
t_json "versions match" "$json" "j['bridge']['versions_match'] is True"
t_json "interposed list read from the shim's ELF" "$json" \
  "j['bridge']['interposed_source'] == 'elf' and sorted(j['bridge']['interposed']) == ['pread', 'pread64', 'pwrite', 'pwrite64', 'read', 'write']"
t_json "only the layer blocks now" "$json" "$blocking_areas == ['layer']"
builds='{b["name"]: b for b in j["wine"]["builds"]}'
t_json "Proton in the second library found once" "$json" \
  "[b['name'] for b in j['wine']['builds']].count('Proton 9.0 (Beta)') == 1"
t_json "its version from the version file" "$json" \
  "${builds}['Proton 9.0 (Beta)']['version'] == 'proton-9.0-1'"
t_json "__pread64_chk is not interposed: channel not ok" "$json" \
  "${builds}['Proton 9.0 (Beta)']['channel_ok'] is False and '__pread64_chk' in ${builds}['Proton 9.0 (Beta)']['not_interposed']"
t_json "GE-Proton: channel ok, writev not interposed" "$json" \
  "${builds}['GE-Proton9-1']['channel_ok'] and ${builds}['GE-Proton9-1']['not_interposed'] == ['writev'] and ${builds}['GE-Proton9-1']['kind'] == 'compatibility tool'"
t_json "Proton 7.0: not unpacked" "$json" "'not unpacked' in ${builds}['Proton 7.0']['problem']"
t_json "an incompatible Proton is a warning" "$json" \
  "any(w['area'] == 'wine' and 'Proton 9.0' in w['text'] for w in j['warnings'])"

make_dll "$dll" 0.0.1 1
doctor_json "DLL of another version" 1 "${with_lvp[@]}" "$doctor" --json
t_json "version mismatch blocks" "$json" \
  "j['bridge']['versions_match'] is False and any(b['area'] == 'dll' and 'versions differ' in b['text'] for b in j['blocking'])"
make_dll "$dll" "$version" 0
doctor_json "DLL without the builtin marker" 1 "${with_lvp[@]}" "$doctor" --json
t_json "missing builtin marker blocks" "$json" \
  "any(b['area'] == 'dll' and 'builtin' in b['text'] for b in j['blocking'])"

# A shim that interposes nothing Wine needs: no Wine can carry the channel.
cp "$ntdll_plain" "$shimdir/libdsvk_preload.so"
make_dll "$dll" "$version" 1
doctor_json "a shim without read/write" 1 "${with_lvp[@]}" "$doctor" --json
t_json "no Wine build is compatible" "$json" \
  "j['wine']['compatible'] == 0 and 'wine' in $blocking_areas"

# No shim at all: the list kept in sync with preload/ is used.
unset DSVK_SHIM_PATH
doctor_json "no shim installed" 1 "${with_lvp[@]}" "$doctor" --json
t_json "built-in interposed list" "$json" "j['bridge']['interposed_source'] == 'builtin-list'"

t_end
