"""One writer at a time per index, and one owner of an index served with the embedded store.

Readers never take these locks. Both are ``flock`` locks, released by the kernel when their process
dies, so a killed writer never blocks the next one; what it leaves is its ``writer.pid`` note, which a
clean writer removes on the way out. The next writer finding one says so and clears it.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from dossier.core.errors import IndexLocked

log = logging.getLogger("dossier.index")


class WriterLock:
    def __init__(self, path: Path, timeout_s: float):
        self.path = path
        self.note = path.parent / "writer.pid"
        self._lock = FileLock(str(path), timeout=timeout_s)
        self.stale_writer: str | None = None  # the pid a dead writer left, when this acquisition found one

    def __enter__(self) -> "WriterLock":
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise IndexLocked(
                f"{self.path.parent}: another dossier process is writing to this index; try again when it ends"
            ) from exc
        self.stale_writer = None
        if self._lock.lock_counter == 1:  # the outermost acquisition: the note is ours to check and write
            self._clear_stale_note()
            try:
                self.note.write_text(str(os.getpid()))
            except OSError:
                pass
        return self

    def _clear_stale_note(self) -> None:
        """A note present while we hold the lock was left by a writer that died mid-write (``kill -9``,
        power loss): say so. What it half-wrote is invisible (the registry commits last) and swept."""
        try:
            pid = self.note.read_text().strip()
        except OSError:
            return
        self.stale_writer = pid or "?"
        log.warning("dossier: %s: the previous writer (pid %s) died before it finished; its lock is cleared"
                    " and what it left half-written is swept", self.path.parent, self.stale_writer)

    def __exit__(self, *exc: object) -> None:
        if self._lock.lock_counter == 1:
            try:
                self.note.unlink()
            except OSError:
                pass
        self._lock.release()


_TURNS: dict[str, threading.RLock] = {}
_TURNS_LOCK = threading.Lock()


@contextmanager
def writers_turn(directory: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """This process's writers into one index, one after another, each waiting as long as the one before it
    takes: the server's uploads run in threads of one process, and a long one must queue the next, not
    fail it after the writer lock's timeout (which is for writers in other processes). ``on_wait`` is
    called once when this writer has to wait."""
    with _TURNS_LOCK:
        turn = _TURNS.setdefault(os.path.abspath(directory), threading.RLock())
    if not turn.acquire(blocking=False):
        if on_wait is not None:
            on_wait()
        turn.acquire()
    try:
        yield
    finally:
        turn.release()


class ServingOwner:
    """``dossier serve`` over the embedded Chroma store owns its index for its lifetime: the store's
    in-memory copy in the serving process would never see another process's vectors. A writer in
    another process is refused at once, saying how to add files instead."""

    def __init__(self, directory: Path, timeout_s: float):
        self.directory = directory
        self.note = directory / "serving.json"
        self._lock = FileLock(str(directory / "serving.lock"), timeout=timeout_s)
        self.held = False

    def hold(self) -> None:
        """Take the index for this serving process (waiting out a writer at work, up to the timeout)."""
        if self.held:
            return
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise IndexLocked(f"{self.directory}: {self._holder()} holds this index; stop it first") from exc
        self.held = True
        self.note.write_text(json.dumps({"pid": os.getpid()}))

    def refuse_if_served(self) -> FileLock | None:
        """For a writer: None when this process serves the index; else the owner lock taken at once (to be
        released when the write ends, so no server starts mid-write); refused when a server holds it."""
        if self.held:
            return None
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise IndexLocked(
                f"{self.directory} is served by {self._holder()}, which keeps the embedded vector store in"
                " memory and would not see this write. Add files through it (the chat's Sources tab, or"
                " gradio_client: predict([handle_file(PATH)], api_name=\"/upload\")), or stop it first. To"
                f" write from the command line while serving, use a Chroma server: chroma run --path"
                f" {self.directory / 'chroma'} --port 8000, then --chroma-url http://127.0.0.1:8000 on every"
                " command, `dossier serve` included."
            ) from exc
        return self._lock

    def _holder(self) -> str:
        try:
            return f"`dossier serve` (pid {json.loads(self.note.read_text())['pid']})"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"


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
