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
cmake --build build-fuzz -j2 --target "${targets[@]}" >/dev/null

# Seeds: every target gets the files its parser reads, taken from the shared corpus.
seed() { # target folder
  local target=$1 dir=$2
  mkdir -p "$dir"
  [ -d "$shared/corpus" ] || return 0
  /usr/bin/python3 - "$target" "$dir" "$shared/corpus" <<'PY'
import glob, os, sys, zipfile, zlib
target, out, corpus = sys.argv[1], sys.argv[2], sys.argv[3]
def put(name, data):
    if 0 < len(data) <= 200_000:
        open(os.path.join(out, name), "wb").write(data)
books = sorted(glob.glob(os.path.join(corpus, "epub", "*.epub")))
def entries():
    for book in books:
        with zipfile.ZipFile(book) as z:
            for info in z.infolist():
                yield os.path.basename(book), info, z.read(info)
n = 0
if "jpeg" in target:
    for book, info, data in entries():
        if data[:3] == b"\xff\xd8\xff" and n < 40:
            put(f"seed{n}.jpg", data); n += 1
elif "png" in target:
    for path in sorted(glob.glob(os.path.join(corpus, "pngsuite", "*.png"))):
        put(os.path.basename(path), open(path, "rb").read())
elif "zip" in target or "epub" in target:
    for book in books:
        data = open(book, "rb").read()
        if len(data) <= 200_000:
            put(os.path.basename(book), data)
elif "inflate" in target:
    for book, info, data in entries():
        if n < 60 and 0 < len(data) < 50_000:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            put(f"raw{n}.deflate", c.compress(data) + c.flush()); n += 1
elif "xml" in target or "opf" in target:
    for book, info, data in entries():
        if info.filename.endswith((".opf", ".xml", ".xhtml", ".svg")) and n < 80:
            put(f"doc{n}" + os.path.splitext(info.filename)[1], data); n += 1
PY
}

mkdir -p build-fuzz/artifacts build-fuzz/logs
status=0
printf '%-24s %8s %12s %8s %8s %s\n' target seconds executions cov features result
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  seed "$target" "$corpus"
  artifacts=build-fuzz/artifacts/$target/
  mkdir -p "$artifacts"
  log=build-fuzz/logs/$target.log
  result=ok
  if ! ./build-fuzz/tests/"$target" "$corpus" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1; then
    result="FAILED: $(ls "$artifacts" | head -3 | tr '\n' ' ')"
    status=1
  fi
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  printf '%-24s %8s %12s %8s %8s %s\n' "$target" "$seconds" "$executions" "$cov" "$features" "$result"
  [ "$result" = ok ] || tail -40 "$log"
done
exit $status
