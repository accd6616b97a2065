"""Which values of the records' category columns (recipient, agency, sub-agency, office, state, city)
a question names, decided from the values the table holds.

A value matches when the question holds every one of its distinctive words (words common to many values
of the column, like "county" or "city", only break ties), in order and close together, or its initials
("ICE", "DHS", "CBP"); or when it holds every word of a name the question gives that the column uses
("Bay County" for "Bay County Board of County Commissioners"). Of values matching overlapping words, the
one naming most words wins ("San Diego Association of Governments" over "County of San Diego").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz, process

from dossier.answer.question import words_of
from dossier.answer.records_vocabulary import FIELD_WORD_SET, KIND_EQUIVALENTS, RECIPIENT_KINDS, plain
from dossier.core.lexical import STOPWORD_SET
from dossier.core.records_query import CATEGORY_COLUMNS, ColumnFilter

GENERIC_SHARE = 0.02  # a word in more than this share of a column's values only breaks ties
FUZZY_WORD = 90  # rapidfuzz ratio for two spellings of one name word ("Humbolt", "Humboldt"), same first letter


class RecordsCatalogue(Protocol):
    """What the compiler reads from the records table."""

    def column_values(self, column: str) -> dict[str, int]: ...
    def term_counts(self) -> dict[str, int]: ...
    def has_awards(self) -> bool: ...
    def award_count(self) -> int: ...
    def modifications_held(self) -> tuple[int, int]: ...


def category_filters(text: str, words: list[str], catalogue: RecordsCatalogue, entities: tuple[str, ...] = ()
                      ) -> tuple[list[ColumnFilter], list[str], list[ColumnFilter], list[ColumnFilter]]:
    """Filters on category columns, the question words they consumed, the two sides of a difference when
    two recipients are named apart, and the filters that rest only on part of a long name (dropped
    again when they match nothing: "Humboldt Bay" may be a place, not the Humboldt Bay district).

    Where values of several columns claim the same words ("New York" the state, "New York, City of"
    the recipient), the value the question names most completely wins, then the earlier column."""
    uppercase = set(re.findall(r"\b[A-Z][A-Z.]{1,7}\b", text))
    candidates: list[tuple[float, int, str, str, frozenset[int], bool]] = []
    for rank, column in enumerate(CATEGORY_COLUMNS):
        index = _column_index(column, catalogue.column_values(column))
        if not index.words:
            continue
        named_whole = set()
        for value in index.candidates(words, uppercase):
            positions, completeness = _value_positions(index.words[value], words, index.generic, uppercase)
            if positions:
                candidates.append((completeness, rank, column, value, positions, False))
                named_whole.add(value)
        for entity in entities:  # "Bay County" for "Bay County Board of County Commissioners"
            for value, positions, completeness in _partial_matches(entity, index, words):
                if value not in named_whole:
                    candidates.append((completeness, rank, column, value, positions, True))
    kept: list[tuple[str, str, frozenset[int], bool]] = []
    for completeness, rank, column, value, positions, partial in candidates:
        beaten = any(positions < theirs for *_, theirs, _ in candidates)  # a value naming more of the same words
        rivals = [(c, -r) for c, r, col, v, p, _ in candidates if p & positions and col != column]
        if beaten or any(rival > (completeness, -rank) for rival in rivals):
            continue
        kept.append((column, value, positions, partial))
    filters: list[ColumnFilter] = []
    consumed: list[str] = []
    sides: list[ColumnFilter] = []
    partial_filters: list[ColumnFilter] = []
    for column in CATEGORY_COLUMNS:
        mine = [(v, p) for col, v, p, _ in kept if col == column]
        if not mine:
            continue
        used = sorted(set().union(*(p for _, p in mine)))
        column_filter = ColumnFilter(column, tuple(sorted(v for v, _ in mine)), said=" ".join(words[i] for i in used))
        filters.append(column_filter)
        consumed += [words[i] for i in used]
        if all(partial for col, _, _, partial in kept if col == column):
            partial_filters.append(column_filter)
        spans = sorted({p for _, p in mine}, key=min)
        if column == "recipient" and len(spans) == 2 and not spans[0] & spans[1]:
            sides = [ColumnFilter(column, tuple(sorted(v for v, p in mine if p == span))) for span in spans]
    return filters, consumed, sides, partial_filters


def _partial_matches(entity: str, index: "_ColumnIndex", words: list[str]) -> list[tuple[str, frozenset[int], float]]:
    """Values that hold every distinctive word of a name the question gives, the question naming only
    part of a long official name; of those, the ones holding most of the name's words."""
    entity_words = [w for w in words_of(entity) if w not in STOPWORD_SET and len(w) > 1]
    # Only the name's words this column uses at all: "ImmigrationOS de Palantir" names Palantir's award.
    distinctive = [w for w in entity_words if w not in index.generic and len(w) > 2 and index.spellings(w)]
    if not distinctive:
        return []
    holding = set.intersection(*(set().union(*(index.by_word[t] for t in index.spellings(w))) for w in distinctive))
    scored = []
    for value in holding:
        tokens = set(index.words[value])
        positions = frozenset(i for i, w in enumerate(words)
                              if w in entity_words and any(_same_word(w, t) for t in tokens))
        completeness = sum(1 for t in tokens if t in words) / max(1, len(tokens))
        scored.append((len(positions), value, positions, completeness))
    best = max((held for held, *_ in scored), default=0)
    return [(value, positions, completeness) for held, value, positions, completeness in scored
            if held == best and positions]


@dataclass
class _ColumnIndex:
    """A column's values as words, with the words that many values share and an inverted index, so a
    question looks only at the values that share one of its words (a million rows hold ~10^4 names)."""

    words: dict[str, list[str]]  # value -> its words, stopwords removed
    generic: set[str]
    by_word: dict[str, set[str]]
    by_initials: dict[str, set[str]]
    vocabulary: list[str] = field(default_factory=list)

    def spellings(self, word: str) -> set[str]:
        """The column's words that are ``word`` spelled the same or nearly so."""
        found = {word} if word in self.by_word else set()
        if len(word) >= 5:
            found |= {match for match, _, _ in process.extract(word, self.vocabulary, scorer=fuzz.ratio,
                                                                 score_cutoff=FUZZY_WORD, limit=None)
                      if _same_word(word, match)}
        return found

    def candidates(self, words: list[str], uppercase: set[str]) -> set[str]:
        found: set[str] = set()
        for word in set(words):
            for spelling in self.spellings(word):
                found |= self.by_word[spelling]
        for acronym in uppercase:
            found |= self.by_initials.get(acronym.replace(".", "").lower(), set())
        return found


_INDEXES: dict[str, tuple[dict[str, int], _ColumnIndex]] = {}


def _column_index(column: str, values: dict[str, int]) -> _ColumnIndex:
    """Built once per column and table generation (the catalogue hands out the same dict until then)."""
    cached = _INDEXES.get(column)
    if cached and cached[0] is values:
        return cached[1]
    words = {value: [w for w in words_of(value) if w not in STOPWORD_SET] for value in values}
    counts: dict[str, int] = {}
    by_word: dict[str, set[str]] = {}
    by_initials: dict[str, set[str]] = {}
    for value, tokens in words.items():
        for word in set(tokens):
            counts[word] = counts.get(word, 0) + 1
            by_word.setdefault(word, set()).add(value)
        long_words = [w for w in tokens if len(w) > 1]
        for initials in {"".join(w[0] for w in tokens), "".join(w[0] for w in long_words)}:
            if len(initials) >= 2:
                by_initials.setdefault(initials, set()).add(value)
    limit = max(3, GENERIC_SHARE * len(values))
    index = _ColumnIndex(words, {w for w, n in counts.items() if n > limit}, by_word, by_initials,
                         sorted(w for w in by_word if len(w) >= 5))
    _INDEXES[column] = (values, index)
    return index


def _same_word(a: str, b: str) -> bool:
    """One name word spelled two ways ("Humbolt", "Humboldt"), not a word and its derivative
    ("ImmigrationOS" is not "Immigration")."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[0] == b[0] and abs(len(a) - len(b)) <= 1
                      and fuzz.ratio(a, b) >= FUZZY_WORD)


def _value_positions(all_words: list[str], words: list[str], generic: set[str], uppercase: set[str]
                     ) -> tuple[frozenset[int], float]:
    """The positions of the question words that name a value (given as its words; nothing when it is
    not named), and the share of the value's words the question holds."""
    tokens = [w for w in all_words if len(w) > 1]
    if not tokens:
        return frozenset(), 0.0
    for initials in {"".join(w[0] for w in all_words), "".join(w[0] for w in tokens)}:
        if len(initials) >= 2 and initials.upper() in uppercase:  # "ICE", "USCIS", "DHS"
            return frozenset(i for i, w in enumerate(words) if w == initials), 1.0
    distinctive = [w for w in tokens if w not in generic and w not in RECIPIENT_KINDS] or tokens
    positions: set[int] = set()
    firsts = []
    for token in distinctive:
        hits = [i for i, w in enumerate(words) if _same_word(w, token)]
        if not hits:
            return frozenset(), 0.0
        positions.update(hits)
        firsts.append(hits[0])
    # One mention: the distinctive words in the value's order, close together ("Idaho Falls" is not
    # "Twin Falls County, Idaho").
    if firsts != sorted(firsts) or max(firsts) - min(firsts) > len(distinctive) + 1:
        return frozenset(), 0.0
    # The value's common words next to its distinctive ones are part of the same mention ("Sacramento County").
    present = set(distinctive)
    for token in set(tokens) - set(distinctive):
        same = {token} | KIND_EQUIVALENTS.get(token, set())
        near = [i for i, w in enumerate(words) if plain(w) in same and any(abs(i - j) <= 2 for j in positions)]
        if near:
            present.add(token)
            positions.update(near)
    return frozenset(positions), len(present) / len(set(tokens))


def recipient_mentions(words: list[str]) -> list[str]:
    """ "city of oakland", "harris county": the words naming a local government, wherever written."""
    mentions = []
    for i, w in enumerate(words):
        if w in RECIPIENT_KINDS:
            if i + 2 < len(words) and words[i + 1] in ("of", "de", "d") and words[i + 2] not in STOPWORD_SET:
                mentions.append(f"{w} of {words[i + 2]}")
            elif i > 0 and words[i - 1] not in STOPWORD_SET and words[i - 1] not in FIELD_WORD_SET:
                mentions.append(f"{words[i - 1]} {w}")
    return mentions
