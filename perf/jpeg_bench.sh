#!/usr/bin/env bash
# jpeg_bench.sh — the in-arena JPEG decoder against libjpeg-turbo (grayscale, ISLOW, DCT scaling,
# Debian's SIMD build) and stb_image on the corpus photos (JPEGs of 1000 px or more on a side).
#
#   bash perf/jpeg_bench.sh [BUILD_DIR]      (needs valgrind for the instruction columns)
#
# Prints a Markdown table: per photo, callgrind instruction counts of the decode alone
# (--toggle-collect=bench_decode) and per source pixel, and wall-time ratios (best of 5 runs in
# one process each, same machine, same moment) arena / libjpeg at 1/1 and at the display-fit
# scale for 480x800, and arena / stb_image at 1/1. "too wide" = refused by design at 1/1 (an MCU
# row must fit the 32 KB PRIMARY region; the converter then uses 1/2).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=${INK_SHARED_DIR:-$(pwd)/../shared}
bench=$build/perf/bench_jpeg
[ -x "$bench" ] || { echo "build $bench first (cmake --build $build --target bench_jpeg)"; exit 1; }
[ -d "$shared/corpus/epub" ] || { echo "no corpus at $shared/corpus/epub"; exit 77; }
have_valgrind=1; command -v valgrind >/dev/null || have_valgrind=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. perf/support/corpus_photos.sh
ink_extract_corpus_photos "$shared/corpus/epub" "$tmp"
ms() { "$bench" "$1" "$2" "$3" 5 2>/dev/null | sed -n 's/.*best \([0-9.]*\) ms.*/\1/p'; }
ir() {
  [ $have_valgrind = 1 ] || { echo "-"; return; }
  valgrind --tool=callgrind --toggle-collect=bench_decode --callgrind-out-file="$tmp/cg.out" \
    "$bench" "$1" "$2" "$3" 1 >/dev/null 2>"$tmp/cg.err" || { echo "-"; return; }
  sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg.out"
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}' || echo "too wide"; }
per_px() { [ "$1" != "-" ] && [ -n "$1" ] && awk -v a="$1" -v p="$2" 'BEGIN{printf "%.1f", a/p}' || echo "-"; }
echo "| photo | size | fit | Ir/px arena 1/1 | Ir/px libjpeg 1/1 | Ir/px arena fit | Ir/px libjpeg fit | time arena/libjpeg 1/1 | time arena/libjpeg fit | time arena/stb 1/1 |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for f in "$tmp"/*.jpg "$tmp"/*.jpeg; do
  [ -f "$f" ] || continue
  size=$(python3 -c "import sys
d=open(sys.argv[1],'rb').read(); i=2
while True:
    if d[i]!=0xFF: i+=1; continue
    m=d[i+1]
    if m in (0xC0,0xC1): print(int.from_bytes(d[i+7:i+9],'big'), int.from_bytes(d[i+5:i+7],'big')); break
    if m in (0xD8,0x01) or 0xD0<=m<=0xD7 or m==0xFF: i+= 1 if m==0xFF else 2; continue
    i+=2+int.from_bytes(d[i+2:i+4],'big')" "$f")
  w=${size% *}; h=${size#* }; px=$((w * h))
  fit=$("$bench" libjpeg fit "$f" 1 | sed -n 's/.*scale \(1\/[0-9]*\).*/\1/p')
  a1=$(ms arena 1 "$f" || true); l1=$(ms libjpeg 1 "$f"); s1=$(ms stb 1 "$f")
  af=$(ms arena fit "$f"); lf=$(ms libjpeg fit "$f")
  ia1=$(ir arena 1 "$f"); il1=$(ir libjpeg 1 "$f"); iaf=$(ir arena fit "$f"); ilf=$(ir libjpeg fit "$f")
  echo "| $(basename "$f") | ${w}x${h} | $fit | $(per_px "$ia1" $px) | $(per_px "$il1" $px) | $(per_px "$iaf" $px) | $(per_px "$ilf" $px) | $(ratio "$a1" "$l1") | $(ratio "$af" "$lf") | $(ratio "$a1" "$s1") |"
done
