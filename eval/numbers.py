"""Numbers as written in English or French prose, normalised so that facts compare as quantities.

``parse_numbers`` finds every numeral with its span: ``3,75 millions de dollars``, ``$3.75 million``,
``3 750 000 $``, ``5.7M``, ``800 000`` (space, no-break or narrow no-break space thousands separators),
``8 milliards``, ``12 %``, ``-12,500.50``, ``(1,234)``. Number *words* ("seven", "sept") are not
parsed: facts spell those out as text alternatives.

Separator rules, since a comma is a French decimal mark and an English thousands mark:

- a comma followed by 1–2 or 4+ digits is a decimal comma: ``3,75`` = 3.75, ``95,9`` = 95.9;
- a comma followed by exactly 3 digits is a thousands separator (``3,750`` = 3750), unless a French
  scale phrase follows (``3,750 milliards``, ``3,750 millions de dollars``), which makes it decimal;
- a single dot is a decimal point (``3.750`` = 3.75); several dot groups are thousands (``1.234.567``),
  and so is a dot group followed by a decimal comma (``12.500,50``);
- spaces (including no-break and narrow no-break) only ever separate thousands.

"billion" is the English 10^9 (French "milliard"); the French "billion" (10^12) does not occur in
reporting that is translated either way, and facts write ``8 billion`` for ``8 milliards``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

_SPACE = "[ \u00a0\u202f]"  # thousands separators and the gap before a scale word or currency

_LITERAL = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)"  # 3,750,000 / 12,500.50
    r"|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?(?!\d|\.\d)"  # 1.234.567 / 1.234.567,89
    r"|\d{1,3}\.\d{3},\d+(?!\d)"  # 12.500,50
    rf"|\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?(?!\d)"  # 3 750 000 / 7 500
    r"|\d+(?:[.,]\d+)?(?!\d)"  # 3,75 / 3.75 / 2019
)

# Scale words are case-insensitive; abbreviations are case-sensitive ("M", not "m": "3 m" is metres,
# except after a currency sign, "$3.75m"). Longer alternatives first.
_SCALE = (
    r"(?i:thousands?|mille|millions?|milliards?|billions?|trillions?)"
    r"|Mrds?|Mds?|MM|Mn|mn|Bn|bn|M|B|K|k|m"
)

_NUMBER_RE = re.compile(
    r"(?<![\w.,])"  # not glued to a word ("R01", "COVID-19") or to another numeral
    r"(?P<sign>[-\u2212])?"
    rf"(?P<prefix>(?:US)?[$€£]{_SPACE}?)?"
    rf"(?P<literal>{_LITERAL})"
    rf"(?:{_SPACE}?(?P<scale>{_SCALE})(?![^\W\d_]))?"
    rf"(?P<suffix>{_SPACE}?(?:%|pour{_SPACE}cent|per{_SPACE}?cent|[$€£]|(?:de{_SPACE}|d')?(?:dollars?|euros?)\b|USD|EUR))?"
)

_SCALE_EXPONENTS = {
    "thousand": 3, "thousands": 3, "mille": 3, "k": 3,
    "million": 6, "millions": 6, "m": 6, "mm": 6, "mn": 6,
    "billion": 9, "billions": 9, "milliard": 9, "milliards": 9, "b": 9, "bn": 9, "md": 9, "mds": 9, "mrd": 9, "mrds": 9,
    "trillion": 12, "trillions": 12,
}
_FRENCH_SCALES = {"milliard", "milliards", "mille"}
_PERCENT_ENDINGS = ("%", "cent")
_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")

_RELATIVE_TOLERANCE = 1e-9
# A fact written without a scale word ("3,75") may name millions or billions that the answer spells out.
_IMPLIED_SCALES = (1e6, 1e9)


@dataclass(frozen=True)
class Number:
    """One numeral found in a text.

    ``value`` has the scale word and the sign applied; ``mantissa`` is the value as written before the
    scale word (``3.75`` in ``$3.75 million``); ``scale`` is 1 when no scale word follows.
    """

    value: float
    mantissa: float
    scale: float
    is_percent: bool
    parenthesized: bool  # an accounting negative, "(1,234)"
    start: int
    end: int
    text: str

    @property
    def has_scale_word(self) -> bool:
        return self.scale != 1


def parse_numbers(text: str) -> list[Number]:
    """Every numeral in ``text``, in order, with normalised values and spans."""
    return [_to_number(text, match) for match in _NUMBER_RE.finditer(text)]


def _to_number(text: str, match: re.Match[str]) -> Number:
    literal = match["literal"]
    scale_exponent = _scale_exponent(match)
    if match["scale"] and not scale_exponent:
        # "3 m" (metres): the word is not a scale, and whatever followed it is not this number's.
        end = match.end("literal")
        suffix = ""
    else:
        end = match.end()
        suffix = match["suffix"] or ""
    french_scale = bool(scale_exponent) and _is_french_scale_phrase(match["scale"], text[match.end("scale"):])
    mantissa = _literal_value(literal, comma_group_is_decimal=french_scale)
    start = match.start()
    parenthesized = (
        text[start - 1:start] == "("
        and text[end:end + 1] == ")"
        and not scale_exponent
        and not suffix
        and _COMMA_GROUPED.fullmatch(literal) is not None
    )
    if match["sign"] or parenthesized:
        mantissa = -mantissa
    if parenthesized:
        start, end = start - 1, end + 1
    scale = Decimal(10) ** scale_exponent
    return Number(
        value=float(mantissa * scale),
        mantissa=float(mantissa),
        scale=float(scale),
        is_percent=suffix.strip().endswith(_PERCENT_ENDINGS),
        parenthesized=parenthesized,
        start=start,
        end=end,
        text=text[start:end],
    )


def _scale_exponent(match: re.Match[str]) -> int:
    """Power of ten named by the scale word after the literal; 0 when there is none."""
    word = match["scale"]
    if word is None or (word == "m" and not match["prefix"]):
        return 0
    return _SCALE_EXPONENTS[word.casefold()]


def _is_french_scale_phrase(scale_word: str, following: str) -> bool:
    if scale_word.casefold() in _FRENCH_SCALES:
        return True
    # "millions" is shared by both languages; "millions de dollars" is French.
    return scale_word.casefold() == "millions" and re.match(rf"{_SPACE}?(?:de{_SPACE}|d')", following) is not None


def _literal_value(literal: str, *, comma_group_is_decimal: bool) -> Decimal:
    compact = re.sub(_SPACE, "", literal)
    if _COMMA_GROUPED.fullmatch(compact):
        if comma_group_is_decimal and re.fullmatch(r"\d{1,3},\d{3}", compact):
            return Decimal(compact.replace(",", "."))
        return Decimal(compact.replace(",", ""))
    if "." in compact and "," in compact:  # 1.234.567,89 / 12.500,50
        return Decimal(compact.replace(".", "").replace(",", "."))
    if compact.count(".") > 1:  # 1.234.567
        return Decimal(compact.replace(".", ""))
    return Decimal(compact.replace(",", "."))


# ----------------------------------------------------------------------------------------------------
# Matching a fact against an answer


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
    # fold is defined once, in scoring (the README's definition); imported here lazily because
    # scoring imports this module.
    from eval.scoring import fold

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
