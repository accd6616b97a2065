"""What the answerer knows about the whole corpus, rebuilt when the index changes: which names it
contains (and their acronyms and aliases), how common each name and stem is, and its records."""
from __future__ import annotations

import functools
import itertools
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from dossier.answer.lexicon import Lexicon
from dossier.core.types import Passage
from dossier.core.lexical import STOPWORD_SET, bilingual_stem
from dossier.core.text import NAME, NAME_CONNECTORS, UPPER, fold

_CONNECTORS = {*NAME_CONNECTORS, "the"}
# A capitalised word after a lowercase word or a comma: capitalised because it is a name.
_CAPITALISED_INSIDE = re.compile(rf"[^\W\d_{UPPER}][,;:]? ([{UPPER}][\w\-]*)")
_WORD = re.compile(r"\w+")


def stems_of(folded_text: str) -> set[str]:
    return {bilingual_stem(w) for w in _WORD.findall(folded_text)}


@dataclass(frozen=True)
class SourceMeta:
    outlet: str  # folded
    published: str  # ISO date, as precise as known ("2012-07", "2012-07-04"), or ""


@dataclass
class CorpusView:
    passages: list[Passage]
    folded: dict[str, str]  # passage id -> folded text
    stems: dict[str, set[str]]  # passage id -> stems
    idf: dict[str, float]
    acronyms: dict[str, set[str]]  # "aclu" -> {"american civil liberties union"}
    aliases: dict[str, set[str]]  # folded name -> folded names standing for the same party (from records)
    record_names: list[tuple[str, str, str]]  # (recipient, product or service, description) of the records
    all_text: str  # folded text of every passage, for "is this name anywhere at all?"
    sources: dict[str, SourceMeta] = field(default_factory=dict)  # document id -> where and when it was published
    name_words: set[str] = field(default_factory=set)  # folded words the corpus capitalises inside a sentence
    _cognates: dict[str, set[str]] = field(default_factory=dict)
    _shares: dict[str, float] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    _said_words: dict[str, bool] = field(default_factory=dict)
    _spellings: dict[str, list[str]] = field(default_factory=dict)  # a corpus word -> its cognates there
    _other_spellings: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _leads: dict[str, str] = field(default_factory=dict)  # document id -> folded title and first passage

    @classmethod
    def build(cls, passages: list[Passage], record_names: list[tuple[str, str, str]],
              sources: dict[str, SourceMeta] | None = None) -> "CorpusView":
        folded = {p.passage_id: fold(p.text) for p in passages}
        stems = {pid: stems_of(text) for pid, text in folded.items()}
        df = Counter(s for st in stems.values() for s in st)
        n = max(len(passages), 1)
        idf = {s: math.log(1 + n / c) for s, c in df.items()}
        acronyms: dict[str, set[str]] = {}
        for p in passages:
            for m in NAME.finditer(p.text):
                words = m[0].split()
                initials = "".join(w[0] for w in words if w.lower() not in _CONNECTORS)
                if len(initials) >= 2:
                    acronyms.setdefault(initials.lower(), set()).add(fold(m[0]))
        name_words = {fold(m[1]) for p in passages for m in _CAPITALISED_INSIDE.finditer(p.text)}
        return cls(passages, folded, stems, idf, acronyms, _aliases(record_names), record_names, "\n".join(folded.values()),
                   sources or {}, name_words)

    def source_scope(self, names: tuple[str, ...]) -> tuple[set[str], set[str]]:
        """The documents a question scopes itself to by naming their outlet ("according to Global Voices",
        "the Wikinews report"), and the names that did so: metadata, not words the text must contain."""
        scoped: set[str] = set()
        used: set[str] = set()
        for name in names:
            folded = fold(name)
            # Every word of the name among the outlet's words: "Wikinews" names "Wikinews (fr)".
            hits = {doc for doc, meta in self.sources.items()
                    if meta.outlet and len(folded) >= 3 and fuzz.token_set_ratio(folded, meta.outlet) == 100}
            if hits:
                scoped |= hits
                used.add(name)
        return scoped, used

    @property
    def median_idf(self) -> float:
        values = sorted(self.idf.values())
        return values[len(values) // 2] if values else 1.0

    @functools.cached_property
    def has_text(self) -> bool:
        """Whether any article passage is indexed (an index of records alone has no prose to try)."""
        return any(p.kind == "text" for p in self.passages)

    @functools.cached_property
    def recipients(self) -> frozenset[str]:
        return frozenset(fold(recipient) for recipient, _, _ in self.record_names if recipient)

    @functools.cached_property
    def words_by_language(self) -> dict[str, Counter[str]]:
        """How often each folded word occurs in the article passages of each language."""
        counts: dict[str, Counter[str]] = {}
        for p in self.passages:
            if p.kind == "text" and p.language:
                counts.setdefault(p.language, Counter()).update(_WORD.findall(self.folded[p.passage_id]))
        return counts

    @functools.cached_property
    def _words_by_opening(self) -> dict[tuple[str, str], list[str]]:
        """(language, first four letters) -> the words of that language that open so: cognates share
        their opening, so a name's word is compared with these few, not the whole vocabulary."""
        index: dict[tuple[str, str], list[str]] = {}
        for language, vocabulary in self.words_by_language.items():
            for word in vocabulary:
                index.setdefault((language, word[:4]), []).append(word)
        return index

    @functools.cached_property
    def stems_by_language(self) -> dict[str, set[str]]:
        """Every stem the article passages of each language use: the stems of their words."""
        return {language: {bilingual_stem(w) for w in words} for language, words in self.words_by_language.items()}

    def spelled_in_other_language(self, name: str, language: str) -> str | None:
        """How documents in another language than the question's write a name it does not find as written:
        "Belgian" is "belges" in a French article, "European Parliament" is "parlement europeen". Each word
        must have a cognate there (a shared opening, the rest a short ending), and the words must be written
        together, in either order. The most frequent spelling stands for the name; the others are its forms."""
        key = (name, language)
        if key not in self._other_spellings:  # once per name and language, for this generation
            self._other_spellings[key] = self._spell_in_other_language(name, language)
        return self._other_spellings[key]

    def _spell_in_other_language(self, name: str, language: str) -> str | None:
        words = [w for w in fold(name).split() if w not in _CONNECTORS]
        if not words or len(words) > 3:
            return None
        for other, vocabulary in self.words_by_language.items():
            if other == language:
                continue
            options = [sorted((c for c in self._words_by_opening.get((other, w[:4]), ())
                               if _cross_language_cognate(w, c)), key=lambda c: -vocabulary[c])[:3]
                       for w in words]
            if not all(options):
                continue
            spellings = {" ".join(order) for choice in itertools.product(*options)
                         for order in (choice, tuple(reversed(choice)))}
            found = [s for s in spellings if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", self.all_text)]
            if found:
                spelling = max(found, key=lambda s: (self.all_text.count(s), s))
                if set(found) - set(self._spellings.get(spelling, ())):
                    self._spellings[spelling] = sorted(found)
                    self._patterns.pop(spelling, None)
                    self._shares.pop(spelling, None)
                return spelling
        return None

    def cognates(self, stem: str) -> set[str]:
        """Corpus stems that are the same word cut differently by the English and French stemmers."""
        cached = self._cognates.get(stem)
        if cached is None:
            cached = {other for other in self.idf if _cognate(stem, other)} if len(stem) >= 4 else set()
            self._cognates[stem] = cached
        return cached

    def idf_of(self, stem: str) -> float:
        return self.idf.get(stem, math.log(1 + max(len(self.passages), 1)))

    def forms(self, entity: str, lexicon: Lexicon) -> list[str]:
        """Folded written forms under which an entity may appear: itself, acronym expansions, translations."""
        name = fold(entity)
        forms = [name]
        if re.search(r"\b\w\.\w\.", name):  # initials are written with and without periods: "U.S." / "US"
            forms.append(re.sub(r"\b(\w)\.", r"\1", name).rstrip("."))
        if entity.isupper() and 2 <= len(entity) <= 6:
            forms += sorted(self.acronyms.get(name, ()))
        forms += sorted(lexicon.equivalents(name))  # "secret service" -> "services secrets"
        forms += self._spellings.get(name, [])  # "belge" -> "belges", "belgique"
        return forms

    def mentions(self, text_folded: str, entity: str, lexicon: Lexicon) -> bool:
        pattern = self._patterns.get(entity)
        if pattern is None:  # one compiled alternation of every form, once per name and generation
            forms = [_joined_either_way(f) for f in self.forms(entity, lexicon) if f]
            pattern = self._patterns[entity] = re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)") if forms \
                else re.compile(r"(?!x)x")
        return pattern.search(text_folded) is not None

    def known(self, entity: str, lexicon: Lexicon) -> bool:
        return (self.mentions(self.all_text, entity, lexicon) or bool(self.aliases.get(fold(entity)))
                or self._said_as_words(entity))

    def _said_as_words(self, entity: str) -> bool:
        """Some passage says the name's words side by side (``says_name_words``); checked only in the
        passages that hold them all."""
        found = self._said_words.get(entity)
        if found is None:
            wanted = set(_content_words(fold(entity)))
            found = self._said_words[entity] = bool(wanted) and any(
                all(w in text for w in wanted) and says_name_words(text, entity) for text in self.folded.values())
        return found

    def lead_of(self, document_id: str) -> str:
        """The folded title and first passage of a document: where a news article names what it is about."""
        if not self._leads:
            for passage in sorted(self.passages, key=lambda p: p.ordinal, reverse=True):
                self._leads[passage.document_id] = fold(passage.title or "") + "\n" + self.folded[passage.passage_id]
        return self._leads.get(document_id, "")

    def share_mentioning(self, entity: str, lexicon: Lexicon) -> float:
        if not self.passages:
            return 0.0
        share = self._shares.get(entity)
        if share is None:  # a scan of every passage: once per name and index generation
            hits = sum(1 for text in self.folded.values() if self.mentions(text, entity, lexicon))
            share = self._shares[entity] = hits / len(self.passages)
        return share


def says_name_words(folded_text: str, entity: str) -> bool:
    """The text says the name's content words side by side, in any order: "Winter Olympic Games" for "Olympic
    Winter Games", "Earth and the Moon" for "Earth and Moon". A word between them ("Best Supporting Actor" for
    "Best Actor") or another form of one ("Dal Marrows" for "Dal Marrow") makes it another name."""
    wanted = sorted(_content_words(fold(entity)))
    if not wanted:
        return False
    said = _content_words(folded_text)
    if not set(wanted) <= set(said):
        return False
    width = len(wanted)
    return any(sorted(said[i:i + width]) == wanted for i in range(len(said) - width + 1))


def _content_words(folded_text: str) -> list[str]:
    return [w for w in _WORD.findall(folded_text) if w not in STOPWORD_SET]


def _joined_either_way(form: str) -> str:
    """A pattern for a folded name written with or without a hyphen or space between its parts:
    "gpt4", "gpt-4" and "gpt 4" are one name, as are "e-mail" and "email"."""
    parts = re.split(r"[-\s]+|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", form)
    return r"[-\s]?".join(re.escape(p) for p in parts if p)


def _cognate(a: str, b: str) -> bool:
    """One stem opens the other ("defen"/"defens", "spywar"/"spyware"), five letters at least."""
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 5 and longer.startswith(shorter) and len(longer) - len(shorter) <= 3


def _cross_language_cognate(word: str, other: str) -> bool:
    """The same word in two languages: a shared opening of four letters or more, and either a short
    ending after it ("belgian"/"belges", "europe-an"/"europe-en") or close spelling ("parliament"/"parlement")."""
    if word == other:
        return True  # "commission" in "European Commission" / "Commission européenne"
    if len(word) < 4 or len(other) < 4:
        return False
    shared = len(os.path.commonprefix([word, other]))
    return shared >= 4 and (shared >= min(len(word), len(other)) - 3 or fuzz.ratio(word, other) >= 80)


def _aliases(record_names: list[tuple[str, str, str]]) -> dict[str, set[str]]:
    """Names a record's product or description gives for what it buys: a question about Zignal Labs
    should find the Carahsoft record that sells Zignal licences, one about ImmigrationOS, Palantir."""
    aliases: dict[str, set[str]] = {}
    for recipient_name, product, description in record_names:
        if not recipient_name:
            continue
        recipient = fold(recipient_name)
        for field_text in (product, description):
            for m in NAME.finditer(field_text or ""):
                if m.start() == 0 and " " not in m[0] and not any(c.isupper() for c in m[0][1:]):
                    continue  # a capitalised first word, not a name ("Licenses for …"); "ImmigrationOS" stays
                name = fold(m[0])
                if name and name != recipient and name not in recipient and len(name) > 3:
                    aliases.setdefault(name, set()).add(recipient)
                    aliases.setdefault(recipient, set()).add(name)
    return aliases
