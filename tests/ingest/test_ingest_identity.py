"""Content ids and near-duplicate detection."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from dossier.ingest import content_hash, document_id, find_near_duplicates, load_document, near_duplicate


def test_content_hash_and_id() -> None:
    assert content_hash("abc") == hashlib.sha256(b"abc").hexdigest() == content_hash(b"abc")
    assert document_id("abc") == content_hash("abc")[:16] == document_id(b"abc")


def test_same_text_under_two_names_is_one_document(fixtures: Path, tmp_path: Path) -> None:
    for name in ("article_en.txt", "transactions_small.csv"):
        copy = tmp_path / f"renamed-{name}"
        shutil.copy(fixtures / name, copy)
        original, renamed = load_document(fixtures / name), load_document(copy)
        assert original.id == renamed.id and original.content_hash == renamed.content_hash
        assert original.source_path != renamed.source_path


def test_id_ignores_line_ends_and_trailing_spaces(fixtures: Path, tmp_path: Path) -> None:
    original = (fixtures / "article_en.txt").read_text(encoding="utf-8")
    variant = tmp_path / "crlf.txt"
    variant.write_bytes(original.replace("\n", "  \r\n").encode("utf-8"))
    assert load_document(variant).id == load_document(fixtures / "article_en.txt").id
    article = load_document(fixtures / "article_en.txt")
    assert article.id == document_id(article.text) == article.content_hash[:16]


def test_different_text_gets_a_different_id(fixtures: Path) -> None:
    assert load_document(fixtures / "article_en.txt").id != load_document(fixtures / "wire_copy.txt").id


def test_near_duplicate_of_a_lightly_edited_copy(corpus: Path) -> None:
    articles = sorted((corpus / "articles").glob("*.txt"))
    docs = [load_document(path) for path in articles]
    text = docs[0].text
    # A syndicated copy: new first paragraph, one word changed, the last paragraph dropped.
    paragraphs = text.split("\n")
    edited = "\n".join(["Republié avec autorisation."] + paragraphs[:-1]).replace("ICE", "l’ICE", 1)

    assert near_duplicate(text, text) == 1.0
    assert near_duplicate(text, edited) > 0.8
    assert near_duplicate(text, docs[1].text) < 0.2
    others = [("edited", edited), ("other", docs[1].text), (docs[0].id, text)]
    matches = find_near_duplicates(docs[0], others)
    assert [match_id for match_id, _ in matches] == ["edited"]  # itself left out, unrelated ignored
    assert find_near_duplicates(text, others, threshold=0.99)[0] == (docs[0].id, 1.0)


def test_near_duplicate_edge_cases() -> None:
    assert near_duplicate("", "anything at all") == 0.0
    assert near_duplicate("Short text", "short TEXT") == 1.0  # fewer words than a shingle; folded
    assert 0.0 < near_duplicate("one two three four five six", "one two three four five seven") < 1.0
