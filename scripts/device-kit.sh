# shellcheck shell=bash
# Sourced by the scripts that run dsvk's tools on the device machine (scripts/h200-gpu-upload.sh,
# tests/gpu_gdeflate/variants-run.sh). That machine has no network and no build dependencies:
# `prepare` here puts binaries, the libraries they link and the Vulkan loader packages into
# folders the device tool carries; `run` there installs the loader and runs. Each script copies
# this file next to itself in its carried folder.

# Here: keeps these repository-root folders (/name/) out of git.
dk_exclude() {
    local exclude p
    exclude=$(git rev-parse --git-path info/exclude)
    mkdir -p "$(dirname "$exclude")"
    for p in "$@"; do
        grep -qxF "$p" "$exclude" 2>/dev/null || echo "$p" >>"$exclude"
    done
}

# Here: copies the libraries BIN links that the device image may lack into DIR.
dk_copy_libs() {
    local bin=$1 dir=$2 lib path
    for lib in liburing.so.2 libdeflate.so.0; do
        path=$(ldd "$bin" | awk -v l="$lib" '$1 == l {print $3}')
        [ -n "$path" ] && cp -L "$path" "$dir/"
    done
}

# The loader and the GLVND libraries: NVIDIA's ICD needs both (with libvulkan1 alone,
# vkCreateInstance fails there).
DK_LOADER_PACKAGES=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)

# Here: downloads the amd64 packages into .gl/ unless they are there already.
dk_fetch_loader() {
    local p missing=0
    for p in "${DK_LOADER_PACKAGES[@]}"; do
        ls .gl/"${p}"_*.deb >/dev/null 2>&1 || missing=1
    done
    [ "$missing" = 0 ] && return 0
    mkdir -p .gl /tmp/amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    # shellcheck disable=SC2086
    apt-get $o update >/dev/null && (cd .gl && apt-get $o download "${DK_LOADER_PACKAGES[@]}") || {
        echo "could not download the Vulkan loader packages into .gl/" >&2
        return 1
    }
}

# There: installs .gl's packages and points the loader at NVIDIA's ICD.
dk_use_loader() {
    local f icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
    return 0
}
