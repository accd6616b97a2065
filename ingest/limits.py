"""Size caps applied while reading, so one oversized file fails alone and early.

``max_file_bytes`` caps an article, read whole; a procurement CSV is streamed, so a real export of
hundreds of MB is fine: its own caps, in bytes and rows, are checked as it is read.
"""
from __future__ import annotations

from dataclasses import dataclass

from dossier.core.quantities import human_size


@dataclass(frozen=True)
class IngestLimits:
    max_file_bytes: int = 25_000_000
    max_pdf_pages: int = 500
    max_document_chars: int = 2_000_000
    max_csv_rows: int = 200_000
    # A .docx is a zip: what it unpacks to is what the parser spends (a 583 kB file once took 3.75 GB).
    max_unpacked_bytes: int = 100_000_000
    max_zip_entries: int = 1_000
    max_zip_ratio: float = 100.0  # prose XML deflates about 5-20 to 1; a bomb about 1,000 to 1
    max_csv_bytes: int = 1_000_000_000
    # Markdown, HTML, PDF and .docx are parsed in a child process held to these (``contained.parse_contained``).
    parse_seconds: float = 120.0
    parse_memory_bytes: int = 1_500_000_000


def human_cap(n_bytes: int) -> str:
    return human_size(n_bytes, exact=False)
