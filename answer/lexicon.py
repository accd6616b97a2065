"""The bilingual domain lexicon (data in ``lexicon/en_fr.tsv``): bridges English questions and French text."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dossier.core.language import place_name_equivalents
from dossier.core.text import fold

LEXICON_PATH = Path(__file__).with_name("lexicon") / "en_fr.tsv"


class Lexicon:
    """Maps a word or phrase in one language to its equivalents in the other, both ways."""

    def __init__(self, pairs: list[tuple[list[str], list[str]]]):
        self._equivalents: dict[str, set[str]] = {}
        for english, french in pairs:
            for side, other in ((english, french), (french, english)):
                for term in side:
                    self._equivalents.setdefault(fold(term), set()).update(fold(t) for t in other)
        self.max_phrase_words = max((len(k.split()) for k in self._equivalents), default=1)

    @classmethod
    def from_file(cls, path: Path) -> "Lexicon":
        pairs = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip() or line.startswith("#") or "\t" not in line:
                    continue
                english, french = line.split("\t", 1)
                pairs.append(([t.strip() for t in english.split("|") if t.strip()],
                              [t.strip() for t in french.split("|") if t.strip()]))
        return cls(pairs)

    def translations(self, words: list[str]) -> list[tuple[int, int, set[str]]]:
        """Phrases of ``words`` (folded tokens) found in the lexicon: (start, end, equivalents), longest first."""
        found = []
        i = 0
        while i < len(words):
            for size in range(min(self.max_phrase_words, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                if phrase in self._equivalents:
                    found.append((i, i + size, self._equivalents[phrase]))
                    i += size
                    break
            else:
                i += 1
        return found

    def equivalents(self, phrase: str) -> set[str]:
        """The other language's folded forms of a folded word or phrase (place names from CLDR too)."""
        return self._equivalents.get(phrase, set()) | place_name_equivalents().get(phrase, frozenset())

    def knows(self, word: str) -> bool:
        return fold(word) in self._equivalents


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.from_file(LEXICON_PATH)
