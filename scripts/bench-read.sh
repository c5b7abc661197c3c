#!/usr/bin/env bash
# The file-read benchmark of docs/BENCHMARKS.md ("File reads"): dsvk's io_uring backend and
# its pread thread pool, through the public API, beside fio (io_uring and psync) on the same
# files, rounds alternating, ratios printed at the end.
#   scripts/bench-read.sh [dsvk-bench read options...]      e.g. --json, --buffered, --seq
# Defaults: 4 x 1 GiB files in $DSVK_BENCH_DIR (/var/tmp/dsvk-bench), 64 KiB random O_DIRECT
# reads, depth 32, 5 s per run, 3 rounds. Later options override earlier ones.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=${DSVK_BENCH:-}
if [ -z "$bench" ]; then
  for b in "$root"/build/main/tools/bench/dsvk-bench "$root"/build*/tools/bench/dsvk-bench; do
    if [ -x "$b" ]; then bench=$b; break; fi
  done
fi
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
  echo "bench-read: no dsvk-bench found; build first (scripts/test.sh --quick) or set DSVK_BENCH" >&2
  exit 2
fi
if ! command -v fio >/dev/null; then
  echo "bench-read: fio is not installed (apt-get install fio)" >&2
  exit 2
fi
dir=${DSVK_BENCH_DIR:-/var/tmp/dsvk-bench}
echo "bench-read: $bench, files in $dir" >&2
exec "$bench" read --dir "$dir" --files 4 --file-size 1G --bs 64k --depth 32 --direct \
  --random --seconds 5 --repeat 3 --fio "$@"
