#!/usr/bin/env bash
# jpeg_progressive_bench.sh — progressive against baseline for the in-arena JPEG decoder (issue 12).
#
#   bash perf/jpeg_progressive_bench.sh [BUILD_DIR]     (needs valgrind and jpegtran)
#
# For every corpus photo of 1000 px or more on a side, makes the same image twice with jpegtran
# (lossless): baseline with optimised tables (-optimize) and progressive (-progressive, libjpeg's
# default script of 10 scans, optimised tables). Decodes each with the arena decoder at the
# display-fit scale for 480x800 under callgrind (--toggle-collect=bench_decode: the decode
# alone) and counts source reads and seeks (bench_jpeg wraps the source: on the device a read is
# an SD transaction of about 2 ms, a seek costs nothing by itself, so reads are reported apart
# and with the seeks); then, when
# qemu-system-riscv32 and the RV32 toolchain are there (INK_NO_BOARD=1 skips it), decodes each
# again on the board build (board job `decode IMG fit`, rows dropped) and counts the RV32
# instructions retired (minstret under -icount shift=0: exact). Both decode a third copy too,
# the baseline's luma alone (`jpegtran -grayscale -optimize`, lossless for luma): the
# progressive decode skips the chroma scans, so progressive against that copy is what the
# progressive form of the same luma costs, and baseline against it what the baseline spends on
# chroma. Prints a Markdown table and the medians of the progressive/baseline ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=${INK_SHARED_DIR:-$(pwd)/../shared}
bench=$build/perf/bench_jpeg
[ -x "$bench" ] || { echo "build $bench first (cmake --build $build --target bench_jpeg)"; exit 1; }
[ -d "$shared/corpus/epub" ] || { echo "no corpus at $shared/corpus/epub"; exit 77; }
command -v valgrind >/dev/null || { echo "needs valgrind"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$shared/corpus/epub" "$tmp" <<'PY'
import glob, os, subprocess, sys, zipfile
from io import BytesIO
from PIL import Image
for epub in sorted(glob.glob(os.path.join(sys.argv[1], '*.epub'))):
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            d = z.read(name)
            if d[:3] != b'\xff\xd8\xff':
                continue
            w, h = Image.open(BytesIO(d)).size
            if max(w, h) < 1000:
                continue
            base = os.path.basename(epub)[:-5] + '_' + os.path.splitext(os.path.basename(name))[0]
            for kind, args in (('base', ['-optimize']), ('prog', ['-progressive']),
                               ('luma', ['-grayscale', '-optimize'])):
                r = subprocess.run(['jpegtran', *args], input=d, capture_output=True, check=True)
                open(os.path.join(sys.argv[2], f'{base}.{kind}.jpg'), 'wb').write(r.stdout)
PY
# RV32: one qemu run decodes every image at the fit scale; "name.kind instret" lines.
: > "$tmp/rv32"
if [ -z "${INK_NO_BOARD:-}" ] && command -v qemu-system-riscv32 >/dev/null &&
   command -v riscv64-unknown-elf-gcc >/dev/null; then
  fw=$(cd "$build" && pwd)/board-perf
  cmake -S board/xteink-x4 -B "$fw" \
    -DCMAKE_TOOLCHAIN_FILE="$(pwd)/board/xteink-x4/toolchain-rv32imc.cmake" >/dev/null
  cmake --build "$fw" -j2 >/dev/null
  mkdir -p "$tmp/sd/img"
  for f in "$tmp"/*.jpg; do
    ln "$f" "$tmp/sd/img/"
    echo "decode img/$(basename "$f") fit"
  done > "$tmp/sd/jobs.txt"
  (cd "$tmp" && timeout 3000 qemu-system-riscv32 -machine virt -nographic -bios none \
     -icount shift=0 -semihosting-config enable=on,target=native \
     -kernel "$fw/xteink-x4.elf" -append "sd=sd jobs=jobs.txt" > "$tmp/board.log" 2>&1) || true
  sed -n 's/^result decode in=img\/\(.*\)\.jpg .*status=ok .*instret=\([0-9]*\).*/\1 \2/p' \
    "$tmp/board.log" > "$tmp/rv32"
fi
rv32() { awk -v k="$1" '$1 == k {print $2}' "$tmp/rv32"; }
ir() {
  valgrind --tool=callgrind --toggle-collect=bench_decode --callgrind-out-file="$tmp/cg.out" \
    "$bench" arena fit "$1" 1 >"$tmp/out.txt" 2>"$tmp/cg.err" || { echo "- - - -"; return; }
  echo "$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg.out") $(sed -n 's/.*scale \(1\/[0-9]*\).* reads \([0-9]*\) seeks \([0-9]*\).*/\1 \2 \3/p' "$tmp/out.txt")"
}
echo "| photo | size | fit | bytes base/prog | Ir/px base | Ir/px prog | Ir prog/base | reads+seeks base | reads+seeks prog | reads prog/base | RV32/px base | RV32/px prog | RV32 prog/base | Ir prog/luma base | RV32 chroma share of base | RV32 prog/luma base |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
: > "$tmp/ratios"; : > "$tmp/rv32ratios"; : > "$tmp/lumaratios"; : > "$tmp/irlumaratios"
for b in "$tmp"/*.base.jpg; do
  p=${b%.base.jpg}.prog.jpg
  name=$(basename "${b%.base.jpg}")
  size=$(/usr/bin/python3 -c "from PIL import Image; import sys; print(*Image.open(sys.argv[1]).size)" "$b")
  w=${size% *}; h=${size#* }; px=$((w * h))
  read -r ib fit rb sb < <(ir "$b")
  read -r ip fitp rp sp < <(ir "$p")
  read -r il _ < <(ir "${b%.base.jpg}.luma.jpg")
  if [ "$ip" = "-" ] || [ "$ib" = "-" ]; then
    echo "| $name | ${w}x${h} | $fit | | | refused: $(grep -o 'arena: .*' "$tmp/cg.err" | head -1 | cut -c8-120) | | | | | | | | | | |"
    continue
  fi
  ratio=$(awk -v a="$ip" -v b="$ib" 'BEGIN{printf "%.2f", a/b}')
  echo "$ratio $(( (rp + sp) )) $(( (rb + sb) )) $rp $rb" >> "$tmp/ratios"
  irluma=-
  if [ "$il" != "-" ]; then
    irluma=$(awk -v a="$ip" -v l="$il" 'BEGIN{printf "%.2f", a/l}')
    echo "$irluma" >> "$tmp/irlumaratios"
  fi
  vb=$(rv32 "$name.base"); vp=$(rv32 "$name.prog"); vl=$(rv32 "$name.luma")
  board="| | | | $irluma | | |"
  if [ -n "$vb" ] && [ -n "$vp" ] && [ -n "$vl" ]; then
    echo "$vp $vb" | awk '{printf "%.2f\n", $1/$2}' >> "$tmp/rv32ratios"
    echo "$vp $vl" | awk '{printf "%.2f\n", $1/$2}' >> "$tmp/lumaratios"
    board="| $(awk -v a="$vb" -v p=$px 'BEGIN{printf "%.1f", a/p}') | $(awk -v a="$vp" -v p=$px 'BEGIN{printf "%.1f", a/p}') | $(awk -v a="$vp" -v b="$vb" 'BEGIN{printf "%.2f", a/b}') | $irluma | $(awk -v b="$vb" -v l="$vl" 'BEGIN{printf "%.0f %%", 100 * (b - l) / b}') | $(awk -v a="$vp" -v l="$vl" 'BEGIN{printf "%.2f", a/l}') |"
  fi
  echo "| $name | ${w}x${h} | $fit | $(stat -c %s "$b")/$(stat -c %s "$p") | $(awk -v a="$ib" -v p=$px 'BEGIN{printf "%.1f", a/p}') | $(awk -v a="$ip" -v p=$px 'BEGIN{printf "%.1f", a/p}') | $ratio | $rb+$sb | $rp+$sp | $(awk -v a="$rp" -v b="$rb" 'BEGIN{printf "%.2f", a/(b>0?b:1)}') $board"
done
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f (range %.2f-%.2f, %d photos)", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
echo
echo "median Ir progressive/baseline $(awk '{print $1}' "$tmp/ratios" | median)"
echo "median Ir progressive/baseline of the luma alone $(median < "$tmp/irlumaratios")"
echo "median source reads progressive/baseline $(awk '{print $4/($5>0?$5:1)}' "$tmp/ratios" | median)"
echo "median source calls (reads+seeks) progressive/baseline $(awk '{print $2/($3>0?$3:1)}' "$tmp/ratios" | median)"
echo "source reads in all: baseline $(awk '{s+=$5} END {print s}' "$tmp/ratios"), progressive $(awk '{s+=$4} END {print s}' "$tmp/ratios")"
[ -s "$tmp/rv32ratios" ] && echo "median RV32 instructions progressive/baseline $(median < "$tmp/rv32ratios")"
[ -s "$tmp/lumaratios" ] && echo "median RV32 instructions progressive/baseline of the luma alone $(median < "$tmp/lumaratios")"
echo "above 1.5x: Ir $(awk '$1 > 1.5' "$tmp/ratios" | wc -l), RV32 $(awk '$1 > 1.5' "$tmp/rv32ratios" | wc -l)"
