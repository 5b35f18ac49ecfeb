#!/usr/bin/env python3
"""test_progressive_wide_cli.py — a progressive JPEG too wide for its band at the display-fit
scale still converts with --codec arena (the sharpest DCT scale whose band fits, enlarged by the
scaler: docs/JPEG.md, "Progressive"), close to what libjpeg-turbo's full decode gives, while
`inkpipe decode` at the scale that does not fit is refused naming one that does.

Since bands of one luma block row (session 5) no 4:2:0 photo falls back for a 480x800 display
(a photo too wide for 1/2, beyond 2,336 px, fits 480 at 1/4), so the display here is the widest
the scaler allows, 800x480. Fixture (made here): ImageMagick plasma 2560x1536 (israelsailing
pic65 is 2560 px wide), cjpeg -progressive 4:2:0 — fit 1/2 (1/4 would be 640 < 800), where its
band needs 35,840 bytes, more than PRIMARY's 32 KB; 1/4 fits.
The check: both 800x480 1-bit BMPs, averaged over 8x8 cells, differ by at most 0.08 on average
(a blank, garbage or shifted image differs by 0.3 or more).
Env: INKPIPE.
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image

INKPIPE = os.environ.get("INKPIPE")
if not INKPIPE or not os.access(INKPIPE, os.X_OK):
    print("INKPIPE not set")
    sys.exit(1)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def cells(path):
    image = Image.open(path).convert("L")
    if image.size != (800, 480):
        raise SystemExit(f"FAIL: {path} is {image.size}, expected (800, 480)")
    small = image.resize((100, 60), Image.BOX)
    return [v / 255.0 for v in small.getdata()]


with tempfile.TemporaryDirectory() as tmp:
    ppm, jpg = os.path.join(tmp, "wide.ppm"), os.path.join(tmp, "wide.jpg")
    made = run(["convert", "-size", "2560x1536", "-seed", "7", "plasma:red-navy", "-blur", "0x3",
                ppm])
    if made.returncode != 0:
        print("FAIL: ImageMagick:", made.stderr)
        sys.exit(1)
    with open(jpg, "wb") as out:
        if subprocess.run(["cjpeg", "-progressive", "-quality", "85", ppm], stdout=out).returncode:
            print("FAIL: cjpeg")
            sys.exit(1)
    outputs = {}
    for codec in ("system", "arena"):
        bmp = os.path.join(tmp, codec + ".bmp")
        result = run([INKPIPE, "convert", jpg, "-o", bmp, "--codec", codec, "--size", "800x480"])
        if result.returncode != 0:
            print(f"FAIL: convert --codec {codec}: exit {result.returncode}: {result.stderr}")
            sys.exit(1)
        outputs[codec] = cells(bmp)
    difference = sum(abs(a - b) for a, b in zip(outputs["system"], outputs["arena"]))
    difference /= len(outputs["system"])
    print(f"mean difference of 8x8-cell averages, arena vs system: {difference:.3f}")
    if difference > 0.08:
        print("FAIL: the arena conversion is not the image")
        sys.exit(1)
    refused = run([INKPIPE, "decode", jpg, "-o", os.path.join(tmp, "d.pgm"), "--scale", "2",
                   "--codec", "arena"])
    if refused.returncode != 1 or "scale 1/4 fits" not in refused.stderr:
        print(f"FAIL: decode --scale 2 should be refused naming 1/4: exit {refused.returncode}: "
              f"{refused.stderr}")
        sys.exit(1)
    print("ok: converted at the sharpest scale that fits; decode at 1/2 refused:",
          refused.stderr.strip())
