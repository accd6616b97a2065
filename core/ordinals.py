"""Ordinals and what they count: "the first season", "the 95th Academy Awards", "la deuxième saison",
and numbered things, which say the same ("Season 10" is the tenth season).

Written-out ordinals are read by text2num in the text's own language, then every ordinal is taken with the
few words after it, where its noun is ("the tenth and final season").
"""
from __future__ import annotations

import re

from dossier.core.lexical import STOPWORD_SET
from dossier.core.text import fold

_DIGIT_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,4})(?:st|nd|rd|th|ère|ere|er|re|ème|eme|e)(?!\w)", re.IGNORECASE)
_NUMBERED = re.compile(r"(?<!\w)([^\W\d_]{3,})\s+(\d{1,3})(?![\d.,]\d|\w|\s*%)")  # "season 10", "saison 3"
_WORD = re.compile(r"\w[\w'’-]*")
NOUN_REACH = 3  # words after an ordinal that may hold its noun ("10th and final season")


def ordinals(text: str, language: str | None) -> list[tuple[int, list[str]]]:
    """Each ordinal in ``text`` as (value, the folded content words right after it)."""
    from text_to_num import alpha2digit  # a compiled reader; loaded on first use, not at import

    digits = alpha2digit(text, "fr" if language == "fr" else "en", threshold=0)
    found = []
    for m in _DIGIT_ORDINAL.finditer(digits):
        following = _WORD.findall(fold(digits[m.end():m.end() + 60]))[:NOUN_REACH]
        found.append((int(m[1]), [w for w in following if w not in STOPWORD_SET]))
    found += [(int(m[2]), [m[1]]) for m in _NUMBERED.finditer(fold(digits)) if m[1] not in STOPWORD_SET]
    return found


def counted_noun(text: str, language: str | None) -> list[tuple[int, str]]:
    """The ordinals of a question with the noun each counts: "the first season of X" -> [(1, "season")]."""
    return [(value, words[0]) for value, words in ordinals(text, language) if words]


def states_another_ordinal(text: str, language: str | None, asked: list[tuple[int, str]]) -> bool:
    """``text`` counts one of the asked nouns with another ordinal and never with the asked one:
    "the tenth and final season" for "the first season"."""
    stated = ordinals(text, language)
    for value, noun in asked:
        of_noun = {v for v, words in stated if any(_same_word(noun, w) for w in words)}
        if of_noun and value not in of_noun:
            return True
    return False


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word ("season", "seasons"; "saison", "saisons")."""
    stem = min(len(a), len(b), max(4, min(len(a), len(b)) - 2))
    return a[:stem] == b[:stem] and abs(len(a) - len(b)) <= 3
