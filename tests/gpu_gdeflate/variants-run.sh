#!/bin/bash
# Experimental builds of shaders/gdeflate.comp against the shipped builds and NVIDIA's
# VK_NV_memory_decompression, side by side in one dsvk-bench run on the device machine
# (docs/GPU_DECODER.md "Performance", docs/BENCHMARKS.md "GDeflate GPU decoder").
#
#   1. here, from the repository root:   tests/gpu_gdeflate/variants-run.sh prepare [NAME:DEFINES]...
#      Release build of dsvk-bench, dsvk-gdgpu-check and dsvk-gdgpu-corpus in build-variants/,
#      copied with liburing/libdeflate, the reference vectors and one SPIR-V file per variant
#      (2 tiles per workgroup, 4 for a NAME ending in _tpg4; the shipped multi-tile options
#      plus DEFINES, comma-separated; NAME@REV compiles the shader of git revision REV, to
#      measure a change against the code before it in the same run)
#      into .gdgpu-variants/; the Vulkan loader packages into .gl/ (both git-ignored).
#      Without arguments the variants are the experiments listed below.
#   2. there, with the device tool's `run`, carry [".gdgpu-variants", ".gl"]:
#        bash .gdgpu-variants/variants-run.sh run
#      writes $OUT/bench.jsonl (one dsvk-bench JSON object per data set) and $OUT/log.txt.
#      `run --final`: the shipped builds only, with the CPU decoder and the mixed set end to
#      end too (the figures of docs/BENCHMARKS.md). The exactness checks come last; when the
#      tool's time limit cuts them, `bash .gdgpu-variants/variants-run.sh check` runs them
#      alone (`run --no-check` skips them).
#
# The experiments' defines (shaders/gdeflate.comp): DSVK_EXP_NO_FENCE (no buffer fence per
# step), DSVK_EXP_NO_COPY_LOAD and DSVK_EXP_NO_STORE (timing only: wrong output),
# DSVK_EXP_NONCOHERENT (output binding not coherent: not guaranteed by the memory model),
# DSVK_WORD_WRITES (the word-writes build, docs/GPU_DECODER.md), with DSVK_SHORT_DIST (words
# inside a copy of distance 1..3 resolve its 1..3 source bytes once) or DSVK_WORD_PAIRS (two
# words per invocation and round, both loaded before either is stored).
set -u
kit=$(dirname "$0")/device-kit.sh
[ -f "$kit" ] || kit=scripts/device-kit.sh
# shellcheck source=../../scripts/device-kit.sh
source "$kit" || exit 2

# The word-writes build against the shipped builds (which the run includes anyway) and the
# shipped shader of 770d3ef (the code before the word-writes change), 2 and 4 tiles per group.
DEFAULT_VARIANTS=(
    "BYTES_770d3ef@770d3ef:"
    "WORDS:DSVK_WORD_WRITES"
    "WORDS_tpg4:DSVK_WORD_WRITES"
    "WORDS_SHORT:DSVK_WORD_WRITES,DSVK_SHORT_DIST"
    "WORDS_SHORT_tpg4:DSVK_WORD_WRITES,DSVK_SHORT_DIST"
    "WORDS_PAIRS:DSVK_WORD_WRITES,DSVK_WORD_PAIRS"
    "WORDS_PAIRS_tpg4:DSVK_WORD_WRITES,DSVK_WORD_PAIRS"
    "WORDS_NONCOHERENT:DSVK_WORD_WRITES,DSVK_EXP_NONCOHERENT"
)

prepare() {
    local dest=.gdgpu-variants build=build-variants
    if [ ! -f CMakeLists.txt ] || [ ! -d shaders ]; then
        echo "run from the repository root" >&2
        exit 2
    fi
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        ninja -C "$build" -j2 dsvk-bench dsvk-gdgpu-check dsvk-gdgpu-corpus || exit 1
    rm -rf "$dest" && mkdir -p "$dest/bin" "$dest/lib" "$dest/spv" || exit 1
    cp "$build/tools/bench/dsvk-bench" "$build/tests/gpu_gdeflate/dsvk-gdgpu-check" \
        "$build/tests/gpu_gdeflate/dsvk-gdgpu-corpus" "$dest/bin/" && cp "$0" "$kit" "$dest/" ||
        exit 1
    dk_copy_libs "$dest/bin/dsvk-bench" "$dest/lib"
    cp -r ../shared/gdeflate-vectors "$dest/vectors" || exit 1
    local variants=("$@")
    [ ${#variants[@]} -eq 0 ] && variants=("${DEFAULT_VARIANTS[@]}")
    for v in "${variants[@]}"; do
        local name=${v%%:*} defs=() d src=shaders/gdeflate.comp
        IFS=, read -ra ds <<<"${v#*:}"
        for d in "${ds[@]}"; do [ -n "$d" ] && defs+=("-D$d"); done
        if [[ "$name" == *@* ]]; then
            src=$build/gdeflate-${name#*@}.comp
            git show "${name#*@}:shaders/gdeflate.comp" >"$src" || exit 1
            name=${name%@*}
        fi
        local tpg=2
        case "$name" in *_tpg4) tpg=4 ;; esac
        glslc --target-env=vulkan1.1 -O -fshader-stage=compute -DDSVK_SUBGROUP -DDSVK_TPG=$tpg \
            -DDSVK_LIT_BITS=9 "${defs[@]}" -o "$dest/spv/$name.spv" "$src" &&
            spirv-val --target-env vulkan1.1 "$dest/spv/$name.spv" || exit 1
    done
    dk_exclude /.gdgpu-variants/ /.gl/ /build-variants/
    dk_fetch_loader || exit 1
    du -sh "$dest" .gl
    echo "now run there: bash $dest/variants-run.sh run   (carry $dest and .gl)"
}

# There: the loader, the log, and the data (generated once per machine).
setup_there() {
    here=$(cd "$(dirname "$0")" && pwd)
    out=${OUT:-/tmp/gdgpu-variants-out}
    mkdir -p "$out"
    exec > >(tee -a "$out/log.txt") 2>&1
    dk_use_loader
    export LD_LIBRARY_PATH=$here/lib
    nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv
    mkdir -p /tmp/c /tmp/s
    [ -f /tmp/c/binary.raw ] && return 0
    "$here/bin/dsvk-gdgpu-corpus" /tmp/c 64
    timeout 60 find /opt /usr/lib -name '*.so*' -size +2M -print0 2>/dev/null |
        xargs -0 cat 2>/dev/null | head -c 67108864 >/tmp/c/binary.raw
    local f
    for f in /tmp/c/*.raw; do head -c 8388608 "$f" >/tmp/s/"$(basename "$f")"; done
}

run() {
    local final=0 check=1 here out a
    for a in "$@"; do
        case "$a" in
        --final) final=1 ;;
        --no-check) check=0 ;;
        *) echo "run: unknown option $a" >&2; return 2 ;;
        esac
    done
    setup_there
    local spirv=() f
    for f in "$here"/spv/*.spv; do
        [ -f "$f" ] || continue
        case "$f" in *_tpg4.spv) spirv+=(--spirv "$f:4") ;; *) spirv+=(--spirv "$f:2") ;; esac
    done
    # shellcheck disable=SC2054 # "2,4" is one argument
    local x=(--json --iterations 5 --batch-mib 512 --tpg 2,4 --variant subgroup --no-cpu)
    local files=(texture json binary) e2e=()
    if [ "$final" = 1 ]; then
        # The shipped builds only (both variants), the driver and the CPU decoder on all
        # cores, every file on its own, and the mixed set end to end as well.
        # shellcheck disable=SC2054
        x=(--json --iterations 5 --batch-mib 512 --tpg 2,4 --variant all)
        files=(texture json binary mesh)
        e2e=(--e2e)
        spirv=()
    fi
    echo "--- mixed"
    timeout 200 "$here/bin/dsvk-bench" gdeflate-gpu "${x[@]}" "${e2e[@]}" "${spirv[@]}" \
        /tmp/c/texture.raw /tmp/c/json.raw /tmp/c/binary.raw /tmp/c/mesh.raw >>"$out/bench.jsonl"
    for f in "${files[@]}"; do
        echo "--- $f"
        timeout 120 "$here/bin/dsvk-bench" gdeflate-gpu "${x[@]}" "${spirv[@]}" "/tmp/c/$f.raw" \
            >>"$out/bench.jsonl"
    done
    python3 - "$out/bench.jsonl" <<'PY'
import json, sys
for n, line in enumerate(open(sys.argv[1])):
    d = json.loads(line)
    print(",".join(f["path"].split("/")[-1] for f in d["files"]), "level", d["level"])
    for r in d["results"]:
        stats = (r.get("stats") or "")[:60] if n == 0 else ""
        print("   %-36s %7.2f GB/s %-12s %s" % (r["decoder"], r["gbps"],
              "verified" if r["verified"] else "NOT-VERIFIED", stats))
PY
    [ "$check" = 1 ] && check_all
    echo "=== done"
}

# The exactness checks alone (after a run cut short by the device tool's time limit).
check() {
    local here out
    setup_there
    check_all
    echo "=== done"
}

check_all() {
    echo "=== exactness: the shipped builds and the driver on the vectors and the corpus"
    timeout 90 "$here/bin/dsvk-gdgpu-check" --no-validation --require-native \
        "$here"/vectors/*.gdeflate 2>&1 | grep -v '^  '
    timeout 120 "$here/bin/dsvk-gdgpu-check" --no-validation --require-native --levels 1,9,12 \
        "$here"/vectors/*.raw /tmp/s/*.raw 2>&1 | grep -v '^  ' | tail -4
    echo "=== exactness: each variant on the vectors and the corpus at level 9"
    for f in "$here"/spv/*.spv; do
        [ -f "$f" ] || continue
        local t=2
        case "$f" in *_tpg4.spv) t=4 ;; esac
        echo "--- $(basename "$f")"
        timeout 60 "$here/bin/dsvk-gdgpu-check" --no-validation --variant subgroup --tpg $t \
            --spirv "$f" --levels 9 "$here"/vectors/*.gdeflate "$here"/vectors/*.raw /tmp/s/*.raw \
            2>&1 | grep -E 'PASS|FAIL|mismatch' | tail -3
    done
}

case "${1:-}" in
prepare) shift; prepare "$@" ;;
run) shift; run "$@" ;;
check) shift; check ;;
*) echo "usage: $0 prepare [NAME:DEFINE,DEFINE...]... | run [--final] [--no-check] | check" >&2; exit 2 ;;
esac
