#!/usr/bin/env bash
# jpeg_board.sh — RV32 instruction counts of the in-arena JPEG decoder on the board build.
#
#   bash perf/jpeg_board.sh [BUILD_DIR] [SHARED_DIR]     (defaults: ./build, ../shared)
#
# Builds board/xteink-x4 for RV32IMC (into BUILD_DIR/board-perf) and runs, under
# `qemu-system-riscv32 -icount shift=0` (minstret: exact and repeatable), for every corpus photo
# (JPEGs in the EPUBs with a side of 1000 px or more, as perf/jpeg_bench.sh):
#   decode IMG 1|2|4|8|fit   the decoder alone, rows dropped (board job `decode`)
#   convert IMG OUT          the whole conversion with the defaults (480x800 contain, Atkinson)
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

FW_BUILD=$BUILD_DIR/board-perf
cmake -S "$SOURCE_DIR/board/xteink-x4" -B "$FW_BUILD" \
    -DCMAKE_TOOLCHAIN_FILE="$SOURCE_DIR/board/xteink-x4/toolchain-rv32imc.cmake" >/dev/null
cmake --build "$FW_BUILD" -j2 >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-jpeg-board.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sd/img" "$WORK/sd/out"
"$PYTHON" - "$SHARED_DIR/corpus/epub" "$WORK/sd/img" <<'PY'
import glob, os, sys, zipfile
for epub in sorted(glob.glob(os.path.join(sys.argv[1], '*.epub'))):
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            d = z.read(name)
            if d[:3] != b'\xff\xd8\xff':
                continue
            i = 2
            while i + 9 < len(d):
                if d[i] != 0xFF: i += 1; continue
                m = d[i + 1]
                if m in (0xC0, 0xC1):
                    h = int.from_bytes(d[i+5:i+7], 'big'); w = int.from_bytes(d[i+7:i+9], 'big')
                    if max(w, h) >= 1000:
                        out = os.path.basename(epub)[:-5] + '_' + os.path.basename(name)
                        open(os.path.join(sys.argv[2], out), 'wb').write(d)
                    break
                if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7 or m == 0xFF: i += 1 if m == 0xFF else 2; continue
                i += 2 + int.from_bytes(d[i+2:i+4], 'big')
PY
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
(cd "$WORK" && timeout 3000 qemu-system-riscv32 -machine virt -nographic -bios none \
    -icount shift=0 -semihosting-config enable=on,target=native \
    -kernel "$FW_BUILD/xteink-x4.elf" -append "sd=sd jobs=jobs.txt" >"$WORK/run.log" 2>&1) || true
grep '^result ' "$WORK/run.log" >"$BUILD_DIR/jpeg_board.log" || true
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
