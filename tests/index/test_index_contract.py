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


@pytest.mark.server
def test_over_a_chroma_server_a_serving_index_sees_another_writer_at_once(tmp_path, make_index, articles_dir,
                                                                          chroma_server):
    """"One index has one owner" allows a second writer through a Chroma server: what it commits, the
    serving process finds by words and by vector at its next question, without reopening (#14)."""
    first, second = sorted(articles_dir.iterdir())
    server = make_index(tmp_path / "idx", chroma_url=chroma_server)
    server.hold_for_serving()  # a server over a Chroma server does not hold its index
    server.ingest([first])
    assert server.retrieve("contract", None, 3)  # its passages, BM25 and dense side in use
    cli = make_index(tmp_path / "idx", chroma_url=chroma_server)
    [added] = cli.ingest([second]).outcomes
    assert added.status == "added"
    new = [p for p in cli.registry.passages() if p.document_id == added.document_id]
    probe = new[0].text[:300]
    dense = {hit.node.node_id for hit in server._dense_factory(10).retrieve(probe)}
    assert new[0].passage_id in dense
    assert new[0].passage_id in {h.passage.passage_id for h in server.retrieve(probe, None, 5)}
    assert {d.id for d in server.documents()} == {d.id for d in cli.documents()}


@pytest.mark.server
def test_two_indexes_on_one_chroma_server_keep_their_own_vectors(tmp_path, make_index, articles_dir, chroma_server,
                                                                 vector_ids):
    """Two workspaces pointed at one `chroma run` server: a write into one never sweeps the other's vectors
    as orphans of its own, nor shows it the other's passages."""
    first, second = sorted(articles_dir.iterdir())
    one = make_index(tmp_path / "one", chroma_url=chroma_server)
    other = make_index(tmp_path / "other", chroma_url=chroma_server)
    one.ingest([first])
    other.ingest([second])
    assert vector_ids(one) == one.embedded_passage_ids()
    assert vector_ids(other) == other.embedded_passage_ids()
    one.ingest([first, second])  # a write into the first sweeps orphans again
    assert other.embedded_passage_ids() <= vector_ids(other)
