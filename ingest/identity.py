"""Content identity: hashes and ids, and near-duplicate scores for syndicated copies.

A document's id is derived from its normalised content, never from its name, so the same story
saved twice under two names is one document; small edits (a syndicated copy with a new headline
or a trimmed paragraph) are caught by ``near_duplicate`` instead.

Finding those copies among many documents goes through MinHash/LSH (datasketch): each article's
signature is cut into bands, the index keeps the bands, and a new file is scored exactly (the same
5-shingle Jaccard as ``near_duplicate``) only against the few documents sharing a band with it.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from dossier.core.types import Document

from dossier.core.text import fold

ID_LENGTH = 16
SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.8
# 25 bands of 5 hash values (125 of 128 permutations): two texts at Jaccard s share a band with
# probability 1 - (1 - s^5)^25, 0.99998 at the 0.8 threshold, 0.99 at 0.7, 0.06 at 0.3, 0.0003 at 0.1.
# The threshold holds on the exact score; the bands only decide who is scored.
MINHASH_PERMUTATIONS = 128
MINHASH_SCHEME = "affine32"  # named, so a datasketch release with another default cannot change stored signatures
LSH_BANDS, LSH_ROWS = 25, 5
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


def minhash_signature(text_or_shingles: str | frozenset) -> Any:
    """The text's MinHash signature over its word 5-shingles: ``MINHASH_PERMUTATIONS`` uint32 values
    (fixed seed, so signatures of two processes compare), or None for a text without a word."""
    import numpy as np
    from datasketch import MinHash

    grams = shingles(text_or_shingles) if isinstance(text_or_shingles, str) else text_or_shingles
    if not grams:
        return None
    minhash = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1, permutations=_permutations(), scheme=MINHASH_SCHEME)
    minhash.update_batch([" ".join(gram).encode("utf-8") for gram in grams])
    return minhash.hashvalues.astype(np.uint32)  # affine32: every value is below 2**32


@lru_cache(maxsize=1)
def _permutations() -> Any:
    """The seeded permutations, drawn once per process rather than once per signature."""
    from datasketch import MinHash

    return MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1, scheme=MINHASH_SCHEME).permutations


def signature_bands(signature: Any) -> list[bytes]:
    """The LSH band keys of a signature: two documents sharing any one are near-duplicate candidates."""
    return [signature[band * LSH_ROWS:(band + 1) * LSH_ROWS].tobytes() for band in range(LSH_BANDS)]


def estimated_similarity(a: Any, b: Any) -> float:
    """Jaccard estimated from two signatures (the share of equal values)."""
    return float((a == b).mean())


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate(a: str, b: str) -> float:
    """Jaccard similarity (0..1) of the two texts' word 5-shingles after folding."""
    return _jaccard(shingles(a), shingles(b))


def find_near_duplicates(
    doc: Document | str | frozenset,
    others: Iterable[tuple[str, str | frozenset]],
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> list[tuple[str, float]]:
    """``(id, score)`` of the ``others`` at least ``threshold`` similar to ``doc``, best first.

    ``doc`` and each other are given by their text or their ``shingles`` (already computed). When ``doc`` is a Document, an entry carrying its
    own id is itself and is left out.
    """
    own_id = doc.id if isinstance(doc, Document) else None
    own_shingles = doc if isinstance(doc, frozenset) else shingles(doc.text if isinstance(doc, Document) else doc)
    matches = []
    for other_id, other in others:
        if other_id == own_id:
            continue
        score = _jaccard(own_shingles, other if isinstance(other, frozenset) else shingles(other))
        if score >= threshold:
            matches.append((other_id, score))
    return sorted(matches, key=lambda match: (-match[1], match[0]))
