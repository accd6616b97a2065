"""Questions over procurement records, answered by computing over the typed records.

Totals, lists, counts, largest/smallest and date or amount filters are computed, never read off a
passage, and the answer cites every record that enters the computation. For real USAspending
transaction exports, an award's value is the sum of ``federal_action_obligation`` over its
modifications (de-obligations included); award-level totals repeated on each row are never summed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dossier.answer.corpus import CorpusView
from dossier.answer.draft import Draft, Span
from dossier.answer.entities import head_word, is_generic, resolve_entities
from dossier.answer.lexicon import Lexicon
from dossier.core.quantities import format_amount
from dossier.answer.question import Question
from dossier.core.types import Passage, Record
from dossier.core.text import fold

MAX_LISTED = 15


@dataclass(frozen=True)
class Award:
    """One award: a record, or for transaction exports the modifications of one award key summed."""

    records: tuple[tuple[Record, str], ...]  # (record, passage id)

    @property
    def first(self) -> Record:
        return self.records[0][0]

    @property
    def amount(self) -> float | None:
        values = [r.amount for r, _ in self.records if r.amount is not None]
        return sum(values) if values else None

    @property
    def date(self) -> str | None:
        dates = sorted(r.action_date for r, _ in self.records if r.action_date)
        return dates[-1] if dates else None


class RecordsAnswerer:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def answer(self, question: Question, corpus: CorpusView, passage_of: dict[str, Passage],
               require_subject: bool = False) -> Draft | None:
        """``require_subject``: answer only when a specific name of the question picks the records
        (used when the question never said "records" and the prose could not answer)."""
        if not corpus.records or not (question.records_intent or require_subject):
            return None
        if question.aggregation == "difference":
            return self._difference(question, corpus, passage_of)
        rows = list(corpus.records)
        subject_matched = False
        for entity in resolve_entities(question.entities, corpus, self.lexicon, question.opening):
            matching = [row for row in rows if self._names(row[0], entity, corpus, loose=False)]
            if not matching and not require_subject:  # a shortened name ("Paragon") only when asked of records
                matching = [row for row in rows if self._names(row[0], entity, corpus, loose=True)]
            if matching:
                rows = matching
                subject_matched |= not is_generic(entity, corpus, self.lexicon)
            elif not is_generic(entity, corpus, self.lexicon):
                return Draft(True, reason=f"no procurement record names {entity}")
        if require_subject and not subject_matched:
            return None
        # A matched transaction brings its whole award: every modification, de-obligations included.
        keys = {r.award_key for r, _ in rows if r.amount_kind == "transaction" and r.award_key}
        if keys:
            have = {pid for _, pid in rows}
            rows += [row for row in corpus.records if row[1] not in have and row[0].award_key in keys
                     and row[0].amount_kind == "transaction"]
        rows = [row for row in rows if _in_period(row[0], question)]
        awards = [a for a in _group_awards(rows) if _within_bounds(a, question)]
        if not awards:
            return Draft(True, reason="no procurement record matches the question's filters")
        op = question.aggregation or "list"
        if op in ("max", "min"):
            priced = [a for a in awards if a.amount is not None]
            if not priced:
                return Draft(True, reason="the matching records give no amounts")
            pick = max(priced, key=lambda a: a.amount) if op == "max" else min(priced, key=lambda a: a.amount)
            awards = [pick]
        shown = awards if op == "total" else awards[:MAX_LISTED]
        evidence, markers = _cite(shown, passage_of)
        draft = Draft(False, evidence=evidence, computed=True, lead=_describe(op, awards, shown, markers, question.language))
        precision = sorted({r.date_precision for a in awards for r, _ in a.records
                            if r.date_precision in ("month", "year")})
        if precision:
            draft.notes.append(("Some dates are only precise to the " + " or ".join(precision) + ".")
                               if question.language == "en" else
                               ("Certaines dates ne sont précises qu'au " + " ou à l'".join(
                                   {"month": "mois", "year": "année"}[p] for p in precision) + "."))
        if len(awards) > MAX_LISTED and op == "list":
            draft.notes.append(f"{len(awards) - MAX_LISTED} more matching awards are not listed.")
        return draft

    def _difference(self, question: Question, corpus: CorpusView, passage_of: dict[str, Passage]) -> Draft:
        """Two awards, each picked out by its own name in the question, and what separates their amounts."""
        awards = _group_awards(list(corpus.records))
        entities = resolve_entities(question.entities, corpus, self.lexicon, question.opening)
        picked: list[Award] = []
        for entity in entities:
            matching = self._naming(awards, entity, corpus)
            if len(matching) > 1:  # "the Clearview AI contract signed in September 2025": the date says which
                matching = [a for a in matching if _award_in_period(a, question)]
            if len(matching) == 1 and matching[0] not in picked and matching[0].amount is not None:
                picked.append(matching[0])
        if len(picked) != 2:
            picked = self._by_period(question, awards, entities, corpus)
        if len(picked) != 2 and _asks_extremes(question.text):
            picked = self._extremes(question, awards, entities, corpus)
        if len(picked) != 2:
            return Draft(True, reason="no two procurement records can be told apart by the names in the question")
        larger, smaller = sorted(picked, key=lambda a: -(a.amount or 0))
        evidence, markers = _cite([larger, smaller], passage_of)
        gap = format_amount((larger.amount or 0) - (smaller.amount or 0), question.language)
        if question.language == "fr":
            lead = (f"{_line(larger, 'fr')} {markers[id(larger)]} dépasse {_line(smaller, 'fr')} "
                    f"{markers[id(smaller)]} de {gap}.")
        else:
            lead = (f"{_line(larger, 'en')} {markers[id(larger)]} exceeds {_line(smaller, 'en')} "
                    f"{markers[id(smaller)]} by {gap}.")
        return Draft(False, evidence=evidence, computed=True, lead=lead)

    def _by_period(self, question: Question, awards: list[Award], entities: list[str],
                   corpus: CorpusView) -> list[Award]:
        """ "Clearview AI's 2025 award against its 2024 one": one named recipient, two periods, one award each."""
        named = {id(a): a for e in entities for a in self._naming(awards, e, corpus) if a.amount is not None}
        month_years = {y for y, _ in question.months}
        periods = [f"{y}-{m:02d}" for y, m in question.months] + [str(y) for y in question.years if y not in month_years]
        picked = []
        for period in dict.fromkeys(periods):
            dated = [a for a in awards if id(a) in named
                     and any((r.action_date or "").startswith(period) for r, _ in a.records)]
            if len(dated) != 1 or dated[0] in picked:
                return []
            picked.append(dated[0])
        return picked

    def _extremes(self, question: Question, awards: list[Award], entities: list[str],
                  corpus: CorpusView) -> list[Award]:
        """ "The gap between the largest and the smallest award": among those the question's names and dates keep."""
        kept = [a for a in awards if a.amount is not None and _award_in_period(a, question)]
        for entity in entities:
            if not is_generic(entity, corpus, self.lexicon):
                kept = self._naming(kept, entity, corpus) or kept
        if len(kept) < 2:
            return []
        return [max(kept, key=lambda a: a.amount), min(kept, key=lambda a: a.amount)]

    def _naming(self, awards: list[Award], entity: str, corpus: CorpusView) -> list[Award]:
        """The awards one of whose records names ``entity`` in full."""
        return [a for a in awards if any(self._names(r, entity, corpus, loose=False) for r, _ in a.records)]

    def _names(self, record: Record, entity: str, corpus: CorpusView, loose: bool) -> bool:
        text = corpus.record_text(record)
        if corpus.mentions(text, entity, self.lexicon):
            return True
        head = head_word(entity) if loose else None
        return bool(head and re.search(rf"(?<!\w){re.escape(head)}(?!\w)", text))


def _group_awards(rows: list[tuple[Record, str]]) -> list[Award]:
    grouped: dict[str, list[tuple[Record, str]]] = {}
    for record, pid in rows:
        key = record.award_key if record.amount_kind == "transaction" and record.award_key else f"{pid}"
        grouped.setdefault(key, []).append((record, pid))
    return [Award(tuple(v)) for v in grouped.values()]


_LARGEST = re.compile(r"\b(?:largest|biggest|highest|plus gros\w*|plus grand\w*|plus élevé\w*|maximum)\b", re.IGNORECASE)
_SMALLEST = re.compile(r"\b(?:smallest|lowest|plus petit\w*|plus faible\w*|minimum)\b", re.IGNORECASE)


def _asks_extremes(text: str) -> bool:
    return bool(_LARGEST.search(text) and _SMALLEST.search(text))


def _cite(awards: list[Award], passage_of: dict[str, Passage]) -> tuple[list[Span], dict[int, str]]:
    """Every record of each award as evidence, and each award's citation markers ("[1][2]")."""
    evidence: list[Span] = []
    markers: dict[int, str] = {}
    for award in awards:
        numbers = []
        for _, pid in award.records:
            evidence.append(Span(passage_of[pid], 0, len(passage_of[pid].text), 0))
            numbers.append(len(evidence))
        markers[id(award)] = "".join(f"[{n}]" for n in numbers)
    return evidence, markers


def _award_in_period(award: Award, question: Question) -> bool:
    return any(_in_period(r, question) for r, _ in award.records)


def _in_period(record: Record, question: Question) -> bool:
    date = record.action_date or ""
    folded = fold(question.text)
    for year, month in question.months:
        if not date.startswith(f"{year}-{month:02d}"):
            return False
    month_years = {y for y, _ in question.months}
    for year in question.years:
        if year in month_years:
            continue
        if re.search(rf"\b(since|depuis|after|après|from|à partir de)\s+{year}\b", folded):
            if not date or date[:4] < str(year):
                return False
        elif re.search(rf"\b(before|avant)\s+{year}\b", folded):
            if not date or date[:4] >= str(year):
                return False
        elif not date.startswith(str(year)):
            return False
    return True


def _within_bounds(award: Award, question: Question) -> bool:
    for op, value in question.amount_bounds:
        amount = award.amount
        if amount is None or (op == ">" and amount <= value) or (op == "<" and amount >= value):
            return False
    return True


def _describe(op: str, awards: list[Award], shown: list[Award], markers: dict[int, str], language: str) -> str:
    """The computed answer; every award line carries the citations of the records it sums."""
    fr = language == "fr"
    lines = "; ".join(f"{_line(a, language)} {markers[id(a)]}" for a in shown)
    priced = [a.amount for a in awards if a.amount is not None]
    if op == "total":
        total = format_amount(sum(priced), language)
        return (f"Total des {len(awards)} attributions correspondantes dans les registres : {total}. Détail : "
                if fr else f"The {len(awards)} matching awards in the procurement records total {total}. Breakdown: ") \
            + lines + "."
    if op == "count":
        return (f"{len(awards)} attributions correspondent dans les registres : " if fr
                else f"{len(awards)} awards in the procurement records match: ") + lines + "."
    if op in ("max", "min"):
        word = {"max": ("The largest award", "La plus grosse attribution"),
                "min": ("The smallest award", "La plus petite attribution")}[op][1 if fr else 0]
        return f"{word} {'dans les registres est' if fr else 'in the procurement records is'}: {lines}."
    return (f"{len(awards)} attribution(s) correspondent dans les registres : " if fr
            else f"{len(awards)} award(s) in the procurement records match: ") + lines + "."


def _line(award: Award, language: str) -> str:
    record = award.first
    what = record.product_or_service or record.description or ""
    if record.office:
        what += f" — {'bureau' if language == 'fr' else 'office'}: {record.office}"
    amount = format_amount(award.amount, language) if award.amount is not None else (
        "montant non indiqué" if language == "fr" else "no amount given")
    date = award.date or ("date non indiquée" if language == "fr" else "date not given")
    precision = record.date_precision
    if precision in ("month", "year") and award.date:
        date += f" ({'au mois près' if precision == 'month' else 'année seulement'})" if language == "fr" else \
            f" ({precision} only)"
    mods = f", {len(award.records)} modifications" if len(award.records) > 1 else ""
    return f"{record.recipient or '?'} — {what} — {amount}, {date}{mods}".replace(" —  —", " —")
