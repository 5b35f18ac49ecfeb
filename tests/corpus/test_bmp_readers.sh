#!/usr/bin/env bash
# inkpipe's BMPs open in Pillow and ImageMagick with the intended pixels. A bilevel pattern
# (checkerboard, lines, a text-like glyph) is drawn with Pillow at odd widths, converted with
# --dither threshold at its own size (no scaling), and both readers must return exactly the
# pattern, row order and palette included.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PY=/usr/bin/python3
failed=0 passed=0
for size in 1x1 7x3 33x17 100x60 479x799; do
    w=${size%x*} h=${size#*x}
    $PY - "$w" "$h" "$work/pattern.png" <<'PYEOF'
import sys
from PIL import Image, ImageDraw
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
im = Image.new("L", (w, h), 255)
px = im.load()
for y in range(h):
    for x in range(w):
        if (x // 3 + y // 2) % 2 == 0 or x == y:
            px[x, y] = 0
ImageDraw.Draw(im).text((1, 1), "Ink", fill=0)
im.save(path)
PYEOF
    if ! "$INKPIPE" convert "$work/pattern.png" -o "$work/out.bmp" --dither threshold; then
        failed=$((failed + 1)); echo "FAIL convert $size"; continue
    fi
    convert "$work/out.bmp" -depth 8 gray:"$work/magick.gray"
    if $PY - "$work/pattern.png" "$work/out.bmp" "$work/magick.gray" <<'PYEOF'
import sys
from PIL import Image
pattern = Image.open(sys.argv[1]).convert("L")
bmp = Image.open(sys.argv[2])
assert bmp.format == "BMP" and bmp.mode == "1", (bmp.format, bmp.mode)
assert bmp.size == pattern.size, (bmp.size, pattern.size)
want = bytes(0 if v < 128 else 255 for v in pattern.tobytes())
assert bmp.convert("L").tobytes() == want, "Pillow reads other pixels"
magick = open(sys.argv[3], "rb").read()
assert magick == want, "ImageMagick reads other pixels"
PYEOF
    then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL readers $size"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
