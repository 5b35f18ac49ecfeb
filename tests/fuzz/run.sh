#!/usr/bin/env bash
# Builds every libFuzzer target (clang, ASan + UBSan, coverage) and runs each for a bounded
# time on a seed corpus made from the shared corpus, as CI does. A crash, leak or timeout fails
# the run and leaves the input in build-fuzz/artifacts/<target>/ (copy it to tests/crashers/ so
# the ordinary tests replay it).
# Usage: bash tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60, all targets)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
shared=${INK_SHARED_DIR:-$(pwd)/../shared}
CC=clang cmake -S . -B build-fuzz -DINK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
shopt -s nullglob
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$source" .c)"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets"; exit 0; }
cmake --build build-fuzz -j2 --target "${targets[@]}" inkpipe >/dev/null

# Seeds: every target gets the files its parser reads, made by tests/fuzz/seeds.py from the
# shared corpus (and Debian's hyphenation patterns); a dictionary tests/fuzz/<parser>.dict
# (fuzz_jpeg -> jpeg.dict) gives the fuzzer the format's markers and keywords.
seed() { # target folder
  mkdir -p "$2"
  INKPIPE=build-fuzz/inkpipe ASAN_OPTIONS=detect_leaks=0 \
    /usr/bin/python3 tests/fuzz/seeds.py "$1" "$2" "$shared/corpus"
}

mkdir -p build-fuzz/artifacts build-fuzz/logs
status=0
printf '%-24s %8s %12s %8s %8s %7s %s\n' target seconds executions cov features corpus result
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  seed "$target" "$corpus"
  artifacts=build-fuzz/artifacts/$target/
  mkdir -p "$artifacts"
  log=build-fuzz/logs/$target.log
  result=ok
  parser=${target#fuzz_}
  parser=${parser%_board} # fuzz_X_board: parser X in the board's form, with X's dictionary
  dict=tests/fuzz/$parser.dict
  options=()
  [ -f "$dict" ] && options+=(-dict="$dict")
  if ! ./build-fuzz/tests/"$target" "$corpus" "${options[@]}" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" \
      >"$log" 2>&1; then
    result="FAILED: $(ls "$artifacts" | head -3 | tr '\n' ' ')"
    status=1
  fi
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  units=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  printf '%-24s %8s %12s %8s %8s %7s %s\n' "$target" "$seconds" "$executions" "$cov" "$features" \
    "$units" "$result"
  [ "$result" = ok ] || tail -40 "$log"
done
exit $status
