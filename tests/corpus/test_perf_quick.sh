#!/usr/bin/env bash
# The benchmark harness works: `perf/run.sh --quick` over the shared corpus exits 0 and writes
# report.md and results.csv, and the CSV says that every path ran. Nothing about speed is
# asserted. What is checked, from the CSV (expectations that do not come from the harness):
#   - the in-process paths (inkpipe system/arena, stb_image, libspng, lodepng, inflate three
#     ways) ran with status ok on every item, and none failed;
#   - each whole-process command wrote a BMP of 1 bit per pixel (inkpipe, gm, ImageMagick);
#   - the counting allocator sees the heap: inkpipe's paths hold at least the 81,920-byte arena,
#     libjpeg-turbo/libpng add to it, and the in-arena PNG decoder allocates nothing else;
#   - the report has its sections.
# Skips (77) without the corpus or without the inkbench binary.
set -u
shared=${INK_SHARED_DIR:-${INK_SOURCE_DIR:-.}/../shared}
build=${INK_BUILD_DIR:-build}
source_dir=${INK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ ! -d "$shared/corpus/epub" ] || [ ! -d "$shared/corpus/pngsuite" ]; then
    echo "skip: no corpus under $shared"; exit 77
fi
if [ ! -x "$build/perf/inkbench" ] || [ ! -x "$build/inkpipe" ]; then
    echo "skip: $build/perf/inkbench or inkpipe not built"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
extra=()
# Sanitizer builds cannot run under valgrind, and their allocator is not ours to count.
sanitized=0
if grep -q '^INK_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
    sanitized=1
    extra+=(--no-callgrind)
fi
INK_SHARED_DIR=$shared "$source_dir/perf/run.sh" --quick --no-build --build-dir "$build" \
    --out "$work/out" "${extra[@]}" >"$work/stdout" 2>"$work/stderr"
status=$?
if [ $status -ne 0 ]; then
    echo "FAIL perf/run.sh --quick exited $status"; cat "$work/stdout" "$work/stderr"; exit 1
fi
SANITIZED=$sanitized /usr/bin/python3 - "$work/out" <<'PY'
import csv, os, sys
out = sys.argv[1]
sanitized = os.environ["SANITIZED"] == "1"
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

with open(os.path.join(out, "results.csv")) as f:
    rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
check(rows, "results.csv has rows")
inproc = [r for r in rows if r["scope"] == "in-process"]
def paths_for(kind, op):
    return {r["path"] for r in inproc if r["kind"] == kind and r["op"] == op and r["status"] == "ok"}
for kind in ("jpeg", "png"):
    check({"ink-system", "stb_image"} <= paths_for(kind, "decode"), kind + " decode paths ran")
    check("ink-system" in paths_for(kind, "convert"), kind + " convert ran")
# (lodepng's C++ shim is left out of sanitizer builds)
png_paths = {"ink-arena", "libspng"} | (set() if sanitized else {"lodepng"})
check(png_paths <= paths_for("png", "decode"), "png decode paths ran")
check({"ink-inflate", "zlib", "libdeflate"} <= paths_for("bundle", "inflate"), "inflate paths ran")
for r in rows:
    check(r["status"] != "failed", "no failure: %s %s %s %s (%s)" % (
        r["scope"], r["op"], r["path"], r["item"], r["detail"]))
    check(r["status"] != "ok" or r["scope"] not in ("in-process", "process") or r["median_ns"],
          "a time for %s %s" % (r["path"], r["item"]))
procs = [r for r in rows if r["scope"] == "process" and r["status"] == "ok"]
check({r["path"] for r in procs} >= {"inkpipe-system", "inkpipe-arena"}, "inkpipe processes ran")
for r in procs:
    check(r["out_bpp"] == "1", "%s wrote a 1-bit BMP for %s (got %r)" % (r["path"], r["item"],
                                                                         r["out_bpp"]))
if not sanitized:
    for r in inproc:
        if r["status"] != "ok" or not r["path"].startswith("ink-") or r["op"] == "inflate":
            continue
        heap = int(r["heap_peak_bytes"])
        check(heap >= 81920, "%s %s counts the arena (%d)" % (r["path"], r["item"], heap))
        if r["path"] == "ink-arena":
            check(heap < 81920 + 64, "in-arena %s %s allocates only the arena (%d)" % (
                r["op"], r["item"], heap))
        if r["path"] == "ink-system" and r["op"] == "decode":
            check(heap > 81920 + 4096, "libjpeg/libpng allocations are counted (%d)" % heap)
    cg = [r for r in rows if r["scope"] == "callgrind"]
    check(cg and all(r["instructions"].isdigit() and int(r["instructions"]) > 1000 for r in cg),
          "callgrind counted instructions")
report = open(os.path.join(out, "report.md")).read()
for section in ("## Machine, compiler, libraries", "## Headline ratios", "## End to end",
                "## Decode only, in-process", "## Inflate"):
    check(section in report, "report has " + section)
for failure in failures:
    print("FAIL", failure)
print("%d rows, %d checks failed" % (len(rows), len(failures)))
sys.exit(1 if failures else 0)
PY
