#!/usr/bin/env bash
# jpeg_board.sh — RV32 instruction counts of the in-arena JPEG decoder on the board build.
#
#   bash perf/jpeg_board.sh [BUILD_DIR] [SHARED_DIR]     (defaults: ./build, ../shared)
#
# Builds board/xteink-x4 for RV32IMC (into BUILD_DIR/board-perf) and runs, under
# `qemu-system-riscv32 -icount shift=0` (minstret: exact and repeatable), for every corpus photo
# (JPEGs in the EPUBs with a side of 1000 px or more, as perf/jpeg_bench.sh):
#   decode IMG 1|2|4|8|fit   the decoder alone, rows dropped (board job `decode`)
#   convert IMG OUT          the whole conversion with the defaults (480x800 contain,
#                            Floyd-Steinberg at dot gain 2, 1-bit)
# and prints a Markdown table of instructions per *source* pixel, then medians. Writes the raw
# result lines to BUILD_DIR/jpeg_board.log.
#   JPEG_BOARD_PHOTOS='GhV*'   only the photos whose file name matches this shell glob (a quick
#                              check of one change; the medians are then of that subset)
set -eu
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(mkdir -p "${1:-$SOURCE_DIR/build}" && cd "${1:-$SOURCE_DIR/build}" && pwd)
SHARED_DIR=${2:-${INK_SHARED_DIR:-$SOURCE_DIR/../shared}}
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

. "$SOURCE_DIR/perf/support/corpus_photos.sh"
. "$SOURCE_DIR/perf/support/board_jobs.sh"

FW_BUILD=$BUILD_DIR/board-perf
ink_board_build "$SOURCE_DIR" "$FW_BUILD"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-jpeg-board.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sd/img" "$WORK/sd/out"
ink_extract_corpus_photos "$SHARED_DIR/corpus/epub" "$WORK/sd/img"
n=0
for image in "$WORK"/sd/img/*; do
    # shellcheck disable=SC2053 # the filter is a glob on purpose
    if [[ $(basename "$image") != ${JPEG_BOARD_PHOTOS:-*} ]]; then
        rm -f "$image"
        continue
    fi
    b=img/$(basename "$image")
    for s in 1 2 4 8 fit; do echo "decode $b $s"; done >>"$WORK/sd/jobs.txt"
    echo "convert $b out/$n.bmp" >>"$WORK/sd/jobs.txt"
    n=$((n + 1))
done
ink_board_run_jobs "$FW_BUILD" "$WORK" "$BUILD_DIR/jpeg_board.log"
"$PYTHON" - "$BUILD_DIR/jpeg_board.log" <<'PY'
import re, statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    f = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    op = line.split()[1]
    img = f['in'][4:]
    if img not in rows:
        rows[img] = {}; order.append(img)
    w, h = int(f['width']), int(f['height'])
    r = rows[img]
    if w: r['size'] = (w, h)
    key = 'convert' if op == 'convert' else 'd' + (line.split()[2] if False else '')
    if op == 'decode':
        # the decode job's scale word is not printed; results come in the job order 1 2 4 8 fit
        key = ['1', '2', '4', '8', 'fit'][len([k for k in r if k.startswith('d:')])]
        key = 'd:' + key
    r[key] = (f['status'], int(f['instret']), f['scale'])
cols = ['d:1', 'd:2', 'd:4', 'd:8', 'd:fit', 'convert']
print('| photo | size | fit | decode 1/1 | 1/2 | 1/4 | 1/8 | decode fit | convert (fit) |')
print('|---|---|---|---|---|---|---|---|---|')
med = {c: [] for c in cols}
for img in order:
    r = rows[img]
    w, h = r.get('size', (0, 0)); px = w * h
    cells = []
    for c in cols:
        st, ins, sc = r.get(c, ('-', 0, ''))
        if st != 'ok' or not px:
            cells.append('too wide' if st.startswith('too') else st)
        else:
            v = ins / px; med[c].append(v); cells.append('%.1f' % v)
    fit = r.get('d:fit', ('', 0, '?'))[2]
    print('| %s | %dx%d | %s | %s |' % (img, w, h, fit, ' | '.join(cells)))
print()
for c in cols:
    v = med[c]
    if v:
        print('- %s: median %.1f, range %.1f-%.1f instructions per source pixel (%d photos)' %
              (c.replace('d:', 'decode 1/').replace('1/fit', 'at the fit scale'),
               statistics.median(v), min(v), max(v), len(v)))
PY
