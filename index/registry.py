"""The SQLite registry: documents, their file names, passages and typed records.

It is the index's source of truth. A document becomes visible only when its transaction commits,
so a crash mid-ingest leaves the previous state; vectors or BM25 entries of passages the registry
does not know are ignored by retrieval and swept by the next writer.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.core import faults
from dossier.core.errors import IndexCorrupt
from dossier.core.types import Document, Passage, Record

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
    source_path TEXT NOT NULL, language TEXT, published TEXT, outlet TEXT, author TEXT, url TEXT,
    text TEXT NOT NULL, metadata TEXT NOT NULL, added_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS document_names (
    path TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, ordinal INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER, "end" INTEGER,
    record_id TEXT, source TEXT NOT NULL, title TEXT NOT NULL, language TEXT
);
CREATE INDEX IF NOT EXISTS passages_by_document ON passages(document_id);
CREATE TABLE IF NOT EXISTS records (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    record_id TEXT NOT NULL, passage_id TEXT NOT NULL,
    recipient TEXT, agency TEXT, sub_agency TEXT, office TEXT, action_date TEXT, date_precision TEXT,
    amount REAL, amount_kind TEXT, award_key TEXT, modification TEXT, description TEXT,
    product_or_service TEXT, source_document TEXT, data TEXT NOT NULL,
    PRIMARY KEY (document_id, record_id)
);
-- An article's MinHash signature and its LSH band keys (ingest.identity): a new file meets only the
-- documents sharing a band with it, found through the index, whatever the number of documents.
-- Added in place to an index made before them; Registry.articles_without_signature lists what to fill.
CREATE TABLE IF NOT EXISTS article_signatures (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS article_bands (
    band INTEGER NOT NULL, key BLOB NOT NULL,
    document_id TEXT NOT NULL REFERENCES article_signatures(document_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS article_bands_by_key ON article_bands(band, key);
CREATE INDEX IF NOT EXISTS article_bands_by_document ON article_bands(document_id);
"""


@dataclass(frozen=True)
class DocumentSummary:
    """One row of ``dossier docs list``."""

    id: str
    title: str
    kind: str
    language: str | None
    published: str | None
    outlet: str | None
    url: str | None
    source_paths: tuple[str, ...]
    passages: int
    records: int
    added_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "source_paths": list(self.source_paths)}


class Registry:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        try:
            self._connect().executescript(SCHEMA)  # idempotent DDL; executescript manages its own commit
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{path}: registry is not a readable SQLite database ({exc})") from exc

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")  # readers keep reading while a writer commits
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        faults.reached("registry-commit")
        conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self._connect().execute(sql, tuple(params)).fetchall()

    # ---- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    @staticmethod
    def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (key, value))

    def generation(self) -> int:
        """Bumped by every committed write, so readers know when to refresh their lexical index."""
        return int(self.get_meta("generation", "0") or 0)

    @classmethod
    def bump_generation(cls, db: sqlite3.Connection) -> None:
        row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        cls.set_meta(db, "generation", str(int(row[0]) + 1 if row else 1))

    # ---- writes (inside a transaction) --------------------------------------------------------
    @staticmethod
    def insert_document(db: sqlite3.Connection, document: Document, passages: list[Passage]) -> None:
        db.execute(
            "INSERT INTO documents(id, content_hash, kind, title, source_path, language, published, outlet,"
            " author, url, text, metadata) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
            (document.id, document.content_hash, document.kind, document.title, document.source_path,
             document.language, document.published, document.outlet, document.author, document.url,
             document.text, json.dumps(document.metadata, default=str)),
        )
        Registry.insert_records(db, document.id, document.records, passages)

    @staticmethod
    def insert_records(db: sqlite3.Connection, document_id: str, records: Iterable[Record],
                       passages: list[Passage]) -> None:
        """Passages, and the records they render (none for an article); a streamed file comes in batches."""
        Registry.insert_passages(db, passages)
        passage_of_record = {p.record_id: p.passage_id for p in passages if p.record_id}
        db.executemany(
            "INSERT INTO records(document_id, record_id, passage_id, recipient, agency, sub_agency, office,"
            " action_date, date_precision, amount, amount_kind, award_key, modification, description,"
            " product_or_service, source_document, data) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(document_id, r.record_id, passage_of_record[r.record_id], r.recipient, r.agency, r.sub_agency,
              r.office, r.action_date, r.date_precision, r.amount, r.amount_kind, r.award_key, r.modification,
              r.description, r.product_or_service, r.source_document, json.dumps(vars(r), default=str))
             for r in records],
        )

    @staticmethod
    def set_metadata(db: sqlite3.Connection, document_id: str, metadata: dict[str, Any]) -> None:
        """What is known of a streamed file only once it is read (its row count, repeated awards)."""
        db.execute("UPDATE documents SET metadata = ? WHERE id = ?", (json.dumps(metadata, default=str), document_id))

    @staticmethod
    def insert_passages(db: sqlite3.Connection, passages: list[Passage]) -> None:
        db.executemany(
            'INSERT INTO passages(passage_id, document_id, kind, ordinal, text, start, "end", record_id, source,'
            " title, language) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
            [(p.passage_id, p.document_id, p.kind, p.ordinal, p.text, p.start, p.end, p.record_id, p.source,
              p.title, p.language) for p in passages],
        )

    @staticmethod
    def insert_signature(db: sqlite3.Connection, document_id: str, signature: Any, bands: list[bytes]) -> None:
        db.execute("INSERT OR REPLACE INTO article_signatures(document_id, signature) VALUES(?, ?)",
                   (document_id, signature.tobytes()))
        db.executemany("INSERT INTO article_bands(band, key, document_id) VALUES(?, ?, ?)",
                       [(band, key, document_id) for band, key in enumerate(bands)])

    @staticmethod
    def set_name(db: sqlite3.Connection, path: str, document_id: str) -> None:
        db.execute("INSERT INTO document_names(path, document_id) VALUES(?, ?) ON CONFLICT(path) DO UPDATE"
                   " SET document_id = excluded.document_id", (path, document_id))

    @staticmethod
    def delete_document(db: sqlite3.Connection, document_id: str) -> list[str]:
        ids = [r[0] for r in db.execute("SELECT passage_id FROM passages WHERE document_id = ?", (document_id,))]
        db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        return ids

    @staticmethod
    def drop_orphan_documents(db: sqlite3.Connection) -> list[str]:
        """Documents no file name points at any more; returns their passage ids."""
        orphans = [r[0] for r in db.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM document_names)")]
        passage_ids: list[str] = []
        for document_id in orphans:
            passage_ids.extend(Registry.delete_document(db, document_id))
        return passage_ids

    # ---- reads ------------------------------------------------------------------------------
    def document_for_path(self, path: str) -> str | None:
        rows = self.query("SELECT document_id FROM document_names WHERE path = ?", (path,))
        return rows[0][0] if rows else None

    def has_document(self, document_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM documents WHERE id = ?", (document_id,)))

    def names_of(self, document_id: str) -> list[str]:
        return [r[0] for r in self.query("SELECT path FROM document_names WHERE document_id = ? ORDER BY path",
                                         (document_id,))]

    def articles_without_signature(self) -> Iterator[tuple[str, str]]:
        """(id, text) of the articles stored before signatures were kept, or whose text has no word."""
        cursor = self._connect().execute(
            "SELECT id, text FROM documents WHERE kind = 'article'"
            " AND id NOT IN (SELECT document_id FROM article_signatures)")
        while rows := cursor.fetchmany(500):
            yield from ((r[0], r[1]) for r in rows)

    def band_neighbours(self, bands: list[bytes]) -> dict[str, Any]:
        """The stored signatures (uint32 arrays) of the articles sharing at least one band key."""
        import numpy as np

        rows = self.query(
            "SELECT DISTINCT s.document_id, s.signature FROM article_bands b JOIN article_signatures s"
            f" USING (document_id) WHERE {' OR '.join(['(b.band = ? AND b.key = ?)'] * len(bands))}",
            [value for band, key in enumerate(bands) for value in (band, key)]) if bands else []
        return {r[0]: np.frombuffer(r[1], dtype=np.uint32) for r in rows}

    def documents(self) -> list[DocumentSummary]:
        rows = self.query(
            "SELECT d.*, (SELECT COUNT(*) FROM passages p WHERE p.document_id = d.id AND p.kind = 'text') AS n_text,"
            " (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id) AS n_records"
            " FROM documents d ORDER BY d.added_at, d.title")
        return [
            DocumentSummary(
                id=r["id"], title=r["title"], kind=r["kind"], language=r["language"], published=r["published"],
                outlet=r["outlet"], url=r["url"], source_paths=tuple(self.names_of(r["id"])),
                passages=r["n_text"], records=r["n_records"], added_at=r["added_at"],
            )
            for r in rows
        ]

    def document_text(self, document_id: str) -> str | None:
        rows = self.query("SELECT text FROM documents WHERE id = ?", (document_id,))
        return rows[0][0] if rows else None

    def passages(self, ids: Iterable[str] | None = None) -> list[Passage]:
        if ids is None:
            rows = self.query("SELECT * FROM passages ORDER BY document_id, ordinal")
        else:
            wanted = list(ids)
            rows = []
            for i in range(0, len(wanted), 500):
                batch = wanted[i : i + 500]
                rows += self.query(f"SELECT * FROM passages WHERE passage_id IN ({','.join('?' * len(batch))})",
                                   batch)
        return [_passage(r) for r in rows]

    def text_passages(self) -> list[Passage]:
        """The article passages only (records have no sentences to embed)."""
        return [_passage(r) for r in self.query("SELECT * FROM passages WHERE kind = 'text' ORDER BY document_id, ordinal")]

    def passage_ids(self) -> set[str]:
        return {r[0] for r in self.query("SELECT passage_id FROM passages")}

    def records(self) -> list[tuple[Record, str]]:
        """Every typed record with the passage id that cites it."""
        rows = self.query("SELECT data, passage_id FROM records ORDER BY document_id, rowid")
        return [(_record(json.loads(r["data"])), r["passage_id"]) for r in rows]

    def record_count(self) -> int:
        return int(self.query("SELECT count(*) FROM records")[0][0])

    def record_document_ids(self) -> set[str]:
        return {r[0] for r in self.query("SELECT DISTINCT document_id FROM records")}

    def iter_records(self, document_ids: list[str], batch: int = 5_000) -> Iterator[list[tuple[str, str, str, Record]]]:
        """(document id, passage id, file name, record) of these documents in file order, a batch at a time."""
        for i in range(0, len(document_ids), 500):
            chunk = document_ids[i : i + 500]
            cursor = self._connect().execute(
                "SELECT r.document_id, r.passage_id, p.source, r.data FROM records r JOIN passages p"
                f" USING (passage_id) WHERE r.document_id IN ({','.join('?' for _ in chunk)}) ORDER BY r.rowid", chunk)
            while rows := cursor.fetchmany(batch):
                yield [(r[0], r[1], r[2], _record(json.loads(r[3]))) for r in rows]

    def records_by_document(self) -> dict[str, list[Record]]:
        grouped: dict[str, list[Record]] = {}
        for r in self.query("SELECT document_id, data FROM records ORDER BY document_id, rowid"):
            grouped.setdefault(r["document_id"], []).append(_record(json.loads(r["data"])))
        return grouped


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(
        passage_id=row["passage_id"], document_id=row["document_id"], kind=row["kind"], text=row["text"],
        source=row["source"], title=row["title"], language=row["language"], start=row["start"],
        end=row["end"], record_id=row["record_id"], ordinal=row["ordinal"],
    )


def _record(data: dict[str, Any]) -> Record:
    """A record as the registry stored it (its own fields, written by ``insert_document``)."""
    return Record(**data)
