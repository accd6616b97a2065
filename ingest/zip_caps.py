"""Zip containers (.docx) checked before a parser opens them: a few hundred kB can unpack to gigabytes.

Only the zip's directory is read here. That is enough because Python's ``zipfile``, which the parsers
read through, never inflates a part past the size the directory declares (a part that holds more
fails its CRC check instead), so the declared sizes bound the work and memory the parser can spend.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from dossier.core.errors import RejectedInput
from dossier.ingest.limits import IngestLimits, human_cap, human_size

# Below this a part's expansion is not worth judging: small XML parts of repeated markup compress well.
_RATIO_GRACE_BYTES = 1_000_000


def check_zip_caps(data: bytes, path: Path, limits: IngestLimits, kind: str) -> None:
    """Refuse ``data`` (a ``kind`` file, such as ".docx") when its parts are too many, unpack past
    ``limits.max_unpacked_bytes``, or one part expands more than ``limits.max_zip_ratio`` to 1."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RejectedInput(path, f"is not a readable {kind} file (not a zip container: {exc})") from None
    if len(entries) > limits.max_zip_entries:
        raise RejectedInput(path, f"holds {len(entries):,} parts, over the cap of {limits.max_zip_entries:,} for a {kind}")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise RejectedInput(path, f"unpacks to {human_size(unpacked)}, over the {human_cap(limits.max_unpacked_bytes)}"
                                  f" cap for a {kind}")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_GRACE_BYTES and ratio > limits.max_zip_ratio:
            raise RejectedInput(path, f"{entry.filename} expands {ratio:,.0f} to 1 (a zip bomb?)")
