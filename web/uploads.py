"""Files added from the Sources tab: screened, copied into the index's uploads folder, ingested.

Each file gets one result row (status added/updated/unchanged/duplicate/rejected); names are made
safe before anything is written, and over-size or unsupported files are refused with the reason.
"""
from __future__ import annotations

import filecmp
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import gradio as gr

from dossier.core.errors import DossierError
from dossier.core.progress import WAITING_FOR_TURN, Pace
from dossier.core.quantities import human_size
from dossier.ingest import SUPPORTED_EXTENSIONS

UPLOAD_TYPES = list(SUPPORTED_EXTENSIONS)
UPLOAD_COLUMNS = ["file", "status", "document", "detail"]


def add_uploads(dossier: Any, files: list[Any] | None, uploads_dir: Path, max_upload: int,
                progress: Any) -> list[dict[str, Any]]:
    """Ingest uploaded files into ``dossier``; one result per file, in the order given."""
    results: list[dict[str, Any]] = []
    accepted: list[Path] = []
    renamed: dict[str, str] = {}
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
            target = free_target(uploads_dir, name, source)
            if target.name != name:
                renamed[target.name] = f"saved as {target.name}: another file named {name} is indexed"
            shutil.copyfile(source, target)
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
            raise gr.Error(str(exc)) from exc
        near = {}
        for path, other, similarity in report.near_duplicates:
            near.setdefault(path, []).append(f"near-duplicate of {other} ({similarity:.0%} similar)")
        for o in report.outcomes:
            notes = [renamed[Path(o.path).name]] if Path(o.path).name in renamed else []
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


def free_target(uploads_dir: Path, name: str, source: Path) -> Path:
    """Where an upload is kept: under its own name, unless a different file already has that name
    (another user's "report.txt"); then "report-2.txt", "report-3.txt" … Never overwrite another
    document: the same name with the same bytes is the same file, re-uploaded."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in itertools.count(1):
        target = uploads_dir / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not target.exists() or filecmp.cmp(target, source, shallow=False):
            return target
    raise AssertionError("unreachable")


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_name(name: str) -> str:
    """The file name alone, without path or unusual characters, at most 120 characters."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).strip(" .") or "upload"
    return cleaned[:120]

