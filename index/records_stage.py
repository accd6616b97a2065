"""The table rows of records a writer is streaming into the registry, kept until the registry commits.

A large CSV is written to the registry batch by batch inside one transaction; its rows for the records
table are computed in the same pass and appended here, to a scratch DuckDB file beside the table that
only the writer (under the index's writer lock) opens. Readers never see it: once the registry commits,
``RecordsTable.sync`` copies the staged rows of the documents it lacks in one statement, and the stage
is cleared. A file refused mid-way has its rows discarded; a crash leaves a stage the next writer clears,
and the table is then rebuilt from the registry, its source of truth.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dossier.core.types import Passage, Record
from dossier.index.records_rows import insert_rows
from dossier.index.records_table import TABLES_SQL, duckdb_connect


# What the stage's DuckDB may buffer: it only appends, and without a cap it would keep every row in memory
# (at 16 MB its checkpoints failed for want of memory).
_MEMORY_LIMIT = "64MB"


class RecordsStage:
    def __init__(self, path: Path):
        self.path = path
        self._db: Any = None
        self._failed = False  # the stage only saves time: after an error of its own, the table reads the registry

    def add(self, document_id: str, records: Iterable[Record], passages: Iterable[Passage]) -> None:
        import duckdb

        if self._failed:
            return
        try:
            if self._db is None:
                self._db = duckdb_connect(self.path, _MEMORY_LIMIT)
                self._db.execute(TABLES_SQL)
            insert_rows(self._db, ((document_id, p.passage_id, p.source, r) for r, p in zip(records, passages)))
        except duckdb.Error:
            self.clear()
            self._failed = True

    def discard(self, document_id: str) -> None:
        import duckdb

        if self._db is None:
            return
        try:
            self._db.execute("DELETE FROM record_terms WHERE passage_id IN"
                             " (SELECT passage_id FROM records WHERE document_id = ?)", [document_id])
            self._db.execute("DELETE FROM records WHERE document_id = ?", [document_id])
        except duckdb.Error:
            self.clear()
            self._failed = True

    def close(self) -> bool:
        """Close the file for the table to read; True when it holds rows."""
        if self._db is None:
            return False
        self._db.close()
        self._db = None
        return True

    def clear(self) -> None:
        self._failed = False
        try:
            self.close()
        except Exception:  # noqa: BLE001 (a failed DuckDB may refuse even to close; the files go all the same)
            self._db = None
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            path.unlink(missing_ok=True)
