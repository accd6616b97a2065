"""Private temporary directories named after the process that owns them, so the next start can remove
the ones a killed process (``kill -9`` runs no exit handler) left behind, uploaded files included."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

# dossier's own temporary directories: the web server's uploads, and the answering engine's socket.
UPLOADS_TEMP_PREFIX = "dossier-gradio-"
ENGINE_TEMP_PREFIX = "dossier-engine-"


def owned_temp_dir(prefix: str) -> Path:
    """A new mode-0700 directory ``<prefix><pid>-<random>`` in the system temp folder."""
    directory = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    directory.chmod(0o700)
    return directory


def remove_stale_temp_dirs(prefixes: tuple[str, ...] = (UPLOADS_TEMP_PREFIX, ENGINE_TEMP_PREFIX)) -> list[Path]:
    """Remove this user's ``owned_temp_dir`` directories of these prefixes whose owning process is gone;
    returns them.

    Only names of exactly that form are touched, and a directory whose process id is alive is kept
    even if the id was reused: a leftover costs disk space, a wrong removal would cost a live upload."""
    pattern = re.compile(rf"(?:{'|'.join(map(re.escape, prefixes))})(\d+)-[^/]+")
    removed = []
    for directory in Path(tempfile.gettempdir()).iterdir():
        match = pattern.fullmatch(directory.name)
        try:
            if not match or directory.is_symlink() or not directory.is_dir() or directory.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not _process_alive(int(match.group(1))):
            shutil.rmtree(directory, ignore_errors=True)
            removed.append(directory)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OverflowError:
        return False
    return True
