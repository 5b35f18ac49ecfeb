#!/usr/bin/env bash
# `inkpipe epub --sheet` writes one HTML page with every converted image beside its output:
# for a book, as many source images (embedded as they are) and output PNGs as the report says
# were converted, and the embedded outputs decode (Pillow) to the BMPs' pixels.
set -u
book="$INK_SHARED_DIR/corpus/epub/cole-voyage-of-life.epub"
[ -f "$book" ] || { echo "skipped: no shared corpus"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$INKPIPE" epub "$book" -o "$work/out" --sheet >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
/usr/bin/python3 - "$work/out" <<'PY'
import base64, io, json, re, sys
from PIL import Image
out = sys.argv[1]
html = open(f"{out}/sheet.html", encoding="utf-8").read()
converted = [json.loads(l) for l in open(f"{out}/report.jsonl")]
converted = [l for l in converted if l["status"] == "converted"]
outputs = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
sources = re.findall(r'src="data:image/(?:jpeg|png);base64,', html)
assert len(outputs) == len(converted), (len(outputs), len(converted))
assert len(sources) == 2 * len(converted), (len(sources), len(converted))
shown = sorted(Image.open(io.BytesIO(base64.b64decode(b))).convert("L").tobytes() for b in outputs)
bmps = sorted(Image.open(f"{out}/{l['output']}").convert("L").tobytes() for l in converted)
assert shown == bmps, "the sheet's outputs are not the BMPs"
print(f"{len(converted)} rows")
PY
if [ $? -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
