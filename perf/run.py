#!/usr/bin/python3
"""perf/run.py — the one command behind every speed and memory claim of inkpipe.

    perf/run.sh                 full report for the shared corpus -> perf/results/<date>/
    perf/run.sh --quick         a tiny subset (CI checks that the harness works; no claims)

See perf/README.md for what is measured, how, and how to read the report.
"""
import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import corpus, measure, report  # noqa: E402
from harness.progress import Progress  # noqa: E402

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ["libjpeg62-turbo", "libpng16-16", "zlib1g", "libspng0", "libdeflate0", "libstb0",
            "liblodepng0", "graphicsmagick", "imagemagick-6.q16", "valgrind", "cmake"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="two images per group, one run each (checks the harness only)")
    parser.add_argument("--corpus", action="append", metavar="DIR",
                        help="a folder of EPUBs and/or images (repeatable; default: the shared "
                        "corpus's epub/ and pngsuite/)")
    parser.add_argument("--shared", default=os.environ.get(
        "INK_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared")))
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-perf"),
                        help="CMake build folder (configured as Release if new)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the binaries already in --build-dir")
    parser.add_argument("--out", help="report folder (default: perf/results/<date>, or "
                        "<build-dir>/perf-quick with --quick)")
    parser.add_argument("--repeats", type=int, help="timed runs of each whole process, after "
                        "the warm-up (default: 3 for images of 1 MP or more, 1 below)")
    parser.add_argument("--no-processes", action="store_true",
                        help="skip the whole-process runs (inkpipe CLI, gm, convert)")
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--board", action="store_true",
                        help="with --quick: run perf/board_report.sh too (a full run does)")
    parser.add_argument("--no-board", action="store_true",
                        help="skip perf/board_report.sh (RV32 counts under QEMU, ~1.5 min); an "
                        "existing <build-dir>/board_report.tsv is still used")
    return parser.parse_args(argv)


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, **kwargs)


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
            stdout=subprocess.DEVNULL)
    run(["cmake", "--build", build_dir, "-j2", "--target", "inkbench", "inkpipe"],
        stdout=subprocess.DEVNULL)


def cache_value(build_dir, key):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def first_line(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "?"


def environment(build_dir, command, load_at_start):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    build_type = cache_value(build_dir, "CMAKE_BUILD_TYPE")
    flags = cache_value(build_dir, "CMAKE_C_FLAGS") + " " + cache_value(
        build_dir, "CMAKE_C_FLAGS_" + build_type.upper())
    compiler = cache_value(build_dir, "CMAKE_C_COMPILER")
    versions = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *PACKAGES],
                              capture_output=True, text=True).stdout.split("\n")
    commit = first_line(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", SOURCE_DIR, "status", "--porcelain", "--", "."],
                           capture_output=True, text=True).stdout.strip()
    return [
        ("command", command),
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("source", "git %s%s" % (commit, " (uncommitted changes)" if dirty else "")),
        ("machine", "%s, %d cores, Linux %s, Debian %s" % (
            cpu, os.cpu_count(), platform.release(), open("/etc/debian_version").read().strip())),
        ("load average (1, 5, 15 min) at start", load_at_start),
        ("load average at end", "%.2f %.2f %.2f" % os.getloadavg()),
        ("compiler", "%s (%s)" % (first_line([compiler or "cc", "--version"]), compiler)),
        ("build", "CMAKE_BUILD_TYPE=%s, C flags: %s" % (build_type, " ".join(flags.split()))),
        ("libraries (Debian packages)", "; ".join(v for v in versions if v)),
        ("GraphicsMagick", first_line(["gm", "version"])),
        ("ImageMagick", first_line(["/usr/bin/convert", "-version"])),
    ]


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    load_at_start = "%.2f %.2f %.2f" % os.getloadavg()
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        print("perf: building inkbench and inkpipe in %s" % build_dir, file=sys.stderr)
        build(build_dir)
    inkbench = os.path.join(build_dir, "perf", "inkbench")
    inkpipe = os.path.join(build_dir, "inkpipe")
    for binary in (inkbench, inkpipe):
        if not os.access(binary, os.X_OK):
            sys.exit("perf: %s is missing (build it, or drop --no-build)" % binary)
    corpus_dirs = args.corpus or [os.path.join(args.shared, "corpus", "epub"),
                                  os.path.join(args.shared, "corpus", "pngsuite")]
    corpus_dirs = [d for d in corpus_dirs if os.path.isdir(d)]
    if not corpus_dirs:
        print("perf: no corpus folder found (looked under %s)" % args.shared, file=sys.stderr)
        return 77
    work_dir = os.path.join(build_dir, "perf-work")
    if args.quick:
        out_dir = args.out or os.path.join(build_dir, "perf-quick")
    else:
        out_dir = args.out or os.path.join(SOURCE_DIR, "perf", "results",
                                           datetime.date.today().isoformat())
    os.makedirs(out_dir, exist_ok=True)
    command = "perf/run.sh" + (" " + " ".join(argv) if argv else "")

    print("perf: gathering the corpus from %s" % ", ".join(corpus_dirs), file=sys.stderr)
    images, bundles, notes = corpus.collect(corpus_dirs, work_dir)
    valid = [i for i in images if not i.skip_reason]
    skipped = [i for i in images if i.skip_reason]
    if args.quick:
        valid = corpus.quick_subset(valid)
        bundles = sorted(bundles, key=lambda b: b.in_bytes)[:1]
    bundles += corpus.png_bundles(valid, work_dir)
    subset = corpus.fixed_subset(valid)
    if args.quick:
        subset = sorted(valid, key=lambda i: (i.pixels, i.source))[:1]
    photos = {i.source for i in valid if i.group == "epub JPEG" and 2e6 <= i.pixels <= 4e6}

    corpus_lines = ["folders: %s" % ", ".join("`%s`" % os.path.relpath(d, SOURCE_DIR)
                                               for d in corpus_dirs)]
    for group in sorted({i.group for i in valid}):
        members = [i for i in valid if i.group == group]
        corpus_lines.append("%s: %d images, %.1f MP in all, median %.2f MP, largest %dx%d" % (
            group, len(members), sum(i.pixels for i in members) / 1e6,
            sorted(i.pixels for i in members)[len(members) // 2] / 1e6,
            *max(((i.width, i.height) for i in members), key=lambda s: s[0] * s[1])))
    corpus_lines.append("inflate bundles: %d (%d streams, %.1f MB inflated)" % (
        len(bundles), sum(b.streams for b in bundles), sum(b.out_bytes for b in bundles) / 1e6))
    corpus_lines.append("photos of 2–4 MP (epub JPEG): %d" % len(photos))
    if skipped:
        corpus_lines.append("skipped (not valid images): %d — %s" % (
            len(skipped), ", ".join(os.path.basename(i.source) for i in skipped[:12]) +
            (", …" if len(skipped) > 12 else "")))
    if args.quick:
        corpus_lines.append("--quick: the smallest and the median image of each group, one "
                            "book bundle; one run each — these numbers mean nothing")
    corpus_lines += notes

    paths = measure.inkbench_paths(inkbench)
    rows = []
    problems = []

    def phase(label, steps, work):
        """Runs one phase with its progress bar; a crash is recorded and the run goes on, so
        that the report of the other phases is still written (and the exit status says so)."""
        progress = Progress(label, steps)
        try:
            rows.extend(work(progress))
        except Exception as error:  # report it, keep the other phases' results
            traceback.print_exc()
            problems.append("%s: %s: %s" % (label, type(error).__name__, error))
        progress.finish()

    n_rows = sum(1 for i in valid for op, _n, kinds in paths
                 if i.kind in kinds and op != "inflate")
    n_rows += sum(1 for _b in bundles for op, _n, kinds in paths if "bundle" in kinds)
    repeat = (1, 1, 0) if args.quick else (3, 7, 30)
    phase("in-process", n_rows, lambda progress: measure.run_inkbench(
        inkbench, valid + bundles, repeat, progress, ["--op", "decode,convert,inflate"]))
    arena_status = {r["item"]: (r["status"], r["detail"]) for r in rows
                    if r["path"] == "ink-arena" and r["op"] == "convert"}

    tools = {"inkpipe": inkpipe, "gm": shutil.which("gm"),
             # the real ImageMagick, not a wrapper that may sit earlier on PATH
             "convert": "/usr/bin/convert" if os.access("/usr/bin/convert", os.X_OK)
             else shutil.which("convert")}
    if not args.no_processes:
        repeats = args.repeats or (1 if args.quick else None)
        phase("processes", len(valid), lambda progress: measure.run_processes(
            tools, valid, repeats, work_dir, arena_status, progress))

    valgrind = shutil.which("valgrind")
    if valgrind and not args.no_callgrind:
        idat = sorted((b for b in bundles if b.group == "PNG IDAT"), key=lambda b: b.out_bytes)
        books = sorted((b for b in bundles if b.group != "PNG IDAT"), key=lambda b: b.out_bytes)
        items = subset + (idat[:1] if args.quick else idat + books[len(books) // 4:][:1])
        n_cg = sum(1 for i in items for op, _n, kinds in paths
                   if getattr(i, "kind", "bundle") in kinds)
        phase("callgrind", n_cg, lambda progress: measure.run_callgrind(
            valgrind, inkbench, items, work_dir, progress))
        photo = min((i for i in subset if i.kind == "jpeg"),
                    key=lambda i: abs(i.pixels - 3e6), default=None)
        if photo and not args.quick and not args.no_processes:
            phase("callgrind e2e", 4, lambda progress: measure.run_callgrind_processes(
                valgrind, tools, photo, work_dir, arena_status, progress))
    else:
        corpus_lines.append("callgrind: skipped (%s)" % ("valgrind not installed" if not valgrind
                                                         else "--no-callgrind"))

    board_tsv = os.path.join(build_dir, "board_report.tsv")
    board_script = os.path.join(SOURCE_DIR, "perf", "board_report.sh")
    run_board = (args.board or (not args.quick and not args.no_board)) and \
        os.path.exists(board_script) and shutil.which("qemu-system-riscv32")
    refreshed = False
    if run_board:
        print("perf: RV32 counts: perf/board_report.sh %s" % build_dir, file=sys.stderr)
        started_board = time.monotonic()
        result = subprocess.run(["bash", board_script, build_dir, args.shared],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        refreshed = result.returncode == 0
        if not refreshed:
            problems.append("board_report.sh exited %d: %s" % (
                result.returncode, result.stderr.strip().splitlines()[-1:]))
        print("perf: RV32 counts: done in %.0f s" % (time.monotonic() - started_board),
              file=sys.stderr)
    if os.path.exists(board_tsv) and not args.quick:
        board_rows = measure.read_board_report(board_tsv, valid)
        rows += board_rows
        corpus_lines.append("RV32: `%s` (perf/board_report.sh), %d images matched%s" % (
            os.path.relpath(board_tsv, SOURCE_DIR), len(board_rows),
            "" if refreshed else " — an existing table, not refreshed by this run"))
    else:
        corpus_lines.append("RV32: not in this run (%s)" % (
            "--quick" if args.quick else "no board table: perf/board_report.sh needs "
            "qemu-system-riscv32 and the rv32 toolchain"))
    corpus_lines += ["**problem** in phase %s" % p for p in problems]

    env = environment(build_dir, command, load_at_start)
    elapsed = time.monotonic() - started
    env.append(("run time", "%.1f minutes" % (elapsed / 60)))
    by_name = {i.source: i for i in valid}
    by_name.update({b.name: b for b in bundles})
    report.write_csv(os.path.join(out_dir, "results.csv"), rows, env)
    title = "inkpipe performance report, %s%s" % (datetime.date.today().isoformat(),
                                                  " (--quick: no claims)" if args.quick else "")
    report.write_markdown(os.path.join(out_dir, "report.md"), rows, env, corpus_lines, by_name,
                          photos, title, elapsed)
    print("perf: report in %s (report.md, results.csv), %.1f minutes" % (out_dir, elapsed / 60))
    for label, value, detail in report.headline(rows, photos):
        print("  %s: %s (%s)" % (label, value, detail))
    failed = [r for r in rows if r["status"] == "failed"]
    if failed:
        print("perf: %d rows failed (see the report's Failures section)" % len(failed))
    for problem in problems:
        print("perf: phase %s" % problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
