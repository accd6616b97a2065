"""Which language a text is in: English or French for a question, any ISO 639-1 code for a document.

Two methods because the two texts differ: langdetect needs a paragraph to be reliable, while a
question is a dozen words, often carrying names from the other language, so there the function
words and accents of each language are counted.
"""
from __future__ import annotations

import re
from functools import lru_cache

_MIN_LANGUAGE_LETTERS = 40  # below this langdetect's guess is noise
_LANGUAGE_SAMPLE_CHARS = 5000

_FRENCH_MARKERS = re.compile(
    r"\b(quel|quelle|quels|quelles|combien|qui|quand|où|pourquoi|est-ce|les|des|une|avec|dans|pour|sur|"
    r"a-t-il|a-t-elle|ont|été|entreprise|contrat|selon)\b|[àâçéèêëîïôùûœ]", re.IGNORECASE)
_ENGLISH_MARKERS = re.compile(r"\b(the|what|which|who|how|when|where|why|did|does|was|with|of|and|is)\b",
                              re.IGNORECASE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of a document, guessed by langdetect (seeded, so deterministic); None for too little text."""
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    if sum(char.isalpha() for char in sample) < _MIN_LANGUAGE_LETTERS:
        return None
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(sample)
    except LangDetectException:
        return None


def question_language(text: str) -> str:
    """``fr`` or ``en`` for a short question, by counting each language's function words and accents."""
    return "fr" if len(_FRENCH_MARKERS.findall(text)) > len(_ENGLISH_MARKERS.findall(text)) else "en"


@lru_cache(maxsize=1)
def place_name_equivalents() -> dict[str, frozenset[str]]:
    """Countries and regions named in English and French, from the CLDR data babel ships:
    "belgium" <-> "belgique", "united states" <-> "états-unis". Keys and values are folded."""
    from babel import Locale

    from dossier.core.text import fold

    english, french = Locale("en").territories, Locale("fr").territories
    pairs: dict[str, set[str]] = {}
    for code, name in english.items():
        other = french.get(code)
        if not other or fold(name) == fold(other):
            continue
        pairs.setdefault(fold(name), set()).add(fold(other))
        pairs.setdefault(fold(other), set()).add(fold(name))
    return {name: frozenset(names) for name, names in pairs.items()}


@lru_cache(maxsize=65536)
def is_ordinary_word(word: str, language: str) -> bool:
    """``word`` is a common word of ``language`` in simplemma's dictionary (its lemma lower-case): "sommet",
    "belgian", but not "Wimbledon" (listed as a proper noun) nor "Febelfin" (not listed). The dictionary
    of a language loads on first use, about 2 s and 30 MB."""
    import simplemma

    folded = word.casefold()
    try:
        return simplemma.is_known(folded, lang=language) and simplemma.lemmatize(folded, lang=language).islower()
    except ValueError:  # a language simplemma has no dictionary for
        return False
