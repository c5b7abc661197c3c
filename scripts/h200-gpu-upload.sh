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
kit=$(dirname "$0")/device-kit.sh
[ -f "$kit" ] || kit=scripts/device-kit.sh
# shellcheck source=device-kit.sh
source "$kit" || exit 2

prepare() {
    local dest=.h200-upload build=build-upload
    [ -f CMakeLists.txt ] && [ -d core ] || { echo "run from the repository root" >&2; exit 2; }
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSVK_BUILD_TESTS=OFF >/dev/null &&
        ninja -C "$build" -j2 dsvk-bench || exit 1
    rm -rf "$dest" && mkdir -p "$dest/lib" || exit 1
    cp "$build/tools/bench/dsvk-bench" "$0" "$kit" "$dest/" || exit 1
    dk_copy_libs "$build/tools/bench/dsvk-bench" "$dest/lib"
    dk_exclude /.h200-upload/ /.gl/ /build-upload/
    # The Vulkan loader, as the device tool's README says (amd64 packages).
    if [ "${1:-}" != --no-loader ]; then
        dk_fetch_loader || exit 1
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
    dk_use_loader
    export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
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
