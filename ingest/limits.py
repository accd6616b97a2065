"""Size caps applied while reading, so one oversized file fails alone and early."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestLimits:
    max_file_bytes: int = 25_000_000
    max_pdf_pages: int = 500
    max_document_chars: int = 2_000_000
    max_csv_rows: int = 200_000


def human_size(n_bytes: int, exact: bool = True) -> str:
    """``30.1 MB``, ``12.5 kB``, ``812 bytes``: sizes as a person reads them in a rejection.
    ``exact=False`` is for a cap, a round number someone chose: ``25 MB`` rather than ``25.0 MB``."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}" if exact else f"{n_bytes / scale:g} {unit}"
    return f"{n_bytes} bytes"


def human_cap(n_bytes: int) -> str:
    return human_size(n_bytes, exact=False)
