"""Find and read the numbers a sentence states: amounts of money, counts, years and durations.

Written forms of both languages: "3,75 millions de dollars", "$3.75 million", "800 000 dollars",
"7 500 agences", "8 milliards de publications", "sept mois", "cinq ans".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["money", "count", "year", "duration", "percent"]

_SPACE = "[ \u00a0\u202f]"
_NUMERAL = rf"\d{{1,3}}(?:(?:{_SPACE}|,)\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"millions?|milliards?|billions?|thousands?|mille|trillions?|M\b|Md\b|bn\b|k\b"
_CURRENCY_AFTER = r"(?:de\s+)?(?:dollars?|USD|US\$|\$|euros?|€)"
_DURATION_UNIT = r"ans?\b|années?\b|mois\b|semaines?\b|jours?\b|years?\b|months?\b|weeks?\b|days?\b|heures?\b|hours?\b"
_NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}
_SCALE_VALUE = {"thousand": 1e3, "mille": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "milliard": 1e9, "billion": 1e9,
                "md": 1e9, "bn": 1e9, "trillion": 1e12}

_PATTERN = re.compile(
    rf"(?<![\w.,-])(?P<pre>\$|US\$|USD\s?)?(?P<num>{_NUMERAL})(?:{_SPACE}?(?P<scale>{_SCALE}))?"
    rf"(?P<pct>{_SPACE}?%|\s+pour\s?cent|\s+percent)?"
    rf"(?:{_SPACE}?(?:de\s+)?(?P<cur>dollars?|USD|\$|euros?|€))?"
    rf"(?:{_SPACE}?(?P<unit>{_DURATION_UNIT}))?",
    re.IGNORECASE,
)
_WORD_DURATION = re.compile(
    rf"\b(?P<word>{'|'.join(_NUMBER_WORDS)})[ -](?P<unit>{_DURATION_UNIT})", re.IGNORECASE
)


@dataclass(frozen=True)
class Quantity:
    kind: Kind
    value: float
    start: int
    end: int
    text: str


def parse_numeral(raw: str) -> float:
    """ "3,75" -> 3.75, "800 000" -> 800000, "3,750,000" -> 3750000, "1.2" -> 1.2."""
    compact = re.sub(_SPACE, "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", compact):
        return float(compact.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", compact) and compact.count(".") > 1:
        return float(compact.replace(".", ""))
    return float(compact.replace(",", "."))


def quantities(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    for m in _PATTERN.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-"):
            continue  # part of a word or an identifier, e.g. "R01", "e5"
        value = parse_numeral(m["num"])
        if m["scale"]:
            value *= _SCALE_VALUE.get(m["scale"].lower().rstrip("s"), 1.0)
        if m["pre"] or m["cur"]:
            kind: Kind = "money"
        elif m["pct"]:
            kind = "percent"
        elif m["unit"]:
            kind = "duration"
        elif not m["scale"] and re.fullmatch(r"(19|20)\d\d", m["num"]):
            kind = "year"
        else:
            kind = "count"
        end = m.end()
        found.append(Quantity(kind, value, m.start(), end, text[m.start():end].strip()))
    for m in _WORD_DURATION.finditer(text):
        found.append(Quantity("duration", float(_NUMBER_WORDS[m["word"].lower()]), m.start(), m.end(), m[0]))
    return sorted(found, key=lambda q: q.start)


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def format_amount(value: float, language: str) -> str:
    """$5.65 million / 5,65 millions de dollars; $800,000 / 800 000 dollars."""
    negative = value < 0
    value = abs(value)
    if value >= 1e9:
        mantissa, unit_en, unit_fr = value / 1e9, "billion", "milliards"
    elif value >= 1e6:
        mantissa, unit_en, unit_fr = value / 1e6, "million", "millions"
    else:
        mantissa, unit_en, unit_fr = value, "", ""
    if unit_en:
        digits = f"{mantissa:.3f}".rstrip("0").rstrip(".")
        if language == "fr":
            unit = unit_fr if mantissa >= 2 else unit_fr.rstrip("s")
            text = f"{digits.replace('.', ',')} {unit} de dollars"
        else:
            text = f"${digits} {unit_en}"
    else:
        if language == "fr":
            whole = f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")
            text = f"{whole} dollars"
        else:
            text = "$" + f"{value:,.2f}".rstrip("0").rstrip(".")
    return ("-" if negative else "") + text
