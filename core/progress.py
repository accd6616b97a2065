"""The pace of a long task (an ingest): its rate and the time left, shown beside a progress bar on the
terminal (cli/commands.py) and in the web upload (web/uploads.py)."""
from __future__ import annotations

import time
from collections.abc import Callable


# The file of an ingest's progress step (0 done) while it waits for the writer before it in this process.
WAITING_FOR_TURN = ""


class Pace:
    """Rate and time left from the start of the task to now; ``done`` counts finished units."""

    def __init__(self, unit: str = "files", clock: Callable[[], float] = time.monotonic):
        self.unit = unit
        self._clock = clock
        self._started = clock()

    def describe(self, done: int, total: int) -> str:
        """'2.5 files/s, about 12 s left'; empty until a unit is done (no rate to tell yet)."""
        elapsed = self._clock() - self._started
        if done <= 0 or elapsed <= 0:
            return ""
        rate = done / elapsed
        left = max(total - done, 0) / rate
        shown = f"{rate:.0f}" if rate >= 10 else f"{rate:.1f}" if rate >= 1 else f"{rate:.2f}"
        return f"{shown} {self.unit}/s, " + ("done" if done >= total else f"about {_duration(left)} left")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
