"""A progress bar on stderr, drawn only when stderr is a terminal (never in CI logs)."""
import sys
import time


class Progress:
    def __init__(self, label, total, enabled=None):
        self.label = label
        self.total = max(int(total), 1)
        self.done = 0
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.last_draw = 0.0
        if not self.enabled:
            sys.stderr.write("perf: %s: %d steps\n" % (label, self.total))
            sys.stderr.flush()
        self._draw(force=True)

    def advance(self, count=1, note=""):
        self.done = min(self.done + count, self.total)
        self._draw(note=note)

    def _draw(self, note="", force=False):
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last_draw < 0.1 and self.done < self.total:
            return
        self.last_draw = now
        width = 30
        filled = width * self.done // self.total
        elapsed = now - self.started
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = "\r%-14s [%s%s] %d/%d %5.0fs eta %4.0fs %s" % (
            self.label, "#" * filled, "." * (width - filled), self.done, self.total, elapsed,
            eta, note[-30:])
        sys.stderr.write(line[:119].ljust(119))
        sys.stderr.flush()

    def finish(self):
        if not self.enabled:
            sys.stderr.write("perf: %s: done in %.0f s\n" % (self.label,
                                                            time.monotonic() - self.started))
        else:
            self.done = self.total
            self._draw(force=True)
            sys.stderr.write("\n")
            sys.stderr.flush()
