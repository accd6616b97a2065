"""Facts compared with answers as quantities: ``numbers_match`` and ``same_quantity``.

The numerals themselves are read by ``dossier.core.quantities.parse_numbers``, the one number parser.
"""
from __future__ import annotations

import math

from dossier.core.quantities import Number, parse_numbers
from dossier.core.text import fold

_RELATIVE_TOLERANCE = 1e-9
# A fact written without a scale word ("3,75") may name millions or billions that the answer spells out.
_IMPLIED_SCALES = (1e6, 1e9)


def numbers_match(fact_text: str, answer_text: str) -> bool:
    """Does ``answer_text`` state the fact ``fact_text``, comparing its numbers as quantities?

    Every number of the fact must appear in the answer, in order, with the fact's words around and
    between them (folded: case, quotes and spaces ignored), e.g. ``7 months`` or ``5-year``.
    Two numbers are the same quantity when (relative tolerance 1e-9):

    - their values are equal, in any written form: ``5.65 million`` = ``5,65 millions`` = ``5,650,000``;
    - or the fact has no scale word and names the answer's mantissa (``3,75`` and ``$3.75 million``),
      or, when under 1000, the answer's value in millions or billions (``3,75`` and ``$3,750,000``,
      the record form; a year such as ``2019`` is never read as millions).

    Numerals are whole tokens, so ``30`` is never found inside ``300`` or ``2030``, and ``3.7`` is not
    ``3.75``. A percentage in the fact needs a percentage in the answer. An accounting negative
    ``(5,650,000)`` in the answer also matches the unsigned fact, since prose puts figures in
    parentheses as asides. A fact without any numeral matches nothing here (compare it as text).
    """
    fact_numbers = parse_numbers(fact_text)
    if not fact_numbers:
        return False
    fact_pieces = _pieces_between(fact_text, fact_numbers)
    answer_numbers = parse_numbers(answer_text)
    for first_index in range(len(answer_numbers)):
        candidate = answer_numbers[first_index:first_index + len(fact_numbers)]
        if len(candidate) == len(fact_numbers) and _aligned(fact_numbers, fact_pieces, candidate, answer_text):
            return True
    return False


def same_quantity(fact: Number, answer: Number) -> bool:
    """Is ``answer`` the quantity that ``fact`` names? (see ``numbers_match``)"""
    if fact.is_percent and not answer.is_percent:
        return False
    answer_values = [answer.value]
    if answer.parenthesized:
        answer_values.append(abs(answer.value))
    if not fact.has_scale_word and not fact.is_percent:
        if answer.has_scale_word:
            answer_values.append(answer.mantissa)
        if abs(fact.value) < 1000:  # a mantissa, not a year or a count
            answer_values.extend(answer.value / scale for scale in _IMPLIED_SCALES)
    return any(_close(fact.value, value) for value in answer_values)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_RELATIVE_TOLERANCE, abs_tol=0.0)


def _pieces_between(text: str, numbers: list[Number]) -> list[str]:
    """The text before, between and after ``numbers``: len(numbers) + 1 pieces."""
    bounds = [0] + [edge for n in numbers for edge in (n.start, n.end)] + [len(text)]
    return [text[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)]


def _aligned(fact_numbers: list[Number], fact_pieces: list[str], answer_numbers: list[Number], answer: str) -> bool:
    if not all(same_quantity(f, a) for f, a in zip(fact_numbers, answer_numbers)):
        return False
    answer_pieces = _pieces_between(answer, answer_numbers)
    last = len(fact_pieces) - 1
    for index, (fact_piece, answer_piece) in enumerate(zip(fact_pieces, answer_pieces)):
        wanted, found = fold(fact_piece), fold(answer_piece)
        if index == 0 and not found.endswith(wanted):
            return False
        if index == last and not found.startswith(wanted):
            return False
        if 0 < index < last and found != wanted:
            return False
    return True
