#!/usr/bin/env bash
# png_board.sh — RV32 instruction counts of the in-arena PNG decoder and inflate on the board build.
#
#   bash perf/png_board.sh [BUILD_DIR] [SHARED_DIR] [--quick]   (defaults: ./build, ../shared)
#
# Builds board/xteink-x4 for RV32IMC (into BUILD_DIR/board-perf) and runs under
# `qemu-system-riscv32 -icount shift=0` (minstret: exact and repeatable), for
#   - every corpus PNG (inside ../shared/corpus/epub/*.epub) with a side of 1000 px or more, and
#   - three generated 1600x1200 PNGs, the issue's "wallpaper" class that the corpus lacks:
#       photo-rgb   the largest corpus JPEG photo, resized to 1600x1200, saved as RGB PNG
#       photo-rgba  the same with a left-to-right alpha ramp (0..255)
#       plasma-rgb  ImageMagick `plasma:` (seed 7), RGB
#     (ImageMagick `convert`, zlib level 6, adaptive filters: its defaults for photos),
# the jobs
#   decode IMG          the decoder to 8-bit gray rows, rows dropped (board job `decode`)
#   inflate IMG.epub    the PNG's IDAT stream alone, as a raw-deflate zip entry (board job
#                       `inflate`: counts ink_inflate_run only, output in DITHER-half pieces)
# and prints a Markdown table: instructions per pixel of the decode, and inflate instructions per
# inflated byte. --quick: the generated PNGs only. Raw result lines: BUILD_DIR/png_board.log.
set -eu
QUICK=0
ARGS=()
for a in "$@"; do
    if [ "$a" = --quick ]; then QUICK=1; else ARGS+=("$a"); fi
done
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_ARG=${ARGS[0]:-$SOURCE_DIR/build}
BUILD_DIR=$(mkdir -p "$BUILD_ARG" && cd "$BUILD_ARG" && pwd)
SHARED_DIR=${ARGS[1]:-${INK_SHARED_DIR:-$SOURCE_DIR/../shared}}
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

. "$SOURCE_DIR/perf/support/board_jobs.sh"

FW_BUILD=$BUILD_DIR/board-perf
ink_board_build "$SOURCE_DIR" "$FW_BUILD"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-png-board.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sd/img" "$WORK/sd/z"
"$PYTHON" - "$SHARED_DIR/corpus/epub" "$WORK/sd/img" "$QUICK" "$WORK" <<'PY'
import glob, os, subprocess, sys, zipfile
src, dst, quick, work = sys.argv[1], sys.argv[2], sys.argv[3] == '1', sys.argv[4]
best_jpeg = (0, None)
for epub in sorted(glob.glob(os.path.join(src, '*.epub'))):
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            d = z.read(name)
            if d[:3] == b'\xff\xd8\xff' and len(d) > best_jpeg[0]:
                best_jpeg = (len(d), d)
            if d[:8] != b'\x89PNG\r\n\x1a\n' or quick:
                continue
            w, h = int.from_bytes(d[16:20], 'big'), int.from_bytes(d[20:24], 'big')
            if max(w, h) >= 1000:
                out = os.path.basename(epub)[:-5] + '_' + os.path.basename(name)
                open(os.path.join(dst, out), 'wb').write(d)
jpeg = os.path.join(work, 'photo.jpg')
open(jpeg, 'wb').write(best_jpeg[1])
im = ['convert']
subprocess.check_call(im + [jpeg, '-resize', '1600x1200!', '-strip', 'PNG24:' + os.path.join(dst, 'gen_photo-rgb.png')])
subprocess.check_call(im + [jpeg, '-resize', '1600x1200!', '-strip',
                            '(', '-size', '1200x1600', 'gradient:black-white', '-rotate', '90', ')',
                            '-alpha', 'off', '-compose', 'CopyOpacity', '-composite',
                            'PNG32:' + os.path.join(dst, 'gen_photo-rgba.png')])
subprocess.check_call(im + ['-seed', '7', '-size', '1600x1200', 'plasma:', '-strip',
                            'PNG24:' + os.path.join(dst, 'gen_plasma-rgb.png')])
PY
# Each PNG's IDAT data as a raw-deflate entry of a one-entry zip, for the inflate job.
"$PYTHON" - "$WORK/sd/img" "$WORK/sd/z" <<'PY'
import glob, os, struct, sys, zlib
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.png'))):
    d = open(path, 'rb').read()
    i, idat = 8, b''
    while i + 8 <= len(d):
        n = int.from_bytes(d[i:i + 4], 'big')
        if d[i + 4:i + 8] == b'IDAT':
            idat += d[i + 8:i + 8 + n]
        i += 12 + n
    raw = zlib.decompress(idat)
    deflate = idat[2:-4]
    name = b'idat'
    crc = zlib.crc32(raw)
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(deflate), len(raw),
                        len(name), 0) + name
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc,
                          len(deflate), len(raw), len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central),
                      len(local) + len(deflate), 0)
    out = os.path.join(sys.argv[2], os.path.basename(path)[:-4] + '.epub')
    open(out, 'wb').write(local + deflate + central + end)
PY
for image in "$WORK"/sd/img/*.png; do
    b=$(basename "$image" .png)
    echo "decode img/$b.png" >>"$WORK/sd/jobs.txt"
    echo "inflate z/$b.epub" >>"$WORK/sd/jobs.txt"
done
ink_board_run_jobs "$FW_BUILD" "$WORK" "$BUILD_DIR/png_board.log"
"$PYTHON" - "$BUILD_DIR/png_board.log" "$WORK/sd/img" <<'PY'
import os, re, statistics, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    op = line.split()[1]
    if op not in ('decode', 'inflate'):
        continue
    f = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    img = os.path.basename(f['in']).rsplit('.', 1)[0]
    if img not in rows:
        rows[img] = {}; order.append(img)
    rows[img][op] = f
def kind(path):
    d = open(path, 'rb').read(33)
    return {0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA'}.get(d[25], '?') + \
        str(d[24]) + (' interlaced' if d[28] else '')
print('| PNG | size | type | decode instr/px | inflate instr/byte | inflated bytes/px |')
print('|---|---|---|---|---|---|')
for img in order:
    r = rows[img]
    d, z = r.get('decode', {}), r.get('inflate', {})
    w, h = int(d.get('width', 0)), int(d.get('height', 0))
    px = w * h
    dec = '%.1f' % (int(d['instret']) / px) if d.get('status') == 'ok' and px else d.get('status', '-')
    inf = z.get('per_byte', '-') if z.get('status') == 'ok' else z.get('status', '-')
    nbytes = '%.2f' % (int(z['bytes']) / px) if z.get('status') == 'ok' and px else '-'
    print('| %s | %dx%d | %s | %s | %s | %s |' % (img, w, h, kind(os.path.join(sys.argv[2], img + '.png')),
                                              dec, inf, nbytes))
PY
