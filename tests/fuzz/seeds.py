#!/usr/bin/python3
"""Seed files for one libFuzzer target, made from the shared corpus (tests/fuzz/run.sh).

usage: seeds.py TARGET OUT_DIR CORPUS_DIR       (env INKPIPE: a built CLI, for .thb seeds)

Every seed is at most 200,000 bytes (libFuzzer's -max_len follows the largest seed, and big
inputs slow every execution down). Targets without the corpus still get the seeds that need
only Debian tools (small JPEGs from PIL, hyphenation patterns, G4 streams).
"""
import glob
import io
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

target, out, corpus = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
MAX_SEED = 200_000


def put(name, data):
    if 0 < len(data) <= MAX_SEED:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


books = sorted(glob.glob(os.path.join(corpus, "epub", "*.epub")))


def entries():
    for book in books:
        try:
            with zipfile.ZipFile(book) as z:
                for info in z.infolist():
                    yield os.path.basename(book), info, z.read(info)
        except (zipfile.BadZipFile, OSError):
            continue


def pil():
    try:
        from PIL import Image
        return Image
    except ImportError:
        return None


def small_images(limit):
    """Gray PIL images from the corpus JPEGs/PNGs (and a synthetic one when there is none)."""
    Image = pil()
    images = []
    for _, info, data in entries():
        if len(images) >= limit:
            break
        if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            try:
                images.append(Image.open(io.BytesIO(data)).convert("L"))
            except Exception:
                pass
    if not images:
        images.append(Image.linear_gradient("L").resize((97, 61)))
    return images


n = 0
if "jpeg" in target:
    for _, info, data in entries():
        if data[:3] == b"\xff\xd8\xff" and n < 40:
            put(f"seed{n}.jpg", data)
            n += 1
    # Small synthetic JPEGs covering what the corpus may lack: every chroma subsampling, gray,
    # restart intervals, odd sizes, progressive (the corpus has none: below as well).
    Image = pil()
    if Image:
        base = small_images(1)[0].resize((37, 29)).convert("RGB")
        for i, (mode, kwargs) in enumerate([
                ("RGB", {"subsampling": 0}), ("RGB", {"subsampling": 1}),
                ("RGB", {"subsampling": 2}), ("L", {}), ("RGB", {"progressive": True}),
                ("RGB", {"quality": 5}), ("RGB", {"quality": 100, "optimize": True})]):
            buf = io.BytesIO()
            base.convert(mode).save(buf, "JPEG", **kwargs)
            put(f"synthetic{i}.jpg", buf.getvalue())
        with tempfile.TemporaryDirectory() as tmp:
            ppm = os.path.join(tmp, "in.ppm")
            base.save(ppm)
            # Progressive: libjpeg's script with restarts and with 4:2:2, and three of the tests'
            # scan scripts (tests/support/scans): MozJPEG-like with restarts, deep successive
            # approximation split at the board's mask words, gray with DC refined three times.
            jobs = [["-restart", "1"], ["-restart", "2B"], ["-grayscale", "-restart", "3"],
                    ["-arithmetic"], ["-progressive", "-restart", "2B"],
                    ["-progressive", "-sample", "2x1"]]
            scans = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support",
                                 "scans")
            for name in ["moz", "deep-split32", "gray-dc3"]:
                extra = (["-grayscale"] if name.startswith("gray")
                         else ["-sample", "1x1", "-restart", "3B"])
                jobs.append([*extra, "-scans", os.path.join(scans, name + ".txt")])
            for i, args in enumerate(jobs):
                try:
                    data = subprocess.run(["cjpeg", *args, ppm], capture_output=True,
                                          check=True).stdout
                    put(f"cjpeg{i}.jpg", data)
                except (OSError, subprocess.CalledProcessError):
                    pass
    # Progressive copies of a few corpus JPEGs small enough to fuzz fast (jpegtran, lossless).
    for i, (_, info, data) in enumerate(e for e in entries() if e[2][:3] == b"\xff\xd8\xff"
                                         and len(e[2]) < 30_000):
        if i >= 6:
            break
        args = ["-progressive"] + (["-restart", "1"] if i % 2 else [])
        try:
            put(f"jpegtran{i}.jpg", subprocess.run(["jpegtran", *args], input=data,
                                                   capture_output=True, check=True).stdout)
        except (OSError, subprocess.CalledProcessError):
            pass
elif "png" in target:
    for path in sorted(glob.glob(os.path.join(corpus, "pngsuite", "*.png"))):
        with open(path, "rb") as f:
            put(os.path.basename(path), f.read())
    for _, info, data in entries():
        if data[:8] == b"\x89PNG\r\n\x1a\n" and n < 20:
            put(f"epub{n}.png", data)
            n += 1
elif "zip" in target or "epub" in target:
    for book in books:
        with open(book, "rb") as f:
            put(os.path.basename(book), f.read())
    # Small archives: stored and deflated entries, a directory, an empty file, a comment.
    for i, method in enumerate([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
            z.writestr("META-INF/container.xml", "<container><rootfiles/></container>")
            z.writestr("dir/", "")
            z.writestr("empty", "")
            z.comment = b"seed"
        put(f"small{i}.zip", buf.getvalue())
    # Every corpus book again with each entry cut to its first 64 bytes: the same directories
    # (names, methods, counts) in archives of a few KB, so the fuzzer mutates real layouts at a
    # rate the whole books (up to 200 KB, every entry inflated per run) do not allow.
    for book in books:
        buf = io.BytesIO()
        try:
            with zipfile.ZipFile(book) as src, zipfile.ZipFile(buf, "w") as z:
                for info in src.infolist():
                    z.writestr(info, src.read(info)[:64])
        except (zipfile.BadZipFile, OSError):
            continue
        put("cut-" + os.path.basename(book), buf.getvalue())

    # Records the small archives above lack: data descriptors (written to a stream that cannot
    # seek back), Zip64 extra fields, a UTF-8 name (flag bit 11) and an extra field of its own.
    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        with z.open("OEBPS/content.opf", "w") as f:
            f.write(b"<package><manifest/></package>" * 3)
    put("descriptor.zip", bytes(stream.data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("big.txt", "w", force_zip64=True) as f:
            f.write(b"zip64 " * 100)
        info = zipfile.ZipInfo("caf\u00e9/\u00e9t\u00e9.xhtml")
        info.extra = struct.pack("<HH4s", 0xCAFE, 4, b"seed")
        z.writestr(info, "<html/>")
    put("zip64-utf8.zip", buf.getvalue())
elif "inflate" in target:
    for _, info, data in entries():
        if n < 60 and 0 < len(data) < 50_000:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            put(f"raw{n}.deflate", c.compress(data) + c.flush())
            n += 1
    # Stored blocks, fixed Huffman (level 1 on short text) and an empty stream.
    for level, text in [(0, b"stored block " * 40), (1, b"fixed"), (6, b"")]:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        put(f"level{level}.deflate", c.compress(text) + c.flush())
    # Literals with 2-4 bit codes, like PNG filter residuals (Z_RLE: runs as distance-1
    # matches), so that the decoding tables hold pairs of literals (decode/inflate.c).
    values = [0] * 12 + [1] * 5 + [255] * 5 + [2, 254, 3]
    rng, residuals = 7, bytearray()
    while len(residuals) < 8000:
        rng = (rng * 1103515245 + 12345) & 0x7FFFFFFF
        if rng % 41 == 0:
            residuals += residuals[-1:] * (3 + rng % 20)
        else:
            residuals.append(values[(rng >> 8) % len(values)])
    c = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    put("residuals.deflate", c.compress(bytes(residuals)) + c.flush())
elif "xml" in target or "opf" in target:
    for _, info, data in entries():
        if info.filename.endswith((".opf", ".xml", ".xhtml", ".svg", ".ncx")) and n < 80:
            put(f"doc{n}" + os.path.splitext(info.filename)[1], data)
            n += 1
elif "g4" in target:
    # The target's input: width - 1 (2 bytes, big-endian, modulo 2048), height - 1 (1 byte),
    # then a T.6 stream, here from PIL's libtiff Group 4 encoder.
    Image = pil()
    if Image:
        for i, image in enumerate(small_images(12)):
            for j, (w, h) in enumerate([(120, 180), (333, 97), (1, 5), (800, 40)]):
                bw = image.resize((w, h)).convert("1")
                buf = io.BytesIO()
                try:
                    bw.save(buf, "TIFF", compression="group4")
                except Exception:
                    continue
                tiff = Image.open(io.BytesIO(buf.getvalue()))
                offsets, counts = tiff.tag_v2.get(273), tiff.tag_v2.get(279)
                if not offsets or len(offsets) != 1:
                    continue
                stream = buf.getvalue()[offsets[0]:offsets[0] + counts[0]]
                put(f"g4_{i}_{j}", struct.pack(">HB", w - 1, h - 1) + stream)
elif "thumb" in target:
    inkpipe = os.environ.get("INKPIPE")
    Image = pil()
    if inkpipe and os.access(inkpipe, os.X_OK) and Image:
        with tempfile.TemporaryDirectory() as tmp:
            for i, image in enumerate(small_images(8)):
                src = os.path.join(tmp, f"img{i}.png")
                image.save(src)
                subprocess.run([inkpipe, "thumb", src, "--cache", os.path.join(tmp, "cache")],
                               capture_output=True)
            for path in sorted(glob.glob(os.path.join(tmp, "cache", "**", "*.thb"),
                                         recursive=True)):
                with open(path, "rb") as f:
                    put(f"thumb{n}.thb", f.read())
                n += 1
elif "hyphen" in target:
    for path in sorted(glob.glob("/usr/share/hyphen/hyph_*.dic")):
        if os.path.islink(path):
            continue
        with open(path, "rb") as f:
            text = f.read()
        put(os.path.basename(path), text)
        lines = text.split(b"\n")
        # Shorter pattern files: the charset line and the first/last few hundred patterns.
        put("head_" + os.path.basename(path), b"\n".join(lines[:300]))
        put("tail_" + os.path.basename(path), b"\n".join(lines[:1] + lines[-300:]))
        inkpipe = os.environ.get("INKPIPE")
        if inkpipe and os.access(inkpipe, os.X_OK):
            with tempfile.TemporaryDirectory() as tmp:
                for name, body in [("full", text), ("head", b"\n".join(lines[:300]))]:
                    dic, trie = os.path.join(tmp, name + ".dic"), os.path.join(tmp, name + ".trie")
                    with open(dic, "wb") as f:
                        f.write(body)
                    subprocess.run([inkpipe, "layout", "--hyphenate", dic, "--save-trie", trie,
                                    "--quiet", "x"], capture_output=True)
                    if os.path.exists(trie):
                        with open(trie, "rb") as f:
                            put(f"{name}.trie", f.read())
