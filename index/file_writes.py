"""How one file enters the index: the half of ``DossierIndex``'s writes that reads and stores a single file.

An article is parsed whole, embedded, then committed to the registry in one transaction. A procurement
CSV is streamed: its records go to the registry batch by batch inside one transaction and their table rows
to the writer's stage (``RecordsStage``), so memory holds one batch whatever the file's size, and a file
refused at any row rolls back whole. Either way the registry commits last: until it does, nothing already
indexed has changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput
from dossier.core.types import Document, Passage
from dossier.index.passages import record_passages
from dossier.index.registry import Registry
from dossier.index.reports import FileOutcome, IngestReport
from dossier.ingest import (
    NEAR_DUPLICATE_THRESHOLD,
    RecordsReader,
    estimated_similarity,
    find_near_duplicates,
    is_records_file,
    load_document,
    minhash_signature,
    open_records,
    shingles,
    signature_bands,
)

# A parser bug must not stop the batch: the file is refused, with what went wrong.
_UNREADABLE = (OSError, UnicodeError, ValueError)
# Records of a streamed CSV written per batch: memory holds one batch, whatever the file's size.
RECORD_BATCH = 2_000
# Articles embedded together and added to Chroma in one add (their passages sorted by length).
ARTICLE_GROUP = 16
# A band neighbour is scored exactly only when its signature estimates it this close to the threshold
# (an estimate from 128 values is within 0.2 of the true Jaccard with overwhelming probability).
_ESTIMATE_MARGIN = 0.2


@dataclass
class _PendingArticle:
    """An article read, checked and cut into passages, waiting to be embedded and added with its group."""

    slot: int  # its place among the batch's files
    key: str
    previous: str | None  # the document this file named before, replaced when this one commits
    document: Document
    passages: list[Passage]
    grams: frozenset
    signature: Any


class FileWrites:
    """Mixed into ``DossierIndex`` (index/service.py), whose writer lock is held around every call.

    Articles are written in groups of ``ARTICLE_GROUP``: their passages embedded in one call (sorted by
    length) and added to Chroma in one add, then each committed to the registry in its own transaction."""

    def _ingest_files(self, files: list[Path], report: IngestReport, on_progress: Any) -> None:
        outcomes: list[FileOutcome | None] = [None] * len(files)
        pending: list[_PendingArticle] = []
        finished = 0

        def finish(slot: int, outcome: FileOutcome) -> None:
            nonlocal finished
            outcomes[slot] = outcome
            finished += 1
            if on_progress:
                on_progress(finished, len(files), str(files[slot]))

        def flush() -> None:
            for article, outcome in zip(pending, self._write_articles(pending)):
                finish(article.slot, outcome)
            pending.clear()

        for slot, path in enumerate(files):
            prepared = self._ingest_one(slot, path, report, pending, flush)
            if isinstance(prepared, _PendingArticle):
                pending.append(prepared)
                if len(pending) >= ARTICLE_GROUP:
                    flush()
            else:
                finish(slot, prepared)
        flush()
        report.outcomes += [o for o in outcomes if o is not None]

    def _ingest_one(self, slot: int, path: Path, report: IngestReport, pending: list[_PendingArticle],
                    flush: Any) -> FileOutcome | _PendingArticle:
        """``flush`` writes the pending articles: called first when this file needs them in the registry."""
        key = str(path.resolve())
        try:
            source = open_records(path, self.limits) if is_records_file(path) else load_document(path, self.limits)
        except RejectedInput as exc:
            return FileOutcome(key, "rejected", detail=exc.reason)
        except _UNREADABLE as exc:
            return _unreadable(key, exc)
        document = source.document if isinstance(source, RecordsReader) else source
        try:
            if isinstance(source, RecordsReader) or any(p.document.id == document.id for p in pending):
                flush()  # a records file is written alone; a copy of a pending article is its name duplicate
            previous = self.registry.document_for_path(key)
            if previous == document.id:
                return FileOutcome(key, "unchanged", document.id)
            if self.registry.has_document(document.id):
                return self._name_duplicate(key, document.id)
            if isinstance(source, RecordsReader):
                return self._write_records(source, key, previous)
            return self._prepare_article(slot, document, key, previous, report, pending)
        finally:
            if isinstance(source, RecordsReader):
                source.close()

    def _name_duplicate(self, key: str, document_id: str) -> FileOutcome:
        with self.registry.transaction() as db:
            Registry.set_name(db, key, document_id)
            stale = Registry.drop_orphan_documents(db)
            Registry.bump_generation(db)
        self._delete_vectors(stale)
        others = [n for n in self.registry.names_of(document_id) if n != key]
        return FileOutcome(key, "duplicate", document_id, detail=f"same text as {', '.join(others)}")

    def _prepare_article(self, slot: int, document: Document, key: str, previous: str | None,
                         report: IngestReport, pending: list[_PendingArticle]) -> _PendingArticle:
        """Check an article against the stored ones and the pending ones, and cut it into passages."""
        grams = shingles(document.text)
        signature = minhash_signature(grams)
        # A version a pending file replaces is no candidate: it leaves the index when that file commits.
        replaced = {p.previous for p in pending if p.previous and self.registry.names_of(p.previous) == [p.key]}
        stored = [match for match in self._near_duplicates(document.id, grams, signature, report)
                  if match[0] not in replaced]
        report.near_duplicate_comparisons += len(pending)
        among_pending = find_near_duplicates(grams, [(p.document.id, p.grams) for p in pending])
        for other_id, similarity in sorted(stored + among_pending, key=lambda match: (-match[1], match[0])):
            report.near_duplicates.append((key, other_id, similarity))
        return _PendingArticle(slot, key, previous, document, self.build_passages(document), grams, signature)

    def _write_articles(self, articles: list[_PendingArticle]) -> list[FileOutcome]:
        """Vectors first (the group's passages in one sorted embedding call and one Chroma add, then their
        sentences), then one registry commit per article: until its commit, retrieval ignores an article's
        vectors, and a failure deletes those not committed."""
        passages = [p for article in articles for p in article.passages]
        self._store_vectors(passages)
        # Their sentences too, now: the progress shown per file then covers all the embedding.
        self.sentence_vectors.embed_articles(passages, save=False)
        outcomes: list[FileOutcome] = []
        try:
            for article in articles:
                document = article.document
                with self.registry.transaction() as db:
                    Registry.insert_document(db, document, article.passages)
                    if article.signature is not None:
                        Registry.insert_signature(db, document.id, article.signature, signature_bands(article.signature))
                    stale = self._commit_name(db, article.key, document.id)
                outcomes.append(FileOutcome(article.key, "updated" if article.previous else "added", document.id,
                                            passages=sum(1 for p in article.passages if p.kind == "text")))
                self._delete_vectors(stale)
        except BaseException:
            self._delete_vectors([p.passage_id for article in articles[len(outcomes):] for p in article.passages])
            raise
        return outcomes

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

    def _near_duplicates(self, document_id: str, grams: frozenset, signature: Any,
                         report: IngestReport) -> list[tuple[str, float]]:
        """The stored articles at least ``NEAR_DUPLICATE_THRESHOLD`` similar (exact 5-shingle Jaccard), found
        among those sharing an LSH band with this one: a few, however many documents are stored. A replaced
        version is gone with its document (its bands are deleted with it)."""
        if signature is None:
            return []
        neighbours = self.registry.band_neighbours(signature_bands(signature))
        likely = [other_id for other_id, other in neighbours.items() if other_id != document_id
                  and estimated_similarity(signature, other) >= NEAR_DUPLICATE_THRESHOLD - _ESTIMATE_MARGIN]
        report.near_duplicate_comparisons += len(likely)
        return find_near_duplicates(grams, [(other_id, shingles(self.registry.document_text(other_id) or ""))
                                            for other_id in likely])

    def _fill_signatures(self) -> None:
        """Keep the signature of every article: an index made before signatures were kept gets them once,
        at its first write (the one pass over stored texts; every later file meets only its band neighbours)."""
        missing = [(doc_id, minhash_signature(text)) for doc_id, text in self.registry.articles_without_signature()]
        missing = [(doc_id, signature) for doc_id, signature in missing if signature is not None]
        if missing:
            with self.registry.transaction() as db:
                for doc_id, signature in missing:
                    Registry.insert_signature(db, doc_id, signature, signature_bands(signature))


def _unreadable(key: str, exc: BaseException) -> FileOutcome:
    return FileOutcome(key, "rejected", detail=f"could not be read ({type(exc).__name__}: {exc})")
