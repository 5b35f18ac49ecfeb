#!/usr/bin/python3
"""Image quality of inkpipe's 1-bit output against ImageMagick's and GraphicsMagick's
Floyd–Steinberg, over every JPEG and PNG inside the corpus books.

For each image (deduplicated by content):
  - inkpipe converts the original file with each setting below (box 480x800, contain);
  - the peers get the same picture at the same output size as an 8-bit gray PNG (Pillow: RGBA
    composited over white, "L" = BT.601 weights, area-average (BOX) resize of the encoded
    values, as inkpipe's scaler does) and dither it with
        convert IN -dither FloydSteinberg -monochrome OUT
        gm convert IN -dither -monochrome OUT
  - the reference S is the source in linear light (sRGB decode of the gray) area-averaged to
    the output size;
  - viewing distance is a Gaussian blur of sigma = 2 px (the X4 at ~220 ppi), applied to the
    reference and to the display;
  - the display model: a pixel of reflectance R (0 or 1 for 1-bit; the palette gray's linear
    light for 2-bit) looks, after the blur, like blur(R^(1/n))^n (Yule–Nielsen; n = 1 an ideal
    display, n = 2 ink that spreads, as e-paper);
  - figures: mean brightness error = |mean(display) - mean(blurred S)|, RMSE between them, both
    in linear light (0..1), for n = 1 and n = 2.
The table gives the median over images. A second table measures clipping by the tone controls:
the fraction of pixels that are not black (white) in the display-size source but reach the
ditherer as pure black (white), i.e. domain value 0 (4095) at the default dot gain n = 2 (the
float formulas of dither/tone.h; auto levels takes the black and white points inkpipe reports
with -v). Such pixels can never get a dot of the other colour: that is what crushing means here.

usage: perf/quality_report.py INKPIPE CORPUS_DIR OUT_DIR [--limit N]
Writes OUT_DIR/quality_report.md and OUT_DIR/quality_report.csv.
"""
import csv
import hashlib
import io
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np
from PIL import Image

BOX = (480, 800)
SIGMA = 2.0

# name -> inkpipe arguments (None = a peer)
SETTINGS = [
    ("inkpipe default", []),
    ("atkinson encoded", ["--dither", "atkinson", "--encoded"]),
    ("atkinson linear (n=1)", ["--dither", "atkinson", "--linear"]),
    ("atkinson dot-gain 2", ["--dither", "atkinson", "--dot-gain", "2"]),
    ("floyd-steinberg encoded", ["--dither", "floyd-steinberg", "--encoded"]),
    ("floyd-steinberg linear (n=1)", ["--dither", "floyd-steinberg", "--linear"]),
    ("floyd-steinberg dot-gain 2", ["--dither", "floyd-steinberg", "--dot-gain", "2"]),
    ("ordered dot-gain 2", ["--dither", "ordered", "--dot-gain", "2"]),
    ("ordered linear (n=1)", ["--dither", "ordered", "--linear"]),
    ("threshold", ["--dither", "threshold"]),
    ("inkpipe default, 2-bit", ["--bits", "2"]),
    ("ImageMagick FS", None),
    ("GraphicsMagick FS", None),
]
TONE_SETTINGS = [
    ("--contrast 50", {"contrast": 50}),
    ("--contrast 100", {"contrast": 100}),
    ("--contrast -50", {"contrast": -50}),
    ("--brightness 50", {"brightness": 50}),
    ("--brightness -50", {"brightness": -50}),
    ("--brightness 100", {"brightness": 100}),
    ("--brightness -100", {"brightness": -100}),
    ("--gamma 0.5", {"gamma": 0.5}),
    ("--gamma 2", {"gamma": 2.0}),
    ("--gamma 4", {"gamma": 4.0}),
    ("--auto-levels", {"auto": True}),
]


def srgb_decode(v):
    v = np.asarray(v, dtype=np.float64) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def gaussian_blur(a, sigma=SIGMA):
    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-x * x / (2 * sigma * sigma))
    kernel /= kernel.sum()
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius, radius)
        padded = np.pad(a, pad, mode="reflect" if a.shape[axis] > radius else "edge")
        out = np.zeros_like(a)
        for i, k in enumerate(kernel):
            out += k * (padded[i:i + a.shape[0], :] if axis == 0 else padded[:, i:i + a.shape[1]])
        a = out
    return a


def source_gray(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, im)
    return im.convert("L")


def tone_curve(g, contrast=0, brightness=0, gamma=1.0, black=0, white=255):
    """dither/tone.h's curve in floating point."""
    v = np.clip((g.astype(np.float64) - black) / (white - black), 0.0, 1.0)
    v = v ** (1.0 / gamma)
    b = 0.75 * brightness / 100.0
    v = v + b * v * (1 - v)
    c = 0.75 * contrast / 100.0
    v = v + c * v * (1 - v) * (2 * v - 1)
    return np.clip(v, 0.0, 1.0)


def domain(v, n=2.0):
    """The ditherer's 12-bit domain value of the continuous tone output v (tone.h)."""
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return np.floor(4095 * linear ** (1.0 / n) + 0.5)


def clipped_fraction(gray, toned):
    """Pixels that were not black (white) but reach the ditherer as pure black (white)."""
    d = domain(toned)
    black = np.mean((gray > 0) & (d == 0))
    white = np.mean((gray < 255) & (d == 4095))
    return black + white


def display(reflectance, n):
    return gaussian_blur(reflectance ** (1.0 / n)) ** n


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def measure(job):
    inkpipe, key, name, data, work = job
    ext = "jpg" if data[:3] == b"\xff\xd8\xff" else "png"
    base = os.path.join(work, key)
    src = f"{base}.{ext}"
    with open(src, "wb") as f:
        f.write(data)
    rows = []
    try:
        gray_full = source_gray(data)
        # inkpipe's default decides the output size; the peers and the reference use it
        first = f"{base}.default.bmp"
        verbose = run([inkpipe, "convert", src, "-o", first, "-v"])
        with Image.open(first) as bmp:
            size = bmp.size
        bilevel = "bilevel" in verbose
        gray = gray_full.resize(size, Image.BOX) if size != gray_full.size else gray_full
        g8 = np.asarray(gray, dtype=np.float64)
        linear_full = Image.fromarray(srgb_decode(np.asarray(gray_full)).astype(np.float32), "F")
        reference = np.asarray(linear_full.resize(size, Image.BOX) if size != gray_full.size
                               else linear_full, dtype=np.float64)
        reference_blurred = gaussian_blur(reference)
        peer_in = f"{base}.gray.png"
        gray.save(peer_in)
        for label, args in SETTINGS:
            out = f"{base}.out.png" if args is None else f"{base}.out.bmp"
            if label == "inkpipe default":
                out = first
            elif label == "ImageMagick FS":
                run(["convert", peer_in, "-dither", "FloydSteinberg", "-monochrome", out])
            elif label == "GraphicsMagick FS":
                run(["gm", "convert", peer_in, "-dither", "-monochrome", out])
            else:
                run([inkpipe, "convert", src, "-o", out] + args)
            with Image.open(out) as im:
                assert im.size == size, (label, im.size, size)
                levels = np.asarray(im.convert("L"), dtype=np.float64)
            if "2-bit" not in label:
                levels = np.where(levels >= 128, 255.0, 0.0)
            reflectance = srgb_decode(levels)
            row = {"image": name, "setting": label, "width": size[0], "height": size[1],
                   "bilevel": int(bilevel)}
            for n in (1, 2):
                shown = display(reflectance, n)
                row[f"mean_error_n{n}"] = abs(shown.mean() - reference_blurred.mean())
                row[f"signed_error_n{n}"] = shown.mean() - reference_blurred.mean()
                row[f"rmse_n{n}"] = float(np.sqrt(np.mean((shown - reference_blurred) ** 2)))
            rows.append(row)
        # clipping by the tone controls, on the display-size gray
        clip = {"image": name}
        for label, params in TONE_SETTINGS:
            if params.get("auto"):
                out = f"{base}.auto.bmp"
                text = run([inkpipe, "convert", src, "-o", out, "-v", "--auto-levels"])
                m = re.search(r"levels (\d+):(\d+)", text)
                black, white = int(m.group(1)), int(m.group(2))
                toned = tone_curve(g8, black=black, white=white)
            else:
                toned = tone_curve(g8, **params)
            clip[label] = clipped_fraction(g8, toned)
        return rows, clip, None
    except Exception as error:  # report and go on: one bad image must not stop the report
        return [], None, f"{name}: {error}"
    finally:
        for f in os.listdir(work):
            if f.startswith(key + "."):
                os.remove(os.path.join(work, f))


def corpus_images(corpus, limit):
    seen = set()
    for book in sorted(os.listdir(corpus)):
        if not book.endswith(".epub"):
            continue
        with zipfile.ZipFile(os.path.join(corpus, book)) as archive:
            for entry in archive.infolist():
                data = archive.read(entry)
                if data[:3] != b"\xff\xd8\xff" and data[:8] != b"\x89PNG\r\n\x1a\n":
                    continue
                digest = hashlib.sha1(data).hexdigest()[:16]
                if digest in seen:
                    continue
                seen.add(digest)
                yield digest, f"{book}:{entry.filename}", data
                if limit and len(seen) >= limit:
                    return


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    inkpipe, corpus, out_dir = sys.argv[1:4]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 0
    os.makedirs(out_dir, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory() as work:
        jobs = [(inkpipe, key, name, data, work) for key, name, data in
                corpus_images(corpus, limit)]
        with multiprocessing.Pool(2) as pool:
            results = pool.map(measure, jobs, chunksize=4)
    rows = [r for rs, _, _ in results for r in rs]
    clips = [c for _, c, _ in results if c]
    errors = [e for _, _, e in results if e]
    with open(os.path.join(out_dir, "quality_report.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)

    def table(subset_rows, title):
        lines = [f"### {title}", "",
                 "| setting | n=2 mean error | n=2 RMSE | n=2 signed | n=1 mean error | "
                 "n=1 RMSE | n=1 signed |", "|---|---|---|---|---|---|---|"]
        medians = {}
        for label, _ in SETTINGS:
            sel = [r for r in subset_rows if r["setting"] == label]
            if not sel:
                continue
            m = {k: float(np.median([r[k] for r in sel])) for k in
                 ("mean_error_n2", "rmse_n2", "signed_error_n2", "mean_error_n1", "rmse_n1",
                  "signed_error_n1")}
            medians[label] = m
            lines.append(f"| {label} | {m['mean_error_n2']:.4f} | {m['rmse_n2']:.4f} | "
                         f"{m['signed_error_n2']:+.4f} | {m['mean_error_n1']:.4f} | "
                         f"{m['rmse_n1']:.4f} | {m['signed_error_n1']:+.4f} |")
        return lines, medians

    images = sorted({r["image"] for r in rows})
    photo_images = {r["image"] for r in rows if r["setting"] == "inkpipe default" and
                    ".jp" in r["image"].lower()}
    md = ["# Quality report: inkpipe vs ImageMagick and GraphicsMagick (1-bit)", "",
          f"`{' '.join(['perf/quality_report.py'] + sys.argv[1:])}` — {len(images)} images "
          f"({len(photo_images)} JPEG), {time.time() - started:.0f} s. Figures are medians over "
          "the images, in linear light (0 = black, 1 = white); lower is better. "
          "Signed = display minus source (positive: too bright).", ""]
    lines, medians = table(rows, f"All {len(images)} images")
    md += lines + [""]
    lines, photo_medians = table([r for r in rows if r["image"] in photo_images],
                                 f"The {len(photo_images)} JPEGs (photographs, scans)")
    md += lines + [""]
    peers = ("ImageMagick FS", "GraphicsMagick FS")
    for title, med in (("all images", medians), ("JPEGs", photo_medians)):
        d = med["inkpipe default"]
        best_mean = min(med[p]["mean_error_n2"] for p in peers)
        best_rmse = min(med[p]["rmse_n2"] for p in peers)
        verdict = ("beats" if d["mean_error_n2"] < best_mean and d["rmse_n2"] < best_rmse
                   else "does NOT beat")
        md.append(f"- {title}, n = 2: the default {verdict} the better peer (mean error "
                  f"{d['mean_error_n2']:.4f} vs {best_mean:.4f}, RMSE {d['rmse_n2']:.4f} vs "
                  f"{best_rmse:.4f}).")
    md += ["", "### Clipping by the tone controls", "",
           "Fraction of the display-size pixels that were not pure black or white but reach the "
           "ditherer as pure black or white at n = 2 (median and worst image).", "", "| control | median | worst | images over 0.5% |",
           "|---|---|---|---|"]
    for label, _ in TONE_SETTINGS:
        values = [c[label] for c in clips]
        md.append(f"| {label} | {np.median(values):.4%} | {max(values):.4%} | "
                  f"{sum(v > 0.005 for v in values)} of {len(values)} |")
    if errors:
        md += ["", "### Images that could not be measured", ""] + [f"- {e}" for e in errors]
    with open(os.path.join(out_dir, "quality_report.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
