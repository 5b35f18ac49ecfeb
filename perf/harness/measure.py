"""Running the measurements: inkbench (in-process), whole processes, callgrind, RV32.

Every result is a row (a dict with the columns of ROW_COLUMNS) of the CSV the report writes.
scope says what a row measured:
  in-process         inkbench: the call alone, input already in memory, median of repeated runs
                     (wall time, and the thread's CPU time, which the ratios use)
  process            a whole command (exec, load, decode, write the BMP): wall time median,
                     CPU time median, peak RSS from wait4()
  callgrind          instructions of one inkbench call (valgrind --toggle-collect)
  callgrind-process  instructions of a whole command under callgrind, process start included
  rv32               instructions on the board build (perf/board_report.sh's table)
"""
import csv
import os
import statistics
import struct
import subprocess
import tempfile
import time

GNU_TIME = "/usr/bin/time"
ROW_COLUMNS = ["group", "item", "kind", "width", "height", "in_bytes", "op", "path", "scope",
               "status", "runs", "median_ns", "min_ns", "mpix_per_s", "cpu_median_ns",
               "heap_peak_bytes", "peak_rss_bytes", "instructions", "out_bytes", "out_bpp",
               "out_check", "detail"]


def new_row(item, **fields):
    row = dict.fromkeys(ROW_COLUMNS, "")
    row.update(group=item.group, item=getattr(item, "source", None) or item.name,
               kind=getattr(item, "kind", "bundle"), width=getattr(item, "width", 0),
               height=getattr(item, "height", 0), in_bytes=item.in_bytes)
    row.update(fields)
    return row


def _mpix(width, height, ns):
    if not ns or not width:
        return ""
    return "%.2f" % (width * height / 1e6 / (ns / 1e9))


def inkbench_paths(inkbench):
    out = subprocess.run([inkbench, "--list-paths"], check=True, capture_output=True,
                         text=True).stdout
    paths = []
    for line in out.splitlines():
        op, name, kinds = line.split(",")
        paths.append((op, name, kinds.split()))
    return paths


def run_inkbench(inkbench, items, repeat, progress, extra_args=()):
    """items: CorpusImage or Bundle objects. Yields rows as inkbench prints them."""
    by_path = {item.path: item for item in items}
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        for item in items:
            listing.write(item.path + "\n")
    args = [inkbench, "--min-runs", str(repeat[0]), "--max-runs", str(repeat[1]),
            "--min-time-ms", str(repeat[2]), *extra_args, "--list", listing.name]
    rows = []
    try:
        with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as process:
            reader = csv.DictReader(process.stdout)
            for record in reader:
                item = by_path[record["item"]]
                median = int(record["median_ns"] or 0)
                cpu = int(record["cpu_median_ns"] or 0)
                width, height = int(record["width"]), int(record["height"])
                row = new_row(item, op=record["op"], path=record["path"], scope="in-process",
                              status=record["status"], runs=record["runs"],
                              median_ns=median or "", min_ns=int(record["min_ns"]) or "",
                              cpu_median_ns=cpu or "", mpix_per_s=_mpix(width, height, cpu),
                              heap_peak_bytes=record["heap_peak_bytes"]
                              if record["status"] == "ok" else "",
                              out_bytes=record["out_bytes"], out_check=record["check"],
                              detail=record["detail"])
                if record["kind"] == "bundle" and cpu:
                    row["mpix_per_s"] = ""
                    row["detail"] = "%.1f MB/s out (CPU time)" % (
                        int(record["out_bytes"]) / cpu * 1e3)
                rows.append(row)
                progress.advance(1, os.path.basename(record["item"]))
        if process.returncode:
            raise RuntimeError("inkbench exited with %d" % process.returncode)
    finally:
        os.unlink(listing.name)
    return rows


def bmp_bits_per_pixel(path):
    try:
        with open(path, "rb") as f:
            header = f.read(30)
        if header[:2] != b"BM" or len(header) < 30:
            return ""
        return struct.unpack("<H", header[28:30])[0]
    except OSError:
        return ""


def process_commands(tools, image, out_path):
    """The end-to-end commands for one image: (path name, argv)."""
    box = "480x800"
    commands = []
    for codec in ("system", "arena"):
        commands.append(("inkpipe-" + codec,
                         [tools["inkpipe"], "convert", image.path, "-o", out_path,
                          "--size", box, "--dither", "floyd-steinberg", "--codec", codec]))
    if tools.get("gm"):
        # GraphicsMagick's fastest form: -size before the input lets its JPEG reader decode at
        # a reduced DCT scale (at least the box); '>' only shrinks, as inkpipe does.
        # Transparency over white as inkpipe does: without "-extent 0x0 +matte" on a white
        # background gm keeps the alpha channel and writes a 24-bit BMP.
        commands.append(("gm", [tools["gm"], "convert", "-size", box, image.path,
                                "-resize", box + ">", "-background", "white", "-extent", "0x0",
                                "+matte", "-dither", "-monochrome", "BMP3:" + out_path]))
    if tools.get("convert"):
        # "-alpha remove" over white: otherwise -monochrome turns transparent pixels black.
        commands.append(("imagemagick", [tools["convert"], image.path, "-background", "white",
                                         "-alpha", "remove", "-resize", box + ">",
                                         "-dither", "FloydSteinberg", "-monochrome",
                                         "BMP3:" + out_path]))
    return commands


def run_process(argv):
    """(wall ns, cpu ns, exit status) of one run of argv."""
    started = time.perf_counter_ns()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter_ns() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = int((usage.ru_utime + usage.ru_stime) * 1e9)
    return wall, cpu, process.returncode


def peak_rss(argv, work_dir):
    """(peak RSS bytes, exit status) of one run of argv under GNU time. Not from our own wait4():
    Linux carries the pre-exec high-water mark over exec, so a child forked from this Python
    would report Python's own RSS; GNU time's fork is small. "" when /usr/bin/time is absent."""
    if not os.access(GNU_TIME, os.X_OK):
        return "", run_process(argv)[2]
    report = os.path.join(work_dir, "time.out")
    result = subprocess.run([GNU_TIME, "-f", "%M", "-o", report, *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open(report) as f:
            kib = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return "", result.returncode
    return kib * 1024, result.returncode


def run_processes(tools, images, repeats, work_dir, arena_status, progress):
    """Per image: each command once under GNU time (warm-up: peak RSS, exit status, the BMP's
    bits per pixel), then `repeats` timed runs (None: 3 for images of 1 MP or more, else 1),
    the commands taking turns so that a burst of load on the shared machine hits all of them
    alike."""
    rows = []
    out_path = os.path.join(work_dir, "out.bmp")
    for image in images:
        state = {}
        for name, argv in process_commands(tools, image, out_path):
            # The in-arena decoders decline some images by design (in-process convert said so):
            # the command would only print the same refusal.
            status, detail = arena_status.get(image.source, ("na", ""))
            if name == "inkpipe-arena" and status in ("na", "refused"):
                rows.append(new_row(image, op="convert", path=name, scope="process",
                                    status=status, detail=detail or "no in-arena %s decoder in "
                                    "this build" % image.kind.upper()))
                continue
            if os.path.exists(out_path):
                os.unlink(out_path)
            rss, code = peak_rss(argv, work_dir)
            state[name] = {"argv": argv, "rss": rss, "code": code, "walls": [], "cpus": [],
                           "bpp": bmp_bits_per_pixel(out_path) if code == 0 else ""}
        for _ in range(repeats or (3 if image.pixels >= 1000000 else 1)):
            for name, run in state.items():
                if run["code"] != 0:
                    continue
                wall, cpu, code = run_process(run["argv"])
                if code != 0:
                    run["code"] = code
                    continue
                run["walls"].append(wall)
                run["cpus"].append(cpu)
        for name, run in state.items():
            ok = run["code"] == 0 and run["walls"]
            median = int(statistics.median(run["walls"])) if ok else ""
            rows.append(new_row(
                image, op="convert", path=name, scope="process", status="ok" if ok else "failed",
                runs=len(run["walls"]), median_ns=median, min_ns=min(run["walls"]) if ok else "",
                mpix_per_s=_mpix(image.width, image.height, median) if ok else "",
                cpu_median_ns=int(statistics.median(run["cpus"])) if ok else "",
                peak_rss_bytes=run["rss"] if ok else "", out_bpp=run["bpp"] if ok else "",
                detail="" if ok else "exit status %d" % run["code"]))
        progress.advance(1, os.path.basename(image.path))
    return rows


def _callgrind_total(out_file):
    with open(out_file) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def run_callgrind(valgrind, inkbench, items, work_dir, progress):
    """Instructions (Ir) of each inkbench path on each item, one call each."""
    rows = []
    paths = inkbench_paths(inkbench)
    for item in items:
        kind = getattr(item, "kind", "bundle")
        for op, name, kinds in paths:
            if kind not in kinds:
                continue
            out_file = os.path.join(work_dir, "callgrind.out")
            argv = [valgrind, "--tool=callgrind", "--callgrind-out-file=" + out_file,
                    "--toggle-collect=bench_measured_call", inkbench, "--once", "--op", op,
                    "--path", name, item.path]
            result = subprocess.run(argv, capture_output=True, text=True,
                                    env=dict(os.environ, LD_BIND_NOW="1"))
            record = next(csv.DictReader(result.stdout.splitlines()), None)
            status = record["status"] if record else "failed"
            count = _callgrind_total(out_file) if status == "ok" else None
            row = new_row(item, op=op, path=name, scope="callgrind", status=status,
                          instructions=count or "")
            if count and getattr(item, "width", 0):
                row["detail"] = "%.1f instructions per source pixel" % (count / item.pixels)
            elif count and getattr(item, "out_bytes", 0):
                row["detail"] = "%.2f instructions per output byte" % (count / item.out_bytes)
            rows.append(row)
            progress.advance(1, name)
    return rows


def run_callgrind_processes(valgrind, tools, image, work_dir, arena_status, progress):
    """Instructions of each whole end-to-end command on one image, process start included."""
    rows = []
    out_path = os.path.join(work_dir, "out.bmp")
    for name, argv in process_commands(tools, image, out_path):
        if name == "inkpipe-arena" and arena_status.get(image.source, ("na",))[0] != "ok":
            progress.advance(1)
            continue
        out_file = os.path.join(work_dir, "callgrind.out")
        result = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=" + out_file,
                                 "--trace-children=no", *argv], capture_output=True)
        count = _callgrind_total(out_file) if result.returncode == 0 else None
        rows.append(new_row(image, op="convert", path=name, scope="callgrind-process",
                            status="ok" if count else "failed", instructions=count or ""))
        progress.advance(1, name)
    return rows


def board_key(image):
    """The name perf/board_report.sh gives an image: "<book>--<entry basename>" for EPUB
    images (sanitised), the file name for plain files."""
    if ".epub:" in image.source:
        book, entry = image.source.split(".epub:", 1)
        stem = book + "--" + os.path.basename(entry)
        return "".join(c if c.isalnum() or c in ".-_" else "_" for c in stem)
    return os.path.basename(image.source)


def read_board_report(tsv_path, images):
    """RV32 rows from the board build's table (perf/board_report.sh writes
    BUILD_DIR/board_report.tsv): each image converted with the defaults (480x800, Atkinson) by
    the firmware under QEMU, instructions retired (minstret)."""
    rows = []
    by_key = {board_key(image): image for image in images}
    with open(tsv_path) as f:
        for record in csv.DictReader(f, delimiter="\t"):
            image = by_key.get(record.get("image", ""))
            if not image:
                continue
            ok = record.get("status") == "ok" and record.get("instructions", "").isdigit()
            count = int(record["instructions"]) if ok else ""
            rows.append(new_row(image, op="convert", path="board", scope="rv32",
                                status="ok" if ok else "refused" if record.get("status") in (
                                    "unsupported", "too-large", "too_large") else "failed",
                                instructions=count,
                                detail=("%.1f instructions per source pixel; scale %s; "
                                        "stack %s B" % (count / image.pixels, record.get("scale"),
                                                        record.get("stack_bytes"))
                                        if ok else record.get("status", ""))))
    return rows
