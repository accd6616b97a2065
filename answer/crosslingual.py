"""Whether a sentence in another language says a phrase of the question: "blogueur iranien" is said by
"Iranian blogger", "tribunal" by "court", while "court blocked" is not said by a French sentence about a
contract. Words and stems cannot tell across languages; the multilingual embedder can. A phrase is said
when its vector (as a query) comes close enough to one of the sentence's runs of up to ``MAX_WORDS``
words (as texts). The threshold is fitted per embedder (``tools/fit_crosslingual.py``, data in
``crosslingual_model.json``) so that sentences which do not say the phrase stay under it; an embedder
without a fitted threshold (an English-only one) never matches across languages.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("crosslingual_model.json")
MAX_WORDS = 3
_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]")

QueryVector = Callable[[str], Any]  # a phrase -> its unit vector as a query
TextVectors = Callable[[list[str]], list[Any]]  # texts -> their unit vectors


def word_runs(text: str, longest: int = MAX_WORDS) -> list[str]:
    """Every run of 1 to ``longest`` consecutive words of ``text``, once each."""
    words = _WORD.findall(text)
    return list(dict.fromkeys(" ".join(words[i:i + size]) for size in range(1, longest + 1)
                              for i in range(len(words) - size + 1)))


@lru_cache(maxsize=8)
def fitted_threshold(embedder: str) -> float | None:
    if not MODEL_FILE.exists():
        return None
    return json.loads(MODEL_FILE.read_text(encoding="utf-8")).get("thresholds", {}).get(embedder)


RUN_CACHE = 256  # sentences whose runs stay embedded: each costs a batch of ~3 vectors per word


class PhraseMatcher:
    def __init__(self, embedder: str, query_vector: QueryVector, text_vectors: TextVectors):
        self.embedder = embedder
        self.query_vector = query_vector
        self.text_vectors = text_vectors
        self._runs: dict[str, list[Any]] = {}  # sentence -> its runs' vectors, oldest first
        self._lock = threading.Lock()

    def closeness(self, phrase: str, text: str) -> float:
        """The highest cosine of ``phrase`` to a run of words of ``text``."""
        vectors = self._run_vectors(text)
        if not vectors:
            return -1.0
        query = self.query_vector(phrase)
        return max(float(vector @ query) for vector in vectors)

    def _run_vectors(self, text: str) -> list[Any]:
        """The vectors of ``text``'s runs, embedded once however many phrases are looked for in it."""
        with self._lock:
            cached = self._runs.get(text)
        if cached is not None:
            return cached
        runs = word_runs(text)
        vectors = self.text_vectors(runs) if runs else []
        with self._lock:
            self._runs[text] = vectors
            while len(self._runs) > RUN_CACHE:
                self._runs.pop(next(iter(self._runs)))
        return vectors

    def says(self, phrase: str, text: str) -> bool:
        threshold = fitted_threshold(self.embedder)
        return threshold is not None and self.closeness(phrase, text) >= threshold
