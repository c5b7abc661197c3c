#!/usr/bin/env bash
# The full install (layer, shim, dstorage.dll built): into a temporary HOME and a prefix with
# a space, the layer manifest lands in the loader's directory with an absolute library_path,
# dsvk-doctor finds everything through the real Vulkan loader (lavapipe) and reports nothing
# blocking, dsvk-run preloads the installed shim, the installed demo runs its Wine path, and
# uninstall leaves what was there before.
# Usage: test_install_full.sh SOURCE-DIR BUILD-DIR PRINT-ARGS
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin install_full

src=$1 build=$2 print_args=$3
export HOME=$t_tmp/home
unset XDG_DATA_HOME DESTDIR DSVK DISABLE_DSVK DSVK_SHIM_PATH LD_PRELOAD
mkdir -p "$HOME/.local/share/vulkan/implicit_layer.d"
echo '{}' >"$HOME/.local/share/vulkan/implicit_layer.d/other_layer.json"
prefix="$t_tmp/game tools"
snapshot() { (cd "$t_tmp" && { find ./home "./game tools" 2>/dev/null || true; } | LC_ALL=C sort); }
before=$(snapshot)
lvp=$(find /usr/share/vulkan/icd.d -name "lvp_icd.*.json" 2>/dev/null | head -n1)
[ -n "$lvp" ] || { t_fail "lavapipe's ICD is missing (mesa-vulkan-drivers)"; t_end; }
export VK_DRIVER_FILES=$lvp VK_ICD_FILENAMES=$lvp

t_status "install" 0 bash "$src/scripts/install.sh" --from-build "$build" --prefix "$prefix" --no-demo
for part in "Vulkan layer" "layer manifest" "preload shim" "dstorage.dll" "demo Wine loader"; do
  if grep -Eq "^  $part +/" <<<"$t_out"; then
    t_ok "$part is installed"
  else
    t_fail "$part is not installed: $t_out"
  fi
done
layer_json=$HOME/.local/share/vulkan/implicit_layer.d/VkLayer_dsvk.json
t_json "the manifest's library_path is the installed layer, absolute" "$layer_json" \
  "j['layer']['library_path'] == '$prefix/lib/libVkLayer_dsvk.so'"

doctor_out=$t_tmp/doctor.json
t_status "dsvk-doctor: nothing blocks" 0 "$prefix/bin/dsvk-doctor" --json
printf '%s' "$t_out" >"$doctor_out"
t_json "the loader puts the installed layer into an instance" "$doctor_out" \
  "j['vulkan']['layer']['listed'] and j['vulkan']['layer']['loaded'] and j['vulkan']['layer']['library'].startswith('$prefix/')"
t_json "shim and DLL installed, same version" "$doctor_out" \
  "j['bridge']['shim']['installed'] and j['bridge']['dll']['installed'] and j['bridge']['versions_match']"
t_json "the shim's exports were read" "$doctor_out" \
  "j['bridge']['interposed_source'] == 'elf' and {'read', 'write', 'pread', 'pwrite'} <= set(j['bridge']['interposed'])"

shim=$(grep -v '^#' "$prefix/share/dsvk/install-manifest.txt" | cut -f2 | grep '/libdsvk_preload\.so$')
out=$("$prefix/bin/dsvk-run" "$print_args")
pre=$(printf '%s\n' "$out" | sed -n 's/^LD_PRELOAD=//p')
t_not_contains "dsvk-run: no space in LD_PRELOAD" " " "$pre"
t_eq "dsvk-run: the entry leads to the installed shim" "$(readlink -f "$shim")" "$(readlink -f "$pre")"
t_contains "dsvk-run: DSVK=1" "DSVK=1" "$out"

# The installed demo, Wine path included: the PE loader next to the shim and the DLL.
t_status "installed dsvk-demo with its Wine path" 0 env WINEPREFIX="$t_tmp/wineprefix" \
  "$prefix/bin/dsvk-demo" --size 2M --dir "$t_tmp/demo-assets" --json
printf '%s\n' "$t_out" | grep '^{' >"$t_tmp/demo.json" || true
t_json "the installed Wine path ran, every asset intact" "$t_tmp/demo.json" \
  "j['wine']['status'] == 'ran' and j['wine']['dstorage']['assets_ok'] == j['assets']['count']"
rm -rf "$t_tmp/demo-assets"

t_status "uninstall" 0 bash "$src/scripts/uninstall.sh" --prefix "$prefix"
t_eq "after uninstall exactly what was there before remains" "$before" "$(snapshot)"
t_eq "no link of dsvk-run is left" "" "$(find "$HOME/.local/share" -name 'lib-*' 2>/dev/null)"

t_end
