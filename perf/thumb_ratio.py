#!/usr/bin/env python3
"""thumb_ratio.py - the G4 compression ratio of cover thumbnails over the corpus.

First, for every EPUB of <shared>/corpus/epub, runs `inkpipe thumb BOOK.epub --cache DIR` (the
book's detected cover) with each dither method; then, for a wider sample, the same for the first
images inside each book. Reports what the cache stored: G4 or raw (G4 is kept only when smaller than
the 2,700 raw bytes) and the file size. For a cross-check, it also G4-compresses the cached
pixels with libtiff (PIL, compression='group4') and prints that strip size (the payload alone;
our column is the whole file, payload + 32-byte header). Our G4 stream and libtiff's follow the
same T.6 mode rules, so they should differ by the header only; for raw-stored thumbnails it
shows how much larger than raw G4 would have been.

usage: python3 perf/thumb_ratio.py [--inkpipe build/inkpipe] [--shared ../shared] [--limit N]
"""
import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile

RAW_FILE = 32 + 2700  # header + 120x180 packed


def libtiff_g4_bytes(bmp_path):
    try:
        from PIL import Image
    except ImportError:
        return None
    from PIL import ImageOps
    # PIL stores mode "1" as BlackIsZero, so a white pixel would become a fax "black" bit;
    # inverting first makes the fax bits the thumbnail's black pixels, as our encoder codes them.
    image = ImageOps.invert(Image.open(bmp_path).convert("L")).convert("1")
    out = io.BytesIO()
    image.save(out, format="TIFF", compression="group4")
    out.seek(0)
    tif = Image.open(out)
    counts = tif.tag_v2.get(279)  # StripByteCounts
    return sum(counts) if counts else None


def main():
    try:
        import PIL  # noqa: F401
    except ImportError:  # a pyenv python without Debian's python3-pil: use the system one
        if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--inkpipe", default="build/inkpipe")
    parser.add_argument("--shared", default=os.environ.get("INK_SHARED_DIR", "../shared"))
    parser.add_argument("--limit", type=int, default=3, help="images per book (0 = all)")
    args = parser.parse_args()
    epub_dir = os.path.join(args.shared, "corpus", "epub")
    if not os.path.isdir(epub_dir):
        print(f"no corpus at {epub_dir}")
        return 77
    methods = ["atkinson", "floyd-steinberg", "threshold"]
    print("Per book (the detected cover):")
    print(f"{'book':40} " + " ".join(f"{m[:10]:>16}" for m in methods))
    with tempfile.TemporaryDirectory() as work:
        for book in sorted(os.listdir(epub_dir)):
            if not book.endswith(".epub"):
                continue
            cells = []
            for m in methods:
                cache = os.path.join(work, "cache-" + m)
                subprocess.run(["rm", "-rf", cache])
                run = subprocess.run([args.inkpipe, "thumb", os.path.join(epub_dir, book),
                                      "--cache", cache, "--dither", m],
                                     capture_output=True, text=True)
                found = re.search(r"-> (\S+\.thb): (G4|raw) (\d+) bytes", run.stdout)
                if not found:
                    cells.append(f"{'no cover':>16}")
                    continue
                enc, size = found.group(2), int(found.group(3))
                cells.append(f"{enc:>4} {size:5d} {RAW_FILE / size:4.2f}x")
            print(f"{book[:-5][:40]:40} " + " ".join(cells))
    print()
    print("Per image (the first images of each book):")
    totals = {m: [0, 0, 0] for m in methods}  # files, stored bytes, g4-stored count
    print(f"{'book / image':58} " + " ".join(f"{m[:10]:>16}" for m in methods) + f" {'libtiff G4':>11}")
    with tempfile.TemporaryDirectory() as work:
        for book in sorted(os.listdir(epub_dir)):
            if not book.endswith(".epub"):
                continue
            with zipfile.ZipFile(os.path.join(epub_dir, book)) as z:
                names = [n for n in z.namelist() if re.search(r"\.(jpe?g|png)$", n, re.I)]
                if args.limit:
                    names = names[: args.limit]
                if not names:
                    print(f"{book:58} (no JPEG/PNG images)")
                for name in names:
                    image = os.path.join(work, "img" + os.path.splitext(name)[1].lower())
                    with open(image, "wb") as f:
                        f.write(z.read(name))
                    cells, g4_check = [], ""
                    for m in methods:
                        cache = os.path.join(work, "cache-" + m)
                        subprocess.run(["rm", "-rf", cache])
                        run = subprocess.run([args.inkpipe, "thumb", image, "--cache", cache,
                                              "--dither", m], capture_output=True, text=True)
                        found = re.search(r"-> (\S+\.thb): (G4|raw) (\d+) bytes", run.stdout)
                        if run.returncode != 0 or not found:
                            cells.append(f"{'error':>16}")
                            continue
                        enc, size = found.group(2), int(found.group(3))
                        totals[m][0] += 1
                        totals[m][1] += size
                        totals[m][2] += enc == "G4"
                        cells.append(f"{enc:>4} {size:5d} {RAW_FILE / size:4.2f}x")
                        if m == "atkinson":
                            bmp = os.path.join(work, "shown.bmp")
                            subprocess.run([args.inkpipe, "thumb", "--show", found.group(1),
                                            "-o", bmp], capture_output=True)
                            g4 = libtiff_g4_bytes(bmp)
                            g4_check = f"{g4:>11}" if g4 is not None else ""
                    label = f"{book[:-5]}/{os.path.basename(name)}"[:58]
                    print(f"{label:58} " + " ".join(cells) + " " + g4_check)
    print()
    for m in methods:
        files, stored, g4 = totals[m]
        if files:
            print(f"{m:16} {files} thumbnails, {g4} stored as G4, {files - g4} raw; "
                  f"mean file {stored / files:.0f} bytes, ratio {RAW_FILE * files / stored:.2f}x vs raw")
    return 0


if __name__ == "__main__":
    sys.exit(main())
