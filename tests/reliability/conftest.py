"""The reliability checks in their short form, each under the harness's own socket guard."""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.reliability.netguard import NetGuard


@pytest.fixture
def guard(tmp_path: Path):
    with NetGuard(tmp_path) as active:
        yield active
    assert active.attempts() == [], f"outbound connections attempted: {active.attempts()}"
