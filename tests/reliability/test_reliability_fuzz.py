"""The hostile-files check (``reliability/fuzz.py``): a short run inside the suite, and proof that it
sees a crash and a hang when a loader has one."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from dossier.reliability import fuzz


def test_every_loader_survives_a_short_run_of_hostile_files(tmp_path: Path, guard) -> None:
    figures = fuzz.run(tmp_path, short=True, seed=14)
    assert figures["fuzz_inputs_min_per_loader"] >= fuzz.SHORT_INPUTS
    assert figures["fuzz_crashes"] == 0, figures["fuzz_per_loader"]
    assert figures["fuzz_hangs"] == 0, figures["fuzz_per_loader"]
    assert figures["fuzz_index_changed"] == 0, figures["fuzz_index_check"]
    assert figures["fuzz_index_check"]["hostile_files"] >= len(fuzz.loaders())


def _crashing_loader(path: Path) -> None:
    raise ValueError(f"unexpected bytes in {path.name}")


def _hanging_loader(path: Path) -> None:
    time.sleep(5)


@pytest.mark.parametrize("load, finding", [(_crashing_loader, "crashes"), (_hanging_loader, "hangs")])
def test_the_check_reports_a_loader_that_crashes_or_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         load, finding: str) -> None:
    suffix, _load, strategy = fuzz.loaders(short=True)["text"]
    monkeypatch.setattr(fuzz, "loaders", lambda short=False: {"planted": (suffix, load, strategy)})
    monkeypatch.setattr(fuzz, "HANG_SECONDS", 0.2)
    result = fuzz.fuzz_loader("planted", tmp_path, inputs=2, seed=1)
    assert result.inputs == 2
    assert len(getattr(result, finding)) == 2
    kept = sorted((tmp_path / "crashes").iterdir())
    assert len(kept) == 2  # the inputs that did it are kept to replay
