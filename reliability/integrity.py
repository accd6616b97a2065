"""Is an opened index whole? What the crash check asks after every kill, and what the harness's own
tests break on purpose to see it answered "no".

- the registry passes SQLite's ``PRAGMA integrity_check``;
- every document the registry lists is whole: it has passages, each article passage has its vector in
  Chroma and its entry in the BM25 that readers use, each vector is its own nearest neighbour, and a
  records document has all its records;
- nothing half-written reaches ``ask()``: every passage an answer retrieves or cites is one of a whole
  document the registry lists (vectors a dead writer left behind are ignored until swept).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

QUERY_BATCH = 256
NEAREST = 5  # an updated document's old twin may tie with a passage; more ties than this are not expected
TIE = 1e-6


def registry_integrity(path: Any) -> str:
    """SQLite's own verdict on the registry file: "ok", or what it found."""
    connection = sqlite3.connect(str(path), timeout=30)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(r[0]) for r in rows)


def check_index(dossier: Any, questions: list[str]) -> dict[str, Any]:
    """The findings on ``dossier``'s index: the documents listed, and every problem as one line each.

    ``checks`` counts the checks made (the integrity check, one per document, one per question)."""
    index = dossier.index
    problems: list[str] = []
    verdict = registry_integrity(index.registry.path)
    if verdict != "ok":
        problems.append(f"registry integrity_check: {verdict}")
    documents = index.registry.documents()
    passages = index.registry.passages()
    by_document: dict[str, list[Any]] = defaultdict(list)
    for passage in passages:
        by_document[passage.document_id].append(passage)
    embedded = [p.passage_id for p in passages if p.kind == "text" or index.embed_records]
    vectors = _stored_vectors(index.collection, embedded)
    lexical = index.lexical_passage_ids()
    strays = _not_nearest_to_itself(index.collection, vectors)
    broken: set[str] = set()
    for document in documents:
        found = _document_problems(document, by_document.get(document.id, []), vectors, lexical, strays,
                                   index.embed_records)
        if found:
            broken.add(document.id)
            problems += found
    known = {p.passage_id for p in passages}
    listed = {d.id for d in documents}
    for question in questions:
        problems += _visible_half_writes(dossier.ask(question), known, listed - broken)
    orphans = len(_stored_ids(index.collection) - known)
    return {"documents": sorted(listed), "paths": sorted({p for d in documents for p in d.source_paths}),
            "problems": problems, "checks": 1 + len(documents) + len(questions),
            "orphan_vectors": orphans}


def _document_problems(document: Any, passages: list[Any], vectors: dict[str, Any], lexical: set[str],
                       strays: set[str], embed_records: bool) -> list[str]:
    name = f"document {document.id} ({document.kind})"
    if not passages:
        return [f"{name}: listed with no passage"]
    problems = []
    if document.kind == "records" and document.records != sum(1 for p in passages if p.kind == "record"):
        problems.append(f"{name}: {document.records} records but "
                        f"{sum(1 for p in passages if p.kind == 'record')} record passages")
    searchable = [p.passage_id for p in passages if p.kind == "text" or embed_records]
    for what, missing in (("vector in Chroma", [i for i in searchable if i not in vectors]),
                          ("entry in BM25", [i for i in searchable if i not in lexical]),
                          ("vector nearest to itself", [i for i in searchable if i in strays])):
        if missing:
            problems.append(f"{name}: {len(missing)} of {len(searchable)} passages have no {what} ({missing[0]} …)")
    return problems


def _visible_half_writes(answer: Any, known: set[str], whole: set[str]) -> list[str]:
    seen = [(item.passage_id, item.document_id) for item in answer.retrieved]
    seen += [(c.passage_id, c.document_id) for c in answer.citations if c.passage_id != "computation"]
    return [f"ask({answer.question!r}) returned passage {pid} of document {doc}, which is not whole in the registry"
            for pid, doc in seen if pid not in known or (doc and doc not in whole)]


def _stored_ids(collection: Any) -> set[str]:
    return set(collection.get(include=[])["ids"])


def _stored_vectors(collection: Any, ids: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for i in range(0, len(ids), QUERY_BATCH):
        got = collection.get(ids=ids[i:i + QUERY_BATCH], include=["embeddings"])
        found.update(zip(got["ids"], got["embeddings"]))
    return found


def _not_nearest_to_itself(collection: Any, vectors: dict[str, Any]) -> set[str]:
    """Passages whose stored vector, searched for, does not come back first. Ties count as first: an
    updated document's unchanged passages have the same vectors as its old version's until those go."""
    ids = list(vectors)
    strays = set()
    for i in range(0, len(ids), QUERY_BATCH):
        batch = ids[i:i + QUERY_BATCH]
        got = collection.query(query_embeddings=[vectors[pid] for pid in batch], n_results=NEAREST,
                               include=["distances"])
        for pid, nearest, distances in zip(batch, got["ids"], got["distances"]):
            tied = [other for other, d in zip(nearest, distances) if distances and d <= distances[0] + TIE]
            if pid not in tied:
                strays.add(pid)
    return strays
