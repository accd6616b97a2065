"""Paths shared by the ingest tests: our own fixtures, and the real corpus beside the checkout."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip(f"demo corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def usaspending() -> Path:
    path = SHARED / "samples" / "usaspending"
    if not path.is_dir():
        pytest.skip(f"USAspending samples not found at {path}")
    return path
