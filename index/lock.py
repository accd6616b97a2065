"""One writer at a time per index; readers never take this lock."""
from __future__ import annotations

import os
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
