"""Follow-up questions: a question that leans on the turns before it is rewritten to stand alone.

Three ways a question leans on the conversation, in English and French:

- **a pronoun or a demonstrative** with no name of its own ("And how much was it worth?", "Who runs
  them?", "Quel est son montant ?", "Combien ce contrat a-t-il coûté ?"): the latest name the earlier
  questions gave takes its place (a person for "he", "his", "her"; otherwise no acronym and no person);
- **an ellipsis** that gives only a year ("And in 2023?", "Et en 2024 ?"): the last question is asked
  again for that year;
- **a swap** that gives only a name ("What about Palantir?", "Et pour Clearview AI ?"): the last
  question is asked again about that name instead of its subject.

A question that names its own subject starts afresh and inherits nothing. English is rewritten as a
reader would write it ("How much was ImmigrationOS worth?"); a French pronoun keeps its place with the
subject beside it ("Qui la (Paragon) fabrique ?"), since French word order moves with the pronoun.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dossier.answer.lexicon import default_lexicon
from dossier.answer.question import Question, analyse
from dossier.core.language import is_ordinary_word
from dossier.core.text import LOWER, UPPER, fold

_CONNECTORS = re.compile(r"\s+(?:for|of|at|with|de|du|des|pour|chez|avec|à|and|et)\s+", re.IGNORECASE)
_TIE = re.compile(r"^\s*(?:and|et|also|aussi|so|alors)\b[\s,]*", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9.&-]{1,7}")
_QUESTION_END = re.compile(r"\s*\?\s*$")
_ELLIPSIS_LEAD = re.compile(r"^\s*(?:and|et|what|how|about|in|en|for|pour|during|pendant|quid|de|du|"
                            r"qu['’]en|est-il|then|alors|ou|or)\b", re.IGNORECASE)
_SWAP = re.compile(r"^\s*(?:(?:and\s+)?(?:what|how)\s+about|and(?:\s+for)?|(?:et\s+)?(?:pour|quid\s+de)|"
                   r"et(?:\s+(?:pour|de|du|des|avec|chez))?|qu['’]en\s+est-il\s+(?:de|du|des|pour))\s+(?P<name>.+?)"
                   r"\s*\??\s*$", re.IGNORECASE)
_SWAP_FILLER = re.compile(r"^(?:the|la|le|les|l['’])\s+|\s+ones?$", re.IGNORECASE)

# English pronouns and what stands in their place; a demonstrative takes its noun with it.
_EN_PRONOUN = re.compile(r"\b(?P<word>it|they|them|its|their|theirs)\b", re.IGNORECASE)
_EN_DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those)\s+(?P<noun>[a-z][\w-]*)", re.IGNORECASE)
# French: a possessive or demonstrative with its noun becomes "le/la/les N de S"; a pronoun keeps its place.
_FR_DETERMINER = re.compile(r"\b(?P<det>son|sa|ses|leurs?|ce|cet|cette|ces)\s+(?P<noun>[^\W\d_][\w-]*)",
                            re.IGNORECASE)
_FR_ARTICLE = {"son": "le", "sa": "la", "ses": "les", "leur": "le", "leurs": "les", "ce": "le", "cet": "l’",
               "cette": "la", "ces": "les"}
_FR_PRONOUN = re.compile(r"(?:-t-|-|\b)(?P<word>il|elle|ils|elles)\b|\b(?P<object>la|le|les|l['’]|lui|leur|y)"
                         r"(?=\s*[^\W\d_]+\s*\?\s*$|\s+[^\W\d_]+(?:-t-|-)(?:il|elle|ils|elles)\b)"
                         r"|\bl['’](?=(?:a|ont|avait|avaient|aurait|auraient)\b)", re.IGNORECASE)
# A definite or demonstrative noun phrase naming the kind of thing the subject is ("the company", "cet outil")
# stands for the subject itself; other nouns ("this contract", "son montant") are the subject's.
_ENTITY_KINDS = ("company|companies|firm|vendor|contractor|business|startup|tool|software|product|platform|app|"
                 "group|entreprise|société|firme|outil|logiciel|produit|plateforme|application|groupe|"
                 "fournisseur|prestataire|start-up")
_EN_KIND = re.compile(rf"\b(?:the|this|that)\s+(?:{_ENTITY_KINDS})(?P<possessive>['’]s)?\b", re.IGNORECASE)
_FR_KIND = re.compile(rf"\b(?:(?P<prep>à|de)\s+)?(?:l['’]|la\s+|le\s+|cette\s+|cet\s+|ce\s+)(?:{_ENTITY_KINDS})\b",
                      re.IGNORECASE)
_EN_PERSON_PRONOUN = re.compile(r"\b(?P<word>he|she|him|his|her)\b", re.IGNORECASE)
_THAT_YEAR = re.compile(r"\b(?:that year|the same year|cette année-là|la même année|cette année)\b", re.IGNORECASE)
_PERSON_NAME = re.compile(rf"^[{UPPER}][{LOWER}'-]+(?:\s+[{UPPER}][{LOWER}'-]+)+$")


@functools.lru_cache(maxsize=512)
def _analysed(text: str) -> Question:
    """One analysis per question text: every turn looks back at all the earlier questions."""
    return analyse(text, default_lexicon())


def resolve(question: str, previous: Sequence[str]) -> str:
    """``question`` as it is understood after the ``previous`` questions (each as understood, oldest first)."""
    if not previous:
        return question
    asked = _analysed(question)
    earlier = [_analysed(q) for q in previous]
    last, last_asked = previous[-1], earlier[-1]
    year = next((q.years[0] for q in reversed(earlier) if q.years), None)
    if year is not None and not asked.years and _THAT_YEAR.search(question):
        # "that year", "cette année-là": the year last asked about
        question = _THAT_YEAR.sub(f"en {year}" if asked.language == "fr" else f"in {year}", question, count=1)
        asked = _analysed(question)
    # Only a name not met before makes a new subject ("ICE" asked about all along is the setting), and an
    # acronym beside a pronoun is the setting of the subject the pronoun stands for ("Where has ICE used it?").
    seen = {fold(part) for q in earlier for entity in q.entities for part in _names(entity)}
    new_names = [e for e in _own_names(asked) if not all(fold(part) in seen for part in _names(e))]
    if new_names and all(_ACRONYM.fullmatch(n) for n in new_names) and _leans_back(question, asked.language):
        new_names = []
    if new_names:
        swapped = _SWAP.match(question)
        named = _SWAP_FILLER.sub("", swapped["name"]) if swapped else ""
        subject = _subject_of(last_asked)
        if swapped and named in asked.entities and subject and named != subject:
            return last.replace(subject, named, 1)
        return question  # it names its own subject: a fresh question
    if asked.years and _only_a_year(question):
        return _for_years(last, last_asked, asked.years)
    names = [n for q in reversed(earlier) for e in _own_names(q) for n in _names(e)]
    if not names:
        return question
    stand_ins = _StandIns(thing=_pick(names, people=False), person=_pick(names, people=True),
                          latest=next((n for n in names if not _ACRONYM.fullmatch(n)), names[0]))
    rewritten = _with_subject(question, stand_ins, asked.language)
    if year is not None and not asked.years and rewritten != question and len(last_asked.years) == 1:
        # The conversation's year holds for a question that leans on it.
        return _QUESTION_END.sub("", rewritten) + (f" en {year} ?" if asked.language == "fr" else f" in {year}?")
    return rewritten


def _own_names(question: Question) -> list[str]:
    """The names a question gives, without a capitalised common word that only opens it ("Sous quel …")."""
    return [e for e in question.entities
            if not (fold(e) == question.opening and is_ordinary_word(e, question.language))]


def _leans_back(question: str, language: str) -> bool:
    """The question has a pronoun, a possessive or a "the company" that points back."""
    patterns = (_FR_KIND, _FR_DETERMINER, _FR_PRONOUN) if language == "fr" else (
        _EN_KIND, _EN_DEMONSTRATIVE, _EN_PRONOUN, _EN_PERSON_PRONOUN)
    return any(p.search(question) for p in patterns)


def _is_person(name: str) -> bool:
    """Two or more capitalised words, none after the first a common word: "Andre Watson", not "Magnet
    Forensics" (a first name may be a word too: "Mara")."""
    return bool(_PERSON_NAME.match(name)) and not any(is_ordinary_word(w, "en") for w in name.split()[1:])


def _pick(names: list[str], people: bool) -> str:
    """The most recent name of the kind a pronoun stands for: a person for "he", "his", "her"; a thing
    otherwise, passing over acronyms (the institutions a story is set in) and people."""
    if people:
        return next((n for n in names if _is_person(n)), names[0])
    return next((n for n in names if not _ACRONYM.fullmatch(n) and not _is_person(n)),
                next((n for n in names if not _ACRONYM.fullmatch(n)), names[0]))


def _names(entity: str) -> list[str]:
    return [part for part in _CONNECTORS.split(entity) if part]


def _subject_of(question: Question) -> str:
    """What a question is about: the first name it gives ("ImmigrationOS for ICE" gives two), passing over
    an acronym when there is another name: "ICE", "DHS" are the institutions a story is set in, "How much
    did ICE pay Clearview AI?" is about Clearview AI."""
    names = [part for entity in question.entities for part in _names(entity)]
    return next((n for n in names if not _ACRONYM.fullmatch(n)), names[0] if names else "")


def _only_a_year(question: str) -> bool:
    """Nothing but connectors and a year or two: "And in 2023?", "Et en 2024 ?"."""
    rest = re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", " ", _QUESTION_END.sub("", question))
    return all(_ELLIPSIS_LEAD.fullmatch(word) for word in rest.split())


def _for_years(last: str, last_asked: Question, years: tuple[int, ...]) -> str:
    """The last question again, for ``years``: its own year replaced, or the year added."""
    if last_asked.years:
        rewritten = re.sub(rf"(?<!\d){last_asked.years[0]}(?!\d)", str(years[0]), last, count=1)
        return rewritten
    preposition = "en" if last_asked.language == "fr" else "in"
    return _QUESTION_END.sub("", last) + f" {preposition} {years[0]}" + (" ?" if last_asked.language == "fr" else "?")


@dataclass(frozen=True)
class _StandIns:
    thing: str  # for "it", "the company", "ce contrat": the latest name that is no acronym and no person
    person: str  # for "he", "his", "her": the latest person named
    latest: str  # for French "il", "elle", which stand for people and things alike: the latest name


def _with_subject(question: str, names: _StandIns, language: str) -> str:
    """The question with its pronoun or noun phrase replaced by what it stands for, without the "and" that
    tied it to the turn before."""
    rewritten = _stand_in(question, names, language)
    if rewritten == question:
        return question
    untied = _TIE.sub("", rewritten)
    return untied[:1].upper() + untied[1:]


def _stand_in(question: str, names: _StandIns, language: str) -> str:
    subject = names.thing
    if language == "fr":
        rewritten, count = _FR_KIND.subn(lambda m: f"{m['prep']} {subject}" if m["prep"] else subject,
                                         question, count=1)
        if count:
            return rewritten
        rewritten, count = _FR_DETERMINER.subn(
            lambda m: f"{_article(m['det'], m[0])}{m['noun']} de {subject}", question, count=1)
        if count:
            return rewritten
        pronoun = _FR_PRONOUN.search(question)
        if pronoun:
            return f"{question[:pronoun.end()]} ({names.latest}){question[pronoun.end():]}"
        return question
    rewritten, count = _EN_KIND.subn(lambda m: subject + (m["possessive"] or ""), question, count=1)
    if count:
        return rewritten
    rewritten, count = _EN_DEMONSTRATIVE.subn(lambda m: f"the {m['noun']} of {subject}", question, count=1)
    if count:
        return rewritten
    rewritten, count = _EN_PRONOUN.subn(lambda m: _english_stand_in(m["word"], subject), question, count=1)
    if count:
        return rewritten
    return _EN_PERSON_PRONOUN.sub(lambda m: _english_stand_in(m["word"], names.person, question[m.end():]),
                                  question, count=1)


def _article(determiner: str, phrase: str) -> str:
    article = _FR_ARTICLE[determiner.lower()]
    article = article if article.endswith("’") else article + " "
    return article.capitalize() if phrase[0].isupper() else article


def _english_stand_in(word: str, subject: str, after: str = "") -> str:
    """The name in the pronoun's place; a possessive ("its", "his", "her" before a noun) as "Name's"."""
    possessive = word.lower() in ("its", "their", "theirs", "his") or (
        word.lower() == "her" and re.match(r"\s+[a-z]", after) is not None)
    return f"{subject}'s" if possessive else subject
