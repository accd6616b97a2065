"""The same contract over embedded Chroma and a real `chroma run` server (haystack-style parametrization)."""
from __future__ import annotations

import pytest


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def contract_index(request, tmp_path, make_index):
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        return make_index(tmp_path / "idx", chroma_url=url)
    return make_index(tmp_path / "idx")


def test_ingest_retrieve_remove_contract(contract_index, corpus_dir, vector_ids):
    index = contract_index
    report = index.ingest([corpus_dir])
    assert not report.rejected
    assert report.count("added") == 3
    total = index.passage_count()
    assert total > 0
    assert vector_ids(index) == index.embedded_passage_ids()

    hits = index.retrieve("Clearview AI contract", None, 5)
    assert hits and [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert any("clearview" in h.passage.text.lower() for h in hits)

    records = index.records()
    assert records and all(pid in index.registry.passage_ids() for _, pid in records)

    article = next(d for d in index.documents() if d.kind == "article")
    removed = index.remove(article.id)
    assert removed == [article.id]
    assert index.passage_count() == total - article.passages
    assert vector_ids(index) == index.embedded_passage_ids()
    assert all(h.passage.document_id != article.id for h in index.retrieve("Clearview AI contract", None, 10))


def test_a_question_is_embedded_once_and_the_dense_side_ranks_by_that_vector(tmp_path, make_index, corpus_dir):
    index = make_index(tmp_path / "idx")
    assert not index.ingest([corpus_dir]).rejected
    embedding = index.embedder.embedding
    calls: list[str] = []
    real = embedding.get_query_embedding

    def counted(text: str):
        calls.append(text)
        return real(text)

    object.__setattr__(embedding, "get_query_embedding", counted)  # a spy on the real model, not a fake
    try:
        first = index.retrieve("Which company sells facial recognition to ICE?", None, 5)
        again = index.retrieve("Which company sells facial recognition to ICE?", None, 5)
    finally:
        object.__delattr__(embedding, "get_query_embedding")
    assert calls == ["Which company sells facial recognition to ICE?"]  # the dense side, the re-ranking, a repeat
    assert [h.passage.passage_id for h in first] == [h.passage.passage_id for h in again]
