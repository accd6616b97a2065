"""Which files to read: expand the paths a user gave into supported files, with reasons for the rest."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dossier.ingest.metadata import SIDECAR_SUFFIX

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".csv")


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass(frozen=True)
class FoundFile:
    path: Path
    root: Path | None  # the folder it was found in, for naming it relative to that folder


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Rejection]]:
    """Supported files under ``paths`` (folders recursively, sorted) and the paths refused, with why."""
    found, rejections = find_files(paths)
    return [item.path for item in found], rejections


def find_files(paths: Iterable[Path]) -> tuple[list[FoundFile], list[Rejection]]:
    """``collect_files`` keeping the folder each file was found under."""
    found: list[FoundFile] = []
    rejections: list[Rejection] = []
    seen: set[Path] = set()
    for given in map(Path, paths):
        for item in _expand(given, rejections):
            resolved = item.path.resolve()
            if resolved not in seen:  # the same file named twice (or via a link) is read once
                seen.add(resolved)
                found.append(item)
    return found, rejections


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def _expand(given: Path, rejections: list[Rejection]) -> Iterator[FoundFile]:
    if not given.exists():
        reason = "symlink target does not exist" if given.is_symlink() else "no such file or folder"
        rejections.append(Rejection(str(given), reason))
    elif given.is_dir():
        if os.access(given, os.R_OK | os.X_OK):
            yield from _walk(given, rejections)
        else:
            rejections.append(Rejection(str(given), "folder cannot be read (permission denied)"))
    elif not is_supported(given):
        rejections.append(Rejection(str(given), _unsupported_reason(given)))
    elif not os.access(given, os.R_OK):
        rejections.append(Rejection(str(given), "cannot be read (permission denied)"))
    else:
        yield FoundFile(given, None)


def _walk(folder: Path, rejections: list[Rejection]) -> Iterator[FoundFile]:
    """Files under ``folder`` sorted by path; hidden names and sidecars skipped, links confined."""
    boundary = folder.resolve()
    visited: set[Path] = set()
    pending = [folder]
    files: list[Path] = []
    while pending:
        current = pending.pop()
        real = current.resolve()
        if real in visited:  # a link back up the tree would otherwise loop forever
            continue
        visited.add(real)
        try:
            entries = list(current.iterdir())
        except OSError as exc:
            rejections.append(Rejection(str(current), f"folder cannot be read ({exc.strerror or exc})"))
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith(SIDECAR_SUFFIX) or _is_folder_readme(entry):
                continue
            if entry.is_symlink() and not _is_within(entry.resolve(), boundary):
                rejections.append(Rejection(str(entry), f"symlink points outside {folder}"))
            elif entry.is_dir():
                pending.append(entry)
            elif entry.is_file() and is_supported(entry):
                if os.access(entry, os.R_OK):
                    files.append(entry)
                else:
                    rejections.append(Rejection(str(entry), "cannot be read (permission denied)"))
            elif entry.is_symlink() and not entry.exists():
                rejections.append(Rejection(str(entry), "symlink target does not exist"))
    for path in sorted(files, key=lambda path: path.relative_to(folder).parts):
        yield FoundFile(path, folder)


def _is_folder_readme(path: Path) -> bool:
    """A folder's README describes the collection; it is not reporting. Named explicitly, it is ingested."""
    return path.stem.upper() in {"README", "LICENSE", "LICENCE", "CHANGELOG"}


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unsupported_reason(path: Path) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without an extension"
    return f"unsupported file type {kind} (supported: {' '.join(SUPPORTED_EXTENSIONS)})"
