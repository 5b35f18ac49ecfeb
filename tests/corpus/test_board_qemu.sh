#!/usr/bin/env bash
# test_board_qemu.sh — the X4 board build, cross-compiled for RV32IMC and run under QEMU, must
# produce exactly the host's output.
#
#   1. builds board/xteink-x4 with the RV32IMC toolchain (warnings are errors);
#   2. proves the heap ban can fail: a build whose main() calls malloc must not link, and a build
#      that smuggles in __wrap_malloc must be rejected by the post-link image check;
#   3. proves the stack guard traps (selftest=stack: exit status 3, "stack guard was hit");
#   4. puts corpus images on a fresh "SD card" folder (PngSuite, the images inside the EPUBs,
#      taken out on the host with python's zipfile, and a progressive copy of each of their
#      JPEGs made by jpegtran) and runs one job file converting each with several option sets
#      (PNG, baseline and progressive JPEG, with the in-arena decoders);
#   5. runs `$INKPIPE convert --codec arena` on the same inputs and options, and requires, job by
#      job, either the same BMP bytes (cmp) or the same error class on both sides;
#   6. checks the image's printed RAM report against the build's own (from the ELF's symbols),
#      the stack high-water mark (< 8 KB minus the guard), that a second run retires exactly the
#      same instruction counts, and that the framebuffer dump equals the converted BMP drawn
#      centred on white — computed independently with PIL;
#   7. books: the firmware's `book` job (zip reader, in-arena inflate to a temporary file or a
#      stored entry in place, the EPUB layer's manifest and cover) on corpus EPUBs and the
#      sample book, against `$INKPIPE epub --codec arena`: the same images tried, the same
#      cover, every BMP bit-identical, failures of the same class;
#   8. thumbnails: the `thumb` job puts each book's 120x180 cover thumbnail in the cache on the
#      flash stand-in and reads it back; its BMP must equal `$INKPIPE thumb --codec arena` (on
#      the cover entry, taken out with zipfile) shown with `inkpipe thumb --show`, and the .thb
#      payloads must be equal; a second run must hit; with thumb_max_entries = 2 the oldest
#      thumbnails are evicted (first in, first out) through the HAL's directory listing.
# Exit 77 (skipped) without the cross compiler, picolibc, QEMU, the CLI or the corpus.
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

SOURCE_DIR=${INK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD_DIR=${INK_BUILD_DIR:-$SOURCE_DIR/build}
SHARED_DIR=${INK_SHARED_DIR:-$SOURCE_DIR/../shared}
CORPUS=$SHARED_DIR/corpus

command -v riscv64-unknown-elf-gcc >/dev/null || skip "no riscv64-unknown-elf-gcc"
echo 'int main(void) { return 0; }' | riscv64-unknown-elf-gcc -x c - -o /dev/null \
    -march=rv32imc -misa-spec=2.2 -mabi=ilp32 --specs=picolibc.specs --oslib=semihost \
    --crt0=semihost 2>/dev/null || skip "no picolibc-riscv64-unknown-elf (cannot link)"
command -v qemu-system-riscv32 >/dev/null || skip "no qemu-system-riscv32"
[ -n "${INKPIPE:-}" ] && [ -x "$INKPIPE" ] || skip "INKPIPE (the CLI) not set"
[ -d "$CORPUS/pngsuite" ] || skip "no corpus at $CORPUS"
PYTHON=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import PIL' 2>/dev/null; then PYTHON=$candidate; break; fi
done
[ -n "$PYTHON" ] || skip "no python3 with PIL"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ink-board-qemu.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TOOLCHAIN=$SOURCE_DIR/board/xteink-x4/toolchain-rv32imc.cmake
FW_BUILD=$BUILD_DIR/board-qemu
ELF=$FW_BUILD/xteink-x4.elf

# ---- 1. build ----
cmake -S "$SOURCE_DIR/board/xteink-x4" -B "$FW_BUILD" -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" \
    -DINK_WERROR=ON >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log"; fail "configure"; }
cmake --build "$FW_BUILD" -j2 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
[ -f "$ELF" ] || fail "no $ELF"
echo "ok: firmware built ($(grep 'board image' "$WORK/build.log" | sed 's/.*board image: //'))"

# ---- 2. the heap ban must be able to fail ----
for probe in call wrap; do
    cmake -S "$SOURCE_DIR/board/xteink-x4" -B "$WORK/probe-$probe" \
        -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DINK_BOARD_HEAP_PROBE=$probe >/dev/null 2>&1 ||
        fail "configure heap probe $probe"
    if cmake --build "$WORK/probe-$probe" -j2 >"$WORK/probe-$probe.log" 2>&1; then
        fail "heap probe '$probe' built: the heap ban does not work"
    fi
    if [ $probe = call ]; then expected="undefined reference to \`__wrap_malloc'"
    else expected="allocator symbols in the image"; fi
    grep -qF "$expected" "$WORK/probe-$probe.log" ||
        { tail -20 "$WORK/probe-$probe.log"; fail "heap probe '$probe' failed for another reason"; }
    [ ! -f "$WORK/probe-$probe/xteink-x4.elf" ] || fail "heap probe '$probe' left an image"
done
echo "ok: a malloc reference fails the link; a smuggled allocator fails the image check"

QEMU=(qemu-system-riscv32 -machine virt -nographic -bios none -icount shift=0
      -semihosting-config enable=on,target=native -kernel "$ELF")
run_fw() { # run_fw SDDIR LOG ARGS...
    local sd=$1 log=$2; shift 2
    (cd "$WORK" && timeout 600 "${QEMU[@]}" -append "sd=$sd $*" >"$log" 2>&1)
}

# ---- 3. the stack guard ----
mkdir -p "$WORK/sd0"
run_fw sd0 "$WORK/selftest.log" selftest=stack
status=$?
[ $status -eq 3 ] && grep -q "stack guard was hit" "$WORK/selftest.log" ||
    { cat "$WORK/selftest.log"; fail "stack overflow self-test: exit $status, guard not hit"; }
echo "ok: a stack overflow traps at the guard"

# ---- 4. the SD card and the job file ----
SD=$WORK/sd
mkdir -p "$SD/img" "$SD/out"
cp "$CORPUS"/pngsuite/*.png "$SD/img/"
"$PYTHON" - "$CORPUS/epub" "$SD/img" <<'EOF'
# Images inside the EPUBs (at most 6 per book, at most 300 KB each to keep the run short).
import os, sys, zipfile
books, out = sys.argv[1], sys.argv[2]
for book in sorted(os.listdir(books)):
    if not book.endswith('.epub'):
        continue
    try:
        archive = zipfile.ZipFile(os.path.join(books, book))
    except zipfile.BadZipFile:
        continue
    taken = 0
    for entry in archive.infolist():
        name = entry.filename.lower()
        if taken < 6 and name.endswith(('.jpg', '.jpeg', '.png')) and entry.file_size <= 300000:
            stem = book[:-5] + '--' + os.path.basename(entry.filename)
            safe = ''.join(c if c.isalnum() or c in '.-_' else '_' for c in stem)
            with open(os.path.join(out, safe), 'wb') as f:
                f.write(archive.read(entry))
            taken += 1
EOF
# The books' JPEGs are all baseline: a progressive copy of each (jpegtran, lossless) puts the
# board's progressive decoder, in its RV32 form, beside the host's. Every other copy takes the
# tests' MozJPEG-like script (tests/support/scans/moz.txt: DC per component, successive
# approximation, chroma between luma scans) with a restart interval; libjpeg's default script
# where that does not apply (gray files).
command -v jpegtran >/dev/null || fail "no jpegtran (libjpeg-turbo-progs)"
k=0
for image in "$SD"/img/*.jpg "$SD"/img/*.jpeg "$SD"/img/*.JPG "$SD"/img/*.JPEG; do
    [ -f "$image" ] || continue
    copy="${image%.*}.prog.jpg"
    if [ $((k % 2)) -eq 1 ] &&
        jpegtran -scans "$SOURCE_DIR/tests/support/scans/moz.txt" -restart 3B -outfile "$copy" "$image" 2>/dev/null; then :
    else
        jpegtran -progressive -outfile "$copy" "$image" 2>/dev/null || rm -f "$copy"
    fi
    k=$((k + 1))
done

# Option sets: the defaults (480x800 contain) for every image; four others, each for a quarter.
OPTION_SETS=("" "--dither floyd-steinberg --size 800x480 --fit cover"
             "--dither threshold --size 200x300 --upscale" "--size 480x800 --fit cover"
             "--dither ordered --bits 2")
: >"$SD/jobs.txt"
: >"$WORK/jobs.tsv"
n=0
for image in "$SD"/img/*; do
    base=$(basename "$image")
    for set in 0 1 2 3 4; do
        # every image with the defaults; every fourth image with each other set
        if [ $set -ne 0 ] && [ $(( (n + set) % 4 )) -ne 0 ]; then continue; fi
        out="out/$n-$set.bmp"
        echo "convert img/$base $out ${OPTION_SETS[$set]}" >>"$SD/jobs.txt"
        printf '%s\t%s\t%s\n' "img/$base" "$out" "${OPTION_SETS[$set]}" >>"$WORK/jobs.tsv"
    done
    n=$((n + 1))
done
# A framebuffer check on the first successful default conversion is added after the run.
njobs=$(wc -l <"$WORK/jobs.tsv")
echo "jobs: $njobs conversions of $n images"

run_fw sd "$WORK/run1.log" jobs=jobs.txt
status=$?
[ $status -le 1 ] || { tail -20 "$WORK/run1.log"; fail "firmware exit status $status"; }
grep -c '^result convert' "$WORK/run1.log" | grep -qx "$njobs" ||
    { tail -20 "$WORK/run1.log"; fail "not every job printed a result"; }

# ---- 5. the host's --codec arena, job by job ----
mkdir -p "$WORK/host"
same=0; same_jpeg=0; same_progressive=0; both_failed=0; mismatch=0
while IFS=$'\t' read -r in out options; do
    board_line=$(grep -F "result convert in=$in out=$out " "$WORK/run1.log" | head -1)
    board_status=$(sed -n 's/.* status=\([^=]*\) width=.*/\1/p' <<<"$board_line")
    host_out="$WORK/host/$(basename "$out")"
    # shellcheck disable=SC2086  # options are words
    if "$INKPIPE" convert --codec arena "$SD/$in" -o "$host_out" $options 2>"$WORK/host.err"; then
        host_status=ok
    else
        # "inkpipe: PATH: <error name>: detail" -> error name
        host_status=$(sed -n "s|^inkpipe: [^:]*: \([^:]*\).*|\1|p" "$WORK/host.err" | head -1)
    fi
    if [ "$board_status" = ok ] && [ "$host_status" = ok ]; then
        if cmp -s "$SD/$out" "$host_out"; then
            same=$((same + 1))
            case "$in" in *.jpg|*.jpeg|*.JPG|*.JPEG) same_jpeg=$((same_jpeg + 1)) ;; esac
            case "$in" in *.prog.jpg) same_progressive=$((same_progressive + 1)) ;; esac
        else
            echo "MISMATCH: $in [$options]: board and host BMPs differ"; mismatch=$((mismatch + 1))
        fi
    elif [ "$board_status" != ok ] && [ "$board_status" = "$host_status" ]; then
        both_failed=$((both_failed + 1))
        [ ! -e "$SD/$out" ] || { echo "MISMATCH: $in: failed but left $out"; mismatch=$((mismatch + 1)); }
    else
        echo "MISMATCH: $in [$options]: board '$board_status', host '$host_status' ($(cat "$WORK/host.err"))"
        mismatch=$((mismatch + 1))
    fi
done <"$WORK/jobs.tsv"
echo "host vs board: $same bit-identical BMPs ($same_jpeg of them JPEG, $same_progressive progressive), $both_failed failed alike, $mismatch mismatches"
[ $mismatch -eq 0 ] || fail "$mismatch jobs differ between the board and the host"
[ $same -gt 0 ] || fail "no conversion succeeded on both sides: nothing was compared"
[ $same_jpeg -gt 0 ] || fail "no JPEG was compared: is the in-arena JPEG decoder in the build?"
[ $same_progressive -gt 0 ] || fail "no progressive JPEG was compared"

# ---- 6. RAM report, stack, determinism, framebuffer ----
grep '^  ram: ' "$WORK/run1.log" | head -2 | sed 's/^  //' >"$WORK/ram.printed"
diff "$WORK/ram.printed" "$FW_BUILD/xteink-x4.ram.txt" >/dev/null ||
    { diff "$WORK/ram.printed" "$FW_BUILD/xteink-x4.ram.txt"; fail "RAM report differs from the ELF's"; }
echo "ok: RAM report: $(head -1 "$WORK/ram.printed")"
high=$(sed -n 's/^stack: high-water \([0-9]*\) of \([0-9]*\) bytes/\1/p' "$WORK/run1.log")
[ -n "$high" ] && [ "$high" -lt $((8192 - 256)) ] || fail "stack high-water '$high'"
echo "ok: stack high-water $high of 8192 bytes"

# Again: the first 25 successful conversions, then blit the largest BMP and dump the screen.
# The same SD folder and paths (a path's length changes the count), another job file.
grep '^result convert .* status=ok ' "$WORK/run1.log" | head -25 >"$WORK/run1.results"
sed 's/^result convert in=\([^ ]*\) out=\([^ ]*\) .*/\1\t\2/' "$WORK/run1.results" |
    while IFS=$'\t' read -r in out; do
        grep -m1 -F "convert $in $out" "$SD/jobs.txt"
    done >"$SD/jobs2.txt"
largest=$(grep '^result convert .* status=ok ' "$WORK/run1.log" |
    sed 's/.* out=\([^ ]*\) .* bmp=\([0-9]*\)x\([0-9]*\) .*/\2 \3 \1/' |
    awk '$1 <= 800 && $2 <= 480 && ($1 < 800 || $2 < 480) { print $1 * $2, $3 }' | sort -n | tail -1 | cut -d' ' -f2)
[ -n "$largest" ] || fail "no converted BMP fits the screen"
cp "$SD/$largest" "$SD/shown.bmp"
printf 'blit shown.bmp\ndump out/fb.bmp\n' >>"$SD/jobs2.txt"
run_fw sd "$WORK/run2.log" jobs=jobs2.txt
grep '^result convert' "$WORK/run2.log" >"$WORK/run2.results"
[ -s "$WORK/run2.results" ] || fail "the second run converted nothing"
diff "$WORK/run1.results" "$WORK/run2.results" >/dev/null ||
    { diff "$WORK/run1.results" "$WORK/run2.results" | head; fail "instruction counts differ between runs"; }
echo "ok: a second run retires exactly the same instructions ($(wc -l <"$WORK/run2.results") jobs)"
"$PYTHON" - "$SD/shown.bmp" "$SD/out/fb.bmp" <<'EOF' || fail "framebuffer dump"
# The dump must be the BMP drawn centred on a white 800x480 screen (C's division truncates
# toward zero for the offset of an image larger than the screen).
import sys
from PIL import Image
shown = Image.open(sys.argv[1]).convert('L')
dump = Image.open(sys.argv[2]).convert('L')
assert dump.size == (800, 480), dump.size
x0 = int((800 - shown.width) / 2)
y0 = int((480 - shown.height) / 2)
expected = Image.new('L', (800, 480), 255)
expected.paste(shown.point(lambda v: 255 if v >= 128 else 0), (x0, y0))
bad = sum(1 for a, b in zip(expected.getdata(), dump.getdata()) if a != b)
print(f"framebuffer: {shown.width}x{shown.height} at ({x0},{y0}), {bad} pixels differ")
sys.exit(1 if bad else 0)
EOF
# ---- 7. books: the board's book job against inkpipe epub --codec arena ----
BOOKS_SD=$WORK/books
mkdir -p "$BOOKS_SD"
# The corpus books up to 1.7 MB (a short run), the one with 54 stored images, and the sample.
for book in "$CORPUS"/epub/*.epub; do
    size=$(stat -c %s "$book")
    case "$(basename "$book")" in
        jlreq-in-english.epub) ;;
        *) [ "$size" -le 1700000 ] || continue ;;
    esac
    cp "$book" "$BOOKS_SD/"
done
bash "$SOURCE_DIR/samples/make-sample-epub.sh" "$BOOKS_SD/sample.epub" >/dev/null 2>&1 ||
    fail "make-sample-epub.sh"
: >"$BOOKS_SD/jobs.txt"
for book in "$BOOKS_SD"/*.epub; do
    name=$(basename "$book" .epub)
    mkdir -p "$BOOKS_SD/out/$name"
    echo "book $name.epub out/$name" >>"$BOOKS_SD/jobs.txt"
    # exit 1 when an image fails: the report says which, and the board must fail it alike
    "$INKPIPE" epub "$book" -o "$WORK/host-books/$name" --codec arena --jobs 2 >/dev/null 2>&1
done
run_fw books "$WORK/books.log" jobs=jobs.txt
status=$?
[ $status -le 1 ] || { tail -20 "$WORK/books.log"; fail "firmware exit status $status (books)"; }
"$PYTHON" - "$WORK/books.log" "$BOOKS_SD" "$WORK/host-books" <<'PY' || fail "books differ"
import filecmp, json, os, sys, urllib.parse
log, sd, host = sys.argv[1:4]
def fields(line):
    return dict(w.split('=', 1) for w in line.split() if '=' in w)
books, current = {}, []
for line in open(log):
    if line.startswith('result book-image '):
        current.append(fields(line))
    elif line.startswith('result book '):
        f = fields(line)
        books[f['in'][:-len('.epub')]] = (f, current)
        current = []
bad = same = failed_alike = 0
def problem(text):
    global bad
    bad += 1
    print('MISMATCH:', text)
for name in sorted(os.listdir(host)):
    if name not in books:
        problem(f'{name}: no board result')
        continue
    summary, lines = books[name]
    report = [json.loads(l) for l in open(os.path.join(host, name, 'report.jsonl'))]
    host_lines = {(r['role'], r['source']): r for r in report if r['status'] != 'skipped'}
    board_lines = {(l['role'], urllib.parse.unquote(l['entry'])): l for l in lines}
    if set(host_lines) != set(board_lines):
        problem(f'{name}: only the board tried {sorted(set(board_lines) - set(host_lines))[:3]}, '
                f'only the host {sorted(set(host_lines) - set(board_lines))[:3]}')
    for key in sorted(set(host_lines) & set(board_lines)):
        h, b = host_lines[key], board_lines[key]
        if h['status'] == 'converted' and b['status'] == 'ok':
            if filecmp.cmp(os.path.join(host, name, h['output']), os.path.join(sd, b['out']),
                           shallow=False):
                same += 1
            else:
                problem(f'{name}: {key}: BMPs differ')
        elif (h['status'] == 'failed' and b['status'] != 'ok' and
              h['reason'].startswith(b['status'] + ':')):
            failed_alike += 1
            if os.path.exists(os.path.join(sd, b['out'])):
                problem(f'{name}: {key} failed but left {b["out"]}')
        else:
            problem(f'{name}: {key}: host {h["status"]} ({h.get("reason")}), board {b["status"]}')
    host_cover = [r['source'] for r in report if r['role'] == 'cover' and r['source']]
    board_cover = urllib.parse.unquote(summary['cover'])
    if (host_cover[0] if host_cover else '-') != board_cover:
        problem(f'{name}: cover: host {host_cover}, board {board_cover}')
    print(f"  {name}: {summary['images']} images, {summary['converted']} converted, "
          f"{summary['failed']} failed, cover {board_cover} ({summary['cover_via']}), "
          f"stack {summary['stack']}")
stored = sum(1 for _, lines in books.values() for l in lines
             if l['entry_method'] == 'stored' and l['status'] == 'ok')
deflated = sum(1 for _, lines in books.values() for l in lines
               if l['entry_method'] == 'deflated' and l['status'] == 'ok')
print(f'books: {len(books)}; {same} bit-identical BMPs ({deflated} from deflated entries '
      f'inflated to a temporary file, {stored} from stored entries in place), '
      f'{failed_alike} failed alike, {bad} mismatches')
sys.exit(1 if bad or same == 0 or stored == 0 or deflated == 0 else 0)
PY
echo "ok: books"

# ---- 8. thumbnails through the cache on the flash stand-in ----
THUMB_BOOKS="childrens-literature wasteland israelsailing sample"
mkdir -p "$BOOKS_SD/flash" "$BOOKS_SD/tout"
: >"$BOOKS_SD/thumbs.txt"
for name in $THUMB_BOOKS; do echo "thumb $name.epub tout/$name.bmp" >>"$BOOKS_SD/thumbs.txt"; done
run_fw books "$WORK/thumbs1.log" jobs=thumbs.txt flash=books/flash ||
    { grep '^result' "$WORK/thumbs1.log"; fail "thumb jobs failed"; }
run_fw books "$WORK/thumbs2.log" jobs=thumbs.txt flash=books/flash
[ "$(grep -c '^result thumb .* status=ok .* lookup=hit ' "$WORK/thumbs2.log")" -eq 4 ] ||
    { grep '^result' "$WORK/thumbs2.log"; fail "a second run did not hit the cache"; }
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
for name in $THUMB_BOOKS; do
    line=$(grep "^result thumb in=$name.epub " "$WORK/thumbs1.log")
    [ "$(field lookup "$line")" = "miss_(absent)" ] || fail "$name: first lookup: $line"
    cover=$(field cover "$line")
    file=$(field file "$line")
    host_cover=$("$PYTHON" -c 'import json, sys
print(next(r["source"] for r in map(json.loads, open(sys.argv[1])) if r["role"] == "cover"))' \
        "$WORK/host-books/$name/report.jsonl")
    [ "$cover" = "$host_cover" ] || fail "$name: board cover $cover, host $host_cover"
    cache=$WORK/thumb-host/$name
    mkdir -p "$cache"
    image=$cache/cover.${cover##*.}
    "$PYTHON" -c 'import sys, zipfile
open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
        "$BOOKS_SD/$name.epub" "$cover" "$image"
    "$INKPIPE" thumb "$image" --cache "$cache" --codec arena >/dev/null || fail "$name: inkpipe thumb"
    thb=$(ls "$cache"/thumbs/*.thb)
    "$INKPIPE" thumb --show "$thb" -o "$cache/show.bmp" >/dev/null || fail "inkpipe thumb --show"
    cmp -s "$cache/show.bmp" "$BOOKS_SD/tout/$name.bmp" || fail "$name: thumbnail BMPs differ"
    # the 32-byte header names the book (path length and CRC): the payloads must be equal
    cmp -s <(tail -c +33 "$thb") <(tail -c +33 "$BOOKS_SD/flash/$file") ||
        fail "$name: .thb payloads differ"
    echo "  $name: $(field encoding "$line") $(field thb_bytes "$line") bytes, cover $cover"
done
echo "ok: thumbnails: 4 books, BMPs and .thb payloads equal the host's, the second run hits"
mkdir -p "$BOOKS_SD/flash2"
echo "thumb_max_entries = 2" >"$BOOKS_SD/settings.ini"
run_fw books "$WORK/thumbs3.log" jobs=thumbs.txt flash=books/flash2
rm -f "$BOOKS_SD/settings.ini"
evicted=$(sed -n 's/^result thumb .* evicted=\([0-9]*\) .*/\1/p' "$WORK/thumbs3.log" | tr '\n' ' ')
kept=$(cd "$BOOKS_SD/flash2" && ls -- *.thb | sort | tr '\n' ' ')
expected=$(for name in israelsailing sample; do
    field file "$(grep "^result thumb in=$name.epub " "$WORK/thumbs1.log")"; done | sort | tr '\n' ' ')
[ "$evicted" = "0 0 1 1 " ] && [ "$kept" = "$expected" ] ||
    fail "eviction: evicted '$evicted', kept '$kept', expected '$expected'"
echo "ok: with at most 2 entries the two oldest thumbnails were evicted (kept $kept)"
echo "PASS"
