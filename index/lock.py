"""One writer at a time per index; readers never take this lock."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from dossier.core.errors import IndexLocked


class WriterLock:
    def __init__(self, path: Path, timeout_s: float):
        self.path = path
        self._lock = FileLock(str(path), timeout=timeout_s)

    def __enter__(self) -> "WriterLock":
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise IndexLocked(
                f"{self.path.parent}: another dossier process is writing to this index; try again when it ends"
            ) from exc
        try:
            (self.path.parent / "writer.pid").write_text(str(os.getpid()))
        except OSError:
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


HOLD_FILE = "in-use.lock"


class IndexHold:
    """A shared lock on ``in-use.lock`` that every process with the index open keeps (a server's engine,
    a chat, an ask), so the index's workspace is never deleted under it (``removal_claim``).

    flock, not filelock: several readers hold it at once, and the kernel drops it when the process
    dies, even on ``kill -9``, so a crashed server never pins a workspace."""

    def __init__(self, directory: Path):
        self._fd: int | None = None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: workspaces are then deleted unguarded
            return
        fd = _open_lock_file(directory / HOLD_FILE)
        if fd is None:  # a read-only index never holding the file: it is read, and cannot be deleted by us either
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise IndexLocked(f"{directory}: this index is being deleted") from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def removal_claim(directory: Path, what: str) -> Iterator[None]:
    """Held while an index is deleted: refused (IndexLocked, naming ``what``) while any process has it
    open or a writer is at work; while held, no process can open it."""
    if not directory.is_dir():
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        yield
        return
    fd = _open_lock_file(directory / HOLD_FILE)
    if fd is None:
        raise IndexLocked(f"{what}: cannot take {directory / HOLD_FILE} (a read-only folder?); nothing deleted")
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLocked(f"{what} is open in a running dossier process (a server, a chat or a command); "
                              "stop it, then delete again") from exc
        with WriterLock(directory / "write.lock", 0.5):
            yield
    finally:
        os.close(fd)


def _open_lock_file(path: Path) -> int | None:
    """The lock file, created if need be; opened read-only in a folder this user cannot write (flock
    works on either); None when it can be neither created nor opened."""
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags, 0o600)
        except OSError:
            continue
    return None
