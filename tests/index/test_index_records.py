"""A real USAspending download: one record (and one passage) per data row."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

ICE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "usaspending" / "us-local-gov-ice-award-summaries.csv"


def test_usaspending_rows_become_records(tmp_path, make_index, vector_ids, monkeypatch):
    if not ICE.exists():
        pytest.skip(f"{ICE} is absent")
    from dossier.index.embedders import SentenceTransformerEmbedding

    # What is under test is one record and one passage per row, not the encoder: a constant vector
    # keeps 720 rows from costing half a minute of MiniLM (the other tests embed for real).
    monkeypatch.setattr(SentenceTransformerEmbedding, "_get_text_embeddings",
                        lambda self, texts: [[1.0] + [0.0] * 383 for _ in texts])
    with ICE.open(newline="", encoding="utf-8-sig") as f:
        every = [r for r in csv.reader(f)]
    header, rows = every[0], every[1:]
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    index = make_index(tmp_path / "idx")
    report = index.ingest([ICE])
    assert not report.rejected, report.to_dict()
    assert report.records_written == len(rows)
    assert len(index.records()) == len(rows)
    record_passages = [p for p in index.registry.passages() if p.kind == "record"]
    assert len(record_passages) == len(rows)
    # Records are answered from the records table, not embedded: the vectors are the articles' only.
    assert vector_ids(index) == index.embedded_passage_ids() == set()
    keys = {r[[c.lower() for c in header].index("contract_award_unique_key")] for r in rows}
    assert index.records_table.has_awards()
    from dossier.core.records_query import RecordQuery
    assert index.query_records(RecordQuery()).matched == len(keys)  # one award per award key


def test_record_vectors_fit_the_window_when_asked_for(tmp_path, make_index, vector_ids, monkeypatch):
    from dossier.index.embedders import SentenceTransformerEmbedding

    monkeypatch.setattr(SentenceTransformerEmbedding, "_get_text_embeddings",
                        lambda self, texts: [[1.0] + [0.0] * 383 for _ in texts])
    index = make_index(tmp_path / "idx", embed_records=True)
    report = index.ingest([ICE])
    assert not report.rejected, report.to_dict()
    record_passages = [p for p in index.registry.passages() if p.kind == "record"]
    assert record_passages and vector_ids(index) == index.embedded_passage_ids() == {p.passage_id for p in record_passages}
    assert all(index.embedder.count_tokens(p.text) <= index.embedder.passage_budget for p in record_passages)
