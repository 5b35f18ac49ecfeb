#!/usr/bin/env bash
# convert_board.sh — where the whole JPEG -> 1-bit BMP conversion goes on RV32 (board build).
#
#   bash perf/convert_board.sh [BUILD_DIR] [SHARED_DIR] [N]   (defaults: ./build, ../shared, all)
#
# Builds board/xteink-x4 for RV32IMC (into BUILD_DIR/board-perf) and runs, under
# `qemu-system-riscv32 -icount shift=0` (minstret: exact and repeatable), for each corpus photo
# (perf/support/corpus_photos.sh; the first N in name order when N is given):
#   decode IMG fit    the in-arena decoder alone at the scale convert picks, rows dropped
#   convert IMG OUT   the whole conversion with the defaults (480x800 contain, Floyd-Steinberg,
#                     dot gain 2, 1-bit)
# and prints a Markdown table of instructions per *source* pixel: decode, convert, and the
# pipeline after the decoder (scaler + tone table + ditherer + BMP writer) = convert - decode;
# then the medians. The raw result lines go to BUILD_DIR/convert_board.log.
set -eu
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(mkdir -p "${1:-$SOURCE_DIR/build}" && cd "${1:-$SOURCE_DIR/build}" && pwd)
SHARED_DIR=${2:-${INK_SHARED_DIR:-$SOURCE_DIR/../shared}}
LIMIT=${3:-0}
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
. "$SOURCE_DIR/perf/support/corpus_photos.sh"
. "$SOURCE_DIR/perf/support/board_jobs.sh"

[ -d "$SHARED_DIR/corpus/epub" ] || { echo "no corpus at $SHARED_DIR/corpus/epub" >&2; exit 77; }
ink_board_build "$SOURCE_DIR" "$BUILD_DIR/board-perf"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-convert-board.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sd/img" "$WORK/sd/out"
ink_extract_corpus_photos "$SHARED_DIR/corpus/epub" "$WORK/sd/img"
n=0
for image in "$WORK"/sd/img/*; do
    [ "$LIMIT" -gt 0 ] && [ "$n" -ge "$LIMIT" ] && break
    b=img/$(basename "$image")
    echo "decode $b fit" >>"$WORK/sd/jobs.txt"
    echo "convert $b out/$n.bmp" >>"$WORK/sd/jobs.txt"
    n=$((n + 1))
done
ink_board_run_jobs "$BUILD_DIR/board-perf" "$WORK" "$BUILD_DIR/convert_board.log"
"$PYTHON" - "$BUILD_DIR/convert_board.log" <<'PY'
import re, statistics, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    op, image = line.split()[1], fields['in'][4:]
    if image not in rows:
        rows[image] = {}
        order.append(image)
    width, height = int(fields['width']), int(fields['height'])
    if width:
        rows[image]['size'] = (width, height)
    rows[image][op] = (fields['status'], int(fields['instret']), fields['scale'])
print('| photo | size | scale | decode | convert | pipeline (convert - decode) |')
print('|---|---|---|---|---|---|')
columns = {'decode': [], 'convert': [], 'pipeline': []}
for image in order:
    r = rows[image]
    width, height = r.get('size', (0, 0))
    decode, convert = r.get('decode', ('-', 0, '')), r.get('convert', ('-', 0, ''))
    if decode[0] != 'ok' or convert[0] != 'ok' or not width:
        print('| %s | %dx%d | | %s | %s | |' % (image, width, height, decode[0], convert[0]))
        continue
    pixels = width * height
    values = {'decode': decode[1] / pixels, 'convert': convert[1] / pixels}
    values['pipeline'] = values['convert'] - values['decode']
    for key, value in values.items():
        columns[key].append(value)
    print('| %s | %dx%d | %s | %.2f | %.2f | %.2f |' % (image, width, height, convert[2],
          values['decode'], values['convert'], values['pipeline']))
print()
for key, values in columns.items():
    if values:
        print('- %s: median %.2f, range %.2f-%.2f instructions per source pixel (%d photos)' %
              (key, statistics.median(values), min(values), max(values), len(values)))
PY
