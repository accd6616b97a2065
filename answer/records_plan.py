"""A question compiled into a query over the records table, from what the table itself holds.

- **Names** are matched against the distinct values of each category column (``records_names``).
- **What was bought**: the question's remaining content words (with their translations) weighted by
  how rare they are among the awards' descriptions (idf); words the records never use weigh nothing.
- **Dates, amounts and the aggregate** from the analysed question; the date column and the figures
  asked for from a small closed table of USAspending's field names in both languages.
- **What the records cannot say**: a name no column holds, a count of something other than awards, a
  reason, or a person or figure no column records: the compiled question carries the refusal.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from dossier.answer.lexicon import Lexicon
from dossier.answer.records_actions import over_modifications
from dossier.answer.records_names import RecordsCatalogue, category_filters, recipient_mentions
from dossier.answer.records_vocabulary import (FIELD_STEMS, FIELD_WORD_SET, FIELD_WORDS, FUNCTION_WORDS,
                                               RECIPIENT_KINDS, RECORD_NOUNS, plain)
from dossier.answer.question import QUESTION_WORDS, Question, aggregations_in, words_of
from dossier.core.lexical import STOPWORD_SET, bilingual_stem
from dossier.core.records_query import ColumnFilter, RecordQuery, TermGroup
from dossier.core.text import fold

# Chosen by hand on the public record questions (usaspending and the demo sets; not a fitted model): how
# much of the question's word weight an award must hold, and how close to the best award to be kept too.
MIN_SHARE = 0.4
MIN_SHARE_NAMED = 0.15
KEEP_RATIO = 0.75
LIST_LIMIT = 10

_REASON = re.compile(r"\bwhy\b|\bpourquoi\b|\bfor what reason\b|\bpour quelle raison\b", re.IGNORECASE)
_COUNTED = re.compile(r"\b(?:how many|combien d[e'’]\s*|nombre d[e'’]\s*|number of)\s*(\w+)", re.IGNORECASE)
_POSSESSED = re.compile(r"\w(?:['’]s|s['’])\s+((?:\w+\s+)?\w+)\s*\?")
_HEAD = re.compile(r"\b(?:who|what|which)\s+(?:is|was|are|were)\s+(?:the|its|their)?\s*([\w\s-]+?)(?:\s+(?:of|on|for|in|at|that|who|did)\b|[?,])"
                   r"|\bquel(?:le)?s?\s+(?:est|était|sont)\s+(?:le|la|les|l['’])\s*([\w\s-]+?)(?:\s+(?:de|du|des|d['’]|qui|pour)\b|[?,])"
                   r"|\bcomment s['’]appelle\s+(?:le|la|l['’])\s*(\w+)"
                   r"|\b(?:who|qui)\s+(?:is|was|est|était)\s+(?:the|le|la|l['’])\s*(\w+)", re.IGNORECASE)
# "Which was larger, X or Y?": two things set against each other; the answer gives both and the gap.
_COMPARATIVE = re.compile(r"\b(?:which|what|lequel|laquelle|quel|quelle)\b[^?]*\b(?:larger|bigger|higher|greater|"
                          r"more|plus gros|plus grande?|plus élevée?|plus important(?:e)?)\b[^?]*\bor|\bou\b", re.IGNORECASE)
# What was bought, as a question says it: "… for swimming pool access", "… pour des lits de détention".
_PURPOSE = re.compile(r"\b(?:for|pour)\s+((?:(?:the|a|an|its|their|des|de|du|la|le|les|l['’]|son|sa|ses|leur|leurs)\s*)*"
                      r"[^,?;]+?)(?=\s+(?:and|et|in|en|during|pendant|from|since|depuis|with|avec)\b|[,?;]|$)")
_AVERAGE = re.compile(r"\baverage\b|\bmean\b|\bmoyenne?\b|\bper award\b|\bpar attribution\b|\bpar contrat\b", re.IGNORECASE)
_NONZERO = re.compile(r"\bnon[- ]?zero\b|\bnon nulle?s?\b|\bnot zero\b", re.IGNORECASE)
_MOST = re.compile(r"\bthe most\b|\ble plus d[e'’]|\bla plupart\b", re.IGNORECASE)
_BY_YEAR = re.compile(r"\b(?:which|what|in which|in what) (?:calendar |fiscal )?year\b|\bquelle année\b|\ben quelle année\b", re.IGNORECASE)
_SINCE = re.compile(r"\b(?:since|after|from|depuis|après|à partir de)\s+$", re.IGNORECASE)
_BEFORE = re.compile(r"\b(?:before|until|avant|jusqu['’]en)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class CompiledQuestion:
    query: RecordQuery
    names: tuple[str, ...] = ()  # the question's words that filters consumed, for the reader
    refusal: str = ""  # why the records cannot answer, when they cannot
    sides: tuple[RecordQuery, ...] = ()  # a difference: one query per side
    named_subject: bool = False  # a category value (recipient, agency …) picked the awards
    relaxed: RecordQuery | None = None  # the query again without filters on part of a name
    asks_field: bool = False  # an amount, date, count, aggregate or column is asked: what records hold
    extremes: bool = False  # "the gap between the largest and the smallest award"


def compile_question(question: Question, catalogue: RecordsCatalogue, lexicon: Lexicon | None = None) -> CompiledQuestion:
    text = question.text
    folded = fold(text)
    words = words_of(text)
    if _REASON.search(text):
        return CompiledQuestion(RecordQuery(), refusal="the records give no reasons")
    counted = _COUNTED.search(folded)
    if counted:
        # "how many ICE awards": the counted noun may follow a name or an adjective; the records count awards.
        following = [plain(w) for w in words_of(folded[counted.start(1):])][:4]
        if not any(w in RECORD_NOUNS for w in following):
            noun = next((w for w in following if w not in STOPWORD_SET), following[0] if following else "")
            return CompiledQuestion(RecordQuery(), refusal=f"the records count awards, not {noun}")
    terms_known = catalogue.term_counts()
    for asked_head in _asked_heads(text):
        if not _known_head(asked_head):
            return CompiledQuestion(RecordQuery(), refusal=f"no record field holds the {asked_head}")

    filters, consumed, sides, partial = category_filters(text, words, catalogue, question.entities)
    recipients_said = {w for f in filters if f.column == "recipient" for w in f.said.split()}
    unmatched = [e for e in question.entities if not _explained(e, consumed, terms_known, lexicon)]
    unmatched += [m for m in recipient_mentions(words)
                  if not {w for w in words_of(m) if w not in STOPWORD_SET} - RECIPIENT_KINDS <= recipients_said]
    if unmatched:
        return CompiledQuestion(RecordQuery(), refusal=f"no procurement record names {', '.join(unmatched)}")
    place_words = {w for column in ("state", "city") for value in catalogue.column_values(column) for w in words_of(value)}
    terms = _term_groups(question, consumed, terms_known, lexicon, place_words)

    date_field, asked = _dates_asked(words)
    date_from, date_to = _period(question, folded)
    aggregate, group_by, order, nonzero = _aggregate(question, folded, words, asked)
    bounds = dict(question.amount_bounds)
    # A recipient the question names already picks a few awards: its words then only choose among them,
    # and refuse only when none of those awards is described by any of them.
    named_recipient = any(f.column == "recipient" for f in filters)
    query = RecordQuery(
        filters=tuple(filters), terms=tuple(terms), min_share=MIN_SHARE_NAMED if named_recipient else MIN_SHARE,
        keep_ratio=0.0 if named_recipient else KEEP_RATIO,
        date_field="awarded_on", date_from=date_from, date_to=date_to,
        amount_min=bounds.get(">"), amount_max=bounds.get("<"), nonzero=nonzero,
        aggregate=aggregate, group_by=group_by, asked=tuple(asked), order=order, limit=LIST_LIMIT)
    if date_field != "awarded_on":
        query = replace(query, asked=tuple(dict.fromkeys([date_field, *asked])))
    for column in ("office", "sub_agency"):  # "which awarding office is listed": shown on each row
        if set(map(plain, words)) & FIELD_WORDS[column] and not any(f.column == column for f in filters):
            query = replace(query, asked=tuple(dict.fromkeys([*query.asked, column])))
    held, awards_held = catalogue.modifications_held()
    query, refusal = over_modifications(question, query, held, awards_held == catalogue.award_count())
    if refusal:
        return CompiledQuestion(RecordQuery(), refusal=refusal)
    side_queries = _sides(question, query, filters, sides, consumed, terms_known, lexicon) \
        if aggregate in ("difference", "max", "min") else ()
    relaxed = None
    if partial:
        # Without the filters that rest on part of a name, whose words then describe what was bought.
        kept_filters = [f for f in filters if f not in partial]
        freed = [w for f in partial for w in f.said.split()]
        relaxed_terms = _term_groups(question, [w for w in consumed if w not in freed], terms_known, lexicon, place_words)
        still_named = any(f.column == "recipient" for f in kept_filters)
        relaxed = replace(query, filters=tuple(kept_filters), terms=tuple(relaxed_terms),
                          min_share=MIN_SHARE_NAMED if still_named else MIN_SHARE,
                          keep_ratio=0.0 if still_named else KEEP_RATIO)
    named = bool(filters)
    asks_field = bool(set(question.targets) & {"amount", "date", "count", "organization", "duration"}
                      or query.aggregate != "list" or query.asked or query.group_by
                      or RECORD_NOUNS & {plain(w) for w in words})  # "which payments …": the records themselves
    extremes = aggregate == "difference" and {"max", "min"} <= set(aggregations_in(folded))
    return CompiledQuestion(query, names=tuple(consumed), sides=side_queries, named_subject=named, relaxed=relaxed,
                            asks_field=asks_field, extremes=extremes)


def _sides(question: Question, query: RecordQuery, filters: list[ColumnFilter], recipient_sides: list[ColumnFilter],
           consumed: list[str], terms_known: dict[str, int], lexicon: Lexicon | None) -> tuple[RecordQuery, ...]:
    """The two things a comparison sets against each other, one query each: two recipients named
    apart, else two years of one recipient ("its 2025 award against its 2024 one"), else (differences
    only) two names the descriptions carry ("ImmigrationOS" against "Investigative Case Management")."""
    if len(recipient_sides) == 2:
        # Each recipient picks its own awards; the question's other words may belong to one side only.
        base = [f for f in filters if f.column != "recipient"]
        return tuple(replace(query, aggregate="total", terms=(), filters=tuple(base + [side])) for side in recipient_sides)
    if query.aggregate != "difference":
        return ()
    years = sorted(set(question.years))
    if len(years) == 2:
        return tuple(replace(query, aggregate="total", date_from=f"{y:04d}-01-01", date_to=f"{y + 1:04d}-01-01")
                     for y in years)
    described = [e for e in question.entities if not all(w in consumed for w in words_of(e))]
    if len(described) == 2:
        sides = []
        for entity in described:
            groups = [TermGroup(w, tuple(sorted(s for s in _stems(w, lexicon) if terms_known.get(s))), 1.0)
                      for w in words_of(entity) if w not in STOPWORD_SET and w not in consumed]
            groups = [g for g in groups if g.stems]
            if not groups:
                return ()
            sides.append(replace(query, aggregate="total", terms=tuple(groups), min_share=1.0, keep_ratio=1.0))
        return tuple(sides)
    return ()


# ---- names ---------------------------------------------------------------------------------------

def _explained(entity: str, consumed: list[str], terms_known: dict[str, int], lexicon: Lexicon | None) -> bool:
    """A name of the question is accounted for when each of its words was consumed by a filter, is the
    records' own vocabulary, or is used by the awards' descriptions ("Operation Wagon Train"; "ADN" as
    "DNA")."""
    return all(w in consumed or plain(w) in FIELD_WORD_SET or any(terms_known.get(s, 0) for s in _stems(w, lexicon))
               for w in words_of(entity) if w not in STOPWORD_SET and len(w) > 1)


def _stems(word: str, lexicon: Lexicon | None) -> set[str]:
    """A word's stem and its translations' stems."""
    stems = {bilingual_stem(word)}
    for _, _, equivalents in (lexicon.translations([word]) if lexicon else []):
        stems |= {bilingual_stem(w) for e in equivalents for w in e.split() if w not in STOPWORD_SET}
    return stems


# ---- what was bought -----------------------------------------------------------------------------

def _term_groups(question: Question, consumed: list[str], terms_known: dict[str, int],
                 lexicon: Lexicon | None, place_words: set[str] = frozenset()) -> list[TermGroup]:
    """The question's words about what was bought, each weighted by its rarity among the awards.
    Name words no filter consumed count too ("Humboldt Bay", "Operation Wagon Train")."""
    awards = max(terms_known.values(), default=0) or 1
    total = sum(terms_known.values()) or 1
    candidates = [(t.word, set(t.stems)) for t in question.terms]
    named = {w for e in question.entities for w in words_of(e)}
    candidates += [(w, _stems(w, lexicon)) for w in sorted(named) if w not in STOPWORD_SET and len(w) > 1]
    groups: list[TermGroup] = []
    unknown: list[str] = []
    seen: set[str] = set()
    consumed_stems = {bilingual_stem(w) for w in consumed}
    consumed = set(consumed)
    purpose = {w for m in _PURPOSE.finditer(fold(question.text)) for w in words_of(m[1])}
    for word, stems in candidates:
        if word in seen or word in consumed or plain(word) in FIELD_WORD_SET or plain(word) in FUNCTION_WORDS \
                or word.isdigit():
            continue
        seen.add(word)
        if bilingual_stem(word) in FIELD_STEMS or stems & FIELD_STEMS:
            continue  # "engagé" is "obligated": the records' own vocabulary, in either language
        if len(stems & consumed_stems) >= 2 or any(_same_root(word, w) for w in consumed | place_words):
            # "garde-côtes" beside "(Coast Guard)", "californiennes" for California: a name of the table again
            continue
        known = tuple(sorted(s for s in stems if terms_known.get(s)))
        if not known:
            if len(word) > 2 and word not in named and word in purpose:
                unknown.append(word)
            continue
        df = max(terms_known[s] for s in known)
        weight = math.log(1 + max(awards, total // 8) / df)
        groups.append(TermGroup(word, known, round(weight, 4)))
    # A word of the purpose ("… for swimming pool access") that no award's description uses still says
    # what was bought: it weighs as much as the question's known words on average, and no award holds it.
    # Other unknown words ("add up", "datent") are the question's own wording and weigh nothing.
    unknown_weight = round(sum(g.weight for g in groups) / len(groups), 4) if groups else 1.0
    return groups + [TermGroup(word, (), unknown_weight) for word in unknown]


def _same_root(a: str, b: str) -> bool:
    """Two forms of one word ("californiennes", "californie"): a shared opening of six letters or more."""
    a, b = plain(a), plain(b)
    shared = len(next((p for p in (a[:n] for n in range(min(len(a), len(b)), 5, -1)) if b.startswith(p)), ""))
    return shared >= 6


# ---- dates, aggregate, asked fields --------------------------------------------------------------

def _dates_asked(words: list[str]) -> tuple[str, list[str]]:
    present = set(words)
    asked: list[str] = []
    if present & FIELD_WORDS["potential_value"]:
        asked.append("potential_value")
    if present & FIELD_WORDS["last_modified"] and ("modified" in present or "modifie" in present
                                                    or "modifiee" in present or "updated" in present):
        return "last_modified", asked
    if present & FIELD_WORDS["period_end"]:
        return "period_end", asked
    if present & FIELD_WORDS["period_start"] and present & FIELD_WORDS["period"]:
        return "period_start", asked
    return "awarded_on", asked


def _period(question: Question, folded: str) -> tuple[str | None, str | None]:
    if question.months:
        year, month = question.months[0]
        end = f"{year + (month == 12):04d}-{month % 12 + 1:02d}-01"
        return f"{year:04d}-{month:02d}-01", end
    if not question.years:
        return None, None
    year = question.years[0]
    before = folded[: folded.find(str(year))]
    if _SINCE.search(before):
        return f"{year:04d}-01-01", None
    if _BEFORE.search(before):
        return None, f"{year:04d}-01-01"
    years = sorted(question.years)
    return f"{years[0]:04d}-01-01", f"{years[-1] + 1:04d}-01-01"


def _aggregate(question: Question, folded: str, words: list[str], asked: list[str]
               ) -> tuple[str, str | None, str, bool]:
    """(aggregate, group by, order, non-zero only)."""
    nonzero = bool(_NONZERO.search(folded))
    asked_for = aggregations_in(folded)
    # "The smallest sum", "la plus grosse somme": an extreme of amounts, not their total.
    aggregation = next((a for a in ("max", "min") if a in asked_for), "total") \
        if question.aggregation == "total" else question.aggregation
    if _BY_YEAR.search(folded) and (_MOST.search(folded) or aggregation in ("max", "count")):
        return "count", "year", "amount_desc", nonzero
    most_of = _MOST.search(folded)
    if most_of:
        # "Which recipient has the most awards": the asked column, grouped, ranked by its number of awards.
        asked_column = _asked_column(words)
        if asked_column:
            return "count", asked_column, "amount_desc", nonzero
    if _AVERAGE.search(folded):
        return "average", None, "amount_desc", nonzero
    if aggregation == "difference" or _COMPARATIVE.search(folded):
        return "difference", None, "amount_desc", nonzero
    if aggregation in ("max", "min"):
        return aggregation, None, "amount_desc" if aggregation == "max" else "amount_asc", nonzero
    if aggregation == "total" or "how much" in folded and "total" in folded:
        return "total", None, "amount_desc", nonzero
    if aggregation == "count":
        return "count", None, "amount_desc", nonzero
    head = re.search(r"\b(?:which|what|quel(?:le)?s)\s+((?:\w+\s+){0,3}?)(agencies|agences|components|offices|bureaux|"
                     r"bodies|counties|cities|governments|recipients|vendors|contractors|towns|districts|"
                     r"collectivites|comtes|villes|organismes|beneficiaires)\b", folded)
    if head:
        noun = head[2]
        local = "local" in head[1].split() or "locales" in head[1].split()
        column = ("office" if noun in ("offices", "bureaux") else "sub_agency"
                  if noun in ("agencies", "agences", "components") and not local else "recipient")
        return "distinct", column, "amount_desc", nonzero
    if "how much" in folded or "combien" in folded:
        return "total", None, "amount_desc", nonzero
    return "list", None, "amount_desc", nonzero


def _which_phrase(words: list[str]) -> list[str]:
    """The words a "which X / what X / quel X" question names as what it asks for, up to two (adjective
    and noun), stopping at the first function or question word ("what did ICE pay" names nothing: it asks
    for an object)."""
    for i, word in enumerate(words[:-1]):
        if plain(word) in ("which", "what", "quel", "quelle", "quels", "quelles"):
            phrase = []
            for following in words[i + 1 : i + 3]:
                if following in STOPWORD_SET or following in QUESTION_WORDS:
                    break
                phrase.append(following)
            return phrase
    return []


def _asked_column(words: list[str]) -> str | None:
    """The category column a "which X" question asks for."""
    for noun in map(plain, _which_phrase(words)):
        for column in ("recipient", "sub_agency", "office"):
            if noun in FIELD_WORDS[column] and noun not in ("who", "qui", "local"):
                return column
    return None


def _asked_heads(text: str) -> list[str]:
    """The phrases a question asks for: "the X of" after who/what is ("contracting officer"), a possessed
    noun at its end ("… Governments' annual revenue?"), and the noun of "which X" ("which contracting
    officer signed …")."""
    heads = []
    for pattern in (_POSSESSED, _HEAD):
        match = pattern.search(text)
        if match:
            phrase = next(g for g in match.groups() if g)
            heads.append(" ".join(w for w in words_of(phrase) if w not in STOPWORD_SET))
    heads.append(" ".join(_which_phrase(words_of(text))))
    return [h for h in heads if h]


def _known_head(head: str) -> bool:
    """The records can say it: a word of the asked phrase names a column or the awards themselves. A word
    the descriptions use is not enough: "the officer of an award" is asked of the award, which records
    no officer."""
    head_words = [plain(w) for w in head.split() if w not in STOPWORD_SET]
    # English puts the noun last ("contracting officer"), French first ("montant cumulé"): any word will do.
    return not head_words or any(w in FIELD_WORD_SET for w in head_words)


