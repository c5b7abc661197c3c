#!/bin/bash
# The H200 run behind docs/BENCHMARKS.md "GDeflate GPU decoder": exactness of the shader (default
# builds, 4 tiles per workgroup) and of VK_NV_memory_decompression, then dsvk-bench gdeflate-gpu.
# Layout it expects next to itself (copied here, then carried with the device tool's `carry`):
#   bin/ dsvk-bench dsvk-gdgpu-check dsvk-gdgpu-corpus   lib/ libdeflate.so.0 liburing.so.2
#   vectors/ (../shared/gdeflate-vectors)                  and .gl/*.deb (the Vulkan loader)
# Results: $OUT/log.txt, $OUT/bench.jsonl.
B=$(cd "$(dirname "$0")" && pwd)
exec > >(tee -a $OUT/log.txt) 2>&1
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
export LD_LIBRARY_PATH=$B/lib VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv
C=$B/bin/dsvk-gdgpu-check
mkdir -p /tmp/c /tmp/s
$B/bin/dsvk-gdgpu-corpus /tmp/c 128
timeout 60 find /opt /usr/lib/python3* -name '*.py' -size +4k -print0 2>/dev/null | xargs -0 cat 2>/dev/null | head -c 134217728 > /tmp/c/pytext.raw
timeout 60 find /opt /usr/lib -name '*.so*' -size +2M -print0 2>/dev/null | xargs -0 cat 2>/dev/null | head -c 134217728 > /tmp/c/binary.raw
for f in /tmp/c/*.raw; do head -c 16777216 $f > /tmp/s/$(basename $f); done
echo "=== exactness, default builds (subgroup: 2 tiles per workgroup) + VK_NV_memory_decompression"
$C --no-validation --require-native $B/vectors/*.gdeflate
$C --no-validation --require-native --levels 1,9,12 $B/vectors/*.raw /tmp/s/*.raw
echo "=== exactness, 4 tiles per workgroup"
$C --no-validation --tpg 4 --variant subgroup $B/vectors/*.gdeflate
$C --no-validation --tpg 4 --variant subgroup --levels 1,9,12 $B/vectors/*.raw /tmp/s/*.raw
echo "=== sweep"
X="--json --iterations 5 --batch-mib 512 --tpg 2,4"

for f in texture mesh json pytext binary; do
  echo "--- $f"; $B/bin/dsvk-bench gdeflate-gpu $X /tmp/c/$f.raw >> $OUT/bench.jsonl
done
echo "--- mixed"; $B/bin/dsvk-bench gdeflate-gpu $X --e2e /tmp/c/texture.raw /tmp/c/json.raw /tmp/c/binary.raw /tmp/c/mesh.raw >> $OUT/bench.jsonl
echo "--- mixed, 3 GiB batch"; $B/bin/dsvk-bench gdeflate-gpu --json --iterations 3 --batch-mib 3072 --tpg 2 --variant subgroup --no-cpu /tmp/c/texture.raw /tmp/c/json.raw /tmp/c/binary.raw /tmp/c/mesh.raw >> $OUT/bench.jsonl
for l in 1 12; do echo "--- mixed level $l"; $B/bin/dsvk-bench gdeflate-gpu --json --iterations 5 --batch-mib 512 --tpg 2 --variant subgroup --no-cpu --level $l /tmp/c/texture.raw /tmp/c/json.raw /tmp/c/binary.raw >> $OUT/bench.jsonl; done
python3 - <<'PY'
import json, os
for n, line in enumerate(open(os.environ["OUT"] + "/bench.jsonl")):
    d = json.loads(line)
    files = ",".join(f["path"].split("/")[-1] for f in d["files"])
    print(files, "L%d" % d["level"], " ".join("%s=%.1f%s" % (r["decoder"].replace("dsvk-shader-", ""), r["gbps"], "" if r["verified"] else "(x)") for r in d["results"]))
    for r in d["results"]:
        if n == 0 and r.get("stats"): print("   ", r["decoder"], r["stats"][:400])
PY
echo "=== done"
