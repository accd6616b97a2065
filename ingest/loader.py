"""``load_document``: one file in, one Document out, or one RejectedInput with a human reason."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from dossier.core.errors import RejectedInput
from dossier.core.types import Document

from dossier.ingest.articles import ARTICLE_EXTENSIONS, load_article
from dossier.ingest.files import Rejection, find_files, is_supported, open_regular_file
from dossier.ingest.limits import IngestLimits, human_cap, human_size
from dossier.ingest.procurement import RecordsReader, load_records

_DEFAULT_LIMITS = IngestLimits()


def load_document(path: Path, limits: IngestLimits = _DEFAULT_LIMITS, root: Path | None = None) -> Document:
    """Parse one file. ``root``, when given, names the document by its path relative to ``root``."""
    path = Path(path)
    if not is_supported(path):
        raise RejectedInput(path, f"unsupported file type '{path.suffix or path.name}'")
    source_path = _source_path(path, root)
    if is_records_file(path):
        return load_records(path, limits, source_path)
    data = _read_bytes(path, limits)
    if not data:
        raise RejectedInput(path, "empty file")
    return load_article(path, data, limits, source_path)


def open_records(path: Path, limits: IngestLimits = _DEFAULT_LIMITS, root: Path | None = None) -> RecordsReader:
    """A procurement CSV as a stream of Record batches (``RecordsReader``), for files of any size."""
    return RecordsReader(Path(path), limits, _source_path(Path(path), root))


def is_records_file(path: Path) -> bool:
    """Read as procurement records (streamed) rather than as an article (read whole)."""
    return Path(path).suffix.lower() not in ARTICLE_EXTENSIONS and is_supported(Path(path))


def load_documents(
    paths: Iterable[Path], limits: IngestLimits = _DEFAULT_LIMITS
) -> tuple[list[Document], list[Rejection]]:
    """Collect and load every file under ``paths``; one bad file never stops the others."""
    found, rejections = find_files(paths)
    documents = []
    for item in found:
        try:
            documents.append(load_document(item.path, limits, root=item.root))
        except RejectedInput as exc:
            rejections.append(Rejection(exc.path, exc.reason))
    return documents, rejections


def _read_bytes(path: Path, limits: IngestLimits) -> bytes:
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limits.max_file_bytes:  # checked before reading: never load a huge file
            raise RejectedInput(path, f"is {human_size(size)}, over the {human_cap(limits.max_file_bytes)} cap")
        data = handle.read(limits.max_file_bytes + 1)  # a file still growing stops at the cap
    if len(data) > limits.max_file_bytes:
        raise RejectedInput(path, f"grew past the {human_cap(limits.max_file_bytes)} cap while being read")
    return data


def _source_path(path: Path, root: Path | None) -> str:
    """The name a document is known by: relative to ``root`` when inside it, else the file name."""
    if root is not None:
        try:
            # abspath, not resolve: a link inside the folder is named by the link, not its target.
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
    return path.name
