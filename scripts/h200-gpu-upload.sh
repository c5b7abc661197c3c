#!/bin/bash
# dsvk-bench gpu-upload on the H200 device machine (NVIDIA's Vulkan driver with
# VK_NV_memory_decompression), for docs/BENCHMARKS.md "GPU uploads".
#
# Two steps, because that machine has no build dependencies and no network:
#
#   1. here (the development machine), from the repository root:
#        scripts/h200-gpu-upload.sh prepare [--no-loader]
#      builds a Release dsvk-bench into build-upload/, copies it with the shared libraries it
#      needs (liburing, libdeflate) and this script into .h200-upload/, and downloads the
#      Vulkan loader packages into .gl/ (both folders are added to .git/info/exclude);
#
#   2. there, with the device tool's `run`, carry [".h200-upload", ".gl"], timeout 600:
#        bash .h200-upload/h200-gpu-upload.sh run
#      writes $OUT/gpu-upload.jsonl (one dsvk-bench JSON object per line) and $OUT/log.txt.
#
# What it measures: file -> device-local VkBuffer through the GPU executor, uncompressed and
# GDeflate (one stream per request), host and ReBAR staging, with the GDeflate decoder
# VK_NV_memory_decompression (auto), dsvk's shader (gpu) and the CPU (cpu); 32 MiB staging
# with 1 MiB requests (DirectStorage's defaults) and 256 MiB staging with 8 MiB requests;
# page cache warm, then one cold pass set (posix_fadvise DONTNEED before each pass).
set -u

prepare() {
    local dest=.h200-upload build=build-upload
    [ -f CMakeLists.txt ] && [ -d core ] || { echo "run from the repository root" >&2; exit 2; }
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSVK_BUILD_TESTS=OFF >/dev/null &&
        ninja -C "$build" -j2 dsvk-bench || exit 1
    rm -rf "$dest" && mkdir -p "$dest/lib" || exit 1
    cp "$build/tools/bench/dsvk-bench" "$0" "$dest/" || exit 1
    # The libraries dsvk-bench links that the machine's image may lack.
    for lib in liburing.so.2 libdeflate.so.0; do
        path=$(ldd "$build/tools/bench/dsvk-bench" | awk -v l="$lib" '$1 == l {print $3}')
        [ -n "$path" ] && cp -L "$path" "$dest/lib/"
    done
    local exclude
    exclude=$(git rev-parse --git-path info/exclude)
    mkdir -p "$(dirname "$exclude")"
    for p in /.h200-upload/ /.gl/ /build-upload/; do
        grep -qxF "$p" "$exclude" 2>/dev/null || echo "$p" >>"$exclude"
    done
    # The Vulkan loader, as the device tool's README says (amd64 packages).
    if [ "${1:-}" != --no-loader ] && ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
        mkdir -p .gl /tmp/amd64/partial
        local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
        # shellcheck disable=SC2086
        apt-get $o update >/dev/null && (cd .gl && apt-get $o download libvulkan1) || {
            echo "could not download libvulkan1 into .gl/" >&2
            exit 1
        }
    fi
    du -sh "$dest" .gl
    echo "now run there: bash $dest/h200-gpu-upload.sh run   (carry $dest and .gl)"
}

run() {
    local here out
    here=$(cd "$(dirname "$0")" && pwd)
    out=${OUT:-/tmp/gpu-upload-out}
    mkdir -p "$out"
    exec > >(tee -a "$out/log.txt") 2>&1
    if ! ldconfig -p | grep -q libvulkan.so.1; then
        for f in .gl/*.deb; do dpkg -x "$f" /; done
        ldconfig
    fi
    export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
    unset DSVK_STAGING DSVK_DECODER
    export DSVK_LOG=warn
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    nproc
    uname -r
    df -h /tmp | tail -1
    local bench=$here/dsvk-bench jsonl=$out/gpu-upload.jsonl
    local dir=/tmp/dsvk-gpu-upload
    mkdir -p "$dir"
    one() {
        echo "--- $*"
        timeout 300 "$bench" gpu-upload --json --iterations 5 --dir "$dir" "$@" | tee -a "$jsonl"
    }
    local size=${DSVK_UPLOAD_SIZE:-1G} # smaller for a smoke test elsewhere
    # auto is VK_NV_memory_decompression there; the uncompressed runs do not depend on it.
    one --decoder auto --compression both --size "$size" --request 1M --staging-mb 32
    one --decoder auto --compression both --size "$size" --request 8M --staging-mb 256
    for dec in gpu cpu; do
        one --decoder "$dec" --compression gdeflate --size "$size" --request 1M --staging-mb 32
        one --decoder "$dec" --compression gdeflate --size "$size" --request 8M --staging-mb 256
    done
    one --decoder auto --compression both --size "$size" --request 1M --staging-mb 32 \
        --iterations 2 --cold
    echo "=== done"
}

case "${1:-}" in
prepare) prepare "${2:-}" ;;
run) run ;;
*)
    sed -n '2,25p' "$0"
    exit 2
    ;;
esac
