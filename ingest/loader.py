"""``load_document``: one file in, one Document out, or one RejectedInput with a human reason."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from dossier.core.errors import RejectedInput
from dossier.core.types import Document

from dossier.ingest.articles import ARTICLE_EXTENSIONS, load_article
from dossier.ingest.files import Rejection, find_files, is_supported, special_file_kind
from dossier.ingest.limits import IngestLimits, human_cap, human_size
from dossier.ingest.procurement import load_records

_DEFAULT_LIMITS = IngestLimits()


def load_document(path: Path, limits: IngestLimits = _DEFAULT_LIMITS, root: Path | None = None) -> Document:
    """Parse one file. ``root``, when given, names the document by its path relative to ``root``."""
    path = Path(path)
    if not is_supported(path):
        raise RejectedInput(path, f"unsupported file type '{path.suffix or path.name}'")
    data = _read_bytes(path, limits)
    if not data:
        raise RejectedInput(path, "empty file")
    source_path = _source_path(path, root)
    if path.suffix.lower() in ARTICLE_EXTENSIONS:
        return load_article(path, data, limits, source_path)
    return load_records(path, data, limits, source_path)


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
    """The file's bytes, checked on the open file itself: what was screened by name may have changed since."""
    try:
        if path.is_dir():
            raise RejectedInput(path, "is a folder, not a file")
        # Non-blocking, so opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if special := special_file_kind(info):
                raise RejectedInput(path, f"is a {special}, not a regular file")
            if info.st_size > limits.max_file_bytes:  # checked before reading: never load a huge file
                raise RejectedInput(path, f"is {human_size(info.st_size)}, over the {human_cap(limits.max_file_bytes)} cap")
            data = handle.read(limits.max_file_bytes + 1)  # a file still growing stops at the cap
        if len(data) > limits.max_file_bytes:
            raise RejectedInput(path, f"grew past the {human_cap(limits.max_file_bytes)} cap while being read")
        return data
    except FileNotFoundError:
        raise RejectedInput(path, "no such file") from None
    except OSError as exc:
        raise RejectedInput(path, f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None


def _source_path(path: Path, root: Path | None) -> str:
    """The name a document is known by: relative to ``root`` when inside it, else the file name."""
    if root is not None:
        try:
            # abspath, not resolve: a link inside the folder is named by the link, not its target.
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
    return path.name
