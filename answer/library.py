"""The write side of the library: add, remove and reindex sources, and describe what is indexed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from dossier.core.settings import Settings


PLAN_ROWS = 5000  # an answer's records shown in the Records tab (the CSV holds the same rows)


class Library:
    def __init__(self, settings: Settings, index: Any):
        self.settings = settings
        self.index = index

    def add(self, paths: list[Any], on_progress: Any = None) -> Any:
        """Ingest files or folders; returns an IngestReport (per-file outcome, counts, time)."""
        return self.index.ingest([Path(p) for p in paths], on_progress=on_progress)

    def remove(self, id_or_path: str) -> list[str]:
        return self.index.remove(id_or_path)

    def documents(self) -> list[Any]:
        return self.index.documents()

    def records(self) -> list[Any]:
        """Every typed procurement record as (Record, passage id)."""
        return self.index.records()

    def plan_records(self, plan: dict[str, Any], limit: int = PLAN_ROWS) -> tuple[list[Any], int]:
        """The records an answer's plan (``Answer.query["plan"]``) ran over, in its order, up to ``limit``,
        and how many awards it matched: what the Records tab shows for an answer."""
        from dossier.core.records_query import RecordQuery

        query = RecordQuery.from_dict({**plan, "aggregate": "list", "limit": 1})
        result = self.index.query_records(query)
        return self.index.records_table.records(list(result.record_ids[:limit])), result.matched

    def reindex(self, on_progress: Any = None) -> int:
        return self.index.reindex(on_progress=on_progress)

    def describe(self) -> dict[str, Any]:
        """Read-only settings and sizes, for the app's settings panel and `dossier info`."""
        return {
            "embedding model": self.index.embedder.name,
            "index location": str(self.index.directory),
            "vector store": self.settings.chroma_url or "embedded Chroma",
            "collection": self.index.layout,
            "answerer": self.settings.answerer,
            "passages retrieved per question": self.settings.top_k,
            "passages": self.index.passage_count(),
            "records": self.index.registry.record_count(),
        }
