"""Near-duplicates through the signatures kept in the registry: a lightly edited copy is found whatever
the number of stored articles, with the same number of exact comparisons at 10 or 1,000 documents, and an
index made before signatures were kept gets them in place at its next write."""
from __future__ import annotations

import random
import sqlite3

from dossier.core.types import Document
from dossier.index.registry import Registry
from dossier.ingest import content_hash, document_id, minhash_signature, signature_bands


def _random_text(rng: random.Random) -> str:
    """250 words drawn from 3,000, in sentences of 25: two such texts share no 5-word shingle."""
    words = [f"w{rng.randrange(3_000)}" for _ in range(250)]
    return " ".join(" ".join(words[i:i + 25]) + "." for i in range(0, len(words), 25))


def _store_unrelated_articles(index, count: int, seed: int) -> None:
    """``count`` articles of random words, written to the registry as an ingest writes them (text and
    signature; their vectors play no part in finding near-duplicates)."""
    rng = random.Random(seed)
    with index.registry.transaction() as db:
        for n in range(count):
            text = _random_text(rng)
            document = Document(id=document_id(text), content_hash=content_hash(text), kind="article",
                                title=f"filler {n}", source_path=f"/filler/{seed}-{n}.txt", text=text)
            Registry.insert_document(db, document, [])
            signature = minhash_signature(text)
            Registry.insert_signature(db, document.id, signature, signature_bands(signature))
            Registry.set_name(db, document.source_path, document.id)


def _lightly_edited(text: str, at: tuple[int, ...]) -> str:
    words = text.split(" ")
    for i in at:
        words[i] = "modifié"
    return " ".join(words)


def test_an_edited_copy_costs_the_same_comparisons_at_10_or_1000_articles(tmp_path, make_index):
    text = _random_text(random.Random(0))  # short, so the test embeds little
    original = tmp_path / "original.txt"
    original.write_text(text, encoding="utf-8")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(_lightly_edited(text, (30, 90)), encoding="utf-8")
    second.write_text(_lightly_edited(text, (60, 200)), encoding="utf-8")
    index = make_index(tmp_path / "idx")
    index.ingest([original])
    original_id = index.documents()[0].id

    _store_unrelated_articles(index, 10, seed=1)
    report = index.ingest([first])
    assert [(other, similarity >= 0.8) for _, other, similarity in report.near_duplicates] == [(original_id, True)]
    assert report.near_duplicate_comparisons == 1  # the original, found by its bands; no filler
    first_id = report.outcomes[0].document_id

    _store_unrelated_articles(index, 1_000, seed=2)
    report = index.ingest([second])
    assert {other for _, other, _ in report.near_duplicates} == {original_id, first_id}
    # Scored exactly: the two near-duplicates only, never the 1,010 fillers (comparing every stored article,
    # as before signatures were kept, would be 12 and then 1,012).
    assert report.near_duplicate_comparisons == 2


def test_an_index_from_before_signatures_gets_them_in_place(tmp_path, make_index):
    original = tmp_path / "original.txt"
    original.write_text(_random_text(random.Random(0)), encoding="utf-8")
    index = make_index(tmp_path / "idx")
    index.ingest([original])
    with sqlite3.connect(index.registry.path) as db:  # the registry as an older version left it
        db.executescript("DROP TABLE article_bands; DROP TABLE article_signatures;")

    reopened = make_index(tmp_path / "idx")
    copy = tmp_path / "copy.txt"
    copy.write_text(_lightly_edited(original.read_text(encoding="utf-8"), (30, 90, 200)), encoding="utf-8")
    report = reopened.ingest([copy])
    original_id = next(d.id for d in reopened.documents() if d.id != report.outcomes[0].document_id)
    assert [(other, similarity >= 0.8) for _, other, similarity in report.near_duplicates] == [(original_id, True)]
    assert len(reopened.registry.query("SELECT document_id FROM article_signatures")) == 2
