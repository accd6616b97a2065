"""What a sentence holds of what the question asks for: an amount, a percentage, a count, a date, a duration, a
person, a role, a company, a place, a reason, wording, or what a thing is.

Also the checks on what the question assumes: every number, year and month it gives must be stated,
and a reason given for another office-holder's decision ("under the Biden administration") does not
answer why the asked one decided.
"""
from __future__ import annotations

import functools
import re

from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.core.lexical import STOPWORD_SET
from dossier.core.dates import date_mentions, states_date
from dossier.core.quantities import MONTH_WORDS, MONTHS, quantities, same_value, season_years
from dossier.core.text import LOWER, NAME, UPPER, fold

# The closed class of causal connectives and explanation words, in both languages (French "car" after its
# comma: the English noun is not one).
CAUSAL = re.compile(r"\b(parce qu|,\s*car\b|en raison|pour des raisons|à cause|because|due to|owing to|afin de|"
                    r"d[uû]e?s? à|grâce à|suite à|à la suite d|as a result of|thanks to|"
                    r"reason|raison|motif|expli(?:ca|qu)\w*|explan\w*|explain\w*)", re.IGNORECASE)
_ASKS_WHO = re.compile(r"\s*(?:who|qui)\b", re.IGNORECASE)
_PERSON = re.compile(rf"(?<![\w])[{UPPER}][{LOWER}]+(?:[-\s][{UPPER}][{LOWER}]+)+(?![\w])")
_PLACE = re.compile(rf"\b(?:dans la|dans le|dans l'|à|au|aux|en|in|at|sur|on|from)\s+(?:la\s+)?([{UPPER}][\w\-]+(?:\s+[{UPPER}][\w\-]+)*)")
_ORG_WORD = re.compile(r"\b(entreprises?|sociétés?|compan(?:y|ies)|firms?|startups?|fournisseurs?|intermédiaires?|"
                       r"vendors?|contractors?|groupes?|groups?|agences?|agenc(?:y|ies)|services?|"
                       # what companies do to each other: "sa fusion avec RedLattice", "acquired by"
                       r"fusion\w*|merg\w*|acqui\w*|rach\w*|filiales?|subsidiar\w*|partenariats?|partnerships?)\b",
                       re.IGNORECASE)
_GAP_AFTER = re.compile(r"\s*(?:seulement\s+|only\s+|plus\s+)?(?:après|avant|plus tard|plus tôt|auparavant|after|"
                        r"before|later|earlier|ago)\b", re.IGNORECASE)
_GAP_QUESTION = re.compile(r"\b(?:avant|après|before|after|later|earlier|plus tard|entre|between|since|depuis)\b",
                           re.IGNORECASE)
_OFFICE_WORDS = {"administration": "administration", "government": "government", "gouvernement": "government",
                 "president": "president", "président": "president", "presidency": "president",
                 "présidence": "president", "mandat": "president"}
_OFFICE = r"(?P<office>administration|government|gouvernement|president|président|presidency|présidence|mandat)"
_HOLDER = rf"(?P<name>[{UPPER}][\w\-]+)"
_OFFICE_AFTER = re.compile(rf"\b{_OFFICE}\s+(?:de\s+|d['’]|of\s+)?{_HOLDER}")  # "l'administration Biden"
_OFFICE_BEFORE = re.compile(rf"{_HOLDER}\s+{_OFFICE}\b")  # "the Trump administration"
_ROLE = re.compile(r"\b(?:directeur|directrice|adjointe?|avocate?|porte-parole|chef|cheffe|responsable|présidente?|"
                   r"PDG|fondat(?:eur|rice)|analyste|chercheu(?:r|se)|journaliste|conseill(?:er|ère)|juriste|"
                   r"spokes(?:person|man|woman)|director|deputy|lawyer|attorney|chief|head of|founder|CEO|"
                   r"president|analyst|researcher|counsel|officer)\b", re.IGNORECASE)
_CHARACTERIZES = re.compile(r"«|“|\bqualifi\w*|\bdécri\w*|\bdescrib\w*|\bcalled\b|\bbaptis\w*|\bterm(?:ed)?\b",
                            re.IGNORECASE)
_GROUP_ACTOR = re.compile(r"\b(?:syndicats?|unions?|associations?|coalitions?|collectifs?|militants?|activists?|"
                          r"ONG|NGOs?|avocats|lawyers|manifestants|protesters|plaignants|plaintiffs)\b", re.IGNORECASE)
_ORG_SUFFIX = {"solutions", "labs", "technology", "technologies", "inc", "llc", "industrial", "forensics",
               "international", "corp", "corporation", "group", "systems", "ai", "analytics", "software"}


def _names_an_organization(text: str, asked: set[str], lexicon: Lexicon, recipients: set[str]) -> bool:
    """A company named in the sentence, other than those the question names: a recipient of the
    records, a name with a company suffix, or any name in a sentence that speaks of a company."""
    speaks_of_company = bool(_ORG_WORD.search(text))
    for m in NAME.finditer(text):
        name = fold(m[0])
        if name in asked or any(name in a or a in name for a in asked) or len(name) < 3:
            continue
        first = name.split()[0]
        if m.start() == 0 and (lexicon.knows(first) or first in STOPWORD_SET):
            continue  # a capitalised first word, not a name
        if MONTH_WORDS.fullmatch(m[0]) or first in STOPWORD_SET:
            continue
        words = set(name.split())
        if speaks_of_company or words & _ORG_SUFFIX or any(first in r for r in recipients):
            return True
    return False


def targets_in(text: str, question: Question, lexicon: Lexicon, corpus_recipients: frozenset[str]) -> frozenset[str]:
    """The kinds of target (``Question.targets``) the sentence ``text`` states."""
    # Both the rules and the evidence model read the same sentences for the same question: once is enough.
    return _targets_in(text, question.text, question.entities, question.years, lexicon, corpus_recipients)


@functools.lru_cache(maxsize=8192)
def _targets_in(text: str, question_text: str, entities: tuple[str, ...], question_years: tuple[int, ...],
                lexicon: Lexicon, corpus_recipients: frozenset[str]) -> frozenset[str]:
    found = set()
    # "trois mois seulement après …" dates one event from another: a gap, not how long something lasts.
    # Unless the question itself asks how long before or after something happened.
    asks_gap = bool(_GAP_QUESTION.search(question_text))
    kinds = {q.kind for q in quantities(text)
             if asks_gap or not (q.kind == "duration" and _GAP_AFTER.match(text[q.end:]))}
    if "money" in kinds:
        found.add("amount")
    if "count" in kinds:
        found.add("count")
    if "percent" in kinds:
        found.add("percent")
    if "duration" in kinds or re.search(r"\b(?:five|cinq|\d+)[ -](?:year|an)", text, re.IGNORECASE):
        found.add("duration")
    if states_date(text, question_years):
        found.add("date")  # a year the question gives answers no "when"
    asked = {fold(e) for e in entities}
    if person_names(text, asked, lexicon):
        found.add("person")
    if _ROLE.search(text):
        found.add("role")
    if _CHARACTERIZES.search(text):
        found.add("words")
    if any(re.search(rf"{re.escape(e)}\s*,\s*(?:un|une|a|an|the|le|la|l['’])\s", text) for e in entities):
        found.add("kind")  # "LexisNexis, un courtier en données …": what the thing is, said beside its name
    if _GROUP_ACTOR.search(text):
        found.add("person")  # "Who filed suit?" "Un groupe de syndicats": a group answers "who" as a person does
    if _names_an_organization(text, asked, lexicon, corpus_recipients):
        found.add("organization")
        if _ASKS_WHO.match(question_text):
            found.add("person")  # "Who is the vendor?" "The vendor is iUpload": a company answers "who" too
    if _names_a_place(text):
        found.add("place")
    if CAUSAL.search(text):
        found.add("reason")
    return frozenset(found)


def person_names(text: str, asked: set[str], lexicon: Lexicon) -> list[str]:
    """The people the sentence names, other than those ``asked`` (folded): two or more capitalised words,
    none of them a word of the lexicon ("Selon Maria Okafor": "Maria Okafor")."""
    names = []
    for m in _PERSON.finditer(text):
        words = m[0].split()
        while words and (lexicon.knows(words[0].lower()) or words[0].lower() in STOPWORD_SET):
            words = words[1:]  # "Selon Maria Okafor": the opening word is not part of the name
        name = " ".join(words)
        if len(words) >= 2 and not _part_of_asked(fold(name), asked) and not any(
                lexicon.knows(w.lower()) for w in re.split(r"[-\s]", name)):
            names.append(name)
    return names


def _names_a_place(text: str) -> bool:
    """A capitalised word after "in", "from", "à" … that is not a date: "from June 9-12" dates, it does not place."""
    dated = date_mentions(text)
    return any(not any(start <= m.start(1) < end for start, end in dated) for m in _PLACE.finditer(text))


def _part_of_asked(folded_name: str, asked: set[str]) -> bool:
    """The name is one the question gives, or a piece of one: "Walter Camp" does not answer who won the
    Walter Camp Award, nor does "Iga Swiatek" say who Swiatek's coach is."""
    words = set(folded_name.split())
    return any(words <= set(a.split()) or set(a.split()) <= words for a in asked if a)


def missing_target_reason(question: Question, entities: list[str]) -> str:
    what = {"amount": "an amount", "percent": "a percentage", "count": "a number", "date": "a date", "person": "a person's name", "role": "a role",
            "words": "wording", "kind": "description",
            "organization": "a company", "duration": "a duration", "place": "a place", "reason": "a reason"}
    asked = " or ".join(what[t] for t in question.targets if t in what)
    subject = " and ".join(entities) if entities else "this subject"
    return f"the passages about {subject} give no {asked.removeprefix('an ').removeprefix('a ')}"


def states_quantities(folded_text: str, question: Question) -> bool:
    """Every number, year and month the question assumes is stated in this text."""
    stated = quantities(folded_text)
    for q in question.quantities:
        if q.kind in ("duration", "day"):
            continue  # a day goes with its month, checked below
        if q.kind == "year":
            year = int(q.value)
            if not re.search(rf"(?<!\d){year}(?!\d)", folded_text) and year not in season_years(folded_text):
                return False
        elif not any(same_value(q.value, s.value) for s in stated if s.kind in ("money", "count")):
            return False
    for year, month in question.months:
        names = [m for m in MONTH_WORDS.findall(folded_text)]
        if not any(_month_number(n) == month for n in names) and not re.search(rf"{year}-{month:02d}", folded_text):
            return False
    return True


def _month_number(name: str) -> int:
    return MONTHS.get(name.lower(), 0)


def _offices(text: str) -> set[tuple[str, str]]:
    """(office, holder) pairs: "the Trump administration", "l'administration Biden", "President Obama"."""
    found = {(fold(m["office"]), fold(m["name"])) for m in _OFFICE_AFTER.finditer(text)}
    found |= {(fold(m["office"]), fold(m["name"])) for m in _OFFICE_BEFORE.finditer(text)}
    return {(_OFFICE_WORDS.get(office, office), name) for office, name in found}


def reason_of_another_office(question: str, sentence: str) -> bool:
    """The sentence's causal clause names the same office held by someone else, and not the asked one."""
    asked = _offices(question)
    if not asked:
        return False
    for clause in re.split(r"[,;:—–]", sentence):
        if not CAUSAL.search(clause):
            continue
        held = _offices(clause)
        if held & asked:
            return False
        if any(office == a_office and name != a_name for office, name in held for a_office, a_name in asked):
            return True
    return False

