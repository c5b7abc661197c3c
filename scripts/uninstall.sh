#!/usr/bin/env bash
# Removes what scripts/install.sh installed: exactly the files listed in
# PREFIX/share/dsvk/install-manifest.txt, then the directories that install created, if
# they are empty. Nothing else is touched.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
usage: scripts/uninstall.sh [--prefix DIR] [--quiet]

Removes the dsvk install at DIR (default ~/.local): every file listed in
DIR/share/dsvk/install-manifest.txt, the directories the install created (when empty),
the space-free links dsvk-run made to this install's shim, and dsvk-demo's Wine prefix
in ~/.cache/dsvk. Other files, even in the same directories, stay.
EOF_USAGE
}

prefix=$HOME/.local
quiet=0
while [ $# -gt 0 ]; do
  case $1 in
  --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
  --quiet) quiet=1; shift ;;
  --help | -h) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
  esac
done
case $prefix in
/*) ;;
*) prefix=$PWD/$prefix ;;
esac
prefix=${prefix%/}
manifest=$prefix/share/dsvk/install-manifest.txt
say() { [ "$quiet" = 1 ] || printf 'dsvk uninstall: %s\n' "$*"; }

if [ ! -f "$manifest" ]; then
  say "nothing to remove: no dsvk install at $prefix ($manifest does not exist)"
  exit 0
fi
layer_dir=$(sed -n 's/^# .*layer_dir=//p' "$manifest" | head -n1)

# Only paths an install can have written: below the prefix, or a manifest in the layer dir.
ours() {
  case $1 in
  "$prefix"/*) return 0 ;;
  esac
  [ -n "$layer_dir" ] && [ "$(dirname "$1")" = "$layer_dir" ] && case $1 in *.json) return 0 ;; esac
  return 1
}

files=0
dirs=()
while IFS=$'\t' read -r kind path; do
  case $kind in
  file)
    if ! ours "$path"; then
      say "skipping $path: outside $prefix"
      continue
    fi
    if [ -f "$path" ] || [ -L "$path" ]; then
      rm -f -- "$path"
      files=$((files + 1))
    fi
    ;;
  dir) dirs+=("$path") ;;
  esac
done < <(grep -v '^#' "$manifest")

# dsvk-run's links to a shim whose path has spaces (see tools/run/dsvk-run.in).
for base in "$HOME/.local/share/dsvk/links" "${XDG_RUNTIME_DIR:-/nonexistent}/dsvk" \
  "/tmp/dsvk-$(id -u)"; do
  [ -d "$base" ] || continue
  for link in "$base"/lib-*; do
    [ -L "$link" ] || continue
    case $(readlink -- "$link") in
    "$prefix"/*) rm -f -- "$link" ;;
    esac
  done
  rmdir -- "$base" 2>/dev/null || true
done
rmdir -- "$HOME/.local/share/dsvk" 2>/dev/null || true

# dsvk-demo's Wine prefix (made on its first Wine run; only dsvk-demo writes here).
rm -rf -- "${XDG_CACHE_HOME:-$HOME/.cache}/dsvk"

# A directory an install can have created: the prefix, below it, or on the way to the
# layer directory.
our_dir() {
  case $1 in
  "$prefix" | "$prefix"/*) return 0 ;;
  esac
  [ -n "$layer_dir" ] && case $layer_dir/ in "$1"/*) return 0 ;; esac
  return 1
}

# Directories the install created, deepest first, when nothing else lives in them.
if [ ${#dirs[@]} -gt 0 ]; then
  while IFS= read -r d; do
    if our_dir "$d"; then
      rmdir -- "$d" 2>/dev/null || true
    fi
  done < <(printf '%s\n' "${dirs[@]}" | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-)
fi
say "removed $files files of the dsvk install at $prefix"
