"""Which files to read: expand the paths a user gave into supported files, with reasons for the rest.

Containment (README, "What a folder may bring in"): a symlink is followed only when its target stays
inside the folder that holds it (the ingested folder, or for a path named on the command line, the
folder the link sits in); a file with several hard links is read only when every one of its names is
among the paths given; FIFOs, sockets and devices are refused, never opened.
"""
from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dossier.core.errors import RejectedInput
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
    names = _NamesByInode()
    for given in map(Path, paths):
        for item in _expand(given, rejections, names):
            resolved = item.path.resolve()
            if resolved not in seen:  # the same file named twice (or via a link) is read once
                seen.add(resolved)
                found.append(item)
    contained = []
    for item in found:
        reason = names.escape_reason(item)
        if reason:
            rejections.append(Rejection(str(item.path), reason))
        else:
            contained.append(item)
    return contained, rejections


class _NamesByInode:
    """The names seen for each file (device, inode), to tell whether all of a hard-linked file's names
    lie inside what was given: a hard link is indistinguishable from the file, so one planted in a
    folder could otherwise bring in any file of the same file system (``/etc/passwd``)."""

    def __init__(self) -> None:
        self._names: Counter[tuple[int, int]] = Counter()
        self._counted: set[str] = set()

    def count(self, path: Path, info: os.stat_result) -> None:
        """Count ``path`` as one name of its file; a symlink is no hard link and names nothing new."""
        name = os.path.abspath(path)
        if info.st_nlink > 1 and name not in self._counted and not path.is_symlink():
            self._counted.add(name)
            self._names[(info.st_dev, info.st_ino)] += 1

    def escape_reason(self, item: FoundFile) -> str | None:
        try:
            info = item.path.stat()
        except OSError:  # gone since it was found: reading it will say so
            return None
        seen = self._names[(info.st_dev, info.st_ino)]
        if info.st_nlink <= max(seen, 1):
            return None
        where = f"in {item.root}: another name may lie outside it" if item.root else (
            "named here: another name may lie elsewhere")
        return f"has {info.st_nlink} hard links and only {seen} of them is {where} (copy the file to read it)"


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def _expand(given: Path, rejections: list[Rejection], names: _NamesByInode) -> Iterator[FoundFile]:
    if not given.exists():
        reason = "symlink target does not exist" if given.is_symlink() else "no such file or folder"
        rejections.append(Rejection(str(given), reason))
    elif given.is_symlink() and not _is_within(given.resolve(), given.parent.resolve()):
        # Named is not chosen: `dossier ingest leak/*` names whatever links an archive planted there.
        rejections.append(Rejection(str(given), f"symlink points outside its folder, to {given.resolve()}"
                                                " (name the target itself to read it)"))
    elif given.is_dir():
        if os.access(given, os.R_OK | os.X_OK):
            yield from _walk(given, rejections, names)
        else:
            rejections.append(Rejection(str(given), "folder cannot be read (permission denied)"))
    elif special := special_file_kind(given.stat()):
        rejections.append(Rejection(str(given), f"is a {special}, not a regular file"))
    elif not is_supported(given):
        rejections.append(Rejection(str(given), _unsupported_reason(given)))
    elif not os.access(given, os.R_OK):
        rejections.append(Rejection(str(given), "cannot be read (permission denied)"))
    else:
        names.count(given, given.stat())
        yield FoundFile(given, None)


def special_file_kind(info: os.stat_result) -> str | None:
    """What a file that is neither a regular file nor a folder is, for a refusal; None for those two."""
    for test, kind in _SPECIAL_KINDS:
        if test(info.st_mode):
            return kind
    return None


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading, checked on the open file itself: what was screened by name may have
    changed since. Opened non-blocking, so a FIFO returns at once instead of waiting for a writer."""
    try:
        if path.is_dir():
            raise RejectedInput(path, "is a folder, not a file")
        handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb")
        if special := special_file_kind(os.fstat(handle.fileno())):
            handle.close()
            raise RejectedInput(path, f"is a {special}, not a regular file")
        return handle
    except FileNotFoundError:
        raise RejectedInput(path, "no such file") from None
    except OSError as exc:
        raise RejectedInput(path, f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _walk(folder: Path, rejections: list[Rejection], names: _NamesByInode) -> Iterator[FoundFile]:
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
            elif entry.is_symlink() and not entry.exists():
                rejections.append(Rejection(str(entry), "symlink target does not exist"))
            elif entry.is_dir():
                pending.append(entry)
            elif not (info := _stat(entry, rejections)):
                continue
            elif special := special_file_kind(info):
                rejections.append(Rejection(str(entry), f"is a {special}, not a regular file"))
            else:
                names.count(entry, info)  # every name in the folder counts, read or not
                if not is_supported(entry):
                    continue
                if os.access(entry, os.R_OK):
                    files.append(entry)
                else:
                    rejections.append(Rejection(str(entry), "cannot be read (permission denied)"))
    for path in sorted(files, key=lambda path: path.relative_to(folder).parts):
        yield FoundFile(path, folder)


def _stat(path: Path, rejections: list[Rejection]) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError as exc:
        rejections.append(Rejection(str(path), f"cannot be read ({exc.strerror or exc})"))
        return None


def _is_folder_readme(path: Path) -> bool:
    """A folder's README describes the collection; it is not reporting. Named explicitly, it is ingested."""
    return path.stem.upper() in {"README", "LICENSE", "LICENCE", "CHANGELOG"}


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unsupported_reason(path: Path) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without an extension"
    return f"unsupported file type {kind} (supported: {' '.join(SUPPORTED_EXTENSIONS)})"
