"""The pace beside a progress bar: rate and time left from the files done so far."""
from __future__ import annotations

from dossier.core.progress import Pace


def test_pace_tells_rate_and_time_left_once_a_file_is_done() -> None:
    now = [100.0]
    pace = Pace("files", clock=lambda: now[0])
    assert pace.describe(0, 10) == ""  # nothing done: no rate to tell yet
    now[0] = 104.0
    assert pace.describe(2, 10) == "0.50 files/s, about 16 s left"
    now[0] = 200.0
    assert pace.describe(5, 500) == "0.05 files/s, about 2 h 45 min left"
    assert pace.describe(250, 500) == "2.5 files/s, about 1 min 40 s left"
    now[0] = 125.0
    assert pace.describe(500, 500) == "20 files/s, done"
