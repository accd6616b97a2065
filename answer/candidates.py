"""Candidate sentences: each sentence of a passage (a record: all of it) as a quote that may answer,
scored by the question's terms it covers, the targets it states and whether it speaks of what the
question names; and the context around a sentence (the clauses worth quoting, the sentence after it).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from dossier.answer.corpus import CorpusView, stems_of
from dossier.answer.draft import Span
from dossier.answer.entities import mentions_entity, names_set_aside
from dossier.answer.inert import is_inert
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.answer.targets import states_quantities, targets_in
from dossier.core.dates import date_mentions
from dossier.core.quantities import quantities
from dossier.core.types import ScoredPassage
from dossier.core.text import fold, sentences

# A record states amounts, dates and recipients: for other questions it is rarely the answer.
RECORD_TARGETS = {"amount", "date", "count", "organization", "duration"}
RECORD_OFF_TARGET = 1.0
SET_ASIDE_PENALTY = 1.5  # a sentence naming what the question sets aside ("Besides DHS") is about that
MAX_QUOTE_CHARS = 360

_POINTS_BACK = re.compile(r"(?:cet|cette|ces|ce|il|elle|ils|elles|la société|l['’]entreprise|l['’]outil|le logiciel|"
                          r"la plateforme|this|these|it|they|the company|the tool|the platform)\b", re.IGNORECASE)

TermWeights = dict[str, tuple[frozenset[str], float]]  # question word -> (its stems and cognates, weight)


@dataclass
class Candidate:
    span: Span
    stems: set[str]
    coverage: float
    covered: frozenset[str]
    targets: frozenset[str]
    mentions_entities: bool
    score: float


def term_weights(question: Question, corpus: CorpusView) -> TermWeights:
    weights = {}
    for term in question.terms:
        stems = frozenset(term.stems | {c for s in term.stems for c in corpus.cognates(s)})
        present = [corpus.idf[s] for s in stems if s in corpus.idf]
        # A term found nowhere in the corpus weighs as a typical term: it may be a false premise
        # ("cancel") or just the question's own phrasing ("run"); the other gates decide.
        weights[term.word] = (stems, max(present) if present else corpus.median_idf)
    return weights


def readable_weights(weights: TermWeights, corpus: CorpusView, passage_language: str | None,
                     question_language: str) -> TermWeights:
    """The question's terms that a passage in another language could say in its own words: those whose
    stems or translations occur somewhere in that language's passages. The others ("factory" with no
    French in the lexicon) cannot be checked word for word there, so they do not count against it."""
    stems = corpus.stems_by_language.get(passage_language or question_language)
    if not passage_language or passage_language == question_language or not stems:
        return weights
    return {w: v for w, v in weights.items() if v[0] & stems}


def term_coverage(covered: set[str] | frozenset[str], weights: TermWeights) -> float:
    """The share of the question's term weight that the ``covered`` terms carry."""
    total = sum(w for _, w in weights.values())
    if total == 0:
        return 1.0
    return sum(weights[t][1] for t in covered if t in weights) / total


def without_terms(weights: TermWeights, words: tuple[str, ...]) -> dict:
    return {w: v for w, v in weights.items() if w not in words}


def sentence_candidates(scored: ScoredPassage, question: Question, entities: list[str], weights: TermWeights,
                        corpus: CorpusView, lexicon: Lexicon) -> list[Candidate]:
    passage = scored.passage
    weights = readable_weights(weights, corpus, passage.language, question.language)
    if passage.kind == "record":
        bounds = [(0, len(passage.text))]
    else:
        bounds = [(s, e) for s, e in sentences(passage.text)]
    found = []
    for start, end in bounds:
        if is_inert(passage, start, end):  # addressed to a reader or an AI: text, never evidence
            continue
        start, end = _trim(passage.text, start, end, weights, entities)
        span = Span(passage, start, end, scored.rank)
        folded = fold(span.text)
        stems = stems_of(folded)
        covered = frozenset(w for w, (term_stems, _) in weights.items() if term_stems & stems)
        if "date" in question.targets:
            covered |= _bounds_said_by_a_range(span.text, weights)
        coverage = term_coverage(covered, weights)
        targets = frozenset(targets_in(span.text, question, lexicon, corpus.recipients))
        # "La société a également des contrats …" speaks of the company the sentence before it names.
        before = [b for b in bounds if b[1] <= start][-1:]
        said_of = fold(passage.text[before[0][0]:end]) if before and passage.kind != "record" else folded
        mentions = all(mentions_entity(said_of, e, corpus, lexicon) for e in entities) if entities else True
        adjustment = 0.5 if question.quantities and states_quantities(folded, question) else 0.0
        if any(names_set_aside(folded, e, corpus, lexicon) for e in question.excluded):
            adjustment -= SET_ASIDE_PENALTY
        if passage.kind == "record" and not question.records_intent and not set(question.targets) & RECORD_TARGETS:
            adjustment -= RECORD_OFF_TARGET
        score = (2.0 * coverage + (0.8 if mentions else 0.0) + (1.0 if targets & set(question.targets) else 0.0)
                 + adjustment + 0.6 / scored.rank + (0.2 if passage.kind == "text" else 0.0))
        found.append(Candidate(span, stems, coverage, covered, targets, mentions, score))
    return found


# When something starts or ends, in both languages' forms: a date range says both.
_BOUND_WORDS = ("start starts started begin begins began open opens opened commence commences end ends ended "
                "finish finishes finished close closes closed conclude concludes concluded commencer commence "
                "débuter débute ouvrir ouvre terminer termine finir finit achever achève clôturer clôture")
_DAY_RANGE = re.compile(r"(?<![\d.,])\d{1,2}(?:st|nd|rd|th|er)?\s*(?:[-–—]|to|au|until|through|and|et)\s*\d{1,2}(?![\d.,]\d)")


@functools.lru_cache(maxsize=1)
def _bound_stems() -> frozenset[str]:
    return frozenset(stems_of(fold(_BOUND_WORDS)))


def _bounds_said_by_a_range(text: str, weights: TermWeights) -> frozenset[str]:
    """"From 4 to 20 February", "November 20 to December 18": a range of dates says when something starts
    and when it ends, so it covers the question's "end" or "start" although it never says the word."""
    mentions = date_mentions(text)
    if not (len(mentions) >= 2 or mentions and _DAY_RANGE.search(text)):
        return frozenset()
    return frozenset(w for w, (term_stems, _) in weights.items() if term_stems & _bound_stems())


def _trim(text: str, start: int, end: int, weights: TermWeights, entities: list[str]) -> tuple[int, int]:
    """Keep a long sentence's clauses that bear on the question; the quote stays the source's words."""
    if end - start <= MAX_QUOTE_CHARS or "\n" in text[start:end]:  # records are quoted whole
        return start, end
    cuts = sorted({start, end} | {start + m.end() for m in re.finditer(r"[,;:—–]\s", text[start:end])})
    clauses = list(zip(cuts[:-1], cuts[1:]))
    best, best_score = (start, min(end, start + MAX_QUOTE_CHARS)), -1.0
    for i in range(len(clauses)):
        for j in range(i, len(clauses)):
            s, e = clauses[i][0], clauses[j][1]
            if e - s > MAX_QUOTE_CHARS:
                break
            folded = fold(text[s:e])
            stems = stems_of(folded)
            score = (term_coverage({w for w, (ts, _) in weights.items() if ts & stems}, weights)
                     + sum(1.0 for e_ in entities if fold(e_) in folded) + len(quantities(text[s:e])) * 0.05)
            # What follows a name usually says what it is or does: favour windows that open on it.
            first = min((folded.find(fold(e_)) for e_ in entities if fold(e_) in folded), default=-1)
            if first >= 0:
                score += 0.2 * (len(folded) - first) / MAX_QUOTE_CHARS
            if score > best_score:
                best, best_score = (s, e), score
    s, e = best
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


def continuation(best: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The next sentence of the same passage when it opens by pointing back ("Cet outil permet …")."""
    after = [c for c in candidates if c.span.passage.passage_id == best.span.passage.passage_id
             and c.span.start >= best.span.end]
    nearest = min(after, key=lambda c: c.span.start, default=None)
    if nearest is None or best.span.passage.text[best.span.end:nearest.span.start].strip():
        return None
    return nearest if _POINTS_BACK.match(nearest.span.text) else None
