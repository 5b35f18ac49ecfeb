#!/bin/bash
# test_thumb_cli.sh — `inkpipe thumb` end to end over a few corpus cover images:
#   1. the first run is a miss and makes DIR/thumbs/<fnv>.thb, the second run is a hit;
#   2. `thumb --show` of the cached file gives exactly the BMP `inkpipe convert` makes with the
#      same geometry (cover fit, 120x180, upscaled) - the cache stores the pixels losslessly;
#   3. a damaged cache file is a miss and is regenerated;
#   4. --max-entries bounds the folder.
# Exit 77 (skipped) without the corpus.
set -u
INKPIPE=${INKPIPE:?}
SHARED=${INK_SHARED_DIR:-${INK_SOURCE_DIR:-.}/../shared}
EPUBS="$SHARED/corpus/epub"
[ -d "$EPUBS" ] || { echo "no corpus at $EPUBS"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

n=0
for book in moby-dick haruko-jpeg childrens-literature cole-voyage-of-life; do
    [ -f "$EPUBS/$book.epub" ] || continue
    entry=$(unzip -Z1 "$EPUBS/$book.epub" | grep -iE '\.(jpe?g|png)$' | head -1)
    [ -n "$entry" ] || continue
    image="$work/$book.${entry##*.}"
    unzip -p "$EPUBS/$book.epub" "$entry" > "$image"
    out=$("$INKPIPE" thumb "$image" --cache "$work/cache") || fail "$book: thumb failed: $out"
    echo "$out"
    case "$out" in "miss (absent) "*) ;; *) fail "$book: first run is not a miss";; esac
    out=$("$INKPIPE" thumb "$image" --cache "$work/cache") || fail "$book: second run failed"
    echo "$out"
    case "$out" in "hit "*) ;; *) fail "$book: second run is not a hit";; esac
    thb=$(echo "$out" | sed -E 's/^hit .* -> (.*\.thb) .*/\1/')
    [ -f "$thb" ] || fail "$book: no file $thb"
    "$INKPIPE" thumb --show "$thb" -o "$work/shown.bmp" >/dev/null || fail "$book: --show failed"
    "$INKPIPE" convert "$image" -o "$work/direct.bmp" --fit cover --size 120x180 --upscale \
        || fail "$book: convert failed"
    cmp -s "$work/shown.bmp" "$work/direct.bmp" || fail "$book: cached pixels differ from convert's"
    # damage the file: flip a byte in the middle
    size=$(stat -c %s "$thb")
    printf '\x55' | dd of="$thb" bs=1 seek=$((size / 2)) conv=notrunc status=none
    out=$("$INKPIPE" thumb "$image" --cache "$work/cache") || fail "$book: regenerate failed"
    echo "$out"
    case "$out" in "miss (corrupt) "*) ;; *) fail "$book: damaged file is not a corrupt miss";; esac
    n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no cover images found"; exit 77; }

# the bound: 2 entries, 3 books -> 2 files left
rm -rf "$work/cache"
for image in "$work"/*.jpg "$work"/*.jpeg "$work"/*.png; do
    [ -f "$image" ] || continue
    "$INKPIPE" thumb "$image" --cache "$work/cache" --max-entries 2 >/dev/null || fail "bound run"
done
count=$(ls "$work/cache/thumbs" | grep -c '\.thb$')
[ "$count" -le 2 ] || fail "--max-entries 2 left $count files"
[ -z "$(ls "$work/cache/thumbs" | grep -v '\.thb$')" ] || fail "temporary files left behind"
# A book's thumbnail is its cover's: the cover-image item (found here with Python's zipfile and
# ElementTree, independently of inkpipe's EPUB layer) gives the same thumbnail as the book.
book="$EPUBS/moby-dick.epub"
/usr/bin/python3 - "$book" "$work/cover-from-opf" <<'PY'
import sys, zipfile, posixpath, xml.etree.ElementTree as ET
book = zipfile.ZipFile(sys.argv[1])
ns = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "o": "http://www.idpf.org/2007/opf"}
opf = ET.fromstring(book.read("META-INF/container.xml")).find(".//c:rootfile", ns).get("full-path")
for item in ET.fromstring(book.read(opf)).findall(".//o:manifest/o:item", ns):
    if "cover-image" in (item.get("properties") or "").split():
        path = posixpath.normpath(posixpath.join(posixpath.dirname(opf), item.get("href")))
        open(sys.argv[2], "wb").write(book.read(path))
PY
rm -rf "$work/cache-book" "$work/cache-image"
"$INKPIPE" thumb "$book" --cache "$work/cache-book" >/dev/null || fail "EPUB thumbnail"
"$INKPIPE" thumb "$work/cover-from-opf" --cache "$work/cache-image" >/dev/null || fail "cover image thumbnail"
"$INKPIPE" thumb --show "$work/cache-book/thumbs/"*.thb -o "$work/book.bmp" >/dev/null &&
"$INKPIPE" thumb --show "$work/cache-image/thumbs/"*.thb -o "$work/image.bmp" >/dev/null &&
    cmp -s "$work/book.bmp" "$work/image.bmp" || fail "the book's thumbnail is not its cover's"
# `inkpipe epub --cache` fills the same cache: a later `thumb` is a hit
rm -rf "$work/cache-epub"
"$INKPIPE" epub "$book" -o "$work/epub-out" --cache "$work/cache-epub" >/dev/null || fail "epub --cache"
"$INKPIPE" thumb "$book" --cache "$work/cache-epub" | grep -q '^hit ' || fail "epub --cache did not fill the cache"
echo "OK: $n covers"
