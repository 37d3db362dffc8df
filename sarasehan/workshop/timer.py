"""A countdown for group work, with an injectable clock (so tests need no waiting).

>>> now = [100.0]
>>> c = Countdown(90, clock=lambda: now[0])
>>> c.remaining(), c.finished()
(90.0, False)
>>> now[0] = 160.0
>>> c.remaining(), format_mmss(c.remaining())
(30.0, '00:30')
>>> c.stop(); now[0] = 500.0; c.remaining()       # stopped: time stands still
30.0
>>> c.finished(now=10_000.0)
False
>>> Countdown(60, clock=lambda: 0.0).finished(now=61.0)
True
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from ..errors import SarasehanError

Clock = Callable[[], float]


def format_mmss(seconds: float) -> str:
    """``75.2`` -> ``'01:16'`` (rounded up, so ``00:00`` means really finished).

    >>> format_mmss(0), format_mmss(0.1), format_mmss(3600)
    ('00:00', '00:01', '60:00')
    """
    whole = max(0, math.ceil(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class Countdown:
    """A countdown of ``seconds`` that starts when created (or at ``started_at``).

    ``clock`` returns the current time in seconds (default
    :func:`time.monotonic`); every method also takes an explicit ``now``.
    """

    def __init__(self, seconds: float, clock: Clock | None = None, started_at: float | None = None):
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise SarasehanError("workshop.timer.bad_minutes", minutes=str(seconds)) from None
        if not math.isfinite(seconds) or seconds <= 0:
            raise SarasehanError("workshop.timer.bad_minutes", minutes=str(seconds / 60))
        self.seconds = seconds
        self.clock: Clock = clock or time.monotonic
        self.started_at = self.clock() if started_at is None else float(started_at)
        self.stopped_at: float | None = None

    def _now(self, now: float | None) -> float:
        t = self.clock() if now is None else float(now)
        return min(t, self.stopped_at) if self.stopped_at is not None else t

    def remaining(self, now: float | None = None) -> float:
        """Seconds left (never below zero)."""
        return max(0.0, self.seconds - max(0.0, self._now(now) - self.started_at))

    def finished(self, now: float | None = None) -> bool:
        return self.remaining(now) <= 0

    def stop(self, now: float | None = None) -> None:
        """Freeze the countdown where it is."""
        if self.stopped_at is None:
            self.stopped_at = self.clock() if now is None else float(now)

    @property
    def stopped(self) -> bool:
        return self.stopped_at is not None


class Ticker:
    """Call ``callback()`` every ``interval`` seconds in a daemon thread until stopped.

    The thread waits on an event, so :meth:`stop` returns at once and the
    kernel is never blocked. ``callback`` returning ``False`` stops it too.

    >>> calls = []
    >>> tk = Ticker(lambda: calls.append(1) or len(calls) < 3, interval=0.001)
    >>> tk.start(); tk.join(2); len(calls), tk.running
    (3, False)
    """

    def __init__(self, callback: Callable[[], object], interval: float = 1.0):
        self.callback = callback
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="sarasehan-timer", daemon=True)
        self._thread.start()

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                if self.callback() is False:
                    break
            except Exception:  # never let a display problem kill the thread loudly
                break

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()
