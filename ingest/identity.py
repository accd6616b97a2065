"""Content identity: hashes and ids, and near-duplicate scores for syndicated copies.

A document's id is derived from its normalised content, never from its name, so the same story
saved twice under two names is one document; small edits (a syndicated copy with a new headline
or a trimmed paragraph) are caught by ``near_duplicate`` instead.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from dossier.core.types import Document

from dossier.core.text import fold

ID_LENGTH = 16
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+")


def content_hash(text_or_bytes: str | bytes) -> str:
    """sha256 hex digest; text is hashed as UTF-8."""
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return hashlib.sha256(data).hexdigest()


def document_id(text_or_bytes: str | bytes) -> str:
    return id_of_hash(content_hash(text_or_bytes))


def id_of_hash(hex_digest: str) -> str:
    """A document's id from its content hash (also one computed while streaming): the first 16 hex
    digits, short enough to read, long enough not to collide."""
    return hex_digest[:ID_LENGTH]


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    """Word n-grams of the folded text; a text shorter than ``size`` words is one shingle."""
    words = _WORD.findall(fold(text))
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate(a: str, b: str) -> float:
    """Jaccard similarity (0..1) of the two texts' word 5-shingles after folding."""
    return _jaccard(shingles(a), shingles(b))


def find_near_duplicates(
    doc: Document | str,
    others: Iterable[tuple[str, str | frozenset]],
    threshold: float = 0.8,
) -> list[tuple[str, float]]:
    """``(id, score)`` of the ``others`` at least ``threshold`` similar to ``doc``, best first.

    An other is given by its text or, to compare many files against one collection without
    re-reading it each time, by its ``shingles``. When ``doc`` is a Document, an entry carrying its
    own id is itself and is left out.
    """
    own_id = doc.id if isinstance(doc, Document) else None
    own_shingles = shingles(doc.text if isinstance(doc, Document) else doc)
    matches = []
    for other_id, other in others:
        if other_id == own_id:
            continue
        score = _jaccard(own_shingles, other if isinstance(other, frozenset) else shingles(other))
        if score >= threshold:
            matches.append((other_id, score))
    return sorted(matches, key=lambda match: (-match[1], match[0]))
