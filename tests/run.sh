#!/usr/bin/env bash
# The whole test suite, as CI runs it: a warnings-as-errors build and all tests, then the same
# tests again in a clang build under AddressSanitizer + UndefinedBehaviorSanitizer (no recovery).
# Usage: bash tests/run.sh [--quick]   (--quick: the first pass only)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=2

echo "== build (gcc, -Werror)"
cmake -S . -B build -DINK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
(cd build && ctest --output-on-failure -j"$jobs")

if [ "${1:-}" = "--quick" ]; then
  exit 0
fi

echo "== build (clang, ASan + UBSan)"
CC=clang cmake -S . -B build-sanitize -DINK_WERROR=ON -DINK_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-sanitize -j"$jobs"
echo "== tests under ASan + UBSan"
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")
