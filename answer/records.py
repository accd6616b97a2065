"""Questions over procurement records, answered by a query over the records table.

The question is compiled into a plan (``records_plan``), the table executes it, and the answer leads
with the figure or the few rows asked for. Every record that entered the computation is cited through
one computation citation that lists them all, with the plan and its SQL, so a reader can re-run it.
Dates and amounts are named as USAspending names them: "awarded on" (the base action date), "total
obligated"; for transaction exports an award's amount is the sum of its modifications.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Protocol

from dossier.answer.draft import Computation, Draft
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.answer.records_actions import actions_description, describe_actions
from dossier.answer.records_plan import CompiledQuestion, RecordsCatalogue, compile_question
from dossier.core.dates import format_long_date
from dossier.core.quantities import format_exact_amount
from dossier.core.records_query import COLUMN_LABELS, AwardRow, RecordQuery, RecordsResult
from dossier.core.types import Passage, Record, ScoredPassage

_DAY_ASKED = re.compile(r"\b(?:what|which|on what|quelle|à quelle)\s+(?:date|day|jour)\b", re.IGNORECASE)
WHAT_CHARS = 90  # a listed award's description is cut here; the cited record holds all of it
_USASPENDING_FLAGS = re.compile(r"IGF::\w+::IGF\s*")  # "inherently governmental function" markers


PassageLookup = Callable[[list[str]], dict[str, Passage]]  # passage ids -> the passages found


class RecordsSource(RecordsCatalogue, Protocol):
    def run(self, query: RecordQuery) -> RecordsResult: ...


class RecordsAnswerer:
    def __init__(self, source: RecordsSource, lexicon: Lexicon | None = None):
        self.source = source
        self.lexicon = lexicon

    def answer(self, question: Question, passage_of: PassageLookup, top_k: int = 8,
               require_subject: bool = False) -> tuple[Draft, list[ScoredPassage]] | None:
        """A computed draft and the records the query returned (in its order), or None when the records
        are not what the question is about. ``require_subject``: only when a name of the question picks
        the records (the question never said "records" and the prose could not answer)."""
        if not (question.records_intent or require_subject) or not self.source.has_awards():
            return None
        compiled = compile_question(question, self.source, self.lexicon)
        if require_subject and not compiled.refusal and not (compiled.named_subject and compiled.asks_field):
            return None
        if compiled.refusal:
            return Draft(True, reason=compiled.refusal), []
        if compiled.sides:
            return self._difference(question, compiled, passage_of, top_k)
        if compiled.extremes:
            return self._extremes(question, compiled, passage_of, top_k)
        result = self.source.run(compiled.query)
        if not result.matched and compiled.relaxed is not None:
            compiled = dataclasses.replace(compiled, query=compiled.relaxed)
            result = self.source.run(compiled.query)
        if not result.matched:
            return Draft(True, reason=_no_match_reason(compiled, result)), []
        lang = question.language
        dated = [(row.awarded_on, row.first.date_precision) for row in result.rows] + [
            (m.action_date, m.record.date_precision) for m in result.modifications]
        if _DAY_ASKED.search(question.text) and not any(on and precision == "day" for on, precision in dated):
            return Draft(True, reason="the records give no day for this award, at most its year or month"), []
        over_actions = compiled.query.table == "modifications"
        lead = describe_actions(compiled.query, result, lang) if over_actions else _describe(compiled.query, result, lang)
        computation = _computation(compiled.query, result, [result], lang)
        if over_actions:
            computation = dataclasses.replace(computation, description=actions_description(result, compiled.query, lang))
        draft = Draft(False, computed=True, lead=lead, computation=computation)
        return draft, _retrieved(result.passage_ids, passage_of, top_k)

    def _difference(self, question: Question, compiled: CompiledQuestion, passage_of: PassageLookup,
                    top_k: int) -> tuple[Draft, list[ScoredPassage]]:
        # A date may pick one side only ("the Clearview AI contract of September 2025"): a side it leaves
        # empty is taken without it.
        results = []
        for side in compiled.sides:
            result = self.source.run(side)
            global_period = (side.date_from, side.date_to) == (compiled.query.date_from, compiled.query.date_to)
            if not result.matched and (side.date_from or side.date_to) and global_period:
                result = self.source.run(dataclasses.replace(side, date_from=None, date_to=None))
            results.append(result)
        if not all(r.matched and r.amount_total is not None for r in results):
            return Draft(True, reason="one of the two things compared has no matching award with an amount"), []
        lang = question.language
        labels = COLUMN_LABELS[lang]
        (ra, side_a), (rb, side_b) = sorted(zip(results, compiled.sides), key=lambda pair: -(pair[0].amount_total or 0))
        gap = format_exact_amount((ra.amount_total or 0) - (rb.amount_total or 0), lang)
        if side_a.date_from != side_b.date_from and _first(ra)[0].recipient != _first(rb)[0].recipient:
            # Two years set against each other, each over several recipients: each side is its year.
            name_a, name_b = (side_a.date_from or "?")[:4], (side_b.date_from or "?")[:4]
        else:
            name_a, name_b = _side_name(ra, rb), _side_name(rb, ra)
        over_actions = compiled.query.table == "modifications"
        amount = labels["federal_action_obligation" if over_actions else "amount"]
        if lang == "fr":
            unit = f"actions, par {labels['action_date']}" if over_actions else "attributions"
            lead = (f"{name_a} : {format_exact_amount(ra.amount_total, lang)} ({amount}, {ra.matched} {unit}) ;"
                    f" {name_b} : {format_exact_amount(rb.amount_total, lang)} ({rb.matched} {unit}) ; écart : {gap} [1].")
        else:
            unit = f"actions by {labels['action_date']}" if over_actions else "awards"
            lead = (f"{name_a}: {format_exact_amount(ra.amount_total, lang)} {amount} ({ra.matched} {unit});"
                    f" {name_b}: {format_exact_amount(rb.amount_total, lang)} ({rb.matched} {unit}); difference: {gap} [1].")
        computation = _computation(compiled.query, ra, [ra, rb], lang, sql="\n;\n".join(r.sql for r in results))
        draft = Draft(False, computed=True, lead=lead, computation=computation)
        return draft, _retrieved(ra.passage_ids[: top_k // 2] + rb.passage_ids, passage_of, top_k)


    def _extremes(self, question: Question, compiled: CompiledQuestion, passage_of: PassageLookup,
                  top_k: int) -> tuple[Draft, list[ScoredPassage]]:
        """The largest and the smallest of the matching awards, and what separates them."""
        base = dataclasses.replace(compiled.query, aggregate="list", limit=1)
        largest = self.source.run(dataclasses.replace(base, order="amount_desc", aggregate="max"))
        smallest = self.source.run(dataclasses.replace(base, order="amount_asc", aggregate="min"))
        if largest.matched < 2 or not largest.rows or not smallest.rows:
            return Draft(True, reason="fewer than two matching awards"), []
        lang = question.language
        big, small = largest.rows[0], smallest.rows[0]
        gap = format_exact_amount((big.amount or 0) - (small.amount or 0), lang)
        lead = (f"Écart de {gap} entre la plus grosse attribution ({_line(big, compiled.query, lang)}) et la plus"
                f" petite ({_line(small, compiled.query, lang)}) [1]." if lang == "fr" else
                f"{gap} separates the largest award ({_line(big, compiled.query, lang)}) from the smallest"
                f" ({_line(small, compiled.query, lang)}) [1].")
        # The two awards the gap is computed from are what it cites (the scan that found them ran over all).
        pair = dataclasses.replace(largest, matched=2, rows=(big, small),
                                   record_ids=tuple(r.record_id for r in big.records + small.records))
        draft = Draft(False, computed=True, lead=lead, computation=_computation(compiled.query, pair, [pair], lang,
                                                                             sql=largest.sql))
        return draft, _retrieved(big.passage_ids + small.passage_ids, passage_of, top_k)


def _side_name(side: RecordsResult, other: RecordsResult) -> str:
    """What tells a side from the other: its recipient, else its award's description, else its year."""
    (mine, mine_on), (theirs, _) = _first(side), _first(other)
    if mine.recipient != theirs.recipient:
        return mine.recipient or "?"
    if side.matched == 1 and other.matched == 1 and mine.description != theirs.description:
        what = _USASPENDING_FLAGS.sub("", mine.description or "")
        return f"{mine.recipient} ({what[:WHAT_CHARS]})"
    return f"{mine.recipient} ({(mine_on or '?')[:4]})"


def _first(result: RecordsResult) -> tuple[Record, str | None]:
    """The first record of a result and its date: an award's award date, or a modification's action date."""
    if result.rows:
        return result.rows[0].first, result.rows[0].awarded_on
    return result.modifications[0].record, result.modifications[0].action_date


def _retrieved(passage_ids: tuple[str, ...], passage_of: PassageLookup, top_k: int) -> list[ScoredPassage]:
    wanted = list(dict.fromkeys(passage_ids))[:top_k]
    by_id = passage_of(wanted)
    found = [by_id[p] for p in wanted if p in by_id]
    return [ScoredPassage(passage=p, score=1.0, rank=rank) for rank, p in enumerate(found, start=1)]


def _computation(query: RecordQuery, main: RecordsResult, results: list[RecordsResult], lang: str,
                 sql: str | None = None) -> Computation:
    record_ids = results[0].record_ids if len(results) == 1 else tuple(dict.fromkeys(
        i for r in results for i in r.record_ids))
    sources = tuple(dict.fromkeys([rec.source_document for r in results for row in r.rows for rec in row.records]
                                  + [m.record.source_document for r in results for m in r.modifications]))
    awards = sum(r.matched for r in results)
    said = "; ".join(f"{f.column} = {' | '.join(f.values)}" for f in query.filters)
    words = ", ".join(g.word for g in query.terms)
    if lang == "fr":
        description = (f"Calcul sur {awards} attribution(s) ({len(record_ids)} enregistrement(s)) des registres"
                       + (f", filtre : {said}" if said else "") + (f", mots : {words}" if words else "") + ".")
    else:
        description = (f"Computed over {awards} award(s) ({len(record_ids)} record(s))"
                       + (f", filtered on {said}" if said else "") + (f", words: {words}" if words else "") + ".")
    return Computation(record_ids=record_ids, sources=sources, description=description,
                       sql=sql or main.sql, plan=query.to_dict())


def _no_match_reason(compiled: CompiledQuestion, result: RecordsResult) -> str:
    query = compiled.query
    named = " ".join(compiled.names)
    if query.terms and result.best_coverage is not None:
        words = ", ".join(g.word for g in query.terms)
        return f"no award {'of ' + named + ' ' if named else ''}is described by {words}"
    return "no procurement record matches the question's filters"


# ---- the answer's words ---------------------------------------------------------------------------

def _describe(query: RecordQuery, result: RecordsResult, lang: str) -> str:
    fr = lang == "fr"
    labels = COLUMN_LABELS[lang]
    n = result.matched
    awards_word = ("attribution" if n == 1 else "attributions") if fr else ("award" if n == 1 else "awards")
    total = format_exact_amount(result.amount_total, lang) if result.amount_total is not None else "?"
    if query.group_by and result.groups:
        return _describe_groups(query, result, lang)
    rows = _rows(query, result, lang)
    if query.aggregate == "total":
        head = (f"{total} ({labels['amount']}) sur {n} {awards_word} [1]" if fr
                else f"{total} {labels['amount']} across {n} {awards_word} [1]")
        return f"{head}{' :' if fr else ':'} {rows}"
    if query.aggregate == "count":
        head = (f"{n} {awards_word}, {total} au total ({labels['amount']}) [1]" if fr
                else f"{n} {awards_word}, {total} {labels['amount']} in all [1]")
        return f"{head}{' :' if fr else ':'} {rows}"
    if query.aggregate == "average":
        average = format_exact_amount(result.amount_average or 0, lang)
        return (f"{average} en moyenne par attribution ({labels['amount']}) sur {n} {awards_word}, {total} au total [1] : {rows}"
                if fr else f"{average} average {labels['amount']} per award over {n} {awards_word} ({total} in all) [1]: {rows}")
    if query.aggregate in ("max", "min"):
        word = {("max", False): "Largest", ("min", False): "Smallest", ("max", True): "La plus grosse attribution",
                ("min", True): "La plus petite attribution"}[(query.aggregate, fr)]
        top = _line(result.rows[0], query, lang)
        return (f"{word} des {n} attributions correspondantes : {top} [1]." if fr
                else f"{word} of {n} matching {awards_word} by {labels['amount']}: {top} [1].")
    if n == 1:
        return f"{_line(result.rows[0], query, lang)} [1]."
    return (f"{n} {awards_word} correspondent [1] : {rows}" if fr else f"{n} matching {awards_word} [1]: {rows}")


def _describe_groups(query: RecordQuery, result: RecordsResult, lang: str) -> str:
    fr = lang == "fr"
    labels = COLUMN_LABELS[lang]
    groups = result.groups
    shown = "; ".join(f"{g.key}: {g.awards} {'attribution(s)' if fr else 'award(s)'}, "
                      f"{format_exact_amount(g.amount or 0, lang)}" for g in groups[:10])
    more = len(groups) - 10
    tail = (f"; et {more} autres" if fr else f"; and {more} more") if more > 0 else ""
    label = labels[query.group_by or "recipient"]
    return (f"{len(groups)} valeur(s) de « {label} » sur {result.matched} attributions [1] : {shown}{tail}." if fr
            else f"{len(groups)} {label} value(s) over {result.matched} awards [1]: {shown}{tail}.")


def _rows(query: RecordQuery, result: RecordsResult, lang: str) -> str:
    lines = "; ".join(_line(row, query, lang) for row in result.rows)
    more = result.matched - len(result.rows)
    if more > 0:
        lines += (f"; et {more} autres" if lang == "fr" else f"; and {more} more")
    return lines + "."


def _line(row: AwardRow, query: RecordQuery, lang: str) -> str:
    labels = COLUMN_LABELS[lang]
    record = row.first
    what = _USASPENDING_FLAGS.sub("", record.description or "").strip() or record.product_or_service or ""
    if len(what) > WHAT_CHARS:
        what = what[:WHAT_CHARS].rsplit(" ", 1)[0] + "…"
    amount = format_exact_amount(row.amount, lang) if row.amount is not None else (
        "montant non indiqué" if lang == "fr" else "no amount given")
    parts = [record.recipient or "?", what, f"{amount} {labels['amount']}"] if what else \
        [record.recipient or "?", f"{amount} {labels['amount']}"]
    if row.awarded_on:
        parts.append(f"{labels['awarded_on']} {format_long_date(row.awarded_on, lang, record.date_precision)}")
    for column in query.asked:
        if column in ("office", "sub_agency"):
            value = getattr(record, column, None)
            if value:
                parts.append(f"{labels[column]}: {value}")
            continue
        value = getattr(row, column, None)
        if value is None:
            continue
        shown = format_exact_amount(value, lang) if column == "potential_value" else format_long_date(value, lang)
        parts.append(f"{labels[column]} {shown}")
    if record.sub_agency and query.group_by is None and "sub_agency" not in query.asked \
            and not any(f.column == "sub_agency" for f in query.filters):
        parts.append(record.sub_agency)
    if row.modifications > 1:
        parts.append(f"{row.modifications} modifications")
    return " — ".join(parts)
