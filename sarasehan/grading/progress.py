"""A small progress bar with ETA on stderr (no dependency).

On a terminal it redraws one line; otherwise (a log file, CI) it prints a
line at most every few seconds and at the end.
"""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress:
    def __init__(self, total: int, label: str = "", stream=None, width: int = 28, every: float = 5.0):
        self.total = max(0, total)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.every = every
        self.done = 0
        self.start = time.monotonic()
        self._last_print = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.note = ""

    def eta(self) -> float | None:
        if self.done == 0 or self.total == 0:
            return None
        elapsed = time.monotonic() - self.start
        return elapsed / self.done * (self.total - self.done)

    def line(self) -> str:
        frac = 1.0 if self.total == 0 else self.done / self.total
        filled = int(round(frac * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        eta = self.eta()
        eta_text = "--:--" if eta is None else _clock(eta)
        elapsed = _clock(time.monotonic() - self.start)
        note = f" {self.note}" if self.note else ""
        return f"{self.label}[{bar}] {self.done}/{self.total} {frac:4.0%} {elapsed} ETA {eta_text}{note}"

    def update(self, n: int = 1, note: str = "") -> None:
        self.done = min(self.total, self.done + n)
        if note:
            self.note = note[:60]
        self.draw()

    def draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()
        elif force or self.done == self.total or now - self._last_print >= self.every:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self._last_print = now

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line() + "\n")
            self.stream.flush()
        elif self.done != self.total:
            self.draw(force=True)
