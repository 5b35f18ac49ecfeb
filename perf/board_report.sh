#!/usr/bin/env bash
# board_report.sh — RV32 instruction counts of the board build, per corpus image.
#
#   perf/board_report.sh [BUILD_DIR] [SHARED_DIR]     (defaults: ./build, ../shared)
#
# Builds board/xteink-x4 for RV32IMC (into BUILD_DIR/board-perf), converts every corpus image
# (PngSuite, and the images inside the EPUBs) with the default options (480x800 contain,
# Atkinson) under `qemu-system-riscv32 -icount shift=0`, and reports per image: the source size,
# the BMP size, the instructions the conversion retired (minstret, exact and repeatable), the
# instructions per source pixel, the estimated time on the X4 at 160 MHz, and the job's stack
# high-water mark. Writes the table as TSV to BUILD_DIR/board_report.tsv.
#
# Then, for every corpus book: the in-arena inflate's instructions per output byte over all its
# deflated entries (only ink_inflate_run is counted: no I/O, no CRC; BUILD_DIR/board_inflate.tsv)
# and the book's cover thumbnail through the cache on the flash stand-in (its stack).
#
# Time estimate: instructions x CPI / 160 MHz with CPI = 1.5 (and the CPI = 1 floor). Why 1.5:
# the ESP32-C3 core is in-order, single-issue, 4-stage; the counted code is integer loops over
# SRAM buffers (loads, shifts, adds, compares, multiplies: single-cycle or one load-use bubble),
# whose taken branches cost a refill and whose rare divisions take many cycles, while its code
# runs from flash through a 16 KB cache that the hot loops fit once warm. 1.5 is an assumption,
# not a measurement on the device; docs/BOARD.md says how to calibrate it there.
set -eu
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(cd "${1:-$SOURCE_DIR/build}" 2>/dev/null && pwd || { mkdir -p "${1:-build}"; cd "${1:-build}"; pwd; })
SHARED_DIR=${2:-${INK_SHARED_DIR:-$SOURCE_DIR/../shared}}
CORPUS=$SHARED_DIR/corpus
CPI_MILLI=1500      # CPI x 1000
CLOCK_MHZ=160

. "$SOURCE_DIR/perf/support/board_jobs.sh"

FW_BUILD=$BUILD_DIR/board-perf
ink_board_build "$SOURCE_DIR" "$FW_BUILD"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-board-perf.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/sd/img" "$WORK/sd/out"
cp "$CORPUS"/pngsuite/[bfgpst]*.png "$WORK/sd/img/" 2>/dev/null || true
python3 - "$CORPUS/epub" "$WORK/sd/img" <<'EOF'
import os, sys, zipfile
books, out = sys.argv[1], sys.argv[2]
for book in sorted(os.listdir(books)):
    if not book.endswith('.epub'):
        continue
    try:
        archive = zipfile.ZipFile(os.path.join(books, book))
    except zipfile.BadZipFile:
        continue
    for entry in archive.infolist():
        if entry.filename.lower().endswith(('.jpg', '.jpeg', '.png')) and entry.file_size <= 4000000:
            stem = book[:-5] + '--' + os.path.basename(entry.filename)
            safe = ''.join(c if c.isalnum() or c in '.-_' else '_' for c in stem)
            with open(os.path.join(out, safe), 'wb') as f:
                f.write(archive.read(entry))
EOF
n=0
for image in "$WORK"/sd/img/*; do
    echo "convert img/$(basename "$image") out/$n.bmp" >>"$WORK/sd/jobs.txt"
    n=$((n + 1))
done
# The books: the in-arena inflate over every deflated entry, and each book's cover thumbnail
# through the cache on the flash stand-in (EPUB layer, zip reader, inflate to a temporary file).
mkdir -p "$WORK/sd/books" "$WORK/flash" "$WORK/sd/thumbs"
for book in "$CORPUS"/epub/*.epub; do
    cp "$book" "$WORK/sd/books/"
    echo "inflate books/$(basename "$book")" >>"$WORK/sd/jobs.txt"
    echo "thumb books/$(basename "$book") thumbs/$(basename "$book" .epub).bmp" >>"$WORK/sd/jobs.txt"
done
(cd "$WORK" && timeout 3000 qemu-system-riscv32 -machine virt -nographic -bios none \
    -icount shift=0 -semihosting-config enable=on,target=native \
    -kernel "$FW_BUILD/xteink-x4.elf" -append "sd=sd flash=flash jobs=jobs.txt" >"$WORK/run.log" 2>&1) || true

TSV=$BUILD_DIR/board_report.tsv
grep '^result convert' "$WORK/run.log" | awk -v cpi="$CPI_MILLI" -v mhz="$CLOCK_MHZ" '
function field(name,   i, kv) {
    for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2)
    return ""
}
BEGIN {
    OFS = "\t"
    print "image", "status", "source", "bmp", "scale", "instructions", "instr_per_px",
          "ms_cpi1", "ms_cpi" cpi / 1000, "stack_bytes"
}
{
    image = field("in"); sub(/^img\//, "", image)
    status = field("status"); w = field("width"); h = field("height")
    instret = field("instret"); stack = field("stack")
    if (status != "ok") { print image, status, "-", "-", "-", "-", "-", "-", "-", stack; next }
    px = w * h
    print image, status, w "x" h, field("bmp"), field("scale"), instret,
          sprintf("%.1f", instret / px), sprintf("%.2f", instret / (mhz * 1000)),
          sprintf("%.2f", instret * cpi / 1000 / (mhz * 1000)), stack
}' >"$TSV"

column -t -s $'\t' "$TSV"
echo
awk -F'\t' 'NR > 1 && $2 == "ok" { n++; px += 0; split($3, d, "x"); pix += d[1] * d[2];
        ins += $6; if ($10 > stack) stack = $10; if ($7 > worst) { worst = $7; wi = $1 } }
    NR > 1 && $2 != "ok" { failed[$2]++ }
    END {
        printf "converted: %d images, %.0f source pixels, %.0f instructions: %.1f per source pixel overall\n", n, pix, ins, (pix ? ins / pix : 0)
        printf "most per pixel: %s (%.1f)\n", wi, worst
        printf "largest job stack high-water: %d bytes of 8192\n", stack
        for (s in failed) printf "not converted (%s): %d\n", s, failed[s]
    }' "$TSV"

# Inflate: instructions in ink_inflate_run only, per output byte, by kind of entry.
INFLATE_TSV=$BUILD_DIR/board_inflate.tsv
grep '^result inflate-entry .* status=ok ' "$WORK/run.log" | awk '
function field(name,   i) {
    for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2)
    return ""
}
BEGIN { OFS = "\t"; print "entry", "bytes", "compressed", "instructions", "instr_per_byte" }
{
    bytes = field("bytes"); ins = field("instret")
    print field("entry"), bytes, field("compressed"), ins, sprintf("%.2f", bytes ? ins / bytes : 0)
}' >"$INFLATE_TSV"
echo
awk -F'\t' 'NR > 1 {
        kind = tolower($1) ~ /\.(jpe?g|png|gif)$/ ? "images" : "text and other"
        b[kind] += $2; i[kind] += $4; n[kind]++; B += $2; I += $4; N++
    }
    END {
        printf "inflate (in-arena, RV32, ink_inflate_run only): %d deflated entries, %.0f bytes out: %.2f instructions per output byte\n", N, B, B ? I / B : 0
        for (k in b) printf "  %s: %d entries, %.0f bytes: %.2f per byte\n", k, n[k], b[k], i[k] / b[k]
    }' "$INFLATE_TSV"
grep '^result inflate .* status=[^o]' "$WORK/run.log" || true
awk '/^result thumb / { n++; for (i = 1; i <= NF; i++) { if ($i ~ /^stack=/) { s = substr($i, 7); if (s > m) m = s }
        if ($i ~ /^instret=/) t += substr($i, 9); if ($i ~ /^status=ok/) ok++ } }
    END { printf "thumbnails: %d of %d books, %.0f instructions in all, largest job stack %d bytes\n", ok, n, t, m }' "$WORK/run.log"
grep '^stack: high-water' "$WORK/run.log" || true
echo "tables: $TSV $INFLATE_TSV"
