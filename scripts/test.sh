#!/usr/bin/env bash
# Runs dsvk's whole test suite: installs what is missing, then
#   1. a -Werror build (gcc) and every test (core, tools, Vulkan on lavapipe, Wine),
#   2. the core's tests and the fuzzers under ASan+UBSan (clang),
#   3. the threaded tests under TSan (clang).
# Build trees live in build/ (override with DSVK_BUILD_ROOT). Exit status is non-zero when
# anything failed. Usage: scripts/test.sh [--quick]   (--quick: step 1 only)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
builds=${DSVK_BUILD_ROOT:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash "$root/scripts/setup.sh"

vectors="$root/../shared/gdeflate-vectors"
if [ ! -f "$vectors/MANIFEST" ]; then
  echo "dsvk test: the GDeflate reference vectors are missing at $vectors" >&2
  echo "           (tests that need them will fail; see README)" >&2
fi

step() { printf '\n==== %s ====\n' "$*"; }
failed=()

build() { # build DIR CMAKE-ARGS...
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  ninja -C "$dir" -j "$jobs"
}

mkdir -p "$builds"
step "build: gcc, -Werror"
build "$builds/main" -DDSVK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "tests: everything but the fuzzers"
(cd "$builds/main" && ctest -j "$jobs" --output-on-failure -LE fuzz) || failed+=("main")

if [ "$quick" = 0 ]; then
  step "build: clang, ASan+UBSan, fuzzers"
  CC=clang build "$builds/asan" -DDSVK_WERROR=ON -DDSVK_CORE_ONLY=ON -DDSVK_FUZZ=ON \
    -DDSVK_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug
  step "tests under ASan+UBSan: core, tools, fuzz"
  (cd "$builds/asan" &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest -j "$jobs" --output-on-failure -L 'core|tools|fuzz') || failed+=("asan")

  step "build: clang, TSan"
  CC=clang build "$builds/tsan" -DDSVK_WERROR=ON -DDSVK_CORE_ONLY=ON \
    -DDSVK_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug
  step "tests under TSan: threaded"
  (cd "$builds/tsan" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest -j "$jobs" --output-on-failure -L threaded) || failed+=("tsan")
fi

if [ ${#failed[@]} -ne 0 ]; then
  echo "dsvk test: FAILED in: ${failed[*]}" >&2
  exit 1
fi
echo "dsvk test: all passed"
