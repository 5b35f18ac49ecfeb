"""The images and inflate streams a run measures, gathered from corpus folders.

A corpus folder may hold EPUBs (their images are found by magic bytes, whatever the entry is
called) and plain JPEG/PNG files (again by magic bytes). Images are written once to the work
folder, de-duplicated by content, and checked with PIL: a file PIL cannot decode (PngSuite's
x*.png, deliberately broken) is listed as skipped, not timed.

Inflate bundles (the format perf/inkbench/inkbench.h describes):
  - one per EPUB: every deflated zip entry, as raw deflate (what the board's zip reader inflates);
  - one per PNG group: the concatenated IDAT zlib stream of every PNG in it.
"""
import hashlib
import io
import os
import struct
import zipfile
import zlib

from PIL import Image

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sniff(data):
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


class CorpusImage:
    def __init__(self, group, kind, source, path, data):
        self.group = group          # e.g. "epub JPEG", "pngsuite PNG"
        self.kind = kind            # "jpeg" or "png"
        self.source = source        # where it came from: "book.epub:OEBPS/x.jpg" or a file name
        self.path = path            # the extracted copy the tools read
        self.in_bytes = len(data)
        self.width = self.height = 0
        self.skip_reason = None
        try:
            with Image.open(io.BytesIO(data)) as image:
                self.width, self.height = image.size
                image.load()
        except Exception as error:  # PIL's errors are many; any means "not a valid image"
            self.skip_reason = "PIL cannot decode it (%s)" % str(error).splitlines()[0][:60]

    @property
    def pixels(self):
        return self.width * self.height


class Bundle:
    def __init__(self, group, name, path, streams, in_bytes, out_bytes):
        self.group = group
        self.name = name
        self.path = path
        self.streams = streams
        self.in_bytes = in_bytes
        self.out_bytes = out_bytes


def _safe(name):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-80:]


def _zip_raw_entries(epub_path):
    """(raw deflate bytes, inflated size) of every deflated entry, read from the local headers."""
    entries = []
    with open(epub_path, "rb") as f, zipfile.ZipFile(epub_path) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED or info.compress_size == 0:
                continue
            f.seek(info.header_offset)
            header = f.read(30)
            if header[:4] != b"PK\x03\x04":
                continue
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            f.seek(info.header_offset + 30 + name_len + extra_len)
            raw = f.read(info.compress_size)
            try:
                inflated = zlib.decompress(raw, -15)
            except zlib.error:
                continue
            if len(inflated) == info.file_size:
                entries.append((0, raw, len(inflated)))
    return entries


def png_idat_stream(data):
    """(zlib bytes, inflated size) of a PNG's IDAT chunks, or None."""
    at, parts = 8, []
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            parts.append(data[at + 8:at + 8 + length])
        if kind == b"IEND":
            break
        at += 12 + length
    stream = b"".join(parts)
    try:
        decompressor = zlib.decompressobj()
        inflated = decompressor.decompress(stream)
        if not decompressor.eof:
            return None
    except zlib.error:
        return None
    return stream[:len(stream) - len(decompressor.unused_data)], len(inflated)


def write_bundle(path, streams):
    with open(path, "wb") as f:
        f.write(b"INKZ" + struct.pack("<I", len(streams)))
        for fmt, raw, out_nbytes in streams:
            f.write(struct.pack("<B3xII", fmt, len(raw), out_nbytes))
            f.write(raw)


def collect(corpus_dirs, work_dir):
    """Returns (images, bundles, notes)."""
    image_dir = os.path.join(work_dir, "images")
    bundle_dir = os.path.join(work_dir, "bundles")
    os.makedirs(image_dir, exist_ok=True)
    os.makedirs(bundle_dir, exist_ok=True)
    images, bundles, notes = [], [], []
    seen = {}
    epubs = []

    def add(group_prefix, source, data):
        kind = sniff(data)
        if kind is None:
            return
        digest = hashlib.sha1(data).hexdigest()
        if digest in seen:
            seen[digest].append(source)
            return
        seen[digest] = [source]
        ext = ".jpg" if kind == "jpeg" else ".png"
        path = os.path.join(image_dir, "%04d_%s%s" % (len(images), _safe(source), ext))
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
        images.append(CorpusImage("%s %s" % (group_prefix, kind.upper()), kind, source, path,
                                  data))

    for folder in corpus_dirs:
        folder_name = os.path.basename(os.path.normpath(folder))
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                full = os.path.join(root, name)
                if name.lower().endswith(".epub"):
                    epubs.append(full)
                    try:
                        with zipfile.ZipFile(full) as archive:
                            for info in archive.infolist():
                                add("epub", "%s:%s" % (name, info.filename),
                                    archive.read(info))
                    except (zipfile.BadZipFile, OSError) as error:
                        notes.append("%s: not a readable zip (%s)" % (name, error))
                else:
                    with open(full, "rb") as f:
                        add(folder_name, name, f.read())
    duplicates = sum(len(s) - 1 for s in seen.values())
    if duplicates:
        notes.append("%d duplicate images (same bytes in several places) measured once" %
                     duplicates)

    for epub in sorted(epubs):
        streams = _zip_raw_entries(epub)
        if streams:
            name = os.path.basename(epub)
            path = os.path.join(bundle_dir, _safe(name) + ".inkz")
            write_bundle(path, streams)
            bundles.append(Bundle("epub zip entries", name, path, len(streams),
                                  sum(len(s[1]) for s in streams),
                                  sum(s[2] for s in streams)))
    return images, bundles, notes


def png_bundles(images, work_dir):
    """One IDAT bundle per PNG group of `images`."""
    bundles = []
    groups = sorted({image.group for image in images if image.kind == "png"})
    for group in groups:
        streams = []
        for image in images:
            if image.group != group:
                continue
            with open(image.path, "rb") as f:
                found = png_idat_stream(f.read())
            if found:
                streams.append((1, found[0], found[1]))
        if streams:
            path = os.path.join(work_dir, "bundles", _safe(group) + "_idat.inkz")
            write_bundle(path, streams)
            bundles.append(Bundle("PNG IDAT", "%s IDAT" % group, path, len(streams),
                                  sum(len(s[1]) for s in streams), sum(s[2] for s in streams)))
    return bundles


def quick_subset(images):
    """Per group, the smallest image and the one of median size: a tiny deterministic subset."""
    chosen = []
    for group in sorted({image.group for image in images}):
        members = sorted((i for i in images if i.group == group and not i.skip_reason),
                         key=lambda i: (i.pixels, i.source))
        if not members:
            continue
        for pick in (members[0], members[len(members) // 2]):
            if pick not in chosen:
                chosen.append(pick)
    return chosen


def fixed_subset(images):
    """The callgrind subset: per JPEG group the photo nearest 3 MP and the median image, per PNG
    group the largest and the median image. Fixed by the corpus, not by timings."""
    chosen = []
    for group in sorted({image.group for image in images}):
        members = sorted((i for i in images if i.group == group and not i.skip_reason),
                         key=lambda i: (i.pixels, i.source))
        if not members:
            continue
        if members[0].kind == "jpeg":
            picks = [min(members, key=lambda i: (abs(i.pixels - 3000000), i.source)),
                     members[len(members) // 2]]
        else:
            picks = [members[-1], members[len(members) // 2]]
        for pick in picks:
            if pick not in chosen:
                chosen.append(pick)
    return chosen
