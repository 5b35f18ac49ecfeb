"""The report: report.md (summaries, headline ratios) and results.csv (every row)."""
import csv
import statistics

from .measure import ROW_COLUMNS

DECODE_REFERENCE = "ink-system"    # libjpeg-turbo / libpng through inkpipe's host adapters
PROCESS_REFERENCE = "gm"
INFLATE_REFERENCE = "zlib"
PATH_NOTES = {
    "ink-system": "inkpipe, `--codec system` (libjpeg-turbo / libpng)",
    "ink-arena": "inkpipe, `--codec arena` (in-arena decoders)",
    "stb_image": "stb_image, 1 channel",
    "libspng": "libspng, G8/RGB8/RGBA8",
    "lodepng": "lodepng, GREY/RGB/RGBA 8",
    "inkpipe-system": "`inkpipe convert --codec system`",
    "inkpipe-arena": "`inkpipe convert --codec arena`",
    "gm": "`gm convert -size 480x800 …`",
    "imagemagick": "ImageMagick `convert …`",
    "ink-inflate": "inkpipe inflate (4 KB output pieces)",
    "zlib": "zlib inflate() (4 KB output pieces)",
    "libdeflate": "libdeflate (whole buffer)",
}


def write_csv(path, rows, environment):
    with open(path, "w", newline="") as f:
        for key, value in environment:
            f.write("# %s: %s\n" % (key, value))
        writer = csv.DictWriter(f, fieldnames=ROW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _num(value):
    return int(value) if value not in ("", None) else None


def _ms(ns):
    return "—" if ns is None else ("%.2f" % (ns / 1e6) if ns < 1e8 else "%.0f" % (ns / 1e6))


def _kib(nbytes):
    return "—" if nbytes is None else "{:,}".format(int(round(nbytes / 1024)))


def _ratio(value):
    return "—" if value is None else ("%.2f×" % value if value < 10 else "%.1f×" % value)


def _order(paths):
    known = list(PATH_NOTES)
    return sorted(paths, key=lambda p: (known.index(p) if p in known else len(known), p))


def _counts(items):
    """(refused, failed, n.a.) among rows."""
    items = list(items)
    return tuple(sum(1 for r in items if r["status"] == s) for s in ("refused", "failed", "na"))


def _by_item(rows, **match):
    """{path: {item: row}} of rows matching all fields."""
    table = {}
    for row in rows:
        if all(row[key] == value for key, value in match.items()):
            table.setdefault(row["path"], {})[row["item"]] = row
    return table


def speedups(table, path, reference, key="cpu_median_ns"):
    """(median of per-image reference_time/path_time, ratio of totals, count) over the items
    where both succeeded; times from column `key` (CPU time by default: the machine is
    shared, and CPU time does not count waiting for a core)."""
    mine, ref = table.get(path, {}), table.get(reference, {})
    pairs = [(_num(ref[i][key]), _num(mine[i][key])) for i in mine
             if i in ref and mine[i]["status"] == "ok" and ref[i]["status"] == "ok"]
    pairs = [(r, m) for r, m in pairs if r and m]
    if not pairs:
        return None, None, 0
    return (statistics.median(r / m for r, m in pairs),
            sum(r for r, _ in pairs) / sum(m for _, m in pairs), len(pairs))


def _summary_table(rows, scope, op, reference, reference_label, group):
    table = _by_item(rows, scope=scope, op=op, group=group)
    if not table:
        return []
    lines = ["| path | ok / refused / failed / n.a. | total MP | MP/s (total, CPU) | median CPU ms per "
             "image (wall) | "
             "speed vs %s: median per image | …: ratio of totals | peak heap KiB: median / max | "
             "output identical to the reference's |" % reference_label,
             "|---|---|---|---|---|---|---|---|---|---|"]
    for path in _order(table):
        items = table[path].values()
        ok = [r for r in items if r["status"] == "ok"]
        refused, failed, na = _counts(items)
        if not ok:
            lines.append("| %s | 0 / %d / %d / %d | | | | | | | | |" % (path, refused, failed,
                                                                        na))
            continue
        same = ""
        if path.startswith("ink-") and path != reference:
            ref = table.get(reference, {})
            compared = [r for r in ok if r["item"] in ref and ref[r["item"]]["status"] == "ok"]
            same = "%d of %d" % (sum(1 for r in compared
                                     if r["out_check"] == ref[r["item"]]["out_check"]),
                                 len(compared))
        megapixels = sum(int(r["width"]) * int(r["height"]) for r in ok) / 1e6
        total_ns = sum(int(r["cpu_median_ns"]) for r in ok)
        heaps = [int(r["heap_peak_bytes"]) for r in ok if r["heap_peak_bytes"] != ""]
        median_ratio, total_ratio, _ = speedups(table, path, reference)
        lines.append("| %s | %d / %d / %d / %d | %.1f | %.1f | %s | %s | %s | %s / %s | %s |" % (
            path, len(ok), refused, failed, na, megapixels, megapixels / (total_ns / 1e9),
            "%s (%s)" % (_ms(statistics.median(int(r["cpu_median_ns"]) for r in ok)),
                         _ms(statistics.median(int(r["median_ns"]) for r in ok))),
            "(reference)" if path == reference else _ratio(median_ratio),
            "(reference)" if path == reference else _ratio(total_ratio),
            _kib(statistics.median(heaps)) if heaps else "—", _kib(max(heaps)) if heaps else "—",
            same))
    return lines


def _process_table(rows, group, select=None):
    table = _by_item(rows, scope="process", group=group)
    if select:
        table = {p: {i: r for i, r in items.items() if i in select} for p, items in table.items()}
    if not table:
        return []
    lines = ["| command | ok / refused / failed / n.a. | median wall ms per image | total wall s | "
             "inkpipe's speedup, wall: median per image | …: ratio of totals | "
             "inkpipe's speedup, CPU: median per image | median CPU ms | "
             "peak RSS MiB: median / max | output bits per pixel |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for path in _order(table):
        items = table[path].values()
        ok = [r for r in items if r["status"] == "ok"]
        refused, failed, na = _counts(items)
        if not ok:
            lines.append("| %s | 0 / %d / %d / %d | | | | | | | | |" % (path, refused, failed,
                                                                        na))
            continue
        walls = [int(r["median_ns"]) for r in ok]
        rss = [int(r["peak_rss_bytes"]) for r in ok]
        bpps = sorted({str(r["out_bpp"]) for r in ok})
        if path.startswith("inkpipe"):
            speed = "(inkpipe)", "(inkpipe)", "(inkpipe)"
        else:
            speed = []
            for key, pick in (("median_ns", 0), ("median_ns", 1), ("cpu_median_ns", 0)):
                parts = []
                for codec in ("system", "arena"):
                    result = speedups(table, "inkpipe-" + codec, path, key)
                    if result[2]:
                        parts.append("%s %s" % (codec, _ratio(result[pick])))
                speed.append(", ".join(parts) or "—")
        lines.append("| %s | %d / %d / %d / %d | %s | %.2f | %s | %s | %s | %s | %.1f / %.1f | %s |"
                     % (path, len(ok), refused, failed, na, _ms(statistics.median(walls)),
                        sum(walls) / 1e9, speed[0], speed[1], speed[2],
                        _ms(statistics.median(int(r["cpu_median_ns"]) for r in ok)),
            statistics.median(rss) / 1048576, max(rss) / 1048576, ", ".join(bpps)))
    return lines


def _inflate_table(rows, bundles):
    lines = ["| bundle | streams | MB in → out | path | status | median CPU ms | MB/s (output) | "
             "speed vs zlib | peak heap KiB |", "|---|---|---|---|---|---|---|---|---|"]
    table = _by_item(rows, scope="in-process", op="inflate")
    items = sorted({i for p in table.values() for i in p})
    for item in items:
        ref = table.get(INFLATE_REFERENCE, {}).get(item)
        for path in _order(table):
            row = table[path].get(item)
            if not row:
                continue
            median = _num(row["cpu_median_ns"])
            ratio = (_num(ref["cpu_median_ns"]) / median if ref and median
                     and ref["cpu_median_ns"] else None)
            lines.append("| %s | %s | %.2f → %.2f | %s | %s | %s | %s | %s | %s |" % (
                item, getattr(bundles.get(item), "streams", ""), int(row["in_bytes"]) / 1e6,
                int(row["out_bytes"] or 0) / 1e6, path, row["status"], _ms(median),
                "%.0f" % (int(row["out_bytes"]) / median * 1e3) if median else "—",
                "(reference)" if path == INFLATE_REFERENCE else _ratio(ratio),
                _kib(_num(row["heap_peak_bytes"]))))
    return lines


def _inflate_totals(rows, group=None):
    table = _by_item(rows, scope="in-process", op="inflate")
    if group:
        table = {p: {i: r for i, r in v.items() if r["group"] == group} for p, v in table.items()}
    return speedups(table, "ink-inflate", INFLATE_REFERENCE)


def _instruction_table(rows, images):
    counts = {}
    for row in rows:
        if row["scope"] == "callgrind" and row["instructions"] != "":
            counts[(row["item"], row["op"], row["path"])] = int(row["instructions"])
    if not counts:
        return []
    lines = ["| item | size | op | path | x86-64 instructions | per source pixel / output byte |",
             "|---|---|---|---|---|---|"]
    for item, op, path in sorted(counts, key=lambda k: (k[0], k[1], _order([k[2]])[0])):
        info = images.get(item)
        count = counts[(item, op, path)]
        if info and getattr(info, "width", 0):
            size, per = "%dx%d" % (info.width, info.height), "%.1f /px" % (count / info.pixels)
        else:
            out = getattr(info, "out_bytes", 0) if info else 0
            size = "%.2f MB out" % (out / 1e6) if out else ""
            per = "%.2f /B" % (count / out) if out else "—"
        lines.append("| %s | %s | %s | %s | %s | %s |" % (item, size, op, path,
                                                          "{:,}".format(count), per))
    return lines


BOARD_MHZ = 160
BOARD_CPI = 1.5


def _board_tables(rows, images, subset_items):
    board = [r for r in rows if r["scope"] == "rv32"]
    if not board:
        return []
    lines = ["| group | ok / refused / failed | source MP | instructions | per source pixel "
             "(total) | per source pixel: median image | median ms per image @%d MHz, CPI 1 / "
             "%.1f |" % (BOARD_MHZ, BOARD_CPI), "|---|---|---|---|---|---|---|"]
    for group in sorted({r["group"] for r in board}):
        members = [r for r in board if r["group"] == group]
        ok = [r for r in members if r["status"] == "ok"]
        refused, failed, _na = _counts(members)
        if not ok:
            lines.append("| %s | 0 / %d / %d | | | | | |" % (group, refused, failed))
            continue
        pixels = sum(int(r["width"]) * int(r["height"]) for r in ok)
        total = sum(int(r["instructions"]) for r in ok)
        median_ins = statistics.median(int(r["instructions"]) for r in ok)
        lines.append("| %s | %d / %d / %d | %.1f | %s | %.1f | %.1f | %.0f / %.0f |" % (
            group, len(ok), refused, failed, pixels / 1e6, "{:,}".format(total), total / pixels,
            statistics.median(int(r["instructions"]) / (int(r["width"]) * int(r["height"]))
                              for r in ok),
            median_ins / (BOARD_MHZ * 1e3), median_ins * BOARD_CPI / (BOARD_MHZ * 1e3)))
    chosen = [r for r in board if r["item"] in subset_items]
    if chosen:
        lines += ["", "| item | size | status | RV32 instructions | per source pixel | x86-64 "
                  "instructions, in-process convert (callgrind) |", "|---|---|---|---|---|---|"]
        x86 = {(r["item"], r["path"]): r["instructions"] for r in rows
               if r["scope"] == "callgrind" and r["op"] == "convert"}
        for r in sorted(chosen, key=lambda r: r["item"]):
            info = images.get(r["item"])
            n = int(r["instructions"]) if r["instructions"] != "" else None
            x = x86.get((r["item"], "ink-arena")) or x86.get((r["item"], "ink-system"))
            lines.append("| %s | %dx%d | %s | %s | %s | %s |" % (
                r["item"], info.width, info.height, r["status"],
                "{:,}".format(n) if n else "—", "%.1f" % (n / info.pixels) if n else "—",
                "{:,}".format(int(x)) if x else "—"))
    return lines


def headline(rows, photo_items):
    """The headline ratios as (label, value text, detail) triples."""
    lines = []
    process = _by_item(rows, scope="process")
    subsets = [("all images", None), ("photos 2–4 MP", photo_items)]
    for peer, peer_label in (("gm", "GraphicsMagick (`gm convert -size 480x800`)"),
                             ("imagemagick", "ImageMagick (`convert`)")):
        for ink in ("inkpipe-system", "inkpipe-arena"):
            for label, select in subsets:
                table = process
                if select is not None:
                    table = {p: {i: r for i, r in v.items() if i in select}
                             for p, v in process.items()}
                # inkpipe's speedup over the peer: the peer's time over inkpipe's
                median, total, count = speedups(table, ink, peer, "median_ns")
                cpu_median, cpu_total, _ = speedups(table, ink, peer, "cpu_median_ns")
                if count:
                    lines.append(("`inkpipe convert --codec %s` vs %s, %s" % (
                        ink.split("-")[1], peer_label, label),
                        "wall time: **%s** faster (median per image), %s on totals; CPU time: "
                        "%s (median), %s (totals)" % (_ratio(median), _ratio(total),
                                                      _ratio(cpu_median), _ratio(cpu_total)),
                        "%d images, whole processes including start-up" % count))
    for group_word, kind_label in (("JPEG", "libjpeg-turbo"), ("PNG", "libpng")):
        groups = sorted({r["group"] for r in rows if r["group"].endswith(group_word)})
        for group in groups:
            table = _by_item(rows, scope="in-process", op="decode", group=group)
            median, total, count = speedups(table, "ink-arena", DECODE_REFERENCE)
            if count:
                lines.append(("in-arena %s decoder vs %s, decode only, %s" % (
                    group_word, kind_label, group), "%s (median per image), %s on total CPU time" % (
                    _ratio(median), _ratio(total)), "%d images; >1 means faster" % count))
            else:
                lines.append(("in-arena %s decoder vs %s, %s" % (group_word, kind_label, group),
                              "not in this build yet", ""))
    for group in sorted({r["group"] for r in rows if r["op"] == "inflate"}):
        median, total, count = _inflate_totals(rows, group)
        if count:
            lines.append(("in-arena inflate vs zlib, %s" % group,
                          "%s on total time (median per bundle %s)" % (_ratio(total),
                                                                        _ratio(median)),
                          "%d bundles; >1 means faster" % count))
    return lines


def write_markdown(path, rows, environment, corpus_lines, images, photo_items, title, elapsed):
    out = ["# %s" % title, ""]
    out.append("Produced by `%s` in %.1f minutes. Every ratio below compares paths measured in "
               "the same run, image by image. The machine is shared, so in-process ratios use the thread's "
               "CPU time (it does not count waiting for a core) and whole processes are given in "
               "wall time (what the issue's goal is stated in) and in CPU time (user + system); "
               "with a high load average (below) trust the CPU-time ratios. `results.csv` has "
               "every row." % (
                   environment[0][1], elapsed / 60))
    out += ["", "## Machine, compiler, libraries", "", "| | |", "|---|---|"]
    out += ["| %s | %s |" % (k, v) for k, v in environment[1:]]
    out += ["", "## Corpus", ""] + ["- " + line for line in corpus_lines]
    out += ["", "## Headline ratios", "", "| comparison | result | measured over |",
            "|---|---|---|"]
    out += ["| %s | %s | %s |" % h for h in headline(rows, photo_items)]

    groups = sorted({r["group"] for r in rows if r["kind"] in ("jpeg", "png")})
    out += ["", "## End to end: one image to a 480×800 Floyd–Steinberg 1-bit BMP, whole "
            "processes", "",
            "Wall time from fork to exit (process start, reading the file, decoding, scaling, "
            "dithering, writing the BMP), median of the repeats; CPU time is user + system "
            "(ImageMagick and GraphicsMagick may use a second thread); peak RSS from GNU time (warm-up run). "
            "\"speedup\" is the command's time over inkpipe's: how many times faster inkpipe "
            "is. The last column is the BMP's bits per pixel as written (must be 1)."]
    for group in groups:
        lines = _process_table(rows, group)
        if lines:
            out += ["", "### %s" % group, ""] + lines
    if photo_items:
        out += ["", "### photos of 2–4 MP (the issue's reference class)", ""]
        out += _process_table(rows, "epub JPEG", photo_items)

    out += ["", "## Decode only, in-process", "",
            "Input in memory, full size (no DCT scaling), to each library's natural 8-bit "
            "output; median of repeated calls, in the thread's CPU time (wall time in "
            "parentheses: on a busy machine it includes waiting for a core). \"speed vs\" is "
            "the reference's CPU time over the path's "
            "(>1 = faster than the reference); the reference is inkpipe's system path "
            "(libjpeg-turbo / libpng, with inkpipe's gray conversion). Peak heap counts every "
            "malloc during the call (inkpipe's paths include their 80 KiB arena)."]
    for group in groups:
        lines = _summary_table(rows, "in-process", "decode", DECODE_REFERENCE,
                               "libjpeg-turbo/libpng", group)
        if lines:
            out += ["", "### %s" % group, ""] + lines
    out += ["", "## Convert to the 480×800 BMP, in-process", "",
            "inkpipe's whole pipeline (decode with DCT scaling where the decoder has it, scale, "
            "Floyd–Steinberg, BMP to memory), without process start or file I/O."]
    for group in groups:
        lines = _summary_table(rows, "in-process", "convert", DECODE_REFERENCE,
                               "`--codec system`", group)
        if lines:
            out += ["", "### %s" % group, ""] + lines
    if any(r["op"] == "inflate" for r in rows):
        out += ["", "## Inflate", "",
                "Each bundle is a set of deflate streams inflated one after the other: a book's "
                "deflated zip entries (raw deflate), or the IDAT zlib streams of a PNG group."]
        out += [""] + _inflate_table(rows, images)
    lines = _instruction_table(rows, images)
    if lines:
        out += ["", "## x86-64 instruction counts (fixed subset)", "",
                "`valgrind --tool=callgrind --toggle-collect=bench_measured_call` around one call "
                "of the path (input in memory), on a subset fixed by the corpus (not by timings)."]
        out += [""] + lines
    whole = [r for r in rows if r["scope"] == "callgrind-process"]
    if whole:
        out += ["", "### Whole processes under callgrind (process start included)", "",
                "| image | command | instructions |", "|---|---|---|"]
        out += ["| %s | %s | %s |" % (r["item"], r["path"], "{:,}".format(int(r["instructions"]))
                                      if r["instructions"] != "" else r["status"])
                for r in whole]
    subset_items = {r["item"] for r in rows if r["scope"] == "callgrind"}
    lines = _board_tables(rows, images, subset_items)
    out += ["", "## RV32 (the board build)", ""]
    if lines:
        out += ["`perf/board_report.sh` (the board branch's script): the firmware built for "
                "rv32imc converts each image with the defaults (480×800, **Atkinson**, in-arena "
                "decoders) under `qemu-system-riscv32 -icount shift=0`; instructions retired "
                "(minstret) by the conversion. Time at %d MHz assumes a CPI (1 is a hard lower "
                "bound; 1.5 is docs/BOARD.md's estimate, not a measurement)." % BOARD_MHZ, ""]
        out += lines
    else:
        out += ["Not in this run: no `board_report.tsv` in the build folder (`perf/run.sh "
                "--board` runs `perf/board_report.sh` first)."]
    refused = [r for r in rows if r["status"] == "refused"]
    if refused:
        out += ["", "## Refused by design", "",
                "Inputs an inkpipe path declines on purpose (a documented size limit, an "
                "unsupported variant such as progressive JPEG in the in-arena decoder); left out "
                "of every ratio.", "", "| item | scope | op | path | detail |",
                "|---|---|---|---|---|"]
        out += ["| %s | %s | %s | %s | %s |" % (r["item"], r["scope"], r["op"], r["path"],
                                                 r["detail"].replace("|", "/")) for r in refused]
    # An input the reference decoder (libjpeg-turbo / libpng) rejects is invalid: the other
    # paths rejecting it too is correct behaviour, not a failure of theirs.
    invalid = {r["item"] for r in rows if r["scope"] == "in-process" and r["op"] == "decode"
               and r["path"] == DECODE_REFERENCE and r["status"] == "failed"}
    if invalid:
        out += ["", "## Inputs the reference decoder rejects", "",
                "Files that pass the corpus filter (PIL) but that libjpeg-turbo/libpng reject; "
                "a path rejecting them too is correct, one accepting them is lenient.", "",
                "| item | scope | op | path | status | detail |", "|---|---|---|---|---|---|"]
        out += ["| %s | %s | %s | %s | %s | %s |" % (
            r["item"], r["scope"], r["op"], r["path"], r["status"],
            r["detail"].replace("|", "/")) for r in rows
            if r["item"] in invalid and r["scope"] in ("in-process", "process")]
    bad = [r for r in rows if r["status"] == "failed" and r["item"] not in invalid]
    if bad:
        out += ["", "## Failures", "", "| item | scope | op | path | detail |",
                "|---|---|---|---|---|"]
        out += ["| %s | %s | %s | %s | %s |" % (r["item"], r["scope"], r["op"], r["path"],
                                                 r["detail"].replace("|", "/")) for r in bad]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
