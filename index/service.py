"""The index as a service: add, remove, list and retrieve, with the registry, Chroma and BM25 kept in step.

Built by ``index.wiring.open_index``; receives its llama-index and Chroma objects from there.
Only the project's own records (Document, Passage, ScoredPassage, Record) cross this module's door.
"""
from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import TextNode

from dossier.core import faults
from dossier.core.errors import ConfigError, DossierError, IndexLocked
from dossier.core.progress import WAITING_FOR_TURN
from dossier.core.text import sentences
from dossier.core.types import Document, Passage, Record, ScoredPassage
from dossier.index.file_writes import FileWrites
from dossier.index.passages import build_passages
from dossier.index.embedders import EmbedderSpec
from dossier.index.lexical import BM25Store, build_bm25
from dossier.index.reports import FileOutcome, IngestReport
from dossier.index.lock import IndexHold, ServingOwner, WriterLock, writers_turn
from dossier.core.records_query import RecordQuery, RecordsResult
from dossier.index.records_stage import RecordsStage
from dossier.index.records_table import RecordsTable
from dossier.index.registry import DocumentSummary, Registry
from dossier.index.retrieval import SENTENCE_POOL, HybridRetriever, rerank_by_best_sentence
from dossier.index.sentence_vectors import SentenceVectors, unit
from dossier.ingest import IngestLimits, collect_files

ProgressCallback = Callable[[int, int, str], None]



class DossierIndex(FileWrites):
    def __init__(
        self,
        directory: Path,
        registry: Registry,
        records_table: RecordsTable,
        embedder: EmbedderSpec,
        vector_store: Any,
        collection: Any,
        dense_retriever_factory: Callable[[int], BaseRetriever],
        layout: str,
        chunk_tokens: int,
        limits: IngestLimits,
        lock_timeout_s: float,
        embed_records: bool = False,
        shared_store: bool = False,
    ):
        self.directory = directory
        self._hold = IndexHold(directory)  # kept while open: the workspace is not deleted under this process
        self.registry = registry
        self.embedder = embedder
        self.vector_store = vector_store
        self.collection = collection  # the Chroma collection behind vector_store: ids and stored vectors
        self.layout = layout
        self.chunk_tokens = chunk_tokens
        self.embed_records = embed_records
        self.limits = limits
        self._lock = WriterLock(directory / "write.lock", lock_timeout_s)
        # A Chroma server (shared_store) is seen alike by every process; the embedded store is not.
        self.shared_store = shared_store
        self._owner = ServingOwner(directory, lock_timeout_s)
        self._bm25_store = BM25Store(directory / "bm25")
        self._dense_factory = dense_retriever_factory
        self._state_lock = threading.RLock()
        self._generation = -1
        self._passages: dict[str, Passage] = {}
        self._bm25 = None
        self._candidates = 30
        self.records_table = records_table
        self._stage = RecordsStage(directory / "records.stage.duckdb")  # a streamed CSV's table rows, until synced
        self._query_vectors = functools.lru_cache(maxsize=256)(self._embed_query)
        self.sentence_vectors = SentenceVectors.beside(directory, layout, embedder.embedding.embed_texts)

    # ---- reading ------------------------------------------------------------------------------
    def check_layout(self) -> None:
        built_with = self.registry.get_meta("layout")
        if built_with and built_with != self.layout and self.registry.passage_ids():
            raise ConfigError(
                f"the index at {self.directory} was built with {built_with}, settings ask for {self.layout}:"
                " run `dossier reindex` to rebuild it with the current embedder and chunker"
            )

    def _refresh(self) -> None:
        generation = self.registry.generation()
        if generation == self._generation:
            return
        with self._state_lock:
            if generation == self._generation:
                return
            self.check_layout()  # never answer from vectors of another model or chunker
            # What retrieval can return: the articles' passages, and the records' only when they have vectors
            # (a records file of a million rows stays in the registry and the records table).
            passages = {p.passage_id: p for p in (self.registry.passages() if self.embed_records
                                                  else self.registry.text_passages())}
            bm25 = self._bm25_store.load(generation, self._candidates)
            if bm25 is None and passages:
                bm25 = build_bm25(_nodes(passages.values()), self._candidates)
            if self._bm25_store.generation() != generation:
                self._save_lexical_when_idle(bm25, generation)
            self._passages, self._bm25, self._generation = passages, bm25, generation

    def _save_lexical_when_idle(self, bm25: Any, generation: int) -> None:
        """BM25 behind the registry means a writer died between its commit and the BM25 save: keep the
        rebuild, so later readers load it, when no writer is at work (one that is will save its own)."""
        try:
            with WriterLock(self._lock.path, 0.05):
                if self.registry.generation() == generation:
                    self._bm25_store.save(bm25, generation)
        except (IndexLocked, OSError):  # a writer at work, or a read-only index: rebuilt again next time
            pass

    def close(self) -> None:
        """Let go of the index: from now on its workspace may be deleted (this object must not be used)."""
        self._hold.release()

    def warm_up(self) -> None:
        """Load what the first question needs (model weights, BM25, passages) before it arrives."""
        self._refresh()
        self.sentence_vectors.kept()
        self.embedder.embedding.warm_up()

    def passage(self, passage_id: str) -> Passage | None:
        return self.passages_by_id([passage_id]).get(passage_id)

    def passages_by_id(self, passage_ids: list[str]) -> dict[str, Passage]:
        """These passages, record passages included (read from the registry when retrieval does not hold them)."""
        self._refresh()
        found = {pid: self._passages[pid] for pid in passage_ids if pid in self._passages}
        missing = [pid for pid in passage_ids if pid not in found]
        if missing:
            found.update({p.passage_id: p for p in self.registry.passages(missing)})
        return found

    def retrievable_passages(self) -> list[Passage]:
        self._refresh()
        return list(self._passages.values())

    def embedded_passage_ids(self) -> set[str]:
        """The passages that have vectors: the articles', and the records' only when settings embed them."""
        return {p.passage_id for p in self.registry.passages() if p.kind == "text" or self.embed_records}

    def lexical_passage_ids(self) -> set[str]:
        """The passages BM25 finds, as readers see it now (the reliability harness checks it against the registry)."""
        self._refresh()
        return {entry["node_id"] for entry in self._bm25.corpus} if self._bm25 is not None else set()

    def passage_count(self) -> int:
        self._refresh()
        return len(self._passages)

    def retrieve(self, query: str, lexical_query: str | None = None, top_k: int = 8) -> list[ScoredPassage]:
        self._refresh()
        if not self._passages:
            return []
        retriever = HybridRetriever(
            dense=self._dense_factory(self._candidates),
            lexical=lambda: self._bm25,
            candidates=max(top_k, self._candidates),
            known_ids=lambda: self._passages.keys(),
        )
        # The question's vector is embedded once (query_vector's cache) and handed to the dense side.
        hits = retriever.retrieve_hybrid(query, lexical_query, embedding=[float(x) for x in self.query_vector(query)])
        head = [self._passages[h.node.node_id] for h in hits[:SENTENCE_POOL]]
        reordered = [(head[i], score) for i, score in rerank_by_best_sentence(self._best_sentence(query, head))]
        reordered += [(self._passages[h.node.node_id], float(h.score or 0.0)) for h in hits[SENTENCE_POOL:]]
        return [ScoredPassage(passage=passage, score=score, rank=rank)
                for rank, (passage, score) in enumerate(reordered[:top_k], start=1)]

    def _best_sentence(self, query: str, passages: list[Passage]) -> list[float | None]:
        """Each article passage's highest sentence similarity to ``query``; None for a record."""
        spans = [(p.passage_id, start, end, p.text[start:end]) for p in passages if p.kind == "text"
                 for start, end in sentences(p.text)]
        best: dict[str, float] = {}
        for (passage_id, *_), similarity in zip(spans, self.span_similarities(query, spans) if spans else []):
            best[passage_id] = max(similarity, best.get(passage_id, -1.0))
        return [best.get(p.passage_id) for p in passages]

    def span_similarities(self, query: str, spans: list[tuple[str, int, int, str]]) -> list[float]:
        """Cosine similarity of ``query`` to each (passage_id, start, end, text) span, with the index's own
        embedder (``span_vectors``)."""
        q = self.query_vector(query)
        return [float(vector @ q) for vector in self.span_vectors(spans)]

    def span_vectors(self, spans: list[tuple[str, int, int, str]]) -> list[Any]:
        """The unit vector of each (passage_id, start, end, text) span. A span's text never changes under its
        passage id, so its vector is kept: the sentences of articles are embedded at ingest (see
        ``embed_sentences``), others on first use. Each span is embedded alone, so a vector never depends
        on what else was asked before."""
        kept = self.sentence_vectors.kept()
        embedding = self.embedder.embedding
        whole = [pid for pid, start, end, text in spans if (pid, start, end) not in kept and start == 0
                 and pid in self._passages and self._passages[pid].kind == "record"
                 and end == len(self._passages[pid].text)]
        if whole:  # a record is quoted whole: its passage vector, stored at ingest, is the span's vector
            stored = self.collection.get(ids=whole, include=["embeddings"])
            for pid, vector in zip(stored["ids"], stored["embeddings"]):
                kept[(pid, 0, len(self._passages[pid].text))] = unit(vector)
        vectors = []
        for passage_id, start, end, text in spans:
            vector = kept.get((passage_id, start, end))
            if vector is None:
                vector = unit(embedding.get_text_embedding(text))
                self.sentence_vectors.remember((passage_id, start, end), vector)
            vectors.append(vector)
        return vectors

    def text_vectors(self, texts: list[str]) -> list[Any]:
        """``texts`` embedded as texts (not kept: short phrases compared once), each of unit length."""
        return [unit(vector) for vector in self.embedder.embedding.embed_texts(texts)]

    def query_vector(self, text: str) -> Any:
        """``text`` embedded as a query by the index's embedder, of unit length. One question is embedded
        once: the re-ranking, the answerer's sentence similarity and the head typer all ask for it."""
        return self._query_vectors(text)

    def _embed_query(self, text: str) -> Any:
        return unit(self.embedder.embedding.get_query_embedding(text))

    def embed_sentences(self) -> int:
        """Embed every article sentence not embedded yet and keep them beside the index."""
        return self.sentence_vectors.embed_articles(self.registry.text_passages())

    def documents(self) -> list[DocumentSummary]:
        return self.registry.documents()

    def records(self) -> list[tuple[Record, str]]:
        return self.registry.records()

    def query_records(self, query: RecordQuery) -> RecordsResult:
        self.refresh_records()
        return self.records_table.run(query)

    def refresh_records(self) -> None:
        """Bring the records table up to the registry when it lags (a crash, or another process's write):
        only when no writer is at work, which brings it up to date itself when it ends."""
        if self.records_table.generation() == self.registry.generation():
            return
        try:
            with WriterLock(self._lock.path, 0.05):
                self._sync_records()
        except IndexLocked:
            pass

    def _sync_records(self, staged: bool = False) -> None:
        """``staged``: a writer's own call, which may copy the rows it staged (``RecordsStage``)."""
        stage = self._stage.path if staged and self._stage.close() else None
        self.records_table.sync(self.registry.generation(), self.registry.record_document_ids(),
                                self.registry.iter_records, stage)
        self._stage.clear()

    # ---- writing ------------------------------------------------------------------------------
    def hold_for_serving(self) -> None:
        """Own the index for a long-lived server over the embedded store: writers in other processes are
        refused at once, with how to add files instead (issue #14, "one index has one owner")."""
        if not self.shared_store:
            self._owner.hold()

    @contextmanager
    def _writing(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """This process's turn, the writer lock, and no server owning the index (nor starting) meanwhile."""
        with writers_turn(self.directory, on_wait), self._lock:
            owner = self._owner.refuse_if_served()
            try:
                yield
            finally:
                if owner is not None:
                    owner.release()

    def ingest(self, paths: Iterable[Path], on_progress: ProgressCallback | None = None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        files, rejections = collect_files([Path(p) for p in paths])
        report.outcomes += [FileOutcome(r.path, "rejected", detail=r.reason) for r in rejections]
        queued = (lambda: on_progress(0, len(files), WAITING_FOR_TURN)) if on_progress else None
        with self._writing(on_wait=queued):
            self.check_layout()
            self._sweep_orphan_vectors()
            self._stage.clear()  # a crashed writer's
            self._fill_signatures()
            self._ingest_files(files, report, on_progress)
            changed = any(o.status in ("added", "updated", "duplicate") for o in report.outcomes)
            if changed or self._bm25_store.generation() != self.registry.generation():
                self._rebuild_lexical()  # also after a crash left BM25 behind, with nothing new to add
            if changed:
                self.embed_sentences()
            self._sync_records(staged=True)
        report.seconds = time.perf_counter() - started
        return report

    def build_passages(self, document: Document) -> list[Passage]:
        return build_passages(document, self.embedder, self.chunk_tokens, fit_records=self.embed_records)

    def remove(self, id_or_path: str) -> list[str]:
        """Remove a document (by id, id prefix or file path) and every passage of it; returns removed ids."""
        with self._writing():
            document_ids = self._resolve(id_or_path)
            stale: list[str] = []
            with self.registry.transaction() as db:
                for document_id in document_ids:
                    stale += Registry.delete_document(db, document_id)
                Registry.bump_generation(db)
            self._delete_vectors(stale)
            self._rebuild_lexical()
            self._sync_records()
        return document_ids

    def _resolve(self, id_or_path: str) -> list[str]:
        by_path = self.registry.document_for_path(str(Path(id_or_path).expanduser().resolve()))
        if by_path:
            return [by_path]
        matches = [d.id for d in self.documents() if d.id.startswith(id_or_path)] if len(id_or_path) >= 6 else []
        if len(matches) == 1:
            return matches
        if not matches:
            raise DossierError(f"{id_or_path}: no indexed document has this id or path")
        raise DossierError(f"{id_or_path}: ambiguous, matches {len(matches)} documents")

    def reindex(self, on_progress: ProgressCallback | None = None) -> int:
        """Re-chunk and re-embed every stored document into this layout's collection."""
        with self._writing():
            rows = self.registry.query("SELECT * FROM documents ORDER BY added_at")
            records_by_doc = self.registry.records_by_document()
            all_passages: list[Passage] = []
            for done, row in enumerate(rows, start=1):
                document = Document(id=row["id"], content_hash=row["content_hash"], kind=row["kind"],
                                    title=row["title"], source_path=row["source_path"], text=row["text"],
                                    language=row["language"], records=tuple(records_by_doc.get(row["id"], ())))
                passages = self.build_passages(document)
                self._store_vectors(passages)
                all_passages += passages
                if on_progress:
                    on_progress(done, len(rows), row["source_path"])
            with self.registry.transaction() as db:
                old = [r[0] for r in db.execute("SELECT passage_id FROM passages")]
                db.execute("DELETE FROM passages")
                Registry.insert_passages(db, all_passages)
                Registry.set_meta(db, "layout", self.layout)
                Registry.bump_generation(db)
            self._delete_vectors(sorted(set(old) - {p.passage_id for p in all_passages}))
            self._rebuild_lexical()
            self.embed_sentences()
            self._sync_records()
            return len(all_passages)

    def _store_vectors(self, passages: list[Passage]) -> None:
        """Embed the passages' texts and add them to Chroma under their passage ids (records only when
        the settings ask for record vectors)."""
        nodes = _nodes(p for p in passages if p.kind == "text" or self.embed_records)
        embeddings = self.embedder.embedding.embed_texts([n.text for n in nodes])
        for node, embedding in zip(nodes, embeddings):
            node.embedding = embedding
        if nodes:
            faults.reached("chroma-write")
            self.vector_store.add(nodes)

    def _rebuild_lexical(self) -> None:
        generation = self.registry.generation()
        # Records are searched by the records table; prose retrieval sees them only with their vectors.
        passages = [p for p in self.registry.passages() if p.kind == "text" or self.embed_records]
        bm25 = build_bm25(_nodes(passages), self._candidates)
        self._bm25_store.save(bm25, generation)

    def _delete_vectors(self, passage_ids: list[str]) -> None:
        for i in range(0, len(passage_ids), 500):
            self.vector_store.delete_nodes(node_ids=passage_ids[i : i + 500])

    def _sweep_orphan_vectors(self) -> None:
        """Vectors left by a crash between the Chroma write and the registry commit."""
        known = self.registry.passage_ids()
        stored = self.collection.get(include=[])["ids"]
        orphans = [i for i in stored if i not in known]
        if orphans:
            self._delete_vectors(orphans)


def _nodes(passages: Iterable[Passage]) -> list[TextNode]:
    nodes = []
    for p in passages:
        metadata = {"document_id": p.document_id, "kind": p.kind, "record_id": p.record_id or "", "source": p.source}
        nodes.append(TextNode(id_=p.passage_id, text=p.text, metadata=metadata,
                              excluded_embed_metadata_keys=list(metadata), excluded_llm_metadata_keys=list(metadata)))
    return nodes
