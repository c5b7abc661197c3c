#!/usr/bin/env bash
# scripts/install.sh and scripts/uninstall.sh into a temporary HOME and a prefix with a
# space: every installed file is in the manifest and nothing else was added, the installed
# programs run from the prefix (relative RPATH), a second install replaces the first, and
# uninstall removes exactly the install: files that were there before stay.
# Usage: test_install.sh SOURCE-DIR BUILD-DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_install

src=$1 build=$2
export HOME=$t_tmp/home
unset XDG_DATA_HOME DESTDIR
mkdir -p "$HOME"
prefix="$t_tmp/my prefix"
# Things of the user's that must survive: a file in a directory the install also uses, an
# empty directory, a file next to where the layer manifest goes.
mkdir -p "$prefix/bin" "$prefix/share/empty" "$HOME/.local/share/vulkan/implicit_layer.d"
echo mine >"$prefix/bin/foreign-tool"
echo '{}' >"$HOME/.local/share/vulkan/implicit_layer.d/other_layer.json"
# Everything under HOME and the prefix (test scratch files live elsewhere in $t_tmp).
snapshot() { (cd "$t_tmp" && find ./home "./my prefix" | LC_ALL=C sort); }
before=$(snapshot)

t_status "install" 0 bash "$src/scripts/install.sh" --from-build "$build" --prefix "$prefix" --no-demo
t_contains "install lists dsvk-run" "dsvk-run         $prefix/bin/dsvk-run" "$t_out"
t_contains "install prints the Steam launch option" "$prefix/bin/dsvk-run %command%" "$t_out"
manifest=$prefix/share/dsvk/install-manifest.txt
t_eq "the manifest exists" "yes" "$([ -f "$manifest" ] && echo yes || echo no)"

# Every manifest file exists; every new path is in the manifest (as a file or created dir).
listed=$(grep -v '^#' "$manifest" | cut -f2 | LC_ALL=C sort)
missing=$(while IFS= read -r p; do [ -e "$p" ] || [ -L "$p" ] || echo "$p"; done <<<"$listed")
t_eq "every listed path exists" "" "$missing"
new=$(comm -13 <(printf '%s\n' "$before") <(snapshot) | sed "s|^\.|$t_tmp|")
unlisted=$(comm -23 <(printf '%s\n' "$new" | LC_ALL=C sort) <(printf '%s\n' "$listed"))
t_eq "every new path is in the manifest" "" "$unlisted"
for tool in dsvk-run dsvk-doctor dsvk-demo dsvk-bench; do
  t_contains "$tool is installed" "$prefix/bin/$tool" "$listed"
done
t_contains "libdsvk is installed" "$prefix/lib/libdsvk.so" "$listed"
for part in "Vulkan layer" "preload shim" "dstorage.dll" "dsvk-pack"; do
  if ! grep -q "$part" <<<"$t_out"; then
    t_fail "install says nothing about $part"
  elif grep -Eq "^  $part +not built yet" <<<"$t_out"; then
    t_ok "$part: reported as not built yet"
  else
    t_ok "$part: installed"
  fi
done

# The installed programs run from the prefix, with the prefix's libdsvk.
t_status "installed dsvk-run --version" 0 "$prefix/bin/dsvk-run" --version
t_status "installed dsvk-doctor --native" 0 "$prefix/bin/dsvk-doctor" --json --native
printf '%s' "$t_out" >"$t_tmp/doctor.json"
t_json "the doctor uses the installed libdsvk" "$t_tmp/doctor.json" \
  "j['core']['library'].startswith('$prefix/')"
t_status "installed dsvk-demo" 0 "$prefix/bin/dsvk-demo" --size 2M --dir "$t_tmp/demo-assets" --json --no-wine
rm -rf "$t_tmp/demo-assets"
t_status "installed dsvk-demo --help" 0 "$prefix/bin/dsvk-demo" --help
t_status "installed dsvk-bench --help" 0 "$prefix/bin/dsvk-bench" --help

# Installing again replaces the install: the same files, still one manifest.
first=$listed
t_status "second install" 0 bash "$src/scripts/install.sh" --from-build "$build" --prefix "$prefix" --no-demo
t_contains "the second install removed the first" "removing the previous install" "$t_out"
t_eq "the second install lists the same paths" "$first" \
  "$(grep -v '^#' "$manifest" | cut -f2 | LC_ALL=C sort)"

# dsvk-run made a link for the spaced prefix if it found a shim; uninstall removes those too.
t_status "uninstall" 0 bash "$src/scripts/uninstall.sh" --prefix "$prefix"
t_eq "after uninstall exactly what was there before remains" "$before" "$(snapshot)"
t_eq "the user's file is intact" "mine" "$(cat "$prefix/bin/foreign-tool")"
t_status "uninstall again: nothing to do" 0 bash "$src/scripts/uninstall.sh" --prefix "$prefix"
t_contains "uninstall again says so" "nothing to remove" "$t_out"

# DESTDIR (packaging): everything under DESTDIR, paths in the manifest without it.
t_status "DESTDIR install" 0 env DESTDIR="$t_tmp/pkg" bash "$src/scripts/install.sh" \
  --from-build "$build" --prefix /usr/local
t_eq "DESTDIR: files land under DESTDIR" "yes" \
  "$([ -x "$t_tmp/pkg/usr/local/bin/dsvk-run" ] && echo yes || echo no)"
t_eq "DESTDIR: the manifest names final paths" "" \
  "$(grep -v '^#' "$t_tmp/pkg/usr/local/share/dsvk/install-manifest.txt" | cut -f2 | grep -v '^/usr/local/' || true)"
t_eq "DESTDIR: nothing outside DESTDIR" "$before" "$(snapshot)"

t_end
