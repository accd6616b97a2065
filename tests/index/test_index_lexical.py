"""BM25: persisted per generation, reloaded without a rebuild; French and English stems meet."""
from __future__ import annotations

from dossier.core.lexical import bilingual_stem


def test_a_new_index_over_the_same_directory_loads_the_persisted_bm25(tmp_path, articles_dir, make_index,
                                                                         monkeypatch):
    index = make_index(tmp_path / "idx")
    index.ingest([articles_dir])
    expected = [h.passage.passage_id for h in index.retrieve("Clearview", "clearview", 5)]

    def no_rebuild(*args, **kwargs):
        raise AssertionError("BM25 was rebuilt instead of loaded from disk")

    monkeypatch.setattr("dossier.index.service.build_bm25", no_rebuild)
    reopened = make_index(tmp_path / "idx")
    assert [h.passage.passage_id for h in reopened.retrieve("Clearview", "clearview", 5)] == expected
    assert reopened._bm25 is not None


def test_english_query_meets_french_stems(tmp_path, make_index):
    # Plurals and accents fold within each language; "contracts"/"contrats" differ by a letter, so the
    # English query reaches the French passage through the dense side of the hybrid retrieval.
    assert bilingual_stem("contrats") == bilingual_stem("contrat")
    assert bilingual_stem("contracts") == bilingual_stem("contract")
    assert bilingual_stem("sociétés") == bilingual_stem("societe")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "fr.txt").write_text("L'agence a signé plusieurs contrats avec la société Quintessa pour la "
                                   "surveillance des réseaux sociaux.\n", encoding="utf-8")
    (folder / "en.txt").write_text("The weather in Lyon was mild all week and the river stayed calm.\n",
                                   encoding="utf-8")
    index = make_index(tmp_path / "idx")
    index.ingest([folder])
    index.passage_count()  # loads the current generation
    bm25_hits = index._bm25.retrieve("contrat")
    assert bm25_hits and "contrats" in bm25_hits[0].node.text
    hits = index.retrieve("contracts", "contracts", 2)
    assert "contrats" in hits[0].passage.text
