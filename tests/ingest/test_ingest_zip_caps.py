"""A .docx is a zip: its unpacked size, entry count and expansion are checked before python-docx opens it."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from dossier.core.errors import RejectedInput
from dossier.ingest import IngestLimits, load_document

PARAGRAPH = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>"


def docx_with(tmp_path: Path, fixtures: Path, name: str, body_bytes: int = 0, extra_entries: int = 0) -> Path:
    """The fixture report.docx with its body padded by ``body_bytes`` of paragraphs (written in pieces,
    so the test never holds the unpacked body) and ``extra_entries`` tiny parts added."""
    path = tmp_path / name
    with zipfile.ZipFile(fixtures / "report.docx") as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename != "word/document.xml" or not body_bytes:
                bomb.writestr(entry, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with bomb.open(entry.filename, "w") as body:
                body.write(head + b"<w:body>")
                piece = PARAGRAPH * 10_000
                for _ in range(body_bytes // len(piece)):
                    body.write(piece)
                body.write(tail)
        for n in range(extra_entries):
            bomb.writestr(f"padding/part{n}.xml", b"<x/>")
    return path


def rejected(path: Path) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(RejectedInput) as caught:
        load_document(path)
    assert caught.value.path == str(path)
    return caught.value.reason, time.perf_counter() - started


def test_a_docx_that_unpacks_past_the_cap_is_refused_before_parsing(tmp_path: Path, fixtures: Path) -> None:
    path = docx_with(tmp_path, fixtures, "bomb.docx", body_bytes=120_000_000)
    assert path.stat().st_size < 600_000  # a few hundred kB on disk
    reason, seconds = rejected(path)
    assert reason.startswith("unpacks to 120") and reason.endswith("over the 100 MB cap for a .docx")
    assert seconds < 2  # refused from the zip's directory, before anything is inflated


def test_a_docx_part_that_expands_like_a_zip_bomb_is_refused(tmp_path: Path, fixtures: Path) -> None:
    path = docx_with(tmp_path, fixtures, "dense.docx", body_bytes=20_000_000)  # under the byte cap
    reason, seconds = rejected(path)
    assert reason.startswith("word/document.xml expands ") and reason.endswith("to 1 (a zip bomb?)")
    assert seconds < 2


def test_a_docx_of_too_many_parts_is_refused(tmp_path: Path, fixtures: Path) -> None:
    path = docx_with(tmp_path, fixtures, "parts.docx", extra_entries=1_000)
    reason, _ = rejected(path)
    assert reason.startswith("holds 1,0") and reason.endswith("parts, over the cap of 1,000 for a .docx")
