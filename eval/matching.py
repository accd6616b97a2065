"""What counts as the same: a fact in a text (number-aware), an evidence span in a passage, a record by
its id or USAspending key. The eval README's rules, used by scoring and by the set checks."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dossier.core.text import fold
from dossier.eval.numbers import numbers_match, parse_numbers

MIN_SPAN_SHARE = 0.6  # share of an evidence span a passage must hold where a chunk boundary cuts it
RECORD_PREFIX = "record:"


# ----------------------------------------------------------------------------------------------------
# Text comparison: folding is ingest's `fold`, which follows the eval README's rules to the letter


def fact_in_text(alternative: str, text: str) -> bool:
    """Is one fact alternative stated in ``text``?

    Alternatives with a numeral compare as quantities (``numbers_match``); others as a folded
    substring, so that prefixes such as ``skip trac`` match ``skip tracing``.
    """
    if parse_numbers(alternative):
        return numbers_match(alternative, text)
    return fold(alternative) in fold(text)


def matching_alternative(group: Sequence[str], texts: Iterable[str]) -> str | None:
    """The first alternative of ``group`` found in any of ``texts``, or None."""
    texts = list(texts)
    for alternative in group:
        if any(fact_in_text(alternative, text) for text in texts):
            return alternative
    return None


# ----------------------------------------------------------------------------------------------------
# Retrieval relevance


def span_in_passage(span: str, passage_text: str, min_share: float = MIN_SPAN_SHARE) -> bool:
    """Does the passage hold the folded evidence span, or (where a chunk boundary cuts it) a common
    substring covering at least ``min_share`` of the span's characters?"""
    return _folded_span_in_text(fold(span), fold(passage_text), min_share)


def _folded_span_in_text(span: str, text: str, min_share: float = MIN_SPAN_SHARE) -> bool:
    if not span:
        return False
    if span in text:
        return True
    # A common substring of at least `needed` characters exists iff one of the span's windows of
    # that length occurs in the text: one C-speed search per window, no quadratic table.
    needed = math.ceil(min_share * len(span))
    return any(span[i:i + needed] in text for i in range(len(span) - needed + 1))


def record_reference(evidence: str) -> str | None:
    """The ID in ``record:ID`` evidence, or None for a text span."""
    return evidence[len(RECORD_PREFIX):].strip() if evidence.startswith(RECORD_PREFIX) else None


def record_matches(reference: str, record_id: str, record: Mapping[str, Any] | None = None) -> bool:
    """Is ``reference`` (from ``record:ID``) this record?

    A record answers to its ``record_id`` and, for real USAspending rows, to its
    ``contract_award_unique_key`` + ``modification_number`` written with or without a slash
    (our record_id form is ``award_key/modification``).
    """
    names = {record_id, record_id.replace("/", "")}
    if record:
        extra = record.get("extra") or {}
        award_key = record.get("award_key") or extra.get("contract_award_unique_key")
        modification = record.get("modification") or extra.get("modification_number") or ""
        if award_key:
            names |= {f"{award_key}/{modification}".rstrip("/"), f"{award_key}{modification}"}
    return reference.casefold() in {name.casefold() for name in names}


def is_relevant(passage: Mapping[str, Any], evidence: str, records: Mapping[str, Mapping[str, Any]]) -> bool:
    """Does one retrieved passage hold one evidence item (a text span or ``record:ID``)?"""
    return covers(passage, fold(passage.get("text") or ""), evidence, records)


def covers(passage: Mapping[str, Any], folded_text: str, evidence: str, records: Mapping[str, Mapping[str, Any]]) -> bool:
    reference = record_reference(evidence)
    if reference is None:
        return _folded_span_in_text(fold(evidence), folded_text)
    record_id = passage.get("record_id")
    return bool(record_id) and record_matches(reference, record_id, records.get(record_id))
