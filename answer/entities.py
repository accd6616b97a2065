"""The things a question names, and whether a passage or a sentence speaks of them.

A name the corpus does not know may be two known names joined ("ImmigrationOS de Palantir"); a name
in most passages (the agency every article is about) tells nothing; a known name may be shortened
after its first mention ("Paragon Solutions" … "Paragon") or given by an alias or a translation.
"""
from __future__ import annotations

import dataclasses
import re

from dossier.answer.corpus import CorpusView, says_name_words
from dossier.answer.draft import Span
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question, with_entity_as_words
from dossier.core.language import is_ordinary_word
from dossier.core.types import Passage
from dossier.core.text import fold, sentences

GENERIC_SHARE = 0.3  # a name in more passages than this (the agency every article is about) tells nothing
ANCHOR_SENTENCES = 2


def resolve_entities(question: Question, corpus: CorpusView, lexicon: Lexicon) -> list[str]:
    """Split a name the corpus does not know at its connectors when each part is known:
    "ImmigrationOS de Palantir" is two names; "Babel Street" stays one, unknown, name. The question's
    opening word ("Summarize …") leaves a name unless the corpus itself writes it as one. A name a
    document in another language writes its own way ("Belgian": "belges") is taken in that spelling."""
    resolved = []
    opening = question.opening
    for entity in question.entities:
        words = entity.split()
        if opening and fold(words[0]) == opening and opening not in corpus.name_words and not corpus.known(entity, lexicon):
            entity = " ".join(words[1:])
            if not entity:
                continue
        parts = [p for p in re.split(r"\s+(?:of|de|du|des|and|et|for)\s+", entity) if p]
        if len(parts) > 1 and not corpus.known(entity, lexicon) and all(corpus.known(p, lexicon) for p in parts):
            resolved.extend(parts)
        else:
            resolved.append(entity)
    return [e if corpus.known(e, lexicon) else corpus.spelled_in_other_language(e, question.language) or e
            for e in resolved]


def names_read_as_words(question: Question, corpus: CorpusView, lexicon: Lexicon) -> Question:
    """A capitalised word of the question that the corpus knows under no spelling and that is a common word
    of the question's language ("Sommet", "Péage") is read as a word when documents are written in another
    language: there it is translated, never found as written. An unknown real name ("Renault", "GDP")
    stays a name and its absence still refuses the question; so does a phrase ("Babel Street": common
    words, one name) and the question's opening word, which ``resolve_entities`` judges."""
    if not any(language != question.language for language in corpus.words_by_language):
        return question
    for entity in question.entities:
        if " " in entity or fold(entity) == question.opening or not is_ordinary_word(entity, question.language):
            continue
        if not corpus.known(entity, lexicon) and not corpus.spelled_in_other_language(entity, question.language):
            question = with_entity_as_words(question, entity, lexicon)
    return question


TITLE_GAP_WORDS = 3  # "A House Between the Earth and the Moon": at most this many small words between two names


def names_joined_as_written(question: Question, corpus: CorpusView, lexicon: Lexicon) -> Question:
    """Names the question separates by a few lowercase words ("House Between" the "Earth" and the "Moon",
    "Man" in the "High Castle") are one title when some passage writes the whole phrase: each part alone would
    anchor any sentence that names the Moon. Two names joined by one coordinator ("X and Y") stay two."""
    if len(question.entities) < 2 or not corpus.has_text:
        return question
    located, position = [], 0
    for entity in question.entities:
        start = question.text.find(entity, position)
        if start < 0:
            return question  # a name rewritten by the parser: its place is unknown, leave the names as they are
        located.append([start, start + len(entity)])
        position = start + len(entity)
    joined = [located[0]]
    for start, end in located[1:]:
        previous = joined[-1]
        gap = question.text[previous[1]:start].split()
        small_words = 0 < len(gap) <= TITLE_GAP_WORDS and all(w.isalpha() and w.islower() for w in gap)
        only_a_coordinator = len(gap) == 1 and _COORDINATORS.fullmatch(f" {gap[0]} ") is not None
        if small_words and not only_a_coordinator and corpus.mentions(
                corpus.all_text, question.text[previous[0]:end], lexicon):
            previous[1] = end
        else:
            joined.append([start, end])
    if len(joined) == len(located):
        return question
    return dataclasses.replace(question, entities=tuple(question.text[s:e] for s, e in joined))


def head_word(entity: str) -> str | None:
    words = [w for w in fold(entity).split() if len(w) >= 4]
    return words[0] if words and len(fold(entity).split()) > 1 else None


def is_generic(entity: str, corpus: CorpusView, lexicon: Lexicon) -> bool:
    return len(corpus.passages) >= 4 and corpus.share_mentioning(entity, lexicon) > GENERIC_SHARE


def mentions_entity(text: str, entity: str, corpus: CorpusView, lexicon: Lexicon) -> bool:
    """The folded ``text`` names ``entity``: as the corpus knows it, by its head word, or by an alias."""
    if corpus.mentions(text, entity, lexicon):
        return True
    # A known name may be shortened after its first mention: "Paragon Solutions" … "Paragon".
    head = head_word(entity)
    if head and re.search(rf"(?<!\w){re.escape(head)}(?!\w)", text):
        return True
    if any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text) for alias in corpus.aliases.get(fold(entity), ())):
        return True
    return says_name_words(text, entity)


def passage_is_about(passage: Passage, entities: list[str], corpus: CorpusView, lexicon: Lexicon,
                     by_lead: bool = True) -> bool:
    """The passage names each thing, or (``by_lead``) its article does in its title or first passage: an
    article on the AF447 crash is about AF447 in its tenth paragraph too. Whether a sentence is said of it
    is ``anchored_to``."""
    text = corpus.folded.get(passage.passage_id) or fold(passage.text)
    return all(mentions_entity(text, e, corpus, lexicon) or by_lead and passage.kind == "text" and mentions_entity(
        corpus.lead_of(passage.document_id), e, corpus, lexicon) for e in entities)


def names_set_aside(folded_text: str, entity: str, corpus: CorpusView, lexicon: Lexicon) -> bool:
    """Any name the lexicon gives the thing, in either language: "DHS", "Department of Homeland Security"."""
    names = {fold(entity)} | lexicon.equivalents(fold(entity))
    names |= {n for other in list(names) for n in lexicon.equivalents(other)}
    return mentions_entity(folded_text, entity, corpus, lexicon) or any(
        re.search(rf"(?<!\w){re.escape(n)}(?!\w)", folded_text) for n in names if n)


def anchored_to(span: Span, entities: list[str], corpus: CorpusView, lexicon: Lexicon) -> bool:
    """The sentence, or one of the two just before it (a short chain of "ce contrat", "l'entreprise"),
    names what the question is about: an amount in a passage about X is X's amount only if said of X.
    A document whose title names X is about X throughout ("Banques belges piratées": every figure in it)."""
    text = span.passage.text
    previous = [(s, e) for s, e in sentences(text) if e <= span.start][-ANCHOR_SENTENCES:]
    window = text[previous[0][0]:span.end] if previous else span.text
    folded = fold(window)
    title = fold(span.passage.title)
    return any(mentions_entity(folded, e, corpus, lexicon) or mentions_entity(title, e, corpus, lexicon)
               for e in entities)


_COORDINATORS = re.compile(r"(?:^|\s|,)(?:and|or|nor|et|ou|ni|vs|versus|than|que|qu|compared|comparé\w*|both|between|"
                           r"entre)(?:\s|$)|,|/|&", re.IGNORECASE)


def coordinated(question_text: str, names: list[str]) -> bool:
    """The question sets its names side by side ("X or Y", "X et Y", "larger than Y"), so each may have its own
    passage; "the State's loan to PSA" relates them, and one passage must speak of both."""
    folded = fold(question_text)
    found = sorted((folded.find(fold(n)), len(fold(n))) for n in names)
    if len(found) < 2 or found[0][0] < 0:
        return len(found) >= 2  # a name taken in another spelling: its place is unknown, as before
    return all(_COORDINATORS.search(folded[start + size:following])
               for (start, size), (following, _) in zip(found, found[1:]))
