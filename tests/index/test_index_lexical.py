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


def _crash_before_the_bm25_persist(index, paths, monkeypatch) -> None:
    """An ingest killed after its registry commit, before BM25 is saved: the registry is a generation ahead."""
    from dossier.index.lexical import BM25Store

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("simulated kill while BM25 was being persisted")

    with monkeypatch.context() as patched:
        patched.setattr(BM25Store, "save", killed)
        try:
            index.ingest(paths)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("the simulated kill did not happen")


def _two_small_articles(folder):
    folder.mkdir()
    (folder / "a.txt").write_text("The port authority signed a dredging contract with Marlowe Dredging in March.\n")
    (folder / "b.txt").write_text("Quintessa Optics supplied thermal cameras to the border agency for 2.1 million.\n")
    return folder / "a.txt", folder / "b.txt"


def _crashed_after_the_registry_commit(tmp_path, make_index, monkeypatch):
    """An index whose second article's ingest died between the registry commit and the BM25 save."""
    first, second = _two_small_articles(tmp_path / "docs")
    index = make_index(tmp_path / "idx")
    index.ingest([first])
    _crash_before_the_bm25_persist(index, [second], monkeypatch)
    return index, first, second


def _persisted_generation(directory):
    from dossier.index.lexical import BM25Store

    return BM25Store(directory / "bm25").generation()


def test_re_running_an_ingest_after_a_crash_brings_bm25_to_the_registry_generation(tmp_path, make_index,
                                                                                  monkeypatch):
    index, first, second = _crashed_after_the_registry_commit(tmp_path, make_index, monkeypatch)
    assert _persisted_generation(tmp_path / "idx") < index.registry.generation()

    rerun = make_index(tmp_path / "idx").ingest([first, second])
    assert [o.status for o in rerun.outcomes] == ["unchanged", "unchanged"]
    assert _persisted_generation(tmp_path / "idx") == index.registry.generation()
    second_id = index.registry.document_for_path(str(second.resolve()))
    reopened = make_index(tmp_path / "idx")
    reopened.retrieve("thermal cameras", "thermal cameras", 5)
    assert second_id in {h.node.metadata["document_id"] for h in reopened._bm25.retrieve("Quintessa thermal cameras")}


def test_a_reader_that_finds_bm25_behind_saves_its_rebuild_when_no_writer_is_at_work(tmp_path, make_index,
                                                                                     monkeypatch):
    index, first, second = _crashed_after_the_registry_commit(tmp_path, make_index, monkeypatch)

    assert make_index(tmp_path / "idx").retrieve("thermal cameras", "thermal cameras", 5)
    assert _persisted_generation(tmp_path / "idx") == index.registry.generation()
