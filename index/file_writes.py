"""How one file enters the index: the half of ``DossierIndex``'s writes that reads and stores a single file.

An article is parsed whole, embedded, then committed to the registry in one transaction. A procurement
CSV is streamed: its records go to the registry batch by batch inside one transaction and their table rows
to the writer's stage (``RecordsStage``), so memory holds one batch whatever the file's size, and a file
refused at any row rolls back whole. Either way the registry commits last: until it does, nothing already
indexed has changed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput
from dossier.core.types import Document
from dossier.index.passages import record_passages
from dossier.index.registry import Registry
from dossier.index.reports import FileOutcome, IngestReport
from dossier.ingest import RecordsReader, find_near_duplicates, is_records_file, load_document, open_records, shingles

# A parser bug must not stop the batch: the file is refused, with what went wrong.
_UNREADABLE = (OSError, UnicodeError, ValueError)
# Records of a streamed CSV written per batch: memory holds one batch, whatever the file's size.
RECORD_BATCH = 2_000


class FileWrites:
    """Mixed into ``DossierIndex`` (index/service.py), whose writer lock is held around every call."""

    def _ingest_one(self, path: Path, report: IngestReport, article_shingles: dict[str, frozenset]) -> FileOutcome:
        key = str(path.resolve())
        try:
            source = open_records(path, self.limits) if is_records_file(path) else load_document(path, self.limits)
        except RejectedInput as exc:
            return FileOutcome(key, "rejected", detail=exc.reason)
        except _UNREADABLE as exc:
            return _unreadable(key, exc)
        document = source.document if isinstance(source, RecordsReader) else source
        try:
            previous = self.registry.document_for_path(key)
            if previous == document.id:
                return FileOutcome(key, "unchanged", document.id)
            if self.registry.has_document(document.id):
                return self._name_duplicate(key, document.id, previous, article_shingles)
            if isinstance(source, RecordsReader):
                return self._write_records(source, key, previous)
            return self._write_article(document, key, previous, report, article_shingles)
        finally:
            if isinstance(source, RecordsReader):
                source.close()

    def _name_duplicate(self, key: str, document_id: str, previous: str | None,
                        article_shingles: dict[str, frozenset]) -> FileOutcome:
        with self.registry.transaction() as db:
            Registry.set_name(db, key, document_id)
            stale = Registry.drop_orphan_documents(db)
            Registry.bump_generation(db)
        self._delete_vectors(stale)
        self._forget_if_gone(previous, article_shingles)
        others = [n for n in self.registry.names_of(document_id) if n != key]
        return FileOutcome(key, "duplicate", document_id, detail=f"same text as {', '.join(others)}")

    def _write_article(self, document: Document, key: str, previous: str | None, report: IngestReport,
                       article_shingles: dict[str, frozenset]) -> FileOutcome:
        for other_id, similarity in find_near_duplicates(document, article_shingles.items()):
            report.near_duplicates.append((key, other_id, similarity))
        passages = self.build_passages(document)
        # Vectors first, registry last: until the registry commits, retrieval ignores the new vectors.
        self._store_vectors(passages)
        try:
            with self.registry.transaction() as db:
                Registry.insert_document(db, document, passages)
                stale = self._commit_name(db, key, document.id)
        except BaseException:
            self._delete_vectors([p.passage_id for p in passages])
            raise
        self._delete_vectors(stale)
        self._forget_if_gone(previous, article_shingles)
        article_shingles[document.id] = shingles(document.text)
        return FileOutcome(key, "updated" if previous else "added", document.id,
                           passages=sum(1 for p in passages if p.kind == "text"))

    def _write_records(self, reader: RecordsReader, key: str, previous: str | None) -> FileOutcome:
        """Stream a CSV into the registry in one transaction, batch by batch, staging its table rows: a file
        refused at any row (or a crash) rolls back whole, and what was indexed before stays as it was."""
        document = reader.document
        embedded: list[str] = []
        try:
            with self.registry.transaction() as db:
                Registry.insert_document(db, document, [])
                for batch in reader.batches(RECORD_BATCH):
                    passages = record_passages(document, batch, reader.rows_read - len(batch), self.embedder,
                                               self.embed_records)
                    self._store_vectors(passages)
                    embedded += [p.passage_id for p in passages] if self.embed_records else []
                    Registry.insert_records(db, document.id, batch, passages)
                    self._stage.add(document.id, batch, passages)
                Registry.set_metadata(db, document.id, reader.metadata)
                stale = self._commit_name(db, key, document.id)
        except BaseException as exc:
            self._delete_vectors(embedded)
            self._stage.discard(document.id)
            if isinstance(exc, RejectedInput):
                return FileOutcome(key, "rejected", detail=exc.reason)
            if isinstance(exc, _UNREADABLE):  # rows are parsed as they are written
                return _unreadable(key, exc)
            raise
        self._delete_vectors(stale)
        repeated = reader.repeated_award_rows
        detail = (f"rows {', '.join(map(str, repeated[:10]))}{' …' if len(repeated) > 10 else ''} repeat an award key"
                  " of an earlier row: the award is counted once") if repeated else ""
        return FileOutcome(key, "updated" if previous else "added", document.id, detail=detail,
                           records=reader.rows_read)

    def _commit_name(self, db: Any, key: str, document_id: str) -> list[str]:
        """Inside a new document's transaction: name it, drop the version it replaces, mark the write.
        Returns the replaced version's passage ids, whose vectors go once the transaction commits."""
        Registry.set_name(db, key, document_id)
        stale = Registry.drop_orphan_documents(db)
        Registry.set_meta(db, "layout", self.layout)
        Registry.bump_generation(db)
        return stale

    def _forget_if_gone(self, document_id: str | None, article_shingles: dict[str, frozenset]) -> None:
        """A file's earlier version, dropped when the file changed, is no longer a near-duplicate candidate."""
        if document_id and not self.registry.has_document(document_id):
            article_shingles.pop(document_id, None)


def _unreadable(key: str, exc: BaseException) -> FileOutcome:
    return FileOutcome(key, "rejected", detail=f"could not be read ({type(exc).__name__}: {exc})")
