"""Words as the matcher sees them: stopwords of both languages and one bilingual stem per word.

Language-aware without a language switch: every token goes through the English then the French
Snowball stemmer and loses its accents, so "contrats"/"contrat" and "searches"/"search" meet, and
a question is stemmed the same way whatever its language. BM25 (index) and the answerer share this.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import Stemmer
# bm25s keeps maintained stopword lists for both languages; only its data module is used here.
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

STOPWORDS: tuple[str, ...] = tuple(sorted(set(STOPWORDS_EN) | set(STOPWORDS_FRENCH)))
STOPWORD_SET = frozenset(STOPWORDS)
# Words (and French elisions, split off by the token pattern) that say nothing about the topic.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"

_english = Stemmer.Stemmer("english")
_french = Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def bilingual_stem(word: str) -> str:
    stem = _french.stemWord(_english.stemWord(word))
    return "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))


class BilingualStemmer:
    """The stemmer interface bm25s expects (``stemWords`` over a list), applying ``bilingual_stem``."""

    def stemWords(self, words: list[str]) -> list[str]:  # noqa: N802 - PyStemmer's name
        return [bilingual_stem(w) for w in words]

    def stemWord(self, word: str) -> str:  # noqa: N802
        return bilingual_stem(word)


STEMMER = BilingualStemmer()
