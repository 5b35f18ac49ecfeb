"""inkpipe epub over every book of the shared corpus and the sample book.

Expectations are computed here, independently of inkpipe, with Python's zipfile and
xml.etree: the manifest's image items (media-type image/...), which of them are JPEG or PNG
(converted) and which are not (skipped), and the cover, found by the rules of docs/EPUB.md
(cover-image property, <meta name="cover">, the guide's cover page, pages named "cover", the
first spine item if it is an image or an image-only page). Every book is converted with
--codec system and --codec arena; the report must agree with the expectations, every skip and
failure must carry a reason, every output must be a 1-bit BMP inside the box, and cover.bmp
must be 480x800.
"""
import json
import os
import posixpath
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

INKPIPE = os.environ.get("INKPIPE")
SHARED = os.environ.get("INK_SHARED_DIR", "")
SOURCE = os.environ.get("INK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
XLINK = "{http://www.w3.org/1999/xlink}href"

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def resolve(base_folder, href):
    """An href relative to base_folder -> archive path, or None if it leaves the archive."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if not href or urllib.parse.urlsplit(href).scheme:
        return None
    joined = posixpath.normpath(posixpath.join(base_folder, urllib.parse.unquote(href)))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def page_scan(book, path):
    """(first image path or None, image count, non-space text bytes outside head/style/...)."""
    try:
        root = ET.fromstring(book.read(path))
    except (KeyError, ET.ParseError):
        return None, 0, 0
    folder = posixpath.dirname(path)
    images = []
    text = 0

    def walk(element, excluded):
        nonlocal text
        name = local(element.tag)
        excluded = excluded or name in ("head", "title", "style", "script")
        if name == "img" and element.get("src") is not None:
            images.append(element.get("src"))
        elif name == "image":
            href = element.get(XLINK, element.get("href"))
            if href is not None:
                images.append(href)
        if not excluded and element.text:
            text += len("".join(element.text.split()).encode())
        for child in element:
            walk(child, excluded)
            if not excluded and child.tail:
                text += len("".join(child.tail.split()).encode())

    walk(root, False)
    first = resolve(folder, images[0]) if images else None
    return first, len(images), text


def is_progressive_jpeg(data):
    """True if the JPEG's frame header is SOF2 (progressive Huffman), found by walking the
    marker segments up to the first SOS."""
    if data[:2] != b"\xff\xd8":
        return False
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xC2:
            return True
        if marker == 0xDA:
            return False
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return False


def expectations(path):
    book = zipfile.ZipFile(path)
    container = ET.fromstring(book.read("META-INF/container.xml"))
    rootfiles = [e for e in container.iter() if local(e.tag) == "rootfile"]
    opf_path = next((e.get("full-path") for e in rootfiles
                     if e.get("media-type") == "application/oebps-package+xml"),
                    rootfiles[0].get("full-path"))
    folder = posixpath.dirname(opf_path)
    opf = ET.fromstring(book.read(opf_path))
    items = []
    for section in opf:
        if local(section.tag) == "manifest":
            for item in section:
                if local(item.tag) == "item":
                    items.append({
                        "id": item.get("id", ""), "href": item.get("href", ""),
                        "media": item.get("media-type", "").lower().split(";")[0].strip(),
                        "properties": item.get("properties", "").split(),
                        "path": resolve(folder, item.get("href", ""))})
    by_id = {i["id"]: i for i in items}
    by_path = {i["path"]: i for i in items if i["path"]}
    raster = ("image/jpeg", "image/jpg", "image/png")
    pages = ("application/xhtml+xml", "text/html", "image/svg+xml")

    def page_cover(page_path, image_page_only=False):
        first, count, text = page_scan(book, page_path)
        if not first or (image_page_only and text > 200):
            return None
        target = by_path.get(first)
        return target["path"] if target and target["media"] in raster else None

    def item_cover(item, image_page_only=False):
        if not item or not item["path"]:
            return None
        if item["media"] in raster:
            return item["path"]
        if item["media"] in pages:
            return page_cover(item["path"], image_page_only)
        return None

    meta = [m for m in opf.iter() if local(m.tag) == "meta" and
            (m.get("name") or "").lower() == "cover" and m.get("content") is not None]
    guide = [r for r in opf.iter() if local(r.tag) == "reference" and
             (r.get("type") or "").lower() == "cover" and r.get("href")]
    spine = [r.get("idref") for r in opf.iter() if local(r.tag) == "itemref"]
    cover_image = next((i for i in items if "cover-image" in i["properties"]), None)
    declared = bool(cover_image or meta or guide)

    cover = item_cover(cover_image)
    if not cover and meta:
        content = meta[0].get("content")
        cover = item_cover(by_id.get(content) or by_path.get(resolve(folder, content)))
    if not cover and guide:
        page = resolve(folder, guide[0].get("href"))
        if page in by_path and by_path[page]["media"] in raster:
            cover = page
        elif page:
            cover = page_cover(page)
    if not cover:
        for item in items:
            if (item["media"] in pages and item["path"] and
                    ("cover" in item["id"].lower() or "cover" in item["href"].lower())):
                cover = page_cover(item["path"])
                if cover:
                    break
    if not cover and spine:
        cover = item_cover(by_id.get(spine[0]), image_page_only=True)

    images = [i for i in items if i["media"].startswith("image/")]
    for image in images:
        image["progressive"] = (image["path"] in book.namelist() and
                                is_progressive_jpeg(book.read(image["path"])))
    return {"images": images, "cover": cover, "declared": declared,
            "names": set(book.namelist())}


def bmp_size(path):
    with open(path, "rb") as f:
        head = f.read(30)
    if len(head) < 30 or head[:2] != b"BM":
        return None
    width, height = struct.unpack("<ii", head[18:26])
    bits = struct.unpack("<H", head[28:30])[0]
    return width, abs(height), bits


def run_book(path, codec, out_root):
    name = os.path.basename(path)
    expected = expectations(path)
    out = os.path.join(out_root, name + "-" + codec)
    result = subprocess.run([INKPIPE, "epub", path, "-o", out, "--jobs", "2", "--codec", codec],
                            capture_output=True, text=True, timeout=600)
    label = f"{name} ({codec})"
    # The in-arena decoder refuses progressive JPEG until it learns it (issue 12): such images
    # must be reported as failed with the reason, and the exit code says a failure happened.
    refused = [i for i in expected["images"] if codec == "arena" and i["progressive"]]
    if not check(result.returncode == (1 if refused else 0),
                 f"{label}: exit {result.returncode}: {result.stderr.strip()}"):
        return
    check(refused or result.stderr == "", f"{label}: stderr on a pipe: {result.stderr!r}")
    check(" images: " in result.stdout, f"{label}: no summary line: {result.stdout!r}")
    with open(os.path.join(out, "report.jsonl"), encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    images = [line for line in lines if line["role"] == "image"]
    covers = [line for line in lines if line["role"] == "cover"]
    check(len(images) == len(expected["images"]),
          f"{label}: {len(images)} image lines, the manifest has {len(expected['images'])}")
    converted = sum(1 for line in images if line["status"] == "converted")
    skipped = sum(1 for line in images if line["status"] == "skipped")
    failed = sum(1 for line in images if line["status"] == "failed")
    check(converted + skipped + failed == len(expected["images"]) and failed == len(refused),
          f"{label}: {converted} converted + {skipped} skipped != {len(expected['images'])}")
    outputs = set()
    for line, item in zip(images, expected["images"]):
        want_path = item["path"] if item["path"] else item["href"]
        check(line["source"] == want_path, f"{label}: report source {line['source']} != {want_path}")
        check(line["media_type"].lower() == item["media"], f"{label}: media type of {want_path}")
        in_archive = item["path"] in expected["names"]
        should_convert = item["media"] in ("image/jpeg", "image/jpg", "image/png") and in_archive
        if item in refused:
            check(line["status"] == "failed" and "progressive" in line["reason"],
                  f"{label}: progressive {want_path} is {line['status']} ({line['reason']})")
            continue
        check(line["status"] == ("converted" if should_convert else "skipped"),
              f"{label}: {want_path} is {line['status']} ({line['reason']})")
        if line["status"] != "converted":
            check(bool(line["reason"]), f"{label}: {want_path} {line['status']} without a reason")
            continue
        check(line["output"].lower() not in outputs, f"{label}: output name {line['output']} reused")
        outputs.add(line["output"].lower())
        check(line["output"].endswith(".bmp") and ".." not in line["output"].split("/"),
              f"{label}: output name {line['output']}")
        size = bmp_size(os.path.join(out, line["output"]))
        if check(size is not None, f"{label}: {line['output']} is not a BMP"):
            w, h, bits = size
            check(bits == 1 and 0 < w <= 480 and 0 < h <= 800 and (w == line["width"]) and
                  h == line["height"], f"{label}: {line['output']} is {w}x{h}x{bits}")
        check(line["source_bytes"] and line["output_bytes"] > 0 and line["codec"],
              f"{label}: {line['output']}: sizes or codec missing")
        if codec == "arena":
            check("arena" in line["codec"] or line["source_bytes"] is not None,
                  f"{label}: codec {line['codec']}")
    cover_bmp = os.path.join(out, "cover.bmp")
    if expected["cover"]:
        ok = check(len(covers) == 1 and covers[0]["status"] == "converted",
                   f"{label}: cover {expected['cover']} expected, report says {covers}")
        if ok:
            check(covers[0]["source"] == expected["cover"],
                  f"{label}: cover is {covers[0]['source']}, expected {expected['cover']}")
            check(bmp_size(cover_bmp) == (480, 800, 1), f"{label}: cover.bmp is {bmp_size(cover_bmp)}")
    else:
        check(not os.path.exists(cover_bmp), f"{label}: cover.bmp written, none expected")
        if expected["declared"]:
            check(len(covers) == 1 and covers[0]["status"] == "skipped" and covers[0]["reason"],
                  f"{label}: declared but unusable cover without a reason: {covers}")
    return expected


CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="%s" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def image_bytes(fmt, size=(300, 200)):
    from io import BytesIO
    from PIL import Image
    picture = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 7):
        for y in range(size[1]):
            picture.putpixel((x, y), (10, 10, 10))
    out = BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def make_book(path, opf_path, opf, files):
    """A small EPUB: mimetype stored first, the rest deflated unless the name ends in .PNG."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER % opf_path, zipfile.ZIP_DEFLATED)
        z.writestr(opf_path, opf, zipfile.ZIP_DEFLATED)
        for name, data in files.items():
            z.writestr(name, data,
                       zipfile.ZIP_STORED if name.endswith(".PNG") else zipfile.ZIP_DEFLATED)


def synthetic_books(work):
    """Books built to exercise the cover rules the corpus lacks: the guide's SVG wrapper page,
    the meta naming an XHTML page, a page named "cover", an image-only first spine page;
    and hrefs that are %-encoded, climb out of the archive, or name missing entries."""
    jpeg, png = image_bytes("JPEG"), image_bytes("PNG")
    books = []
    path = os.path.join(work, "guide-svg-wrapper.epub")
    make_book(path, "OEBPS/content.opf", """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>G &amp; S</dc:title></metadata>
<manifest>
 <item id="cp" href="Text/front.xhtml" media-type="application/xhtml+xml"/>
 <item id="c" href="Images/c%20over.jpg" media-type="image/jpeg"/>
 <item id="evil" href="../../etc/evil.png" media-type="image/png"/>
 <item id="gone" href="Images/missing.png" media-type="image/png"/>
 <item id="w" href="Images/pic.webp" media-type="image/webp"/>
 <item id="p" href="Images/photo.PNG" media-type="image/png"/>
 <item id="p2" href="images/PHOTO.png" media-type="image/png"/>
</manifest>
<spine><itemref idref="cp"/></spine>
<guide><reference type="cover" title="Cover" href="Text/front.xhtml#top"/></guide>
</package>""", {
        "OEBPS/Text/front.xhtml": """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Cover</title></head><body>
<div id="top"><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 viewBox="0 0 300 200"><image width="300" height="200" xlink:href="../Images/c%20over.jpg"/></svg>
</div></body></html>""",
        "OEBPS/Images/c over.jpg": jpeg, "OEBPS/Images/pic.webp": b"RIFF\0\0\0\0WEBP",
        "OEBPS/Images/photo.PNG": png, "OEBPS/images/PHOTO.png": png})
    books.append(path)
    path = os.path.join(work, "meta-xhtml-page.epub")
    make_book(path, "book.opf", """<?xml version="1.0"?>
<opf:package xmlns:opf="http://www.idpf.org/2007/opf" version="2.0">
<opf:metadata><opf:meta name="cover" content="coverpage"/></opf:metadata>
<opf:manifest>
 <opf:item id="coverpage" href="cover-page.xhtml" media-type="application/xhtml+xml"/>
 <opf:item id="front" href="img/front.png" media-type="image/png"/>
 <opf:item id="inner" href="img/inner.jpg" media-type="image/jpeg"/>
</opf:manifest>
<opf:spine><opf:itemref idref="coverpage"/></opf:spine></opf:package>""", {
        "cover-page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
                            '<p><img src="img/front.png" alt="x"/></p></body></html>',
        "img/front.png": png, "img/inner.jpg": jpeg})
    books.append(path)
    path = os.path.join(work, "named-cover-page.epub")
    make_book(path, "OPS/package.opf", """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/>
<manifest>
 <item id="t" href="text/title.xhtml" media-type="application/xhtml+xml"/>
 <item id="x" href="text/Cover.xhtml" media-type="application/xhtml+xml"/>
 <item id="a" href="art/a.jpg" media-type="image/jpeg"/>
 <item id="b" href="art/b.jpg" media-type="image/jpeg"/>
</manifest>
<spine><itemref idref="t"/><itemref idref="x"/></spine></package>""", {
        "OPS/text/title.xhtml": '<html><body><h1>A long title page that is not a cover</h1>'
                                '<img src="../art/a.jpg"/>' + "<p>words</p>" * 60 + "</body></html>",
        "OPS/text/Cover.xhtml": '<html><body><img src="../art/b.jpg"/></body></html>',
        "OPS/art/a.jpg": jpeg, "OPS/art/b.jpg": jpeg})
    books.append(path)
    path = os.path.join(work, "first-spine-image-page.epub")
    make_book(path, "content.opf", """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/>
<manifest>
 <item id="p1" href="p1.xhtml" media-type="application/xhtml+xml"/>
 <item id="i1" href="i1.jpg" media-type="image/jpeg"/>
</manifest>
<spine><itemref idref="p1"/></spine></package>""", {
        "p1.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><head><style>p{}</style></head>'
                    '<body><p>Title</p><img src="i1.jpg"/></body></html>',
        "i1.jpg": jpeg})
    books.append(path)
    return books


def main():
    if not INKPIPE or not os.path.exists(INKPIPE):
        print("INKPIPE not set")
        return 77
    books = []
    corpus = os.path.join(SHARED, "corpus", "epub")
    if os.path.isdir(corpus):
        books += sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".epub"))
    with tempfile.TemporaryDirectory() as work:
        sample = os.path.join(work, "sample.epub")
        made = subprocess.run(["bash", os.path.join(SOURCE, "samples", "make-sample-epub.sh"),
                               sample], capture_output=True, text=True)
        if made.returncode == 0:
            books.append(sample)
        else:
            check(False, f"make-sample-epub.sh failed: {made.stderr}")
        synthetic = synthetic_books(work)
        for path in synthetic:
            check(expectations(path)["cover"] is not None,
                  f"{os.path.basename(path)}: built with a cover, none expected by the rules")
        books += synthetic
        found = declared = 0
        for path in books:
            for codec in ("system", "arena"):
                expected = run_book(path, codec, work)
            if expected:
                found += bool(expected["cover"])
                declared += expected["declared"]
                print(f"{os.path.basename(path)}: {len(expected['images'])} images, "
                      f"cover {expected['cover']}")
        print(f"{len(books)} books, {found} covers found, {declared} declared")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
