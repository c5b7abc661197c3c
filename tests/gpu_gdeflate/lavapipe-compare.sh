#!/bin/bash
# Runs the GPU decoder's random-corpus test (gpu_gdeflate_random, validation layer on) with
# experimental builds of shaders/gdeflate.comp on two lavapipes: Debian 12's (Mesa 22.3, the one
# CI uses) and the newer Mesa of bookworm-backports, unpacked into a folder (nothing is
# installed). It tells a shader bug (wrong on both) from a driver one (wrong on one only): it is
# how the word-writes build's hybrid-mode failures were traced to Mesa 22.3's llvmpipe
# (docs/GPU_DECODER.md). Developer tool, not part of the test suite; needs the network to
# Debian's archive.
#
# From the repository root, after a build of the tests (scripts/test.sh --quick, or ninja):
#   tests/gpu_gdeflate/lavapipe-compare.sh [NAME:DEFINES]...
# Each variant is the single-tile subgroup build plus DEFINES (comma-separated); without
# arguments the word-writes builds listed below. Environment: DSVK_BUILD (default build/main),
# CMP_DIR (default build-lavapipe-cmp: SPIR-V, the unpacked Mesa, logs).
set -u
build=${DSVK_BUILD:-build/main}
dir=${CMP_DIR:-build-lavapipe-cmp}
test_bin=$build/tests/gpu_gdeflate/gpu_gdeflate_random
archive=http://deb.debian.org/debian
suite=bookworm-backports

DEFAULT_VARIANTS=(
    "WORDS:DSVK_WORD_WRITES"
    "WORDS_HYBRID_BALLOT:DSVK_WORD_WRITES,DSVK_EXP_HYBRID_BALLOT"
    "WORDS_PAIRS:DSVK_WORD_WRITES,DSVK_WORD_PAIRS"
)

[ -f shaders/gdeflate.comp ] || { echo "run from the repository root" >&2; exit 2; }
for tool in curl xz dpkg-deb glslc spirv-val vulkaninfo; do
    command -v "$tool" >/dev/null ||
        { echo "$tool is missing (apt-get install curl xz-utils; the rest: scripts/setup.sh)" >&2; exit 2; }
done
[ -x "$test_bin" ] || { echo "$test_bin is missing: build the tests first" >&2; exit 2; }
system_icd=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
[ -f "$system_icd" ] || { echo "no lavapipe at $system_icd (mesa-vulkan-drivers)" >&2; exit 2; }
mkdir -p "$dir/spv" "$dir/logs" || exit 1
dir=$(cd "$dir" && pwd)

# The newer lavapipe: mesa-vulkan-drivers and the libdrm it needs, as the suite's index names
# them today (backports replaces versions, so nothing is pinned).
mesa=$dir/mesa-bpo
if [ ! -f "$mesa/lvp_icd.json" ]; then
    rm -rf "$mesa" && mkdir -p "$mesa/debs" || exit 1
    curl -fsS -m 120 "$archive/dists/$suite/main/binary-amd64/Packages.xz" |
        xz -dc >"$mesa/Packages" || { echo "cannot fetch the $suite index" >&2; exit 1; }
    for pkg in mesa-vulkan-drivers libdrm2 libdrm-amdgpu1; do
        file=$(awk -v p="$pkg" '/^Package: /{cur=$2} /^Filename: /{if (cur == p) print $2}' \
            "$mesa/Packages" | tail -n 1)
        [ -n "$file" ] || { echo "$pkg is not in $suite" >&2; exit 1; }
        curl -fsS -m 300 -o "$mesa/debs/${file##*/}" "$archive/$file" &&
            dpkg-deb -x "$mesa/debs/${file##*/}" "$mesa/root" || exit 1
    done
    lib=$mesa/root/usr/lib/x86_64-linux-gnu
    sed "s#\"library_path\": *\"[^\"]*\"#\"library_path\": \"$lib/libvulkan_lvp.so\"#" \
        "$mesa/root/usr/share/vulkan/icd.d/lvp_icd.json" >"$mesa/lvp_icd.json" || exit 1
fi
bpo_icd=$mesa/lvp_icd.json
bpo_libs=$mesa/root/usr/lib/x86_64-linux-gnu

# driver_info ICD [LD_LIBRARY_PATH]: the driver's own version string.
driver_info() {
    LD_LIBRARY_PATH=${2:-} VK_DRIVER_FILES=$1 VK_ICD_FILENAMES=$1 vulkaninfo --summary 2>/dev/null |
        awk -F'= ' '/driverInfo/ {print $2; exit}'
}
echo "system lavapipe:    $(driver_info "$system_icd")"
echo "backports lavapipe: $(driver_info "$bpo_icd" "$bpo_libs")"

variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=("${DEFAULT_VARIANTS[@]}")
status=0
for v in "${variants[@]}"; do
    name=${v%%:*} defs=()
    IFS=, read -ra ds <<<"${v#*:}"
    for d in "${ds[@]}"; do [ -n "$d" ] && defs+=("-D$d"); done
    spv=$dir/spv/$name.spv
    glslc --target-env=vulkan1.1 -O -fshader-stage=compute -DDSVK_SUBGROUP "${defs[@]}" \
        -o "$spv" shaders/gdeflate.comp && spirv-val --target-env vulkan1.1 "$spv" || exit 1
    for which in system backports; do
        icd=$system_icd libs=
        [ "$which" = backports ] && icd=$bpo_icd libs=$bpo_libs
        log=$dir/logs/$name-$which.txt
        start=$(date +%s)
        LD_LIBRARY_PATH=$libs VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd \
            VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation DSVK_LOG=warn GH_SPIRV=$spv \
            "$test_bin" >"$log" 2>&1
        rc=$?
        verdict=PASS
        [ $rc -ne 0 ] && verdict=FAIL status=1
        # the test's per-decoder summary lines of the failed runs ("N tiles, N ok, ...")
        detail=$(grep -E '^[a-z]+: [0-9]+ tiles' "$log" | grep -v ' 0 mismatches' | sort -u |
            paste -sd ';' -)
        printf '%-24s %-10s %s (%ss) %s\n' "$name" "$which" "$verdict" \
            "$(($(date +%s) - start))" "$detail"
    done
done
echo "logs: $dir/logs"
exit $status
