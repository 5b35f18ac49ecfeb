#!/usr/bin/python3
"""Resource attacks against the CLI: each hostile file must be refused (or handled) quickly and
in little memory. CPU time and peak RSS of every run are measured (wait4) and printed.

- image dimensions: JPEG and PNG headers of 65,535 x 65,535 (and 65,535 x 1, 1 x 65,535,
  16,000 x 16,000) with tiny data; convert and decode, --codec system and arena;
- decompression bombs: a PNG whose IDAT inflates to 1 GB for a 1000 x 1000 image; a zip entry
  declaring 1,000 bytes whose deflate stream makes 64 MB; an honest 200 MB entry;
- zip entry counts: an end record declaring 65,535 entries over a one-entry directory, a Zip64
  end record declaring a million, and a real archive of 65,535 entries;
- XML: 100,000 nested elements, a 50 MB comment in the OPF, 200,000 manifest items, 2,000 items
  repeating one href;
- an EPUB whose manifest points outside the archive (parent folders, absolute and file: URLs,
  %-encoded dots) and whose zip entries are named "../evil.jpg" and "/tmp/...": nothing outside
  the archive may be read, nothing outside the output folder written.

Expectations are the attacks' definitions (a refusal, or completion within budget), not outputs
of the code. Budgets: 3 s of CPU and 48 MB of RSS above an ordinary run's (x4 and +200 MB in a
sanitizer build, whose shadow memory and checks cost that much).
Env: INKPIPE, INK_BUILD_DIR. Needs GNU time (/usr/bin/time) for the figures.
"""
import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

from PIL import Image

INKPIPE = os.environ.get("INKPIPE")
TIME = "/usr/bin/time"  # GNU time (Debian package "time")
BUILD = os.environ.get("INK_BUILD_DIR", "")
failures = []


def sanitized():
    try:
        with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
            cache = f.read()
        return "INK_SANITIZE:BOOL=ON" in cache or "INK_FUZZ:BOOL=ON" in cache
    except OSError:
        return False


SLOW = 4 if sanitized() else 1
CPU_BUDGET = 3.0 * SLOW
RSS_EXTRA_KB = (48 + (200 if SLOW > 1 else 0)) * 1024
baseline_rss_kb = 0


def measure(args, cwd=None):
    """(exit code, cpu seconds, peak RSS KB, wall seconds, stderr) of one inkpipe run.

    GNU time runs it: a child forked from this (large) Python process would report the fork's
    resident set as its own peak."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    with tempfile.NamedTemporaryFile() as figures, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        code = subprocess.run([TIME, "-q", "-f", "%x %U %S %M", "-o", figures.name, INKPIPE,
                               *args], stdout=subprocess.DEVNULL, stderr=err, cwd=cwd,
                              env=env).returncode
        wall = time.monotonic() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        # GNU time exits with the command's status (128 + N after signal N); its %x is 0 then.
        lines = [line for line in open(figures.name).read().splitlines() if line.strip()]
    _, user, system, rss = lines[-1].split()
    return code, float(user) + float(system), int(rss), wall, stderr


def attack(name, args, expect_codes=(1,), expect_text=None, cwd=None):
    code, cpu, rss, wall, stderr = measure(args, cwd)
    verdict = "ok"
    if code not in expect_codes:
        verdict = f"exit {code}, expected {expect_codes}"
    elif code < 0 or code > 2:
        verdict = f"crashed (exit {code})"
    elif cpu > CPU_BUDGET:
        verdict = f"{cpu:.2f} s of CPU, budget {CPU_BUDGET:.1f} s"
    elif rss > baseline_rss_kb + RSS_EXTRA_KB:
        verdict = f"{rss} KB peak RSS, budget {baseline_rss_kb + RSS_EXTRA_KB} KB"
    elif expect_text and expect_text not in stderr:
        verdict = f"no '{expect_text}' in {stderr.strip()[:200]!r}"
    first = stderr.strip().splitlines()[0][:110] if stderr.strip() else ""
    print(f"{name:44} exit {code}  cpu {cpu:5.2f} s  wall {wall:5.2f} s  rss {rss / 1024:6.1f} MB"
          f"  {'ok' if verdict == 'ok' else 'FAIL: ' + verdict}  {first}")
    if verdict != "ok":
        failures.append(f"{name}: {verdict}")
    return code, stderr


# ---- files -------------------------------------------------------------------------------------

def small_jpeg(size=(64, 48)):
    buf = io.BytesIO()
    Image.linear_gradient("L").resize(size).save(buf, "JPEG")
    return buf.getvalue()


def jpeg_with_size(width, height):
    """A valid 16x16 baseline JPEG whose SOF0 claims width x height: tiny data, huge header."""
    data = bytearray(small_jpeg((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, idat):
    return (b"\x89PNG\r\n\x1a\n" +
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def deflate(chunks, wbits=15):
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(c.compress(chunk) for chunk in chunks) + c.flush()


CONTAINER = (b'<?xml version="1.0"?><container version="1.0" '
             b'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
             b'<rootfile full-path="OEBPS/content.opf" '
             b'media-type="application/oebps-package+xml"/></rootfiles></container>')


def opf(items, extra=b""):
    manifest = b"".join(b'<item id="i%d" href="%s" media-type="%s"/>' %
                        (n, href.encode(), kind.encode()) for n, (href, kind) in enumerate(items))
    return (b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            b'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<dc:identifier id="id">x</dc:identifier><dc:title>t</dc:title></metadata>'
            b"<manifest>" + manifest + b"</manifest><spine/>" + extra + b"</package>")


def book(path, files, opf_bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        z.writestr("META-INF/container.xml", CONTAINER, zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/content.opf", opf_bytes, zipfile.ZIP_DEFLATED)
        for name, data, method in files:
            z.writestr(zipfile.ZipInfo(name) if method == zipfile.ZIP_STORED else name, data,
                       method)
    return path


def patch_declared_size(path, entry_name, size):
    """Sets the uncompressed size of `entry_name` in its local and central headers."""
    data = bytearray(open(path, "rb").read())
    for signature, name_length_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22),
                                                        (b"PK\x01\x02", 28, 46, 24)):
        i = data.find(signature)
        while i >= 0:
            (name_length,) = struct.unpack("<H", data[i + name_length_at:i + name_length_at + 2])
            if data[i + name_at:i + name_at + name_length] == entry_name:
                data[i + size_at:i + size_at + 4] = struct.pack("<I", size)
            i = data.find(signature, i + 4)
    open(path, "wb").write(bytes(data))


# ---- attacks -----------------------------------------------------------------------------------

def images(tmp):
    cases = {
        "jpeg 65535x65535": jpeg_with_size(65535, 65535),
        "jpeg 65535x1": jpeg_with_size(65535, 1),
        "jpeg 1x65535": jpeg_with_size(1, 65535),
        "jpeg 16000x16000": jpeg_with_size(16000, 16000),
        "png 65535x65535": png(65535, 65535, zlib.compress(b"\0" * 65536)),
        "png 1x65535": png(1, 65535, zlib.compress(b"\0" * 1000)),
        "png 16000x16000": png(16000, 16000, zlib.compress(b"\0" * 48003)),
    }
    for name, data in cases.items():
        path = os.path.join(tmp, name.replace(" ", "_") + (".jpg" if "jpeg" in name else ".png"))
        open(path, "wb").write(data)
        for codec in ("system", "arena"):
            attack(f"{name} convert --codec {codec}",
                   ["convert", path, "-o", os.path.join(tmp, "out.bmp"), "--codec", codec])
            attack(f"{name} decode --codec {codec}",
                   ["decode", path, "-o", os.path.join(tmp, "out.pgm"), "--codec", codec])
            if os.path.exists(os.path.join(tmp, "out.bmp")):
                failures.append(f"{name}: a refused conversion left out.bmp")

    # PNG bomb: 1000 x 1000 gray needs 1,001,000 bytes; the IDAT inflates to 1 GB (1 MB file).
    path = os.path.join(tmp, "png_bomb.png")
    open(path, "wb").write(png(1000, 1000, deflate(b"\0" * (1 << 20) for _ in range(1024))))
    attack("png IDAT bomb (1 GB) convert --codec arena",
           ["convert", path, "-o", os.path.join(tmp, "out.bmp"), "--codec", "arena"],
           expect_text="decompression bomb")
    # libpng (the host's system codec) inflates the whole stream in png_read_end: bounded in
    # memory, about 2 s of CPU per GB. Measured and printed, the budget doubled.
    global CPU_BUDGET
    saved, CPU_BUDGET = CPU_BUDGET, CPU_BUDGET * 2
    attack("png IDAT bomb (1 GB) convert --codec system",
           ["convert", path, "-o", os.path.join(tmp, "out.bmp"), "--codec", "system"],
           expect_codes=(0, 1))
    CPU_BUDGET = saved


def epub_attacks(tmp):
    out = os.path.join(tmp, "out")
    jpeg = small_jpeg()
    one = [("a.jpg", "image/jpeg")]

    def run_epub(name, path, expect_codes=(1,), expect_text=None):
        for codec in ("system", "arena"):
            attack(f"{name} --codec {codec}",
                   ["epub", path, "-o", out, "--codec", codec, "--jobs", "1"],
                   expect_codes, expect_text)

    # A deflated entry declaring 1,000 bytes whose stream makes 64 MB.
    path = book(os.path.join(tmp, "lie.epub"),
                [("OEBPS/a.jpg", b"\0" * (64 << 20), zipfile.ZIP_DEFLATED)], opf(one))
    patch_declared_size(path, b"OEBPS/a.jpg", 1000)
    run_epub("zip entry: declares 1 KB, inflates 64 MB", path)
    # An honest 200 MB entry (a JPEG and 200 MB of zeros): over the 64 MB entry limit.
    path = book(os.path.join(tmp, "honest.epub"),
                [("OEBPS/a.jpg", jpeg + b"\0" * (200 << 20), zipfile.ZIP_DEFLATED)], opf(one))
    run_epub("zip entry: honest 200 MB (200 KB deflated)", path, expect_text="over the limit")

    # Entry counts.
    path = book(os.path.join(tmp, "one.epub"), [("OEBPS/a.jpg", jpeg, zipfile.ZIP_STORED)],
                opf(one))
    data = bytearray(open(path, "rb").read())
    end = data.rfind(b"PK\x05\x06")
    data65535 = bytearray(data)
    data65535[end + 8:end + 12] = struct.pack("<HH", 65535, 65535)
    open(os.path.join(tmp, "declared65535.epub"), "wb").write(data65535)
    run_epub("zip: end record declares 65,535 entries", os.path.join(tmp, "declared65535.epub"))
    directory_nbytes, directory_offset = struct.unpack("<II", data[end + 12:end + 20])
    zip64_end = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1_000_000, 1_000_000,
                            directory_nbytes, directory_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, end, 1)
    end_record = (bytes(data[end:end + 8]) +
                  struct.pack("<HHII", 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF) +
                  bytes(data[end + 20:]))
    open(os.path.join(tmp, "declared1m.epub"), "wb").write(
        bytes(data[:end]) + zip64_end + locator + end_record)
    run_epub("zip: Zip64 end record declares 1,000,000", os.path.join(tmp, "declared1m.epub"))
    path = os.path.join(tmp, "many.epub")
    files = [("OEBPS/a.jpg", jpeg, zipfile.ZIP_STORED)]
    files += [(f"x/{k}", b"", zipfile.ZIP_STORED) for k in range(65535 - 4)]
    book(path, files, opf(one))
    run_epub("zip: 65,535 real entries (one image)", path, expect_codes=(0,))

    # XML.
    depth = 100_000
    run_epub("xml: 100,000 nested elements in the OPF",
             book(os.path.join(tmp, "deep.epub"), [("OEBPS/a.jpg", jpeg, zipfile.ZIP_STORED)],
                  opf(one, b"<x>" * depth + b"</x>" * depth)), expect_text="nested deeper")
    run_epub("xml: a 50 MB comment in the OPF",
             book(os.path.join(tmp, "comment.epub"), [("OEBPS/a.jpg", jpeg, zipfile.ZIP_STORED)],
                  opf(one, b"<!--" + b"x" * (50 << 20) + b"-->")), expect_codes=(0,))
    run_epub("xml: 200,000 manifest items",
             book(os.path.join(tmp, "items.epub"), [("OEBPS/a.jpg", jpeg, zipfile.ZIP_STORED)],
                  opf([(f"i{k}.jpg", "image/jpeg") for k in range(200_000)])),
             expect_text="manifest of more than")
    run_epub("xml: 2,000 items repeating one href",
             book(os.path.join(tmp, "repeat.epub"),
                  [("OEBPS/a.jpg", small_jpeg((8, 8)), zipfile.ZIP_STORED)], opf(one * 2000)),
             expect_codes=(0,))


def outside(tmp):
    """Manifest hrefs leaving the archive and zip-slip entry names."""
    root = os.path.join(tmp, "outside")
    book_dir = os.path.join(root, "deep", "book")
    os.makedirs(book_dir)
    jpeg = small_jpeg()
    open(os.path.join(root, "secret.jpg"), "wb").write(jpeg)
    absolute = os.path.join(root, "absolute.jpg")
    open(absolute, "wb").write(jpeg)
    hrefs = ["../../secret.jpg", "../../../secret.jpg", absolute, "%2e%2e/%2e%2e/secret.jpg",
             "file://" + absolute, "..%2f..%2fsecret.jpg", "../evil.jpg", "a/../../../evil.jpg",
             "../../.." + root + "/slip.jpg", "ok.jpg"]
    path = book(os.path.join(book_dir, "book.epub"),
                [("evil.jpg", jpeg, zipfile.ZIP_STORED), ("../evil.jpg", jpeg, zipfile.ZIP_STORED),
                 (root.lstrip("/") + "/slip.jpg", jpeg, zipfile.ZIP_STORED),
                 ("/" + root.lstrip("/") + "/slip2.jpg", jpeg, zipfile.ZIP_STORED),
                 ("OEBPS/ok.jpg", jpeg, zipfile.ZIP_STORED)],
                opf([(href, "image/jpeg") for href in hrefs]))
    before = set()
    for folder, _, names in os.walk(tmp):
        before |= {os.path.join(folder, n) for n in names}
    out = os.path.join(book_dir, "out")
    for codec in ("system", "arena"):
        attack(f"epub manifest outside the archive --codec {codec}",
               ["epub", path, "-o", out, "--codec", codec], expect_codes=(0, 1))
    created = set()
    for folder, _, names in os.walk(tmp):
        created |= {os.path.join(folder, n) for n in names}
    created -= before
    escaped = [p for p in created if not p.startswith(out + os.sep)]
    if escaped:
        failures.append(f"epub wrote outside its output folder: {sorted(escaped)}")
    import json
    with open(os.path.join(out, "report.jsonl")) as f:
        records = [json.loads(line) for line in f]
    converted = sorted(r["source"] for r in records if r["status"] == "converted")
    # Only archive paths inside the book may be converted: OEBPS/ok.jpg, and evil.jpg (the
    # archive's own root-level entry that "../evil.jpg" from OEBPS/ names legitimately).
    allowed = {"OEBPS/ok.jpg", "evil.jpg"}
    if not set(converted) <= allowed or "OEBPS/ok.jpg" not in converted:
        failures.append(f"epub outside: converted {converted}, allowed {sorted(allowed)}")
    print(f"epub outside: converted {converted}; {len(records) - len(converted)} items refused; "
          f"{len(created)} files created, all under the output folder: {not escaped}")


def main():
    global baseline_rss_kb
    if not INKPIPE or not os.access(INKPIPE, os.X_OK):
        print("SKIP: INKPIPE is not set")
        return 77
    if not os.access(TIME, os.X_OK):
        print("SKIP: no GNU time at /usr/bin/time (apt-get install time)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        ordinary = os.path.join(tmp, "ordinary.jpg")
        open(ordinary, "wb").write(small_jpeg((600, 400)))
        _, _, baseline_rss_kb, _, _ = measure(["convert", ordinary, "-o",
                                               os.path.join(tmp, "ordinary.bmp")])
        print(f"ordinary run: {baseline_rss_kb / 1024:.1f} MB peak RSS; budgets "
              f"{CPU_BUDGET:.1f} s CPU, +{RSS_EXTRA_KB // 1024} MB RSS")
        images(tmp)
        epub_attacks(tmp)
        outside(tmp)
    if failures:
        print(f"{len(failures)} failure(s):")
        for failure in failures:
            print("  " + failure)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
