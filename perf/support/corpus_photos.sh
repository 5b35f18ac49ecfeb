# corpus_photos.sh — sourced by the perf scripts: the corpus photos, extracted once.
#
#   ink_extract_corpus_photos EPUB_DIR OUT_DIR
#
# Writes every baseline/extended JPEG (SOF0/SOF1) inside EPUB_DIR/*.epub with a side of 1000 px
# or more to OUT_DIR as <book>_<entry basename>: the "corpus photos" every JPEG figure of the
# project is measured on (perf/jpeg_bench.sh, perf/jpeg_board.sh, perf/convert_board.sh).
# Uses $PYTHON if set, else /usr/bin/python3 or python3 (only the standard library).

ink_extract_corpus_photos() {
    local python=${PYTHON:-python3}
    [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ] && python=/usr/bin/python3
    "$python" - "$1" "$2" <<'PY'
import glob, os, sys, zipfile

def frame_size(data):
    """(width, height) from the first SOF0/SOF1 segment, or None (progressive or broken)."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1):
            height = int.from_bytes(data[i + 5:i + 7], 'big')
            width = int.from_bytes(data[i + 7:i + 9], 'big')
            return width, height
        if marker == 0xFF:
            i += 1
        elif marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
        else:
            i += 2 + int.from_bytes(data[i + 2:i + 4], 'big')
    return None

for epub in sorted(glob.glob(os.path.join(sys.argv[1], '*.epub'))):
    with zipfile.ZipFile(epub) as book:
        for name in book.namelist():
            data = book.read(name)
            if data[:3] != b'\xff\xd8\xff':
                continue
            size = frame_size(data)
            if size and max(size) >= 1000:
                out = os.path.basename(epub)[:-5] + '_' + os.path.basename(name)
                with open(os.path.join(sys.argv[2], out), 'wb') as f:
                    f.write(data)
PY
}
