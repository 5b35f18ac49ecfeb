"""Output modes of issue 11, checked through the CLI with Pillow and ImageMagick as readers:

  - bilevel pass-through: 1-bit PNGs and two-colour palette PNGs (drawn here with Pillow, odd
    sizes, a random pattern with lines and text) come out pixel for pixel unchanged under every
    dither method, tone control and display model, and in 2-bit mode use only black and white;
    with both codec families;
  - 2-bit output: a four-gray image (0, 85, 170, 255) converts at its own size to a 4-bpp BMP
    with a four-entry palette that Pillow and ImageMagick both read back exactly;
  - --dither ordered and the tone flags produce valid BMPs of the right size; bad values are
    usage errors (exit 2).
Needs no corpus."""
import os
import random
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw

INKPIPE = os.environ["INKPIPE"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL", message)


def run(*args):
    return subprocess.run([INKPIPE, *args], capture_output=True, text=True)


def bilevel_pattern(w, h, seed):
    rng = random.Random(seed)
    im = Image.new("L", (w, h), 255)
    px = im.load()
    for y in range(h):
        for x in range(w):
            if rng.random() < 0.3 or (x + 2 * y) % 11 == 0:
                px[x, y] = 0
    ImageDraw.Draw(im).text((2, 2), "Ink 11", fill=0)
    return im


with tempfile.TemporaryDirectory() as work:
    # --- bilevel pass-through
    variants = [[], ["--dither", "atkinson"], ["--dither", "ordered"], ["--linear"],
                ["--contrast", "80", "--gamma", "0.5"], ["--brightness", "-60", "--auto-levels"],
                ["--levels", "100:140"], ["--encoded", "--dither", "threshold"]]
    for size in ((1, 1), (13, 7), (97, 61), (480, 300)):
        pattern = bilevel_pattern(*size, seed=size[0])
        want = pattern.tobytes()
        sources = {"1-bit": pattern.convert("1")}
        # two-colour palettes (1-bit indices, two PLTE entries), in both index orders
        for name, colours in (("palette black-first", (0, 255)), ("palette white-first", (255, 0))):
            pal = Image.new("P", size)
            pal.putpalette([colours[0]] * 3 + [colours[1]] * 3)
            pal.putdata([colours.index(v) for v in want])
            sources[name] = pal
        for kind, im in sources.items():
            src = os.path.join(work, "bilevel.png")
            if kind == "1-bit":
                im.save(src)
            else:
                im.save(src, bits=1)
            for codec in ("system", "arena"):
                for extra in variants:
                    out = os.path.join(work, "out.bmp")
                    r = run("convert", src, "-o", out, "--codec", codec, "-v", *extra)
                    label = f"{kind} {size} {codec} {' '.join(extra)}"
                    if r.returncode != 0:
                        check(False, f"{label}: exit {r.returncode}: {r.stderr.strip()}")
                        continue
                    check("passed through" in r.stdout, f"{label}: not reported as passed "
                          f"through: {r.stdout.strip()}")
                    with Image.open(out) as bmp:
                        got = bmp.convert("L").tobytes()
                    check(got == want, f"{label}: pixels changed "
                          f"({sum(a != b for a, b in zip(got, want))} of {len(want)})")
                out2 = os.path.join(work, "out2.bmp")
                r = run("convert", src, "-o", out2, "--codec", codec, "--bits", "2")
                check(r.returncode == 0, f"{kind} {size} {codec} --bits 2: {r.stderr.strip()}")
                if r.returncode == 0:
                    with Image.open(out2) as bmp:
                        check(bmp.convert("L").tobytes() == want,
                              f"{kind} {size} {codec} --bits 2: pixels changed")

    # --- 2-bit round trip through Pillow and ImageMagick
    for size in ((1, 1), (7, 3), (33, 17), (200, 120), (479, 799)):
        w, h = size
        rng = random.Random(w * h)
        grays = bytes(rng.choice((0, 85, 170, 255)) if (x // 4 + y // 3) % 3 else
                     (0, 85, 170, 255)[(x + y) % 4] for y in range(h) for x in range(w))
        src = os.path.join(work, "gray4.png")
        Image.frombytes("L", size, grays).save(src)
        for extra in ([], ["--encoded", "--dither", "threshold"], ["--linear"],
                      ["--dither", "ordered"], ["--dither", "atkinson"]):
            out = os.path.join(work, "gray4.bmp")
            r = run("convert", src, "-o", out, "--bits", "2", *extra)
            label = f"2-bit {size} {' '.join(extra)}"
            if r.returncode != 0:
                check(False, f"{label}: exit {r.returncode}: {r.stderr.strip()}")
                continue
            with Image.open(out) as bmp:
                check(bmp.format == "BMP" and bmp.mode == "P", f"{label}: {bmp.format} {bmp.mode}")
                check(bmp.size == size, f"{label}: size {bmp.size}")
                palette = bmp.getpalette()[:12]
                check(palette == [0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255],
                      f"{label}: palette {palette}")
                got = bmp.convert("L").tobytes()
            check(got == grays, f"{label}: Pillow reads other pixels "
                  f"({sum(a != b for a, b in zip(got, grays))} of {len(grays)})")
            magick = subprocess.run(["convert", out, "-depth", "8", "gray:-"],
                                    capture_output=True).stdout
            check(magick == grays, f"{label}: ImageMagick reads other pixels")

    # --- ordered dithering and tone flags on a photo-like gradient; usage errors
    grad = Image.linear_gradient("L").resize((300, 200))
    src = os.path.join(work, "grad.png")
    grad.save(src)
    for extra in (["--dither", "ordered"], ["--dither", "bayer"], ["--dither", "fs"],
                  ["--contrast", "40", "--brightness", "10", "--gamma", "1.2"],
                  ["--auto-levels"], ["--dot-gain", "2.5"], ["--bits", "2", "--dither", "ordered"]):
        out = os.path.join(work, "grad.bmp")
        r = run("convert", src, "-o", out, *extra)
        check(r.returncode == 0, f"gradient {' '.join(extra)}: {r.stderr.strip()}")
        if r.returncode == 0:
            with Image.open(out) as bmp:
                check(bmp.size == (300, 200), f"gradient {' '.join(extra)}: {bmp.size}")
    # the widest output (800, the memory plan's limit) in every mode: the ROW claim must fit
    wide_src = os.path.join(work, "wide.png")
    Image.linear_gradient("L").resize((400, 200)).save(wide_src)
    for extra in (["--bits", "2"], ["--bits", "2", "--auto-levels", "--contrast", "20"],
                  ["--dither", "atkinson", "--linear"], ["--dither", "ordered", "--bits", "2"]):
        out = os.path.join(work, "wide.bmp")
        r = run("convert", wide_src, "-o", out, "--size", "800x480", "--upscale", *extra)
        check(r.returncode == 0, f"800 wide {' '.join(extra)}: {r.stderr.strip()}")
        if r.returncode == 0:
            with Image.open(out) as bmp:
                check(bmp.size == (800, 400), f"800 wide: {bmp.size}")
    for bad in (["--bits", "3"], ["--contrast", "101"], ["--gamma", "0.25"], ["--dot-gain", "0.5"],
                ["--levels", "200:100"], ["--dither", "blue"], ["--brightness", "x"]):
        r = run("convert", src, "-o", os.path.join(work, "bad.bmp"), *bad)
        check(r.returncode == 2, f"{' '.join(bad)}: exit {r.returncode}, expected 2")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("all output-mode checks passed")
