#!/usr/bin/env bash
# Sets dsvk up for a player: installs the Debian packages it needs (scripts/setup.sh), builds
# it in Release (build/release), installs it under ~/.local, puts the Vulkan layer's manifest
# where the loader looks ($XDG_DATA_HOME/vulkan/implicit_layer.d), records every file it
# installed, and runs the demo. Run scripts/install.sh --help for the options.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
usage: scripts/install.sh [--prefix DIR] [--no-demo] [--layer-dir DIR]
                          [--build-dir DIR | --from-build DIR]

Installs dsvk: libdsvk.so, the Vulkan layer and its manifest, the preload shim, the PE
dstorage.dll, dsvk-run, dsvk-doctor, dsvk-pack, dsvk-bench and dsvk-demo. A part that is
not in this checkout yet is reported as "not built yet". Ends by running dsvk-demo.

  --prefix DIR      where to install (default ~/.local: programs in ~/.local/bin)
  --layer-dir DIR   where the layer's manifest goes (default
                    $XDG_DATA_HOME/vulkan/implicit_layer.d, i.e.
                    ~/.local/share/vulkan/implicit_layer.d, where the Vulkan loader looks)
  --no-demo         do not run dsvk-demo at the end
  --build-dir DIR   build tree to configure and build (default build/release)
  --from-build DIR  install what DIR already built: no setup, configure or build
  --help            this text

Every installed file and every directory the install created is listed in
PREFIX/share/dsvk/install-manifest.txt; scripts/uninstall.sh --prefix PREFIX removes
exactly those. Installing again first removes the previous install the same way.
With DESTDIR set (packaging) the files go under DESTDIR, the layer manifest under
PREFIX/share/vulkan/implicit_layer.d, and nothing is run or removed.
EOF
}

say() { printf 'dsvk install: %s\n' "$*"; }
die() {
  printf 'dsvk install: %s\n' "$*" >&2
  exit 1
}

prefix=$HOME/.local
layer_dir=''
run_demo=1
build=$root/build/release
from_build=''
while [ $# -gt 0 ]; do
  case $1 in
  --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
  --layer-dir) layer_dir=${2:?--layer-dir needs a directory}; shift 2 ;;
  --no-demo) run_demo=0; shift ;;
  --build-dir) build=${2:?--build-dir needs a directory}; shift 2 ;;
  --from-build) from_build=${2:?--from-build needs a directory}; shift 2 ;;
  --help | -h) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
  esac
done

absolute() { # PATH: made absolute without requiring it to exist
  case $1 in
  /*) printf '%s' "$1" ;;
  *) printf '%s/%s' "$PWD" "$1" ;;
  esac
}
prefix=$(absolute "$prefix")
prefix=${prefix%/}
destdir=${DESTDIR:-}
if [ -z "$layer_dir" ]; then
  if [ -n "$destdir" ]; then
    layer_dir=$prefix/share/vulkan/implicit_layer.d
  else
    layer_dir=${XDG_DATA_HOME:-$HOME/.local/share}/vulkan/implicit_layer.d
  fi
fi
layer_dir=$(absolute "$layer_dir")
case $prefix$layer_dir in
*$'\n'* | *$'\t'*) die "paths with tabs or newlines are not supported" ;;
esac
manifest_rel=share/dsvk/install-manifest.txt

# 1. Dependencies and the Release build.
if [ -n "$from_build" ]; then
  build=$(absolute "$from_build")
  [ -f "$build/cmake_install.cmake" ] || die "$build is not a configured build tree"
else
  build=$(absolute "$build")
  bash "$root/scripts/setup.sh"
  say "building dsvk (Release) in $build"
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSVK_BUILD_TESTS=OFF \
    -DCMAKE_INSTALL_PREFIX="$prefix" >"$build/install-configure.log" 2>&1 ||
    { cat "$build/install-configure.log" >&2; die "configuring the build failed"; }
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" ||
    die "the build failed (see above)"
fi

# 2. A previous install is removed first, so the manifest always lists exactly one install.
if [ -z "$destdir" ] && [ -f "$prefix/$manifest_rel" ]; then
  say "removing the previous install at $prefix first"
  bash "$root/scripts/uninstall.sh" --prefix "$prefix" --quiet
fi

# 3. Stage: cmake --install into a scratch DESTDIR shows what will be installed (and fixes
#    the RPATHs), before anything of the user's is touched.
stage=$(mktemp -d "${TMPDIR:-/tmp}/dsvk-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$build" --prefix "$prefix" >"$stage.log" 2>&1 ||
  { cat "$stage.log" >&2; rm -f "$stage.log"; die "cmake --install failed"; }
rm -f "$stage.log"

# The layer's manifest: wherever the build installed it, it goes to the loader's directory
# with an absolute library_path (the loader resolves relative paths against the manifest's
# own directory, which is not where the library is).
layer_lib=$(cd "$stage" && find . \( -type f -o -type l \) -name 'libVkLayer_dsvk.so' | head -n1)
layer_json=$(cd "$stage" && { grep -rl --include='*.json' 'VK_LAYER_DSVK' . 2>/dev/null || true; } |
  head -n1)
if [ -n "$layer_json" ] && [ -n "$layer_lib" ]; then
  target=$layer_dir/$(basename "$layer_json")
  python3 - "$stage/${layer_json#./}" "${layer_lib#.}" "$stage$target" <<'PY'
import json, os, sys
source, library, target = sys.argv[1:4]
with open(source) as f:
    manifest = json.load(f)
layers = manifest["layers"] if "layers" in manifest else [manifest["layer"]]
for layer in layers:
    layer["library_path"] = library
os.remove(source)
os.makedirs(os.path.dirname(target), exist_ok=True)
with open(target, "w") as f:
    json.dump(manifest, f, indent=4)
    f.write("\n")
PY
fi

# 4. What will be created: every staged file, and each directory that does not exist yet.
mkdir -p "$stage$prefix/share/dsvk"
: >"$stage$prefix/$manifest_rel"
entries=$stage.entries
{
  # Under DESTDIR nobody can tell which directories the target system lacks: files only.
  [ -n "$destdir" ] || (cd "$stage" && find . -mindepth 1 -type d | sort) |
    while IFS= read -r d; do
      real=${d#.}
      [ -e "$real" ] || printf 'dir\t%s\n' "$real"
    done
  (cd "$stage" && find . \( -type f -o -type l \) | sort) | while IFS= read -r f; do
    printf 'file\t%s\n' "${f#.}"
  done
} >"$entries"

# 5. Copy, directories first; symlinks stay symlinks (libdsvk.so -> libdsvk.so.0 -> ...).
while IFS=$'\t' read -r kind path; do
  case $kind in
  dir) mkdir -p "$destdir$path" ;;
  file)
    mkdir -p "$(dirname "$destdir$path")"
    rm -f "$destdir$path"
    cp -P --preserve=mode,timestamps "$stage$path" "$destdir$path"
    ;;
  esac
done <"$entries"
{
  printf '# dsvk install manifest: what scripts/install.sh created; scripts/uninstall.sh\n'
  printf '# removes exactly these. prefix=%s layer_dir=%s\n' "$prefix" "$layer_dir"
  cat "$entries"
} >"$destdir$prefix/$manifest_rel"
rm -f "$entries"

# 6. What is there, and what is not built yet.
installed() { # NAME PATTERN: prints the installed path of a file matching PATTERN
  awk -F'\t' '$1 == "file" { print $2 }' "$destdir$prefix/$manifest_rel" |
    grep -E "/$2\$" | head -n1 || true
}
say "installed into $prefix:"
missing=0
for part in "libdsvk.so|libdsvk\.so" "Vulkan layer|libVkLayer_dsvk\.so" \
  "layer manifest|implicit_layer\.d/[^/]*\.json" "preload shim|libdsvk_preload\.so" \
  "dstorage.dll|dstorage\.dll" "dsvk-run|bin/dsvk-run" "dsvk-doctor|bin/dsvk-doctor" \
  "dsvk-pack|bin/dsvk-pack" "dsvk-bench|bin/dsvk-bench" "dsvk-demo|bin/dsvk-demo" \
  "demo Wine loader|dsvk/dsvk-demo-loader\.exe"; do
  name=${part%%|*}
  path=$(installed "$name" "${part#*|}")
  if [ -z "$path" ]; then
    printf '  %-16s not built yet\n' "$name"
    missing=$((missing + 1))
    continue
  fi
  case $path in
  */bin/*)
    if [ -z "$destdir" ] && ! "$path" --help >/dev/null 2>&1; then
      printf '  %-16s %s  (--help fails!)\n' "$name" "$path"
      continue
    fi
    ;;
  esac
  printf '  %-16s %s\n' "$name" "$path"
done
say "file list: $prefix/$manifest_rel"
[ "$missing" -eq 0 ] || say "$missing part(s) not built yet: they come with later versions of this checkout"
[ -z "$destdir" ] || exit 0

shim=$(installed shim 'libdsvk_preload\.so')
case ":$PATH:" in
*":$prefix/bin:"*) run_cmd=dsvk-run ;;
*)
  run_cmd=$prefix/bin/dsvk-run
  say "note: $prefix/bin is not in your PATH; use full paths (or add it to PATH)"
  ;;
esac
printf '\nSteam launch options for a game:  %s %%command%%\n' "$run_cmd"
if [ -n "$shim" ]; then
  # shellcheck disable=SC2016 # $LD_PRELOAD is for Steam's shell to expand
  printf 'or by hand:                         DSVK=1 LD_PRELOAD="$LD_PRELOAD:%s" %%command%%\n' "$shim"
fi
printf 'check this machine:                 %s\n\n' \
  "$([ "$run_cmd" = dsvk-run ] && echo dsvk-doctor || echo "$prefix/bin/dsvk-doctor")"

# 7. The demo: the whole native path, end to end, checksummed.
if [ "$run_demo" = 1 ]; then
  demo=$(installed demo 'bin/dsvk-demo')
  if [ -z "$demo" ]; then
    say "dsvk-demo is not built yet: no demo run"
  else
    say "running dsvk-demo (its Wine path creates a Wine prefix in ~/.cache/dsvk the first time)"
    "$demo" || die "the demo failed: dsvk is installed but does not work here (see above; run dsvk-doctor)"
  fi
fi
