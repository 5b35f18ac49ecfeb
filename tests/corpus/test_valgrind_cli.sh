#!/usr/bin/env bash
# Memcheck over the CLI on a corpus sample: every run must be free of invalid reads/writes,
# uninitialised-value use and leaks of any kind (definite, indirect, possible, reachable), on
# success paths and on error paths (truncated and corrupt inputs, a full disk, usage errors).
# Commands: convert and decode (--codec system and arena, JPEG and PNG), thumb (miss, hit,
# --show), layout (hyphenation, a saved trie), epub (--jobs 1 and 2, both codecs, a hostile
# book), arena. About 40 runs, a minute or two.
# Env: INKPIPE, INK_SHARED_DIR, INK_BUILD_DIR. Skips in a sanitizer build (ASan and valgrind do
# not mix; LeakSanitizer covers that build) and without valgrind.
set -uo pipefail
inkpipe=${INKPIPE:?INKPIPE is not set}
shared=${INK_SHARED_DIR:-}
if ! command -v valgrind >/dev/null; then
  echo "SKIP: valgrind is not installed"
  exit 77
fi
if grep -qE '^INK_(SANITIZE|FUZZ):BOOL=ON' "${INK_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build (valgrind cannot run ASan binaries)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=0
failures=0

# vg EXPECTED_EXIT ARGS...: one inkpipe run under memcheck; valgrind's own errors exit 99.
# EXPECTED_EXIT "0|1": either (libjpeg accepts some corrupt data with a warning).
vg() {
  local expected=$1
  shift
  runs=$((runs + 1))
  local log=$work/vg.log
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all --track-origins=yes --log-file="$log" \
    "$inkpipe" "$@" >"$work/out.txt" 2>"$work/err.txt"
  local code=$?
  if [ "$code" -eq 99 ] || [ -s "$log" ]; then
    echo "FAIL (memcheck): inkpipe $*"
    head -60 "$log"
    failures=$((failures + 1))
  elif ! [[ "$code" =~ ^($expected)$ ]]; then
    echo "FAIL (exit $code, expected $expected): inkpipe $*"
    head -5 "$work/err.txt"
    failures=$((failures + 1))
  fi
}

# Inputs: PngSuite and EPUB JPEGs from the corpus when present, else made with ImageMagick.
mkdir -p "$work/in"
pngs=() jpegs=()
if [ -d "$shared/corpus/pngsuite" ]; then
  for name in basn0g01 basn2c08 basn3p04 basi6a08 basn4a16; do
    pngs+=("$shared/corpus/pngsuite/$name.png")
  done
else
  convert -size 120x90 gradient:white-black "$work/in/gradient.png"
  convert -size 120x90 plasma:fractal -interlace PNG "$work/in/plasma.png"
  pngs+=("$work/in/gradient.png" "$work/in/plasma.png")
fi
book=""
if [ -f "$shared/corpus/epub/haruko-jpeg.epub" ]; then
  book=$shared/corpus/epub/haruko-jpeg.epub
  for entry in OPS/images/01.jpg OPS/images/07.jpg; do
    unzip -p "$book" "$entry" >"$work/in/$(basename "$entry")"
    jpegs+=("$work/in/$(basename "$entry")")
  done
fi
convert -size 333x222 plasma:fractal -sampling-factor 2x2 -quality 85 "$work/in/plasma.jpg"
convert -size 100x77 gradient:white-black -colorspace Gray "$work/in/gray.jpg"
jpegs+=("$work/in/plasma.jpg" "$work/in/gray.jpg")
# Broken inputs: error paths must free what they allocated.
head -c 3000 "${jpegs[0]}" >"$work/in/truncated.jpg"
png_nbytes=$(stat -c %s "${pngs[${#pngs[@]}-1]}")
head -c $((png_nbytes / 2)) "${pngs[${#pngs[@]}-1]}" >"$work/in/truncated.png"
/usr/bin/python3 - "$work/in/plasma.jpg" "$work/in/flipped.jpg" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for i in range(700, len(data) - 2, 97):
    data[i] ^= 0x5A
open(sys.argv[2], "wb").write(data)
PY

for codec in system arena; do
  for image in "${pngs[@]}" "${jpegs[@]}"; do
    vg 0 convert "$image" -o "$work/out.bmp" --codec "$codec"
  done
  vg 0 convert "${jpegs[0]}" -o "$work/out.bmp" --codec "$codec" --size 800x480 --fit cover \
    --dither floyd-steinberg
  vg 0 decode "${jpegs[0]}" -o "$work/out.pgm" --codec "$codec" --scale 2
  vg 0 decode "${pngs[1]}" -o "$work/out.pgm" --codec "$codec"
  vg 1 convert "$work/in/truncated.jpg" -o "$work/out.bmp" --codec "$codec"
  vg 1 convert "$work/in/truncated.png" -o "$work/out.bmp" --codec "$codec"
  vg "0|1" convert "$work/in/flipped.jpg" -o "$work/out.bmp" --codec "$codec"
done
vg 1 convert "$work/in/missing.jpg" -o "$work/out.bmp"
vg 2 convert "${jpegs[0]}"
vg 1 convert "${jpegs[0]}" -o "$work/no/such/folder/out.bmp"

# thumb: a miss, a hit, the file shown as a BMP.
vg 0 thumb "${jpegs[0]}" --cache "$work/cache"
vg 0 thumb "${jpegs[0]}" --cache "$work/cache"
thb=$(find "$work/cache" -name '*.thb' | head -1)
[ -n "$thb" ] && vg 0 thumb --show "$thb" -o "$work/thumb.bmp"

# layout: hyphenated paragraphs, a saved trie and the trie loaded back.
text="Hyphenation of extraordinarily long words, notwithstanding typographical conventions.

A second paragraph, justified."
if [ -f /usr/share/hyphen/hyph_en_US.dic ]; then
  vg 0 layout --width 24 --hyphenate /usr/share/hyphen/hyph_en_US.dic --save-trie \
    "$work/en.trie" --justify "$text"
  vg 0 layout --width 30 --hyphenate "$work/en.trie" --quiet "$text"
fi
vg 0 layout --width 20 --greedy "$text"
vg 0 arena

# epub: both codecs, one and two workers, and a book whose image entry lies about its size.
if [ -n "$book" ]; then
  vg 0 epub "$shared/corpus/epub/childrens-literature.epub" -o "$work/epub1" --jobs 2
  vg 0 epub "$shared/corpus/epub/trees.epub" -o "$work/epub2" --codec arena --jobs 1
  vg 0 epub "$book" -o "$work/epub3" --codec arena --jobs 2
fi
/usr/bin/python3 - "$work/lie.epub" <<'PY'
import struct, sys, zipfile
path = sys.argv[1]
opf = (b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
       b'<metadata/><manifest><item id="a" href="a.jpg" media-type="image/jpeg"/>'
       b'<item id="b" href="../../b.jpg" media-type="image/jpeg"/></manifest><spine/></package>')
with zipfile.ZipFile(path, "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
    z.writestr("META-INF/container.xml", b'<container><rootfiles><rootfile full-path="OEBPS/'
               b'content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
               b'</container>')
    z.writestr("OEBPS/content.opf", opf)
    z.writestr("OEBPS/a.jpg", b"\xff\xd8" + b"\0" * 100000, zipfile.ZIP_DEFLATED)
data = bytearray(open(path, "rb").read())
for sig, name_len_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
    i = data.find(sig)
    while i >= 0:
        n = struct.unpack("<H", data[i + name_len_at:i + name_len_at + 2])[0]
        if data[i + name_at:i + name_at + n] == b"OEBPS/a.jpg":
            data[i + size_at:i + size_at + 4] = struct.pack("<I", 1000)
        i = data.find(sig, i + 4)
open(path, "wb").write(bytes(data))
PY
for codec in system arena; do
  vg 1 epub "$work/lie.epub" -o "$work/epub-lie-$codec" --codec "$codec" --jobs 2
done
head -c 5000 "${book:-$work/lie.epub}" >"$work/truncated.epub"
vg 1 epub "$work/truncated.epub" -o "$work/epub-truncated"

echo "valgrind memcheck: $runs inkpipe runs, $failures with errors"
[ "$failures" -eq 0 ]
