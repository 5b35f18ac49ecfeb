#!/usr/bin/env bash
# png_bench.sh — PNG to 8-bit gray: in-arena decoder vs libpng, libspng, lodepng on the corpus.
#
#   perf/png_bench.sh [BUILD_DIR]      (default: build; configure it with -DCMAKE_BUILD_TYPE=Release)
#
# 1. Wall-clock-free CPU time of every decoder over the same files in one run (ratios to libpng).
# 2. callgrind instruction counts per pixel for the arena decoder and for libpng (host x86-64,
#    one pass over the files; only the decode calls are counted, via --toggle-collect).
# Corpus: every PNG inside $INK_SHARED_DIR/corpus/epub/*.epub (extracted to a temp folder),
# plus the valid PngSuite files.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shared=${INK_SHARED_DIR:-$here/../shared}
bench=$build/perf/bench_png
[ -x "$bench" ] || { echo "build bench_png first (cmake --build $build --target bench_png)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$shared"/corpus/epub/*.epub; do
  d=$tmp/$(basename "$f" .epub); mkdir -p "$d"; unzip -qq -o "$f" -d "$d" 2>/dev/null || true
done
find "$tmp" -type f -iname '*.png' | sort > "$tmp/epub.txt"
ls "$shared"/corpus/pngsuite/[!x]*.png > "$tmp/suite.txt"

echo "== EPUB PNGs: CPU time, 5 iterations"
"$bench" --iterations 5 $(cat "$tmp/epub.txt")
echo "== PngSuite (valid files): CPU time, 20 iterations"
"$bench" --iterations 20 $(cat "$tmp/suite.txt")

if command -v valgrind >/dev/null; then
  echo "== callgrind, EPUB PNGs, instructions per pixel"
  pixels=$("$bench" --iterations 1 --only none $(cat "$tmp/epub.txt") | sed -n 's/.*, \([0-9.]*\) megapixels.*/\1/p')
  for who in arena libpng spng lodepng; do
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$who" --toggle-collect="run_$who" \
      "$bench" --iterations 1 --only "$who" $(cat "$tmp/epub.txt") >/dev/null 2>&1 || continue
    ir=$(callgrind_annotate "$tmp/cg.$who" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
    awk -v who="$who" -v ir="$ir" -v mp="$pixels" \
      'BEGIN { printf "%-8s %14.0f instructions  %6.1f per pixel\n", who, ir, ir / (mp * 1e6) }'
  done
fi
