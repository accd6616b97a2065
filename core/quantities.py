"""Quantities as written in English or French prose: numbers, money, durations, months, sizes.

One number parser serves the answerer (``quantities``: each numeral with its kind) and the eval
(``parse_numbers``, compared as quantities there).

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

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

_SPACE = "[ \u00a0\u202f]"  # thousands separators and the gap before a scale word or currency
_APOSTROPHE = "['\u2019]"  # the elided "d'" is written with a straight or a typographic apostrophe

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
    rf"(?P<suffix>{_SPACE}?(?:%|pour{_SPACE}cent|per{_SPACE}?cent|[$€£]|(?:de{_SPACE}|d{_APOSTROPHE})?(?:dollars?|euros?)\b|USD|EUR))?"
)

_SCALE_EXPONENTS = {
    "thousand": 3, "thousands": 3, "mille": 3, "k": 3,
    "million": 6, "millions": 6, "m": 6, "mm": 6, "mn": 6,
    "billion": 9, "billions": 9, "milliard": 9, "milliards": 9, "b": 9, "bn": 9, "md": 9, "mds": 9, "mrd": 9, "mrds": 9,
    "trillion": 12, "trillions": 12,
}
_FRENCH_SCALES = {"milliard", "milliards", "mille"}
_PERCENT_ENDINGS = ("%", "cent")
_CURRENCIES = (("EUR", re.compile(r"€|euro|EUR", re.IGNORECASE)), ("GBP", re.compile(r"£|GBP")),
               ("USD", re.compile(r"\$|dollar|USD", re.IGNORECASE)))


def currency_of(text: str) -> str | None:
    """ISO code of the currency a sign or word in ``text`` names: ``€`` / ``euros`` -> EUR, ``$`` -> USD."""
    return next((code for code, pattern in _CURRENCIES if pattern.search(text)), None)


_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")



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
    currency: str | None  # ISO code of the currency sign or word before or after it, if any
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
        currency=currency_of((match["prefix"] or "") + " " + suffix),
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
    return scale_word.casefold() == "millions" and re.match(rf"{_SPACE}?(?:de{_SPACE}|d{_APOSTROPHE})", following) is not None


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
# Kinds of quantity, for the answerer: is a sentence's number the amount, count, year or duration asked?

Kind = Literal["money", "count", "year", "duration", "percent", "day"]

_DURATION_UNIT = (r"ans?\b|années?\b|mois\b|semaines?\b|jours?\b|years?\b|months?\b|weeks?\b|days?\b|heures?\b|"
                  r"hours?\b")
_DURATION_AFTER = re.compile(rf"{_SPACE}?(?:-|{_SPACE})?(?:{_DURATION_UNIT})", re.IGNORECASE)
_YEAR_LITERAL = re.compile(r"(?:19|20)\d\d")
# Small numbers written as words, as durations are ("sept mois", "five years").
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}
_WORD_DURATION = re.compile(rf"\b(?P<word>{'|'.join(NUMBER_WORDS)})[ -](?P<unit>{_DURATION_UNIT})", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    kind: Kind
    value: float
    start: int
    end: int
    text: str
    currency: str | None = None  # for money: USD, EUR, GBP


def quantities(text: str) -> list[Quantity]:
    """Every quantity a sentence states, with its kind, in order of appearance."""
    found: list[Quantity] = []
    for number in parse_numbers(text):
        start = number.start
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            continue  # part of an identifier or a range's second end ("R01", "e5", "2019-2020")
        end = number.end
        value = abs(number.value) if number.parenthesized else number.value
        if number.currency:
            kind: Kind = "money"
        elif number.is_percent:
            kind = "percent"
        elif duration := _DURATION_AFTER.match(text, end):
            kind, end = "duration", duration.end()
        elif not number.has_scale_word and _YEAR_LITERAL.fullmatch(number.text.strip()):
            kind = "year"
        elif _is_day_of_month(text, start, end, value):
            kind = "day"  # "26 June 2012", "1er juillet", "June 26": part of a date, not a count
        else:
            kind = "count"
        found.append(Quantity(kind, value, start, end, text[start:end].strip(), number.currency))
    for m in _WORD_DURATION.finditer(text):
        found.append(Quantity("duration", float(NUMBER_WORDS[m["word"].lower()]), m.start(), m.end(), m[0]))
    return sorted(found, key=lambda q: q.start)


_SEASON = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[–/-]\s*(\d\d)(?![\d-])")


def season_years(text: str) -> set[int]:
    """The second year of each season written across two ("the 2021–22 season", "1999/00"): it is
    stated as much as the first, which ``quantities`` already reads as a year."""
    return {int(m[1]) + 1 for m in _SEASON.finditer(text) if int(m[2]) == (int(m[1]) + 1) % 100}


def _is_day_of_month(text: str, start: int, end: int, value: float) -> bool:
    if value != int(value) or not 1 <= value <= 31:
        return False
    after = re.match(r"(?:er|st|nd|rd|th)?\s+(\w+)", text[end:])
    before = re.search(r"(\w+)\s+$", text[:start])
    return any(m and m[1].lower() in MONTHS for m in (after, before))


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


# A figure per period ("per year", "annual", "par an", "mensuel"): a rate, not a total.
RATE = re.compile(
    r"\b(?:per|a|an|each|every)\s+(?:year|month|week|day)\b(?!\s+(?:ago|earlier|later|before|after))|\b(?:annual(?:ly)?|yearly|monthly|weekly|daily)\b|"
    r"\bpar\s+(?:an|année|mois|semaine|jour)\b|\b(?:annuel(?:le)?s?|mensuel(?:le)?s?|hebdomadaires?|quotidien(?:ne)?s?)\b",
    re.IGNORECASE)


# ----------------------------------------------------------------------------------------------------
# Writing quantities for a reader

_LOCALES = {"fr": "fr_FR", "en": "en_US"}


_CURRENCY_WORDS = {  # (English sign, French word) per currency
    "USD": ("$", "dollars"), "EUR": ("€", "euros"), "GBP": ("£", "livres"),
}


def format_amount(value: float, language: str, currency: str = "USD") -> str:
    """Money as a reporter writes it: $5.65 million / 5,65 millions de dollars; €7.2 billion / 7,2 milliards
    d'euros; $800,000 / 800 000 dollars.

    Digits, grouping and decimal marks come from babel's locale data; the scale words stay spelled out
    because answers are read as prose and checked as numbers.
    """
    from babel.numbers import format_decimal

    sign_en, word_fr = _CURRENCY_WORDS.get(currency, _CURRENCY_WORDS["USD"])
    locale = _LOCALES.get(language, "en_US")
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    elided = "d'" if word_fr[0] in "aeiou" else "de "
    scales = ((1e12, "trillion", None), (1e9, "billion", "milliards"), (1e6, "million", "millions"))
    for scale, unit_en, unit_fr in scales:
        if magnitude >= scale and (language != "fr" or unit_fr):
            digits = format_decimal(round(magnitude / scale, 3), format="#,##0.###", locale=locale)
            if language == "fr":
                unit = unit_fr if magnitude / scale >= 2 else unit_fr.rstrip("s")
                return f"{sign}{digits} {unit} {elided}{word_fr}"
            return f"{sign}{sign_en}{digits} {unit_en}"
    digits = format_decimal(round(magnitude, 2), format="#,##0.##", locale=locale)
    return f"{sign}{digits} {word_fr}" if language == "fr" else f"{sign}{sign_en}{digits}"


def format_exact_amount(value: float, language: str, currency: str = "USD") -> str:
    """A computed sum to the cent, as the records state it: $1,286,887.85 / 1 286 887,85 $US."""
    from babel.numbers import format_currency

    return format_currency(value, currency, locale=_LOCALES.get(language, "en_US"))


def format_compact_amount(value: float, language: str = "en") -> str:
    """A short label for a chart axis or a table cell: $5.65M, $800K."""
    from babel.numbers import format_compact_currency

    return format_compact_currency(value, "USD", locale=_LOCALES.get(language, "en_US"), fraction_digits=2)


def human_size(n_bytes: int, exact: bool = True) -> str:
    """``30.1 MB``, ``12.5 kB``, ``812 bytes``: sizes as a person reads them.
    ``exact=False`` is for a cap, a round number someone chose: ``25 MB`` rather than ``25.0 MB``."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}" if exact else f"{n_bytes / scale:g} {unit}"
    return f"{n_bytes} bytes"


# ----------------------------------------------------------------------------------------------------
# Months, both languages

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "janvier": 1, "février": 2, "mars": 3,
    "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "décembre": 12,
}
MONTH_WORDS = re.compile(r"\b(" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
