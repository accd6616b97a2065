"""Files added from the Sources tab: screened, copied into the index's uploads folder, ingested.

Each file gets one result row (status added/updated/unchanged/duplicate/rejected); names are made
safe before anything is written, and over-size or unsupported files are refused with the reason. An upload
never replaces another file of the same name (it is kept as "name-2.txt") unless the user ticks "replace"
(``replace``): then the earlier upload of that name is updated to the new bytes, and its row says so.
"""
from __future__ import annotations

import filecmp
import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any


from dossier.core.errors import DossierError
from dossier.core.progress import WAITING_FOR_TURN, Pace
from dossier.core.quantities import human_size
from dossier.ingest import SUPPORTED_EXTENSIONS
from dossier.web.errors import client_error

UPLOAD_TYPES = list(SUPPORTED_EXTENSIONS)
UPLOAD_COLUMNS = ["file", "status", "document", "detail"]


def add_uploads(dossier: Any, files: list[Any] | None, uploads_dir: Path, max_upload: int,
                progress: Any, replace: bool = False) -> list[dict[str, Any]]:
    """Ingest uploaded files into ``dossier``; one result per file, in the order given. ``replace``: a file
    whose name an earlier upload has takes its place (that document is updated), instead of a new name."""
    results: list[dict[str, Any]] = []
    accepted: list[Path] = []
    name_notes: dict[str, str] = {}  # by the name kept: why it is not, or replaces, the name given
    for item in files or []:
        source = Path(item if isinstance(item, str) else getattr(item, "name", None) or item["path"])
        name = safe_name(source.name)
        size = source.stat().st_size if source.exists() else 0
        if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            results.append(upload_row(name, "rejected", detail=f"unsupported file type; upload one of {' '.join(UPLOAD_TYPES)}"))
        elif size > max_upload:
            results.append(upload_row(name, "rejected", detail=f"{human_size(size)} is over the {human_size(max_upload)} upload limit"))
        else:
            uploads_dir.mkdir(parents=True, exist_ok=True)
            if replace:
                target = uploads_dir / name
                if replace_upload(target, source):
                    name_notes[name] = f"replaces the earlier {name}, as asked"
            else:
                target = keep_beside(uploads_dir, name, source)
                if target.name != name:
                    name_notes[target.name] = f"saved as {target.name}: another file named {name} is indexed"
            accepted.append(target)
    if accepted:
        progress((0, len(accepted)), desc="Reading and indexing", unit="files")
        pace = Pace("files")

        def on_progress(done: int, total: int, path: str) -> None:
            if path == WAITING_FOR_TURN:
                progress((0, total), desc="Queued: another upload into this index is being indexed", unit="files")
            else:
                progress((done, total), desc=f"Indexed {Path(path).name} ({pace.describe(done, total)})", unit="files")

        try:
            report = dossier.add([str(p) for p in accepted], on_progress=on_progress)
        except DossierError as exc:
            raise client_error(exc, dossier.settings) from exc
        near = {}
        for path, other, similarity in report.near_duplicates:
            near.setdefault(path, []).append(f"near-duplicate of {other} ({similarity:.0%} similar)")
        for o in report.outcomes:
            notes = [name_notes[Path(o.path).name]] if Path(o.path).name in name_notes else []
            detail = "; ".join([o.detail] * bool(o.detail) + near.get(o.path, []))
            if o.status in ("added", "updated") and not detail:
                detail = f"{o.passages} passages" + (f", {o.records} records" if o.records else "")
            detail = "; ".join(notes + [detail] * bool(detail))
            results.append(upload_row(Path(o.path).name, o.status, o.document_id, detail, o.passages, o.records))
    return results


def upload_table(results: list[dict[str, Any]] | None) -> tuple[list[list[Any]], str]:
    """The per-file results as the results table's rows, and a one-line summary of the statuses."""
    results = results or []
    rows = [[r["file"], r["status"], r["document_id"] or "", r["detail"]] for r in results]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no file"
    return rows, f"**Upload:** {summary}."


def upload_row(file: str, status: str, document_id: str | None = None, detail: str = "", passages: int = 0,
               records: int = 0) -> dict[str, Any]:
    return {"file": file, "status": status, "document_id": document_id, "detail": detail, "passages": passages,
            "records": records}


def keep_beside(uploads_dir: Path, name: str, source: Path) -> Path:
    """Copy an upload into ``uploads_dir`` under its own name, unless a different file already has that name
    (another user's "report.txt"); then as "report-2.txt", "report-3.txt" … Never overwrite another document:
    the same name with the same bytes is the same file, re-uploaded. A name is claimed by creating its file
    exclusively, so two uploads at once never both take it."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in itertools.count(1):
        target = uploads_dir / (name if n == 1 else f"{stem}-{n}{suffix}")
        try:
            with open(target, "xb") as kept, open(source, "rb") as given:
                shutil.copyfileobj(given, kept)
            return target
        except FileExistsError:
            if filecmp.cmp(target, source, shallow=False):
                return target
    raise AssertionError("unreachable")


def replace_upload(target: Path, source: Path) -> bool:
    """Put ``source``'s bytes at ``target`` (atomically: a reader sees one version or the other); True when
    they replace a different file of that name."""
    existed = target.exists()
    if existed and filecmp.cmp(target, source, shallow=False):
        return False
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=".replacing-")
    with os.fdopen(handle, "wb") as kept, open(source, "rb") as given:
        shutil.copyfileobj(given, kept)
    os.replace(scratch, target)
    return existed


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_name(name: str) -> str:
    """The file name alone, without path or unusual characters, at most 120 characters."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).strip(" .") or "upload"
    return cleaned[:120]

