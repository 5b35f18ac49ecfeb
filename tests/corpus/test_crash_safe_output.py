#!/usr/bin/python3
"""The CLI never leaves a partial output under the final name.

1. SIGKILL at random points: `inkpipe convert` (system and arena codecs, JPEG and PNG) and
   `inkpipe epub` are killed after random delays spread over a whole run. Afterwards every file
   under a final name must be byte-identical to what an uninterrupted run writes (and open in
   Pillow), or be the previous complete file it replaces; re-running must finish the job.
2. Interrupts (SIGINT as from Ctrl-C, SIGTERM as from `timeout`, SIGHUP): the same runs are
   interrupted at random points; the process must die of that signal (so scripts see it),
   leave the final name as in 1, and leave no temporary file at all.
3. A full disk: the file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail with
   EFBIG as on a full disk), and when mounting works here (root), real small tmpfs mounts
   (ENOSPC).
   The command must fail with a message naming the output and the reason, leave nothing under
   the final name (or the old file untouched), and leave no temporary file behind.
SIGKILL cannot be caught, so the kills in 1 may leave "<name>.tmp-XXXXXX" files; the re-run that
writes the same names must remove every one of them (writers hold flock on their temporary file,
so an unlocked one is abandoned).

The expectations come from uninterrupted runs of the same command (completeness) and from
Pillow (validity); the random delays use a fixed seed so a failure can be reproduced.
Env: INKPIPE, INK_SHARED_DIR (haruko-jpeg.epub from the corpus; without it the book is made
by samples/make-sample-epub.sh), INK_SOURCE_DIR.
"""
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from PIL import Image

INKPIPE = os.environ.get("INKPIPE")
SHARED = os.environ.get("INK_SHARED_DIR", "")
SOURCE = os.environ.get("INK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
KILLS = int(os.environ.get("INK_CRASH_KILLS", "12"))
rng = random.Random(20261122)
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def run(args, **kwargs):
    return subprocess.run([INKPIPE, *args], capture_output=True, text=True, **kwargs)


def timed(args):
    start = time.monotonic()
    result = run(args)
    return result, time.monotonic() - start


def kill_after(args, delay):
    process = subprocess.Popen([INKPIPE, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return False  # finished before the kill
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_bmp(path, expected, previous=None):
    """A file under a final name: complete (== expected or the previous one) and valid."""
    data = read(path)
    if data != expected and data != previous:
        fail(f"{path}: {len(data)} bytes, neither the complete output ({len(expected)}) nor "
             "the previous file")
        return
    try:
        with Image.open(path) as image:
            image.load()
    except Exception as e:  # noqa: BLE001 - any decode failure is the finding
        fail(f"{path}: Pillow cannot open it: {e}")


def temporaries(folder):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.join(root, n) for n in names if ".tmp-" in n]
    return found


def make_inputs(tmp):
    # Detailed content so decoding and dithering take a while: noise over a gradient.
    noise = Image.effect_noise((2400, 1800), 60).convert("L")
    gradient = Image.linear_gradient("L").resize((2400, 1800))
    image = Image.blend(noise, gradient, 0.5).convert("RGB")
    paths = {"jpg": os.path.join(tmp, "big.jpg"), "png": os.path.join(tmp, "big.png")}
    image.save(paths["jpg"], quality=92)
    image.save(paths["png"])
    return paths


def convert_kills(tmp, inputs):
    killed_total = 0
    for kind, path in sorted(inputs.items()):
        for codec in ("system", "arena"):
            out = os.path.join(tmp, f"convert-{kind}-{codec}")
            os.makedirs(out)
            final = os.path.join(out, "page.bmp")
            args = [path, "-o", final, "--codec", codec, "--size", "800x480",
                    "--dither", "floyd-steinberg"]
            result, seconds = timed(["convert", *args])
            if result.returncode != 0:
                fail(f"convert {kind} {codec}: {result.stderr.strip()}")
                continue
            expected = read(final)
            # The file a run replaces: a complete, different BMP (threshold dithering).
            run(["convert", path, "-o", final + ".old", "--codec", codec, "--size", "800x480",
                 "--dither", "threshold"])
            previous = read(final + ".old")
            assert previous != expected
            killed = 0
            for i in range(KILLS):
                if i % 2 == 0:
                    shutil.copyfile(final + ".old", final)  # replacing a complete old file
                elif os.path.exists(final):
                    os.unlink(final)  # writing a new one
                if kill_after(["convert", *args], rng.uniform(0, seconds * 1.1)):
                    killed += 1
                if os.path.exists(final):
                    check_bmp(final, expected, previous if i % 2 == 0 else None)
            left = temporaries(out)
            result = run(["convert", *args])
            if result.returncode != 0 or read(final) != expected:
                fail(f"convert {kind} {codec}: re-run after the kills did not finish the job")
            if temporaries(out):
                fail(f"convert {kind} {codec}: the re-run left abandoned temporaries "
                     f"{temporaries(out)}")
            print(f"convert {kind:3} --codec {codec:6}: {seconds * 1000:5.0f} ms a run, "
                  f"{killed}/{KILLS} runs killed, final name checked after each, {len(left)} temporary "
                  "file(s) left by the kills, removed by the re-run")
            killed_total += killed
    return killed_total


def interrupt_after(args, delay, signal_number):
    """Returns the exit status if the signal reached a running process, else None."""
    process = subprocess.Popen([INKPIPE, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return None
    except subprocess.TimeoutExpired:
        process.send_signal(signal_number)
        return process.wait()


def interrupts(tmp, inputs, book):
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    jobs = [("convert", "arena", ["convert", inputs["jpg"], "--codec", "arena", "--size",
                                  "800x480"]),
            ("convert", "system", ["convert", inputs["png"], "--size", "800x480"])]
    if book:
        jobs.append(("epub", "arena", ["epub", book, "--jobs", "2", "--codec", "arena"]))
    interrupted = 0
    for kind, codec, args in jobs:
        out = os.path.join(tmp, f"interrupt-{kind}-{codec}")
        os.makedirs(out)
        target = os.path.join(out, "page.bmp") if kind == "convert" else os.path.join(out, "book")
        _, seconds = timed([*args, "-o", target])
        for i in range(KILLS):
            signal_number = signals[i % len(signals)]
            status = interrupt_after([*args, "-o", target], rng.uniform(0, seconds * 1.1),
                                     signal_number)
            if status is None:
                continue
            interrupted += 1
            if status not in (-signal_number, 0):
                fail(f"{kind} {codec}: after {signal_number.name} the exit status is {status}, "
                     f"not death by that signal")
            if temporaries(out):
                fail(f"{kind} {codec}: {signal_number.name} left temporary files "
                     f"{temporaries(out)}")
    print(f"interrupts (SIGINT/SIGTERM/SIGHUP): {interrupted} runs interrupted, none left a "
          "temporary file" if not failures else "interrupts: see failures")
    return interrupted


def concurrent_writers(tmp, inputs):
    """Runs racing for one output name: each one's cleanup of abandoned temporaries must leave
    the others' live temporary files alone, so all succeed and the survivor is complete."""
    out = os.path.join(tmp, "concurrent")
    os.makedirs(out)
    final = os.path.join(out, "page.bmp")
    args = [INKPIPE, "convert", inputs["jpg"], "-o", final, "--codec", "arena", "--size",
            "800x480"]
    subprocess.run(args, check=True, capture_output=True)
    expected = read(final)
    for _ in range(4):
        runs = [subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for _ in range(6)]
        for process in runs:
            _, err = process.communicate()
            if process.returncode != 0:
                fail(f"concurrent writers: a run failed: {err.decode(errors='replace')[:200]}")
        if read(final) != expected or temporaries(out):
            fail("concurrent writers: final file incomplete or temporaries left")
    print("concurrent writers: 4 x 6 runs racing for one name all succeeded, final file complete")


def book_path(tmp):
    book = os.path.join(SHARED, "corpus", "epub", "haruko-jpeg.epub")
    if os.path.exists(book):
        return book
    book = os.path.join(tmp, "sample.epub")
    maker = os.path.join(SOURCE, "samples", "make-sample-epub.sh")
    if os.path.exists(maker) and subprocess.run(["bash", maker, book],
                                                capture_output=True).returncode == 0:
        return book
    return None


def outputs(folder):
    """{relative path: bytes} of every file under a final name."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            if ".tmp-" not in name:
                path = os.path.join(root, name)
                found[os.path.relpath(path, folder)] = read(path)
    return found


def check_report(data, expected_lines, where):
    lines = data.decode("utf-8", "replace").splitlines()
    try:
        records = [json.loads(line) for line in lines]
    except ValueError as e:
        fail(f"{where}: report.jsonl is not complete JSON Lines: {e}")
        return
    if len(records) != expected_lines:
        fail(f"{where}: report.jsonl has {len(records)} records, a full run {expected_lines}")


def epub_kills(tmp, book):
    reference = os.path.join(tmp, "epub-reference")
    result, seconds = timed(["epub", book, "-o", reference, "--jobs", "2"])
    if result.returncode != 0:
        fail(f"epub reference run: {result.stderr.strip()}")
        return 0
    expected = outputs(reference)
    report_lines = len(expected["report.jsonl"].splitlines())
    bmps = [name for name in expected if name.endswith(".bmp")]
    for codec in ("system", "arena"):
        out = os.path.join(tmp, f"epub-{codec}")
        args = ["epub", book, "-o", out, "--jobs", "2", "--codec", codec]
        # The same folder across kills, as a user retrying an interrupted job would.
        killed = 0
        for _ in range(KILLS):
            if kill_after(args, rng.uniform(0, seconds * 1.1)):
                killed += 1
            for name, data in outputs(out).items():
                if name == "report.jsonl":
                    check_report(data, report_lines, f"epub {codec}")
                elif name not in expected:
                    fail(f"epub {codec}: unexpected file {name}")
                elif codec == "system" or name not in bmps:
                    check_bmp(os.path.join(out, name), expected[name])
                else:
                    with Image.open(os.path.join(out, name)) as image:
                        image.load()  # arena outputs may differ from libjpeg's: valid only
        left = temporaries(out)
        result = run(args)
        got = outputs(out)
        if result.returncode != 0 or sorted(got) != sorted(expected):
            fail(f"epub {codec}: re-run did not finish the job: {result.stderr.strip()[:300]}")
        elif codec == "system":
            for name in bmps:
                if got[name] != expected[name]:
                    fail(f"epub {codec}: {name} differs from the reference after the re-run")
        if temporaries(out):
            fail(f"epub {codec}: the re-run left abandoned temporaries {temporaries(out)}")
        print(f"epub {os.path.basename(book)} --codec {codec}: {seconds * 1000:.0f} ms a run, "
              f"{killed}/{KILLS} runs killed, {len(bmps)} BMPs complete after each, "
              f"{len(left)} temporary file(s) left by the kills, removed by the re-run")
    return 1


def limited(limit_bytes):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


def full_disk_checks(where, folder, final, result, previous=None):
    if result.returncode == 0:
        fail(f"{where}: succeeded on a full disk")
    reason = ("File too large", "No space left on device")
    if final not in result.stderr or not any(r in result.stderr for r in reason):
        fail(f"{where}: unclear error {result.stderr.strip()!r}: should name {final} and "
             "the reason")
    if previous is None and os.path.exists(final):
        fail(f"{where}: a partial {final} exists after a failed write")
    if previous is not None and read(final) != previous:
        fail(f"{where}: the previous {final} was changed by a failed write")
    if temporaries(folder):
        fail(f"{where}: temporary files left: {temporaries(folder)}")


def full_disk(tmp, inputs, book):
    # RLIMIT_FSIZE: every write past 20 KB fails with EFBIG (SIGXFSZ ignored).
    out = os.path.join(tmp, "fsize")
    os.makedirs(out)
    final = os.path.join(out, "page.bmp")
    for codec in ("system", "arena"):
        args = ["convert", inputs["png"], "-o", final, "--codec", codec, "--size", "800x480"]
        result = subprocess.run([INKPIPE, *args], capture_output=True, text=True,
                                preexec_fn=limited(20_000))
        full_disk_checks(f"convert --codec {codec} (RLIMIT_FSIZE 20 KB)", out, final, result)
        # Replacing an existing complete file: the old one must survive untouched.
        shutil.copyfile(inputs["png"], final)
        result = subprocess.run([INKPIPE, *args], capture_output=True, text=True,
                                preexec_fn=limited(20_000))
        full_disk_checks(f"convert --codec {codec} over an old file", out, final, result,
                         previous=read(inputs["png"]))
        os.unlink(final)
    print("full disk (RLIMIT_FSIZE 20 KB): convert fails with the output named and the reason, "
          "no partial file, old file untouched, no temporary left")

    # A real small file system, when this machine lets us mount one: 20 KB for convert (a
    # 640x480 page is 38 KB), then 150 KB for epub (about three of the book's pages).
    mount = os.path.join(tmp, "small-fs")
    os.makedirs(mount)

    def mount_tmpfs(size):
        return os.geteuid() == 0 and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mount],
            capture_output=True).returncode == 0

    if not mount_tmpfs("20k"):
        print("tmpfs: cannot mount here (not root or no CAP_SYS_ADMIN); RLIMIT_FSIZE only")
        return
    try:
        final = os.path.join(mount, "page.bmp")
        result = run(["convert", inputs["png"], "-o", final, "--size", "800x480"])
        full_disk_checks("convert on a 20 KB tmpfs", mount, final, result)
    finally:
        subprocess.run(["umount", mount], capture_output=True)
    print("full disk (20 KB tmpfs): convert fails with the output named and ENOSPC, no partial "
          "file, no temporary left")
    if not book or not mount_tmpfs("150k"):
        return
    try:
        out = os.path.join(mount, "book")
        result = run(["epub", book, "-o", out, "--jobs", "1"])
        if result.returncode == 0:
            fail("epub on a 150 KB tmpfs: succeeded")
        reference = outputs(os.path.join(tmp, "epub-reference"))
        written = outputs(out) if os.path.isdir(out) else {}
        for name, data in written.items():
            if name.endswith(".bmp") and data != reference.get(name):
                fail(f"epub on a 150 KB tmpfs: {name} is partial ({len(data)} bytes)")
        if os.path.isdir(out) and temporaries(out):
            fail(f"epub on a 150 KB tmpfs: temporary files left: {temporaries(out)}")
        if "No space left on device" not in result.stderr:
            fail(f"epub on a 150 KB tmpfs: no clear reason in {result.stderr[:300]!r}")
        print(f"full disk (150 KB tmpfs): epub fails (exit {result.returncode}) naming ENOSPC; "
              f"{sum(n.endswith('.bmp') for n in written)} whole BMPs written before the disk "
              "filled, none partial, no temporary left")
    finally:
        subprocess.run(["umount", mount], capture_output=True)


def main():
    if not INKPIPE or not os.access(INKPIPE, os.X_OK):
        print("SKIP: INKPIPE is not set")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(tmp)
        convert_kills(tmp, inputs)
        book = book_path(tmp)
        if book:
            epub_kills(tmp, book)
        else:
            print("epub: no book (no corpus and samples/make-sample-epub.sh failed): skipped")
        interrupts(tmp, inputs, book)
        concurrent_writers(tmp, inputs)
        full_disk(tmp, inputs, book)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
