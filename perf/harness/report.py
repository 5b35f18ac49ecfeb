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


def _by_item(rows, **match):
    """{path: {item: row}} of rows matching all fields."""
    table = {}
    for row in rows:
        if all(row[key] == value for key, value in match.items()):
            table.setdefault(row["path"], {})[row["item"]] = row
    return table


def speedups(table, path, reference):
    """(median of per-image reference_time/path_time, ratio of totals, count) over the items
    where both succeeded."""
    mine, ref = table.get(path, {}), table.get(reference, {})
    pairs = [(_num(ref[i]["median_ns"]), _num(mine[i]["median_ns"])) for i in mine
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
    lines = ["| path | ok / failed / n.a. | total MP | MP/s (total) | median per image (ms) | "
             "speed vs %s: median per image | …: ratio of totals | peak heap KiB: median / max | "
             "output identical to the reference's |" % reference_label,
             "|---|---|---|---|---|---|---|---|---|"]
    for path in _order(table):
        items = table[path].values()
        ok = [r for r in items if r["status"] == "ok"]
        failed = sum(1 for r in items if r["status"] == "failed")
        na = sum(1 for r in items if r["status"] == "na")
        if not ok:
            lines.append("| %s | 0 / %d / %d | | | | | | | |" % (path, failed, na))
            continue
        same = ""
        if path.startswith("ink-") and path != reference:
            ref = table.get(reference, {})
            compared = [r for r in ok if r["item"] in ref and ref[r["item"]]["status"] == "ok"]
            same = "%d of %d" % (sum(1 for r in compared
                                     if r["out_check"] == ref[r["item"]]["out_check"]),
                                 len(compared))
        megapixels = sum(int(r["width"]) * int(r["height"]) for r in ok) / 1e6
        total_ns = sum(int(r["median_ns"]) for r in ok)
        heaps = [int(r["heap_peak_bytes"]) for r in ok if r["heap_peak_bytes"] != ""]
        median_ratio, total_ratio, _ = speedups(table, path, reference)
        lines.append("| %s | %d / %d / %d | %.1f | %.1f | %s | %s | %s | %s / %s | %s |" % (
            path, len(ok), failed, na, megapixels, megapixels / (total_ns / 1e9),
            _ms(statistics.median(int(r["median_ns"]) for r in ok)),
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
    lines = ["| command | ok / failed / n.a. | median wall ms per image | total wall s | "
             "inkpipe's speedup: median per image | …: ratio of totals | median CPU ms | "
             "peak RSS MiB: median / max | output bits per pixel |",
             "|---|---|---|---|---|---|---|---|---|"]
    for path in _order(table):
        items = table[path].values()
        ok = [r for r in items if r["status"] == "ok"]
        failed = sum(1 for r in items if r["status"] == "failed")
        na = sum(1 for r in items if r["status"] == "na")
        if not ok:
            lines.append("| %s | 0 / %d / %d | | | | | | | |" % (path, failed, na))
            continue
        walls = [int(r["median_ns"]) for r in ok]
        rss = [int(r["peak_rss_bytes"]) for r in ok]
        bpps = sorted({str(r["out_bpp"]) for r in ok})
        if path.startswith("inkpipe"):
            speed = "(inkpipe)", "(inkpipe)"
        else:
            ratio_m, ratio_t, _ = speedups(table, "inkpipe-system", path)
            ratio_a, ratio_at, n_a = speedups(table, "inkpipe-arena", path)
            speed = ("system %s" % _ratio(ratio_m) + (", arena %s" % _ratio(ratio_a) if n_a
                                                      else ""),
                     "system %s" % _ratio(ratio_t) + (", arena %s" % _ratio(ratio_at) if n_a
                                                      else ""))
        lines.append("| %s | %d / %d / %d | %s | %.2f | %s | %s | %s | %.1f / %.1f | %s |" % (
            path, len(ok), failed, na, _ms(statistics.median(walls)), sum(walls) / 1e9,
            speed[0], speed[1], _ms(statistics.median(int(r["cpu_median_ns"]) for r in ok)),
            statistics.median(rss) / 1048576, max(rss) / 1048576, ", ".join(bpps)))
    return lines


def _inflate_table(rows, bundles):
    lines = ["| bundle | streams | MB in → out | path | status | median ms | MB/s (output) | "
             "speed vs zlib | peak heap KiB |", "|---|---|---|---|---|---|---|---|---|"]
    table = _by_item(rows, scope="in-process", op="inflate")
    items = sorted({i for p in table.values() for i in p})
    for item in items:
        ref = table.get(INFLATE_REFERENCE, {}).get(item)
        for path in _order(table):
            row = table[path].get(item)
            if not row:
                continue
            median = _num(row["median_ns"])
            ratio = (_num(ref["median_ns"]) / median if ref and median and ref["median_ns"]
                     else None)
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
        if row["scope"] in ("callgrind", "rv32") and row["instructions"] != "":
            counts[(row["item"], row["op"], row["path"], row["scope"])] = int(row["instructions"])
    if not counts:
        return []
    lines = ["| item | size | op | path | x86-64 instructions (callgrind) | per source pixel / "
             "output byte | RV32 instructions (board) | RV32 per source pixel |",
             "|---|---|---|---|---|---|---|---|"]
    keys = sorted({k[:3] for k in counts}, key=lambda k: (k[0], k[1], _order([k[2]])[0]))
    for item, op, path in keys:
        info = images.get(item)
        x86 = counts.get((item, op, path, "callgrind"))
        rv32 = counts.get((item, op, path, "rv32"))
        if info and getattr(info, "width", 0):
            size = "%dx%d" % (info.width, info.height)
            per = lambda n: "%.1f /px" % (n / info.pixels) if n else "—"
        else:
            out = getattr(info, "out_bytes", 0) if info else 0
            size = "%.2f MB out" % (out / 1e6) if out else ""
            per = lambda n, out=out: "%.2f /B" % (n / out) if n and out else "—"
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            item, size, op, path, "{:,}".format(x86) if x86 else "—", per(x86),
            "{:,}".format(rv32) if rv32 else "pending (board build)", per(rv32) if rv32 else
            "—"))
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
                median, total, count = speedups(table, ink, peer)
                if count:
                    lines.append(("`inkpipe convert --codec %s` vs %s, %s" % (
                        ink.split("-")[1], peer_label, label),
                        "%s faster (median per image), %s on total time" % (
                            _ratio(median), _ratio(total)),
                        "%d images, whole processes including start-up" % count))
    for group_word, kind_label in (("JPEG", "libjpeg-turbo"), ("PNG", "libpng")):
        groups = sorted({r["group"] for r in rows if r["group"].endswith(group_word)})
        for group in groups:
            table = _by_item(rows, scope="in-process", op="decode", group=group)
            median, total, count = speedups(table, "ink-arena", DECODE_REFERENCE)
            if count:
                lines.append(("in-arena %s decoder vs %s, decode only, %s" % (
                    group_word, kind_label, group), "%s (median per image), %s on total time" % (
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
               "the same run, image by image (the machine is shared, so absolute times drift "
               "with its load; ratios much less). `results.csv` has every row." % (
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
            "(ImageMagick and GraphicsMagick may use a second thread); peak RSS from wait4(). "
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
            "output; median of repeated calls. \"speed vs\" is the reference's time over the "
            "path's (>1 = faster than the reference); the reference is inkpipe's system path "
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
        out += ["", "## Instruction counts (fixed subset)", "",
                "x86-64: `valgrind --tool=callgrind --toggle-collect=bench_measured_call` around "
                "one call of the path (input in memory). RV32: the board build's count "
                "(perf/board_rv32.sh), pending until that branch lands."]
        out += [""] + lines
    whole = [r for r in rows if r["scope"] == "callgrind-process"]
    if whole:
        out += ["", "### Whole processes under callgrind (process start included)", "",
                "| image | command | instructions |", "|---|---|---|"]
        out += ["| %s | %s | %s |" % (r["item"], r["path"], "{:,}".format(int(r["instructions"]))
                                      if r["instructions"] != "" else r["status"])
                for r in whole]
    bad = [r for r in rows if r["status"] == "failed"]
    if bad:
        out += ["", "## Failures", "", "| item | scope | op | path | detail |",
                "|---|---|---|---|---|"]
        out += ["| %s | %s | %s | %s | %s |" % (r["item"], r["scope"], r["op"], r["path"],
                                                 r["detail"].replace("|", "/")) for r in bad]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
