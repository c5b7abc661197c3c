#!/usr/bin/env bash
# Installs every build and test dependency of dsvk from Debian's packages.
# Idempotent: prints nothing and exits 0 when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  liburing-dev libdeflate-dev libelf-dev libcmocka-dev
  libvulkan-dev glslc spirv-tools
  mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  wine64 gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 xvfb
  fio valgrind clang libclang-rt-14-dev python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "dsvk setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "dsvk setup: these Debian packages are missing and I am not root and have no sudo:" >&2
    echo "  ${missing[*]}" >&2
    echo "Install them with: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "dsvk setup: apt-get could not install: ${missing[*]}" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
