"""Every JPEG and PNG inside the books of the shared corpus converts to a valid 1-bit BMP no
larger than the box, whose aspect ratio matches the source within one pixel.

The images are found by their magic bytes in every zip entry (not by name), their size is read
by Pillow (independently of inkpipe), and the BMPs are opened with Pillow. Runs the codec named
by INK_CODEC (default: system). Exits 77 (skipped) without the shared corpus."""
import io
import os
import subprocess
import sys
import tempfile
import zipfile

from PIL import Image

INKPIPE = os.environ["INKPIPE"]
SHARED = os.environ.get("INK_SHARED_DIR", "")
CODEC = os.environ.get("INK_CODEC", "system")
BOX = (480, 800)

books_dir = os.path.join(SHARED, "corpus", "epub")
if not os.path.isdir(books_dir):
    print("skipped: no shared corpus at", books_dir)
    sys.exit(77)


def kind(data):
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def aspect_ok(src_w, src_h, out_w, out_h):
    """The output's aspect matches the source's within one pixel in the bound direction."""
    return (abs(out_h - out_w * src_h / src_w) <= 1.0 or abs(out_w - out_h * src_w / src_h) <= 1.0)


failures = []
count = 0
with tempfile.TemporaryDirectory() as work:
    for book in sorted(os.listdir(books_dir)):
        if not book.endswith(".epub"):
            continue
        with zipfile.ZipFile(os.path.join(books_dir, book)) as archive:
            for entry in archive.infolist():
                data = archive.read(entry)
                ext = kind(data)
                if not ext:
                    continue
                count += 1
                source = os.path.join(work, f"in{count}.{ext}")
                output = os.path.join(work, f"out{count}.bmp")
                with open(source, "wb") as f:
                    f.write(data)
                with Image.open(io.BytesIO(data)) as im:
                    src_w, src_h = im.size
                run = subprocess.run([INKPIPE, "convert", source, "-o", output, "--codec", CODEC],
                                     capture_output=True, text=True)
                name = f"{book}:{entry.filename}"
                if run.returncode != 0:
                    failures.append(f"{name}: exit {run.returncode}: {run.stderr.strip()}")
                    continue
                with Image.open(output) as bmp:
                    bmp.load()
                    out_w, out_h = bmp.size
                    if bmp.format != "BMP" or bmp.mode != "1":
                        failures.append(f"{name}: {bmp.format} mode {bmp.mode}, not a 1-bit BMP")
                if out_w > BOX[0] or out_h > BOX[1]:
                    failures.append(f"{name}: {out_w}x{out_h} exceeds {BOX[0]}x{BOX[1]}")
                if not aspect_ok(src_w, src_h, out_w, out_h):
                    failures.append(f"{name}: {src_w}x{src_h} -> {out_w}x{out_h} changes the aspect")
                if src_w <= BOX[0] and src_h <= BOX[1] and (out_w, out_h) != (src_w, src_h):
                    failures.append(f"{name}: {src_w}x{src_h} fits but became {out_w}x{out_h}")
                os.remove(source)
                os.remove(output)

for failure in failures:
    print("FAIL", failure)
print(f"{count - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures or count == 0 else 0)
