"""Questions about the actions on an award (the modifications of a "Prime Award Transactions" export):
how many an award has and when the latest was, what actions obligated or de-obligated in a period, the
largest single one. They run over the modifications table, by each action's own date (``action_date``)
and its federal action obligation, and the answer names both. Award Summaries hold one row per award:
asked of them alone, such a question is refused, saying so.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from dossier.answer.question import Question
from dossier.answer.records_vocabulary import plain
from dossier.core.dates import format_long_date
from dossier.core.quantities import format_exact_amount
from dossier.core.records_query import COLUMN_LABELS, ModificationRow, RecordQuery, RecordsResult
from dossier.core.text import fold

# The wording of the actions themselves, in both languages (folded, accents removed).
_ACTIONS = re.compile(r"\bmodifications?\b|\btransactions?\b|\bactions\b|\baction dates?\b|\bcontract actions?\b|"
                      r"\bavenants?\b|\bdate de l action\b|\byears? of action\b|\bannee de l action\b|" + r"\bde-?\s?obligat\w*|\bdeobligat\w*|\bdesengag\w*|\bdesoblig\w*")
_DEOBLIGATION = re.compile(r"\bde-?\s?obligat\w*|\bdeobligat\w*|\bdesengag\w*|\bdesoblig\w*|\bnegative obligations?\b|"
                           r"\bobligations? negatives?\b")
# Money moved in a period ("what did ICE obligate in 2024"), as opposed to the date an award was made.
_OBLIGATED = re.compile(r"\boblig\w*|\bengag\w*|\bspen[dt]\b|\bpaid\b|\bpay\b|\bdepens\w*|\bverse\w*")
_AWARD_DATED = re.compile(r"\bawarded\b|\bawards? (?:made|signed)\b|\bmade\b|\bsigned\b|\battribue\w*|\bsigne\w*|"
                          r"\bconclu\w*|\bpasse\w*")
_AMOUNT_ASKED = re.compile(r"\b(?:what|how much)\b[^?]*\b(?:oblig|de-?\s?oblig|deoblig)\w*|\bquel montant\b")
_LAST_MODIFICATION = re.compile(r"\b(?:last|latest|most recent) modification\b|\bderniere modification\b")
REFUSAL = "the loaded records hold one row per award (Award Summaries), not its modifications"


def over_modifications(question: Question, query: RecordQuery, modifications: int, every_award: bool
                       ) -> tuple[RecordQuery, str]:
    """The plan moved to the modifications table when the question asks about actions, or about money
    obligated in a period and every loaded award has its modifications; the refusal when it asks about
    actions and the table holds none. ``modifications``: how many the table holds."""
    text = plain(fold(question.text))
    explicit = _ACTIONS.search(text)
    implicit = (bool(query.date_from or query.date_to) and _OBLIGATED.search(text) is not None
                and not _AWARD_DATED.search(text) and every_award)
    if not (explicit or implicit):
        return query, ""
    if not modifications:
        if _LAST_MODIFICATION.search(text):  # an award's latest action date is its last modification
            return replace(query, date_field="last_modified",
                           asked=tuple(dict.fromkeys(["last_modified", *query.asked]))), ""
        return query, REFUSAL
    aggregate, order, amount_max = query.aggregate, "date_desc", query.amount_max
    if _DEOBLIGATION.search(text):
        amount_max = min(amount_max, 0.0) if amount_max is not None else 0.0
        # The largest de-obligation is the most negative obligation.
        aggregate = {"max": "min", "min": "max"}.get(aggregate, aggregate)
    if aggregate == "list" and ("amount" in question.targets or _AMOUNT_ASKED.search(text)):
        aggregate = "total"  # "what did ICE obligate through actions in 2024": a sum, then its actions
    if aggregate in ("max", "min"):
        order = "amount_desc" if aggregate == "max" else "amount_asc"
    return replace(query, table="modifications", date_field="action_date", amount_field="federal_action_obligation",
                   aggregate=aggregate, order=order, amount_max=amount_max), ""


def describe_actions(query: RecordQuery, result: RecordsResult, lang: str) -> str:
    """The lead of an answer over modifications: the figure asked, by action date and federal action
    obligation, then the first actions in the plan's order and "and N more"."""
    fr = lang == "fr"
    labels = COLUMN_LABELS[lang]
    n, awards = result.matched, result.awards or 0
    negative = query.amount_max is not None and query.amount_max <= 0
    noun = (("désengagement" if fr else "de-obligation") if negative else "action") + ("s" if n != 1 else "")
    total = format_exact_amount(result.amount_total or 0, lang)
    basis = (f"par {labels['action_date']}{_period(query, lang)}, {labels['federal_action_obligation']}" if fr
             else f"by {labels['action_date']}{_period(query, lang)}, {labels['federal_action_obligation']}")
    of_awards = (f"de {awards} attribution{'s' if awards != 1 else ''}" if fr
                 else f"of {awards} award{'s' if awards != 1 else ''}")
    rows = _rows(query, result, lang)
    if query.group_by and result.groups:
        shown = "; ".join(f"{g.key}: {g.awards} action(s), {format_exact_amount(g.amount or 0, lang)}"
                          for g in result.groups[:10])
        label = labels["action_year" if query.group_by == "year" else query.group_by]
        return (f"{len(result.groups)} valeur(s) de « {label} » sur {n} {noun} ({basis}) [1] : {shown}." if fr
                else f"{len(result.groups)} {label} value(s) over {n} {noun} ({basis}) [1]: {shown}.")
    if query.aggregate in ("max", "min"):
        word = ("Le plus gros" if negative else "La plus grosse" if query.aggregate == "max" else "La plus petite") \
            if fr else ("Largest" if negative or query.aggregate == "max" else "Smallest")
        single = ("désengagement" if negative else "action") if fr else ("de-obligation" if negative else "single action")
        top = _line(result.modifications[0], lang)
        return (f"{word} {single} sur {n} ({basis}) : {top} [1]." if fr
                else f"{word} {single} of {n} ({basis}): {top} [1].")
    split = _base_and_modifications(result, lang)
    if query.aggregate == "average":
        average = format_exact_amount(result.amount_average or 0, lang)
        return (f"{average} en moyenne par action sur {n} {noun} {of_awards} ({basis}), {total} au total [1] : {rows}"
                if fr else f"{average} average per action over {n} {noun} {of_awards} ({basis}), {total} in all [1]: {rows}")
    if query.aggregate == "count" or query.order == "date_desc" and query.aggregate != "total":
        latest = result.modifications[0].action_date if query.order == "date_desc" and result.modifications else None
        when = (f", la plus récente le {format_long_date(latest, lang)}" if fr else f", the latest on "
                f"{format_long_date(latest, lang)}") if latest else ""
        return (f"{n} {noun}{split} {of_awards} ({basis}), {total} au total{when} [1] : {rows}" if fr
                else f"{n} {noun}{split} {of_awards} ({basis}), {total} in all{when} [1]: {rows}")
    return (f"{total} sur {n} {noun}{split} {of_awards} ({basis}) [1] : {rows}" if fr
            else f"{total} across {n} {noun}{split} {of_awards} ({basis}) [1]: {rows}")


def actions_description(result: RecordsResult, query: RecordQuery, lang: str) -> str:
    """What the computation citation says it ran over."""
    said = "; ".join(f"{f.column} = {' | '.join(f.values)}" for f in query.filters)
    words = ", ".join(g.word for g in query.terms)
    if lang == "fr":
        return (f"Calcul sur {result.matched} action(s) de {result.awards or 0} attribution(s) (table des modifications,"
                f" date : action_date, montant : federal_action_obligation)" + (f", filtre : {said}" if said else "")
                + (f", mots : {words}" if words else "") + ".")
    return (f"Computed over {result.matched} action(s) of {result.awards or 0} award(s) (modifications table, date:"
            f" action_date, amount: federal_action_obligation)" + (f", filtered on {said}" if said else "")
            + (f", words: {words}" if words else "") + ".")


def _base_and_modifications(result: RecordsResult, lang: str) -> str:
    base, n = result.base_actions, result.matched
    if not base:
        return ""
    plural, plural_rest = "s" if base != 1 else "", "s" if n - base != 1 else ""
    if lang == "fr":
        return f" ({base} attribution{plural} initiale{plural} et {n - base} modification{plural_rest})"
    return f" ({base} base award{plural} and {n - base} modification{plural_rest})"


def _period(query: RecordQuery, lang: str) -> str:
    """ " in 2024", " in March 2024", " from …", " before …": the action dates the plan kept."""
    start, end = query.date_from, query.date_to
    if not (start or end):
        return ""
    if start and end:
        first, after = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if first.month == first.day == 1 and after == first.replace(year=first.year + 1):
            return f" en {first.year}" if lang == "fr" else f" in {first.year}"
        if first.day == 1 and (after - first).days <= 31 and after.day == 1:
            return f" en {format_long_date(start[:7], lang)}" if lang == "fr" else f" in {format_long_date(start[:7], lang)}"
        last = (after - dt.timedelta(days=1)).isoformat()
        return (f" du {format_long_date(start, lang)} au {format_long_date(last, lang)}" if lang == "fr"
                else f" from {format_long_date(start, lang)} to {format_long_date(last, lang)}")
    if start:
        return f" depuis le {format_long_date(start, lang)}" if lang == "fr" else f" since {format_long_date(start, lang)}"
    return f" avant le {format_long_date(str(end), lang)}" if lang == "fr" else f" before {format_long_date(str(end), lang)}"


def _rows(query: RecordQuery, result: RecordsResult, lang: str) -> str:
    lines = "; ".join(_line(row, lang) for row in result.modifications)
    more = result.matched - len(result.modifications)
    if more > 0:
        lines += f"; et {more} autres" if lang == "fr" else f"; and {more} more"
    return lines + "."


def _line(row: ModificationRow, lang: str) -> str:
    labels = COLUMN_LABELS[lang]
    record = row.record
    when = format_long_date(row.action_date, lang, record.date_precision) if row.action_date else "?"
    amount = format_exact_amount(row.obligation, lang) if row.obligation is not None else (
        "montant non indiqué" if lang == "fr" else "no amount given")
    parts = [f"{when} ({labels['action_date']})", record.recipient or "?",
             f"modification {row.modification}" if row.modification else "", f"{amount} {labels['federal_action_obligation']}",
             " ".join((record.description or "").split())[:90]]
    return " — ".join(p for p in parts if p)
